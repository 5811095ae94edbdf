//! KDL ≡ YAML: the flagship spec in `specs/` (KDL) and its translation in
//! `examples/erlmcp-yaml/` (YAML) must compile to the same model and the same output.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use vigil::model::Model;
use vigil::source::Sources;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Compiles one spec folder; any diagnostic (warnings included) fails the test.
fn compile(folder: &str) -> Model {
    let mut sources = Sources::default();
    let (model, diagnostics) = vigil::app::compile(&[root().join(folder)], &mut sources);
    let messages: Vec<String> = diagnostics
        .iter()
        .map(|d| format!("{d:?}"))
        .collect::<Vec<_>>();
    assert!(
        messages.is_empty(),
        "{folder} has diagnostics:\n{}",
        messages.join("\n")
    );
    model.unwrap_or_else(|| panic!("{folder} produced no model"))
}

#[test]
fn kdl_and_yaml_build_the_same_model() {
    let kdl = compile("specs");
    let yaml = compile("examples/erlmcp-yaml");
    // Field by field first, so a failure names the part that differs.
    assert_eq!(kdl.targets, yaml.targets, "targets differ");
    assert_eq!(kdl.settings, yaml.settings, "settings differ");
    assert_eq!(kdl.tiers, yaml.tiers, "tiers differ");
    assert_eq!(kdl.services, yaml.services, "services differ");
    assert_eq!(kdl.metrics, yaml.metrics, "metrics differ");
    assert_eq!(kdl.slos, yaml.slos, "SLOs differ");
    assert_eq!(kdl.alerts, yaml.alerts, "alerts differ");
    assert_eq!(kdl.anomalies, yaml.anomalies, "anomalies differ");
    assert_eq!(kdl.regressions, yaml.regressions, "regressions differ");
    assert_eq!(kdl.capacities, yaml.capacities, "capacities differ");
    assert_eq!(kdl.retention, yaml.retention, "retention differs");
    assert_eq!(kdl.receivers, yaml.receivers, "receivers differ");
    assert_eq!(kdl.routing, yaml.routing, "routing differs");
    assert_eq!(
        kdl.time_intervals, yaml.time_intervals,
        "time intervals differ"
    );
    assert_eq!(kdl, yaml);
}

#[test]
fn kdl_and_yaml_emit_the_same_artifacts() {
    let kdl = vigil::emit::emit(&compile("specs"));
    let yaml = vigil::emit::emit(&compile("examples/erlmcp-yaml"));
    let paths = |artifacts: &[vigil::emit::Artifact]| -> Vec<String> {
        artifacts.iter().map(|a| a.path.clone()).collect()
    };
    assert_eq!(paths(&kdl), paths(&yaml), "different sets of artifacts");
    for (k, y) in kdl.iter().zip(&yaml) {
        assert!(k.contents == y.contents, "{} differs", k.path);
    }
}

/// Every file under `dir`, by its path relative to `dir`.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).expect("readable output folder") {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                let relative = path.strip_prefix(base).expect("inside the output folder");
                let name = relative.to_string_lossy().replace('\\', "/");
                out.insert(name, std::fs::read(&path).expect("readable output file"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn generate(spec: &str, out: &Path) -> BTreeMap<String, Vec<u8>> {
    let output = Command::new(env!("CARGO_BIN_EXE_vigil"))
        .current_dir(root())
        .args(["--color", "never", "generate", spec, "--out"])
        .arg(out)
        .output()
        .expect("vigil runs");
    assert!(
        output.status.success(),
        "vigil generate {spec} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    files(out)
}

#[test]
fn kdl_and_yaml_generate_byte_identical_folders() {
    let temp = tempfile::tempdir().expect("temporary folder");
    let kdl = generate("specs", &temp.path().join("kdl"));
    let yaml = generate("examples/erlmcp-yaml", &temp.path().join("yaml"));
    assert!(
        !kdl.is_empty(),
        "generate wrote nothing (not even a manifest)"
    );
    let names = |tree: &BTreeMap<String, Vec<u8>>| tree.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(&kdl), names(&yaml), "different sets of files");
    for (name, contents) in &kdl {
        assert!(yaml[name] == *contents, "{name} differs");
    }
}
