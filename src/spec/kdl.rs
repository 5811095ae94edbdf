//! KDL (v2) → raw tree. Walks `KdlDocument` and keeps every node's and entry's span.

use kdl::{KdlDocument, KdlEntry, KdlNode, KdlValue};

use super::tree::{Dialect, Document, Node, Property, Scalar, Value};
use crate::codes::Code;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::source::{FileId, Span};

/// Deeper nesting is refused before parsing: the KDL parser recurses per level, and no
/// real spec nests more than a handful of blocks.
const MAX_DEPTH: usize = 64;

pub(crate) fn parse(file: FileId, text: &str, diagnostics: &mut Diagnostics) -> Option<Document> {
    if let Some(offset) = too_deep(text) {
        diagnostics.push(
            Diagnostic::new(
                Code::Unsupported,
                Span::new(file, offset, offset + 1),
                "blocks nested more than 64 levels deep are not supported",
            )
            .label("nesting limit reached here")
            .help("flatten the spec; vigil's language never needs more than a few levels"),
        );
        return None;
    }
    match text.parse::<KdlDocument>() {
        Ok(document) => {
            let whole = Span::new(file, 0, text.len());
            let mut root = Node::new("", Span::new(file, 0, 0), whole, Dialect::Kdl);
            root.children = nodes(file, &document);
            Some(Document { file, root })
        }
        Err(error) => {
            for problem in error.diagnostics {
                let start = problem.span.offset().min(text.len());
                let span = Span::new(file, start, (start + problem.span.len()).min(text.len()));
                let message = problem
                    .message
                    .unwrap_or_else(|| String::from("invalid KDL"));
                let mut diagnostic = Diagnostic::new(Code::Syntax, span, message)
                    .label(problem.label.unwrap_or_else(|| String::from("here")));
                if let Some(help) = problem.help {
                    diagnostic = diagnostic.help(help);
                } else {
                    diagnostic = diagnostic.help(
                        "KDL 2 needs strings with digits or spaces quoted (`window \"30d\"`) and booleans as `#true`/`#false`",
                    );
                }
                diagnostics.push(diagnostic);
            }
            None
        }
    }
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
        Dialect::Kdl,
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
    // A property's span covers `key=value`; point at the value alone.
    let span = match entry.name() {
        Some(key) => {
            let key_end = key.span().offset() + key.span().len();
            Span::new(file, (key_end + 1).min(whole.end), whole.end)
        }
        None => whole,
    };
    Value { scalar, span }
}

/// The number exactly as written (`99.9`, not `99.90000000000001`), minus `_` separators.
fn number_literal(entry: &KdlEntry) -> Option<String> {
    let repr = entry.format()?.value_repr.trim().replace('_', "");
    (!repr.is_empty() && !repr.starts_with('#')).then_some(repr)
}

/// The offset of the first `{` beyond [`MAX_DEPTH`], ignoring braces inside strings and
/// comments (an approximation that can only over-count, never miss real nesting).
fn too_deep(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'"' => {
                index += 1;
                while index < bytes.len() && bytes[index] != b'"' {
                    index += if bytes[index] == b'\\' { 2 } else { 1 };
                }
            }
            b'/' if bytes.get(index + 1) == Some(&b'/') => {
                while index < bytes.len() && bytes[index] != b'\n' {
                    index += 1;
                }
            }
            b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(index);
                }
            }
            b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        index += 1;
    }
    None
}
