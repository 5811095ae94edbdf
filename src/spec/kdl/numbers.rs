//! Numbers and `#` keywords. A number is kept as written minus `_` separators, so
//! `99.9` stays exactly `99.9`; each digit group must fit a signed 128-bit integer, as
//! in kdl-rs, whose integers are `i128`.

use super::cursor::Cursor;
use super::error::{Fail, Result};
use crate::spec::tree::Scalar;

impl Cursor<'_> {
    /// `#true`, `#false`, `#null`, `#inf`, `#-inf`, `#nan`; `None` if no keyword starts
    /// here (a raw string starts with `#` too).
    pub(super) fn keyword(&mut self) -> Result<Option<Scalar>> {
        if !self.at("#") || matches!(self.peek_second(), Some('#' | '"')) {
            return Ok(None);
        }
        let start = self.pos;
        self.pos += 1;
        let table = [
            ("true", Scalar::Bool(true)),
            ("false", Scalar::Bool(false)),
            ("null", Scalar::Null),
            ("nan", Scalar::Number(f64::NAN.to_string())),
            ("inf", Scalar::Number(f64::INFINITY.to_string())),
            ("-inf", Scalar::Number(f64::NEG_INFINITY.to_string())),
        ];
        for (word, scalar) in table {
            if self.eat(word) {
                self.expect_value_terminator(start, "a keyword")?;
                return Ok(Some(scalar));
            }
        }
        while self.peek().is_some_and(super::cursor::is_identifier_char) {
            self.bump();
        }
        let word = self.slice(start, self.pos);
        Err(Fail::new(
            start,
            self.pos,
            format!("`{word}` is not a KDL keyword"),
            "unknown keyword",
        )
        .help(
            "KDL 2 keywords are `#true`, `#false`, `#null`, `#inf`, `#-inf` and `#nan` (lowercase)",
        )
        .boxed())
    }

    /// A decimal, `0x`, `0o` or `0b` number; `None` (nothing consumed) if no number
    /// starts here.
    pub(super) fn number(&mut self) -> Result<Option<String>> {
        let start = self.pos;
        let _ = self.eat("+") || self.eat("-");
        if !self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos = start;
            return Ok(None);
        }
        let radix = match (self.peek(), self.peek_second()) {
            (Some('0'), Some('x' | 'X')) => 16,
            (Some('0'), Some('o' | 'O')) => 8,
            (Some('0'), Some('b' | 'B')) => 2,
            _ => 10,
        };
        if radix == 10 {
            self.digit_group(start, 10)?;
            self.fraction_and_exponent(start)?;
        } else {
            self.pos += 2;
            self.digit_group(start, radix)?;
        }
        self.expect_value_terminator(start, "a number")?;
        Ok(Some(self.slice(start, self.pos).replace('_', "")))
    }

    fn fraction_and_exponent(&mut self, start: usize) -> Result<()> {
        if self.eat(".") {
            self.digit_group(start, 10)?;
        }
        if self.eat("e") || self.eat("E") {
            let _ = self.eat("+") || self.eat("-");
            self.digit_group(start, 10)?;
        }
        Ok(())
    }

    fn digit_group(&mut self, start: usize, radix: u32) -> Result<()> {
        match self.digits(radix) {
            None => Err(self.bad_digits(start, radix)),
            Some(false) => Err(self.too_large(start)),
            Some(true) => Ok(()),
        }
    }

    /// A digit, then digits and `_`: `None` without a leading digit, `Some(false)` when
    /// the value does not fit in `i128`.
    fn digits(&mut self, radix: u32) -> Option<bool> {
        let first = self.peek()?.to_digit(radix)?;
        self.bump();
        let mut value = i128::from(first);
        let mut fits = true;
        while let Some(c) = self.peek() {
            if c == '_' {
                self.bump();
                continue;
            }
            let Some(digit) = c.to_digit(radix) else {
                break;
            };
            self.bump();
            if let Some(next) = value
                .checked_mul(i128::from(radix))
                .and_then(|v| v.checked_add(i128::from(digit)))
            {
                value = next;
            } else {
                fits = false;
                value = 0;
            }
        }
        Some(fits)
    }

    fn too_large(&self, start: usize) -> Box<Fail> {
        Fail::new(
            start,
            self.pos,
            "this number is too large",
            "more than 128 bits",
        )
        .help("numbers (and each part of a decimal: integer, fraction, exponent) must fit in a signed 128-bit integer; quote it if it is text")
        .boxed()
    }

    fn bad_digits(&self, start: usize, radix: u32) -> Box<Fail> {
        let kind = match radix {
            16 => "hexadecimal digit",
            8 => "octal digit",
            2 => "binary digit",
            _ => "digit",
        };
        let mut fail = self.fail_here(
            format!(
                "expected a {kind} in `{}`, found {}",
                self.slice(start, self.pos),
                super::error::found(self.peek())
            ),
            &format!("expected a {kind}"),
        );
        fail.start = start;
        fail.help("decimals need digits on both sides of `.` and after `e` (`0.5`, `1e3`); prefixed numbers need a digit after `0x`/`0o`/`0b`; a value that is text must be quoted").boxed()
    }
}
