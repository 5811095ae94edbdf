//! Keys an OpenSLO object has that OpenSLO does not define: a warning with the closest
//! valid key, an error in alert policies and conditions, where a misspelling changes who
//! is paged. The importer's structs read the union of every kind's `spec`, so a key of one
//! kind written in another passes; a misspelt one never does.

use super::documents::Document;
use super::openslo::{
    Calendar, Condition, Indicator, Item, Metadata, MetricHolder, MetricSource, Object, Objective,
    RatioMetric, Spec, TimeWindow,
};
use super::unknown_keys::{UnknownKey, fields};
use crate::codes::Code;
use crate::diagnostic::{Diagnostic, Diagnostics, did_you_mean};

/// Where a misspelt key decides alerting.
const ALERTING: &[&str] = &[
    "alertPolicies",
    "conditions",
    "condition",
    "notificationTargets",
];

/// Reports `unknown`, the keys of a document whose objects have `kinds` (one per list
/// item, or the single object's; `None` for an object of a version not imported).
pub(super) fn report(
    doc: &Document<'_>,
    kinds: &[Option<String>],
    unknown: &[UnknownKey],
    diagnostics: &mut Diagnostics,
) {
    for key in unknown {
        let parent: Vec<&str> = key.parent.iter().map(String::as_str).collect();
        let Some(expected) = expected(&parent) else {
            continue;
        };
        let Some(kind) = kinds.get(key.item.unwrap_or(0)).cloned().flatten() else {
            continue;
        };
        let alerting = parent.iter().any(|p| ALERTING.contains(p))
            || matches!(kind.as_str(), "AlertPolicy" | "AlertCondition");
        let code = if alerting {
            Code::ImportUnknownAlertingKey
        } else {
            Code::ImportUnknownKey
        };
        let mut help = did_you_mean(&key.key, expected.iter().copied(), "key");
        if alerting {
            help.push_str(" (OpenSLO tools ignore unknown keys, so the alert would page as if the key were not there)");
        }
        diagnostics.push(
            Diagnostic::new(
                code,
                doc.key_span(key),
                format!("`{}` is not an OpenSLO key in {}", key.key, key.place),
            )
            .label("unknown key")
            .help(help),
        );
    }
}

/// The keys OpenSLO defines below `parent`; `None` where any key is allowed.
fn expected(parent: &[&str]) -> Option<&'static [&'static str]> {
    Some(match parent {
        [] => fields::<Object>(),
        [.., "labels" | "annotations" | "connectionDetails"] | [.., "metricSource", "spec"] => {
            return None;
        }
        [.., "metadata"] => fields::<Metadata>(),
        [.., "spec"] => fields::<Spec>(),
        [.., "indicator"] => fields::<Indicator>(),
        [.., "timeWindow" | "timeWindows"] => fields::<TimeWindow>(),
        [.., "calendar"] => fields::<Calendar>(),
        [.., "objectives"] => fields::<Objective>(),
        [.., "ratioMetric" | "ratioMetrics"] => fields::<RatioMetric>(),
        [.., "good" | "bad" | "total" | "raw" | "thresholdMetric"] => fields::<MetricHolder>(),
        [.., "metricSource"] => fields::<MetricSource>(),
        [.., "alertPolicies" | "conditions" | "notificationTargets"] => fields::<Item>(),
        [.., "condition"] => fields::<Condition>(),
        _ => return None,
    })
}
