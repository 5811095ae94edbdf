//! The pipeline on one in-memory file, and the soundness every outcome must have:
//! shared by the hostile-input tests and the smoke fuzzer.

use vigil::diagnostic::Diagnostics;
use vigil::model::Model;
use vigil::report::{self, Style};
use vigil::source::Sources;
use vigil::spec::RawSpec;

/// Parses and checks `text` as the file `name`: the model when there is no error, and
/// every diagnostic.
pub(crate) fn compile_text(name: &str, text: &str) -> (Option<Model>, Diagnostics, Sources) {
    let mut sources = Sources::default();
    let mut diagnostics = Diagnostics::default();
    let mut spec = RawSpec::default();
    if let Some(document) = vigil::spec::parse_text(name, text, &mut sources, &mut diagnostics) {
        spec.documents.push(document);
    }
    let (model, checked) = vigil::check::check(&spec);
    diagnostics.extend(checked);
    let model = model.filter(|_| !diagnostics.has_errors());
    (model, diagnostics, sources)
}

/// Every span lies inside its file, and both renderers survive whatever the spans
/// point at.
pub(crate) fn assert_diagnostics_sound(name: &str, diagnostics: &Diagnostics, sources: &Sources) {
    for diagnostic in diagnostics {
        if let Some(span) = diagnostic.span {
            let file = sources.get(span.file);
            assert!(
                span.end <= file.text.len(),
                "{name}: span past the end for {}",
                diagnostic.code
            );
        }
    }
    let style = Style {
        color: false,
        width: 100,
    };
    let _ = report::human(diagnostics, sources, style);
    let _ = report::json(diagnostics, sources);
}
