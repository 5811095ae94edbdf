//! What runs is what was reviewed: the rule groups Prometheus has loaded against the ones
//! the spec generates. Groups are matched by name, rules by kind, name and labels;
//! expressions are compared after both sides are parsed and printed again, because
//! Prometheus answers with the query as it printed it, not as the file wrote it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{Run, Unreachable, finding};
use crate::codes::Code;
use crate::conventions::rule_groups;
use crate::diagnostic::Diagnostic;
use crate::emit::prometheus::RuleGroup;
use crate::model::{Duration, Model, Slo};
use crate::report::plural;
use crate::source::Span;

/// A rule as both sides are compared.
#[derive(Debug, Clone, PartialEq)]
struct Comparable {
    /// `alert` or `record`.
    kind: &'static str,
    name: String,
    expr: String,
    for_duration: Duration,
    /// `None` where the server does not say (before Prometheus 2.42, recording rules).
    keep_firing_for: Option<Duration>,
    labels: BTreeMap<String, String>,
    annotations: BTreeMap<String, String>,
}

/// A loaded group: where it was read from, how often it is evaluated, and its rules.
struct Loaded {
    file: String,
    interval: Duration,
    rules: Vec<Comparable>,
}

impl Comparable {
    fn describe(&self, group: &str) -> String {
        let kind = if self.kind == "alert" {
            "alert"
        } else {
            "recording rule"
        };
        let labels: Vec<String> = self
            .labels
            .iter()
            .map(|(k, v)| format!("{k}=\"{v}\""))
            .collect();
        let labels = if labels.is_empty() {
            String::new()
        } else {
            format!(" {{{}}}", labels.join(","))
        };
        format!("{kind} `{}`{labels} in group `{group}`", self.name)
    }
}

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
            let name = slo.name.as_str();
            for group in [
                rule_groups::sli(name),
                rule_groups::period(name),
                rule_groups::alerts(name),
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

fn generated(group: &RuleGroup) -> Vec<Comparable> {
    group
        .rules
        .iter()
        .map(|rule| {
            let (kind, name) = match (&rule.alert, &rule.record) {
                (Some(alert), _) => ("alert", alert.clone()),
                (None, record) => ("record", record.clone().unwrap_or_default()),
            };
            Comparable {
                kind,
                name,
                expr: normalised(&rule.expr),
                for_duration: rule.for_duration.unwrap_or(Duration::from_millis(0)),
                keep_firing_for: Some(rule.keep_firing_for.unwrap_or(Duration::from_millis(0))),
                labels: rule.labels.clone(),
                annotations: rule.annotations.clone(),
            }
        })
        .collect()
}

/// A group the spec gives its own interval (the slow SLO group's 5m) must run at it;
/// without one it runs at the server's global interval, which the spec does not set.
fn compare_interval(run: &mut Run<'_>, group: &RuleGroup, place: Option<Span>, live: Duration) {
    let Some(interval) = group.interval.filter(|i| *i != live) else {
        return;
    };
    run.report(
        finding(
            Code::VerifyRuleChanged,
            place,
            format!(
                "rule group `{}` is evaluated every {live}; the spec generates it with `interval: {interval}`",
                group.name
            ),
        )
        .label("generated from here"),
    );
}

/// Group name → its rules, from `/api/v1/rules`. When two files hold a group of the same
/// name, the first is compared.
fn deployed_groups(data: &Value) -> BTreeMap<String, Loaded> {
    let mut groups = BTreeMap::new();
    for group in data["groups"].as_array().into_iter().flatten() {
        let Some(name) = group["name"].as_str() else {
            continue;
        };
        let rules = group["rules"]
            .as_array()
            .into_iter()
            .flatten()
            .map(deployed_rule)
            .collect();
        let interval = seconds(&group["interval"]);
        let file = group["file"].as_str().unwrap_or_default().to_owned();
        groups.entry(name.to_owned()).or_insert(Loaded {
            file,
            interval,
            rules,
        });
    }
    groups
}

/// The API gives durations as seconds in a float; whole milliseconds are enough.
fn seconds(value: &Value) -> Duration {
    let seconds = value.as_f64().unwrap_or(0.0).max(0.0);
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    Duration::from_millis((seconds * 1000.0).round() as u64)
}

fn deployed_rule(rule: &Value) -> Comparable {
    Comparable {
        kind: if rule["type"] == "alerting" {
            "alert"
        } else {
            "record"
        },
        name: rule["name"].as_str().unwrap_or_default().to_owned(),
        expr: normalised(rule["query"].as_str().unwrap_or_default()),
        for_duration: seconds(&rule["duration"]),
        keep_firing_for: rule.get("keepFiringFor").map(seconds),
        labels: serde_json::from_value(rule["labels"].clone()).unwrap_or_default(),
        annotations: serde_json::from_value(rule["annotations"].clone()).unwrap_or_default(),
    }
}

/// The expression as `promql-parser` prints it; whitespace-collapsed text when it does
/// not parse (then only spacing differences are forgiven).
fn normalised(expr: &str) -> String {
    promql_parser::parser::parse(expr).map_or_else(
        |_| expr.split_whitespace().collect::<Vec<_>>().join(" "),
        |parsed| parsed.to_string(),
    )
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
    run.report(
        finding(
            Code::VerifyRuleChanged,
            place,
            format!(
                "{} differs from what the spec generates; {}",
                expected.describe(group),
                differences.join("; ")
            ),
        )
        .label("generated from here"),
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

#[cfg(test)]
mod tests {
    use super::normalised;

    #[test]
    fn expressions_compare_as_promql_not_text() {
        // Prometheus answers with the query as it printed it back after parsing.
        let pairs = [
            (
                "sum by(code)(rate(x_total{job=\"a\"}[5m]))",
                "sum by (code) (rate(x_total{job=\"a\"}[5m]))",
            ),
            ("a   >\n  100", "a > 100"),
            (
                "(sum(rate(e[5m])) or 0 * sum(rate(t[5m])))",
                "(sum(rate(e[5m])) or 0 * sum(rate(t[5m])))",
            ),
        ];
        for (written, printed) in pairs {
            assert_eq!(normalised(written), normalised(printed), "{written}");
        }
        assert_ne!(normalised("a > 100"), normalised("a > 200"));
        assert_ne!(normalised("rate(x[5m])"), normalised("rate(x[1h])"));
    }

    #[test]
    fn an_unparsable_expression_forgives_only_spacing() {
        assert_eq!(normalised("a >\n  ("), "a > (");
    }
}
