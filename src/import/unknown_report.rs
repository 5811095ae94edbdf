//! Unknown keys as diagnostics: a warning each, an error where the key decides who is
//! paged, with the closest valid key.

use super::documents::Document;
use super::unknown_keys::UnknownKey;
use crate::codes::Code;
use crate::diagnostic::{Diagnostic, Diagnostics, did_you_mean};

/// Who reads a format and ignores keys it does not define: `Sloth`, `OpenSLO tools`.
pub(crate) struct Format {
    /// As in "not a Sloth key".
    pub(crate) name: &'static str,
    /// Who ignores the keys, with the verb: `Sloth ignores`.
    pub(crate) ignoring: &'static str,
}

/// One diagnostic per key the format does not define: an error where `alerting` says the
/// key decides who is paged, else a warning, each naming the closest valid key.
/// `expected` gives the keys valid below a parent path (`None`: any key is).
pub(crate) fn report(
    doc: &Document<'_>,
    unknown: &[UnknownKey],
    format: &Format,
    expected: impl Fn(&[&str]) -> Option<&'static [&'static str]>,
    alerting: impl Fn(&UnknownKey, &[&str]) -> bool,
    diagnostics: &mut Diagnostics,
) {
    for key in unknown {
        let parent: Vec<&str> = key.parent.iter().map(String::as_str).collect();
        let Some(valid) = expected(&parent) else {
            continue;
        };
        let alerting = alerting(key, &parent);
        let code = if alerting {
            Code::ImportUnknownAlertingKey
        } else {
            Code::ImportUnknownKey
        };
        let mut help = did_you_mean(&key.key, valid.iter().copied(), "key");
        if alerting {
            help.push_str(&format!(
                " ({} unknown keys, so the alert would page as if the key were not there)",
                format.ignoring
            ));
        }
        diagnostics.push(
            Diagnostic::new(
                code,
                doc.key_span(key),
                format!(
                    "`{}` is not a{} {} key in {}",
                    key.key,
                    article(format.name),
                    format.name,
                    key.place
                ),
            )
            .label("unknown key")
            .help(help),
        );
    }
}

/// `n` before a name read with a vowel sound (`an OpenSLO key`).
fn article(name: &str) -> &'static str {
    if name.starts_with(['A', 'E', 'I', 'O', 'U']) {
        "n"
    } else {
        ""
    }
}
