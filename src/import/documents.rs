//! The YAML documents of an imported file, deserialised with serde-saphyr into typed
//! structs; `Spanned` fields keep their position, mapped back to spans in the whole file.

use serde::de::DeserializeOwned;
use serde_saphyr::{Location, Spanned};

use super::unknown_keys::UnknownKey;
use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};

/// One YAML document of a file: its text and where it starts.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Document<'a> {
    pub(crate) file: FileId,
    pub(crate) offset: usize,
    pub(crate) text: &'a str,
}

impl Document<'_> {
    /// The span of a deserialised value (its first character).
    pub(crate) fn span(&self, location: &Location) -> Span {
        let start = location
            .span()
            .byte_offset()
            .and_then(|b| usize::try_from(b).ok())
            .map_or(self.offset, |b| self.offset + b);
        let end = self.text[start - self.offset..]
            .find('\n')
            .map_or(self.offset + self.text.len(), |n| start + n);
        Span::new(self.file, start, end)
    }

    pub(crate) fn span_of<T>(&self, value: &Spanned<T>) -> Span {
        self.span(&value.referenced)
    }

    /// The document's first line, for problems about the whole document.
    pub(crate) fn head(&self) -> Span {
        let skipped = self
            .text
            .lines()
            .take_while(|l| {
                let t = l.trim();
                t.is_empty() || t.starts_with('#') || t == "---"
            })
            .map(|l| l.len() + 1)
            .sum::<usize>()
            .min(self.text.len());
        let rest = &self.text[skipped..];
        let end = rest.find('\n').unwrap_or(rest.len());
        Span::new(
            self.file,
            self.offset + skipped,
            self.offset + skipped + end,
        )
    }

    /// A top-level sequence (`- apiVersion: …`) rather than one object.
    pub(crate) fn is_sequence(&self) -> bool {
        self.text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with('#') && *l != "---")
            .is_some_and(|l| l.starts_with('-') || l.starts_with('['))
    }

    /// Deserialises the document; a failure is a syntax diagnostic at its position.
    #[allow(
        clippy::result_large_err,
        reason = "one diagnostic per failed document, never on a hot path"
    )]
    pub(crate) fn parse<T: DeserializeOwned>(&self) -> Result<T, Diagnostic> {
        serde_saphyr::from_str::<T>(self.text).map_err(|error| self.failure(&error))
    }

    /// [`Document::parse`], also returning every key `T` has no field for.
    #[allow(
        clippy::result_large_err,
        reason = "one diagnostic per failed document, never on a hot path"
    )]
    pub(crate) fn parse_keys<T: DeserializeOwned>(
        &self,
    ) -> Result<(T, Vec<UnknownKey>), Diagnostic> {
        super::unknown_keys::parse::<T>(self.text).map_err(|error| self.failure(&error))
    }

    /// Where a key of the document is.
    pub(crate) fn key_span(&self, key: &UnknownKey) -> Span {
        key.range.map_or_else(
            || self.head(),
            |(start, end)| Span::new(self.file, self.offset + start, self.offset + end),
        )
    }

    fn failure(&self, error: &serde_saphyr::Error) -> Diagnostic {
        {
            let span = error
                .location()
                .map_or_else(|| self.head(), |l| self.span(&l));
            let message = error.to_string();
            let first = plain(message.lines().next().unwrap_or("invalid YAML"));
            // Valid YAML of the wrong shape breaks the format's own schema.
            if serde_saphyr::from_str::<serde_json::Value>(self.text).is_ok() {
                return Diagnostic::new(Code::ImportInvalid, span, first)
                    .label("not what the format allows here")
                    .help("the document does not follow its format's schema; fix it upstream");
            }
            Diagnostic::new(Code::Syntax, span, first)
                .label("cannot read this")
                .help("fix the YAML syntax at the marked position")
        }
    }
}

/// serde-saphyr's message without its `error: line L column C: ` prefix, which the
/// diagnostic's span already says.
fn plain(message: &str) -> String {
    let message = message.strip_prefix("error: ").unwrap_or(message);
    let located = message.starts_with("line ") && message.contains(" column ");
    match message.split_once(": ") {
        Some((_, rest)) if located => rest.to_owned(),
        _ => message.to_owned(),
    }
}

/// Splits a file at its `---` markers, dropping documents that hold only comments.
pub(crate) fn documents(file: FileId, text: &str) -> Vec<Document<'_>> {
    let mut starts = vec![0];
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let bare = line.trim_end();
        if offset > 0 && (bare == "---" || bare.starts_with("--- ")) {
            starts.push(offset);
        }
        offset += line.len();
    }
    starts.push(text.len());
    starts
        .windows(2)
        .map(|pair| Document {
            file,
            offset: pair[0],
            text: &text[pair[0]..pair[1]],
        })
        .filter(|doc| {
            doc.text
                .lines()
                .map(str::trim)
                .any(|l| !l.is_empty() && !l.starts_with('#') && l != "---" && l != "...")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::documents;
    use crate::source::FileId;

    #[test]
    fn splits_at_markers_and_skips_comment_only_documents() {
        let text = "# head\na: 1\n---\n# only a comment\n---\nb: 2\n";
        let docs = documents(FileId(0), text);
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[1].offset, text.find("---\nb").unwrap_or(0));
    }
}
