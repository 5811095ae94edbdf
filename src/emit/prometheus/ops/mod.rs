//! Operational rules beyond SLOs, per service: threshold alerts, anomaly bands,
//! regressions against a baseline, capacity headroom and forecasts, and the runtime
//! cardinality alert. Every alert is built by [`item::alert_rule`], so all of them carry the
//! same labels (`severity`, `tier`, `service`, `team`, the spec's extra labels) and
//! annotations (`summary`, `description`, `runbook_url`).

// The promtool tests beside this room read the same rules; nothing outside the
// Prometheus backend does.
pub(super) mod anomaly;
pub(super) mod cardinality;
pub(super) mod item;
pub(super) mod thresholds;
pub(super) mod trends;

use super::rule::{Rule, RuleGroup};
use crate::model::{Model, Owners, ServiceName};

/// Every operational group of one service (`None`: items that name no service), in a
/// fixed order: thresholds, anomalies, regressions, capacity, cardinality (and, with no
/// service, the global series budget).
pub(crate) fn groups(
    model: &Model,
    owners: &Owners<'_>,
    service: Option<&ServiceName>,
) -> Vec<RuleGroup> {
    let mut groups = thresholds::groups(model, owners, service);
    groups.extend(anomaly::groups(model, owners, service));
    groups.extend(trends::regression_groups(model, owners, service));
    groups.extend(trends::capacity_groups(model, owners, service));
    groups.extend(cardinality::groups(model, owners, service));
    if service.is_none() {
        groups.extend(cardinality::series_budget_group(model));
    }
    groups
}
