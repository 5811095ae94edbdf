//! KDL 2 → raw tree, with vigil's own parser.
//!
//! Not kdl-rs (the `kdl` crate) for two measured reasons: it parses about 0.5 MB/s
//! (3.5–5 s for a 10,000-SLO spec, against a 1 s budget for the whole run), and its error
//! recovery is exponential on some invalid inputs (a 4 KB file takes minutes), so an
//! untrusted spec in a pull request could stall CI. This parser is single-pass and linear, with nesting bounded by [`MAX_DEPTH`], and
//! accepts exactly what kdl-rs 6 accepts with the same tree and spans
//! (`tests/kdl_differential.rs` holds the two together). kdl-rs remains for `vigil fmt`,
//! which runs it only on text this parser accepted.

// Failures are boxed where they are built, so every `Result` stays one word wide.
#![allow(clippy::unnecessary_box_returns)]

mod cursor;
mod error;
mod multiline;
mod numbers;
mod parser;
mod quote;
mod strings;
mod trivia;

pub(crate) use quote::string_literal;
pub(crate) use trivia::{Place, Trivia, gap, has_line_break};

use super::tree::{Dialect, Document, Node};
use crate::diagnostic::Diagnostics;
use crate::source::{FileId, Span};

/// Deeper nesting is refused: no real spec nests more than a handful of blocks, and the
/// parser recurses per level.
const MAX_DEPTH: usize = 64;

pub(crate) fn parse(
    file: FileId,
    text: &std::sync::Arc<str>,
    diagnostics: &mut Diagnostics,
) -> Option<Document> {
    match nodes_of(file, text) {
        Ok(nodes) => {
            let whole = Span::new(file, 0, text.len());
            let mut root = Node::new("", Span::new(file, 0, 0), whole, Dialect::Kdl);
            root.children = nodes;
            Some(Document {
                file,
                root,
                text: text.clone(),
            })
        }
        Err(fail) => {
            diagnostics.push(fail.diagnostic(file, text.len()));
            None
        }
    }
}

/// Texts at least this long are parsed in two parts at once: a spec of thousands of SLOs
/// is parsed before anything else can start.
const SPLIT_FROM: usize = 1 << 20;

/// A document's top-level nodes. A long text is parsed from its start and, on another
/// core, from a line in its middle that starts like a top-level node. The guess holds if
/// the first parse arrives at that line between two top-level nodes, where the one parse
/// of the whole text would have started the next node; otherwise (the line is inside a
/// string or a block) the first parse goes on to the end and the second is dropped. Either
/// way the nodes and the first error are those of one parse of the whole text.
fn nodes_of(file: FileId, text: &str) -> error::Result<Vec<Node>> {
    match middle_line(text) {
        Some(middle) => nodes_in_two_parts(file, text, middle),
        None => cursor::Cursor::new(file, text).document(),
    }
}

fn nodes_in_two_parts(file: FileId, text: &str, middle: usize) -> error::Result<Vec<Node>> {
    std::thread::scope(|scope| {
        let second = scope.spawn(|| {
            let mut cursor = cursor::Cursor::new(file, text);
            cursor.pos = middle;
            cursor.document()
        });
        let mut first = cursor::Cursor::new(file, text);
        first.stop = Some(middle);
        let mut nodes = first.document()?;
        if first.stopped() {
            let rest = second
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
            nodes.extend(rest);
        }
        Ok(nodes)
    })
}

/// The first line past the middle of a long text that starts with a letter, as a
/// top-level node does in a formatted spec.
fn middle_line(text: &str) -> Option<usize> {
    if text.len() < SPLIT_FROM {
        return None;
    }
    let bytes = text.as_bytes();
    memchr::memchr_iter(b'\n', &bytes[text.len() / 2..])
        .map(|newline| text.len() / 2 + newline + 1)
        .find(|&start| bytes.get(start).is_some_and(u8::is_ascii_alphabetic))
}

/// Whether `text` is a valid KDL document (`vigil fmt` checks before kdl-rs sees it).
pub(crate) fn is_valid(text: &str) -> bool {
    cursor::Cursor::new(FileId(0), text).document().is_ok()
}

/// Whether two valid texts hold the same document: the same nodes, values and blocks,
/// wherever their spans and comments fall (`vigil fmt` holds its output to its input).
pub(crate) fn same_document(a: &str, b: &str) -> bool {
    let parse = |text| cursor::Cursor::new(FileId(0), text).document().ok();
    parse(a)
        .zip(parse(b))
        .is_some_and(|(a, b)| same_nodes(&a, &b))
}

fn same_nodes(a: &[Node], b: &[Node]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(a, b)| {
            a.name == b.name
                && a.args.len() == b.args.len()
                && a.args
                    .iter()
                    .zip(&b.args)
                    .all(|(a, b)| a.scalar == b.scalar)
                && a.props.len() == b.props.len()
                && a.props
                    .iter()
                    .zip(&b.props)
                    .all(|(a, b)| a.key == b.key && a.value.scalar == b.value.scalar)
                && same_nodes(&a.children, &b.children)
        })
}
#[cfg(test)]
mod tests {
    use super::cursor::Cursor;
    use crate::source::FileId;
    use crate::spec::tree::Scalar;

    fn first_argument(text: &str) -> Scalar {
        let nodes = Cursor::new(FileId(0), text)
            .document()
            .unwrap_or_else(|fail| panic!("{text:?}: {fail:?}"));
        nodes[0].args[0].scalar.clone()
    }

    fn failure(text: &str) -> (usize, usize, String) {
        match Cursor::new(FileId(0), text).document() {
            Ok(nodes) => panic!("{text:?} parsed: {nodes:?}"),
            Err(fail) => (fail.start, fail.end, fail.message),
        }
    }

    #[test]
    fn every_lexical_form_gives_its_value() {
        let string = |s: &str| Scalar::String(s.to_owned());
        let number = |s: &str| Scalar::Number(s.to_owned());
        let cases: &[(&str, Scalar)] = &[
            ("n bare", string("bare")),
            ("n -", string("-")),
            ("n .x", string(".x")),
            ("n -inf", string("-inf")),
            ("n \"q\"", string("q")),
            (
                "n \"\\n\\r\\t\\\\\\\"\\b\\f\\s\"",
                string("\n\r\t\\\"\u{8}\u{c} "),
            ),
            ("n \"\\u{1F600}\"", string("\u{1F600}")),
            ("n \"a\\  \n  b\"", string("ab")),
            ("n \"\"\"\n  a\n    b\n  \"\"\"", string("a\n  b")),
            ("n \"\"\"\r\n  a\r\n\r\n  b\r\n  \"\"\"", string("a\n\nb")),
            ("n #\"a\\b\"#", string("a\\b")),
            ("n ##\"a\"#b\"##", string("a\"#b")),
            ("n #\"\"\"\n  \\n\n  \"\"\"#", string("\\n")),
            ("n 99.9", number("99.9")),
            ("n 1_000", number("1000")),
            ("n -1.5e-3", number("-1.5e-3")),
            ("n 0xFF", number("0xFF")),
            ("n 0o17", number("0o17")),
            ("n 0b1_0", number("0b10")),
            ("n #inf", number("inf")),
            ("n #-inf", number("-inf")),
            ("n #nan", number("NaN")),
            ("n #true", Scalar::Bool(true)),
            ("n #false", Scalar::Bool(false)),
            ("n #null", Scalar::Null),
            ("n (u8)1", number("1")),
            ("n /-skipped kept", string("kept")),
            ("n \\\n  continued", string("continued")),
            ("n /* c */ after", string("after")),
        ];
        for (text, expected) in cases {
            assert_eq!(&first_argument(text), expected, "{text:?}");
        }
    }

    #[test]
    #[expect(clippy::too_many_lines, reason = "a table of cases, one per error")]
    fn every_error_points_at_its_cause() {
        let cases: &[(&str, usize, usize, &str)] = &[
            (
                "n 30d",
                2,
                5,
                "`30d` is not a valid value: a number cannot be followed by `d`",
            ),
            (
                "n true",
                2,
                6,
                "`true` is a keyword in KDL 2, not a bare string",
            ),
            ("n #yes", 2, 6, "`#yes` is not a KDL keyword"),
            ("n \"open", 2, 7, "this string is never closed"),
            (
                "n \"a\nb\"",
                2,
                4,
                "this string is not closed before the end of the line",
            ),
            ("n \"\\q\"", 3, 5, "`\\q` is not a valid escape"),
            (
                "n \"\\u{D800}\"",
                3,
                11,
                "`\\u{D800}` is not a valid escape",
            ),
            (
                "n \"\u{1}\"",
                3,
                4,
                "the code point U+0001 is not allowed in a KDL document",
            ),
            (
                "n \"\"\"x",
                5,
                6,
                "a multi-line string must start a new line after `\"\"\"`, found `x`",
            ),
            (
                "n \"\"\"\n  a \"\"\"",
                10,
                13,
                "the closing quotes of a multi-line string must be on a line of their own",
            ),
            (
                "n \"\"\"\na\n  \"\"\"",
                6,
                7,
                "this line of a multi-line string is indented less than its closing quotes",
            ),
            (
                "n \"\"\"\n  a",
                2,
                5,
                "this multi-line string is never closed",
            ),
            ("n #\"a", 2, 5, "this string is never closed"),
            (
                "n #\"\"\"#",
                2,
                7,
                "a raw string holding only `\"` looks like a multi-line string opening",
            ),
            (
                "n 1.",
                2,
                4,
                "expected a digit in `1.`, found the end of the file",
            ),
            (
                "n 0x",
                2,
                4,
                "expected a hexadecimal digit in `0x`, found the end of the file",
            ),
            (
                "n 170141183460469231731687303715884105728",
                2,
                41,
                "this number is too large",
            ),
            (
                "n k=",
                4,
                4,
                "expected a value after `=`, found the end of the file",
            ),
            (
                "n (t",
                2,
                4,
                "this type annotation is not closed: expected `)`, found the end of the file",
            ),
            ("n ()", 3, 4, "expected a type name inside `( )`, found `)`"),
            (
                "n (t)",
                5,
                5,
                "expected a value after the type annotation, found the end of the file",
            ),
            ("1", 0, 1, "expected a node name, found `1`"),
            (
                "{ }",
                0,
                1,
                "found a `{` block where a node name was expected",
            ),
            (
                "n [",
                2,
                3,
                "expected an argument, a property, a `{` block, a new line or `;`, found `[`",
            ),
            (
                "n {} m",
                5,
                6,
                "expected an argument, a property, a `{` block, a new line or `;`, found `m`",
            ),
            ("n /* c", 2, 4, "this `/*` comment is never closed"),
            ("n {\n m", 2, 3, "this block is never closed"),
            ("n\n}", 2, 3, "this `}` closes no block"),
            ("/-", 0, 2, "`/-` comments out nothing here"),
            ("/-n; m", 3, 4, "expected a node name, found `;`"),
        ];
        let wrong: Vec<String> = cases
            .iter()
            .filter(|(text, start, end, message)| {
                failure(text) != (*start, *end, (*message).to_owned())
            })
            .map(|(text, ..)| format!("{text:?}: {:?}", failure(text)))
            .collect();
        assert!(wrong.is_empty(), "{wrong:#?}");
    }

    #[test]
    fn nesting_beyond_the_limit_is_reported_at_the_first_block_too_deep() {
        let text = "a {".repeat(70);
        let fail = Cursor::new(FileId(0), &text)
            .document()
            .expect_err("too deep");
        assert_eq!(
            (fail.start, fail.kind),
            (2 + 3 * 64, super::error::Kind::TooDeep)
        );
    }

    /// A text parsed in two parts gives what one parse gives, wherever the second part
    /// starts: at a node, inside a multi-line string, a block, a slashdashed node or an
    /// entry, before or after an error.
    #[test]
    fn a_text_parsed_in_two_parts_is_parsed_as_one() {
        let texts = [
            "a 1\nb {\n  c 2\n}\nd \"e\"\n",
            "a \"\"\"\n  line\n  b inside\n  \"\"\"\nc\n",
            "/-\nslashdashed {\n  x\n}\nkept; also\nlast\n",
            "a {\nb\nc\n",
            "a\nb }\nc\n",
            "a\nb 1.2.3\nc\n",
            "a /* comment\nb */ c\nd\n",
            "\u{feff}a\n\nb\n",
        ];
        for text in texts {
            let whole = Cursor::new(FileId(0), text).document();
            for middle in (0..=text.len()).filter(|&at| text.is_char_boundary(at)) {
                let parts = super::nodes_in_two_parts(FileId(0), text, middle);
                assert!(whole == parts, "{text:?} split at {middle}");
            }
        }
    }
}
