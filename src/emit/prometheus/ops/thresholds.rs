//! Alert rules from the spec's `alert` nodes (threshold alerts): a complete
//! condition at one tier, or one value compared with several thresholds — one rule per
//! threshold, all under the alert's name, so that the more urgent one can inhibit the
//! less urgent one in Alertmanager (`equal: [alertname, service, instance]`). The value
//! compared is recorded first, in the same group, so the alerts read this evaluation's value.

use super::item::{self, AlertSpec};
use super::{Rule, RuleGroup};
use crate::conventions::{alert_value_rule, rule_groups};
use crate::model::comparison;
use crate::model::{Alert, Condition, Model, Owners, ServiceName, TierName, format_decimal};

/// The groups holding the alerts of one service (`None`: alerts that name no service).
/// An alert's rules stay in one group (its recorded value is read within the same
/// evaluation), so groups are filled alert by alert up to [`rule_groups::MAX_RULES`].
pub(crate) fn groups(
    model: &Model,
    owners: &Owners<'_>,
    service: Option<&ServiceName>,
) -> Vec<RuleGroup> {
    let name = rule_groups::alerts_of(service.map(ServiceName::as_str));
    let mut groups: Vec<RuleGroup> = Vec::new();
    for alert in owners.alerts(service) {
        let rules = rules(model, alert);
        match groups.last_mut() {
            Some(group) if group.rules.len() + rules.len() <= rule_groups::MAX_RULES => {
                group.rules.extend(rules);
            }
            _ => {
                let name = match groups.len() {
                    0 => name.clone(),
                    n => format!("{name}-{}", n + 1),
                };
                groups.push(RuleGroup::new(name, None, rules));
            }
        }
    }
    groups
}

/// An alert that compares a value with numbers (its thresholds, or a condition such as
/// `up == 0`, see [`comparison`]) records the value once (`alert:<name>:value`) and
/// compares the recorded series with each number: the comparison reads one cheap series,
/// dashboards can plot the value, and a generated test can drive the value directly.
/// The recorded series keeps the expression's labels (no rule labels), so the alerts
/// carry the same labels and see the same `$labels` as a comparison of the expression.
pub(crate) fn rules(model: &Model, alert: &Alert) -> Vec<Rule> {
    let Some(comparison::Compared { value, bounds, .. }) = comparison::compared(alert) else {
        let Condition::Expr { tier } = &alert.condition else {
            return Vec::new();
        };
        return vec![rule(model, alert, alert.expr.as_str().to_owned(), tier)];
    };
    let recorded = alert_value_rule(alert.name.as_str());
    let mut rules = vec![Rule {
        record: Some(recorded.clone()),
        expr: value,
        ..Rule::default()
    }];
    rules.extend(bounds.iter().map(|(bound, tier)| {
        let expr = format!(
            "{recorded} {} {}",
            bound.operator.symbol(),
            format_decimal(bound.value)
        );
        rule(model, alert, expr, tier)
    }));
    rules
}

fn rule(model: &Model, alert: &Alert, expr: String, tier: &TierName) -> Rule {
    item::alert_rule(
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
