//! vigil's SARIF output validates against the official SARIF 2.1.0 JSON Schema
//! (`tests/schemas/sarif-schema-2.1.0.json`, draft-07; provenance in `tests/schemas/SARIF.md`)
//! for every error fixture, a spec with warnings only and a clean spec; and the validator
//! really checks (a broken log is refused).

use crate::support::root;

use std::path::{Path, PathBuf};

use vigil::source::Sources;

fn validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("tests/schemas/sarif-schema-2.1.0.json"))
        .expect("the vendored SARIF schema");
    let schema: serde_json::Value = serde_json::from_str(&text).expect("schema is JSON");
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .should_validate_formats(true)
        .build(&schema)
        .expect("a valid draft-07 schema")
}

fn sarif(path: &Path) -> serde_json::Value {
    let relative = path.strip_prefix(root()).unwrap_or(path).to_path_buf();
    let mut sources = Sources::default();
    let (_, diagnostics) = vigil::app::compile(&[relative], &mut sources);
    serde_json::from_str(&vigil::report::sarif(&diagnostics, &sources)).expect("SARIF is JSON")
}

fn errors(validator: &jsonschema::Validator, document: &serde_json::Value) -> Vec<String> {
    validator
        .iter_errors(document)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn every_sarif_report_validates_against_the_official_schema() {
    let validator = validator();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root().join("tests/fixtures/err"))
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .collect();
    paths.sort();
    paths.push(root().join("tests/cmd/warn.in"));
    paths.push(root().join("tests/fixtures/ok/minimal.kdl"));
    paths.push(root().join("specs"));
    let mut results = 0;
    for path in &paths {
        let document = sarif(path);
        results += document["runs"][0]["results"]
            .as_array()
            .map_or(0, Vec::len);
        let problems = errors(&validator, &document);
        assert!(problems.is_empty(), "{}: {problems:?}", path.display());
    }
    assert!(
        paths.len() > 20 && results > 20,
        "{} files, {results} results",
        paths.len()
    );
}

#[test]
fn the_validator_refuses_a_broken_log() {
    let validator = validator();
    let mut document = sarif(&root().join("tests/fixtures/err/three_errors.kdl"));
    assert!(errors(&validator, &document).is_empty());
    document["runs"][0]["results"][0]["level"] = serde_json::json!("fatal");
    assert!(
        !errors(&validator, &document).is_empty(),
        "an unknown level passed"
    );
    let mut document = sarif(&root().join("tests/fixtures/err/three_errors.kdl"));
    document["version"] = serde_json::json!("2.0.0");
    assert!(
        !errors(&validator, &document).is_empty(),
        "a wrong version passed"
    );
}
