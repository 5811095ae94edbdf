//! Maps one OpenSLO SLO (with the SLI, alert policies and conditions it names) onto
//! vigil drafts: one per objective.

use std::collections::BTreeMap;
use std::str::FromStr;

use super::openslo::{Item, Located, MetricHolder, Objective, RatioMetric, Spec, TimeWindow};
use super::{BurnDraft, SliDraft, SloDraft, promql_template};
use crate::codes::Code;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::{BurnWindow, CalendarPeriod, Decimal, Duration, Window};

/// Every accepted object, by kind and name.
#[derive(Default)]
pub(super) struct Pool {
    pub(super) by_kind: BTreeMap<String, BTreeMap<String, Located>>,
}

impl Pool {
    fn get(&self, kind: &str, name: &str) -> Option<&Located> {
        self.by_kind.get(kind)?.get(name)
    }
}

/// The problem that stops one SLO from importing.
struct Problem {
    code: Code,
    message: String,
    help: &'static str,
}

fn problem(code: Code, message: impl Into<String>, help: &'static str) -> Problem {
    Problem {
        code,
        message: message.into(),
        help,
    }
}

type Result<T> = std::result::Result<T, Problem>;

const INVALID_HELP: &str =
    "the document does not follow the OpenSLO specification; fix it upstream";

pub(super) fn slo(pool: &Pool, located: &Located, diagnostics: &mut Diagnostics) -> Vec<SloDraft> {
    let name = located.object.metadata.name.clone().unwrap_or_default();
    match convert(pool, located, &name) {
        Ok(drafts) => drafts,
        Err(p) => {
            diagnostics.push(
                Diagnostic::new(p.code, located.span, format!("SLO `{name}`: {}", p.message))
                    .label("this SLO")
                    .help(p.help),
            );
            Vec::new()
        }
    }
}

fn convert(pool: &Pool, located: &Located, name: &str) -> Result<Vec<SloDraft>> {
    let empty = Spec::default();
    let spec = located.object.spec.as_deref().unwrap_or(&empty);
    let service = spec
        .service
        .clone()
        .ok_or_else(|| problem(Code::ImportInvalid, "no `service`", INVALID_HELP))?;
    match spec.budgeting_method.as_deref() {
        None | Some("Occurrences") => {}
        Some(other) => {
            return Err(problem(
                Code::ImportBudgeting,
                format!("budgeting method `{other}` cannot be expressed"),
                "vigil counts events (OpenSLO `Occurrences`); time slices have no exact equivalent",
            ));
        }
    }
    let window = window(spec)?;
    let sli_spec = indicator(pool, spec)?;
    let (page, ticket) = alerting(pool, spec, window)?;
    let mut notes = Vec::new();
    if let Some(sli) = &spec.indicator_ref {
        notes.push(format!("SLI {sli}"));
    }
    let objectives = &spec.objectives;
    if objectives.is_empty() {
        return Err(problem(Code::ImportInvalid, "no objectives", INVALID_HELP));
    }
    let mut drafts = Vec::new();
    for (index, objective) in objectives.iter().enumerate() {
        let sli = sli(pool, sli_spec.as_ref(), objective)?;
        let slo_name = match (objectives.len(), &objective.display_name) {
            (1, _) => name.to_owned(),
            (_, Some(display)) => format!("{name}-{display}"),
            (_, None) => format!("{name}-{}", index + 1),
        };
        drafts.push(SloDraft {
            name: slo_name,
            service: service.clone(),
            origin: String::new(),
            description: spec.description.clone(),
            objective: target(objective)?,
            window,
            sli,
            labels: BTreeMap::new(),
            page: page.clone(),
            ticket: ticket.clone(),
            notes: notes.clone(),
        });
    }
    Ok(drafts)
}

fn target(objective: &Objective) -> Result<Decimal> {
    let percent = match (objective.target, objective.target_percent) {
        (Some(ratio), None) => decimal(ratio).map(|d| d * Decimal::ONE_HUNDRED),
        (None, Some(percent)) => decimal(percent),
        _ => None,
    };
    percent
        .map(|p| p.normalize())
        .filter(|p| *p > Decimal::ZERO && *p < Decimal::ONE_HUNDRED)
        .ok_or_else(|| {
            problem(
                Code::ImportInvalid,
                "an objective needs one `target` between 0 and 1 (or `targetPercent`)",
                INVALID_HELP,
            )
        })
}

fn decimal(value: f64) -> Option<Decimal> {
    Decimal::from_str(&value.to_string()).ok()
}

/// The SLI spec an SLO names: inline (v1 `indicator.spec`, v1alpha `indicator`) or
/// `indicatorRef`. v1alpha ratio SLOs carry the metric in the objective instead.
fn indicator(pool: &Pool, spec: &Spec) -> Result<Option<Spec>> {
    if let Some(reference) = &spec.indicator_ref {
        let sli = pool.get("SLI", reference).ok_or_else(|| {
            problem(
                Code::ImportInvalid,
                format!("refers to SLI `{reference}`, which is not among the inputs"),
                "import the file that declares it too",
            )
        })?;
        return Ok(Some(
            sli.object.spec.as_deref().cloned().unwrap_or_default(),
        ));
    }
    Ok(spec.indicator.as_ref().map(|i| match &i.spec {
        Some(inner) => (**inner).clone(),
        None => Spec {
            threshold_metric: i.threshold_metric.clone(),
            ratio_metric: i.ratio_metric.clone(),
            ..Spec::default()
        },
    }))
}

fn sli(pool: &Pool, sli: Option<&Spec>, objective: &Objective) -> Result<SliDraft> {
    let threshold = sli.and_then(|s| s.threshold_metric.as_ref());
    let ratio = objective
        .ratio_metrics
        .as_ref()
        .or_else(|| sli.and_then(|s| s.ratio_metric.as_ref()));
    match (threshold, ratio) {
        (Some(metric), None) => threshold_sli(pool, metric, objective),
        (None, Some(ratio)) => {
            if objective.op.is_some() {
                return Err(problem(
                    Code::ImportInvalid,
                    "`op` on the objective of a ratio metric",
                    "`op` and `value` belong to threshold metrics; a ratio objective has only `target`",
                ));
            }
            ratio_sli(pool, ratio)
        }
        _ => Err(problem(
            Code::ImportInvalid,
            "needs exactly one SLI: a `ratioMetric` or a `thresholdMetric`",
            INVALID_HELP,
        )),
    }
}

fn threshold_sli(pool: &Pool, metric: &MetricHolder, objective: &Objective) -> Result<SliDraft> {
    let query = query(pool, metric)?;
    // The comparison that makes a sample bad: the negation of the objective's `op`.
    let bad = match objective.op.as_deref() {
        Some("lt") => ">=",
        Some("lte") => ">",
        Some("gt") => "<=",
        Some("gte") => "<",
        _ => {
            return Err(problem(
                Code::ImportInvalid,
                "a threshold objective needs `op` (lt, lte, gt, gte) and `value`",
                INVALID_HELP,
            ));
        }
    };
    let value = objective.value.and_then(decimal).ok_or_else(|| {
        problem(
            Code::ImportInvalid,
            "a threshold objective needs `value`",
            INVALID_HELP,
        )
    })?;
    let value = crate::model::format_decimal(value);
    Ok(SliDraft {
        errors: format!("sum_over_time((({query}) {bad} bool {value})[{{{{ window }}}}:])"),
        total: format!("count_over_time(({query})[{{{{ window }}}}:])"),
    })
}

fn ratio_sli(pool: &Pool, ratio: &RatioMetric) -> Result<SliDraft> {
    if let Some(raw) = &ratio.raw {
        let raw = events(pool, raw, ratio)?;
        let errors = match ratio.raw_type.as_deref() {
            Some("failure") => raw,
            Some("success") => format!("1 - ({raw})"),
            _ => {
                return Err(problem(
                    Code::ImportInvalid,
                    "a raw ratio needs `rawType: success` or `failure`",
                    INVALID_HELP,
                ));
            }
        };
        return Ok(SliDraft {
            total: format!("(({errors}) >= 0) * 0 + 1"),
            errors: format!("({errors}) >= 0"),
        });
    }
    let total = ratio.total.as_ref().ok_or_else(|| {
        problem(
            Code::ImportInvalid,
            "a ratio metric needs `total`",
            INVALID_HELP,
        )
    })?;
    let total = events(pool, total, ratio)?;
    let errors = match (&ratio.good, &ratio.bad) {
        (Some(good), None) => format!("({total}) - ({})", events(pool, good, ratio)?),
        (None, Some(bad)) => events(pool, bad, ratio)?,
        _ => {
            return Err(problem(
                Code::ImportInvalid,
                "a ratio metric needs exactly one of `good` and `bad`",
                INVALID_HELP,
            ));
        }
    };
    Ok(SliDraft { errors, total })
}

/// A query as a rate over `{{ window }}`: as written when it has the placeholder,
/// else the rate of a counter or the sum of a gauge over a subquery.
fn events(pool: &Pool, metric: &MetricHolder, ratio: &RatioMetric) -> Result<String> {
    let query = query(pool, metric)?;
    if query.contains("{{ window }}") {
        return Ok(query);
    }
    let counter = ratio.counter.or(ratio.incremental).unwrap_or(true);
    Ok(if counter {
        format!("rate(({query})[{{{{ window }}}}:])")
    } else {
        format!("sum_over_time(({query})[{{{{ window }}}}:])")
    })
}

/// The Prometheus query of a metric source; other sources cannot be imported.
fn query(pool: &Pool, metric: &MetricHolder) -> Result<String> {
    let (source_type, query) = match &metric.metric_source {
        Some(source) => {
            let by_ref = source
                .metric_source_ref
                .as_ref()
                .and_then(|r| pool.get("DataSource", r))
                .and_then(|d| d.object.spec.as_ref()?.source_type.clone());
            let kind = source.source_type.clone().or(by_ref);
            (kind, source.spec.as_ref().and_then(|s| s.query.clone()))
        }
        None => (metric.source.clone(), metric.query.clone()),
    };
    let kind = source_type.unwrap_or_default();
    if !kind.eq_ignore_ascii_case("prometheus") {
        return Err(problem(
            Code::ImportSource,
            format!("metric source `{kind}` is not Prometheus"),
            "vigil compiles to Prometheus rules; only Prometheus queries can be imported",
        ));
    }
    let query = query.ok_or_else(|| {
        problem(
            Code::ImportInvalid,
            "a Prometheus metric source needs `spec.query`",
            INVALID_HELP,
        )
    })?;
    Ok(promql_template(&query))
}

/// One window, rolling (at least a day) or calendar-aligned week or month in UTC.
fn window(spec: &Spec) -> Result<Window> {
    let windows: Vec<&TimeWindow> = spec.time_window.iter().chain(&spec.time_windows).collect();
    let [w] = windows.as_slice() else {
        return Err(problem(
            Code::ImportInvalid,
            "needs exactly one time window",
            INVALID_HELP,
        ));
    };
    let (count, unit) = match (&w.duration, w.count, &w.unit) {
        (Some(d), _, _) => split_duration(d)?,
        (None, Some(count), Some(unit)) => (count, unit_letter(unit)?),
        _ => {
            return Err(problem(
                Code::ImportInvalid,
                "a time window needs a `duration`",
                INVALID_HELP,
            ));
        }
    };
    let rolling = w.is_rolling.unwrap_or(w.calendar.is_none());
    if rolling {
        let millis = match unit {
            'm' => 60_000,
            'h' => 3_600_000,
            'd' => 86_400_000,
            'w' => 7 * 86_400_000,
            _ => {
                return Err(problem(
                    Code::ImportUnsupported,
                    "a rolling window in months, quarters or years has no fixed length",
                    "write the rolling window in days (`30d`) or make it a calendar month",
                ));
            }
        };
        let duration = Duration::from_millis(count * millis);
        if duration < Duration::from_days(1) {
            return Err(problem(
                Code::ImportInvalid,
                format!(
                    "a window of {count}{unit} is shorter than a day (`m` is minutes; a month is `M`)"
                ),
                INVALID_HELP,
            ));
        }
        return Ok(Window::Rolling(duration));
    }
    let period = match (count, unit) {
        (1, 'w') | (7, 'd') => CalendarPeriod::Week,
        (1, 'M') => CalendarPeriod::Month,
        (_, 'm') => {
            return Err(problem(
                Code::ImportInvalid,
                format!("a calendar window of {count}m is {count} minutes (a month is `M`)"),
                INVALID_HELP,
            ));
        }
        _ => {
            return Err(problem(
                Code::ImportUnsupported,
                format!("a calendar window of {count}{unit}"),
                "vigil's calendar windows are one week or one month",
            ));
        }
    };
    calendar_start(w, period)?;
    Ok(Window::Calendar(period))
}

/// vigil's calendar periods start at 00:00 UTC on Mondays and on the 1st.
fn calendar_start(w: &TimeWindow, period: CalendarPeriod) -> Result<()> {
    let Some(calendar) = &w.calendar else {
        return Ok(());
    };
    let zone = calendar.time_zone.as_deref().unwrap_or("UTC");
    if !matches!(zone, "UTC" | "Etc/UTC") {
        return Err(problem(
            Code::ImportUnsupported,
            format!("calendar time zone `{zone}`"),
            "vigil aligns calendar windows to UTC",
        ));
    }
    let start = calendar.start_time.as_deref().unwrap_or("");
    let aligned = super::calendar::aligned(start, period);
    if !aligned {
        return Err(problem(
            Code::ImportUnsupported,
            format!("calendar start `{start}` is not a period boundary"),
            "vigil's weeks start on Monday 00:00 UTC and its months on the 1st",
        ));
    }
    Ok(())
}

fn split_duration(text: &str) -> Result<(u64, char)> {
    let unit = text.chars().last().unwrap_or(' ');
    let count = text[..text.len() - unit.len_utf8().min(text.len())]
        .parse::<u64>()
        .ok();
    match count {
        Some(count) if count > 0 && "mhdwMQY".contains(unit) => Ok((count, unit)),
        _ => Err(problem(
            Code::ImportInvalid,
            format!("`{text}` is not an OpenSLO duration (`30d`, `1w`, `1M`)"),
            INVALID_HELP,
        )),
    }
}

fn unit_letter(unit: &str) -> Result<char> {
    Ok(match unit {
        "Minute" => 'm',
        "Hour" => 'h',
        "Day" => 'd',
        "Week" => 'w',
        "Month" => 'M',
        "Quarter" => 'Q',
        "Year" => 'Y',
        other => {
            return Err(problem(
                Code::ImportInvalid,
                format!("`{other}` is not a time unit"),
                INVALID_HELP,
            ));
        }
    })
}

/// Alert policies: each holds one burn-rate condition, which becomes a window of the page
/// tier (severity page/critical) or the ticket tier.
fn alerting(
    pool: &Pool,
    spec: &Spec,
    window: Window,
) -> Result<(Option<BurnDraft>, Option<BurnDraft>)> {
    let (mut page, mut ticket): (Option<BurnDraft>, Option<BurnDraft>) = (None, None);
    for item in &spec.alert_policies {
        let policy = resolve(pool, item, "AlertPolicy", item.alert_policy_ref.as_ref())?;
        let [condition] = policy.conditions.as_slice() else {
            return Err(problem(
                Code::ImportUnsupported,
                "an alert policy needs exactly one condition",
                "split the policy into one policy per burn-rate condition",
            ));
        };
        let condition = resolve(
            pool,
            condition,
            "AlertCondition",
            condition.condition_ref.as_ref(),
        )?;
        let (is_page, burn_window, for_duration) = burn(&condition, window)?;
        let slot = if is_page { &mut page } else { &mut ticket };
        let draft = slot.get_or_insert_with(|| BurnDraft {
            windows: Some(Vec::new()),
            for_duration,
        });
        if draft.for_duration != for_duration {
            return Err(problem(
                Code::ImportUnsupported,
                "burn conditions of one tier with different `alertAfter`",
                "give conditions of the same severity the same `alertAfter`",
            ));
        }
        draft.windows.get_or_insert_with(Vec::new).push(burn_window);
    }
    Ok((page, ticket))
}

fn resolve(pool: &Pool, item: &Item, kind: &str, reference: Option<&String>) -> Result<Spec> {
    if let Some(name) = reference {
        let found = pool.get(kind, name).ok_or_else(|| {
            problem(
                Code::ImportInvalid,
                format!("refers to {kind} `{name}`, which is not among the inputs"),
                "import the file that declares it too",
            )
        })?;
        return Ok(found.object.spec.as_deref().cloned().unwrap_or_default());
    }
    item.spec.as_deref().cloned().ok_or_else(|| {
        problem(
            Code::ImportInvalid,
            format!("an inline {kind} needs a `spec`"),
            INVALID_HELP,
        )
    })
}

fn burn(condition: &Spec, window: Window) -> Result<(bool, BurnWindow, Option<Duration>)> {
    let c = condition.condition.as_ref().ok_or_else(|| {
        problem(
            Code::ImportInvalid,
            "an alert condition needs `condition`",
            INVALID_HELP,
        )
    })?;
    if !c
        .kind
        .as_deref()
        .is_some_and(|k| k.eq_ignore_ascii_case("burnrate"))
    {
        return Err(problem(
            Code::ImportUnsupported,
            "only `burnrate` alert conditions can be imported",
            "vigil alerts on burn rates",
        ));
    }
    if !matches!(c.op.as_deref(), Some("gt" | "gte")) {
        return Err(problem(
            Code::ImportUnsupported,
            format!(
                "burn-rate condition with op `{}`",
                c.op.as_deref().unwrap_or("")
            ),
            "a burn-rate alert fires when the burn rate is above the threshold (`gt`)",
        ));
    }
    let duration = |text: &Option<String>| {
        text.as_deref()
            .map(|t| {
                Duration::parse(t).map_err(|_| {
                    problem(
                        Code::ImportInvalid,
                        format!("`{t}` is not a duration"),
                        INVALID_HELP,
                    )
                })
            })
            .transpose()
    };
    let long = duration(&c.lookback_window)?.ok_or_else(|| {
        problem(
            Code::ImportInvalid,
            "a burn-rate condition needs `lookbackWindow`",
            INVALID_HELP,
        )
    })?;
    let for_duration = duration(&c.alert_after)?;
    let threshold = c
        .threshold
        .and_then(decimal)
        .filter(|t| *t > Decimal::ZERO)
        .ok_or_else(|| {
            problem(
                Code::ImportInvalid,
                "a burn-rate condition needs a positive `threshold`",
                INVALID_HELP,
            )
        })?;
    // factor = budget share × period / long window, so the share is factor × long / period.
    let budget = threshold * Decimal::from(long.as_millis()) * Decimal::ONE_HUNDRED
        / Decimal::from(window.period().as_millis());
    if budget > Decimal::ONE_HUNDRED {
        return Err(problem(
            Code::ImportUnsupported,
            "the burn-rate condition would consume more than the whole budget in its window",
            "lower the threshold or shorten `lookbackWindow`",
        ));
    }
    let short = Duration::from_millis(long.as_millis() / 12);
    let severity = condition
        .severity
        .as_deref()
        .unwrap_or("")
        .to_ascii_lowercase();
    let is_page = matches!(severity.as_str(), "page" | "critical" | "high");
    Ok((
        is_page,
        BurnWindow::new(long, short, budget.normalize()),
        for_duration,
    ))
}
