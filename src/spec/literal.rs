//! From a place inside a string value back to the bytes the user wrote: a selector inside a
//! PromQL expression is reported where it stands in the file, across the escapes of KDL and
//! YAML string literals (`\"`, `\u{…}`, `''`, line continuations).

use crate::source::Span;

/// The span in the file of `decoded[range]`, where `decoded` is the string value whose
/// literal `span` covers in `text`. `None` when the literal cannot be followed (a multi-line
/// string whose indentation was removed, say): the caller then points at the whole value.
pub fn inner_span(
    text: &str,
    span: Span,
    decoded: &str,
    range: std::ops::Range<usize>,
) -> Option<Span> {
    let literal = text.get(span.start..span.end)?;
    let wanted = decoded.get(range.clone())?;
    let (content_start, escapes) = content(literal)?;
    let content = &literal[content_start..];
    // The common case: no escape before or inside the wanted part.
    if content.get(..range.end) == decoded.get(..range.end) {
        let start = span.start + content_start + range.start;
        return Some(Span::new(span.file, start, start + wanted.len()));
    }
    let offsets = follow(content, decoded, escapes)?;
    let start = *offsets.get(range.start)?;
    let end = *offsets.get(range.end)?;
    let base = span.start + content_start;
    Some(Span::new(span.file, base + start, base + end))
}

/// How a literal escapes characters.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Escapes {
    /// `"…"` in KDL or YAML: a backslash starts an escape.
    Backslash,
    /// `'…'` in YAML: `''` is one quote.
    DoubledQuote,
    /// Raw KDL strings and plain YAML scalars: what is written is what is meant.
    Verbatim,
}

/// Where the content starts inside the literal, and how it escapes.
fn content(literal: &str) -> Option<(usize, Escapes)> {
    if literal.starts_with("\"\"\"") {
        return None;
    }
    if literal.starts_with('"') {
        return Some((1, Escapes::Backslash));
    }
    if literal.starts_with('\'') {
        return Some((1, Escapes::DoubledQuote));
    }
    let hashes = literal.bytes().take_while(|b| *b == b'#').count();
    if hashes > 0 {
        let rest = &literal[hashes..];
        return (rest.starts_with('"') && !rest.starts_with("\"\"\""))
            .then_some((hashes + 1, Escapes::Verbatim));
    }
    Some((0, Escapes::Verbatim))
}

/// For each byte offset of `decoded` (and its end), the byte offset in `content` where it
/// was written; `None` when the two cannot be walked in step.
fn follow(content: &str, decoded: &str, escapes: Escapes) -> Option<Vec<usize>> {
    let source = content.as_bytes();
    let mut offsets = Vec::with_capacity(decoded.len() + 1);
    let mut at = 0;
    for character in decoded.chars() {
        at += skipped(&source[at.min(source.len())..], escapes);
        let written = written_length(&source[at.min(source.len())..], character, escapes)?;
        offsets.extend(std::iter::repeat_n(at, character.len_utf8()));
        at += written;
    }
    offsets.push(at);
    Some(offsets)
}

/// Bytes that stand for no character at all: a KDL line continuation (`\` then whitespace).
fn skipped(source: &[u8], escapes: Escapes) -> usize {
    if escapes != Escapes::Backslash || source.first() != Some(&b'\\') {
        return 0;
    }
    let blank = source[1..]
        .iter()
        .take_while(|b| b.is_ascii_whitespace())
        .count();
    if blank == 0 { 0 } else { 1 + blank }
}

/// How many bytes of `source` write `character`.
fn written_length(source: &[u8], character: char, escapes: Escapes) -> Option<usize> {
    let mut buffer = [0; 4];
    let plain = character.encode_utf8(&mut buffer).as_bytes();
    match (escapes, source.first()?) {
        (Escapes::Backslash, b'\\') => escape_length(source),
        (Escapes::DoubledQuote, b'\'') => (source.get(1) == Some(&b'\'')).then_some(2),
        _ => source.starts_with(plain).then_some(plain.len()),
    }
}

/// The length of the escape sequence at the start of `source` (which starts with `\`).
fn escape_length(source: &[u8]) -> Option<usize> {
    let hex_digits = |from: usize, count: usize| {
        source
            .get(from..from + count)
            .filter(|digits| digits.iter().all(u8::is_ascii_hexdigit))
            .map(|_| from + count)
    };
    match source.get(1)? {
        b'u' if source.get(2) == Some(&b'{') => source
            .iter()
            .position(|b| *b == b'}')
            .map(|close| close + 1),
        b'u' => hex_digits(2, 4),
        b'U' => hex_digits(2, 8),
        b'x' => hex_digits(2, 2),
        _ => Some(2),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    /// The text the inner span covers, for `decoded[range]` inside the literal at `start`.
    fn placed(text: &str, literal: &str, decoded: &str, wanted: &str) -> Option<String> {
        let start = text.find(literal).expect("the literal is in the text");
        let span = Span::new(FileId(0), start, start + literal.len());
        let at = decoded.find(wanted).expect("the part is in the value");
        let inner = inner_span(text, span, decoded, at..at + wanted.len())?;
        Some(text[inner.start..inner.end].to_owned())
    }

    #[test]
    fn places_across_escapes() {
        let cases = [
            // (file text, literal, decoded value, part, what the span must cover)
            (
                r#"x errors="http_requests_totl{cod=\"5..\"}""#,
                r#""http_requests_totl{cod=\"5..\"}""#,
                r#"http_requests_totl{cod="5.."}"#,
                "http_requests_totl",
                "http_requests_totl",
            ),
            (
                r#"x errors="a{code=\"5..\",cod=\"x\"}""#,
                r#""a{code=\"5..\",cod=\"x\"}""#,
                r#"a{code="5..",cod="x"}"#,
                "cod=",
                "cod=",
            ),
            (
                r#"x errors="a{c=\"\u{e9}\",cod=\"x\"}""#,
                r#""a{c=\"\u{e9}\",cod=\"x\"}""#,
                "a{c=\"\u{e9}\",cod=\"x\"}",
                "\"x\"",
                r#"\"x\""#,
            ),
            (
                r##"x errors=#"a{cod="x"}"#"##,
                r##"#"a{cod="x"}"#"##,
                r#"a{cod="x"}"#,
                "cod",
                "cod",
            ),
            (
                "errors: 'a{cod=''x''}'",
                "'a{cod=''x''}'",
                "a{cod='x'}",
                "'x'",
                "''x''",
            ),
            (
                "errors: a{cod=\"x\"}",
                "a{cod=\"x\"}",
                "a{cod=\"x\"}",
                "cod",
                "cod",
            ),
        ];
        for (text, literal, decoded, wanted, expected) in cases {
            assert_eq!(
                placed(text, literal, decoded, wanted).as_deref(),
                Some(expected),
                "{text}"
            );
        }
    }

    #[test]
    fn gives_up_where_the_literal_cannot_be_followed() {
        let text = "x \"\"\"\n    a{b=\"c\"}\n    \"\"\"";
        assert_eq!(placed(text, text, "a{b=\"c\"}", "b"), None);
        // A decoded value that does not match its literal is not guessed at.
        assert_eq!(placed("x \"abc\"", "\"abc\"", "xyz", "y"), None);
    }
}
