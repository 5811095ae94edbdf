//! Renders diagnostics at the edge: human (miette's graphical report), JSON, SARIF 2.1.0
//! and GitHub workflow commands.

mod github;
mod json;
mod sarif;

pub use github::github;
pub use json::{JSON_VERSION, json, json_schema};
pub use sarif::sarif;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceSpan};

/// A machine-readable report as one pretty-printed JSON document ending in a newline.
pub(crate) fn document<T: serde::Serialize + ?Sized>(value: &T) -> String {
    crate::emit::json::pretty(value)
}

/// The published JSON Schema of a report type.
pub(crate) fn schema_of<T: schemars::JsonSchema>() -> String {
    document(&schemars::schema_for!(T))
}

use crate::diagnostic::{Diagnostic, Diagnostics, Severity};
use crate::source::{Sources, Span};

/// How the human report looks.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
    pub width: usize,
}

/// One diagnostic, shaped for miette: primary span, same-file notes as extra labels,
/// notes in other files as related reports.
#[derive(Debug)]
struct Shaped {
    message: String,
    code: &'static str,
    severity: miette::Severity,
    help: String,
    source: Option<Excerpt>,
    labels: Vec<LabeledSpan>,
    related: Vec<Shaped>,
}

impl std::fmt::Display for Shaped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Shaped {}

impl miette::Diagnostic for Shaped {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        (!self.code.is_empty()).then(|| Box::new(self.code) as Box<dyn std::fmt::Display>)
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        (!self.help.is_empty()).then(|| Box::new(&self.help) as Box<dyn std::fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        (!self.labels.is_empty())
            .then(|| Box::new(self.labels.iter().cloned()) as Box<dyn Iterator<Item = LabeledSpan>>)
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        (!self.related.is_empty()).then(|| {
            Box::new(self.related.iter().map(|r| r as &dyn miette::Diagnostic))
                as Box<dyn Iterator<Item = &'a dyn miette::Diagnostic>>
        })
    }
}

fn source_span(span: Span) -> SourceSpan {
    SourceSpan::new(span.start.into(), span.len())
}

/// Lines of context miette shows around a label; the excerpt keeps a margin beyond them.
const CONTEXT_LINES: usize = 3;

/// The lines of one file a report shows, with where they start in the file: miette finds
/// lines by scanning its source from the beginning, so handing it the whole file made each
/// report cost the file's size, and many reports on a large spec quadratic.
#[derive(Debug)]
struct Excerpt {
    name: String,
    text: String,
    /// Byte offset of `text` in the file.
    start: usize,
    /// 0-based line number of `text`'s first line.
    line: usize,
}

impl miette::SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let offset = span
            .offset()
            .checked_sub(self.start)
            .ok_or(miette::MietteError::OutOfBounds)?;
        let local = SourceSpan::new(offset.into(), span.len());
        let inner = self
            .text
            .read_span(&local, context_lines_before, context_lines_after)?;
        let covered = inner.span();
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            SourceSpan::new((covered.offset() + self.start).into(), covered.len()),
            inner.line() + self.line,
            inner.column(),
            inner.line_count(),
        )))
    }
}

/// The excerpt of `span`'s file that covers `spans` (all in that file).
fn excerpt(sources: &Sources, span: Span, spans: &[Span]) -> Excerpt {
    let file = sources.get(span.file);
    let low = spans.iter().map(|s| s.start).min().unwrap_or(span.start);
    let high = spans.iter().map(|s| s.end).max().unwrap_or(span.end);
    let (from, to, line) = file.lines_around(low, high, CONTEXT_LINES);
    Excerpt {
        name: file.name.clone(),
        text: file.text.get(from..to).unwrap_or_default().to_owned(),
        start: from,
        line,
    }
}

fn shape(diagnostic: &Diagnostic, sources: &Sources) -> Shaped {
    let severity = match diagnostic.severity() {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
    };
    let mut labels = Vec::new();
    let mut related = Vec::new();
    if let Some(span) = diagnostic.span {
        labels.push(LabeledSpan::new_primary_with_span(
            Some(diagnostic.label.clone()),
            source_span(span),
        ));
        for note in &diagnostic.notes {
            if note.span.file == span.file {
                labels.push(LabeledSpan::new_with_span(
                    Some(note.label.clone()),
                    source_span(note.span),
                ));
            } else {
                related.push(Shaped {
                    message: note.label.clone(),
                    code: "",
                    severity: miette::Severity::Advice,
                    help: String::new(),
                    source: Some(excerpt(sources, note.span, &[note.span])),
                    labels: vec![LabeledSpan::new_primary_with_span(
                        None,
                        source_span(note.span),
                    )],
                    related: Vec::new(),
                });
            }
        }
    }
    Shaped {
        message: diagnostic.message.clone(),
        code: diagnostic.code.as_str(),
        severity,
        help: diagnostic.help.clone(),
        source: diagnostic.span.map(|span| {
            let spans: Vec<Span> = std::iter::once(span)
                .chain(
                    diagnostic
                        .notes
                        .iter()
                        .map(|n| n.span)
                        .filter(|s| s.file == span.file),
                )
                .collect();
            excerpt(sources, span, &spans)
        }),
        labels,
        related,
    }
}

/// The human report: every diagnostic, then a count.
pub fn human(diagnostics: &Diagnostics, sources: &Sources, style: Style) -> String {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_links(false);
    let mut out = String::new();
    for diagnostic in diagnostics {
        let shaped = shape(diagnostic, sources);
        if handler.render_report(&mut out, &shaped).is_err() {
            out.push_str(&format!("{}: {}\n", diagnostic.code, diagnostic.message));
        }
    }
    let errors = diagnostics.count(Severity::Error);
    let warnings = diagnostics.count(Severity::Warning);
    if errors + warnings > 0 {
        out.push_str(&format!(
            "{}, {}\n",
            plural(errors, "error"),
            plural(warnings, "warning")
        ));
    }
    out
}

pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}
