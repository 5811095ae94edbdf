//! Stage 4: backends. Each is a pure function `&Model → Vec<Artifact>`; none touches the
//! filesystem. The set of backends is closed: add a variant and a match arm.

pub mod prometheus;
pub mod yaml;

use crate::model::Model;

/// One output file, by its path relative to the output folder (`/`-separated).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Artifact {
    pub path: String,
    pub contents: String,
}

impl Artifact {
    pub fn new(path: impl Into<String>, contents: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            contents: contents.into(),
        }
    }
}

/// The backends vigil has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Backend {
    /// SLO recording and alert rules in each rule dialect, and their promtool tests.
    Prometheus,
}

impl Backend {
    pub const ALL: &'static [Backend] = &[Backend::Prometheus];

    fn emit(self, model: &Model) -> Vec<Artifact> {
        match self {
            Backend::Prometheus => prometheus::emit(model),
        }
    }
}

/// Runs every backend; the result is sorted by path.
pub fn emit(model: &Model) -> Vec<Artifact> {
    let mut artifacts: Vec<Artifact> = Backend::ALL.iter().flat_map(|b| b.emit(model)).collect();
    artifacts.sort();
    artifacts
}
