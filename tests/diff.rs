//! `vigil diff`: every folder in `tests/fixtures/diff/` holds a `base/` and a `head/`
//! version of a spec; the Markdown and the JSON report of each are snapshotted, the JSON
//! validates against the published schema, and the schema is current.

use crate::support::root;

use std::path::{Path, PathBuf};

use vigil::model::Model;
use vigil::source::Sources;

fn model(path: &Path) -> Model {
    let relative = path.strip_prefix(root()).unwrap_or(path).to_path_buf();
    let mut sources = Sources::default();
    let (model, diagnostics) = vigil::app::compile(&[relative], &mut sources);
    assert!(
        !diagnostics.has_errors(),
        "{}: {}",
        path.display(),
        vigil::report::json(&diagnostics, &sources)
    );
    model.expect("a model")
}

fn report(case: &Path) -> vigil::diff::Report {
    let base = model(&case.join("base"));
    let head = model(&case.join("head"));
    vigil::diff::diff(&base, &head, "base", "head")
}

#[test]
fn markdown() {
    insta::glob!("fixtures/diff/*", |case| {
        insta::assert_snapshot!(vigil::diff::markdown(&report(case)));
    });
}

#[test]
fn json() {
    insta::glob!("fixtures/diff/*", |case| {
        insta::assert_snapshot!(vigil::diff::json(&report(case)));
    });
}

#[test]
fn every_case_changes_something_and_nothing_changes_against_itself() {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(root().join("tests/fixtures/diff"))
        .expect("cases")
        .map(|e| e.expect("entry").path())
        .collect();
    cases.sort();
    assert!(cases.len() >= 7, "{cases:?}");
    for case in cases {
        assert!(!report(&case).is_empty(), "{}", case.display());
        let head = model(&case.join("head"));
        let same = vigil::diff::diff(&head, &head, "head", "head");
        assert!(same.is_empty(), "{}: {:?}", case.display(), same.changes);
    }
    let flagship = model(&root().join("specs"));
    assert!(vigil::diff::diff(&flagship, &flagship, "a", "b").is_empty());
}

#[test]
fn published_schema_is_current() {
    let path = root().join("schemas/diff.schema.json");
    let expected = vigil::diff::json_schema();
    if std::env::var_os("VIGIL_BLESS").is_some() {
        std::fs::write(&path, &expected).expect("write schema");
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "schemas/diff.schema.json is stale: run `VIGIL_BLESS=1 cargo test --test it diff::`"
    );
}

#[test]
fn every_json_report_validates_against_the_schema() {
    let schema: serde_json::Value =
        serde_json::from_str(&vigil::diff::json_schema()).expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    for entry in std::fs::read_dir(root().join("tests/fixtures/diff")).expect("cases") {
        let case = entry.expect("entry").path();
        let document: serde_json::Value =
            serde_json::from_str(&vigil::diff::json(&report(&case))).expect("JSON");
        let errors: Vec<String> = validator
            .iter_errors(&document)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", case.display());
    }
}
