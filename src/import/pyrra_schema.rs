//! Pyrra's `ServiceLevelObjective` as vigil reads it, with the keys it knows but does
//! not read typed [`Unread`], so unknown keys can be reported.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_saphyr::Spanned;

use super::unknown_keys::Unread;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Resource {
    pub(super) api_version: Option<String>,
    pub(super) kind: Option<String>,
    #[serde(default)]
    pub(super) metadata: Metadata,
    pub(super) spec: Option<SloSpec>,
    #[serde(default, rename = "status")]
    _status: Unread,
}

/// Kubernetes object metadata: any key is Kubernetes' own.
#[derive(Deserialize, Default)]
pub(super) struct Metadata {
    pub(super) name: Option<String>,
    pub(super) namespace: Option<String>,
    #[serde(default)]
    pub(super) labels: BTreeMap<String, String>,
    #[serde(flatten)]
    #[allow(
        clippy::zero_sized_map_values,
        reason = "the keys are consumed so that none is reported unknown; their values are not read"
    )]
    _others: BTreeMap<String, Unread>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct SloSpec {
    pub(super) description: Option<String>,
    pub(super) target: Option<Spanned<Target>>,
    pub(super) window: Option<Spanned<String>>,
    pub(super) indicator: Option<Indicator>,
    #[serde(default)]
    pub(super) alerting: Alerting,
    #[serde(default, rename = "partial_response_strategy")]
    _partial_response_strategy: Unread,
    #[serde(default, rename = "performanceOverAccuracy")]
    _performance_over_accuracy: Unread,
    #[serde(default, rename = "ruleOutput")]
    _rule_output: Unread,
}

/// Pyrra's `target` is a string ("99.5"); a number is read too.
#[derive(Deserialize)]
#[serde(untagged)]
pub(super) enum Target {
    Text(String),
    Number(f64),
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Indicator {
    pub(super) ratio: Option<Ratio>,
    pub(super) latency: Option<Latency>,
    pub(super) latency_native: Option<NativeLatency>,
    #[serde(rename = "bool_gauge")]
    pub(super) bool_gauge: Option<BoolGauge>,
}

#[derive(Deserialize)]
pub(super) struct Ratio {
    pub(super) errors: Query,
    pub(super) total: Query,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub(super) grouping: Vec<String>,
}

#[derive(Deserialize)]
pub(super) struct Latency {
    pub(super) success: Query,
    pub(super) total: Query,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub(super) grouping: Vec<String>,
}

#[derive(Deserialize)]
pub(super) struct NativeLatency {
    pub(super) total: Query,
    pub(super) latency: Spanned<String>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub(super) grouping: Vec<String>,
}

#[derive(Deserialize)]
pub(super) struct BoolGauge {
    pub(super) metric: Spanned<String>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub(super) grouping: Vec<String>,
}

#[derive(Deserialize)]
pub(super) struct Query {
    pub(super) metric: Spanned<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(super) struct Alerting {
    pub(super) disabled: Option<bool>,
    pub(super) burnrates: Option<bool>,
    pub(super) absent: Option<bool>,
    pub(super) name: Option<String>,
    #[serde(default, rename = "absentName")]
    _absent_name: Unread,
    pub(super) severities: Option<Severities>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(super) struct Severities {
    #[serde(default, rename = "absent")]
    _absent: Unread,
    pub(super) fast_burn: Option<String>,
    pub(super) medium_burn: Option<String>,
    pub(super) slow_burn: Option<String>,
    pub(super) long_term_burn: Option<String>,
}

/// `grouping: null`, as generated resources write it, is no grouping.
fn null_as_empty<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<String>, D::Error> {
    Ok(Option::<Vec<String>>::deserialize(deserializer)?.unwrap_or_default())
}
