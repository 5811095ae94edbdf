//! Where a selector, a label matcher or its value stands inside an expression's text.
//! promql-parser's tree keeps no positions, so the text is scanned for the tokens that
//! matter here: identifiers, strings and braces.

use std::ops::Range;

/// One label matcher as written inside `{…}`: the label's name and the quoted value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct MatcherPlace {
    pub(super) label: Range<usize>,
    pub(super) value: Option<Range<usize>>,
}

/// One selector as written: the metric name (when written before the braces) and its
/// matchers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct SelectorPlace {
    pub(super) name: Range<usize>,
    pub(super) matchers: Vec<MatcherPlace>,
}

impl SelectorPlace {
    /// The place of the matcher on `label` (the first one, when written twice).
    pub(super) fn matcher(&self, text: &str, label: &str) -> Option<&MatcherPlace> {
        self.matchers
            .iter()
            .find(|m| &text[m.label.clone()] == label)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Identifier,
    String,
    Open,
    Close,
    Matcher,
    Other,
}

#[derive(Debug, Clone)]
struct Token {
    kind: Kind,
    range: Range<usize>,
}

/// The tokens of one expression, scanned once.
pub(super) struct Places<'t> {
    text: &'t str,
    tokens: Vec<Token>,
}

impl<'t> Places<'t> {
    pub(super) fn new(text: &'t str) -> Self {
        Self {
            text,
            tokens: tokens(text),
        }
    }

    /// The `occurrence`-th selector (0-based, in text order) whose metric name is written
    /// as `name` before its braces.
    pub(super) fn selector(&self, name: &str, occurrence: usize) -> Option<SelectorPlace> {
        let mut depth = 0_usize;
        let mut seen = 0;
        for (index, token) in self.tokens.iter().enumerate() {
            match token.kind {
                Kind::Open => depth += 1,
                Kind::Close => depth = depth.saturating_sub(1),
                Kind::Identifier if depth == 0 && &self.text[token.range.clone()] == name => {
                    if seen == occurrence {
                        return Some(SelectorPlace {
                            name: token.range.clone(),
                            matchers: self.matchers_after(index + 1),
                        });
                    }
                    seen += 1;
                }
                _ => {}
            }
        }
        None
    }

    /// The matchers of the braces that start at token `index`, if any do.
    fn matchers_after(&self, index: usize) -> Vec<MatcherPlace> {
        let mut matchers = Vec::new();
        if self.tokens.get(index).map(|t| t.kind) != Some(Kind::Open) {
            return matchers;
        }
        let mut at = index + 1;
        while let Some(token) = self.tokens.get(at) {
            match token.kind {
                Kind::Close => break,
                Kind::Identifier | Kind::String
                    if self.tokens.get(at + 1).map(|t| t.kind) == Some(Kind::Matcher) =>
                {
                    let value = self
                        .tokens
                        .get(at + 2)
                        .filter(|t| t.kind == Kind::String)
                        .map(|t| t.range.clone());
                    let label = if token.kind == Kind::String {
                        token.range.start + 1..token.range.end.saturating_sub(1)
                    } else {
                        token.range.clone()
                    };
                    matchers.push(MatcherPlace { label, value });
                    at += 3;
                    continue;
                }
                _ => {}
            }
            at += 1;
        }
        matchers
    }
}

fn is_identifier_start(byte: u8) -> bool {
    byte.is_ascii_alphabetic() || matches!(byte, b'_' | b':')
}

fn is_identifier(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b':')
}

fn tokens(text: &str) -> Vec<Token> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let start = at;
        let kind = match bytes[at] {
            b if b.is_ascii_whitespace() => {
                at += 1;
                continue;
            }
            b'#' => {
                at = bytes[at..]
                    .iter()
                    .position(|b| *b == b'\n')
                    .map_or(bytes.len(), |n| at + n);
                continue;
            }
            quote @ (b'"' | b'\'' | b'`') => {
                at = string_end(bytes, at + 1, quote);
                Kind::String
            }
            b if is_identifier_start(b) => {
                at = end_of(bytes, at, is_identifier);
                Kind::Identifier
            }
            b if b.is_ascii_digit() || b == b'.' => {
                at = end_of(bytes, at, |b| b.is_ascii_alphanumeric() || b == b'.');
                Kind::Other
            }
            b'{' => {
                at += 1;
                Kind::Open
            }
            b'}' => {
                at += 1;
                Kind::Close
            }
            b'=' | b'!' => {
                let next = bytes.get(at + 1).copied();
                let (length, kind) = match (bytes[at], next) {
                    (b'=', Some(b'~')) | (b'!', Some(b'~' | b'=')) => (2, Kind::Matcher),
                    (b'=', Some(b'=')) => (2, Kind::Other),
                    (b'=', _) => (1, Kind::Matcher),
                    _ => (1, Kind::Other),
                };
                at += length;
                kind
            }
            _ => {
                at += text[at..].chars().next().map_or(1, char::len_utf8);
                Kind::Other
            }
        };
        tokens.push(Token {
            kind,
            range: start..at,
        });
    }
    tokens
}

fn end_of(bytes: &[u8], start: usize, keep: impl Fn(u8) -> bool) -> usize {
    bytes[start..]
        .iter()
        .position(|b| !keep(*b))
        .map_or(bytes.len(), |n| start + n)
}

/// The index just past the closing quote of a string whose content starts at `at`.
fn string_end(bytes: &[u8], mut at: usize, quote: u8) -> usize {
    while at < bytes.len() && bytes[at] != quote {
        at += if bytes[at] == b'\\' && quote != b'`' {
            2
        } else {
            1
        };
    }
    (at + 1).min(bytes.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(text: &str, name: &str, occurrence: usize) -> Option<(String, Vec<(String, String)>)> {
        let place = Places::new(text).selector(name, occurrence)?;
        let matchers = place
            .matchers
            .iter()
            .map(|m| {
                (
                    text[m.label.clone()].to_owned(),
                    m.value
                        .clone()
                        .map(|v| text[v].to_owned())
                        .unwrap_or_default(),
                )
            })
            .collect();
        Some((text[place.name.clone()].to_owned(), matchers))
    }

    #[test]
    fn finds_selectors_and_their_matchers() {
        let text =
            r#"sum(rate(x_total{code=~"5..", "path"!="/{a}"}[5m])) / sum(rate(x_total[5m]))"#;
        assert_eq!(
            show(text, "x_total", 0),
            Some((
                String::from("x_total"),
                vec![
                    (String::from("code"), String::from("\"5..\"")),
                    (String::from("path"), String::from("\"/{a}\"")),
                ]
            ))
        );
        assert_eq!(
            show(text, "x_total", 1),
            Some((String::from("x_total"), Vec::new()))
        );
        assert_eq!(show(text, "x_total", 2), None);
        // Names inside strings and label names inside braces are not selectors.
        assert_eq!(show(r#"y{x_total="x_total"}"#, "x_total", 0), None);
        assert_eq!(show("a # x_total\n", "x_total", 0), None);
        // `==` compares; it is no matcher.
        assert_eq!(
            show(r#"x == 1 and y{a="b"}"#, "y", 0).map(|(_, m)| m.len()),
            Some(1)
        );
    }
}
