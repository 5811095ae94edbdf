//! Keys a Sloth document has that Sloth does not define: a warning with the closest valid
//! key, an error inside `alerting`, where a misspelling leaves alerts paging that the
//! author switched off.

use super::documents::Document;
use super::sloth_schema::{
    AlertSpec, AlertWindows, EventsSli, K8sResource, PluginRef, Plugins, PromAlerting, PromSli,
    PromSlo, PromSpec, RawSli, WindowPair, WindowSpec, WindowsSpec,
};
use super::unknown_keys::{UnknownKey, fields};
use super::unknown_report::{self, Format};
use crate::diagnostic::Diagnostics;

/// The shape of the document the keys were found in.
#[derive(Debug, Clone, Copy)]
pub(super) enum Shape {
    Prometheus,
    Kubernetes,
    Windows,
}

pub(super) fn report(
    shape: Shape,
    doc: &Document<'_>,
    unknown: &[UnknownKey],
    diagnostics: &mut Diagnostics,
) {
    let format = Format {
        name: "Sloth",
        ignoring: "Sloth ignores",
    };
    let expected = |parent: &[&str]| Some(expected(shape, parent));
    let alerting = |_: &UnknownKey, parent: &[&str]| parent.contains(&"alerting");
    unknown_report::report(doc, unknown, &format, expected, alerting, diagnostics);
}

/// The keys Sloth defines at `parent` (the keys leading there).
fn expected(shape: Shape, parent: &[&str]) -> &'static [&'static str] {
    match (shape, parent) {
        (Shape::Kubernetes, []) => fields::<K8sResource>(),
        (Shape::Kubernetes, ["spec", rest @ ..]) | (Shape::Prometheus, rest) => service(rest),
        (Shape::Windows, []) => fields::<AlertWindows>(),
        (Shape::Windows, ["spec"]) => fields::<WindowsSpec>(),
        (Shape::Windows, ["spec", _]) => fields::<WindowPair>(),
        (Shape::Windows, ["spec", _, _]) => fields::<WindowSpec>(),
        _ => &[],
    }
}

/// Keys of a `prometheus/v1` service spec, also the `spec` of the Kubernetes resource.
fn service(parent: &[&str]) -> &'static [&'static str] {
    match parent {
        [] => fields::<PromSpec>(),
        ["slos"] => fields::<PromSlo>(),
        ["slos", "sli"] => fields::<PromSli>(),
        ["slos", "sli", "events"] => fields::<EventsSli>(),
        ["slos", "sli", "raw"] => fields::<RawSli>(),
        ["slos", "sli", "plugin"] | [.., "chain"] => fields::<PluginRef>(),
        ["slos", "alerting"] => fields::<PromAlerting>(),
        ["slos", "alerting", _] => fields::<AlertSpec>(),
        ["slo_plugins" | "sloPlugins"] | ["slos", "plugins"] => fields::<Plugins>(),
        _ => &[],
    }
}
