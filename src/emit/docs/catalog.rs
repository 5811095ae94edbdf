//! Contexts for the metrics reference and the SLO catalog.

use std::collections::BTreeMap;

use serde::Serialize;

use super::anchor;
use crate::conventions;
use crate::model::{
    CalendarPeriod, Decimal, Duration, Events, LabelValues, Metric, MetricKind, Model, Sli, Slo,
    Window, format_decimal,
};

#[derive(Serialize)]
pub(super) struct MetricsPage {
    header: &'static str,
    budget: Option<u64>,
    unbounded: usize,
    metrics: Vec<MetricEntry>,
}

#[derive(Serialize)]
struct MetricEntry {
    name: String,
    anchor: String,
    kind: &'static str,
    unit: String,
    service: String,
    owner: String,
    help: String,
    series: String,
    max_series: Option<u64>,
    buckets: String,
    labels: Vec<LabelEntry>,
    used_by: Vec<String>,
}

#[derive(Serialize)]
struct LabelEntry {
    name: String,
    values: String,
}

const NONE: &str = "—";

pub(super) fn metrics(model: &Model, header: &'static str) -> MetricsPage {
    let usage = usage_index(model);
    let metrics: Vec<MetricEntry> = model
        .metrics
        .iter()
        .map(|m| metric_entry(model, m, &usage))
        .collect();
    let estimates: Vec<Option<u64>> = model.metrics.iter().map(Metric::estimated_series).collect();
    let budget = estimates
        .iter()
        .flatten()
        .copied()
        .reduce(u64::saturating_add);
    let unbounded = estimates.iter().filter(|e| e.is_none()).count();
    MetricsPage {
        header,
        budget,
        unbounded,
        metrics,
    }
}

fn metric_entry(
    model: &Model,
    metric: &Metric,
    usage: &BTreeMap<String, Vec<String>>,
) -> MetricEntry {
    let service = metric.service.as_ref();
    let owner = service
        .and_then(|s| model.service(s))
        .and_then(|s| s.team.as_ref());
    let buckets = match &metric.kind {
        MetricKind::Histogram { buckets, native } => {
            let listed: Vec<String> = buckets.iter().map(|b| format_decimal(*b)).collect();
            match (listed.is_empty(), native) {
                (true, _) => String::from("native histogram"),
                (false, true) => format!("{} (also native)", listed.join(", ")),
                (false, false) => listed.join(", "),
            }
        }
        _ => String::new(),
    };
    MetricEntry {
        name: metric.name.to_string(),
        anchor: anchor(metric.name.as_str()),
        kind: metric.kind.as_str(),
        unit: metric
            .unit
            .as_ref()
            .map_or_else(|| NONE.to_owned(), |u| u.as_str().to_owned()),
        service: service.map_or_else(|| NONE.to_owned(), ToString::to_string),
        owner: owner.map_or_else(|| NONE.to_owned(), ToString::to_string),
        help: metric.help.clone(),
        series: metric
            .estimated_series()
            .map_or_else(|| String::from("unbounded"), |n| n.to_string()),
        max_series: metric.max_series,
        buckets,
        labels: metric
            .labels
            .iter()
            .map(|l| LabelEntry {
                name: l.name.to_string(),
                values: match &l.values {
                    LabelValues::Enumerated(values) => values
                        .iter()
                        .map(|v| format!("`{v}`"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    LabelValues::Unbounded => String::from("unbounded (a cardinality risk)"),
                },
            })
            .collect(),
        used_by: usage.get(metric.name.as_str()).cloned().unwrap_or_default(),
    }
}

/// The metric names an expression refers to: its identifiers, with a histogram's
/// `_bucket`/`_count`/`_sum` suffixes also counted for the base name.
fn mentioned(expr: &str) -> Vec<&str> {
    let mut names = Vec::new();
    for token in expr.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':')) {
        if token.is_empty() || token.starts_with(|c: char| c.is_ascii_digit()) {
            continue;
        }
        names.push(token);
        if let Some(base) = ["_bucket", "_count", "_sum"]
            .iter()
            .find_map(|s| token.strip_suffix(s))
        {
            names.push(base);
        }
    }
    names
}

/// Every metric → the SLOs, alerts and rules that use it, built in one pass over the
/// model so the reference stays linear in the size of the spec.
fn usage_index(model: &Model) -> BTreeMap<String, Vec<String>> {
    let mut index: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut record = |exprs: &[&str], user: String| {
        let mut names: Vec<&str> = exprs.iter().flat_map(|e| mentioned(e)).collect();
        names.sort_unstable();
        names.dedup();
        for name in names {
            index.entry(name.to_owned()).or_default().push(user.clone());
        }
    };
    for slo in &model.slos {
        let heading = conventions::slo_heading(slo.service.as_str(), slo.name.as_str());
        let user = format!("SLO [{}](slos.md#{})", slo.name, anchor(&heading));
        match &slo.sli {
            Sli::Ratio {
                events: Events::Errors(e) | Events::Good(e),
                total,
            } => record(&[e.as_str(), total.as_str()], user),
            Sli::Latency { metric, .. } => record(&[metric.as_str()], user),
            Sli::Availability { metric } => record(&[metric.as_str()], user),
            Sli::Query { errors, total } => record(&[errors.as_str(), total.as_str()], user),
        }
    }
    for alert in &model.alerts {
        record(&[alert.expr.as_str()], format!("alert `{}`", alert.name));
    }
    for anomaly in &model.anomalies {
        record(
            &[anomaly.expr.as_str()],
            format!("anomaly `{}`", anomaly.name),
        );
    }
    for regression in &model.regressions {
        record(
            &[regression.expr.as_str()],
            format!("regression `{}`", regression.name),
        );
    }
    for capacity in &model.capacities {
        record(
            &[capacity.usage.as_str(), capacity.limit.as_str()],
            format!("capacity `{}`", capacity.name),
        );
    }
    index
}

#[derive(Serialize)]
pub(super) struct SlosPage {
    header: &'static str,
    slos: Vec<SloEntry>,
}

#[derive(Serialize)]
struct SloEntry {
    name: String,
    /// The SLO's heading in the catalog; the same name may serve several services.
    heading: String,
    anchor: String,
    description: Option<String>,
    service: String,
    team: Option<String>,
    objective: String,
    window: String,
    window_words: String,
    budget_ratio: String,
    budget_time: String,
    budget_per_million: String,
    sli_kind: &'static str,
    sli_words: String,
    group_by: String,
    alerts: Vec<BurnEntry>,
    budget_alerts: Vec<String>,
}

#[derive(Serialize)]
struct BurnEntry {
    kind: String,
    tier: String,
    long: String,
    short: String,
    share: String,
    factor: String,
    threshold: String,
    detection: String,
}

/// `period × ratio`, rounded to whole seconds.
fn scale(period: Duration, ratio: Decimal) -> Duration {
    let millis = (Decimal::from(period.as_millis()) * ratio / Decimal::from(1000)).round();
    Duration::from_secs(u64::try_from(millis).unwrap_or(0))
}

pub(super) fn slos(model: &Model, header: &'static str) -> SlosPage {
    SlosPage {
        header,
        slos: model.slos.iter().map(|s| slo_entry(model, s)).collect(),
    }
}

fn slo_entry(model: &Model, slo: &Slo) -> SloEntry {
    let budget = slo.objective.error_budget();
    let period = slo.window.period();
    let (window, window_words) = match slo.window {
        Window::Rolling(d) => (d.to_string(), format!("a rolling {d} window")),
        Window::Calendar(CalendarPeriod::Month) => (
            String::from("calendar month"),
            String::from("calendar months (UTC); the budget resets on the 1st"),
        ),
        Window::Calendar(CalendarPeriod::Week) => (
            String::from("calendar week"),
            String::from("calendar weeks (UTC); the budget resets every Monday"),
        ),
    };
    let mut alerts = Vec::new();
    for (kind, alert) in [
        ("page", &slo.alerting.page),
        ("ticket", &slo.alerting.ticket),
    ] {
        let Some(alert) = alert else { continue };
        for (index, window) in alert.windows.iter().enumerate() {
            let speed = match (alert.windows.len(), index) {
                (1, _) => "",
                (_, 0) => " (fast)",
                _ => " (slow)",
            };
            let threshold = slo.burn_threshold(window);
            let mut detection = scale(window.long, threshold);
            if let Some(wait) = alert.for_duration {
                detection = Duration::from_millis(detection.as_millis() + wait.as_millis());
            }
            alerts.push(BurnEntry {
                kind: format!("{kind}{speed}"),
                tier: alert.tier.to_string(),
                long: window.long.to_string(),
                short: window.short.to_string(),
                share: format_decimal(window.budget_percent),
                factor: format_decimal(slo.burn_factor(window).round_dp(4)),
                threshold: format_decimal(threshold.round_dp(6)),
                detection: detection.to_string(),
            });
        }
    }
    let mut budget_alerts = Vec::new();
    if let Some(b) = &slo.alerting.budget_consumed {
        budget_alerts.push(format!(
            "**Budget consumed:** tier {} once {} % of the period's budget is spent.",
            b.tier,
            format_decimal(b.percent)
        ));
    }
    if let Some(b) = &slo.alerting.budget_exhausted {
        budget_alerts.push(format!(
            "**Budget exhausted:** tier {} once the whole budget is spent.",
            b.tier
        ));
    }
    if let Some(a) = &slo.alerting.absent {
        budget_alerts.push(format!(
            "**SLI absent:** tier {} when the SLI's series have been missing for {}.",
            a.tier, a.for_duration
        ));
    }
    if let Some(n) = slo.alerting.min_events {
        budget_alerts.push(format!(
            "**Low-traffic guard:** burn alerts need at least {n} events in their long window."
        ));
    }
    let team = model
        .service(&slo.service)
        .and_then(|s| s.team.as_ref())
        .map(ToString::to_string);
    SloEntry {
        name: slo.name.to_string(),
        heading: conventions::slo_heading(slo.service.as_str(), slo.name.as_str()),
        anchor: anchor(&conventions::slo_heading(
            slo.service.as_str(),
            slo.name.as_str(),
        )),
        description: slo.description.clone(),
        service: slo.service.to_string(),
        team,
        objective: slo.objective.to_string(),
        window,
        window_words,
        budget_ratio: format_decimal(budget),
        budget_time: scale(period, budget).to_string(),
        budget_per_million: format_decimal((budget * Decimal::from(1_000_000)).round_dp(3)),
        sli_kind: slo.sli.kind(),
        sli_words: slo.sli.words(),
        group_by: slo
            .group_by
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        alerts,
        budget_alerts,
    }
}

#[cfg(test)]
mod tests {
    use super::mentioned;

    fn mentions(expr: &str, metric: &str) -> bool {
        mentioned(expr).contains(&metric)
    }

    #[test]
    fn metric_mentions() {
        assert!(mentions(
            "sum(rate(http_requests_total[5m]))",
            "http_requests_total"
        ));
        assert!(mentions(
            "rate(latency_seconds_bucket[5m])",
            "latency_seconds"
        ));
        assert!(!mentions(
            "rate(http_requests_total_x[5m])",
            "http_requests_total"
        ));
        assert!(!mentions("my_http_requests_total", "http_requests_total"));
    }
}
