//! Writing a string so that KDL reads it back unchanged: the inverse of `strings.rs`,
//! built on the same character classes, for every writer of KDL text (the importer).

use std::borrow::Cow;
use std::fmt::Write as _;

use super::cursor::{is_disallowed, is_newline};

/// The KDL 2 literal for `text`: bare when it is a plain word, quoted otherwise.
pub(crate) fn string_literal(text: &str) -> Cow<'_, str> {
    if is_bare(text) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(quoted(text))
    }
}

/// Words written without quotes: narrower than KDL's identifiers (ASCII letters, digits,
/// `-` and `_`, starting with a letter), so a written spec reads the same to a person as
/// to the parser, and never a keyword that KDL 2 spells with `#`.
fn is_bare(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !matches!(text, "true" | "false" | "null" | "inf" | "nan")
}

/// A double-quoted string. Besides `"` and `\`, every character KDL does not take
/// literally inside quotes is escaped: control characters, newlines of every kind (a
/// quoted string is one line) and the code points KDL 2 forbids in a document (bidi
/// controls, the byte order mark).
fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || is_disallowed(c) || is_newline(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::string_literal;
    use crate::source::FileId;
    use crate::spec::kdl::cursor::Cursor;
    use crate::spec::tree::Scalar;

    /// Strings that are hard to write in KDL: quotes, escapes, every kind of newline,
    /// control and forbidden code points, keywords, number-like and punctuation-only
    /// words, and non-ASCII text.
    const AWKWARD: &[&str] = &[
        "",
        "plain",
        "with space",
        "say \"hi\"",
        "back\\slash",
        "\\\"",
        "line\nbreak",
        "crlf\r\n",
        "tab\there",
        "bell \u{7} nul \0 esc \u{1b} del \u{7f}",
        "\u{85} next line, \u{2028} line and \u{2029} paragraph separators",
        "vertical \u{b} and form \u{c} feeds",
        "bidi \u{200e}\u{200f}\u{202a}\u{202e}\u{2066}\u{2069}",
        "\u{feff}byte order mark",
        "true",
        "false",
        "null",
        "inf",
        "nan",
        "#true",
        "30d",
        "-1",
        "+.5",
        ".5",
        "1e3",
        "-",
        "/- slashdash",
        "// comment",
        "/* block */",
        "{}",
        "a=b",
        "(type)",
        ";",
        "r#\"raw\"#",
        "\"\"\"",
        "ünïcödé",
        "日本語",
        "emoji 🚨",
        "combining e\u{301}",
        "sum(rate(x{code=~\"5..\"}[{{ window }}]))",
    ];

    fn parsed(text: &str) -> Vec<crate::spec::tree::Node> {
        Cursor::new(FileId(0), text)
            .document()
            .unwrap_or_else(|fail| panic!("{text:?} does not parse: {fail:?}"))
    }

    #[test]
    fn every_awkward_string_reads_back_as_itself() {
        for &value in AWKWARD {
            let literal = string_literal(value);
            let text = format!("{literal} {literal} key={literal} {{\n    {literal}\n}}\n");
            let nodes = parsed(&text);
            let expected = Scalar::String(value.to_owned());
            let node = &nodes[0];
            assert_eq!(node.name, value, "name of {text:?}");
            assert_eq!(node.args[0].scalar, expected, "argument of {text:?}");
            assert_eq!(node.props[0].value.scalar, expected, "property of {text:?}");
            assert_eq!(node.children[0].name, value, "child of {text:?}");
        }
    }

    #[test]
    fn words_stay_bare_and_the_rest_is_quoted() {
        assert_eq!(string_literal("http-5xx_total"), "http-5xx_total");
        assert_eq!(string_literal("30d"), "\"30d\"");
        assert_eq!(string_literal("null"), "\"null\"");
        assert_eq!(string_literal("a\u{7}"), "\"a\\u{7}\"");
        assert_eq!(string_literal("a\u{2028}"), "\"a\\u{2028}\"");
    }
}
