//! OpenSLO v1 and v1alpha: `Service`, `SLI`, `SLO`, `AlertPolicy`, `AlertCondition`,
//! `AlertNotificationTarget` and `DataSource` objects, inline or referenced by name across
//! all input files. Only what has an exact vigil meaning is imported (Prometheus queries,
//! Occurrences budgeting, rolling windows and UTC calendar weeks and months, burn-rate
//! conditions); everything else is a coded diagnostic, never a guess.

use serde::Deserialize;
use serde_saphyr::Spanned;

use super::documents::{Document, documents};
use super::openslo_map::{self as map, Pool};
use super::unknown_keys::Unread;
use super::{Draft, origin};
use crate::codes::Code;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::source::{FileId, Sources, Span};

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

const KINDS: &[&str] = &[
    "Service",
    "SLI",
    "SLO",
    "AlertPolicy",
    "AlertCondition",
    "AlertNotificationTarget",
    "DataSource",
];

pub(crate) fn import(sources: &Sources, files: &[FileId], diagnostics: &mut Diagnostics) -> Draft {
    let mut draft = Draft::default();
    let mut docs = Vec::new();
    for &file in files {
        let source = sources.get(file);
        draft
            .header
            .push(format!("imported from {} (OpenSLO)", source.name));
        docs.extend(documents(file, &source.text));
    }
    import_documents(sources, &docs, None, &mut draft, diagnostics);
    draft
}

/// Reads every object of `docs` into one pool (references resolve across files), then
/// maps each SLO.
pub(crate) fn import_documents(
    sources: &Sources,
    docs: &[Document<'_>],
    default_period: Option<crate::model::Duration>,
    draft: &mut Draft,
    diagnostics: &mut Diagnostics,
) {
    let mut objects = Vec::new();
    for doc in docs {
        let parsed = if doc.is_sequence() {
            doc.parse_keys::<Vec<Spanned<Object>>>()
        } else {
            doc.parse_keys::<Spanned<Object>>()
                .map(|(o, keys)| (vec![o], keys))
        };
        match parsed {
            Ok((list, unknown)) => {
                // Objects of other versions are refused whole: their keys are not judged.
                let kinds: Vec<Option<String>> = list
                    .iter()
                    .map(|o| {
                        let api = o.value.api_version.as_deref();
                        matches!(api, Some("openslo/v1" | "openslo/v1alpha"))
                            .then(|| o.value.kind.clone().unwrap_or_default())
                    })
                    .collect();
                super::openslo_keys::report(doc, &kinds, &unknown, diagnostics);
                objects.extend(list.into_iter().map(|o| Located {
                    span: doc.span_of(&o),
                    object: o.value,
                }));
            }
            Err(diagnostic) => diagnostics.push(diagnostic),
        }
    }
    let mut pool = Pool {
        default_period,
        ..Pool::default()
    };
    for located in objects {
        if let Some(kind) = accept(&located, diagnostics) {
            let name = located.object.metadata.name.clone().unwrap_or_default();
            let objects = pool.by_kind.entry(kind.clone()).or_default();
            if let Some(first) = objects.get(&name) {
                diagnostics.push(
                    Diagnostic::new(
                        Code::ImportInvalid,
                        located.span,
                        format!("{kind} `{name}` is declared twice"),
                    )
                    .label("second declaration")
                    .note(first.span, "first declared here")
                    .help("names are unique per kind; remove or rename one"),
                );
                continue;
            }
            objects.insert(name, located);
        }
    }
    let slos: Vec<&Located> = pool
        .by_kind
        .get("SLO")
        .map(|m| m.values().collect())
        .unwrap_or_default();
    for slo in slos {
        let converted = map::slo(&pool, slo, diagnostics);
        for mut draft_slo in converted {
            draft_slo.origin = origin(sources, slo.span);
            draft.slos.push(draft_slo);
        }
    }
}

/// Checks the version and kind; returns the kind of an object the importer keeps.
fn accept(located: &Located, diagnostics: &mut Diagnostics) -> Option<String> {
    let object = &located.object;
    let (Some(api), Some(kind)) = (&object.api_version, &object.kind) else {
        diagnostics.push(
            Diagnostic::new(
                Code::ImportInvalid,
                located.span,
                "an OpenSLO object needs `apiVersion` and `kind`",
            )
            .label("this object"),
        );
        return None;
    };
    if api != "openslo/v1" && api != "openslo/v1alpha" {
        diagnostics.push(
            Diagnostic::new(
                Code::ImportUnsupported,
                located.span,
                format!("apiVersion `{api}` is not supported"),
            )
            .label("this object")
            .help("vigil imports `openslo/v1` and `openslo/v1alpha`"),
        );
        return None;
    }
    if !KINDS.contains(&kind.as_str()) {
        diagnostics.push(
            Diagnostic::new(
                Code::ImportInvalid,
                located.span,
                format!("`{kind}` is not an OpenSLO kind"),
            )
            .label("this object")
            .help(format!("the kinds are {}", KINDS.join(", "))),
        );
        return None;
    }
    if object.metadata.name.as_deref().is_none_or(str::is_empty) {
        diagnostics.push(
            Diagnostic::new(
                Code::ImportInvalid,
                located.span,
                format!("the {kind} has no `metadata.name`"),
            )
            .label("this object"),
        );
        return None;
    }
    Some(kind.clone())
}
