//! `vigil backtest`: compile the spec, read each SLO's base rates from Prometheus over a
//! range, replay its alerts, and print what they would have done.

use super::diff::{base_version, failure};
use super::verify::{connection, report as diagnostics_report, usage};
use super::{Context, EXIT_FAILURE, EXIT_OK, Outcome, finish, render, select};
use crate::backtest::report::{Replayed, Report, Scope, json, markdown, report};
use crate::backtest::{
    Evaluation, Grid, Input, Labels, Rates, Series, Timestamp, fetch, no_data_warnings, replay,
};
use crate::cli::{BacktestArguments, DiffFormat};
use crate::emit::prometheus::slo_groups;
use crate::model::{Duration, Model, Slo};
use crate::source::Sources;
use crate::verify::client::HttpApi;
use crate::verify::{Api, ApiError};

pub(super) fn backtest(arguments: &BacktestArguments, context: &Context) -> Outcome {
    let (headers, timeout) = match connection(&arguments.server, None) {
        Ok(connection) => connection,
        Err(message) => return usage(&message),
    };
    let (interval, from, to) = match range(arguments) {
        Ok(range) => range,
        Err(message) => return usage(&message),
    };
    let mut sources = Sources::default();
    let (spec, loaded) = crate::spec::load(&arguments.inputs.paths, &mut sources);
    let (model, checked) = finish(&spec, loaded, &mut sources);
    let Some(model) = model else {
        return diagnostics_report(&checked, &sources, context, EXIT_FAILURE);
    };
    let base = (arguments.base.is_some() || arguments.base_dir.is_some()).then(|| {
        base_version(
            arguments.base.as_deref(),
            arguments.base_dir.as_ref(),
            &arguments.inputs.paths,
            context,
        )
    });
    let base_model = match &base {
        Some(version) => match &version.model {
            Ok(model) => Some((model, version.name.as_str())),
            Err(_) => return failure(&[version], context),
        },
        None => None,
    };
    let slos = if arguments.slos.is_empty() {
        model.slos.iter().collect()
    } else {
        match select::slos(&arguments.slos, &[&model], "in the spec") {
            Ok(slos) => slos,
            Err(message) => return usage_text(message),
        }
    };
    let request = Request {
        model: &model,
        base: base_model,
        slos,
        api: &HttpApi::new(&arguments.server.prometheus, headers, timeout),
        from,
        to,
        interval,
    };
    let (mut report, replayed, silent) = match request.run() {
        Ok(done) => done,
        Err(outcome) => return outcome,
    };
    let warnings = no_data_warnings(&silent, &arguments.server.prometheus, Some(&spec));
    // The report is stdout's; diagnostics go to stderr in every format.
    let stderr = if warnings.is_empty() {
        String::new()
    } else {
        render(&warnings, &sources, context)
    };
    if let Some(dir) = &arguments.svg_dir
        && let Err(message) = plots(dir, &mut report, &replayed, (from, to))
    {
        return Outcome {
            stderr: format!("error: {message}\n"),
            code: EXIT_FAILURE,
            ..Outcome::default()
        };
    }
    Outcome {
        stdout: match arguments.format {
            DiffFormat::Markdown => markdown(&report),
            DiffFormat::Json => json(&report),
        },
        stderr,
        code: EXIT_OK,
    }
}

/// One backtest: the SLOs of `model` (each compared with `base`'s version where its rules
/// differ) over `[from, to]`.
pub(super) struct Request<'m> {
    pub(super) model: &'m Model,
    pub(super) base: Option<(&'m Model, &'m str)>,
    pub(super) slos: Vec<&'m Slo>,
    pub(super) api: &'m HttpApi,
    pub(super) from: Timestamp,
    pub(super) to: Timestamp,
    pub(super) interval: Duration,
}

impl<'m> Request<'m> {
    /// The report, the replays it was made from, and the SLOs without data; or the outcome
    /// of a server that did not answer.
    pub(super) fn run(&self) -> Result<(Report, Vec<Replayed<'m>>, Vec<&'m Slo>), Outcome> {
        let Self {
            model,
            base,
            from,
            to,
            interval,
            ..
        } = *self;
        let (api, slos) = (self.api, &self.slos);
        let address = api.address();
        let evaluation = Evaluation::for_version(model.targets.prometheus, interval);
        let compared = base.map(|(base, _)| changed(base, model, slos));
        let fetched = fetch(model, slos, api, from, to, evaluation).and_then(|head| {
            let base_slos: Vec<&Slo> = compared.iter().flatten().flatten().copied().collect();
            let base = match base {
                Some((base, _)) => fetch(base, &base_slos, api, from, to, evaluation)?,
                None => Vec::new(),
            };
            Ok((head, base_slos.into_iter().zip(base).collect::<Vec<_>>()))
        });
        let (head, base_series) = fetched.map_err(|error| unanswered(address, error))?;
        let replays = Replays {
            from,
            to,
            evaluation,
        };
        let (replayed, silent) = replays.run(slos, head, compared.as_deref(), &base_series);
        let scope = Scope {
            prometheus: address,
            from,
            to,
            interval,
        };
        Ok((report(model, base, &scope, &replayed), replayed, silent))
    }
}

/// Writes the picture of each SLO the report has a section for into `dir`, and names it
/// in the report.
fn plots(
    dir: &std::path::Path,
    report: &mut crate::backtest::report::Report,
    replayed: &[Replayed<'_>],
    range: (Timestamp, Timestamp),
) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let compared = report.base.is_some();
    for (entry, replayed) in report.slos.iter_mut().zip(replayed) {
        if compared && entry.before.is_none() {
            continue;
        }
        let mut name = format!("{}-{}", entry.service, entry.slo);
        for value in entry.labels.values() {
            name.push('-');
            name.extend(
                value
                    .chars()
                    .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }),
            );
        }
        let path = dir.join(format!("{name}.svg"));
        let title = format!("{}/{}", entry.service, entry.slo);
        let svg =
            crate::backtest::plot::svg(&title, replayed.slo, &replayed.replay, range.0, range.1);
        std::fs::write(&path, svg).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        entry.plot = Some(path.display().to_string());
    }
    Ok(())
}

/// What every replay shares.
struct Replays {
    from: Timestamp,
    to: Timestamp,
    evaluation: Evaluation,
}

impl Replays {
    /// Each series of each SLO replayed, with its base version's replay where that
    /// version's rules differ; and the SLOs Prometheus had no data for.
    fn run<'m>(
        &self,
        slos: &[&'m Slo],
        head: Vec<Series>,
        compared: Option<&[Option<&'m Slo>]>,
        base_series: &[(&'m Slo, Series)],
    ) -> (Vec<Replayed<'m>>, Vec<&'m Slo>) {
        let (from, to, evaluation) = (self.from, self.to, self.evaluation);
        let mut silent = Vec::new();
        let mut replayed = Vec::new();
        for (index, (slo, series)) in slos.iter().zip(head).enumerate() {
            let before = compared
                .and_then(|c| c[index])
                .and_then(|base| base_series.iter().find(|(s, _)| s.path() == base.path()));
            let series = if series.is_empty() {
                silent.push(*slo);
                Series::from([(Labels::new(), no_data(from))])
            } else {
                series
            };
            for (labels, input) in series {
                let before = before.map(|(base_slo, base_series)| {
                    let input = base_series
                        .get(&labels)
                        .cloned()
                        .unwrap_or_else(|| no_data(from));
                    (*base_slo, replay(base_slo, &input, from, to, evaluation))
                });
                replayed.push(Replayed {
                    slo,
                    replay: replay(slo, &input, from, to, evaluation),
                    labels,
                    before,
                });
            }
        }
        (replayed, silent)
    }
}

/// For each SLO, its base version when that version's rules differ (an SLO the base
/// lacks has no base to replay: `None`, like an unchanged one).
pub(super) fn changed<'m>(base: &'m Model, head: &Model, slos: &[&Slo]) -> Vec<Option<&'m Slo>> {
    slos.iter()
        .map(|slo| {
            let base_slo = base.slos.iter().find(|b| b.path() == slo.path())?;
            (slo_groups(base, base_slo) != slo_groups(head, slo)).then_some(base_slo)
        })
        .collect()
}

fn unanswered(address: &str, error: ApiError) -> Outcome {
    match error {
        ApiError::Unreachable(cause) => {
            usage(&format!("cannot reach Prometheus at {address}: {cause}"))
        }
        ApiError::Rejected(reason) => Outcome {
            stderr: format!("error: Prometheus at {address} refused a query: {reason}\n"),
            code: EXIT_FAILURE,
            ..Outcome::default()
        },
    }
}

fn usage_text(message: String) -> Outcome {
    Outcome {
        stderr: message,
        code: super::EXIT_USAGE,
        ..Outcome::default()
    }
}

/// The evaluation interval, and the range's first and last evaluation.
fn range(arguments: &BacktestArguments) -> Result<(Duration, Timestamp, Timestamp), String> {
    let interval = Duration::parse(&arguments.evaluation_interval).map_err(|e| {
        format!(
            "--evaluation-interval `{}`: {e}",
            arguments.evaluation_interval
        )
    })?;
    if interval.as_millis() < 1000 {
        return Err(String::from("--evaluation-interval must be at least 1s"));
    }
    let (from, to) = if let (Some(from), Some(to)) = (&arguments.from, &arguments.to) {
        (instant("--from", from)?, instant("--to", to)?)
    } else {
        recent("--range", &arguments.range)?
    };
    let (from, to) = (from.ceil(interval), to.floor(interval));
    if from >= to {
        return Err(String::from(
            "the range is empty: --from must be before --to by at least one evaluation interval",
        ));
    }
    Ok((interval, from, to))
}

/// The `length` (a duration given as `flag`) up to now.
pub(super) fn recent(flag: &str, length: &str) -> Result<(Timestamp, Timestamp), String> {
    let duration = Duration::parse(length).map_err(|e| format!("{flag} `{length}`: {e}"))?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_err(|e| format!("the clock is before 1970: {e}"))?;
    let now = Timestamp(i64::try_from(now.as_millis()).unwrap_or(i64::MAX));
    Ok((now.minus(duration), now))
}

fn instant(flag: &str, text: &str) -> Result<Timestamp, String> {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| Timestamp(t.timestamp_millis()))
        .map_err(|_| {
            format!("{flag} `{text}` is not an RFC 3339 time such as `2026-11-01T00:00:00Z`")
        })
}

/// The input of an SLO Prometheus had no series for: every window is empty.
fn no_data(from: Timestamp) -> Input {
    let empty = |step: Duration| {
        let grid = Grid {
            start: from,
            step,
            values: Vec::new(),
        };
        Rates {
            errors: grid.clone(),
            total: grid,
        }
    };
    Input {
        fine: empty(Duration::from_secs(60)),
        coarse: empty(Duration::from_secs(300)),
    }
}
