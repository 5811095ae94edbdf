//! Alert rules from the spec's `alert` nodes (issue 7's threshold alerts): a complete
//! condition at one tier, or one value compared with several thresholds — one rule per
//! threshold, all under the alert's name, so that the more urgent one can inhibit the
//! less urgent one in Alertmanager (`equal: [alertname, service, instance]`).

use super::ops::{self, AlertSpec};
use super::{Rule, RuleGroup};
use crate::conventions::rule_groups;
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
    ops::alert_rule(
        model,
        AlertSpec {
            name: alert.name.to_string(),
            service: alert.service.as_ref(),
            tier,
            expr,
            for_duration: alert.for_duration,
            keep_firing_for: alert.keep_firing_for,
            summary: alert.summary.clone(),
            description: alert.description.clone(),
            labels: &alert.labels,
            annotations: &alert.annotations,
        },
    )
}
