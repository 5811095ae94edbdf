//! Keys a Pyrra SLO has that Pyrra does not define: a warning with the closest valid key,
//! an error inside `alerting`, where a misspelt `disabled` leaves alerts paging.

use super::documents::Document;
use super::pyrra_schema::{
    Alerting, BoolGauge, Indicator, Latency, NativeLatency, Query, Ratio, Resource, Severities,
    SloSpec,
};
use super::unknown_keys::{UnknownKey, fields};
use super::unknown_report::{self, Format};
use crate::diagnostic::Diagnostics;

pub(super) fn report(doc: &Document<'_>, unknown: &[UnknownKey], diagnostics: &mut Diagnostics) {
    let format = Format {
        name: "Pyrra",
        ignoring: "Pyrra ignores",
    };
    let alerting = |_: &UnknownKey, parent: &[&str]| parent.contains(&"alerting");
    unknown_report::report(doc, unknown, &format, expected, alerting, diagnostics);
}

/// The keys Pyrra defines below `parent`; `None` where any key is allowed.
fn expected(parent: &[&str]) -> Option<&'static [&'static str]> {
    Some(match parent {
        [] => fields::<Resource>(),
        ["spec"] => fields::<SloSpec>(),
        ["spec", "indicator"] => fields::<Indicator>(),
        ["spec", "indicator", "ratio"] => fields::<Ratio>(),
        ["spec", "indicator", "latency"] => fields::<Latency>(),
        ["spec", "indicator", "latencyNative"] => fields::<NativeLatency>(),
        ["spec", "indicator", "bool_gauge"] => fields::<BoolGauge>(),
        ["spec", "indicator", _, _] => fields::<Query>(),
        ["spec", "alerting"] => fields::<Alerting>(),
        ["spec", "alerting", "severities"] => fields::<Severities>(),
        _ => return None,
    })
}
