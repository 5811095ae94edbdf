//! Shaping a YAML value into raw nodes: scalars become properties, lists of scalars
//! arguments, mappings children, and plural collection keys their singular nodes.

use super::Yaml;
use crate::codes::Code;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::source::Span;
use crate::spec::tree::{Dialect, Node, Property, Scalar, Value};

/// Plural YAML keys and the KDL node each of their items becomes.
const COLLECTIONS: &[(&str, &str)] = &[
    ("alerts", "alert"),
    ("annotations", "annotation"),
    ("anomalies", "anomaly"),
    ("capacities", "capacity"),
    ("decisions", "decision"),
    ("downsamples", "downsample"),
    ("inhibitions", "inhibit"),
    ("labels", "label"),
    ("links", "link"),
    ("metrics", "metric"),
    ("receivers", "receiver"),
    ("regressions", "regression"),
    ("responders", "responder"),
    ("routes", "route"),
    ("services", "service"),
    ("slos", "slo"),
    ("steps", "step"),
    ("thresholds", "threshold"),
    ("tiers", "tier"),
    ("windows", "window"),
    ("time_intervals", "time_interval"),
];

/// Declarations that may also be listed, each item giving its name as `name:`: SLOs,
/// whose names repeat across services (a mapping cannot hold a key twice).
const NAMED_BY_KEY: &[&str] = &["slo"];

/// `- name: availability` in a list: the name becomes the node's argument, as the key of
/// a mapping does.
fn name_from_key(node: &mut Node) {
    if !node.args.is_empty() {
        return;
    }
    if let Some(index) = node.props.iter().position(|p| p.key == "name") {
        let property = node.props.remove(index);
        node.name_span = property.value.span;
        node.args.push(property.value);
    }
}

/// The plural key a collection of `singular` nodes is written under (`label` →
/// `labels`), for writers of YAML specs.
pub fn plural(singular: &str) -> Option<&'static str> {
    COLLECTIONS
        .iter()
        .find(|(_, one)| *one == singular)
        .map(|(plural, _)| *plural)
}

fn singular(key: &str) -> Option<&'static str> {
    COLLECTIONS
        .iter()
        .find(|(plural, _)| *plural == key)
        .map(|(_, one)| *one)
}

pub(super) fn fill_body(
    node: &mut Node,
    entries: Vec<(Value, Yaml)>,
    diagnostics: &mut Diagnostics,
) {
    for (key, value) in entries {
        let name = match &key.scalar {
            Scalar::String(s) | Scalar::Number(s) => s.clone(),
            Scalar::Bool(b) => b.to_string(),
            Scalar::Null => String::from("null"),
        };
        add_entry(node, &name, key.span, value, diagnostics);
    }
}

fn add_entry(
    node: &mut Node,
    key: &str,
    key_span: Span,
    value: Yaml,
    diagnostics: &mut Diagnostics,
) {
    if let Some(one) = singular(key) {
        collection(node, one, key_span, value, diagnostics);
        return;
    }
    match value {
        Yaml::Scalar(value) => node.props.push(Property {
            key: key.to_owned(),
            key_span,
            value,
        }),
        Yaml::Sequence(items, span)
            if items.iter().all(|i| matches!(i, Yaml::Mapping(..))) && !items.is_empty() =>
        {
            let _ = span;
            for item in items {
                let item_span = item.span();
                let mut child = Node::new(key, key_span, item_span, Dialect::Yaml);
                fill_item(&mut child, item, diagnostics);
                node.children.push(child);
            }
        }
        other => {
            let span = Span::new(key_span.file, key_span.start, other.span().end);
            let mut child = Node::new(key, key_span, span, Dialect::Yaml);
            fill_item(&mut child, other, diagnostics);
            node.children.push(child);
        }
    }
}

fn collection(
    node: &mut Node,
    one: &str,
    key_span: Span,
    value: Yaml,
    diagnostics: &mut Diagnostics,
) {
    match value {
        Yaml::Mapping(entries, _) => {
            for (name, body) in entries {
                let span = Span::new(
                    name.span.file,
                    name.span.start,
                    body.span().end.max(name.span.end),
                );
                let mut child = Node::new(one, name.span, span, Dialect::Yaml);
                child.args.push(name);
                fill_item(&mut child, body, diagnostics);
                node.children.push(child);
            }
        }
        Yaml::Sequence(items, _) => {
            for item in items {
                let mut child = Node::new(one, item.span(), item.span(), Dialect::Yaml);
                fill_item(&mut child, item, diagnostics);
                if NAMED_BY_KEY.contains(&one) {
                    name_from_key(&mut child);
                }
                node.children.push(child);
            }
        }
        Yaml::Scalar(value) if value.scalar == Scalar::Null => {}
        Yaml::Scalar(value) => diagnostics.push(
            Diagnostic::new(
                Code::WrongType,
                value.span,
                "expected a mapping or a list here",
            )
            .label(format!("found {}", value.scalar.type_name()))
            .note(key_span, "this key holds a collection")
            .help(format!(
                "write one `{one}` per entry: a mapping of name → settings, or a list"
            )),
        ),
    }
}

/// The body of one node: a mapping gives properties and children, a list gives arguments,
/// a scalar gives one argument.
fn fill_item(node: &mut Node, item: Yaml, diagnostics: &mut Diagnostics) {
    match item {
        Yaml::Scalar(value) if value.scalar == Scalar::Null => {}
        Yaml::Scalar(value) => node.args.push(value),
        Yaml::Mapping(entries, _) => fill_body(node, entries, diagnostics),
        Yaml::Sequence(items, _) => {
            for item in items {
                match item {
                    Yaml::Scalar(value) => node.args.push(value),
                    other => diagnostics.push(
                        Diagnostic::new(
                            Code::WrongType,
                            other.span(),
                            "expected a plain value in this list",
                        )
                        .label("a nested list or mapping")
                        .help("lists of values hold strings, numbers or booleans only"),
                    ),
                }
            }
        }
    }
}
