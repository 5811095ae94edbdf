//! SARIF 2.1.0, for code-scanning dashboards: one run, one rule per diagnostic code that
//! occurs, one result per diagnostic.

use serde_json::{Value, json};

use super::json::location;
use crate::codes::Code;
use crate::diagnostic::{Diagnostics, Severity};
use crate::source::Sources;

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn rule(code: Code) -> Value {
    json!({
        "id": code.as_str(),
        "shortDescription": { "text": code.default_help() },
        "fullDescription": { "text": code.explanation() },
        "help": { "text": format!("{} Run `vigil explain {}` for details.", code.explanation(), code.as_str()) },
        "defaultConfiguration": { "level": level(code.severity()) },
    })
}

pub fn sarif(diagnostics: &Diagnostics, sources: &Sources) -> String {
    let mut codes: Vec<Code> = diagnostics.iter().map(|d| d.code).collect();
    codes.sort();
    codes.dedup();
    let results: Vec<Value> = diagnostics
        .iter()
        .map(|d| {
            let mut result = json!({
                "ruleId": d.code.as_str(),
                "ruleIndex": codes.iter().position(|c| *c == d.code).unwrap_or(0),
                "level": level(d.severity()),
                "message": { "text": format!("{} ({}). Help: {}", d.message, d.label, d.help) },
            });
            if let Some(span) = d.span {
                let place = location(sources, span, &d.label);
                result["locations"] = json!([{
                    "physicalLocation": {
                        "artifactLocation": { "uri": place.file },
                        "region": {
                            "startLine": place.line,
                            "startColumn": place.column,
                            "endLine": place.end_line,
                            "endColumn": place.end_column,
                        }
                    }
                }]);
            }
            result
        })
        .collect();
    let document = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "vigil",
                    "informationUri": "https://github.com/vigil-monitoring/vigil",
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "rules": codes.iter().map(|c| rule(*c)).collect::<Vec<_>>(),
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    super::document(&document)
}
