//! `generate` and `check`: compile, run every backend, then write or compare.

use std::path::PathBuf;

use super::{
    Compiled, Context, EXIT_FAILURE, EXIT_OK, Outcome, compile, compile_and_report,
    diagnostics_outcome, render,
};

use crate::cli::{Build, MessageFormat};
use crate::diagnostic::{Diagnostics, Severity};
use crate::emit::{Artifact, EmitError};
use crate::model::Model;
use crate::report::plural;
use crate::source::Sources;
use crate::write::WriteError;
use crate::write::cache::{self, InputDigest};

pub(super) fn generate(build: &Build, context: &Context) -> Outcome {
    let inputs = input_digest(build, context);
    if let Some(previous) = inputs
        .as_ref()
        .and_then(|inputs| cache::unchanged(&build.out, inputs))
    {
        return unchanged(build, context, previous);
    }
    let compiled = compile_and_report(&build.inputs, context);
    let Some(model) = &compiled.model else {
        let mut outcome = diagnostics_outcome(&compiled, context, EXIT_FAILURE);
        if context.format == MessageFormat::Human {
            outcome.stderr.push_str("nothing was written\n");
        }
        return outcome;
    };
    let options = match options(model, build) {
        Ok(options) => options,
        Err(message) => return failure(&compiled, context, &message),
    };
    // Template files are not in the digest.
    let cached = inputs
        .as_ref()
        .filter(|_| model.settings.templates.is_none())
        .map(|inputs| (inputs, compiled.report.as_str()));
    let written = emit_and_write(model, &options, &build.out, cached);
    let mut outcome = diagnostics_outcome(&compiled, context, EXIT_OK);
    match written {
        Ok(summary) => {
            if context.format == MessageFormat::Human {
                let out = build.out.display();
                let files = summary.created.len() + summary.updated.len() + summary.unchanged;
                outcome.stderr.push_str(&format!(
                    "{out}: {} ({} created, {} updated, {} removed, {} unchanged)\n",
                    plural(files, "file"),
                    summary.created.len(),
                    summary.updated.len(),
                    summary.removed.len(),
                    summary.unchanged,
                ));
            }
        }
        Err(WriteError::Emit(error)) => return failure(&compiled, context, &error.to_string()),
        Err(error) => {
            outcome.stderr.push_str(&format!("error: {error}\n"));
            outcome.code = EXIT_FAILURE;
        }
    }
    outcome
}

/// Runs the backends on their threads while this one writes what they produce: emission is
/// CPU-bound and writing mostly waits on the kernel, so on two cores they overlap, and the
/// bounded channel keeps only a few artefacts in memory at a time.
fn emit_and_write(
    model: &Model,
    options: &crate::emit::Options,
    out: &std::path::Path,
    cached: Option<(&InputDigest, &str)>,
) -> Result<crate::write::Summary, WriteError> {
    streamed(model, options, |artifacts| {
        crate::write::write_stream(out, artifacts, cached)
    })
}

/// Hands `consume` the artefacts as the backends make them, on another thread. The
/// stream ends with an error unless every backend finished: a backend that panics must
/// not leave the writer committing (and pruning to) half an output.
fn streamed<T>(
    model: &Model,
    options: &crate::emit::Options,
    consume: impl FnOnce(&mut dyn Iterator<Item = Result<Artifact, EmitError>>) -> T,
) -> T {
    let (sender, receiver) = std::sync::mpsc::sync_channel(BATCHES_IN_FLIGHT);
    std::thread::scope(move |scope| {
        scope.spawn(move || {
            let send = |artifacts| {
                // A closed channel means the consumer failed; its error is the one reported.
                let _ = sender.send(Message::Artifacts(artifacts));
            };
            let last = match crate::emit::stream(model, options, &send) {
                Ok(()) => Message::Finished,
                Err(error) => Message::Failed(error),
            };
            let _ = sender.send(last);
        });
        // Owned here, so a consumer that stops early drops it before the scope joins the
        // emitting thread, whose next send then fails instead of blocking for ever.
        let receiver = receiver;
        let mut ended = false;
        let mut pending = Vec::new().into_iter();
        let mut items = std::iter::from_fn(|| {
            loop {
                if let Some(artifact) = pending.next() {
                    return Some(Ok(artifact));
                }
                if ended {
                    return None;
                }
                ended = true;
                match receiver.recv() {
                    Ok(Message::Artifacts(batch)) => {
                        pending = batch.into_iter();
                        ended = false;
                    }
                    Ok(Message::Failed(error)) => return Some(Err(error)),
                    Ok(Message::Finished) => return None,
                    // The emitting thread is gone without a last word: it panicked.
                    Err(_) => return Some(Err(EmitError::Interrupted)),
                }
            }
        });
        consume(&mut items)
    })
}

/// What the emitting thread tells the consuming one.
enum Message {
    Artifacts(Vec<Artifact>),
    Failed(EmitError),
    Finished,
}

/// Batches (of [`crate::emit::BATCH`] artefacts) waiting for the writer: enough to keep
/// it busy while the backends render their next files.
const BATCHES_IN_FLIGHT: usize = 4;

pub(super) fn check(build: &Build, context: &Context) -> Outcome {
    // The output folder's listing needs nothing from the spec: it is taken on another core
    // while this one compiles.
    let out = build.out.clone();
    let survey = std::thread::spawn(move || crate::write::survey(&out));
    let mut sources = Sources::default();
    let (model, mut diagnostics) = compile(&build.inputs.paths, &mut sources);
    let warnings_fail = context.deny_warnings && diagnostics.count(Severity::Warning) > 0;
    let reported = |diagnostics: &Diagnostics, failed: bool| Compiled {
        model: None,
        report: render(diagnostics, &sources, context),
        failed,
    };
    let Some(model) = model.filter(|_| !warnings_fail) else {
        return diagnostics_outcome(&reported(&diagnostics, true), context, EXIT_FAILURE);
    };
    let options = match options(&model, build) {
        Ok(options) => options,
        Err(message) => return failure(&reported(&diagnostics, true), context, &message),
    };
    let compared = survey
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        .and_then(|survey| {
            streamed(&model, &options, |artifacts| {
                crate::write::check_stream(&build.out, survey, artifacts)
            })
        });
    let out = build.out.display();
    let staleness = match compared {
        Ok(staleness) => staleness,
        Err(WriteError::Emit(error)) => {
            return failure(&reported(&diagnostics, true), context, &error.to_string());
        }
        Err(error) => {
            let mut outcome =
                diagnostics_outcome(&reported(&diagnostics, true), context, EXIT_FAILURE);
            outcome.stderr.push_str(&format!("error: {error}\n"));
            return outcome;
        }
    };
    // Every file that differs is a diagnostic, so each message format carries it.
    diagnostics.extend(staleness.diagnostics(&build.out));
    let clean = staleness.is_clean();
    let code = if clean { EXIT_OK } else { EXIT_FAILURE };
    let mut outcome = diagnostics_outcome(&reported(&diagnostics, !clean), context, code);
    if context.format == MessageFormat::Human {
        outcome.stderr.push_str(&if clean {
            format!(
                "{out} is up to date ({})\n",
                plural(staleness.files, "file")
            )
        } else {
            format!(
                "{out} is out of date with the spec: run `vigil generate` and commit the result\n"
            )
        });
    }
    outcome
}

fn failure(compiled: &Compiled, context: &Context, message: &str) -> Outcome {
    let mut outcome = diagnostics_outcome(compiled, context, EXIT_FAILURE);
    outcome
        .stderr
        .push_str(&format!("error: {message}\nnothing was written\n"));
    outcome
}

/// Reads the template folder (the command line wins over the spec's setting).
fn options(model: &Model, build: &Build) -> Result<crate::emit::Options, String> {
    let folder = build
        .templates
        .clone()
        .or_else(|| model.settings.templates.as_ref().map(PathBuf::from));
    let mut templates = crate::emit::docs::Templates::default();
    if let Some(folder) = folder {
        if !folder.is_dir() {
            return Err(format!(
                "{}: the templates folder does not exist",
                folder.display()
            ));
        }
        for name in crate::emit::docs::Templates::names() {
            let path = folder.join(name);
            match std::fs::read_to_string(&path) {
                Ok(text) => {
                    templates.overrides.insert(name.to_owned(), text);
                }
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
                Err(error) => return Err(format!("{}: {error}", path.display())),
            }
        }
    }
    Ok(crate::emit::Options { templates })
}

/// The digest of what `generate`'s outputs and messages depend on, when the cache may
/// answer: no template folder on the command line, and every spec file readable.
fn input_digest(build: &Build, context: &Context) -> Option<InputDigest> {
    if build.templates.is_some() {
        return None;
    }
    let (paths, problems) = crate::spec::spec_files(&build.inputs.paths);
    if !problems.is_empty() {
        return None;
    }
    let files = paths
        .into_iter()
        .map(|path| {
            let bytes = crate::spec::read_bytes(&path).ok()?;
            Some((path.to_string_lossy().into_owned(), bytes))
        })
        .collect::<Option<Vec<_>>>()?;
    // Another vigil build may generate other files from the same spec.
    let executable = std::fs::read(std::env::current_exe().ok()?).ok()?;
    let identity = format!("{} {context:?}", blake3::hash(&executable));
    Some(InputDigest::new(identity.as_bytes(), &files))
}

/// What `generate` says when the cache shows the output folder already matches the spec:
/// the same as after a compile that changed nothing.
fn unchanged(build: &Build, context: &Context, previous: cache::Unchanged) -> Outcome {
    let count = previous.artifacts;
    let compiled = Compiled {
        model: None,
        report: previous.report,
        failed: false,
    };
    let mut outcome = diagnostics_outcome(&compiled, context, EXIT_OK);
    if context.format == MessageFormat::Human {
        outcome.stderr.push_str(&format!(
            "{}: {} (0 created, 0 updated, 0 removed, {count} unchanged)\n",
            build.out.display(),
            plural(count, "file"),
        ));
    }
    outcome
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::time::Duration;

    use super::streamed;

    /// A consumer that fails on its first artefact (an output path that is a file) must
    /// end the run; it once left the emitting thread blocked on a full channel for ever.
    #[test]
    fn a_consumer_that_stops_early_does_not_hang() {
        let flagship = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("specs");
        let (model, _) = crate::app::compile(&[flagship], &mut crate::source::Sources::default());
        let model = model.expect("the flagship compiles");
        let (done, finished) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let options = crate::emit::Options::default();
            let taken = streamed(&model, &options, |artifacts| artifacts.take(1).count());
            let _ = done.send(taken);
        });
        let taken = finished
            .recv_timeout(Duration::from_secs(120))
            .expect("streamed returns once its consumer stops");
        assert_eq!(taken, 1);
    }
}
