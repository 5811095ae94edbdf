//! The machine-readable report: one JSON document with a stable, versioned shape
//! (`schemas/diagnostics.schema.json`).

use serde::Serialize;

use crate::diagnostic::{Diagnostics, Severity};
use crate::source::{Sources, Span};

/// The JSON form's schema version; bump it on any incompatible change.
pub const JSON_VERSION: u32 = 1;

#[derive(Serialize, schemars::JsonSchema)]
struct JsonReport<'a> {
    version: u32,
    errors: usize,
    warnings: usize,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

#[derive(Serialize, schemars::JsonSchema)]
struct JsonDiagnostic<'a> {
    code: &'static str,
    severity: Severity,
    message: &'a str,
    help: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<JsonLocation<'a>>,
    notes: Vec<JsonLocation<'a>>,
}

#[derive(Serialize, schemars::JsonSchema)]
pub(super) struct JsonLocation<'a> {
    pub(super) file: &'a str,
    pub(super) line: usize,
    pub(super) column: usize,
    pub(super) end_line: usize,
    pub(super) end_column: usize,
    pub(super) label: &'a str,
}

pub(super) fn location<'a>(sources: &'a Sources, span: Span, label: &'a str) -> JsonLocation<'a> {
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
    super::document(&report)
}

/// The JSON Schema of [`json`]'s output, published as `schemas/diagnostics.schema.json`.
pub fn json_schema() -> String {
    super::schema_of::<JsonReport<'static>>()
}
