//! `vigil explain`: a diagnostic code's explanation, or an alert's rendered runbook.

use std::path::PathBuf;

use super::{EXIT_USAGE, Outcome, compile};
use crate::codes::Code;
use crate::diagnostic::Severity;
use crate::source::Sources;

pub(super) fn explain(code: &str, paths: &[PathBuf]) -> Outcome {
    if let Some(code) = Code::parse(code) {
        let severity = match code.severity() {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        return Outcome {
            stdout: format!(
                "{code} ({severity})\n\n{}\n\nFix: {}.\n",
                code.explanation(),
                code.default_help()
            ),
            ..Outcome::default()
        };
    }
    let runbook = runbook_of(code, paths);
    if let Ok(page) = runbook {
        return Outcome {
            stdout: page,
            ..Outcome::default()
        };
    }
    let alerts = runbook.err().unwrap_or_default();
    let known = Code::ALL
        .iter()
        .map(|c| c.as_str().to_owned())
        .chain(alerts)
        .collect::<Vec<_>>();
    let candidates = known.iter().map(String::as_str);
    let guess = crate::diagnostic::suggest(code, candidates.clone())
        .or_else(|| crate::diagnostic::suggest(&format!("vigil::{code}"), candidates));
    let help = guess.map_or_else(|| String::from("run `vigil explain` with a code from docs/errors.md or an alert from docs/alerts.md"), |g| format!("did you mean `{g}`?"));
    Outcome {
        stderr: format!(
            "error: `{code}` is neither a diagnostic code nor an alert of the spec\n  help: {help}\n"
        ),
        code: EXIT_USAGE,
        ..Outcome::default()
    }
}

/// The rendered runbook of `alert`, or the alert names the spec does have.
fn runbook_of(alert: &str, paths: &[PathBuf]) -> Result<String, Vec<String>> {
    let mut sources = Sources::default();
    let (model, _) = compile(paths, &mut sources);
    let model = model.ok_or_else(Vec::new)?;
    let artifacts =
        crate::emit::emit(&model, &crate::emit::Options::default()).map_err(|_| Vec::new())?;
    let wanted = crate::conventions::doc_runbook(alert);
    let prefix = crate::conventions::doc_runbook("");
    let prefix = prefix.trim_end_matches(".md");
    match artifacts.iter().find(|a| a.path == wanted) {
        Some(page) => Ok(page.contents.clone()),
        None => Err(artifacts
            .iter()
            .filter_map(|a| {
                a.path
                    .strip_prefix(prefix)?
                    .strip_suffix(".md")
                    .map(str::to_owned)
            })
            .collect()),
    }
}
