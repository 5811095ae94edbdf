//! Anomaly bands from `anomaly` nodes: a z-score band around an expected value, built
//! only from functions present in Prometheus 2.x and 3.x (no `holt_winters` /
//! `double_exponential_smoothing`). One group per anomaly, so each rule reads the
//! previous ones of the same evaluation:
//!
//! 1. `anomaly:value`: the watched expression.
//! 2. `anomaly:level`: its mean over `Anomaly::LEVEL_WINDOW` — what is compared with the band.
//! 3. `anomaly:baseline`: the running median over `window`; with seasonality, plus the
//!    seasonal shape: for each season `s`, the median of a `window` centred on the same
//!    time one season ago minus the running median back then (used only once a whole
//!    window of that history exists). Medians ignore short anomalies, so a spike does
//!    not drag the baseline (and the band) after it.
//! 4. `anomaly:residual`: level minus baseline.
//! 5. `anomaly:deviation`: the residual's spread over `Anomaly::DEVIATION_WINDOW`, as the
//!    interquartile range / 1.349 (the standard deviation of normal noise, but robust: the
//!    anomalies inside the day do not widen it).
//! 6. `anomaly:upper_band` / `anomaly:lower_band`: baseline ± max(sensitivity ×
//!    deviation, min-band).
//!
//! The alert fires when the level stays outside the band for `for`. Measured on
//! synthetic data in `tests/anomaly_detection.rs` (figures in `docs/anomaly.md`).

use super::item::{self, AlertSpec, item_labels, item_selector, record};
use super::{Rule, RuleGroup};
use crate::conventions::{LABEL_ANOMALY, ops_alerts, ops_rules, rule_groups};
use crate::model::{Anomaly, Duration, Model, Owners, ServiceName, format_decimal};

/// Interquartile range of the standard normal distribution.
const IQR_PER_SIGMA: &str = "1.349";

pub(crate) fn groups(
    model: &Model,
    owners: &Owners<'_>,
    service: Option<&ServiceName>,
) -> Vec<RuleGroup> {
    owners
        .anomalies(service)
        .iter()
        .map(|a| RuleGroup::new(rule_groups::anomaly(a.name.as_str()), None, rules(model, a)))
        .collect()
}

pub(crate) fn rules(model: &Model, anomaly: &Anomaly) -> Vec<Rule> {
    let name = anomaly.name.as_str();
    let service = anomaly.service.as_ref();
    let labels = item_labels(model, service, LABEL_ANOMALY, name);
    let sel = item_selector(service, LABEL_ANOMALY, name);
    let series = |rule: &str| format!("{rule}{sel}");
    let value = series(ops_rules::ANOMALY_VALUE);
    let level_window = anomaly.level_window();
    let half_width = match anomaly.min_band {
        Some(min) => format!(
            "clamp_min({} * {}, {})",
            format_decimal(anomaly.sensitivity),
            series(ops_rules::ANOMALY_DEVIATION),
            format_decimal(min)
        ),
        None => format!(
            "{} * {}",
            format_decimal(anomaly.sensitivity),
            series(ops_rules::ANOMALY_DEVIATION)
        ),
    };
    let baseline = series(ops_rules::ANOMALY_BASELINE);
    let level = series(ops_rules::ANOMALY_LEVEL);
    vec![
        record(
            ops_rules::ANOMALY_VALUE,
            anomaly.expr.as_str().to_owned(),
            &labels,
        ),
        record(
            ops_rules::ANOMALY_LEVEL,
            format!("avg_over_time({value}[{level_window}])"),
            &labels,
        ),
        record(
            ops_rules::ANOMALY_BASELINE,
            baseline_expr(&value, anomaly),
            &labels,
        ),
        record(
            ops_rules::ANOMALY_RESIDUAL,
            format!("{level} - {baseline}"),
            &labels,
        ),
        record(
            ops_rules::ANOMALY_DEVIATION,
            format!(
                "(quantile_over_time(0.75, {residual}[{deviation}]) - quantile_over_time(0.25, {residual}[{deviation}])) / {IQR_PER_SIGMA}",
                residual = series(ops_rules::ANOMALY_RESIDUAL),
                deviation = Anomaly::DEVIATION_WINDOW,
            ),
            &labels,
        ),
        record(
            ops_rules::ANOMALY_UPPER,
            format!("{baseline} + {half_width}"),
            &labels,
        ),
        record(
            ops_rules::ANOMALY_LOWER,
            format!("{baseline} - {half_width}"),
            &labels,
        ),
        alert(model, anomaly, &level, &sel),
    ]
}

/// The running median, plus the average seasonal shape where history allows.
fn baseline_expr(value: &str, anomaly: &Anomaly) -> String {
    let window = anomaly.window;
    let median = |offset: Option<Duration>| match offset {
        Some(offset) => format!("quantile_over_time(0.5, {value}[{window}] offset {offset})"),
        None => format!("quantile_over_time(0.5, {value}[{window}])"),
    };
    let running = median(None);
    let terms: Vec<String> = anomaly
        .seasonality
        .iter()
        .map(|season| {
            let centred = Duration::from_millis(season.as_millis() - window.as_millis() / 2);
            let history = Duration::from_millis(season.as_millis() + window.as_millis());
            format!(
                "({} - {} and {value} offset {history})",
                median(Some(centred)),
                median(Some(*season))
            )
        })
        .collect();
    match terms.len() {
        0 => running,
        1 => format!("{running} + {} or {running}", terms[0]),
        n => {
            let all = format!("({}) / {n}", terms.join(" + "));
            let each = terms.join(" or ");
            format!("{running} + ({all} or {each}) or {running}")
        }
    }
}

fn alert(model: &Model, anomaly: &Anomaly, level: &str, sel: &str) -> Rule {
    let service = anomaly.service.as_ref();
    let upper = format!("{}{sel}", ops_rules::ANOMALY_UPPER);
    let lower = format!("{}{sel}", ops_rules::ANOMALY_LOWER);
    let subject = anomaly.subject();
    item::alert_rule(
        model,
        AlertSpec {
            name: ops_alerts::anomaly(service.map(ServiceName::as_str), anomaly.name.as_str()),
            service,
            tier: &anomaly.tier,
            expr: format!("{level} > {upper} or {level} < {lower}"),
            for_duration: Some(anomaly.for_duration),
            keep_firing_for: None,
            summary: anomaly.summary(),
            description: Some(format!(
                "{subject} is {{{{ $value | humanize }}}}, more than {} standard deviations from its expected value.",
                format_decimal(anomaly.sensitivity)
            )),
            labels: &anomaly.labels,
            annotations: &anomaly.annotations,
        },
    )
}
