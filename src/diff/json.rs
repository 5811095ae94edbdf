//! The machine-readable diff: one JSON document with a stable, versioned shape
//! (`schemas/diff.schema.json`).

use super::Report;

/// The JSON form's schema version; bump it on any incompatible change.
pub const DIFF_VERSION: u32 = 1;

/// The report as one pretty-printed JSON document.
pub fn json(report: &Report) -> String {
    crate::report::document(report)
}

/// The JSON Schema of [`json`]'s output, as published in `schemas/diff.schema.json`.
pub fn json_schema() -> String {
    crate::report::schema_of::<Report>()
}
