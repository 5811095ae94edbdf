//! The JSON diagnostics have a published, versioned schema; every error fixture's JSON
//! report validates against it, and the committed schema matches the code.

use crate::support::root;

use std::path::PathBuf;

use vigil::source::Sources;

#[test]
fn published_schema_is_current() {
    let path = root().join("schemas/diagnostics.schema.json");
    let expected = vigil::report::json_schema();
    if std::env::var_os("VIGIL_BLESS").is_some() {
        std::fs::create_dir_all(root().join("schemas")).expect("schemas folder");
        std::fs::write(&path, &expected).expect("write schema");
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "schemas/diagnostics.schema.json is stale: run `VIGIL_BLESS=1 cargo test --test it diagnostics_schema`"
    );
}

#[test]
fn every_json_report_validates() {
    let schema: serde_json::Value =
        serde_json::from_str(&vigil::report::json_schema()).expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    let mut entries: Vec<PathBuf> = std::fs::read_dir(root().join("tests/fixtures/err"))
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for path in entries {
        let relative = path
            .strip_prefix(root())
            .expect("inside the crate")
            .to_path_buf();
        let mut sources = Sources::default();
        let (_, diagnostics) = vigil::app::compile(&[relative], &mut sources);
        let report: serde_json::Value =
            serde_json::from_str(&vigil::report::json(&diagnostics, &sources)).expect("JSON");
        let errors: Vec<String> = validator
            .iter_errors(&report)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", path.display());
    }
}
