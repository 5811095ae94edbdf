//! `vigil fmt`: canonical KDL layout that keeps every comment. kdl-rs's own formatter
//! drops trailing line comments, so vigil normalises layout line by line instead:
//! four-space indentation by block depth, no trailing whitespace, at most one blank line
//! in a row, LF line endings and one final newline. The text of each line is kept, so the
//! result parses to the same document.

use kdl::KdlDocument;

/// The formatted text, or `None` when the text is not valid KDL.
pub fn format_kdl(text: &str) -> Option<String> {
    // vigil's parser first: kdl-rs's error recovery is slow on some invalid inputs.
    if !crate::spec::is_valid_kdl(text) {
        return None;
    }
    text.parse::<KdlDocument>().ok()?;
    let mut out = String::with_capacity(text.len());
    let mut depth: usize = 0;
    let mut in_multiline_string = false;
    let mut blank_run = 0;
    for raw in text.lines() {
        let line = raw.trim_end_matches([' ', '\t', '\r']);
        if in_multiline_string {
            out.push_str(line);
            out.push('\n');
            in_multiline_string = line.matches("\"\"\"").count() % 2 == 0;
            continue;
        }
        let content = line.trim_start();
        if content.is_empty() {
            blank_run += 1;
            if blank_run == 1 && !out.is_empty() {
                out.push('\n');
            }
            continue;
        }
        blank_run = 0;
        let (opens, closes_first, closes) = braces(content);
        let indent = depth.saturating_sub(closes_first);
        out.push_str(&"    ".repeat(indent));
        out.push_str(content);
        out.push('\n');
        depth = (depth + opens).saturating_sub(closes);
        in_multiline_string = content.matches("\"\"\"").count() % 2 == 1;
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    Some(out)
}

/// Counts `{` and `}` outside strings and comments; `closes_first` is how many `}` open
/// the line (they dedent the line itself).
fn braces(line: &str) -> (usize, usize, usize) {
    let bytes = line.as_bytes();
    let (mut opens, mut closes, mut closes_first) = (0, 0, 0);
    let mut leading = true;
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'"' => {
                index += 1;
                while index < bytes.len() && bytes[index] != b'"' {
                    index += if bytes[index] == b'\\' { 2 } else { 1 };
                }
                leading = false;
            }
            b'/' if bytes.get(index + 1) == Some(&b'/') => break,
            b'{' => {
                opens += 1;
                leading = false;
            }
            b'}' => {
                if leading {
                    closes_first += 1;
                }
                closes += 1;
            }
            b' ' | b'\t' | b';' => {}
            _ => leading = false,
        }
        index += 1;
    }
    (opens, closes_first, closes)
}

#[cfg(test)]
mod tests {
    use super::format_kdl;

    #[test]
    fn idempotent_and_keeps_comments() {
        let text = "// a comment\r\nslo   x service=a {\n\n\n\nobjective 99 // why\n  sli { availability metric=\"up{a=\\\"}\\\"}\" }\n        }\n\n";
        let once = format_kdl(text).expect("valid");
        assert_eq!(
            once,
            "// a comment\nslo   x service=a {\n\n    objective 99 // why\n    sli { availability metric=\"up{a=\\\"}\\\"}\" }\n}\n"
        );
        assert_eq!(format_kdl(&once).as_deref(), Some(once.as_str()));
    }

    #[test]
    fn refuses_invalid_kdl() {
        assert_eq!(format_kdl("slo {"), None);
    }
}
