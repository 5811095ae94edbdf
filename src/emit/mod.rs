//! Stage 4: backends. Each is a pure function of the model; none touches the filesystem.
//! The set of backends is closed: add a variant and a match arm.

mod alertmanager;
pub mod docs;
mod grafana;
pub mod prometheus;
pub mod retention;
pub mod yaml;

use crate::model::Model;
pub(crate) use alertmanager::Router;

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

/// What the backends may be given besides the model (already read from disk by the
/// caller, so backends stay pure).
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub templates: docs::Templates,
}

/// Why emission failed: only user-supplied templates can make it fail.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmitError {
    #[error(transparent)]
    Template(#[from] docs::TemplateError),
}

/// The backends vigil has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Backend {
    Alertmanager,
    /// Markdown for humans.
    Docs,
    /// Dashboards and provisioning files.
    Grafana,
    /// SLO recording and alert rules in each rule dialect, and their promtool tests.
    Prometheus,
    /// Storage retention flags and limits.
    Retention,
}

impl Backend {
    pub const ALL: &'static [Backend] = &[
        Backend::Alertmanager,
        Backend::Docs,
        Backend::Grafana,
        Backend::Prometheus,
        Backend::Retention,
    ];

    fn emit(self, model: &Model, options: &Options) -> Result<Vec<Artifact>, EmitError> {
        match self {
            Backend::Alertmanager => Ok(alertmanager::emit(model)),
            Backend::Docs => Ok(docs::emit(model, &options.templates)?),
            Backend::Grafana => Ok(grafana::emit(model)),
            Backend::Prometheus => Ok(prometheus::emit(model)),
            Backend::Retention => Ok(retention::emit(model)),
        }
    }
}

/// Runs every backend; the result is sorted by path.
pub fn emit(model: &Model, options: &Options) -> Result<Vec<Artifact>, EmitError> {
    let mut artifacts = Vec::new();
    for backend in Backend::ALL {
        artifacts.extend(backend.emit(model, options)?);
    }
    artifacts.sort();
    Ok(artifacts)
}
