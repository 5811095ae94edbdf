//! Fixture folders: `tests/fixtures/ok/*` must compile (their model is snapshotted) and
//! `tests/fixtures/err/*` must produce coded diagnostics (their rendering is snapshotted,
//! without colour at a fixed width so the snapshot shows <file:line:col>, the source line,
//! the label and the help). A fixture is a spec file or a folder of spec files.

use crate::support::canned;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use vigil::codes::Code;
use vigil::diagnostic::Diagnostics;
use vigil::report::{self, Style};
use vigil::source::Sources;

const STYLE: Style = Style {
    color: false,
    width: 100,
};

/// The fixture path relative to the crate, so rendered file names are stable.
fn relative(path: &Path) -> PathBuf {
    path.strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap_or(path)
        .to_path_buf()
}

fn compile(path: &Path) -> (Option<vigil::model::Model>, Diagnostics, Sources) {
    let mut sources = Sources::default();
    let (model, diagnostics) = vigil::app::compile(&[relative(path)], &mut sources);
    (model, diagnostics, sources)
}

/// Import error fixtures live in `fixtures/import-err/<sloth|openslo|pyrra>/`: the folder names
/// the importer.
fn import(path: &Path) -> (Diagnostics, Sources) {
    let mut sources = Sources::default();
    let (files, mut diagnostics) = vigil::spec::load_import_inputs(&[relative(path)], &mut sources);
    let format = vigil::import::Format::Kdl;
    let folder = path.to_string_lossy();
    let imported = if folder.contains("/sloth/") {
        vigil::import::sloth(
            &sources,
            &files,
            &vigil::import::SlothOptions::default(),
            format,
        )
    } else if folder.contains("/pyrra/") {
        vigil::import::pyrra(&sources, &files, format)
    } else {
        vigil::import::openslo(&sources, &files, format)
    };
    diagnostics.extend(imported.diagnostics);
    (diagnostics, sources)
}

#[test]
fn import_error_fixtures() {
    insta::glob!("fixtures/import-err/*/*", |path| {
        let (diagnostics, sources) = import(path);
        assert!(
            !diagnostics.is_empty(),
            "{} produced no diagnostic",
            path.display()
        );
        for diagnostic in &diagnostics {
            assert!(
                diagnostic.span.is_some(),
                "{}: {} has no span",
                path.display(),
                diagnostic.code
            );
        }
        insta::assert_snapshot!(report::human(&diagnostics, &sources, STYLE));
    });
}

#[test]
fn error_fixtures() {
    insta::glob!("fixtures/err/*", |path| {
        let (model, diagnostics, sources) = compile(path);
        assert!(
            !diagnostics.is_empty(),
            "{} produced no diagnostic",
            path.display()
        );
        for diagnostic in &diagnostics {
            assert!(
                diagnostic.span.is_some(),
                "{}: {} has no span",
                path.display(),
                diagnostic.code
            );
            assert!(
                !diagnostic.help.is_empty(),
                "{}: {} has no help",
                path.display(),
                diagnostic.code
            );
        }
        if diagnostics.has_errors() {
            assert!(
                model.is_none(),
                "a spec with errors must not produce a model"
            );
        }
        insta::assert_snapshot!(report::human(&diagnostics, &sources, STYLE));
    });
}

#[test]
fn ok_fixtures() {
    insta::glob!("fixtures/ok/*", |path| {
        let (model, diagnostics, sources) = compile(path);
        assert!(
            !diagnostics.has_errors(),
            "{}:\n{}",
            path.display(),
            report::human(&diagnostics, &sources, STYLE)
        );
        let model = model.expect("a model without errors");
        insta::assert_snapshot!(format!(
            "{}\n{model:#?}",
            report::human(&diagnostics, &sources, STYLE)
        ));
    });
}

#[test]
fn flagship_compiles_without_a_warning() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (model, diagnostics, sources) = compile(&root.join("specs"));
    // The CI recipes in docs/ci.md run `vigil validate --deny-warnings` on it.
    assert!(
        diagnostics.is_empty(),
        "{}",
        report::human(&diagnostics, &sources, STYLE)
    );
    let model = model.expect("the flagship compiles");
    assert_eq!(model.slos.len(), 10);
    assert!(model.routing.is_some());
}

#[test]
fn three_independent_errors_are_all_reported() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (_, diagnostics, _) = compile(&root.join("tests/fixtures/err/three_errors.kdl"));
    let codes: Vec<&str> = diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(
        codes,
        [
            "vigil::slo::objective",
            "vigil::promql::syntax",
            "vigil::names::undefined"
        ]
    );
}

/// One rendered example per code, from the first error fixture that produces it.
fn examples() -> BTreeMap<Code, String> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/err");
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&folder)
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import-err");
    let mut imports: Vec<PathBuf> = ["sloth", "openslo", "pyrra"]
        .iter()
        .flat_map(|kind| std::fs::read_dir(root.join(kind)).expect("import fixtures"))
        .map(|e| e.expect("entry").path())
        .collect();
    imports.sort();
    let compiled = entries.into_iter().map(|path| {
        let (_, diagnostics, sources) = compile(&path);
        (diagnostics, sources)
    });
    let imported = imports.into_iter().map(|path| import(&path));
    // `vigil verify`'s codes come from comparing with a server, here a canned one.
    let verified = std::iter::once_with(|| {
        let (spec, model, sources) = canned::load();
        let (prometheus, alertmanager) = canned::drifted(&model);
        let found = canned::verify(&spec, &model, &prometheus, &alertmanager);
        (found, sources)
    });
    // `vigil backtest`'s, from an SLO Prometheus had no data for.
    let backtested = std::iter::once_with(|| {
        let (spec, model, sources) = canned::load();
        let silent = [&model.slos[0]];
        let found =
            vigil::backtest::no_data_warnings(&silent, "http://prometheus:9090", Some(&spec));
        (found, sources)
    });
    let mut examples = BTreeMap::new();
    for (diagnostics, sources) in compiled.chain(imported).chain(verified).chain(backtested) {
        for diagnostic in &diagnostics {
            examples.entry(diagnostic.code).or_insert_with(|| {
                let mut one = Diagnostics::default();
                one.push(diagnostic.clone());
                let rendered = report::human(&one, &sources, STYLE);
                rendered
                    .lines()
                    .filter(|l| !l.ends_with("warnings") && !l.ends_with("warning"))
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
    }
    examples
}

#[test]
fn every_placed_code_has_an_error_fixture() {
    let examples = examples();
    let missing: Vec<&str> = Code::ALL
        .iter()
        .filter(|c| unplaced_example(**c).is_none() && !examples.contains_key(c))
        .map(|c| c.as_str())
        .collect();
    assert!(
        missing.is_empty(),
        "codes without an error fixture: {missing:?}"
    );
}

/// Codes that never point into a spec file, with the example `docs/errors.md` shows
/// (the output codes are exercised by the CLI tests).
fn unplaced_example(code: Code) -> Option<&'static str> {
    match code {
        Code::Io => Some("`vigil generate missing-folder/` reports the path that cannot be read."),
        Code::OutputStale => Some(
            "`vigil check` after a hand edit: `generated/docs/alerts.md differs from what the spec produces`.",
        ),
        Code::OutputMissing => Some(
            "`vigil check` after adding an SLO without generating: `generated/prometheus/rules/slo-latency.yaml is produced by the spec but missing`.",
        ),
        Code::OutputExtra => Some(
            "`vigil check` after removing an SLO without generating: `generated/prometheus/rules/slo-latency.yaml was generated earlier but the spec no longer produces it`.",
        ),
        Code::OutputUnowned => Some(
            "`vigil check` with a hand-added rule file: `generated/prometheus/rules/extra.yaml is in a folder vigil writes but vigil did not generate it`.",
        ),
        _ => None,
    }
}

fn errors_markdown() -> String {
    let examples = examples();
    let mut text = String::from(
        "# Diagnostics\n\nEvery problem vigil reports has a stable code. `vigil explain CODE` prints the explanation in the terminal.\nErrors stop generation (nothing is written); warnings do not, unless `--deny-warnings` is given.\nThis page is generated from `src/codes.rs` and the error fixtures in `tests/fixtures/err/` (`vigil verify`'s from `tests/fixtures/verify/` against canned server answers; run `VIGIL_BLESS=1 cargo test --test it fixtures::` to refresh it).\n\n",
    );
    for code in Code::ALL {
        let severity = match code.severity() {
            vigil::diagnostic::Severity::Error => "error",
            vigil::diagnostic::Severity::Warning => "warning",
        };
        text.push_str(&format!(
            "## `{code}`\n\n*{severity}*\n\n{}\n\n**Fix:** {}.\n\n",
            code.explanation(),
            code.default_help()
        ));
        match examples.get(code) {
            Some(example) => text.push_str(&format!("Example:\n\n```text\n{example}\n```\n\n")),
            None => text.push_str(&format!(
                "Example: {}\n\n",
                unplaced_example(*code).unwrap_or_default()
            )),
        }
    }
    text
}

#[test]
fn errors_doc_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/errors.md");
    let expected = errors_markdown();
    if std::env::var_os("VIGIL_BLESS").is_some() {
        std::fs::write(&path, &expected).expect("write docs/errors.md");
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/errors.md is stale: run `VIGIL_BLESS=1 cargo test --test it fixtures::`"
    );
}
