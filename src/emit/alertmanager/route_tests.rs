//! Route test cases for `amtool config routes test`: one label set per tier × service
//! (and "no service"), plus one per route that matches on something no service implies,
//! each with the receivers the generated tree must resolve it to.
//!
//! The expected receivers come from evaluating the generated tree the way Alertmanager
//! does; amtool then checks the file against Alertmanager's own routing code, so a
//! translation mistake in this backend shows up as a failing case.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::config::{Condition, Route};
use crate::conventions::{
    ALERTMANAGER_CONFIG, GENERATED_HEADER, LABEL_SERVICE, LABEL_SEVERITY, LABEL_TEAM, LABEL_TIER,
};
use crate::model::{Model, Routing, Service, Tier, TierSeverity};

/// One alert's labels and where it must go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Case {
    pub(super) labels: BTreeMap<String, String>,
    pub(super) receivers: Vec<String>,
}

pub(super) fn cases(model: &Model, routing: &Routing, root: &Route) -> Vec<Case> {
    let mut label_sets = Unique::default();
    for tier in &model.tiers {
        let subjects = model.services.iter().map(Some).chain([None]);
        for service in subjects {
            label_sets.push(alert_labels(tier, service));
        }
    }
    for route in &routing.routes {
        let implied_by_services =
            route.matchers.labels.is_empty()
                && route.matchers.team.as_ref().is_none_or(|team| {
                    model.services.iter().any(|s| s.team.as_ref() == Some(team))
                });
        if implied_by_services {
            continue;
        }
        let mut labels: BTreeMap<String, String> = super::routes::matchers(&route.matchers)
            .into_iter()
            .filter_map(|m| match m.condition {
                Condition::Equal(value) => Some((m.label, value)),
                Condition::Present => None,
            })
            .collect();
        if let Some(tier) = route.matchers.tier.as_ref().and_then(|t| model.tier(t)) {
            labels.extend(severity(tier));
        }
        label_sets.push(labels);
    }
    label_sets
        .in_order
        .into_iter()
        .map(|labels| Case {
            receivers: root.receivers(&labels),
            labels,
        })
        .collect()
}

/// Label sets in the order first seen, each once (a set, since there is one per tier and
/// service and a scan of the list for each was quadratic).
#[derive(Default)]
struct Unique {
    in_order: Vec<BTreeMap<String, String>>,
    seen: BTreeSet<BTreeMap<String, String>>,
}

impl Unique {
    fn push(&mut self, labels: BTreeMap<String, String>) {
        if self.seen.insert(labels.clone()) {
            self.in_order.push(labels);
        }
    }
}

/// The labels vigil's rules put on an alert of `tier` for `service`.
fn alert_labels(tier: &Tier, service: Option<&Service>) -> BTreeMap<String, String> {
    let mut labels = BTreeMap::from([(LABEL_TIER.to_owned(), tier.name.to_string())]);
    labels.extend(severity(tier));
    if let Some(service) = service {
        labels.insert(LABEL_SERVICE.to_owned(), service.name.to_string());
        if let Some(team) = &service.team {
            labels.insert(LABEL_TEAM.to_owned(), team.to_string());
        }
    }
    labels
}

/// Tiers that never notify carry no severity label (`none` is not a severity).
fn severity(tier: &Tier) -> Option<(String, String)> {
    (tier.severity != TierSeverity::None)
        .then(|| (LABEL_SEVERITY.to_owned(), tier.severity.as_str().to_owned()))
}

/// `label=value`, or `label="value"` with `\\`, `"` and newlines escaped when the value
/// holds anything amtool would not read back unquoted (spaces, quotes, backslashes…).
fn label_args(labels: &BTreeMap<String, String>) -> Vec<String> {
    labels
        .iter()
        .map(|(k, v)| {
            let plain = !v.is_empty()
                && v.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':'));
            if plain {
                format!("{k}={v}")
            } else {
                let escaped = v
                    .replace('\\', "\\\\")
                    .replace('"', "\\\"")
                    .replace('\n', "\\n");
                format!("{k}=\"{escaped}\"")
            }
        })
        .collect()
}

/// Tab-separated: the expected receivers (comma-separated, in order), then one
/// `label=value` per column.
pub(super) fn table(cases: &[Case]) -> String {
    let mut out = format!("# {GENERATED_HEADER}\n# receivers\tlabels…\n");
    for case in cases {
        let mut columns = vec![case.receivers.join(",")];
        columns.extend(label_args(&case.labels));
        out.push_str(&columns.join("\t"));
        out.push('\n');
    }
    out
}

/// A POSIX shell script running every case through amtool; exits non-zero on a failure.
pub(super) fn script(cases: &[Case]) -> String {
    let config = ALERTMANAGER_CONFIG
        .rsplit('/')
        .next()
        .unwrap_or(ALERTMANAGER_CONFIG);
    let mut out = format!(
        r#"#!/bin/sh
# {GENERATED_HEADER}
# Checks that each alert label set the spec implies reaches exactly the expected
# receivers. Usage: sh route-tests.sh [path/to/alertmanager.yml]  (needs amtool)
config="${{1:-$(dirname "$0")/{config}}}"
failures=0
expect() {{
    expected="$1"
    shift
    if ! amtool config routes test --config.file="$config" --verify.receivers="$expected" "$@" >/dev/null 2>&1; then
        echo "FAIL: $* should reach $expected, reaches $(amtool config routes test --config.file="$config" "$@" 2>/dev/null)" >&2
        failures=$((failures + 1))
    fi
}}
"#
    );
    for case in cases {
        let mut words = vec![shell_quote(&case.receivers.join(","))];
        words.extend(label_args(&case.labels).iter().map(|a| shell_quote(a)));
        let _ = writeln!(out, "expect {}", words.join(" "));
    }
    let _ = write!(
        out,
        r#"if [ "$failures" -ne 0 ]; then
    echo "$failures of {total} route tests failed" >&2
    exit 1
fi
echo "{total} route tests passed"
"#,
        total = cases.len()
    );
    out
}

fn shell_quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}
