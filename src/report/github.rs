//! GitHub Actions workflow commands: each diagnostic becomes an annotation on the file
//! and line in the pull request (`::error file=…,line=…,col=…::message`).

use super::json::location;
use crate::diagnostic::{Diagnostics, Severity};
use crate::source::Sources;

/// Escapes a command's message (`%`, CR and LF).
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value, which also may not contain `:` or `,`.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

pub fn github(diagnostics: &Diagnostics, sources: &Sources) -> String {
    let mut out = String::new();
    for diagnostic in diagnostics {
        let command = match diagnostic.severity() {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut properties = vec![format!(
            "title={}",
            escape_property(diagnostic.code.as_str())
        )];
        if let Some(span) = diagnostic.span {
            let place = location(sources, span, "");
            properties.insert(0, format!("file={}", escape_property(place.file)));
            properties.insert(1, format!("line={}", place.line));
            properties.insert(2, format!("col={}", place.column));
            properties.insert(3, format!("endLine={}", place.end_line));
            properties.insert(4, format!("endColumn={}", place.end_column));
        }
        let message = format!(
            "{} ({}; help: {})",
            diagnostic.message, diagnostic.label, diagnostic.help
        );
        out.push_str(&format!(
            "::{command} {}::{}\n",
            properties.join(","),
            escape_data(&message)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn escaping() {
        assert_eq!(super::escape_data("50%\nnext"), "50%25%0Anext");
        assert_eq!(super::escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
