//! The operational items and metrics of each service, grouped once. Per-service output
//! (rule files, their tests, scrape configs, runbooks) reads a service's items here rather
//! than scanning every item once per service: at a thousand services and ten thousand
//! metrics that scan is ten million comparisons per kind of file.

use std::collections::BTreeMap;

use super::{Alert, Anomaly, Capacity, Metric, Model, Regression, ServiceName};

/// Items of one kind by the service that owns them, each group in model order.
struct Groups<'m, T> {
    unowned: Vec<&'m T>,
    owned: BTreeMap<&'m ServiceName, Vec<&'m T>>,
}

impl<'m, T> Groups<'m, T> {
    fn new(items: &'m [T], owner: fn(&T) -> Option<&ServiceName>) -> Self {
        let mut groups = Groups {
            unowned: Vec::new(),
            owned: BTreeMap::new(),
        };
        for item in items {
            match owner(item) {
                Some(service) => groups.owned.entry(service).or_default().push(item),
                None => groups.unowned.push(item),
            }
        }
        groups
    }

    fn of(&self, service: Option<&ServiceName>) -> &[&'m T] {
        match service {
            Some(service) => self.owned.get(service).map_or(&[], Vec::as_slice),
            None => &self.unowned,
        }
    }
}

/// What each service owns (`None`: what names no service), in model order.
pub struct Owners<'m> {
    alerts: Groups<'m, Alert>,
    anomalies: Groups<'m, Anomaly>,
    regressions: Groups<'m, Regression>,
    capacities: Groups<'m, Capacity>,
    metrics: Groups<'m, Metric>,
}

impl<'m> Owners<'m> {
    pub fn new(model: &'m Model) -> Self {
        Owners {
            alerts: Groups::new(&model.alerts, |a| a.service.as_ref()),
            anomalies: Groups::new(&model.anomalies, |a| a.service.as_ref()),
            regressions: Groups::new(&model.regressions, |r| r.service.as_ref()),
            capacities: Groups::new(&model.capacities, |c| c.service.as_ref()),
            metrics: Groups::new(&model.metrics, |m| m.service.as_ref()),
        }
    }

    pub fn alerts(&self, service: Option<&ServiceName>) -> &[&'m Alert] {
        self.alerts.of(service)
    }

    pub fn anomalies(&self, service: Option<&ServiceName>) -> &[&'m Anomaly] {
        self.anomalies.of(service)
    }

    pub fn regressions(&self, service: Option<&ServiceName>) -> &[&'m Regression] {
        self.regressions.of(service)
    }

    pub fn capacities(&self, service: Option<&ServiceName>) -> &[&'m Capacity] {
        self.capacities.of(service)
    }

    pub fn metrics(&self, service: Option<&ServiceName>) -> &[&'m Metric] {
        self.metrics.of(service)
    }
}
