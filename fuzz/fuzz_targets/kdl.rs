#![no_main]
//! KDL parsing into the raw tree, differential: on inputs under 512 bytes (kdl-rs's error
//! recovery is slow on some longer invalid ones) vigil's parser must accept exactly what
//! kdl-rs accepts and give the same tree and spans.

mod common;
#[path = "../../tests/kdl_oracle/mod.rs"]
mod kdl_oracle;

use vigil::diagnostic::Diagnostics;
use vigil::source::Sources;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    common::run("fuzz.kdl", data, false);
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if text.len() >= 512 {
        return;
    }
    let mut sources = Sources::default();
    let mut diagnostics = Diagnostics::default();
    let ours = vigil::spec::parse_text("fuzz.kdl", text, &mut sources, &mut diagnostics);
    let Some((file, _)) = sources.iter().next() else {
        return;
    };
    let theirs = kdl_oracle::oracle(file, text.strip_prefix('\u{feff}').unwrap_or(text));
    assert_eq!(ours.map(|d| d.root.children), theirs, "vigil and kdl-rs disagree");
});
