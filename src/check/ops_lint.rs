//! Checks across operational items: a regression that can never fire, and user alert
//! names that collide with the names of alerts vigil generates.

use std::collections::HashMap;

use super::reader::Cx;
use crate::codes::Code;
use crate::conventions::ops_alerts;
use crate::diagnostic::Diagnostic;
use crate::model::{
    Anomaly, Capacity, Comparison, Decimal, Regression, ServiceName, Settings, Slo, format_decimal,
};
use crate::source::Span;
use crate::spec::{Node, Scalar};

/// A regression `worse "below"` fires when the value falls more than `tolerance` % under
/// its baseline; the baseline must be positive, so from 100 % on only a negative value
/// could fire it.
pub(crate) fn regression_tolerance(cx: &Cx, worse: Comparison, tolerance: Decimal, span: Span) {
    if worse == Comparison::Below && tolerance >= Decimal::from(100) {
        cx.report(
            Diagnostic::new(
                Code::RegressionNeverFires,
                span,
                format!(
                    "a value cannot fall {} % below its baseline: this regression never fires",
                    format_decimal(tolerance)
                ),
            )
            .label("at least 100 with `worse \"below\"`"),
        );
    }
}

/// What the user's alert names may not be: every alert vigil generates.
pub(crate) struct Generated<'a> {
    pub(crate) settings: &'a Settings,
    pub(crate) services: Vec<Option<&'a ServiceName>>,
    pub(crate) slos: &'a [Slo],
    pub(crate) anomalies: &'a [Anomaly],
    pub(crate) regressions: &'a [Regression],
    pub(crate) capacities: &'a [Capacity],
}

impl Generated<'_> {
    /// Hands `visit` each generated alert name and, on demand, what generates it. SLO
    /// alerts count whether or not the SLO enables them; a cardinality alert for every
    /// service when the runtime alert is on.
    fn visit(&self, visit: &mut dyn FnMut(&str, &dyn Fn() -> String)) {
        for slo in self.slos {
            for alert in slo.alerting.names.all() {
                visit(alert.as_str(), &|| format!("SLO `{}`", slo.path()));
            }
        }
        for item in self.anomalies {
            let alert = ops_alerts::anomaly(
                item.service.as_ref().map(ServiceName::as_str),
                item.name.as_str(),
            );
            visit(&alert, &|| format!("anomaly `{}`", item.name));
        }
        for item in self.regressions {
            let alert = ops_alerts::regression(
                item.service.as_ref().map(ServiceName::as_str),
                item.name.as_str(),
            );
            visit(&alert, &|| format!("regression `{}`", item.name));
        }
        for item in self.capacities {
            let what = || format!("capacity `{}`", item.name);
            let service = item.service.as_ref().map(ServiceName::as_str);
            visit(&ops_alerts::headroom(service, item.name.as_str()), &what);
            visit(&ops_alerts::exhaustion(service, item.name.as_str()), &what);
        }
        if self.settings.cardinality_alert.is_some() {
            for service in &self.services {
                let alert = ops_alerts::cardinality(service.map(ServiceName::as_str));
                visit(&alert, &|| String::from("`settings { cardinality-alert }`"));
            }
            if self.settings.series_budget.is_some() {
                visit(ops_alerts::SERIES_BUDGET, &|| {
                    String::from("`settings { series-budget }`")
                });
            }
        }
    }

    /// Reports each `alert` node whose name vigil also generates.
    pub(crate) fn check(&self, cx: &Cx, alerts: &[&Node]) {
        // Few alerts are written by hand and tens of thousands generated: only the names
        // of the first are kept, with what generates each (the last generator visited).
        let mut taken: HashMap<&str, Option<String>> = alerts
            .iter()
            .filter_map(|node| match node.args.first().map(|value| &value.scalar) {
                Some(Scalar::String(name)) => Some((name.as_str(), None)),
                _ => None,
            })
            .collect();
        if taken.is_empty() {
            return;
        }
        self.visit(&mut |alert, what| {
            if let Some(slot) = taken.get_mut(alert) {
                *slot = Some(what());
            }
        });
        for node in alerts {
            let Some(value) = node.args.first() else {
                continue;
            };
            let Scalar::String(name) = &value.scalar else {
                continue;
            };
            if let Some(Some(what)) = taken.get(name.as_str()) {
                cx.report(
                    Diagnostic::new(
                        Code::GeneratedAlertName,
                        value.span,
                        format!("`{name}` is also the name of an alert vigil generates for {what}"),
                    )
                    .label("taken by a generated alert"),
                );
            }
        }
    }
}
