//! The runtime cardinality alert (`settings { cardinality-alert tier=… }`): one alert per
//! service whose expression is an `or` of one term per declared metric with a budget,
//! each counting the metric's live series per target and labelled with the metric's
//! name. The budget is `max-series`, else the compile-time estimate (a metric with an
//! unbounded label and no `max-series` has none). The series counted are the ones the
//! estimate counts: the metric itself, or `_bucket`/`_sum`/`_count` of a histogram,
//! `_sum`/`_count` of a summary.

use std::collections::BTreeMap;

use super::RuleGroup;
use super::ops::{self, AlertSpec};
use crate::conventions::{LABEL_METRIC, matcher_equal, ops_alerts, rule_groups};
use crate::model::{Metric, MetricKind, Model, ServiceName};

/// A metric's series budget per target, if it has one.
pub(crate) fn budget(metric: &Metric) -> Option<u64> {
    metric.max_series.or_else(|| metric.estimated_series())
}

/// The `__name__` matcher of the series a metric's estimate counts.
pub(crate) fn name_matcher(metric: &Metric) -> String {
    let name = metric.name.as_str();
    match &metric.kind {
        MetricKind::Counter | MetricKind::Gauge => matcher_equal("__name__", name),
        MetricKind::Histogram { native: false, .. } => {
            format!("__name__=~\"{name}_bucket|{name}_sum|{name}_count\"")
        }
        MetricKind::Histogram { native: true, .. } => {
            format!("__name__=~\"{name}|{name}_sum|{name}_count\"")
        }
        MetricKind::Summary => format!("__name__=~\"{name}_sum|{name}_count\""),
    }
}

pub(crate) fn groups(model: &Model, service: Option<&ServiceName>) -> Vec<RuleGroup> {
    let Some(settings) = &model.settings.cardinality_alert else {
        return Vec::new();
    };
    let selector: Vec<String> = service
        .and_then(|s| model.service(s))
        .map(|s| {
            s.selector
                .iter()
                .map(|(label, value)| matcher_equal(label.as_str(), value))
                .collect()
        })
        .unwrap_or_default();
    let terms: Vec<String> = model
        .metrics
        .iter()
        .filter(|m| m.service.as_ref() == service)
        .filter_map(|m| {
            let budget = budget(m)?;
            let mut matchers = vec![name_matcher(m)];
            matchers.extend(selector.iter().cloned());
            Some(format!(
                "label_replace(count by (job, instance) ({{{}}}) > {budget}, \"{LABEL_METRIC}\", \"{}\", \"\", \"\")",
                matchers.join(", "),
                m.name
            ))
        })
        .collect();
    if terms.is_empty() {
        return Vec::new();
    }
    let owner = service.map(ServiceName::as_str);
    let subject = owner.map_or_else(String::new, |s| format!(" of {s}"));
    let rule = ops::alert_rule(
        model,
        AlertSpec {
            name: ops_alerts::cardinality(owner),
            service,
            tier: &settings.tier,
            expr: terms.join(" or "),
            for_duration: Some(settings.for_duration),
            keep_firing_for: None,
            summary: format!("A metric{subject} has more series than its budget."),
            description: Some(String::from(
                "{{ $labels.metric }} has {{ $value }} series on {{ $labels.instance }}, above the budget declared in the spec.",
            )),
            labels: &BTreeMap::new(),
            annotations: &BTreeMap::new(),
        },
    );
    vec![RuleGroup::new(
        rule_groups::cardinality_of(owner),
        None,
        vec![rule],
    )]
}
