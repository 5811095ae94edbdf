//! Rule groups and rules as Prometheus (and the dialects) read them.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::conventions::rule_groups;
use crate::model::Duration;

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
    pub(crate) fn new(name: String, interval: Option<Duration>, rules: Vec<Rule>) -> Self {
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

/// `group` cut into groups of at most [`rule_groups::MAX_RULES`] rules, the first keeping its
/// name and the others numbered from 2.
pub(crate) fn split(group: RuleGroup) -> Vec<RuleGroup> {
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
