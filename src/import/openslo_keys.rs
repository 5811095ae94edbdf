//! Keys an OpenSLO object has that OpenSLO does not define: a warning with the closest
//! valid key, an error in alert policies and conditions, where a misspelling changes who
//! is paged. The importer's structs read the union of every kind's `spec`, so a key of one
//! kind written in another passes; a misspelt one never does.

use super::documents::Document;
use super::openslo_schema::{
    Calendar, Condition, Indicator, Item, Metadata, MetricHolder, MetricSource, Object, Objective,
    RatioMetric, Spec, TimeWindow,
};
use super::unknown_keys::{UnknownKey, fields};
use super::unknown_report::{self, Format};
use crate::diagnostic::Diagnostics;

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
    let kind = |key: &UnknownKey| kinds.get(key.item.unwrap_or(0)).cloned().flatten();
    // Objects of other versions are refused whole, so their keys go unjudged.
    let judged: Vec<UnknownKey> = unknown
        .iter()
        .filter(|key| kind(key).is_some())
        .cloned()
        .collect();
    let format = Format {
        name: "OpenSLO",
        ignoring: "OpenSLO tools ignore",
    };
    let alerting = |key: &UnknownKey, parent: &[&str]| {
        parent.iter().any(|p| ALERTING.contains(p))
            || matches!(kind(key).as_deref(), Some("AlertPolicy" | "AlertCondition"))
    };
    unknown_report::report(doc, &judged, &format, expected, alerting, diagnostics);
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
