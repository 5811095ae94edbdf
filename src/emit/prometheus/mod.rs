//! Prometheus backend: SLO recording and alert rules in every rule dialect the targets
//! ask for, plus `promtool test rules` files proving the alerts.
//!
//! Rule design, NaN handling and the calendar approach: `docs/slo-rules.md`.

mod alerts;
pub(crate) mod anomaly;
pub(crate) mod cardinality;
mod cardinality_tests;
mod comparison;
mod go_format;
mod inputs;
mod ops;
mod ops_tests;
mod rules;
mod scenarios;
mod scrape;
pub(crate) mod sli;
mod template;
mod threshold_tests;
mod thresholds;
pub(crate) mod trends;
mod unit_tests;

use std::collections::BTreeMap;

use serde::Serialize;

use super::Artifact;
use super::yaml::to_yaml;
use crate::conventions::{LABEL_SERVICE, LABEL_SLO, prometheus_paths, rule_groups};
use crate::model::{Duration, Model, RuleDialect, ServiceName, Slo, TierName};

/// A rule group as Prometheus (and the dialects) read it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct RuleGroup {
    pub(crate) name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) interval: Option<Duration>,
    /// Thanos only: a rule evaluated over partial data would compute a wrong ratio.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) partial_response_strategy: Option<&'static str>,
    pub(crate) rules: Vec<Rule>,
}

impl RuleGroup {
    fn new(name: String, interval: Option<Duration>, rules: Vec<Rule>) -> Self {
        Self {
            name,
            interval,
            partial_response_strategy: None,
            rules,
        }
    }
}

/// A recording or alerting rule.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub(crate) struct Rule {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) record: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) alert: Option<String>,
    pub(crate) expr: String,
    #[serde(rename = "for", skip_serializing_if = "Option::is_none")]
    pub(crate) for_duration: Option<Duration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) keep_firing_for: Option<Duration>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) labels: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) annotations: BTreeMap<String, String>,
}

/// What every rule of one SLO is built from.
pub(crate) struct SloContext<'a> {
    pub(crate) model: &'a Model,
    pub(crate) slo: &'a Slo,
}

impl SloContext<'_> {
    /// `{service="erlmcp",slo="availability"}`: selects this SLO's recorded series.
    pub(crate) fn selector(&self) -> String {
        format!(
            "{{{LABEL_SERVICE}=\"{}\",{LABEL_SLO}=\"{}\"}}",
            self.slo.service, self.slo.name
        )
    }

    fn record(&self, name: &str, expr: String) -> Rule {
        Rule {
            record: Some(name.to_owned()),
            expr,
            labels: rules::identity(self),
            ..Rule::default()
        }
    }

    fn alert(&self, name: &str, expr: String, tier: &TierName) -> Rule {
        let mut labels = rules::identity(self);
        labels.extend(alerts::tier_labels(self, tier));
        Rule {
            alert: Some(name.to_owned()),
            expr,
            labels,
            ..Rule::default()
        }
    }
}

/// The rule groups of one SLO, each at most [`rule_groups::MAX_RULES`] long.
pub(crate) fn slo_groups(model: &Model, slo: &Slo) -> Vec<RuleGroup> {
    let cx = SloContext { model, slo };
    let mut groups = rules::groups(&cx);
    groups.extend(alerts::group(&cx));
    groups.into_iter().flat_map(split).collect()
}

fn split(group: RuleGroup) -> Vec<RuleGroup> {
    if group.rules.len() <= rule_groups::MAX_RULES {
        return vec![group];
    }
    group
        .rules
        .chunks(rule_groups::MAX_RULES)
        .enumerate()
        .map(|(index, rules)| RuleGroup {
            name: if index == 0 {
                group.name.clone()
            } else {
                format!("{}-{}", group.name, index + 1)
            },
            rules: rules.to_vec(),
            ..group.clone()
        })
        .collect()
}

/// Rule groups per service, for the services that have SLOs or alerts, from each SLO's
/// groups as [`slo_groups`] built them.
fn service_groups<'a>(
    model: &'a Model,
    slos: &[(&'a Slo, Vec<RuleGroup>)],
) -> BTreeMap<&'a ServiceName, Vec<RuleGroup>> {
    let mut by_service: BTreeMap<&ServiceName, Vec<RuleGroup>> = BTreeMap::new();
    for (slo, groups) in slos {
        by_service
            .entry(&slo.service)
            .or_default()
            .extend(groups.iter().cloned());
    }
    for service in &model.services {
        let groups = ops::groups(model, Some(&service.name));
        if !groups.is_empty() {
            by_service.entry(&service.name).or_default().extend(groups);
        }
    }
    by_service
}

/// Every SLO with its rule groups, built once for every file that holds them.
fn groups_per_slo(model: &Model) -> Vec<(&Slo, Vec<RuleGroup>)> {
    model
        .slos
        .iter()
        .map(|slo| (slo, slo_groups(model, slo)))
        .collect()
}

/// Every rule group of the spec, one at a time and never all at once (for `vigil diff`,
/// which reads rules, not files).
pub(crate) fn each_rule_group(model: &Model, visit: &mut dyn FnMut(RuleGroup)) {
    for slo in &model.slos {
        slo_groups(model, slo).into_iter().for_each(&mut *visit);
    }
    // Unsplit: the thresholds of one alert stay in one group.
    let owners = model.services.iter().map(|s| Some(&s.name)).chain([None]);
    for owner in owners {
        ops::groups(model, owner).into_iter().for_each(&mut *visit);
    }
}

/// Every rule group of the spec as the per-service files hold them (for `vigil verify`).
pub(crate) fn rule_groups(model: &Model) -> Vec<RuleGroup> {
    let slos = groups_per_slo(model);
    let mut groups: Vec<RuleGroup> = service_groups(model, &slos)
        .into_values()
        .flatten()
        .collect();
    groups.extend(ops::groups(model, None).into_iter().flat_map(split));
    groups
}

/// Plain and Thanos files of the operational rules (thresholds, anomalies, regressions,
/// capacity, cardinality), one per service.
fn alert_files(model: &Model) -> Vec<Artifact> {
    let owners = model.services.iter().map(|s| Some(&s.name)).chain([None]);
    let mut artifacts = Vec::new();
    for owner in owners {
        let groups: Vec<RuleGroup> = ops::groups(model, owner)
            .into_iter()
            .flat_map(split)
            .collect();
        if groups.is_empty() {
            continue;
        }
        let name = owner.map(ServiceName::as_str);
        if model.targets.rules.contains(&RuleDialect::Prometheus) {
            artifacts.push(Artifact::new(
                prometheus_paths::alerts(name),
                to_yaml(&RuleFile { groups: &groups }),
            ));
        }
        if model.targets.rules.contains(&RuleDialect::Thanos) {
            let groups: Vec<RuleGroup> = groups
                .into_iter()
                .map(|g| RuleGroup {
                    partial_response_strategy: Some("abort"),
                    ..g
                })
                .collect();
            artifacts.push(Artifact::new(
                prometheus_paths::thanos_alerts(name),
                to_yaml(&RuleFile { groups: &groups }),
            ));
        }
    }
    artifacts
}

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

/// Every artifact of this backend: rule files per dialect and promtool test files.
pub fn emit(model: &Model) -> Vec<Artifact> {
    let mut artifacts = Vec::new();
    emit_into(model, &mut |artifact| artifacts.push(artifact));
    artifacts
}

/// [`emit`], handing each file to `sink` as soon as it is made, so that a large spec's
/// rules and tests are never all held at once.
pub fn emit_into(model: &Model, sink: &mut dyn FnMut(Artifact)) {
    let dialects = &model.targets.rules;
    // Plain and Thanos files hold one SLO each; the operator's objects and Mimir's
    // namespaces are per service. Each SLO's groups are built once, and kept only when a
    // per-service file needs them (holding every SLO's rules at once dominated peak memory).
    let per_service = [RuleDialect::PrometheusOperator, RuleDialect::Mimir]
        .iter()
        .any(|d| dialects.contains(d));
    let mut kept = Vec::new();
    for slo in &model.slos {
        let groups = slo_groups(model, slo);
        let id = slo.id();
        if dialects.contains(&RuleDialect::Prometheus) {
            let file = to_yaml(&RuleFile { groups: &groups });
            sink(Artifact::new(prometheus_paths::rules(&id), file));
        }
        if dialects.contains(&RuleDialect::Thanos) {
            sink(thanos_file(&id, &groups));
        }
        unit_tests::artifact(model, slo, &groups)
            .into_iter()
            .for_each(&mut *sink);
        if per_service {
            kept.push((slo, groups));
        }
    }
    if per_service {
        for (service, groups) in service_groups(model, &kept) {
            let service = service.as_str();
            for dialect in dialects {
                service_file(*dialect, service, &groups)
                    .into_iter()
                    .for_each(&mut *sink);
            }
        }
    }
    alert_files(model).into_iter().for_each(&mut *sink);
    ops_tests::emit(model).into_iter().for_each(&mut *sink);
    scrape::emit(model).into_iter().for_each(&mut *sink);
}

fn thanos_file(slo: &str, groups: &[RuleGroup]) -> Artifact {
    let groups: Vec<RuleGroup> = groups
        .iter()
        .map(|g| RuleGroup {
            partial_response_strategy: Some("abort"),
            ..g.clone()
        })
        .collect();
    Artifact::new(
        prometheus_paths::thanos(slo),
        to_yaml(&RuleFile { groups: &groups }),
    )
}

fn service_file(dialect: RuleDialect, service: &str, groups: &[RuleGroup]) -> Option<Artifact> {
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
