//! The subset of Alertmanager's configuration file vigil writes, as typed structs. Field
//! order is the order in the file; empty and unset fields are left out so that the file
//! shows only what the spec decided.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Serialize, Serializer};

use crate::conventions::{matcher_equal, matcher_present};
use crate::model::Duration;

#[derive(Debug, Serialize)]
pub(super) struct Config {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) global: Option<Global>,
    pub(super) route: Route,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) inhibit_rules: Vec<InhibitRule>,
    pub(super) receivers: Vec<Receiver>,
    /// Alertmanager 0.24 renamed the top-level `mute_time_intervals` to `time_intervals`;
    /// exactly one of the two is filled, by target version.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) mute_time_intervals: Vec<NamedInterval>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) time_intervals: Vec<NamedInterval>,
}

#[derive(Debug, Default, Serialize)]
pub(super) struct Global {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) smtp_from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) smtp_smarthost: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub(super) struct Route {
    pub(super) receiver: String,
    #[serde(skip_serializing_if = "Vec::is_empty", serialize_with = "flow")]
    pub(super) matchers: Vec<Matcher>,
    #[serde(rename = "continue", skip_serializing_if = "is_false")]
    pub(super) continue_matching: bool,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "flow_option"
    )]
    pub(super) group_by: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) group_wait: Option<Duration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) group_interval: Option<Duration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) repeat_interval: Option<Duration>,
    #[serde(skip_serializing_if = "Vec::is_empty", serialize_with = "flow")]
    pub(super) active_time_intervals: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", serialize_with = "flow")]
    pub(super) mute_time_intervals: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) routes: Vec<Route>,
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if passes a reference
fn is_false(value: &bool) -> bool {
    !*value
}

impl Route {
    /// The receivers an alert with `labels` reaches, in order, as Alertmanager resolves
    /// them: matching children in order until one without `continue`; the route's own
    /// receiver when no child matches. Assumes this route itself matched.
    pub(super) fn receivers(&self, labels: &BTreeMap<String, String>) -> Vec<String> {
        let mut found = Vec::new();
        for child in &self.routes {
            if child.matchers.iter().all(|m| m.matches(labels)) {
                found.extend(child.receivers(labels));
                if !child.continue_matching {
                    break;
                }
            }
        }
        if found.is_empty() {
            found.push(self.receiver.clone());
        }
        found
    }
}

/// One label matcher, written in Alertmanager's quoted form (`tier="critical"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Matcher {
    pub(super) label: String,
    pub(super) condition: Condition,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Condition {
    Equal(String),
    /// The label is set to a non-empty value (`=~".+"`).
    Present,
}

impl Matcher {
    pub(super) fn equal(label: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            label: label.into(),
            condition: Condition::Equal(value.into()),
        }
    }

    pub(super) fn present(label: impl Into<String>) -> Self {
        Self {
            label: label.into(),
            condition: Condition::Present,
        }
    }

    /// Alertmanager treats a missing label as the empty string.
    pub(super) fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        let value = labels.get(&self.label).map_or("", String::as_str);
        match &self.condition {
            Condition::Equal(wanted) => value == wanted,
            Condition::Present => !value.is_empty(),
        }
    }
}

impl fmt::Display for Matcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.condition {
            Condition::Equal(value) => f.write_str(&matcher_equal(&self.label, value)),
            Condition::Present => f.write_str(&matcher_present(&self.label)),
        }
    }
}

/// Single quotes keep the matcher's own double quotes readable and unescaped, the form
/// Alertmanager's documentation uses. YAML's single quotes cannot escape anything, so a
/// matcher with a control character or a line break (a label value may hold any text) is
/// left to the serializer, which double-quotes and escapes it.
impl Serialize for Matcher {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let text = self.to_string();
        if text.chars().all(single_quotable) {
            serde_saphyr::SingleQuoted(text).serialize(serializer)
        } else {
            text.serialize(serializer)
        }
    }
}

/// Printable in YAML and not a line break, so a single-quoted scalar holds it as it is.
fn single_quotable(c: char) -> bool {
    matches!(c, ' '..='~' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
        && !matches!(c, '\u{2028}' | '\u{2029}')
}

/// Short lists (matchers, label names) read best on one line: `[alertname, service]`.
fn flow<S: Serializer, T: Serialize>(items: &[T], serializer: S) -> Result<S::Ok, S::Error> {
    serde_saphyr::FlowSeq(items).serialize(serializer)
}

#[allow(clippy::ref_option)] // serde's serialize_with passes a reference to the field
fn flow_option<S: Serializer, T: Serialize>(
    items: &Option<Vec<T>>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match items {
        Some(items) => flow(items, serializer),
        None => serializer.serialize_none(),
    }
}

#[derive(Debug, Serialize)]
pub(super) struct InhibitRule {
    #[serde(serialize_with = "flow")]
    pub(super) source_matchers: Vec<Matcher>,
    #[serde(serialize_with = "flow")]
    pub(super) target_matchers: Vec<Matcher>,
    #[serde(serialize_with = "flow")]
    pub(super) equal: Vec<String>,
}

#[derive(Debug, Default, Serialize)]
pub(super) struct Receiver {
    pub(super) name: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) slack_configs: Vec<SlackConfig>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) pagerduty_configs: Vec<PagerDutyConfig>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) opsgenie_configs: Vec<OpsGenieConfig>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) email_configs: Vec<EmailConfig>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) webhook_configs: Vec<WebhookConfig>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) msteams_configs: Vec<MsTeamsConfig>,
}

#[derive(Debug, Serialize)]
pub(super) struct SlackConfig {
    pub(super) send_resolved: bool,
    pub(super) api_url_file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) channel: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) text: Option<String>,
}

#[derive(Debug, Serialize)]
pub(super) struct PagerDutyConfig {
    pub(super) send_resolved: bool,
    pub(super) routing_key_file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) severity: Option<String>,
}

#[derive(Debug, Serialize)]
pub(super) struct OpsGenieConfig {
    pub(super) send_resolved: bool,
    pub(super) api_key_file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) priority: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) responders: Vec<OpsGenieResponder>,
}

/// `OpsGenie` identifies users by `username` and everything else by `name`.
#[derive(Debug, Serialize)]
pub(super) struct OpsGenieResponder {
    #[serde(rename = "type")]
    pub(super) kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) username: Option<String>,
}

#[derive(Debug, Serialize)]
pub(super) struct EmailConfig {
    pub(super) send_resolved: bool,
    pub(super) to: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) smarthost: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) auth_username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) auth_password_file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) require_tls: Option<bool>,
}

#[derive(Debug, Serialize)]
pub(super) struct WebhookConfig {
    pub(super) send_resolved: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) url_file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) max_alerts: Option<u64>,
}

#[derive(Debug, Serialize)]
pub(super) struct MsTeamsConfig {
    pub(super) send_resolved: bool,
    pub(super) webhook_url_file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) text: Option<String>,
}

#[derive(Debug, Serialize)]
pub(super) struct NamedInterval {
    pub(super) name: String,
    pub(super) time_intervals: Vec<IntervalRange>,
}

#[derive(Debug, Serialize)]
pub(super) struct IntervalRange {
    #[serde(skip_serializing_if = "Vec::is_empty", serialize_with = "flow")]
    pub(super) weekdays: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) times: Vec<TimeRange>,
    #[serde(skip_serializing_if = "Vec::is_empty", serialize_with = "flow")]
    pub(super) days_of_month: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", serialize_with = "flow")]
    pub(super) months: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", serialize_with = "flow")]
    pub(super) years: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) location: Option<String>,
}

/// Quoted: `08:00` unquoted is a YAML 1.1 sexagesimal number to some parsers.
#[derive(Debug, Serialize)]
pub(super) struct TimeRange {
    pub(super) start_time: serde_saphyr::SingleQuoted<String>,
    pub(super) end_time: serde_saphyr::SingleQuoted<String>,
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::{Matcher, Route};

    fn route(receiver: &str, matchers: Vec<Matcher>, continue_matching: bool) -> Route {
        Route {
            receiver: receiver.to_owned(),
            matchers,
            continue_matching,
            ..Route::default()
        }
    }

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn receivers_follow_continue_and_fall_back_to_the_parent() {
        let root = Route {
            receiver: "default".to_owned(),
            routes: vec![
                route("pager", vec![Matcher::equal("tier", "page")], true),
                route("team", vec![Matcher::equal("tier", "page")], false),
                route("never", vec![Matcher::equal("tier", "page")], false),
                route("slo", vec![Matcher::present("slo")], false),
            ],
            ..Route::default()
        };
        let page = labels(&[("tier", "page")]);
        assert_eq!(root.receivers(&page), ["pager", "team"]);
        assert_eq!(root.receivers(&labels(&[("slo", "a")])), ["slo"]);
        assert_eq!(root.receivers(&labels(&[("slo", "")])), ["default"]);
        assert_eq!(root.receivers(&labels(&[])), ["default"]);
    }

    /// Found by fuzzing: a DEL in an inhibition's label value made serialization fail.
    #[test]
    fn matchers_with_control_characters_are_double_quoted() {
        for value in [
            "ShopDo\u{7f}n",
            "a\nb",
            "tab\there",
            "c1\u{85}",
            "ls\u{2028}",
        ] {
            let route = route("x", vec![Matcher::equal("alertname", value)], true);
            let yaml = serde_saphyr::to_string(&route).expect("serializes");
            let back: serde_json::Value = serde_saphyr::from_str(&yaml).expect("parses back");
            assert_eq!(
                back["matchers"][0],
                serde_json::Value::String(format!("alertname=\"{}\"", value.replace('\n', "\\n"))),
                "{yaml}"
            );
        }
    }

    #[test]
    fn matchers_serialize_single_quoted_in_flow_lists() {
        let route = route("x", vec![Matcher::equal("tier", "page")], true);
        let yaml = serde_saphyr::to_string(&route).expect("serializes");
        assert_eq!(
            yaml,
            "receiver: x\nmatchers: ['tier=\"page\"']\ncontinue: true\n"
        );
    }
}
