//! Where things are declared. The model keeps no spans, so a finding about a metric or an
//! SLO is placed by walking the raw trees for the node that declared it.

use std::collections::BTreeMap;

use crate::source::Span;
use crate::spec::{Node, RawSpec, Scalar};

/// Finds declarations in the spec the model was built from.
pub(crate) struct Places<'a> {
    spec: &'a RawSpec,
    /// Top-level nodes by keyword and name, in file order: a large spec is looked up once
    /// per generated rule group.
    index: BTreeMap<(&'a str, &'a str), Vec<&'a Node>>,
}

impl<'a> Places<'a> {
    pub(crate) fn new(spec: &'a RawSpec) -> Self {
        let mut index: BTreeMap<(&str, &str), Vec<&Node>> = BTreeMap::new();
        for node in spec.documents.iter().flat_map(|d| &d.root.children) {
            if let Some(name) = first_argument(node) {
                index.entry((&node.name, name)).or_default().push(node);
            }
        }
        Self { spec, index }
    }

    /// The top-level node `kind NAME` (and `service=SERVICE`, when given and present).
    fn declaration(&self, kind: &str, name: &str, service: Option<&str>) -> Option<&'a Node> {
        let candidates = self.index.get(&(kind, name))?;
        let owned = service.and_then(|service| {
            candidates
                .iter()
                .find(|node| property(node, "service").is_some_and(|(_, v)| v == service))
        });
        owned.or(candidates.first()).copied()
    }

    /// The name in `metric NAME`.
    pub(crate) fn metric(&self, name: &str) -> Option<Span> {
        self.declaration("metric", name, None).map(name_span)
    }

    /// The name in a metric's `label NAME …`, or the metric's name without one.
    pub(crate) fn label(&self, metric: &str, label: &str) -> Option<Span> {
        let node = self.declaration("metric", metric, None)?;
        node.children
            .iter()
            .find(|child| child.name == "label" && first_argument(child) == Some(label))
            .map_or_else(|| Some(name_span(node)), |child| Some(name_span(child)))
    }

    /// The name in `service NAME`.
    pub(crate) fn service(&self, name: &str) -> Option<Span> {
        self.declaration("service", name, None).map(name_span)
    }

    /// The name in `alert NAME`.
    pub(crate) fn alert(&self, name: &str) -> Option<Span> {
        self.declaration("alert", name, None).map(name_span)
    }

    /// The name in `receiver NAME`.
    pub(crate) fn receiver(&self, name: &str) -> Option<Span> {
        self.declaration("receiver", name, None).map(name_span)
    }

    /// The keyword of the first top-level `kind` node (`routing`).
    pub(crate) fn block(&self, kind: &str) -> Option<Span> {
        self.spec
            .documents
            .iter()
            .flat_map(|document| &document.root.children)
            .find(|node| node.name == kind)
            .map(|node| node.name_span)
    }

    /// The name in `slo NAME service=SERVICE`.
    pub(crate) fn slo(&self, name: &str, service: &str) -> Option<Span> {
        self.declaration("slo", name, Some(service)).map(name_span)
    }

    /// The value of `key` on the SLO's SLI node (`sli { ratio total="…" }`), or the SLO's
    /// name when the SLI is written another way.
    pub(crate) fn sli_field(&self, name: &str, service: &str, key: &str) -> Option<Span> {
        let slo = self.declaration("slo", name, Some(service))?;
        let field = slo
            .children
            .iter()
            .filter(|child| child.name == "sli")
            .flat_map(|sli| &sli.children)
            .find_map(|kind| property(kind, key).map(|(span, _)| span));
        field.or_else(|| Some(name_span(slo)))
    }
}

fn first_argument(node: &Node) -> Option<&str> {
    match &node.args.first()?.scalar {
        Scalar::String(text) => Some(text),
        _ => None,
    }
}

/// The span of the node's name argument, or of its keyword when it has none.
fn name_span(node: &Node) -> Span {
    node.args.first().map_or(node.name_span, |arg| arg.span)
}

/// A string property's value span and text.
fn property<'n>(node: &'n Node, key: &str) -> Option<(Span, &'n str)> {
    let property = node.props.iter().find(|p| p.key == key)?;
    match &property.value.scalar {
        Scalar::String(text) => Some((property.value.span, text)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::Places;
    use crate::source::{Sources, Span};

    /// The text a span covers.
    fn text(sources: &Sources, span: Option<Span>) -> &str {
        let span = span.expect("a place");
        &sources.get(span.file).text[span.start..span.end]
    }

    #[test]
    fn declarations_are_found_in_kdl_and_yaml() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        for folder in ["specs", "examples/erlmcp-yaml"] {
            let mut sources = Sources::default();
            let (spec, diagnostics) = crate::spec::load(&[root.join(folder)], &mut sources);
            assert!(diagnostics.is_empty(), "{folder}: {diagnostics:?}");
            let places = Places::new(&spec);
            let metric = "erlmcp_requests_total";
            assert_eq!(text(&sources, places.metric(metric)), metric, "{folder}");
            assert_eq!(text(&sources, places.label(metric, "code")), "code");
            assert_eq!(text(&sources, places.service("erlmcp")), "erlmcp");
            assert_eq!(
                text(&sources, places.slo("availability", "erlmcp")),
                "availability"
            );
            let total = places.sli_field("availability", "erlmcp", "total");
            assert!(text(&sources, total).contains(metric), "{folder}");
        }
    }
}
