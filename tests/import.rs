//! `vigil import`: snapshots of imported specs, and every file of the Sloth, OpenSLO and
//! Pyrra corpora either imports into a spec that compiles or yields coded diagnostics (the
//! outcome table is snapshotted, so a change in what imports is reviewed).

use crate::support;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use support::import::{Kind, compile, corpus, import, render};
use vigil::import::Format;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name)
}

/// Imports, compiles, and returns the spec text; panics on any error.
fn imports_and_compiles(paths: &[PathBuf], kind: &Kind, format: Format) -> String {
    let (imported, sources) = import(paths, kind, format);
    assert!(
        !imported.diagnostics.has_errors(),
        "{}",
        render(&imported.diagnostics, &sources)
    );
    let spec = imported.spec.expect("a spec");
    let name = match format {
        Format::Kdl => "imported.kdl",
        Format::Yaml => "imported.yaml",
    };
    let (model, diagnostics, sources) = compile(name, &spec);
    assert!(
        model.is_some(),
        "{}\n{spec}",
        render(&diagnostics, &sources)
    );
    spec
}

/// Relative names keep the origin comments in snapshots stable.
fn relative(path: PathBuf) -> PathBuf {
    path.strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .map(Path::to_path_buf)
        .unwrap_or(path)
}

#[test]
fn sloth_specs_import_as_idiomatic_kdl_and_yaml_that_compile_to_the_same_model() {
    for name in [
        "sloth/getting-started.yml",
        "sloth/k8s-multifile.yml",
        "sloth/raw-home-wifi.yml",
    ] {
        let path = relative(fixture(name));
        let kdl = imports_and_compiles(
            std::slice::from_ref(&path),
            &Kind::Sloth { period: None },
            Format::Kdl,
        );
        let yaml = imports_and_compiles(
            std::slice::from_ref(&path),
            &Kind::Sloth { period: None },
            Format::Yaml,
        );
        let (kdl_model, ..) = compile("imported.kdl", &kdl);
        let (yaml_model, ..) = compile("imported.yaml", &yaml);
        assert_eq!(kdl_model, yaml_model, "{name}: KDL and YAML imports differ");
        insta::assert_snapshot!(format!("{name}.kdl"), kdl);
        insta::assert_snapshot!(format!("{name}.yaml"), yaml);
    }
}

/// A description holding characters each syntax must escape (a bell, an escape, a line
/// separator, a bidi mark) and an alert with two annotations import into a KDL and a YAML
/// spec that vigil compiles, with the description as the source wrote it.
#[test]
fn awkward_strings_import_into_specs_that_compile() {
    let name = "sloth/control-characters.yml";
    let path = relative(fixture(name));
    let source = "Bell \u{7}, escape \u{1b}, tab \t, line separator \u{2028}, bidi mark \u{200e}, \"quotes\" and a backslash \\.";
    let mut models = Vec::new();
    for format in [Format::Kdl, Format::Yaml] {
        let spec = imports_and_compiles(
            std::slice::from_ref(&path),
            &Kind::Sloth { period: None },
            format,
        );
        let file = match format {
            Format::Kdl => "imported.kdl",
            Format::Yaml => "imported.yaml",
        };
        let model = compile(file, &spec).0.expect("a model");
        assert_eq!(model.slos[0].description.as_deref(), Some(source), "{spec}");
        models.push(model);
        insta::assert_snapshot!(format!("{name}.{}", &file[9..]), spec);
    }
    assert_eq!(models[0], models[1], "KDL and YAML imports differ");
}

#[test]
fn a_custom_window_catalog_sets_the_burn_windows() {
    let inputs = [
        relative(fixture("sloth/getting-started.yml")),
        relative(fixture("sloth/windows-7d.yaml")),
    ];
    let spec = imports_and_compiles(&inputs, &Kind::Sloth { period: Some("7d") }, Format::Kdl);
    insta::assert_snapshot!(spec);
}

/// Sloth reads an `openslo/v1alpha` SLO without `timeWindows` with its default period;
/// `vigil import openslo` has none to fall back on and says so.
#[test]
fn an_openslo_slo_without_a_window_takes_sloths_period() {
    let path = relative(fixture("sloth/openslo-no-window.yaml"));
    let spec = imports_and_compiles(
        std::slice::from_ref(&path),
        &Kind::Sloth {
            period: Some("28d"),
        },
        Format::Kdl,
    );
    assert!(spec.contains("window \"28d\""), "{spec}");
    let (refused, _) = import(&[path], &Kind::OpenSlo, Format::Kdl);
    assert!(refused.spec.is_none());
    assert!(
        refused
            .diagnostics
            .iter()
            .any(|d| d.message.contains("needs exactly one time window")),
        "{:?}",
        refused.diagnostics
    );
}

/// `metadata.labels` reach every rule of the SLO; the ones vigil cannot carry are
/// reported and kept as comments.
#[test]
fn openslo_labels_are_carried_over_or_reported() {
    let path = relative(fixture("openslo/labels.yaml"));
    let (imported, _) = import(std::slice::from_ref(&path), &Kind::OpenSlo, Format::Kdl);
    let dropped: Vec<&str> = imported
        .diagnostics
        .iter()
        .filter(|d| d.code == vigil::codes::Code::ImportDropped)
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        dropped,
        ["SLO `checkout-availability`: 3 labels not carried over"]
    );
    let spec = imports_and_compiles(&[path], &Kind::OpenSlo, Format::Kdl);
    insta::assert_snapshot!(spec);
}

#[test]
fn openslo_objects_import_with_references_and_alert_policies() {
    let spec = imports_and_compiles(
        &[relative(fixture("openslo/referenced.yaml"))],
        &Kind::OpenSlo,
        Format::Kdl,
    );
    insta::assert_snapshot!(spec);
}

/// The importer writes `vigil fmt`'s layout directly: formatting an imported spec leaves
/// it byte for byte.
#[test]
fn imported_specs_are_fixed_points_of_fmt() {
    let mut checked = 0;
    let kinds = [
        (
            "sloth",
            Kind::Sloth {
                period: Some("30d"),
            },
        ),
        ("pyrra", Kind::Pyrra),
        ("openslo", Kind::OpenSlo),
    ];
    for (folder, kind) in kinds {
        for path in files(&fixture(folder)) {
            let (imported, _) = import(&[relative(path.clone())], &kind, Format::Kdl);
            let Some(spec) = imported.spec else {
                continue;
            };
            let formatted = vigil::format::format_kdl(&spec);
            assert!(
                formatted.as_deref() == Some(spec.as_str()),
                "`vigil fmt` changes the import of {}:\n{formatted:?}",
                path.display()
            );
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} imported specs");
}

#[test]
fn import_is_deterministic_and_generation_is_too() {
    let path = relative(fixture("sloth/k8s-multifile.yml"));
    let once = imports_and_compiles(
        std::slice::from_ref(&path),
        &Kind::Sloth { period: None },
        Format::Kdl,
    );
    let twice = imports_and_compiles(&[path], &Kind::Sloth { period: None }, Format::Kdl);
    assert_eq!(once, twice);
    let emit = |text: &str| {
        let (model, ..) = compile("imported.kdl", text);
        vigil::emit::emit(&model.expect("model"), &vigil::emit::Options::default()).expect("emit")
    };
    assert_eq!(emit(&once), emit(&twice));
}

/// Every YAML/JSON file under `folder`, sorted.
fn files(folder: &Path) -> Vec<PathBuf> {
    let (files, _) = vigil::spec::spec_files(&[folder.to_path_buf()]);
    let mut all: Vec<PathBuf> = files
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e != "kdl"))
        .collect();
    let json = walk_json(folder);
    all.extend(json);
    all.sort();
    all
}

fn walk_json(folder: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(folder) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk_json(&path));
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
    out
}

/// One line per file: `imports (N SLOs)` after compiling, or the diagnostic codes.
fn outcome(root: &Path, path: &Path, kind: &Kind) -> (String, Vec<String>) {
    let (imported, sources) = import(&[path.to_path_buf()], kind, Format::Kdl);
    let mut codes: Vec<String> = imported
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.code.to_string())
        .collect();
    codes.dedup();
    let shown = path
        .strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string();
    if !codes.is_empty() {
        return (format!("{shown}: {}", codes.join(", ")), codes);
    }
    let Some(spec) = imported.spec else {
        return (
            format!("{shown}: no SLO"),
            vec![String::from("no SLO (only supporting objects)")],
        );
    };
    let (model, diagnostics, compiled) = compile("imported.kdl", &spec);
    assert!(
        model.is_some(),
        "{shown}: the imported spec does not compile\n{}\n{spec}",
        render(&diagnostics, &compiled)
    );
    let _ = sources;
    (
        format!("{shown}: imports ({} SLOs)", imported.slos),
        vec![String::from("imports")],
    )
}

fn table(root: &Path, folder: &str, kind: &Kind, skip: impl Fn(&Path) -> bool) -> String {
    let mut lines = String::new();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for path in files(&root.join(folder)).into_iter().filter(|p| !skip(p)) {
        let (line, codes) = outcome(root, &path, kind);
        let _ = writeln!(lines, "{line}");
        let first = codes.first().cloned().unwrap_or_default();
        *counts
            .entry(if first == "imports" {
                first
            } else {
                format!("diagnostic {}", codes.join(" + "))
            })
            .or_default() += 1;
    }
    let mut summary = String::new();
    for (outcome, count) in counts {
        let _ = writeln!(summary, "{count:>4}  {outcome}");
    }
    format!("{summary}\n{lines}")
}

#[test]
fn every_sloth_input_imports_and_compiles_or_names_its_plugin() {
    let root = corpus();
    // Golden outputs and Sloth's built-in catalogs are not inputs.
    let output = |p: &Path| {
        let text = p.to_string_lossy();
        text.contains("/_gen/") || text.contains("/out-") || text.contains("/internal/")
    };
    let report = table(&root, "sloth", &Kind::Sloth { period: None }, output);
    for line in report.lines().filter(|l| l.contains(": vigil::")) {
        assert!(
            line.contains("plugin") || line.contains("/bad") || line.contains("in-invalid-version"),
            "only plugin examples and inputs Sloth itself rejects may fail: {line}"
        );
    }
    insta::assert_snapshot!(report);
}

#[test]
fn every_openslo_file_imports_or_yields_a_coded_diagnostic() {
    let root = corpus();
    let report = table(&root, "openslo", &Kind::OpenSlo, |_| false);
    insta::assert_snapshot!(report);
}

#[test]
fn every_pyrra_example_imports_and_compiles_or_yields_a_coded_diagnostic() {
    let root = corpus();
    let report = table(&root, "pyrra", &Kind::Pyrra, |_| false);
    for line in report.lines().filter(|l| l.contains(": vigil::")) {
        assert!(
            line.contains("pyrra-connect-"),
            "only the examples grouped by `service` may fail: {line}"
        );
    }
    insta::assert_snapshot!(report);
}

#[test]
fn pyrra_indicators_import_as_kdl_and_yaml_that_compile_to_the_same_model() {
    let path = relative(fixture("pyrra/indicators.yaml"));
    let kdl = imports_and_compiles(std::slice::from_ref(&path), &Kind::Pyrra, Format::Kdl);
    let yaml = imports_and_compiles(std::slice::from_ref(&path), &Kind::Pyrra, Format::Yaml);
    let (kdl_model, ..) = compile("imported.kdl", &kdl);
    let (yaml_model, ..) = compile("imported.yaml", &yaml);
    assert_eq!(kdl_model, yaml_model, "KDL and YAML imports differ");
    insta::assert_snapshot!("pyrra__indicators.yaml.kdl", kdl);
    insta::assert_snapshot!("pyrra__indicators.yaml.yaml", yaml);
}
