//! What every operational item's rules are made of: one way to build an alert, its
//! labels and the selector of its recorded series.

use std::collections::BTreeMap;

use super::Rule;
use crate::conventions::{
    LABEL_SERVICE, LABEL_SEVERITY, LABEL_TEAM, LABEL_TIER, matcher_equal, runbook_url,
};
use crate::model::{Duration, LabelName, Model, ServiceName, TierName};

/// What an operational alert is made of.
pub(crate) struct AlertSpec<'a> {
    pub(crate) name: String,
    pub(crate) service: Option<&'a ServiceName>,
    pub(crate) tier: &'a TierName,
    pub(crate) expr: String,
    pub(crate) for_duration: Option<Duration>,
    pub(crate) keep_firing_for: Option<Duration>,
    /// A static sentence ending with a period (`{{` in it is printed as text).
    pub(crate) summary: String,
    /// Templated; `None` derives one from the summary and `$value`.
    pub(crate) description: Option<String>,
    pub(crate) labels: &'a BTreeMap<LabelName, String>,
    pub(crate) annotations: &'a BTreeMap<LabelName, String>,
}

pub(crate) fn alert_rule(model: &Model, spec: AlertSpec<'_>) -> Rule {
    let mut labels: BTreeMap<String, String> = model
        .settings
        .labels
        .iter()
        .chain(spec.labels)
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    if let Some(declared) = model.tier(spec.tier) {
        labels.insert(
            LABEL_SEVERITY.to_owned(),
            declared.severity.as_str().to_owned(),
        );
    }
    labels.insert(LABEL_TIER.to_owned(), spec.tier.to_string());
    if let Some(service) = spec.service {
        labels.insert(LABEL_SERVICE.to_owned(), service.to_string());
        if let Some(team) = model.service(service).and_then(|s| s.team.as_ref()) {
            labels.insert(LABEL_TEAM.to_owned(), team.to_string());
        }
    }
    let mut annotations: BTreeMap<String, String> = spec
        .annotations
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    // The spec's own `summary` and `description` annotations replace vigil's.
    let summary = literal(&spec.summary);
    annotations
        .entry("description".to_owned())
        .or_insert_with(|| {
            spec.description.unwrap_or_else(|| {
                format!(
                    "{} (value: {{{{ $value }}}}).",
                    summary.trim_end_matches('.')
                )
            })
        });
    annotations.entry("summary".to_owned()).or_insert(summary);
    annotations.insert(
        crate::conventions::ANNOTATION_RUNBOOK_URL.to_owned(),
        runbook_url(model.settings.runbook_base_url.as_deref(), &spec.name),
    );
    Rule {
        record: None,
        alert: Some(spec.name),
        expr: spec.expr,
        for_duration: spec.for_duration,
        keep_firing_for: spec.keep_firing_for,
        labels,
        annotations,
    }
}

/// Text that Prometheus's Go templating prints as written.
fn literal(text: &str) -> String {
    text.replace("{{", "{{\"{{\"}}")
}

/// The labels identifying one item's recorded series: the spec's extra labels, the
/// service and the item (`anomaly="request-rate"`).
pub(crate) fn item_labels(
    model: &Model,
    service: Option<&ServiceName>,
    kind: &str,
    item: &str,
) -> BTreeMap<String, String> {
    let mut labels: BTreeMap<String, String> = model
        .settings
        .labels
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    if let Some(service) = service {
        labels.insert(LABEL_SERVICE.to_owned(), service.to_string());
    }
    labels.insert(kind.to_owned(), item.to_owned());
    labels
}

/// `{anomaly="request-rate",service="erlmcp"}`: selects one item's recorded series.
pub(crate) fn item_selector(service: Option<&ServiceName>, kind: &str, item: &str) -> String {
    let mut matchers = vec![matcher_equal(kind, item)];
    if let Some(service) = service {
        matchers.push(matcher_equal(LABEL_SERVICE, service.as_str()));
    }
    format!("{{{}}}", matchers.join(","))
}

pub(crate) fn record(name: &str, expr: String, labels: &BTreeMap<String, String>) -> Rule {
    Rule {
        record: Some(name.to_owned()),
        expr,
        labels: labels.clone(),
        ..Rule::default()
    }
}
