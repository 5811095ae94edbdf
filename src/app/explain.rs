//! `vigil explain`: a diagnostic code's explanation, an alert's rendered runbook, or an
//! SLO's catalog entry (`service/slo`, or a bare name one service has).

use std::path::PathBuf;

use super::{EXIT_USAGE, Outcome, compile};
use crate::codes::Code;
use crate::diagnostic::Severity;
use crate::emit::Artifact;
use crate::model::Slo;
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
    let mut sources = Sources::default();
    let (model, _) = compile(paths, &mut sources);
    let artifacts = model
        .as_ref()
        .and_then(|model| crate::emit::emit(model, &crate::emit::Options::default()).ok());
    let (Some(model), Some(artifacts)) = (model, artifacts) else {
        return unknown(code, Vec::new());
    };
    match model.find_slos(code).as_slice() {
        [] => {}
        [slo] => {
            return Outcome {
                stdout: slo_entry(slo, &artifacts),
                ..Outcome::default()
            };
        }
        several => {
            let paths: Vec<String> = several
                .iter()
                .map(|slo| format!("`{}`", slo.path()))
                .collect();
            return Outcome {
                stderr: format!(
                    "error: `{code}` names SLOs of {} services: {}\n  help: name one as `service/slo`, e.g. `vigil explain {}`\n",
                    several.len(),
                    paths.join(", "),
                    several[0].path()
                ),
                code: EXIT_USAGE,
                ..Outcome::default()
            };
        }
    }
    match runbook_of(code, &artifacts) {
        Ok(page) => Outcome {
            stdout: page,
            ..Outcome::default()
        },
        Err(alerts) => unknown(code, alerts),
    }
}

fn unknown(code: &str, alerts: Vec<String>) -> Outcome {
    let known = Code::ALL
        .iter()
        .map(|c| c.as_str().to_owned())
        .chain(alerts)
        .collect::<Vec<_>>();
    let candidates = known.iter().map(String::as_str);
    let guess = crate::diagnostic::suggest(code, candidates.clone())
        .or_else(|| crate::diagnostic::suggest(&format!("vigil::{code}"), candidates));
    let help = guess.map_or_else(|| String::from("run `vigil explain` with a code from docs/errors.md, an alert from docs/alerts.md or an SLO as `service/slo`"), |g| format!("did you mean `{g}`?"));
    Outcome {
        stderr: format!(
            "error: `{code}` is neither a diagnostic code nor an alert or SLO of the spec\n  help: {help}\n"
        ),
        code: EXIT_USAGE,
        ..Outcome::default()
    }
}

/// An SLO's entry in the SLO catalog, and the command that shows each of its runbooks.
fn slo_entry(slo: &Slo, artifacts: &[Artifact]) -> String {
    let heading = format!(
        "## {}",
        crate::conventions::slo_heading(slo.service.as_str(), slo.name.as_str())
    );
    let catalog = artifacts
        .iter()
        .find(|a| a.path == crate::conventions::DOC_SLOS)
        .map_or("", |a| a.contents.as_str());
    let entry = catalog
        .split_once(&format!("\n{heading}\n"))
        .map_or("", |(_, rest)| {
            rest.split_once("\n## ").map_or(rest, |(entry, _)| entry)
        });
    let mut out = format!("# {}\n{}", slo.path(), entry.trim_end());
    out.push_str("\n\nRunbooks:\n");
    for alert in slo.alerting.names.all() {
        if artifacts
            .iter()
            .any(|a| a.path == crate::conventions::doc_runbook(alert.as_str()))
        {
            out.push_str(&format!("  vigil explain {alert}\n"));
        }
    }
    out
}

/// The rendered runbook of `alert`, or the alert names the spec does have.
fn runbook_of(alert: &str, artifacts: &[Artifact]) -> Result<String, Vec<String>> {
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
