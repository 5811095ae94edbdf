//! OpenSLO's objects as vigil reads them: the fields of v1 and v1alpha it imports, with
//! the keys it knows but does not read typed [`Unread`], so unknown keys can be reported.

use serde::Deserialize;

use super::unknown_keys::Unread;
use crate::source::Span;

#[derive(Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase")]
pub(super) struct Object {
    pub(super) api_version: Option<String>,
    pub(super) kind: Option<String>,
    #[serde(default)]
    pub(super) metadata: Metadata,
    pub(super) spec: Option<Box<Spec>>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase")]
pub(super) struct Metadata {
    pub(super) name: Option<String>,
    #[serde(default, rename = "displayName")]
    _display_name: Unread,
    #[serde(default, rename = "annotations")]
    _annotations: Unread,
    #[serde(default, rename = "namespace")]
    _namespace: Unread,
    #[serde(default)]
    pub(super) labels: std::collections::BTreeMap<String, super::openslo_labels::LabelValue>,
}

/// The union of the fields of every kind's `spec` that the importer reads.
#[derive(Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase")]
pub(super) struct Spec {
    pub(super) description: Option<String>,
    // SLO
    pub(super) service: Option<String>,
    pub(super) indicator: Option<Indicator>,
    pub(super) indicator_ref: Option<String>,
    #[serde(default)]
    pub(super) time_window: Vec<TimeWindow>,
    #[serde(default)]
    pub(super) time_windows: Vec<TimeWindow>,
    pub(super) budgeting_method: Option<String>,
    #[serde(default)]
    pub(super) objectives: Vec<Objective>,
    #[serde(default)]
    pub(super) alert_policies: Vec<PolicyEntry>,
    // SLI
    pub(super) ratio_metric: Option<RatioMetric>,
    pub(super) threshold_metric: Option<MetricHolder>,
    // AlertPolicy
    #[serde(default)]
    pub(super) conditions: Vec<Item>,
    // AlertCondition
    pub(super) severity: Option<String>,
    pub(super) condition: Option<Condition>,
    #[serde(default, rename = "alertWhenNoData")]
    pub(super) _alert_when_no_data: Unread,
    #[serde(default, rename = "alertWhenResolved")]
    pub(super) _alert_when_resolved: Unread,
    #[serde(default, rename = "alertWhenBreaching")]
    pub(super) _alert_when_breaching: Unread,
    #[serde(default, rename = "notificationTargets")]
    pub(super) _notification_targets: Vec<Item>,
    // AlertNotificationTarget
    #[serde(default, rename = "target")]
    pub(super) _target: Unread,
    // DataSource
    #[serde(rename = "type")]
    pub(super) source_type: Option<String>,
    #[serde(default, rename = "connectionDetails")]
    pub(super) _connection_details: Unread,
}

/// An SLO's alert policy: inline or referenced (v1), or named (v1alpha's list of names).
#[derive(Clone)]
pub(super) enum PolicyEntry {
    Name(String),
    Item(Item),
}

/// Read by hand rather than `#[serde(untagged)]`, which buffers the value: an inline
/// policy is read straight from the document, so its unknown keys are still found.
impl<'de> Deserialize<'de> for PolicyEntry {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entry;
        impl<'de> serde::de::Visitor<'de> for Entry {
            type Value = PolicyEntry;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an alert policy's name, or the policy")
            }

            fn visit_str<E: serde::de::Error>(self, name: &str) -> Result<PolicyEntry, E> {
                Ok(PolicyEntry::Name(name.to_owned()))
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<PolicyEntry, A::Error> {
                Item::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(PolicyEntry::Item)
            }
        }
        deserializer.deserialize_any(Entry)
    }
}

impl PolicyEntry {
    /// The entry as an item: a name is a reference.
    pub(super) fn item(&self) -> Item {
        match self {
            PolicyEntry::Name(name) => Item {
                alert_policy_ref: Some(name.clone()),
                ..Item::default()
            },
            PolicyEntry::Item(item) => item.clone(),
        }
    }
}

/// An inline object or a reference (`alertPolicyRef`, `conditionRef`).
#[derive(Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase")]
pub(super) struct Item {
    pub(super) alert_policy_ref: Option<String>,
    pub(super) condition_ref: Option<String>,
    pub(super) spec: Option<Box<Spec>>,
    #[serde(default, rename = "targetRef")]
    _target_ref: Unread,
    #[serde(default, rename = "apiVersion")]
    _api_version: Unread,
    #[serde(default, rename = "kind")]
    _kind: Unread,
    #[serde(default, rename = "metadata")]
    _metadata: Option<Metadata>,
}

/// An SLO's inline SLI: `{metadata, spec}` in v1, the metric itself in v1alpha.
#[derive(Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase")]
pub(super) struct Indicator {
    #[serde(default, rename = "metadata")]
    _metadata: Option<Metadata>,
    pub(super) spec: Option<Box<Spec>>,
    pub(super) threshold_metric: Option<MetricHolder>,
    pub(super) ratio_metric: Option<RatioMetric>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase")]
pub(super) struct TimeWindow {
    pub(super) duration: Option<String>,
    pub(super) count: Option<u64>,
    pub(super) unit: Option<String>,
    pub(super) is_rolling: Option<bool>,
    pub(super) calendar: Option<Calendar>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase")]
pub(super) struct Calendar {
    pub(super) start_time: Option<String>,
    pub(super) time_zone: Option<String>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase")]
pub(super) struct Objective {
    pub(super) display_name: Option<String>,
    pub(super) op: Option<String>,
    pub(super) value: Option<f64>,
    pub(super) target: Option<f64>,
    pub(super) target_percent: Option<f64>,
    pub(super) ratio_metrics: Option<RatioMetric>,
    #[serde(default, rename = "timeSliceTarget")]
    _time_slice_target: Unread,
    #[serde(default, rename = "timeSliceWindow")]
    _time_slice_window: Unread,
    #[serde(default, rename = "indicator")]
    _indicator: Unread,
    #[serde(default, rename = "indicatorRef")]
    _indicator_ref: Unread,
    #[serde(default, rename = "compositeWeight")]
    _composite_weight: Unread,
}

#[derive(Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase")]
pub(super) struct RatioMetric {
    pub(super) counter: Option<bool>,
    pub(super) incremental: Option<bool>,
    pub(super) good: Option<MetricHolder>,
    pub(super) bad: Option<MetricHolder>,
    pub(super) total: Option<MetricHolder>,
    pub(super) raw: Option<MetricHolder>,
    pub(super) raw_type: Option<String>,
}

/// A query: v1 `metricSource {type, spec: {query}}` or v1alpha `{source, query}`.
#[derive(Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase")]
pub(super) struct MetricHolder {
    pub(super) metric_source: Option<MetricSource>,
    pub(super) source: Option<String>,
    pub(super) query: Option<String>,
    #[serde(default, rename = "queryType")]
    _query_type: Unread,
    #[serde(default, rename = "metadata")]
    _metadata: Unread,
}

#[derive(Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase")]
pub(super) struct MetricSource {
    #[serde(rename = "metricSourceRef")]
    pub(super) reference: Option<String>,
    #[serde(rename = "type")]
    pub(super) source_type: Option<String>,
    pub(super) spec: Option<SourceSpec>,
}

/// A source's own fields: each kind of source has its own, so none is unknown.
#[derive(Deserialize, Default, Clone)]
pub(super) struct SourceSpec {
    #[serde(alias = "promql")]
    pub(super) query: Option<String>,
    #[serde(flatten)]
    #[allow(
        clippy::zero_sized_map_values,
        reason = "the keys are consumed so that none is reported unknown; their values are not read"
    )]
    _others: std::collections::BTreeMap<String, Unread>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase")]
pub(super) struct Condition {
    pub(super) kind: Option<String>,
    pub(super) op: Option<String>,
    pub(super) threshold: Option<f64>,
    pub(super) lookback_window: Option<String>,
    pub(super) alert_after: Option<String>,
}

/// One object with where it came from.
pub(super) struct Located {
    pub(super) object: Object,
    pub(super) span: Span,
}
