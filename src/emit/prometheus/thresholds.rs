//! Alert rules from the spec's `alert` nodes (issue 7's threshold alerts): a complete
//! condition at one tier, or one value compared with several thresholds — one rule per
//! threshold, all under the alert's name, so that the more urgent one can inhibit the
//! less urgent one in Alertmanager (`equal: [alertname, service, instance]`).

use std::collections::BTreeMap;

use super::{Rule, RuleGroup};
use crate::conventions::{
    LABEL_SERVICE, LABEL_SEVERITY, LABEL_TEAM, LABEL_TIER, rule_groups, runbook_url,
};
use crate::model::{Alert, Condition, Model, ServiceName, TierName, format_decimal};

/// The groups holding the alerts of one service (`None`: alerts that name no service).
pub(crate) fn groups(model: &Model, service: Option<&ServiceName>) -> Vec<RuleGroup> {
    let rules: Vec<Rule> = model
        .alerts
        .iter()
        .filter(|a| a.service.as_ref() == service)
        .flat_map(|a| rules(model, a))
        .collect();
    if rules.is_empty() {
        return Vec::new();
    }
    let name = rule_groups::alerts_of(service.map(ServiceName::as_str));
    vec![RuleGroup {
        name,
        interval: None,
        partial_response_strategy: None,
        rules,
    }]
}

fn rules(model: &Model, alert: &Alert) -> Vec<Rule> {
    match &alert.condition {
        Condition::Expr { tier } => vec![rule(model, alert, alert.expr.as_str().to_owned(), tier)],
        Condition::Thresholds(thresholds) => thresholds
            .iter()
            .map(|t| {
                rule(
                    model,
                    alert,
                    format!(
                        "({}) {} {}",
                        alert.expr,
                        t.comparison.operator(),
                        format_decimal(t.value)
                    ),
                    &t.tier,
                )
            })
            .collect(),
    }
}

fn rule(model: &Model, alert: &Alert, expr: String, tier: &TierName) -> Rule {
    let mut labels: BTreeMap<String, String> = model
        .settings
        .labels
        .iter()
        .chain(&alert.labels)
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    if let Some(declared) = model.tier(tier) {
        labels.insert(
            LABEL_SEVERITY.to_owned(),
            declared.severity.as_str().to_owned(),
        );
    }
    labels.insert(LABEL_TIER.to_owned(), tier.to_string());
    if let Some(service) = &alert.service {
        labels.insert(LABEL_SERVICE.to_owned(), service.to_string());
        if let Some(team) = model.service(service).and_then(|s| s.team.as_ref()) {
            labels.insert(LABEL_TEAM.to_owned(), team.to_string());
        }
    }
    let mut annotations: BTreeMap<String, String> = alert
        .annotations
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    // The summary is a static sentence: `{{` in it is text, not a Go template action.
    let summary = literal(&alert.summary);
    annotations.insert(
        "description".to_owned(),
        alert.description.clone().unwrap_or_else(|| {
            format!(
                "{} (value: {{{{ $value }}}}).",
                summary.trim_end_matches('.')
            )
        }),
    );
    annotations.insert("summary".to_owned(), summary);
    annotations.insert(
        "runbook_url".to_owned(),
        runbook_url(
            model.settings.runbook_base_url.as_deref(),
            alert.name.as_str(),
        ),
    );
    Rule {
        record: None,
        alert: Some(alert.name.to_string()),
        expr,
        for_duration: alert.for_duration,
        keep_firing_for: alert.keep_firing_for,
        labels,
        annotations,
    }
}

/// Text that Prometheus's Go templating prints as written.
fn literal(text: &str) -> String {
    text.replace("{{", "{{\"{{\"}}")
}
