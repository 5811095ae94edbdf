//! The rule files of each dialect the targets ask for: plain Prometheus and Thanos files
//! per SLO and per service's operational rules, prometheus-operator `PrometheusRule`
//! objects and Mimir namespaces per service.

use std::collections::BTreeMap;

use serde::Serialize;

use super::rule::RuleGroup;
use crate::conventions::prometheus_paths;
use crate::emit::Artifact;
use crate::emit::yaml::to_yaml;
use crate::model::RuleDialect;

#[derive(Serialize)]
struct RuleFile<'a> {
    groups: &'a [RuleGroup],
}

#[derive(Serialize)]
struct MimirRuleFile<'a> {
    namespace: &'a str,
    groups: &'a [RuleGroup],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PrometheusRule<'a> {
    api_version: &'static str,
    kind: &'static str,
    metadata: ObjectMeta,
    spec: RuleFile<'a>,
}

#[derive(Serialize)]
struct ObjectMeta {
    name: String,
    labels: BTreeMap<&'static str, &'static str>,
}

/// Whether `dialect` holds rules per service (so a caller must keep every SLO's groups
/// until its service is complete).
pub(super) fn per_service(dialect: RuleDialect) -> bool {
    match dialect {
        RuleDialect::Prometheus | RuleDialect::Thanos => false,
        RuleDialect::PrometheusOperator | RuleDialect::Mimir => true,
    }
}

/// The file of one SLO's groups (`id` as [`crate::model::Slo::id`]), in the dialects
/// with a file per SLO.
pub(super) fn slo_file(dialect: RuleDialect, id: &str, groups: &[RuleGroup]) -> Option<Artifact> {
    match dialect {
        RuleDialect::Prometheus => Some(rule_file(prometheus_paths::rules(id), groups)),
        RuleDialect::Thanos => Some(rule_file(prometheus_paths::thanos(id), &thanos(groups))),
        RuleDialect::PrometheusOperator | RuleDialect::Mimir => None,
    }
}

/// The file of the operational rules of one service (`None`: those of no service), in
/// the dialects with a file per SLO.
pub(super) fn operations_file(
    dialect: RuleDialect,
    service: Option<&str>,
    groups: &[RuleGroup],
) -> Option<Artifact> {
    match dialect {
        RuleDialect::Prometheus => Some(rule_file(prometheus_paths::alerts(service), groups)),
        RuleDialect::Thanos => Some(rule_file(
            prometheus_paths::thanos_alerts(service),
            &thanos(groups),
        )),
        RuleDialect::PrometheusOperator | RuleDialect::Mimir => None,
    }
}

/// The file of every group of one service, in the dialects with a file per service.
pub(super) fn service_file(
    dialect: RuleDialect,
    service: &str,
    groups: &[RuleGroup],
) -> Option<Artifact> {
    Some(match dialect {
        RuleDialect::Prometheus | RuleDialect::Thanos => return None,
        RuleDialect::PrometheusOperator => Artifact::new(
            prometheus_paths::operator(service),
            to_yaml(&PrometheusRule {
                api_version: "monitoring.coreos.com/v1",
                kind: "PrometheusRule",
                metadata: ObjectMeta {
                    name: prometheus_paths::operator_name(service),
                    labels: BTreeMap::from([("app.kubernetes.io/managed-by", "vigil")]),
                },
                spec: RuleFile { groups },
            }),
        ),
        RuleDialect::Mimir => Artifact::new(
            prometheus_paths::mimir(service),
            to_yaml(&MimirRuleFile {
                namespace: service,
                groups,
            }),
        ),
    })
}

fn rule_file(path: String, groups: &[RuleGroup]) -> Artifact {
    Artifact::new(path, to_yaml(&RuleFile { groups }))
}

/// Thanos' ruler evaluates over partial data unless told to abort, and a ratio of partial
/// data is wrong.
fn thanos(groups: &[RuleGroup]) -> Vec<RuleGroup> {
    groups
        .iter()
        .map(|group| RuleGroup {
            partial_response_strategy: Some("abort"),
            ..group.clone()
        })
        .collect()
}
