//! KDL 2 strings: bare identifiers, quoted strings with escapes, raw strings, and the
//! multi-line forms of both with their dedent rule (every line loses the whitespace
//! that precedes the closing quotes).

use super::cursor::{Cursor, is_disallowed, is_identifier_char, is_newline, is_unicode_space};
use super::error::{Fail, Result, found};

const KEYWORDS: [&str; 5] = ["true", "false", "null", "inf", "nan"];

impl Cursor<'_> {
    /// `string := identifier-string | quoted-string | raw-string`, followed by a value
    /// terminator. `None` (nothing consumed) when no string starts here.
    pub(super) fn string(&mut self) -> Result<Option<String>> {
        let start = self.pos;
        let value = match self.peek() {
            Some('"') => self.quoted()?,
            Some('#') => match self.raw()? {
                Some(value) => value,
                None => return Ok(None),
            },
            _ => match self.identifier()? {
                Some(value) => value,
                None => return Ok(None),
            },
        };
        self.expect_value_terminator(start, "a string")?;
        Ok(Some(value))
    }

    /// A bare identifier: not number-like, not a keyword spelled without `#`.
    fn identifier(&mut self) -> Result<Option<String>> {
        let start = self.pos;
        let first = self.peek();
        let second = self.peek_second();
        let digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit());
        let third = self.rest().chars().nth(2);
        // Digits after an optional sign and dot make a number, not a string.
        let number_like = match first {
            Some('+' | '-') if second == Some('.') => digit(third),
            Some('+' | '-' | '.') => digit(second),
            Some(c) => c.is_ascii_digit() || !is_identifier_char(c),
            None => true,
        };
        if number_like {
            return Ok(None);
        }
        self.bump();
        while self.peek().is_some_and(is_identifier_char) {
            self.bump();
        }
        let word = self.slice(start, self.pos);
        if KEYWORDS.contains(&word) {
            return Err(Fail::new(
                start,
                self.pos,
                format!("`{word}` is a keyword in KDL 2, not a bare string"),
                "keyword without `#`",
            )
            .help(format!(
                "write `#{word}` for the keyword, or `\"{word}\"` for the string"
            ))
            .boxed());
        }
        Ok(Some(word.to_owned()))
    }

    /// `"…"` or `"""` newline … newline `"""`.
    fn quoted(&mut self) -> Result<String> {
        let start = self.pos;
        if self.eat("\"\"\"") {
            if !self.eat_newline() {
                return Err(self
                    .fail_here(
                        format!(
                            "a multi-line string must start a new line after `\"\"\"`, found {}",
                            found(self.peek())
                        ),
                        "expected a line break",
                    )
                    .help("put the text on the lines after `\"\"\"`, or use `\"…\"` for a single-line string")
                    .boxed());
            }
            return self.multi_line_quoted(start);
        }
        self.pos += 1;
        let mut value = String::new();
        loop {
            match self.peek() {
                Some('"') => {
                    self.pos += 1;
                    return Ok(value);
                }
                None => return Err(unclosed(start, self.pos)),
                Some(c) if is_newline(c) => {
                    return Err(Fail::new(
                        start,
                        self.pos,
                        "this string is not closed before the end of the line",
                        "string opened here",
                    )
                    .help("close it with `\"`; for text over several lines use `\"\"\"` on its own line before and after")
                    .boxed());
                }
                Some(_) => self.string_char(&mut value)?,
            }
        }
    }

    /// One character of a quoted string (an escape, or a literal character).
    pub(super) fn string_char(&mut self, value: &mut String) -> Result<()> {
        if self.eat_whitespace_escape() {
            return Ok(());
        }
        match self.peek() {
            Some('\\') => value.push(self.escape()?),
            Some(c) if is_disallowed(c) => return Err(disallowed(self)),
            Some(c) => {
                self.bump();
                value.push(c);
            }
            None => {}
        }
        Ok(())
    }

    /// `\` followed by whitespace and newlines: all of it disappears.
    pub(super) fn eat_whitespace_escape(&mut self) -> bool {
        let next = self.peek_second();
        if self.peek() != Some('\\') || !next.is_some_and(|c| is_unicode_space(c) || is_newline(c))
        {
            return false;
        }
        self.pos += 1;
        while self.eat_unicode_space() || self.eat_newline() {}
        true
    }

    fn escape(&mut self) -> Result<char> {
        let start = self.pos;
        self.pos += 1;
        let simple = match self.peek() {
            Some('\\') => Some('\\'),
            Some('"') => Some('"'),
            Some('b') => Some('\u{8}'),
            Some('f') => Some('\u{c}'),
            Some('n') => Some('\n'),
            Some('r') => Some('\r'),
            Some('t') => Some('\t'),
            Some('s') => Some(' '),
            _ => None,
        };
        if let Some(c) = simple {
            self.pos += 1;
            return Ok(c);
        }
        if self.eat("u{") {
            let digits_start = self.pos;
            while self.pos - digits_start < 6 && self.peek().is_some_and(|c| c.is_ascii_hexdigit())
            {
                self.pos += 1;
            }
            let digits = self.slice(digits_start, self.pos);
            let code = u32::from_str_radix(digits, 16).ok();
            if !digits.is_empty() && self.eat("}") {
                if let Some(c) = code.and_then(char::from_u32) {
                    return Ok(c);
                }
                return Err(bad_escape(self, start, self.pos));
            }
        }
        let end = self.pos.max(start + 1) + self.peek().map_or(0, char::len_utf8);
        Err(bad_escape(self, start, end))
    }

    /// `#"…"#`, `##"…"##`, and `#"""` newline … `"""#`. `None` when the `#`s are not
    /// followed by a quote (a keyword such as `#true`).
    fn raw(&mut self) -> Result<Option<String>> {
        let start = self.pos;
        let hashes = self.rest().bytes().take_while(|&b| b == b'#').count();
        self.pos += hashes;
        if !self.at("\"") {
            self.pos = start;
            return Ok(None);
        }
        let closing = format!("\"{}", "#".repeat(hashes));
        let body_start = self.pos;
        let value = if self.eat("\"\"\"") && self.eat_newline() {
            self.multi_line_raw(start, &closing)?
        } else {
            self.pos = body_start + 1;
            let body = self.pos;
            loop {
                if self.at(&closing) {
                    break;
                }
                match self.peek() {
                    None => return Err(unclosed(start, self.pos)),
                    Some(c) if is_newline(c) => {
                        return Err(Fail::new(
                            start,
                            self.pos,
                            "this raw string is not closed before the end of the line",
                            "raw string opened here",
                        )
                        .help(format!("close it with `{closing}`; for text over several lines put `\"\"\"` on its own line before and after"))
                        .boxed());
                    }
                    Some(c) if is_disallowed(c) => return Err(disallowed(self)),
                    Some(_) => {
                        self.bump();
                    }
                }
            }
            let value = self.slice(body, self.pos).to_owned();
            self.pos += closing.len();
            value
        };
        if value == "\"" {
            return Err(Fail::new(
                start,
                self.pos,
                "a raw string holding only `\"` looks like a multi-line string opening",
                "ambiguous quotes",
            )
            .help("write a single quote as `\"\\\"\"`")
            .boxed());
        }
        Ok(Some(value))
    }
}

fn unclosed(start: usize, end: usize) -> Box<Fail> {
    Fail::new(
        start,
        end,
        "this string is never closed",
        "string opened here",
    )
    .help("add the closing quote (and `#`s for a raw string)")
    .boxed()
}

fn bad_escape(cursor: &Cursor<'_>, start: usize, end: usize) -> Box<Fail> {
    let end = end.min(cursor.text.len());
    Fail::new(
        start,
        end,
        format!("`{}` is not a valid escape", cursor.slice(start, end)),
        "unknown escape",
    )
    .help("KDL 2 escapes are `\\n \\r \\t \\\\ \\\" \\b \\f \\s` and `\\u{…}` (1 to 6 hex digits of a Unicode scalar value); use a raw string `#\"…\"#` for literal backslashes")
    .boxed()
}

pub(super) fn disallowed(cursor: &Cursor<'_>) -> Box<Fail> {
    cursor
        .fail_here(
            format!("{} is not allowed in a KDL document", found(cursor.peek())),
            "disallowed code point",
        )
        .help("KDL forbids control characters, direction overrides and a byte order mark inside the text; write them as `\\u{…}` escapes in a quoted string")
        .boxed()
}
