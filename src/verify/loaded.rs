//! Both sides of the rule comparison in one shape: the rules the spec generates and the
//! ones `/api/v1/rules` says Prometheus runs.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::emit::prometheus::RuleGroup;
use crate::model::Duration;

/// A rule as both sides are compared.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Comparable {
    /// `alert` or `record`.
    pub(super) kind: &'static str,
    pub(super) name: String,
    pub(super) expr: String,
    pub(super) for_duration: Duration,
    /// `None` where the server does not say (before Prometheus 2.42, recording rules).
    pub(super) keep_firing_for: Option<Duration>,
    pub(super) labels: BTreeMap<String, String>,
    pub(super) annotations: BTreeMap<String, String>,
}

/// A loaded group: where it was read from, how often it is evaluated, and its rules.
pub(super) struct Loaded {
    pub(super) file: String,
    pub(super) interval: Duration,
    pub(super) rules: Vec<Comparable>,
}

impl Comparable {
    /// How a finding names the rule: kind, name, labels and group.
    pub(super) fn describe(&self, group: &str) -> String {
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

pub(super) fn generated(group: &RuleGroup) -> Vec<Comparable> {
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

/// Group name → its rules, from `/api/v1/rules`. When two files hold a group of the same
/// name, the first is compared.
pub(super) fn deployed_groups(data: &Value) -> BTreeMap<String, Loaded> {
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
pub(super) fn normalised(expr: &str) -> String {
    promql_parser::parser::parse(expr).map_or_else(
        |_| expr.split_whitespace().collect::<Vec<_>>().join(" "),
        |parsed| parsed.to_string(),
    )
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
