//! Source files and byte spans into them; the bridge to miette's `SourceCode`.

use std::sync::Arc;

/// Index of a file in [`Sources`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub(crate) u32);

/// A byte range in one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub file: FileId,
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Self {
        Self {
            file,
            start,
            end: end.max(start),
        }
    }

    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
}

/// One loaded spec file.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as the user wrote it (or as found in a folder), with `/` separators.
    pub name: String,
    pub text: Arc<str>,
    /// Byte offsets where lines start, computed on first use so that placing thousands of
    /// diagnostics stays linear instead of rescanning the file for each.
    line_starts: std::sync::OnceLock<Vec<usize>>,
}

impl SourceFile {
    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let starts = self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        });
        let line = starts.partition_point(|start| *start <= offset);
        let line_start = starts[line - 1];
        let col = self.text[line_start..offset].chars().count() + 1;
        (line, col)
    }
}

impl SourceFile {
    /// The byte range of whole lines around `start..end`, with `context` more lines on
    /// each side, and the 0-based number of its first line: what a report excerpt needs,
    /// found from the line index instead of a scan of the file.
    pub fn lines_around(&self, start: usize, end: usize, context: usize) -> (usize, usize, usize) {
        let (first, _) = self.line_col(start);
        let (last, _) = self.line_col(end.max(start));
        let starts = self.line_starts.get().map_or(&[][..], Vec::as_slice);
        let first = first.saturating_sub(context).max(1);
        let after = last + context;
        let from = starts.get(first - 1).copied().unwrap_or(0);
        let to = starts.get(after).copied().unwrap_or(self.text.len());
        (from, to, first - 1)
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Every file of one compilation, addressed by [`FileId`].
#[derive(Debug, Clone, Default)]
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    pub fn add(&mut self, name: String, text: impl Into<Arc<str>>) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).expect("fewer than 4 billion files"));
        self.files.push(SourceFile {
            name,
            text: text.into(),
            line_starts: std::sync::OnceLock::new(),
        });
        id
    }

    /// Masks the text under `span` with `*` (quotes and line breaks kept, byte offsets
    /// unchanged), so that a secret the spec holds inline is never printed back in a
    /// diagnostic's source excerpt.
    pub fn redact(&mut self, span: Span) {
        let Some(file) = self.files.get_mut(span.file.0 as usize) else {
            return;
        };
        let mut bytes = file.text.as_bytes().to_vec();
        let end = span.end.min(bytes.len());
        let Some(secret) = bytes.get_mut(span.start..end) else {
            return;
        };
        let quoted = secret.len() >= 2
            && matches!(secret[0], b'"' | b'\'')
            && secret[secret.len() - 1] == secret[0];
        let inner = if quoted {
            let last = secret.len() - 1;
            &mut secret[1..last]
        } else {
            secret
        };
        for byte in inner.iter_mut().filter(|b| !matches!(b, b'\n' | b'\r')) {
            *byte = b'*';
        }
        // Only whole UTF-8 sequences were replaced (every byte of a masked character
        // became `*`), so the text stays valid.
        if let Ok(text) = String::from_utf8(bytes) {
            file.text = text.into();
        }
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(u32::try_from(i).unwrap_or(u32::MAX)), f))
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::Sources;

    #[test]
    fn redaction_masks_the_value_and_keeps_offsets() {
        let mut sources = Sources::default();
        let text = "slack api-url=\"https://hooks.slack.com/T/é\" x=1\n";
        let id = sources.add(String::from("a.kdl"), text);
        let start = text.find('"').expect("a quote");
        let end = text.rfind('"').expect("a quote") + 1;
        sources.redact(super::Span::new(id, start, end));
        let redacted = &sources.get(id).text;
        assert_eq!(redacted.len(), text.len());
        assert!(!redacted.contains("hooks"), "{redacted}");
        assert!(redacted.starts_with("slack api-url=\"****"), "{redacted}");
        assert!(redacted.ends_with("*\" x=1\n"), "{redacted}");
    }

    #[test]
    fn lines_and_columns() {
        let mut sources = Sources::default();
        let id = sources.add(String::from("a.kdl"), "ab\nçd\n\nx");
        let file = sources.get(id);
        let table = [
            (0, (1, 1)),
            (1, (1, 2)),
            (2, (1, 3)),
            (3, (2, 1)),
            (5, (2, 2)),
            (7, (3, 1)),
            (8, (4, 1)),
            (9, (4, 2)),
            (99, (4, 2)),
        ];
        for (offset, expected) in table {
            assert_eq!(file.line_col(offset), expected, "offset {offset}");
        }
    }
}
