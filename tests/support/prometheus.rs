//! Shared helpers of the Prometheus backend's integration tests (each test crate uses
//! some of them).

use std::path::{Path, PathBuf};
use std::process::Command;

use vigil::emit::Artifact;

/// Output folders the Prometheus backend writes.
pub(crate) const BACKEND_DIRS: &[&str] =
    &["prometheus/", "prometheus-operator/", "mimir/", "thanos/"];

/// Compiles a spec folder (relative to the crate) and returns the Prometheus backend's
/// artifacts sorted by path (the backend streams them in the order it makes them); panics
/// with the diagnostics when it does not compile.
pub(crate) fn compile(folder: &str) -> Vec<Artifact> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(folder);
    let mut sources = vigil::source::Sources::default();
    let (model, diagnostics) = vigil::app::compile(&[path], &mut sources);
    let model = model.unwrap_or_else(|| panic!("{folder} does not compile: {diagnostics:?}"));
    let mut artifacts = vigil::emit::prometheus::emit(&model);
    artifacts.sort_by(|a, b| a.path.cmp(&b.path));
    artifacts
}

pub(crate) fn write_artifacts(root: &Path, artifacts: &[Artifact]) {
    for artifact in artifacts {
        let path: PathBuf = root.join(&artifact.path);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("create folder");
        std::fs::write(&path, &artifact.contents).expect("write artifact");
    }
}

/// `promtool`, which CI installs: a missing binary is a failure, never a skip.
pub(crate) fn promtool() -> Command {
    let found = Command::new("promtool").arg("--version").output();
    assert!(
        found.is_ok_and(|o| o.status.success()),
        "promtool is not installed: install the `prometheus` package (these tests never skip)"
    );
    Command::new("promtool")
}
