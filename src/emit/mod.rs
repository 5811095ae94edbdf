//! Stage 4: backends. Each is a pure function of the model; none touches the filesystem.
//! The set of backends is closed: add a variant and a match arm.

/// Serializer methods for the shapes a writer of our own refuses (the JSON and YAML
/// writers): each returns the `Unsupported` error in scope, and the document is written
/// by the reference serializer instead.
macro_rules! unsupported {
    ($($method:ident($($argument:ty),*) -> $result:ty;)*) => {$(
        fn $method(self, $(_: $argument),*) -> Result<$result, Unsupported> {
            Err(Unsupported)
        }
    )*};
}

mod alertmanager;
pub mod docs;
pub(crate) mod grafana;
pub(crate) mod json;
pub mod prometheus;
pub mod retention;
pub mod yaml;

use crate::model::Model;
pub(crate) use alertmanager::Router;

/// One output file, by its path relative to the output folder (`/`-separated).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
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

/// Why emission failed: only user-supplied templates can make it fail, short of a bug.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmitError {
    #[error(transparent)]
    Template(#[from] docs::TemplateError),
    /// The backends stopped before handing over all their files (one panicked): whatever
    /// was received must not be written.
    #[error("a backend stopped before it finished; nothing was written")]
    Interrupted,
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

    pub fn name(self) -> &'static str {
        match self {
            Backend::Alertmanager => "alertmanager",
            Backend::Docs => "docs",
            Backend::Grafana => "grafana",
            Backend::Prometheus => "prometheus",
            Backend::Retention => "retention",
        }
    }

    /// One backend's artefacts, each handed to `sink` as soon as it is made.
    pub fn emit_into(
        self,
        model: &Model,
        options: &Options,
        sink: &mut dyn FnMut(Artifact),
    ) -> Result<(), EmitError> {
        match self {
            Backend::Alertmanager => alertmanager::emit(model).into_iter().for_each(sink),
            Backend::Docs => docs::emit(model, &options.templates, sink)?,
            Backend::Grafana => grafana::emit(model, sink),
            Backend::Prometheus => prometheus::emit_into(model, sink),
            Backend::Retention => retention::emit(model).into_iter().for_each(sink),
        }
        Ok(())
    }

    /// One backend's artefacts, in no particular order.
    pub fn emit(self, model: &Model, options: &Options) -> Result<Vec<Artifact>, EmitError> {
        let mut artifacts = Vec::new();
        self.emit_into(model, options, &mut |artifact| artifacts.push(artifact))?;
        Ok(artifacts)
    }
}

/// Runs every backend, each on its own thread (they share nothing but the model, and a
/// large spec's emission is CPU-bound); the result is sorted by path.
pub fn emit(model: &Model, options: &Options) -> Result<Vec<Artifact>, EmitError> {
    let outputs = crate::parallel::map(Backend::ALL, |backend| backend.emit(model, options));
    let mut artifacts = Vec::new();
    for output in outputs {
        artifacts.extend(output?);
    }
    // Paths are unique across backends; the stable sort keeps even a duplicate's order fixed.
    artifacts.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(artifacts)
}

/// Runs every backend on its own thread and hands its artefacts to `sink` a batch at a
/// time as they are made, in no particular order: the caller can write a large spec's
/// output without ever holding all of it.
pub fn stream(
    model: &Model,
    options: &Options,
    sink: &(dyn Fn(Vec<Artifact>) + Sync),
) -> Result<(), EmitError> {
    crate::parallel::map(&jobs(model), |job| emit_batched(*job, model, options, sink))
        .into_iter()
        .collect()
}

/// What [`stream`] runs on threads of its own.
#[derive(Debug, Clone, Copy)]
enum Job {
    Backend(Backend),
    Prometheus(prometheus::Part),
}

/// Every backend, the Prometheus one in parts when its SLO files stand alone: it is the
/// largest share of a large run, and on one thread it would set the run's length.
fn jobs(model: &Model) -> Vec<Job> {
    let mut jobs = Vec::new();
    for backend in Backend::ALL {
        if *backend == Backend::Prometheus && prometheus::per_slo_only(model) {
            use prometheus::Part;
            jobs.extend((0..PROMETHEUS_PARTS).map(|index| {
                Job::Prometheus(Part::Slos {
                    index,
                    of: PROMETHEUS_PARTS,
                })
            }));
            jobs.push(Job::Prometheus(Part::Rest));
        } else {
            jobs.push(Job::Backend(*backend));
        }
    }
    jobs
}

/// Parts the Prometheus backend's SLO files are made in: two keep both cores of a small
/// machine busy until the end.
const PROMETHEUS_PARTS: usize = 2;

/// Artefacts handed over together: one hand-off per artefact woke the receiving thread
/// tens of thousands of times (a tenth of a large run's time went to those wake-ups).
pub(crate) const BATCH: usize = 32;

fn emit_batched(
    job: Job,
    model: &Model,
    options: &Options,
    sink: &(dyn Fn(Vec<Artifact>) + Sync),
) -> Result<(), EmitError> {
    let mut batch = Vec::with_capacity(BATCH);
    let mut hand_over = |artifact| {
        batch.push(artifact);
        if batch.len() == BATCH {
            sink(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)));
        }
    };
    match job {
        Job::Backend(backend) => backend.emit_into(model, options, &mut hand_over)?,
        Job::Prometheus(part) => prometheus::emit_part(model, part, &mut hand_over),
    }
    if !batch.is_empty() {
        sink(batch);
    }
    Ok(())
}
