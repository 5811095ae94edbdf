//! Shared by the import tests: where the peer corpora are, and importing + compiling.

use std::path::{Path, PathBuf};

use vigil::diagnostic::Diagnostics;
use vigil::import::{Format, Imported, SlothOptions};
use vigil::model::{Duration, Model};
use vigil::source::Sources;

/// `tests/corpus/` (override with `VIGIL_CORPUS`).
pub(crate) fn corpus() -> PathBuf {
    // The peers' corpora are vendored (Apache-2.0, their NOTICE and LICENSE files kept)
    // so that these tests run, never skip, on a fresh clone; VIGIL_CORPUS points elsewhere.
    let path = std::env::var_os("VIGIL_CORPUS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus"),
        PathBuf::from,
    );
    assert!(
        path.is_dir(),
        "the peer corpus is missing at {}",
        path.display()
    );
    path
}

pub(crate) enum Kind {
    Sloth { period: Option<&'static str> },
    OpenSlo,
    Pyrra,
}

/// Imports `paths` and returns the result with the sources its diagnostics point into.
pub(crate) fn import(paths: &[PathBuf], kind: &Kind, format: Format) -> (Imported, Sources) {
    let mut sources = Sources::default();
    let (files, load) = vigil::spec::load_import_inputs(paths, &mut sources);
    assert!(load.is_empty(), "cannot read {paths:?}");
    let imported = match kind {
        Kind::Sloth { period } => {
            let options = SlothOptions {
                period: period.map(|p| Duration::parse(p).expect("period")),
            };
            vigil::import::sloth(&sources, &files, &options, format)
        }
        Kind::OpenSlo => vigil::import::openslo(&sources, &files, format),
        Kind::Pyrra => vigil::import::pyrra(&sources, &files, format),
    };
    (imported, sources)
}

/// Compiles a spec text as the file `name` would be.
pub(crate) fn compile(name: &str, text: &str) -> (Option<Model>, Diagnostics, Sources) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("write spec");
    let mut sources = Sources::default();
    let (model, diagnostics) = vigil::app::compile(&[path], &mut sources);
    (model, diagnostics, sources)
}

pub(crate) fn render(diagnostics: &Diagnostics, sources: &Sources) -> String {
    vigil::report::human(
        diagnostics,
        sources,
        vigil::report::Style {
            color: false,
            width: 100,
        },
    )
}

/// Every sample promtool printed as `got` for a failed `promql_expr_test`, with the minute
/// of its evaluation: tests that expect nothing read what fires this way.
pub(crate) fn got_samples(text: &str) -> Vec<(u64, String)> {
    let mut samples = Vec::new();
    let mut minute = 0;
    for line in text.lines().map(str::trim) {
        if let Some(time) = line
            .strip_prefix("expr: ")
            .and_then(|l| l.rsplit("time: ").next())
        {
            let time = time.trim_end_matches(',');
            minute = Duration::parse(time).map_or(0, |d| d.as_secs() / 60);
        } else if let Some(got) = line.strip_prefix("got: ") {
            samples.extend(
                got.split("} ")
                    .filter(|s| s.contains('='))
                    .map(|s| (minute, s.to_owned())),
            );
        }
    }
    samples
}

/// A label's value in a sample as promtool prints it (`{a="b", c="d"}`).
pub(crate) fn sample_label(sample: &str, name: &str) -> Option<String> {
    let start = sample.find(&format!("{name}=\""))? + name.len() + 2;
    let end = sample[start..].find('"')? + start;
    Some(sample[start..end].to_owned())
}
