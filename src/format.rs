//! `vigil fmt`: the canonical layout of a KDL spec, printed from kdl-rs's parse of it.
//!
//! kdl-rs's own `autoformat` cannot give vigil's layout: it re-renders every value
//! (`"checkout"` becomes `checkout`, number forms change), spreads every block over
//! several lines and drops blank lines; and its tree loses what follows a block's `}` (a
//! comment there, the line break). So vigil prints the document itself. Every token
//! (type, name, key, value) is written as it was, taken from the text at kdl-rs's spans;
//! the gaps between tokens are read from the text by `spec::kdl::gap`, and only their
//! whitespace changes:
//!
//! - four spaces per block level, one more on the lines after a `\` continuation;
//! - one space between tokens and before a comment that ends a line, none around `=`;
//! - a block written on one line stays on one line (`sli { ratio … }`); any other block
//!   starts its children on a new line and puts `}` on a line of its own;
//! - at most one blank line in a row, none at the start or end of the file;
//! - LF line endings and one final newline.
//!
//! Comments, `/-` comments, `;` and line continuations are kept as written.

use kdl::{KdlDocument, KdlNode};
use miette::SourceSpan;

use crate::spec::kdl::{Place, Trivia, gap, has_line_break, same_document};

const INDENT: &str = "    ";

/// The formatted text, or `None` when the text is not valid KDL.
pub fn format_kdl(text: &str) -> Option<String> {
    // Byte order marks as the loader and vigil's parser read them: one each.
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let body = body.strip_prefix('\u{feff}').unwrap_or(body);
    let bom = &text[..text.len() - body.len()];
    // vigil's parser first: kdl-rs's error recovery is slow on some invalid inputs.
    if !crate::spec::is_valid_kdl(body) {
        return None;
    }
    let document: KdlDocument = body.parse().ok()?;
    let printed = Printer::new(body)
        .document(&document)
        .filter(|out| same_document(body, out));
    // A text the printer cannot follow is left as it is; tests (debug builds) fail on it.
    debug_assert!(printed.is_some(), "vigil fmt cannot lay out {text:?}");
    Some(printed.map_or_else(|| text.to_owned(), |out| format!("{bom}{out}")))
}

/// What stands between a token and the one before it when no line break does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sep {
    /// Nothing (around `=`, inside an empty block).
    Tight,
    /// One space.
    Space,
    /// A line break (the children of a block written over several lines, and its `}`).
    Line,
}

struct Printer<'a> {
    text: &'a str,
    /// Where the next gap or token starts in `text`.
    pos: usize,
    out: String,
    /// Nothing is written on the current output line yet.
    line_start: bool,
    /// A blank line is owed before whatever comes next on a line of its own.
    blank: bool,
    /// The current node goes on after a `\` continuation: its lines indent one level more.
    continued: bool,
    /// The last thing written is a token or punctuation, which a tight token may follow.
    after_token: bool,
}

fn end(span: SourceSpan) -> usize {
    span.offset() + span.len()
}

/// Where the gap after `nodes` starts: inside the last one, after its entries or its block.
fn after(nodes: &[KdlNode]) -> Place {
    match nodes.last() {
        None => Place::Nodes,
        Some(node) if node.children().is_some() => Place::AfterBlock,
        Some(_) => Place::Entries,
    }
}

impl<'a> Printer<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text,
            pos: 0,
            out: String::with_capacity(text.len()),
            line_start: true,
            blank: false,
            continued: false,
            after_token: false,
        }
    }

    fn document(mut self, document: &KdlDocument) -> Option<String> {
        let nodes = document.nodes();
        self.nodes(nodes, 0, Sep::Tight)?;
        self.trivia(after(nodes), 0)?;
        if self.pos != self.text.len() {
            return None;
        }
        if !self.line_start {
            self.out.push('\n');
        }
        Some(self.out)
    }

    /// Nodes of one level, each after the gap before it; `first` separates the first one
    /// from what precedes it on its line (the `{` of its block).
    fn nodes(&mut self, nodes: &[KdlNode], depth: usize, first: Sep) -> Option<()> {
        for (index, node) in nodes.iter().enumerate() {
            let sep = if index == 0 { first } else { Sep::Space };
            self.gap(after(&nodes[..index]), depth, sep)?;
            self.node(node, depth)?;
        }
        Some(())
    }

    fn node(&mut self, node: &KdlNode, depth: usize) -> Option<()> {
        // The type annotation, if any, and the name.
        self.token(node.span().offset(), end(node.name().span()))?;
        for entry in node.entries() {
            self.gap(Place::Entries, depth, Sep::Space)?;
            if let Some(key) = entry.name() {
                self.token(key.span().offset(), end(key.span()))?;
                self.gap(Place::Entries, depth, Sep::Tight)?;
                self.punctuation('=')?;
                self.gap(Place::Entries, depth, Sep::Tight)?;
            }
            // The value with its type annotation.
            self.token(self.pos, end(entry.span()))?;
        }
        let Some(children) = node.children() else {
            return Some(());
        };
        self.gap(Place::Entries, depth, Sep::Space)?;
        let open = self.pos;
        self.punctuation('{')?;
        self.continued = false;
        let nodes = children.nodes();
        let last = nodes.last().map_or(self.pos, |node| end(node.span()));
        let (_, close) = gap(self.text, last, after(nodes))?;
        let sep = if has_line_break(self.text.get(open..close)?) {
            Sep::Line
        } else if nodes.is_empty() {
            Sep::Tight
        } else {
            Sep::Space
        };
        self.nodes(nodes, depth + 1, sep)?;
        // Comments before `}` belong to the block's level, `}` to the node's.
        self.trivia(after(nodes), depth + 1)?;
        self.continued = false;
        self.before_token(depth, sep);
        self.punctuation('}')
    }

    /// The gap up to the next token, then what the token needs before it.
    fn gap(&mut self, place: Place, depth: usize, sep: Sep) -> Option<()> {
        self.trivia(place, depth)?;
        self.before_token(depth, sep);
        Some(())
    }

    /// The comments, `;` and line breaks of the gap at `pos`; comments on lines of their
    /// own are indented to `depth`.
    fn trivia(&mut self, place: Place, depth: usize) -> Option<()> {
        let (pieces, end) = gap(self.text, self.pos, place)?;
        self.pos = end;
        for piece in pieces {
            match piece {
                Trivia::Newline => {
                    self.continued = false;
                    self.line_break();
                }
                Trivia::ContinuedNewline => {
                    self.continued = true;
                    self.line_break();
                }
                Trivia::Semicolon => {
                    self.continued = false;
                    if self.line_start {
                        self.indent(depth);
                    }
                    self.out.push(';');
                    self.after_token = true;
                }
                Trivia::Continuation => self.word("\\", depth),
                Trivia::LineComment(text)
                | Trivia::BlockComment(text)
                | Trivia::Slashdash(text) => self.word(text, depth),
            }
        }
        Some(())
    }

    fn line_break(&mut self) {
        if self.line_start {
            self.blank = !self.out.is_empty();
        } else {
            self.out.push('\n');
            self.line_start = true;
        }
    }

    /// A comment, `/-` comment or `\`, after a space or at the start of its line.
    fn word(&mut self, text: &str, depth: usize) {
        if self.line_start {
            self.indent(depth);
        } else {
            self.out.push(' ');
        }
        self.out.push_str(&text.replace("\r\n", "\n"));
        self.after_token = false;
        self.line_start = text
            .char_indices()
            .next_back()
            .is_some_and(|(last, _)| has_line_break(&text[last..]));
    }

    fn before_token(&mut self, depth: usize, sep: Sep) {
        if self.line_start {
            self.indent(depth);
            return;
        }
        match sep {
            Sep::Tight if self.after_token => {}
            Sep::Line => {
                self.out.push('\n');
                self.indent(depth);
            }
            Sep::Tight | Sep::Space => self.out.push(' '),
        }
    }

    fn indent(&mut self, depth: usize) {
        if std::mem::take(&mut self.blank) {
            self.out.push('\n');
        }
        for _ in 0..depth + usize::from(self.continued) {
            self.out.push_str(INDENT);
        }
        self.line_start = false;
    }

    /// The text from `start` (where the printer stands) to `end`, as written; a multi-line
    /// string keeps its lines (KDL reads its line breaks as LF whatever they are).
    fn token(&mut self, start: usize, end: usize) -> Option<()> {
        let token = self.text.get(start..end).filter(|t| !t.is_empty())?;
        if start != self.pos {
            return None;
        }
        self.out.push_str(&token.replace("\r\n", "\n"));
        self.pos = end;
        self.line_start = false;
        self.after_token = true;
        Some(())
    }

    fn punctuation(&mut self, mark: char) -> Option<()> {
        if !self.text.get(self.pos..)?.starts_with(mark) {
            return None;
        }
        self.out.push(mark);
        self.pos += mark.len_utf8();
        self.line_start = false;
        self.after_token = true;
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::format_kdl;

    /// Each input, its formatted text, and that formatting it again changes nothing.
    fn check(cases: &[(&str, &str)]) {
        for (input, expected) in cases {
            let once = format_kdl(input).unwrap_or_else(|| panic!("{input:?} is valid"));
            assert_eq!(once, *expected, "formatting {input:?}");
            assert_eq!(
                format_kdl(&once).as_deref(),
                Some(once.as_str()),
                "{once:?}"
            );
        }
    }

    #[test]
    fn spacing_inside_nodes_is_normalised() {
        check(&[
            ("tier   page level=1\n", "tier page level=1\n"),
            (
                "tier\tpage   level = 1  page=#true   \n",
                "tier page level=1 page=#true\n",
            ),
            ("a{b}\n", "a { b }\n"),
            ("a {   b;c  }\n", "a { b; c }\n"),
            ("a { b; }\n", "a { b; }\n"),
            ("a {  }\n", "a {}\n"),
            ("a ;b\n", "a; b\n"),
            ("(t)a (u)1 k=(v)\"x\"\n", "(t)a (u)1 k=(v)\"x\"\n"),
        ]);
    }

    #[test]
    fn blocks_are_indented_by_depth() {
        check(&[
            (
                "slo x {\nobjective 99\n      sli {\n  ratio a=\"x\"\n}\n        }\n",
                "slo x {\n    objective 99\n    sli {\n        ratio a=\"x\"\n    }\n}\n",
            ),
            ("a { b\n c }\n", "a {\n    b\n    c\n}\n"),
            ("a {\n}\n", "a {\n}\n"),
        ]);
    }

    #[test]
    fn comments_and_slashdashes_are_kept() {
        check(&[
            (
                "// a comment\r\nslo   x service=a {\n\n\n\nobjective 99   // why\n  sli { availability metric=\"up{a=\\\"}\\\"}\" }\n        }   // after\n\n",
                "// a comment\nslo x service=a {\n\n    objective 99 // why\n    sli { availability metric=\"up{a=\\\"}\\\"}\" }\n} // after\n",
            ),
            (
                "a { b }   /* after */\n  /* own line */\nc\n",
                "a { b } /* after */\n/* own line */\nc\n",
            ),
            (
                "a {\n  b\n      // last\n}\n",
                "a {\n    b\n    // last\n}\n",
            ),
            (
                "a  /-  1   2 /- { x }   { y }\n/- b {\n  c\n}\nd\n",
                "a /-  1 2 /- { x } { y }\n/- b {\n  c\n}\nd\n",
            ),
            (
                "a k /* x */=1 j= /* y */2\n",
                "a k /* x */ =1 j= /* y */ 2\n",
            ),
        ]);
    }

    #[test]
    fn continuations_indent_one_level_more() {
        check(&[
            (
                "slo x \\\nservice=a \\ // why\n          window=\"30d\" {\n  b\n}\n",
                "slo x \\\n    service=a \\ // why\n    window=\"30d\" {\n    b\n}\n",
            ),
            ("a \\", "a \\\n"),
            // A `/-` comment that ends in a continuation keeps its line break.
            ("/-a\\", "/-a\\\n"),
            ("/- a \\\n\nb", "/- a \\\n\nb\n"),
        ]);
    }

    #[test]
    fn blank_lines_and_line_endings_are_normalised() {
        check(&[
            ("\n\n\na\n\n\n\nb\n\n\n", "a\n\nb\n"),
            ("a\r\nb\r\n", "a\nb\n"),
            ("\u{feff}a  1\n", "\u{feff}a 1\n"),
            ("", ""),
            ("  \n\n", ""),
            ("// only\n\n\n// comments", "// only\n\n// comments\n"),
        ]);
    }

    #[test]
    fn strings_and_numbers_stay_as_written() {
        check(&[
            (
                "a  \"x  y\"   #\"raw  \"#  1_000  0x1F  1.0e3\n",
                "a \"x  y\" #\"raw  \"# 1_000 0x1F 1.0e3\n",
            ),
            (
                "a {\n  b   \"\"\"\n      two  \n    lines\n    \"\"\"  c=1\n}\n",
                "a {\n    b \"\"\"\n      two  \n    lines\n    \"\"\" c=1\n}\n",
            ),
            (
                "a \"\"\"\r\n  x\r\n  \"\"\"\r\n",
                "a \"\"\"\n  x\n  \"\"\"\n",
            ),
        ]);
    }

    #[test]
    fn refuses_invalid_kdl() {
        assert_eq!(format_kdl("slo {"), None);
    }
}
