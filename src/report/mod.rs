//! Renders diagnostics at the edge: human (miette's graphical report), JSON, SARIF 2.1.0
//! and GitHub workflow commands.

mod github;
mod json;
mod sarif;

pub use github::github;
pub use json::{JSON_VERSION, json, json_schema};
pub use sarif::sarif;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};

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
