//! The oracle for vigil's KDL parser: kdl-rs 6's document converted to vigil's raw tree
//! exactly as vigil did before it had its own parser. Shared by `tests/kdl_differential.rs`
//! and the `kdl` fuzz target.

use kdl::{KdlDocument, KdlEntry, KdlNode, KdlValue};
use vigil::source::{FileId, Span};
use vigil::spec::{Node, Property, Scalar, Value};

/// The tree kdl-rs gives, or `None` if it rejects the text.
pub(crate) fn oracle(file: FileId, text: &str) -> Option<Vec<Node>> {
    let document = text.parse::<KdlDocument>().ok()?;
    Some(nodes(file, &document))
}

fn nodes(file: FileId, document: &KdlDocument) -> Vec<Node> {
    document.nodes().iter().map(|n| node(file, n)).collect()
}

fn span_of(file: FileId, span: miette::SourceSpan) -> Span {
    Span::new(file, span.offset(), span.offset() + span.len())
}

fn node(file: FileId, kdl: &KdlNode) -> Node {
    let mut node = Node::new(
        kdl.name().value(),
        span_of(file, kdl.name().span()),
        span_of(file, kdl.span()),
        vigil::spec::Dialect::Kdl,
    );
    for entry in kdl.entries() {
        let value = value(file, entry);
        match entry.name() {
            Some(key) => node.props.push(Property {
                key: key.value().to_owned(),
                key_span: span_of(file, key.span()),
                value,
            }),
            None => node.args.push(value),
        }
    }
    if let Some(children) = kdl.children() {
        node.children = nodes(file, children);
    }
    node
}

fn value(file: FileId, entry: &KdlEntry) -> Value {
    let scalar = match entry.value() {
        KdlValue::String(s) => Scalar::String(s.clone()),
        KdlValue::Integer(i) => {
            Scalar::Number(number_literal(entry).unwrap_or_else(|| i.to_string()))
        }
        KdlValue::Float(f) => {
            Scalar::Number(number_literal(entry).unwrap_or_else(|| f.to_string()))
        }
        KdlValue::Bool(b) => Scalar::Bool(*b),
        KdlValue::Null => Scalar::Null,
    };
    let whole = span_of(file, entry.span());
    let span = match entry.name() {
        Some(key) => {
            let key_end = key.span().offset() + key.span().len();
            Span::new(file, (key_end + 1).min(whole.end), whole.end)
        }
        None => whole,
    };
    Value { scalar, span }
}

fn number_literal(entry: &KdlEntry) -> Option<String> {
    let repr = entry.format()?.value_repr.trim().replace('_', "");
    (!repr.is_empty() && !repr.starts_with('#')).then_some(repr)
}
