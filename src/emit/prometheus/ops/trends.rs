//! Regressions against a baseline and capacity rules.
//!
//! A regression records its value (`regression:value`) and `regression:ratio_baseline`,
//! the value divided by the recorded value one `baseline` earlier; the alert fires when
//! the ratio is worse than the tolerance in the direction that is worse. A zero baseline
//! gives no ratio (nothing to compare with) rather than `+Inf`. Reading the recorded
//! value (not a subquery over the raw expression seven days back) keeps each evaluation
//! cheap; the price is that the comparison starts one baseline after the rules are
//! deployed.
//!
//! A capacity item records `capacity:usage:ratio` (usage / limit) and
//! `capacity:exhaustion:days`: from a least-squares fit of the recorded ratio over
//! `lookback` (`predict_linear` for the fitted current value, `deriv` for its slope — the
//! same fit), the days until it reaches 1; absent when the ratio is flat or falling. The
//! headroom alert fires above `headroom` %, the forecast alert when exhaustion is nearer
//! than `forecast`.

use super::item::{self, AlertSpec, item_labels, item_selector, record};
use super::{Rule, RuleGroup};
use crate::conventions::{LABEL_CAPACITY, LABEL_REGRESSION, ops_alerts, ops_rules, rule_groups};
use crate::model::{Capacity, Decimal, Model, Owners, Regression, ServiceName, format_decimal};

pub(crate) fn regression_groups(
    model: &Model,
    owners: &Owners<'_>,
    service: Option<&ServiceName>,
) -> Vec<RuleGroup> {
    let rules: Vec<Rule> = owners
        .regressions(service)
        .iter()
        .flat_map(|r| regression_rules(model, r))
        .collect();
    group(
        rule_groups::regressions_of(service.map(ServiceName::as_str)),
        rules,
    )
}

pub(crate) fn capacity_groups(
    model: &Model,
    owners: &Owners<'_>,
    service: Option<&ServiceName>,
) -> Vec<RuleGroup> {
    let rules: Vec<Rule> = owners
        .capacities(service)
        .iter()
        .flat_map(|c| capacity_rules(model, c))
        .collect();
    group(
        rule_groups::capacity_of(service.map(ServiceName::as_str)),
        rules,
    )
}

fn group(name: String, rules: Vec<Rule>) -> Vec<RuleGroup> {
    if rules.is_empty() {
        return Vec::new();
    }
    vec![RuleGroup::new(name, None, rules)]
}

/// The ratio beyond which a regression fires: 1.1 for 10 % worse above, 0.9 below.
pub(crate) fn regression_rules(model: &Model, regression: &Regression) -> Vec<Rule> {
    let name = regression.name.as_str();
    let service = regression.service.as_ref();
    let labels = item_labels(model, service, LABEL_REGRESSION, name);
    let sel = item_selector(service, LABEL_REGRESSION, name);
    let value = format!("{}{sel}", ops_rules::REGRESSION_VALUE);
    let recorded = record(
        ops_rules::REGRESSION_VALUE,
        regression.expr.as_str().to_owned(),
        &labels,
    );
    let ratio = record(
        ops_rules::REGRESSION_RATIO,
        format!("{value} / ({value} offset {} > 0)", regression.baseline),
        &labels,
    );
    let subject = regression.subject();
    let alert = item::alert_rule(
        model,
        AlertSpec {
            name: ops_alerts::regression(service.map(ServiceName::as_str), name),
            service,
            tier: &regression.tier,
            expr: format!(
                "{}{sel} {} {}",
                ops_rules::REGRESSION_RATIO,
                regression.worse.operator(),
                format_decimal(regression.threshold())
            ),
            for_duration: Some(regression.for_duration),
            keep_firing_for: None,
            summary: regression.summary(),
            description: Some(format!(
                "{subject} is {{{{ $value | humanizePercentage }}}} of its value {} earlier.",
                regression.baseline
            )),
            labels: &regression.labels,
            annotations: &regression.annotations,
        },
    );
    vec![recorded, ratio, alert]
}

pub(crate) fn capacity_rules(model: &Model, capacity: &Capacity) -> Vec<Rule> {
    let name = capacity.name.as_str();
    let service = capacity.service.as_ref();
    let labels = item_labels(model, service, LABEL_CAPACITY, name);
    let sel = item_selector(service, LABEL_CAPACITY, name);
    let share = format!("({}) / ({})", capacity.usage, capacity.limit);
    let fitted = format!("{}{sel}[{}]", ops_rules::CAPACITY_USAGE, capacity.lookback);
    let subject = capacity.subject();
    let mut rules = vec![
        record(ops_rules::CAPACITY_USAGE, share, &labels),
        record(
            ops_rules::CAPACITY_EXHAUSTION,
            format!("(1 - predict_linear({fitted}, 0)) / (deriv({fitted}) > 0) / 86400"),
            &labels,
        ),
        item::alert_rule(
            model,
            AlertSpec {
                name: ops_alerts::headroom(service.map(ServiceName::as_str), name),
                service,
                tier: &capacity.tier,
                expr: format!(
                    "{}{sel} > {}",
                    ops_rules::CAPACITY_USAGE,
                    format_decimal(capacity.headroom_percent / Decimal::ONE_HUNDRED)
                ),
                for_duration: Some(capacity.for_duration),
                keep_firing_for: None,
                summary: capacity.headroom_summary(),
                description: Some(format!(
                    "{subject} uses {{{{ $value | humanizePercentage }}}} of its limit."
                )),
                labels: &capacity.labels,
                annotations: &capacity.annotations,
            },
        ),
    ];
    if let (Some(horizon), Some(summary)) = (capacity.forecast, capacity.exhaustion_summary()) {
        rules.push(item::alert_rule(
            model,
            AlertSpec {
                name: ops_alerts::exhaustion(service.map(ServiceName::as_str), name),
                service,
                tier: &capacity.tier,
                expr: format!(
                    "{}{sel} < {}",
                    ops_rules::CAPACITY_EXHAUSTION,
                    format_decimal(horizon.as_decimal_secs() / Decimal::from(86_400))
                ),
                for_duration: Some(capacity.for_duration),
                keep_firing_for: None,
                summary,
                description: Some(format!(
                    "At the trend of the last {}, {} reaches its limit in {{{{ $value | humanize }}}} days.",
                    capacity.lookback,
                    subject.replacen("The ", "the ", 1)
                )),
                labels: &capacity.labels,
                annotations: &capacity.annotations,
            },
        ));
    }
    rules
}
