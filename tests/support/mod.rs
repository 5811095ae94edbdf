//! Helpers shared by the integration tests, each defined once.

use std::path::Path;

pub(crate) mod alertmanager;
pub(crate) mod anchors;
pub(crate) mod backtest;
pub(crate) mod canned;
pub(crate) mod deadline;
/// The libFuzzer harness body (`fuzz/`), compiled and exercised here on stable.
#[path = "../../fuzz/fuzz_targets/common.rs"]
pub(crate) mod fuzz_harness;
pub(crate) mod import;
#[path = "../kdl_oracle/mod.rs"]
pub(crate) mod kdl_oracle;
pub(crate) mod loopback;
/// The synthetic organisation of the benchmarks.
#[path = "../../benches/support/org.rs"]
pub(crate) mod org;
pub(crate) mod pipeline;
pub(crate) mod prometheus;
pub(crate) mod yaml_form;

/// The crate's folder: specs, fixtures and corpora are found from it.
pub(crate) fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}
