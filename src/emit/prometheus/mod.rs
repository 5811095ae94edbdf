//! Prometheus backend: SLO recording and alert rules ([`slo`]) and the operational rules
//! of each service ([`ops`]) in every rule dialect the targets ask for ([`dialects`]),
//! `promtool test rules` files proving the alerts ([`promtool`]), and scrape-config
//! snippets ([`scrape`]).
//!
//! Rule design, NaN handling and the calendar approach: `docs/slo-rules.md`.

mod dialects;
mod gotemplate;
mod ops;
mod promtool;
mod rule;
mod scrape;
pub(crate) mod slo;

use std::collections::BTreeMap;

pub(crate) use rule::{Rule, RuleGroup};
pub(crate) use slo::slo_groups;

use super::Artifact;
use crate::model::{Model, Owners, ServiceName, Slo};
use rule::split;

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
    let owners = Owners::new(model);
    for service in &model.services {
        let groups = ops::groups(model, &owners, Some(&service.name));
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
    let owned = Owners::new(model);
    for owner in owners(model) {
        ops::groups(model, &owned, owner)
            .into_iter()
            .for_each(&mut *visit);
    }
}

/// Every rule group of the spec as the per-service files hold them (for `vigil verify`).
pub(crate) fn rule_groups(model: &Model) -> Vec<RuleGroup> {
    let slos = groups_per_slo(model);
    let mut groups: Vec<RuleGroup> = service_groups(model, &slos)
        .into_values()
        .flatten()
        .collect();
    groups.extend(
        ops::groups(model, &Owners::new(model), None)
            .into_iter()
            .flat_map(split),
    );
    groups
}

/// Every service, then `None` for what belongs to none.
fn owners(model: &Model) -> impl Iterator<Item = Option<&ServiceName>> {
    model.services.iter().map(|s| Some(&s.name)).chain([None])
}

/// The files of the operational rules (thresholds, anomalies, regressions, capacity,
/// cardinality), one per service and dialect.
fn operations_files(model: &Model, owned: &Owners<'_>, sink: &mut dyn FnMut(Artifact)) {
    for owner in owners(model) {
        let groups: Vec<RuleGroup> = ops::groups(model, owned, owner)
            .into_iter()
            .flat_map(split)
            .collect();
        if groups.is_empty() {
            continue;
        }
        let name = owner.map(ServiceName::as_str);
        for dialect in &model.targets.rules {
            dialects::operations_file(*dialect, name, &groups)
                .into_iter()
                .for_each(&mut *sink);
        }
    }
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
    if per_slo_only(model) {
        emit_part(model, Part::Slos { index: 0, of: 1 }, sink);
        emit_part(model, Part::Rest, sink);
        return;
    }
    let dialects = &model.targets.rules;
    // Each SLO's groups are built once: its own files are written from them, and the
    // per-service files need every SLO's.
    let mut kept = Vec::new();
    for slo in &model.slos {
        let groups = slo_groups(model, slo);
        slo_files(model, slo, &groups, sink);
        kept.push((slo, groups));
    }
    for (service, groups) in service_groups(model, &kept) {
        for dialect in dialects {
            dialects::service_file(*dialect, service.as_str(), &groups)
                .into_iter()
                .for_each(&mut *sink);
        }
    }
    emit_part(model, Part::Rest, sink);
}

/// A share of this backend's files that can be made apart from the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The rule and test files of every `of`-th SLO from the `index`-th.
    Slos { index: usize, of: usize },
    /// Everything but the SLOs' own files.
    Rest,
}

/// Whether every SLO's rules are in files of its own, so that [`Part`]s can be made on
/// threads of their own: no dialect gathers them per service.
pub fn per_slo_only(model: &Model) -> bool {
    !model
        .targets
        .rules
        .iter()
        .any(|d| dialects::per_service(*d))
}

/// One [`Part`] of [`emit_into`], when [`per_slo_only`] holds for the SLO parts.
pub fn emit_part(model: &Model, part: Part, sink: &mut dyn FnMut(Artifact)) {
    match part {
        Part::Slos { index, of } => {
            for slo in model.slos.iter().skip(index).step_by(of.max(1)) {
                slo_files(model, slo, &slo_groups(model, slo), sink);
            }
        }
        Part::Rest => {
            let owned = Owners::new(model);
            operations_files(model, &owned, sink);
            promtool::operations_files(model, &owned)
                .into_iter()
                .for_each(&mut *sink);
            scrape::emit(model, &owned).into_iter().for_each(&mut *sink);
        }
    }
}

/// The rule file of `slo` in each dialect with a file per SLO, and its promtool tests.
fn slo_files(model: &Model, slo: &Slo, groups: &[RuleGroup], sink: &mut dyn FnMut(Artifact)) {
    let id = slo.id();
    for dialect in &model.targets.rules {
        dialects::slo_file(*dialect, &id, groups)
            .into_iter()
            .for_each(&mut *sink);
    }
    promtool::slo_file(model, slo, groups)
        .into_iter()
        .for_each(&mut *sink);
}
