//! What runs is what was reviewed: the rule groups Prometheus has loaded against the ones
//! the spec generates. Groups are matched by name, rules by kind, name and labels;
//! expressions are compared after both sides are parsed and printed again, because
//! Prometheus answers with the query as it printed it, not as the file wrote it
//! (`loaded.rs` puts both sides in one shape).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::loaded::{Comparable, Loaded, deployed_groups, generated};
use super::{Run, Unreachable, finding};
use crate::codes::Code;
use crate::conventions::rule_groups;
use crate::diagnostic::Diagnostic;
use crate::emit::prometheus::RuleGroup;
use crate::model::{Duration, Model, Slo};
use crate::report::plural;
use crate::source::Span;

pub(super) fn check(run: &mut Run<'_>) -> Result<(), Unreachable> {
    let Some(data) = run.data("/api/v1/rules", &[])? else {
        return Ok(());
    };
    let deployed = deployed_groups(&data);
    let model = run.model;
    let generated_groups = crate::emit::prometheus::rule_groups(model);
    left_behind(run, &generated_groups, &deployed);
    let owners = Owners::new(model);
    for group in generated_groups {
        let place = owners.place(run, &group.name);
        let expected: Vec<Comparable> = generated(&group);
        match deployed.get(&group.name) {
            None => run.report(
                finding(
                    Code::VerifyRuleMissing,
                    place,
                    format!(
                        "rule group `{}` ({}) is not loaded in Prometheus",
                        group.name,
                        plural(expected.len(), "rule")
                    ),
                )
                .label("its rules are not deployed"),
            ),
            Some(live) => {
                compare_interval(run, &group, place, live.interval);
                compare_group(run, &group.name, place, &expected, &live.rules);
            }
        }
    }
    Ok(())
}

/// Groups named as vigil names its groups, read from a folder that holds vigil's rule
/// files, that the spec no longer generates: what a removed SLO or service left deployed.
fn left_behind(run: &mut Run<'_>, generated: &[RuleGroup], deployed: &BTreeMap<String, Loaded>) {
    let folder = |file: &str| Path::new(file).parent().map(Path::to_path_buf);
    let vigil_folders: BTreeSet<PathBuf> = generated
        .iter()
        .filter_map(|g| deployed.get(&g.name))
        .filter_map(|loaded| folder(&loaded.file))
        .collect();
    for (name, loaded) in deployed {
        let stray = !generated.iter().any(|g| &g.name == name)
            && named_like_vigil(name)
            && folder(&loaded.file).is_some_and(|f| vigil_folders.contains(&f));
        if stray {
            let message = format!(
                "Prometheus runs rule group `{name}` ({}) from `{}`, beside vigil's rule files and named as vigil names its groups, but the spec does not generate it: left behind by a removed SLO or service?",
                plural(loaded.rules.len(), "rule"),
                loaded.file
            );
            run.report(
                Diagnostic::unplaced(Code::VerifyRuleExtra, message).help(
                    "remove the group's file from Prometheus' rule files, or put what it checks back into the spec",
                ),
            );
        }
    }
}

/// Whether a group name follows `conventions::rule_groups`.
fn named_like_vigil(name: &str) -> bool {
    let stems = [
        rule_groups::alerts_of(Some("")),
        rule_groups::anomaly(""),
        rule_groups::regressions_of(Some("")),
        rule_groups::capacity_of(Some("")),
        rule_groups::cardinality_of(Some("")),
    ];
    // SLO groups are `slo-<name>-sli`, `-period`, `-alerts`.
    name == rule_groups::SERIES_BUDGET
        || name.starts_with("slo-")
        || stems.iter().any(|stem| name.starts_with(stem.as_str()))
}

/// Which spec item each generated group comes from, by the names `conventions` gives
/// them: an SLO's groups, else the service a group is named after.
struct Owners<'m> {
    slos: BTreeMap<String, &'m Slo>,
}

impl<'m> Owners<'m> {
    fn new(model: &'m Model) -> Self {
        let mut slos = BTreeMap::new();
        for slo in &model.slos {
            let id = slo.id();
            for group in [
                rule_groups::sli(&id),
                rule_groups::period(&id),
                rule_groups::alerts(&id),
            ] {
                slos.entry(group).or_insert(slo);
            }
        }
        Self { slos }
    }

    fn place(&self, run: &Run<'_>, group: &str) -> Option<Span> {
        // A group split for length is `<name>-2`, `<name>-3`…
        let unsplit = group
            .rsplit_once('-')
            .filter(|(_, n)| n.parse::<u32>().is_ok())
            .map_or(group, |(stem, _)| stem);
        if let Some(slo) = self.slos.get(group).or_else(|| self.slos.get(unsplit)) {
            return run.places.slo(slo.name.as_str(), slo.service.as_str());
        }
        run.model
            .services
            .iter()
            .find(|s| unsplit.ends_with(&format!("-{}", s.name)))
            .and_then(|s| run.places.service(s.name.as_str()))
    }
}

/// A group the spec gives its own interval (the slow SLO group's 5m) must run at it;
/// without one it runs at the server's global interval, which the spec does not set.
fn compare_interval(run: &mut Run<'_>, group: &RuleGroup, place: Option<Span>, live: Duration) {
    let Some(interval) = group.interval.filter(|i| *i != live) else {
        return;
    };
    report_changed(
        run,
        place,
        format!(
            "rule group `{}` is evaluated every {live}; the spec generates it with `interval: {interval}`",
            group.name
        ),
    );
}

/// A loaded rule or group that is not what the spec generates.
fn report_changed(run: &mut Run<'_>, place: Option<Span>, message: String) {
    run.report(finding(Code::VerifyRuleChanged, place, message).label("generated from here"));
}

fn compare_group(
    run: &mut Run<'_>,
    group: &str,
    place: Option<Span>,
    expected: &[Comparable],
    live: &[Comparable],
) {
    let mut used = vec![false; live.len()];
    let mut unmatched = Vec::new();
    for rule in expected {
        let same_identity =
            |r: &Comparable| r.kind == rule.kind && r.name == rule.name && r.labels == rule.labels;
        match (0..live.len()).find(|&i| !used[i] && same_identity(&live[i])) {
            Some(index) => {
                used[index] = true;
                changed(run, group, rule_place(run, rule, place), rule, &live[index]);
            }
            None => unmatched.push(rule),
        }
    }
    // A rule whose labels changed still pairs with the deployed rule of its name.
    for rule in unmatched {
        let paired = (0..live.len())
            .find(|&i| !used[i] && live[i].kind == rule.kind && live[i].name == rule.name);
        let rule_place = rule_place(run, rule, place);
        if let Some(index) = paired {
            used[index] = true;
            changed(run, group, rule_place, rule, &live[index]);
            continue;
        }
        run.report(
            finding(
                Code::VerifyRuleMissing,
                rule_place,
                format!("{} is not loaded in Prometheus", rule.describe(group)),
            )
            .label("generated from here, not deployed"),
        );
    }
    for (rule, _) in live.iter().zip(&used).filter(|(_, used)| !**used) {
        run.report(
            finding(
                Code::VerifyRuleExtra,
                place,
                format!(
                    "Prometheus runs {}, which the spec does not generate",
                    rule.describe(group)
                ),
            )
            .label("the group vigil generates from here"),
        );
    }
}

/// A user's alert is placed at its own declaration; generated rules at their group's owner.
fn rule_place(run: &Run<'_>, rule: &Comparable, group: Option<Span>) -> Option<Span> {
    let declared = (rule.kind == "alert")
        .then(|| run.places.alert(&rule.name))
        .flatten();
    declared.or(group)
}

fn changed(
    run: &mut Run<'_>,
    group: &str,
    place: Option<Span>,
    expected: &Comparable,
    live: &Comparable,
) {
    let mut differences = Vec::new();
    if expected.expr != live.expr {
        differences.push(format!(
            "expression: runs `{}`, generated `{}`",
            live.expr, expected.expr
        ));
    }
    if expected.for_duration != live.for_duration {
        differences.push(format!(
            "`for`: runs {}, generated {}",
            live.for_duration, expected.for_duration
        ));
    }
    if let (Some(expected), Some(live)) = (expected.keep_firing_for, live.keep_firing_for)
        && expected != live
    {
        differences.push(format!(
            "`keep_firing_for`: runs {live}, generated {expected}"
        ));
    }
    if expected.labels != live.labels {
        differences.push(changes("labels", &expected.labels, &live.labels));
    }
    if expected.annotations != live.annotations {
        differences.push(changes(
            "annotations",
            &expected.annotations,
            &live.annotations,
        ));
    }
    if differences.is_empty() {
        return;
    }
    report_changed(
        run,
        place,
        format!(
            "{} differs from what the spec generates; {}",
            expected.describe(group),
            differences.join("; ")
        ),
    );
}

fn changes(
    what: &str,
    expected: &BTreeMap<String, String>,
    live: &BTreeMap<String, String>,
) -> String {
    let mut keys: Vec<&String> = expected.keys().chain(live.keys()).collect();
    keys.sort();
    keys.dedup();
    let changes: Vec<String> = keys
        .into_iter()
        .filter(|k| expected.get(*k) != live.get(*k))
        .map(|k| {
            let show = |v: Option<&String>| {
                v.map_or_else(|| String::from("unset"), |v| format!("\"{v}\""))
            };
            format!(
                "{k} runs {}, generated {}",
                show(live.get(k)),
                show(expected.get(k))
            )
        })
        .collect();
    format!("{what}: {}", changes.join(", "))
}
