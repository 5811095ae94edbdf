//! Renders diagnostics at the edge: human (miette's graphical report) or JSON.

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};
use serde::Serialize;

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
    source: Option<NamedSource<String>>,
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

fn named_source(sources: &Sources, span: Span) -> NamedSource<String> {
    let file = sources.get(span.file);
    NamedSource::new(&file.name, file.text.to_string())
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
                    source: Some(named_source(sources, note.span)),
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
        source: diagnostic.span.map(|span| named_source(sources, span)),
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

/// The JSON form's schema version; bump it on any incompatible change.
pub const JSON_VERSION: u32 = 1;

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    errors: usize,
    warnings: usize,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'static str,
    severity: Severity,
    message: &'a str,
    help: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<JsonLocation<'a>>,
    notes: Vec<JsonLocation<'a>>,
}

#[derive(Serialize)]
struct JsonLocation<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    label: &'a str,
}

fn location<'a>(sources: &'a Sources, span: Span, label: &'a str) -> JsonLocation<'a> {
    let file = sources.get(span.file);
    let (line, column) = file.line_col(span.start);
    let (end_line, end_column) = file.line_col(span.end);
    JsonLocation {
        file: &file.name,
        line,
        column,
        end_line,
        end_column,
        label,
    }
}

/// The machine-readable report (one JSON document).
pub fn json(diagnostics: &Diagnostics, sources: &Sources) -> String {
    let report = JsonReport {
        version: JSON_VERSION,
        errors: diagnostics.count(Severity::Error),
        warnings: diagnostics.count(Severity::Warning),
        diagnostics: diagnostics
            .iter()
            .map(|d| JsonDiagnostic {
                code: d.code.as_str(),
                severity: d.severity(),
                message: &d.message,
                help: &d.help,
                location: d.span.map(|span| location(sources, span, &d.label)),
                notes: d
                    .notes
                    .iter()
                    .map(|n| location(sources, n.span, &n.label))
                    .collect(),
            })
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&report).unwrap_or_default();
    text.push('\n');
    text
}
