//! Multi-line strings (`"""` and `#"""`). Two linear passes: the first finds the closing
//! line and takes its leading whitespace as the prefix every line must start with; the
//! second strips that prefix and builds the value. Whitespace-only lines become empty,
//! newlines become `\n`, and the final newline before the closing quotes is dropped.

use super::cursor::{Cursor, is_disallowed, is_newline, is_unicode_space};
use super::error::{Fail, Result};
use super::strings::disallowed;

impl Cursor<'_> {
    /// The body of a `"""` string; `start` is the opening quotes, the opening newline
    /// is consumed.
    pub(super) fn multi_line_quoted(&mut self, start: usize) -> Result<String> {
        let body = self.pos;
        let prefix = loop {
            if let Some(prefix) = self.quoted_closing_line() {
                break prefix;
            }
            self.scan_quoted_line(start)?;
        };
        self.pos = body;
        let mut value = String::new();
        loop {
            let line = self.pos;
            if self.eat(&prefix) {
                while self.eat_whitespace_escape() {}
                if self.eat("\"\"\"") {
                    break;
                }
                self.pos = line;
            }
            self.line_prefix(&prefix, "\"\"\"")?;
            if let Some(end) = self.empty_line_end() {
                self.pos = end;
                value.push('\n');
                continue;
            }
            loop {
                if self.eat_newline() {
                    value.push('\n');
                    break;
                }
                if self.at("\"\"\"") {
                    return Err(closing_not_alone(self.pos));
                }
                if self.eat("\"") {
                    value.push('"');
                    continue;
                }
                self.multi_line_char(&mut value, start)?;
            }
        }
        value.pop();
        Ok(value)
    }

    /// The prefix (its whitespace) if this line is the closing `"""` line.
    fn quoted_closing_line(&mut self) -> Option<String> {
        let start = self.pos;
        let mut prefix = String::new();
        loop {
            if self.eat_whitespace_escape() {
                continue;
            }
            match self.peek() {
                Some(c) if is_unicode_space(c) => {
                    self.bump();
                    prefix.push(c);
                }
                _ => break,
            }
        }
        let closes = self.at("\"\"\"");
        self.pos = start;
        closes.then_some(prefix)
    }

    /// Checks one body line of a `"""` string (first pass).
    fn scan_quoted_line(&mut self, start: usize) -> Result<()> {
        let mut sink = String::new();
        loop {
            if self.eat_newline() {
                return Ok(());
            }
            if self.at("\"\"\"") {
                return Err(closing_not_alone(self.pos));
            }
            if self.eat("\"") {
                continue;
            }
            self.multi_line_char(&mut sink, start)?;
            sink.clear();
        }
    }

    fn multi_line_char(&mut self, value: &mut String, start: usize) -> Result<()> {
        match self.peek() {
            None => Err(Fail::new(
                start,
                start + 3,
                "this multi-line string is never closed",
                "string opened here",
            )
            .help("close it with `\"\"\"` on a line of its own")
            .boxed()),
            Some(_) => self.string_char(value),
        }
    }

    /// A line must start with the prefix unless it is blank.
    fn line_prefix(&mut self, prefix: &str, closing: &str) -> Result<()> {
        if self.eat(prefix) || self.empty_line_end().is_some() {
            return Ok(());
        }
        let end = self
            .rest()
            .find(|c: char| !is_unicode_space(c))
            .map_or(self.text.len(), |n| self.pos + n);
        Err(Fail::new(
            self.pos,
            end.max(self.pos + self.peek().map_or(0, char::len_utf8)),
            "this line of a multi-line string is indented less than its closing quotes",
            "indentation does not match",
        )
        .help(format!(
            "every line must start with the same whitespace as the line of the closing `{closing}`"
        ))
        .boxed())
    }

    /// Where a blank line (whitespace, whitespace escapes, then a newline) ends.
    fn empty_line_end(&mut self) -> Option<usize> {
        let start = self.pos;
        while self.eat_whitespace_escape() || self.eat_unicode_space() {}
        let end = self.eat_newline().then_some(self.pos);
        self.pos = start;
        end
    }

    /// The body of a `#"""` string; `start` is the first `#`.
    pub(super) fn multi_line_raw(&mut self, start: usize, closing: &str) -> Result<String> {
        let closing = format!("\"\"{closing}");
        let body = self.pos;
        let prefix = loop {
            let line = self.pos;
            while self.eat_unicode_space() {}
            if self.at(&closing) {
                let prefix = self.slice(line, self.pos).to_owned();
                break prefix;
            }
            loop {
                if self.eat_newline() {
                    break;
                }
                match self.peek() {
                    None => {
                        return Err(Fail::new(
                            start,
                            self.pos.min(start + closing.len()),
                            "this multi-line raw string is never closed",
                            "string opened here",
                        )
                        .help(format!("close it with `{closing}` on a line of its own"))
                        .boxed());
                    }
                    _ if self.at(&closing) => return Err(closing_not_alone(self.pos)),
                    Some(c) if is_disallowed(c) => return Err(disallowed(self)),
                    Some(_) => {
                        self.bump();
                    }
                }
            }
        };
        self.pos = body;
        let mut value = String::new();
        loop {
            let line = self.pos;
            if self.eat(&prefix) {
                while self.eat_unicode_space() {}
                if self.eat(&closing) {
                    break;
                }
                self.pos = line;
            }
            self.line_prefix(&prefix, &closing)?;
            if let Some(end) = self.empty_line_end() {
                self.pos = end;
                value.push('\n');
                continue;
            }
            let content = self.pos;
            while !self.at_end() && !self.at(&closing) && !self.peek().is_some_and(is_newline) {
                self.bump();
            }
            value.push_str(self.slice(content, self.pos));
            if !self.eat_newline() {
                return Err(closing_not_alone(self.pos));
            }
            value.push('\n');
        }
        value.pop();
        Ok(value)
    }
}

fn closing_not_alone(at: usize) -> Box<Fail> {
    Fail::new(
        at,
        at + 3,
        "the closing quotes of a multi-line string must be on a line of their own",
        "closing quotes after text",
    )
    .help("move the closing quotes to the next line (only whitespace may precede them)")
    .boxed()
}
