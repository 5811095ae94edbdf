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
    if let Some(diagnostic) = brace_problem(file, text) {
        diagnostics.push(diagnostic);
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

fn brace_problem(file: FileId, text: &str) -> Option<Diagnostic> {
    let at = |offset: usize| Span::new(file, offset, offset + 1);
    let diagnostic = match braces(text) {
        Braces::Fine => return None,
        Braces::TooDeep(offset) => Diagnostic::new(
            Code::Unsupported,
            at(offset),
            "blocks nested more than 64 levels deep are not supported",
        )
        .label("nesting limit reached here")
        .help("flatten the spec; vigil's language never needs more than a few levels"),
        Braces::Unclosed(offset) => {
            Diagnostic::new(Code::Syntax, at(offset), "this block is never closed")
                .label("`{` without a matching `}`")
                .help("add the missing `}` where the block should end")
        }
        Braces::Unmatched(offset) => {
            Diagnostic::new(Code::Syntax, at(offset), "this `}` closes no block")
                .label("no `{` before it is still open")
                .help("remove it, or add the `{` it was meant to close")
        }
    };
    Some(diagnostic)
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

/// What a cheap scan of the block braces finds before the KDL parser runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Braces {
    /// Balanced, or undecidable (an unterminated string or comment the parser will report).
    Fine,
    /// The offset of the first `{` beyond [`MAX_DEPTH`].
    TooDeep(usize),
    /// The offset of the outermost `{` never closed.
    Unclosed(usize),
    /// The offset of a `}` that closes nothing.
    Unmatched(usize),
}

/// Scans block braces, skipping strings (quoted, multi-line, raw) and comments (line and
/// nested block). The parser's error recovery is exponential in the number of unclosed
/// blocks (a 4 KB file took minutes), so unbalanced braces are reported from here.
fn braces(text: &str) -> Braces {
    let bytes = text.as_bytes();
    let mut open: Vec<usize> = Vec::new();
    let mut index = 0;
    while index < bytes.len() {
        let skipped = match bytes[index] {
            b'"' => skip_string(bytes, index, 0),
            b'#' => {
                let hashes = bytes[index..].iter().take_while(|&&b| b == b'#').count();
                match bytes.get(index + hashes) {
                    Some(b'"') => skip_string(bytes, index + hashes, hashes),
                    _ => Some(index + hashes),
                }
            }
            b'/' if bytes.get(index + 1) == Some(&b'/') => Some(
                bytes[index..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(bytes.len(), |p| index + p),
            ),
            b'/' if bytes.get(index + 1) == Some(&b'*') => skip_block_comment(bytes, index),
            b'{' => {
                open.push(index);
                if open.len() > MAX_DEPTH {
                    return Braces::TooDeep(index);
                }
                Some(index + 1)
            }
            b'}' => {
                if open.pop().is_none() {
                    return Braces::Unmatched(index);
                }
                Some(index + 1)
            }
            _ => Some(index + 1),
        };
        match skipped {
            Some(next) => index = next,
            None => return Braces::Fine,
        }
    }
    open.first()
        .map_or(Braces::Fine, |&offset| Braces::Unclosed(offset))
}

/// The offset after a string opening at `start` (`"…"`, `"""…"""`, or raw with `hashes`
/// `#` before and after); `None` when it never ends. A single-line string ends at the
/// newline it cannot contain, as the parser's own recovery does.
fn skip_string(bytes: &[u8], start: usize, hashes: usize) -> Option<usize> {
    let quotes = if bytes[start..].starts_with(b"\"\"\"") {
        3
    } else {
        1
    };
    let mut index = start + quotes;
    while index < bytes.len() {
        if quotes == 1 && bytes[index] == b'\n' {
            return Some(index);
        }
        if hashes == 0 && bytes[index] == b'\\' {
            index += 2;
            continue;
        }
        let closes = bytes[index..].starts_with(&b"\"\"\""[..quotes])
            && bytes[index + quotes..]
                .iter()
                .take(hashes)
                .filter(|&&b| b == b'#')
                .count()
                == hashes;
        if closes {
            return Some(index + quotes + hashes);
        }
        index += 1;
    }
    None
}

/// The offset after a (nested) block comment opening at `start`; `None` when it never ends.
fn skip_block_comment(bytes: &[u8], start: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut index = start;
    while index + 1 < bytes.len() {
        match (bytes[index], bytes[index + 1]) {
            (b'/', b'*') => {
                depth += 1;
                index += 2;
            }
            (b'*', b'/') => {
                depth -= 1;
                index += 2;
                if depth == 0 {
                    return Some(index);
                }
            }
            _ => index += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{Braces, braces};

    #[test]
    fn braces_inside_strings_and_comments_do_not_count() {
        let cases: &[(&str, Braces)] = &[
            ("a { b; }", Braces::Fine),
            ("a \"{\" { b \"}\"; }", Braces::Fine),
            ("a \"\\\"{\" { }", Braces::Fine),
            ("a #\"{\"# { }", Braces::Fine),
            ("a ##\"\"#{\"## { }", Braces::Fine),
            ("a \"\"\"\n{ \" }\n\"\"\" { }", Braces::Fine),
            ("a #\"\"\"\n}\n\"\"\"# { }", Braces::Fine),
            ("a { // }\n}", Braces::Fine),
            ("a { /* } /* } */ } */ }", Braces::Fine),
            ("a #true { b #null; }", Braces::Fine),
            // Unterminated: left to the parser, which reports it.
            ("a \"\"\" {", Braces::Fine),
            ("a /* {", Braces::Fine),
            // A single-line string cannot hold a newline: it ends there.
            ("a \"x\n{", Braces::Unclosed(5)),
            ("a { b {\n}", Braces::Unclosed(2)),
            ("a { }\n}", Braces::Unmatched(6)),
        ];
        for (text, expected) in cases {
            assert_eq!(braces(text), *expected, "{text:?}");
        }
    }

    #[test]
    fn nesting_beyond_the_limit_is_reported_at_the_first_brace_too_deep() {
        let text = "a {".repeat(70);
        assert_eq!(braces(&text), Braces::TooDeep(2 + 3 * 64));
    }
}
