//! `vigil diff`: compile the base and the new version, compare, render.

use std::path::PathBuf;

use super::{Context, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, Outcome, compile, compile_texts, render};
use crate::cli::{DiffArguments, DiffFormat, MessageFormat};
use crate::diagnostic::Severity;
use crate::model::Model;
use crate::source::Sources;

/// One compiled version: its name in the report and its model, or the rendered reason
/// it has none.
pub(super) struct Version {
    /// `base` or `new version`.
    role: &'static str,
    pub(super) name: String,
    pub(super) model: Result<Model, Failed>,
}

/// Why a version has no model.
pub(super) enum Failed {
    /// It was read but has errors: the rendered report.
    Compile(String),
    /// It could not be read at all (a revision that does not exist): the reason.
    Unreadable(String),
}

pub(super) fn diff(arguments: &DiffArguments, context: &Context) -> Outcome {
    let paths = &arguments.inputs.paths;
    // The two versions compile independently; each compile is partly serial, so running
    // them side by side keeps both cores busy.
    let (head, base) = std::thread::scope(|scope| {
        let base = scope.spawn(|| {
            base_version(
                arguments.base.as_deref(),
                arguments.base_dir.as_ref(),
                paths,
                context,
            )
        });
        let head = version("new version", shown(paths), context, |sources| {
            compile(paths, sources)
        });
        let base = base
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (head, base)
    });
    let (Ok(base_model), Ok(head_model)) = (&base.model, &head.model) else {
        return failure(&[&base, &head], context);
    };
    let mut report = crate::diff::diff(base_model, head_model, &base.name, &head.name);
    if !arguments.slos.is_empty() {
        match super::select::slos(
            &arguments.slos,
            &[head_model, base_model],
            "in either version",
        ) {
            Ok(slos) => report.retain_slos(&slos),
            Err(message) => {
                return Outcome {
                    stderr: message,
                    code: EXIT_USAGE,
                    ..Outcome::default()
                };
            }
        }
    }
    let mut stdout = match arguments.format {
        DiffFormat::Markdown => crate::diff::markdown(&report),
        DiffFormat::Json => crate::diff::json(&report),
    };
    let mut stderr = String::new();
    if let Some(url) = &arguments.backtest {
        let base = (base_model, base.name.as_str());
        match backtest_section(
            url,
            &arguments.backtest_range,
            head_model,
            base,
            arguments,
            context,
        ) {
            Ok((markdown, warnings)) => {
                stdout.push('\n');
                stdout.push_str(&markdown);
                stderr = warnings;
            }
            Err(outcome) => return outcome,
        }
    }
    let code = if arguments.exit_code && !report.is_empty() {
        EXIT_FAILURE
    } else {
        EXIT_OK
    };
    Outcome {
        stdout,
        stderr,
        code,
    }
}

/// The backtest of the SLOs whose rules changed, as Markdown to follow the diff's.
fn backtest_section(
    url: &str,
    range: &str,
    head: &Model,
    base: (&Model, &str),
    arguments: &DiffArguments,
    context: &Context,
) -> Result<(String, String), Outcome> {
    let usage = |message: String| Outcome {
        stderr: format!("error: {message}\n"),
        code: EXIT_USAGE,
        ..Outcome::default()
    };
    if arguments.format != DiffFormat::Markdown {
        return Err(usage(String::from(
            "--backtest adds to the Markdown report; for JSON run `vigil backtest --base … --format json`",
        )));
    }
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(usage(format!(
            "`{url}` is not an http:// or https:// address"
        )));
    }
    let interval = crate::model::Duration::from_secs(60);
    let (from, to) = super::backtest::recent("--backtest-range", range).map_err(usage)?;
    let changed = super::backtest::changed(base.0, head, &head.slos.iter().collect::<Vec<_>>());
    let slos: Vec<&crate::model::Slo> = head
        .slos
        .iter()
        .zip(changed)
        .filter_map(|(slo, base)| base.map(|_| slo))
        .filter(|slo| {
            arguments.slos.is_empty()
                || arguments
                    .slos
                    .iter()
                    .any(|r| head.find_slos(r).iter().any(|s| s.path() == slo.path()))
        })
        .collect();
    if slos.is_empty() {
        return Ok((
            String::from("## Backtest\n\nNo SLO's rules change: nothing to replay.\n"),
            String::new(),
        ));
    }
    let api =
        crate::verify::client::HttpApi::new(url, Vec::new(), std::time::Duration::from_secs(10));
    let request = super::backtest::Request {
        model: head,
        base: Some(base),
        slos,
        api: &api,
        from: from.ceil(interval),
        to: to.floor(interval),
        interval,
    };
    let (report, _, silent) = request.run()?;
    let warnings = crate::backtest::no_data_warnings(&silent, url, None);
    let text = if warnings.is_empty() {
        String::new()
    } else {
        render(&warnings, &Sources::default(), context)
    };
    Ok((crate::backtest::report::markdown(&report), text))
}

/// The base version: `dir` on disk, or the spec `paths` at git `revision` (`HEAD` when
/// neither is given).
pub(super) fn base_version(
    revision: Option<&str>,
    dir: Option<&PathBuf>,
    paths: &[PathBuf],
    context: &Context,
) -> Version {
    if let Some(dir) = dir {
        return version("base", dir.display().to_string(), context, |sources| {
            compile(std::slice::from_ref(dir), sources)
        });
    }
    let revision = revision.unwrap_or("HEAD");
    let name = format!("{revision}:{}", shown(paths));
    match crate::revision::read(revision, paths) {
        Ok(files) => {
            let files: Vec<(String, String)> =
                files.into_iter().map(|f| (f.name, f.text)).collect();
            version("base", name, context, |sources| {
                compile_texts(&files, sources)
            })
        }
        Err(message) => Version {
            role: "base",
            name,
            model: Err(Failed::Unreadable(message)),
        },
    }
}

pub(super) fn shown(paths: &[PathBuf]) -> String {
    let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    names.join(" ")
}

pub(super) fn version(
    role: &'static str,
    name: String,
    context: &Context,
    run: impl FnOnce(&mut Sources) -> (Option<Model>, crate::diagnostic::Diagnostics),
) -> Version {
    let mut sources = Sources::default();
    let (model, diagnostics) = run(&mut sources);
    let warnings_fail = context.deny_warnings && diagnostics.count(Severity::Warning) > 0;
    let model = match model {
        Some(model) if !warnings_fail => Ok(model),
        _ => Err(Failed::Compile(render(&diagnostics, &sources, context))),
    };
    Version { role, name, model }
}

/// Every version that did not compile is named and the exit code is 1. Human reports
/// go to stderr; a machine report goes to stdout, one document only (the first failing
/// version's), so that stdout stays parseable.
pub(super) fn failure(versions: &[&Version], context: &Context) -> Outcome {
    let mut outcome = Outcome {
        code: EXIT_FAILURE,
        ..Outcome::default()
    };
    for version in versions {
        let (role, name) = (version.role, &version.name);
        match &version.model {
            Ok(_) => {}
            // Naming a revision that does not exist is a usage error, not a broken spec.
            Err(Failed::Unreadable(message)) => {
                outcome.stderr.push_str(&format!(
                    "error: {message}\nthe {role} (`{name}`) cannot be read; nothing to compare\n"
                ));
                outcome.code = EXIT_USAGE;
            }
            Err(Failed::Compile(report)) => {
                if context.format == MessageFormat::Human {
                    outcome.stderr.push_str(report);
                } else if outcome.stdout.is_empty() {
                    outcome.stdout.push_str(report);
                }
                outcome.stderr.push_str(&format!(
                    "the {role} (`{name}`) does not compile; nothing to compare\n"
                ));
            }
        }
    }
    outcome
}
