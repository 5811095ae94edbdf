//! What stands between two tokens of a KDL document: whitespace, newlines, comments,
//! line continuations, `;` and `/-` comments. `vigil fmt` reads the tokens from kdl-rs's
//! tree and the gaps between them here, with the rules the parser itself uses.

use super::cursor::{Cursor, is_newline, is_unicode_space};
use crate::source::FileId;

/// One piece of a gap between tokens. Whitespace is left out: the formatter decides it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Trivia<'a> {
    /// A line break that ends a node or stands between nodes.
    Newline,
    /// `\`: the node goes on after the next line break.
    Continuation,
    /// The line break after a [`Trivia::Continuation`].
    ContinuedNewline,
    /// `// …`, without its line break or the whitespace before it.
    LineComment(&'a str),
    /// `/* … */`, nested comments included.
    BlockComment(&'a str),
    /// A `;` that ends a node.
    Semicolon,
    /// `/-` and the node, entry or block it comments out, as written (which may end in a
    /// `\` continuation and its line break).
    Slashdash(&'a str),
}

/// Where a gap starts, which decides what a `/-` in it comments out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    /// Between nodes: a node.
    Nodes,
    /// Among a node's entries: an entry, or a block (`/- { … }`).
    Entries,
    /// After a node's block, before its terminator: a block, or a node.
    AfterBlock,
}

/// The gap that starts at `start` in `place`, up to the next token or the end of `text`,
/// and where it stops; `None` if the text there is not KDL.
pub(crate) fn gap(text: &str, start: usize, place: Place) -> Option<(Vec<Trivia<'_>>, usize)> {
    let mut cursor = Cursor::new(FileId(0), text);
    cursor.pos = start;
    let mut pieces = Vec::new();
    let mut place = place;
    let mut continued = false;
    loop {
        let at = cursor.pos;
        if cursor.eat_unicode_space() {
            continue;
        }
        let piece = if cursor.eat_block_comment().ok()? {
            Trivia::BlockComment(cursor.slice(at, cursor.pos))
        } else if cursor.eat("//") {
            while cursor.peek().is_some_and(|c| !is_newline(c)) {
                cursor.bump();
            }
            if !continued {
                place = Place::Nodes;
            }
            Trivia::LineComment(
                cursor
                    .slice(at, cursor.pos)
                    .trim_end_matches(is_unicode_space),
            )
        } else if cursor.eat_newline() {
            let piece = if continued {
                Trivia::ContinuedNewline
            } else {
                place = Place::Nodes;
                Trivia::Newline
            };
            continued = false;
            piece
        } else if cursor.eat("\\") {
            continued = true;
            Trivia::Continuation
        } else if cursor.eat(";") {
            place = Place::Nodes;
            Trivia::Semicolon
        } else if cursor.at("/-") {
            slashdashed(&mut cursor, place)?;
            // What `/-` comments out ends with the whitespace before its terminator.
            Trivia::Slashdash(
                cursor
                    .slice(at, cursor.pos)
                    .trim_end_matches(is_unicode_space),
            )
        } else {
            return Some((pieces, at));
        };
        pieces.push(piece);
    }
}

/// Whether `text` breaks a line anywhere (KDL has seven kinds of line break).
pub(crate) fn has_line_break(text: &str) -> bool {
    text.chars().any(is_newline)
}

/// Moves past `/-` and what it comments out.
fn slashdashed(cursor: &mut Cursor<'_>, place: Place) -> Option<()> {
    let start = cursor.pos;
    cursor.slashdash().ok()?;
    let block = cursor.at("{");
    cursor.pos = start;
    let matched = if block {
        cursor.slashdashed_block().ok()?
    } else if place == Place::Entries {
        cursor.slashdashed_entry().ok()?
    } else {
        cursor.slashdash().ok()?;
        cursor.node().is_ok()
    };
    matched.then_some(())
}

#[cfg(test)]
mod tests {
    use super::{Place, Trivia, gap};

    #[test]
    fn pieces_of_a_gap_up_to_the_next_token() {
        let text = "a 1 /- 2 /* x */ \\ // more\n  3 // end\n\n/- b { c }\n// next\nd";
        let (pieces, end) = gap(text, 3, Place::Entries).expect("a gap");
        assert_eq!(
            pieces,
            [
                Trivia::Slashdash("/- 2"),
                Trivia::BlockComment("/* x */"),
                Trivia::Continuation,
                Trivia::LineComment("// more"),
                Trivia::ContinuedNewline,
            ]
        );
        assert!(text[end..].starts_with('3'));
        let (pieces, end) = gap(text, end + 1, Place::Entries).expect("a gap");
        assert_eq!(
            pieces,
            [
                Trivia::LineComment("// end"),
                Trivia::Newline,
                Trivia::Newline,
                Trivia::Slashdash("/- b { c }"),
                Trivia::Newline,
                Trivia::LineComment("// next"),
                Trivia::Newline,
            ]
        );
        assert_eq!(&text[end..], "d");
    }

    #[test]
    fn a_slashdash_inside_a_node_comments_out_an_entry_or_a_block() {
        let text = "a /- k=\"v w\" /- { b; c } { d }";
        let (pieces, end) = gap(text, 1, Place::Entries).expect("a gap");
        assert_eq!(
            pieces,
            [
                Trivia::Slashdash("/- k=\"v w\""),
                Trivia::Slashdash("/- { b; c }"),
            ]
        );
        assert_eq!(&text[end..], "{ d }");
        // After a block, a node is commented out rather than an entry.
        let text = "a { b } /- c d";
        let (pieces, end) = gap(text, 7, Place::AfterBlock).expect("a gap");
        assert_eq!(pieces, [Trivia::Slashdash("/- c d")]);
        assert_eq!(end, text.len());
    }
}
