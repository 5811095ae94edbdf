//! KDL 2 → raw tree, with vigil's own parser.
//!
//! vigil parsed KDL with kdl-rs (the `kdl` crate, which STYLE prefers) until two measured
//! problems: it parses about 0.5 MB/s (3.5–5 s for a 10,000-SLO spec, against a 1 s
//! budget for the whole run), and its error recovery is exponential on some invalid
//! inputs (a 4 KB file took minutes), so an untrusted spec in a pull request could stall
//! CI. This parser is single-pass and linear, with nesting bounded by [`MAX_DEPTH`], and
//! accepts exactly what kdl-rs 6 accepts with the same tree and spans
//! (`tests/kdl_differential.rs` holds the two together). kdl-rs remains for `vigil fmt`,
//! which runs it only on text this parser accepted.

mod cursor;
mod error;
mod multiline;
mod numbers;
mod parser;
mod strings;

use super::tree::{Dialect, Document, Node};
use crate::diagnostic::Diagnostics;
use crate::source::{FileId, Span};

/// Deeper nesting is refused: no real spec nests more than a handful of blocks, and the
/// parser recurses per level.
const MAX_DEPTH: usize = 64;

pub(crate) fn parse(file: FileId, text: &str, diagnostics: &mut Diagnostics) -> Option<Document> {
    let mut cursor = cursor::Cursor::new(file, text);
    match cursor.document() {
        Ok(nodes) => {
            let whole = Span::new(file, 0, text.len());
            let mut root = Node::new("", Span::new(file, 0, 0), whole, Dialect::Kdl);
            root.children = nodes;
            Some(Document { file, root })
        }
        Err(fail) => {
            diagnostics.push(fail.diagnostic(file, text.len()));
            None
        }
    }
}

/// Whether `text` is a valid KDL document (`vigil fmt` checks before kdl-rs sees it).
pub(crate) fn is_valid(text: &str) -> bool {
    cursor::Cursor::new(FileId(0), text).document().is_ok()
}
