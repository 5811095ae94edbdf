//! Shared by every target: one in-memory file through load → check → emit.

use vigil::diagnostic::Diagnostics;
use vigil::source::Sources;
use vigil::spec::RawSpec;

/// Parses `bytes` as `name` (the extension picks KDL or YAML). With `emit`, checks and
/// runs every backend too. Panics (the finding) only if vigil does.
pub(crate) fn run(name: &str, bytes: &[u8], emit: bool) {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return; // the loader refuses invalid UTF-8 before parsing
    };
    let mut sources = Sources::default();
    let mut diagnostics = Diagnostics::default();
    let mut spec = RawSpec::default();
    if let Some(document) = vigil::spec::parse_text(name, text, &mut sources, &mut diagnostics) {
        spec.documents.push(document);
    }
    if !emit {
        return;
    }
    let (model, checked) = vigil::check::check(&spec);
    diagnostics.extend(checked);
    match model {
        Some(model) if !diagnostics.has_errors() => {
            vigil::emit::emit(&model, &vigil::emit::Options::default())
                .expect("embedded templates always render");
        }
        _ => assert!(diagnostics.has_errors(), "no model and no error"),
    }
    let _ = vigil::report::json(&diagnostics, &sources);
}
