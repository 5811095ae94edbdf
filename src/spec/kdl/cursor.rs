//! The lowest layer: a position in the text, character classes from the KDL 2 spec, and
//! the whitespace, newline and comment rules every other rule is built on.
//!
//! Every method that does not match leaves the position where it was, so callers can
//! try alternatives without bookkeeping. Nothing here indexes the text directly: slices
//! go through `get`, so no input can panic the parser.

use super::error::{Fail, Result, found};
use crate::source::FileId;

/// Code points KDL 2 forbids anywhere outside comments.
pub(super) fn is_disallowed(c: char) -> bool {
    matches!(c,
        '\u{0000}'..='\u{0008}'
        | '\u{000E}'..='\u{001F}'
        | '\u{200E}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}'
        | '\u{FEFF}'
    )
}

/// KDL's `unicode-space` (newlines are separate).
pub(super) fn is_unicode_space(c: char) -> bool {
    matches!(
        c,
        '\t' | ' ' | '\u{00A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}'
    )
}

/// A character that starts a KDL newline (`\r\n` counts as one).
pub(super) fn is_newline(c: char) -> bool {
    matches!(
        c,
        '\r' | '\n' | '\u{0085}' | '\u{000B}' | '\u{000C}' | '\u{2028}' | '\u{2029}'
    )
}

/// A character a bare identifier may contain.
pub(super) fn is_identifier_char(c: char) -> bool {
    !(is_unicode_space(c)
        || is_newline(c)
        || is_disallowed(c)
        || matches!(
            c,
            '\\' | '/' | '(' | ')' | '{' | '}' | '[' | ']' | ';' | '"' | '#' | '='
        ))
}

pub(super) struct Cursor<'a> {
    pub(super) text: &'a str,
    pub(super) pos: usize,
    pub(super) file: FileId,
    /// Children blocks open around the position.
    pub(super) depth: usize,
    /// `/-` nested directly inside `/-` (each level recurses).
    pub(super) slashdashes: usize,
    /// Where a parse of a text's first part ends, if it gets there between two top-level
    /// nodes (see `kdl::nodes_of`).
    pub(super) stop: Option<usize>,
}

impl<'a> Cursor<'a> {
    pub(super) fn new(file: FileId, text: &'a str) -> Self {
        Self {
            text,
            pos: 0,
            file,
            depth: 0,
            slashdashes: 0,
            stop: None,
        }
    }

    /// Whether the parse stands at its `stop`, between two top-level nodes.
    pub(super) fn stopped(&self) -> bool {
        self.depth == 0 && self.stop == Some(self.pos)
    }

    pub(super) fn rest(&self) -> &'a str {
        self.text.get(self.pos..).unwrap_or("")
    }

    pub(super) fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    /// The character after the next one.
    pub(super) fn peek_second(&self) -> Option<char> {
        self.rest().chars().nth(1)
    }

    pub(super) fn at(&self, token: &str) -> bool {
        self.rest().starts_with(token)
    }

    pub(super) fn at_end(&self) -> bool {
        self.pos >= self.text.len()
    }

    pub(super) fn eat(&mut self, token: &str) -> bool {
        let matched = self.at(token);
        if matched {
            self.pos += token.len();
        }
        matched
    }

    pub(super) fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    /// The text between two positions (empty if they are not character boundaries).
    pub(super) fn slice(&self, start: usize, end: usize) -> &'a str {
        self.text.get(start..end).unwrap_or("")
    }

    /// A failure at the current character.
    pub(super) fn fail_here(&self, message: impl Into<String>, label: &str) -> Fail {
        let end = self.pos + self.peek().map_or(0, char::len_utf8);
        Fail::new(self.pos, end, message, label)
    }

    pub(super) fn eat_newline(&mut self) -> bool {
        if self.eat("\r\n") {
            return true;
        }
        match self.peek() {
            Some(c) if is_newline(c) => {
                self.pos += c.len_utf8();
                true
            }
            _ => false,
        }
    }

    pub(super) fn eat_unicode_space(&mut self) -> bool {
        match self.peek() {
            Some(c) if is_unicode_space(c) => {
                self.pos += c.len_utf8();
                true
            }
            _ => false,
        }
    }

    /// `/* … */`, nested. An unterminated comment is an error wherever it starts.
    pub(super) fn eat_block_comment(&mut self) -> Result<bool> {
        if !self.at("/*") {
            return Ok(false);
        }
        let start = self.pos;
        self.pos += 2;
        let mut depth = 1usize;
        loop {
            if self.eat("*/") {
                depth -= 1;
                if depth == 0 {
                    return Ok(true);
                }
            } else if self.eat("/*") {
                depth += 1;
            } else if self.bump().is_none() {
                return Err(Fail::new(
                    start,
                    start + 2,
                    "this `/*` comment is never closed",
                    "comment opened here",
                )
                .help("close it with `*/` (block comments nest: each `/*` needs its own `*/`)")
                .boxed());
            }
        }
    }

    /// `ws := unicode-space | multi-line-comment`
    fn eat_ws(&mut self) -> Result<bool> {
        Ok(self.eat_unicode_space() || self.eat_block_comment()?)
    }

    fn wss(&mut self) -> Result<()> {
        while self.eat_ws()? {}
        Ok(())
    }

    /// `// …` up to and including the newline (or the end of the text).
    pub(super) fn eat_line_comment(&mut self) -> bool {
        if !self.at("//") {
            return false;
        }
        self.pos += 2;
        while !self.at_end() && !self.eat_newline() {
            self.bump();
        }
        true
    }

    /// `escline := '\' ws* (single-line-comment | newline | eof) ws*`
    fn eat_escline(&mut self) -> Result<bool> {
        let start = self.pos;
        if !self.eat("\\") {
            return Ok(false);
        }
        self.wss()?;
        if self.eat_line_comment() || self.eat_newline() || self.at_end() {
            self.wss()?;
            return Ok(true);
        }
        self.pos = start;
        Ok(false)
    }

    /// Any run of `node-space` (whitespace, block comments, line continuations); true if
    /// it consumed something, so it doubles as `node-space+`.
    pub(super) fn node_space(&mut self) -> Result<bool> {
        let start = self.pos;
        loop {
            let before = self.pos;
            self.wss()?;
            self.eat_escline()?;
            if self.pos == before {
                return Ok(self.pos > start);
            }
        }
    }

    /// `line-space := node-space | newline | single-line-comment`, one step.
    pub(super) fn eat_line_space(&mut self) -> Result<bool> {
        Ok(self.node_space()? || self.eat_newline() || self.eat_line_comment())
    }

    /// `node-terminator := single-line-comment | newline | ';'` (end of text is handled
    /// by the caller).
    pub(super) fn eat_node_terminator(&mut self) -> bool {
        self.eat(";") || self.eat_newline() || self.eat_line_comment()
    }

    /// `slashdash := '/-' (node-space | line-space)*`; the caller has seen `/-`.
    pub(super) fn slashdash(&mut self) -> Result<()> {
        self.pos += 2;
        while self.eat_line_space()? {}
        Ok(())
    }

    /// Whether a value may end here: KDL needs whitespace, `=`, `)`, a brace or a node
    /// terminator after every value (`30d` is not the number 30 followed by `d`).
    pub(super) fn at_value_terminator(&mut self) -> Result<bool> {
        let Some(c) = self.peek() else {
            return Ok(true);
        };
        Ok(match c {
            '=' | ')' | '{' | '}' | ';' => true,
            '/' => self.at("/*") || self.at("//"),
            '\\' => {
                let start = self.pos;
                let continues = self.eat_escline()?;
                self.pos = start;
                continues
            }
            _ => is_unicode_space(c) || is_newline(c),
        })
    }

    /// Fails unless a value may end here; `start` is where the value began.
    pub(super) fn expect_value_terminator(&mut self, start: usize, what: &str) -> Result<()> {
        if self.at_value_terminator()? {
            return Ok(());
        }
        let mut end = self.pos;
        let mut probe = Cursor::new(self.file, self.text);
        probe.pos = self.pos;
        while let Some(c) = probe.peek() {
            if is_unicode_space(c) || is_newline(c) || matches!(c, '{' | '}' | ';' | '=' | ')') {
                break;
            }
            probe.bump();
            end = probe.pos;
        }
        let token = self.slice(start, end);
        Err(Fail::new(
            start,
            end,
            format!("`{token}` is not a valid value: {what} cannot be followed by {}", found(self.peek())),
            &format!("quote it if it is text: `\"{token}\"`"),
        )
        .help("KDL 2 needs strings with digits or spaces quoted (`window \"30d\"`) and booleans as `#true`/`#false`")
        .boxed())
    }
}
