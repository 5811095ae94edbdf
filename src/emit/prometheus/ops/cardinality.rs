//! The runtime cardinality alert (`settings { cardinality-alert tier=… }`): one alert per
//! service whose expression is an `or` of one term per declared metric with a budget,
//! each counting the metric's live series per target and labelled with the metric's
//! name. The budget is `max-series`, else the compile-time estimate (a metric with an
//! unbounded label and no `max-series` has none). The series counted are the ones the
//! estimate counts: the metric itself, or `_bucket`/`_sum`/`_count` of a histogram,
//! `_sum`/`_count` of a summary.

use std::collections::BTreeMap;

use super::RuleGroup;
use super::item::{self, AlertSpec};
use crate::conventions::{LABEL_METRIC, matcher_equal, ops_alerts, rule_groups};
use crate::model::{
    Metric, Model, Owners, SERIES_BUDGET_SUMMARY, ServiceName, cardinality_summary,
};

/// The `__name__` matcher of the series a metric's estimate counts.
pub(crate) fn name_matcher(metric: &Metric) -> String {
    match metric.counted_series().as_slice() {
        [one] => matcher_equal("__name__", one),
        several => format!("__name__=~\"{}\"", several.join("|")),
    }
}

/// The runtime alert on `settings { series-budget }`: the series of every declared
/// metric on one target together, against the spec-wide budget. It needs
/// `cardinality-alert` for its tier and `for`. Unlike the compile-time check, it counts
/// metrics with unbounded labels too: their live series are what the budget is for.
pub(crate) fn series_budget_group(model: &Model) -> Option<RuleGroup> {
    let settings = model.settings.cardinality_alert.as_ref()?;
    let budget = model.settings.series_budget?;
    let names: Vec<String> = model
        .metrics
        .iter()
        .flat_map(Metric::counted_series)
        .collect();
    if names.is_empty() {
        return None;
    }
    let rule = item::alert_rule(
        model,
        AlertSpec {
            name: ops_alerts::SERIES_BUDGET.to_owned(),
            service: None,
            tier: &settings.tier,
            expr: format!(
                "count by (job, instance) ({{__name__=~\"{}\"}}) > {budget}",
                names.join("|")
            ),
            for_duration: Some(settings.for_duration),
            keep_firing_for: None,
            summary: SERIES_BUDGET_SUMMARY.to_owned(),
            description: Some(String::from(
                "{{ $labels.instance }} ({{ $labels.job }}) exposes {{ $value }} series of declared metrics, above the spec's series-budget.",
            )),
            labels: &BTreeMap::new(),
            annotations: &BTreeMap::new(),
        },
    );
    Some(RuleGroup::new(
        rule_groups::SERIES_BUDGET.to_owned(),
        None,
        vec![rule],
    ))
}

pub(crate) fn groups(
    model: &Model,
    owners: &Owners<'_>,
    service: Option<&ServiceName>,
) -> Vec<RuleGroup> {
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
    let terms: Vec<String> = owners
        .metrics(service)
        .iter()
        .filter_map(|m| {
            let budget = m.series_budget()?;
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
    let rule = item::alert_rule(
        model,
        AlertSpec {
            name: ops_alerts::cardinality(owner),
            service,
            tier: &settings.tier,
            expr: terms.join(" or "),
            for_duration: Some(settings.for_duration),
            keep_firing_for: None,
            summary: cardinality_summary(service),
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
