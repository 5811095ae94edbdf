//! Which SLOs a command's `--slo` references name.

use crate::model::{Model, Slo};

/// The SLOs `references` name in any of `models` (an SLO one version removes or adds
/// counts), each once; the error is the whole message for stderr. `place` says where
/// an unknown name was looked for (`in the spec`).
pub(super) fn slos<'m>(
    references: &[String],
    models: &[&'m Model],
    place: &str,
) -> Result<Vec<&'m Slo>, String> {
    let mut slos: Vec<&Slo> = Vec::new();
    for reference in references {
        let mut found: Vec<&Slo> = Vec::new();
        for slo in models.iter().flat_map(|m| m.find_slos(reference)) {
            if !found.iter().any(|f| f.path() == slo.path()) {
                found.push(slo);
            }
        }
        match found.as_slice() {
            [] => {
                let known: Vec<String> =
                    models.iter().flat_map(|m| &m.slos).map(Slo::path).collect();
                let guess = crate::diagnostic::suggest(reference, known.iter().map(String::as_str));
                let help = guess.map_or_else(
                    || String::from("name an SLO as `service/slo`"),
                    |g| format!("did you mean `{g}`?"),
                );
                return Err(format!(
                    "error: no SLO `{reference}` {place}\n  help: {help}\n"
                ));
            }
            [slo] => {
                if !slos.iter().any(|s| s.path() == slo.path()) {
                    slos.push(slo);
                }
            }
            several => {
                let paths: Vec<String> = several
                    .iter()
                    .map(|slo| format!("`{}`", slo.path()))
                    .collect();
                return Err(format!(
                    "error: `{reference}` names SLOs of {} services: {}\n  help: name one as `service/slo`, e.g. `--slo {}`\n",
                    several.len(),
                    paths.join(", "),
                    several[0].path()
                ));
            }
        }
    }
    Ok(slos)
}
