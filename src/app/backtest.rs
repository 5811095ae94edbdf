//! `vigil backtest`: compile the spec, read each SLO's base rates from Prometheus over a
//! range, replay its alerts, and print what they would have done.

use super::verify::{connection, report as diagnostics_report, usage};
use super::{Context, EXIT_FAILURE, EXIT_OK, Outcome, finish};
use crate::backtest::report::{Replayed, Scope, json, markdown, report};
use crate::backtest::{Evaluation, Grid, Input, Rates, Timestamp, fetch, replay};
use crate::cli::{BacktestArguments, DiffFormat};
use crate::model::{Duration, Model, Slo};
use crate::source::Sources;
use crate::verify::ApiError;
use crate::verify::client::HttpApi;

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
    let slos = match selected(&model, &arguments.slos) {
        Ok(slos) => slos,
        Err(message) => return usage(&message),
    };
    let address = &arguments.server.prometheus;
    let api = HttpApi::new(address, headers, timeout);
    let evaluation = Evaluation::for_version(model.targets.prometheus, interval);
    let fetched = match fetch(&model, &slos, &api, from, to, evaluation) {
        Ok(fetched) => fetched,
        Err(ApiError::Unreachable(cause)) => {
            return usage(&format!("cannot reach Prometheus at {address}: {cause}"));
        }
        Err(ApiError::Rejected(reason)) => {
            return Outcome {
                stderr: format!("error: Prometheus at {address} refused a query: {reason}\n"),
                code: EXIT_FAILURE,
                ..Outcome::default()
            };
        }
    };
    let mut stderr = String::new();
    let mut replayed = Vec::new();
    for (slo, series) in slos.iter().zip(fetched) {
        if series.is_empty() {
            stderr.push_str(&format!(
                "warning: Prometheus at {address} has no data for the SLI of {} in the range: is its SLI right, and was it scraped then?\n",
                slo.path()
            ));
            replayed.push(Replayed {
                slo,
                labels: std::collections::BTreeMap::new(),
                replay: replay(slo, &no_data(from), from, to, evaluation),
            });
        }
        for (labels, input) in series {
            replayed.push(Replayed {
                slo,
                replay: replay(slo, &input, from, to, evaluation),
                labels,
            });
        }
    }
    let scope = Scope {
        prometheus: address,
        from,
        to,
        interval,
    };
    let report = report(&model, &scope, &replayed);
    Outcome {
        stdout: match arguments.format {
            DiffFormat::Markdown => markdown(&report),
            DiffFormat::Json => json(&report),
        },
        stderr,
        code: EXIT_OK,
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
        let length = Duration::parse(&arguments.range)
            .map_err(|e| format!("--range `{}`: {e}", arguments.range))?;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_err(|e| format!("the clock is before 1970: {e}"))?;
        let now = Timestamp(i64::try_from(now.as_millis()).unwrap_or(i64::MAX));
        (now.minus(length), now)
    };
    let (from, to) = (from.ceil(interval), to.floor(interval));
    if from >= to {
        return Err(String::from(
            "the range is empty: --from must be before --to by at least one evaluation interval",
        ));
    }
    Ok((interval, from, to))
}

fn instant(flag: &str, text: &str) -> Result<Timestamp, String> {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| Timestamp(t.timestamp_millis()))
        .map_err(|_| {
            format!("{flag} `{text}` is not an RFC 3339 time such as `2026-11-01T00:00:00Z`")
        })
}

/// The SLOs the references name (every SLO when there are none).
fn selected<'m>(model: &'m Model, references: &[String]) -> Result<Vec<&'m Slo>, String> {
    if references.is_empty() {
        return Ok(model.slos.iter().collect());
    }
    let mut slos: Vec<&Slo> = Vec::new();
    for reference in references {
        match model.find_slos(reference).as_slice() {
            [] => {
                let known = model.slos.iter().map(Slo::path).collect::<Vec<_>>();
                let guess = crate::diagnostic::suggest(reference, known.iter().map(String::as_str));
                return Err(format!(
                    "no SLO `{reference}` in the spec ({})",
                    guess.map_or_else(
                        || String::from("name an SLO as `service/slo`"),
                        |g| format!("did you mean `{g}`?")
                    )
                ));
            }
            [slo] => {
                if !slos.iter().any(|s| s.path() == slo.path()) {
                    slos.push(slo);
                }
            }
            several => {
                let paths: Vec<String> =
                    several.iter().map(|s| format!("`{}`", s.path())).collect();
                return Err(format!(
                    "`{reference}` names SLOs of several services: write one of {}",
                    paths.join(", ")
                ));
            }
        }
    }
    Ok(slos)
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
