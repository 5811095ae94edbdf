//! vigil: a compiler for monitoring-as-code.
//!
//! `spec` (load KDL/YAML into a spanned raw tree) → `check` (validate, build the model,
//! collect every diagnostic) → `emit` (pure backends, `&Model → Vec<Artifact>`) →
//! `write` (the only code that touches the output folder). The library never prints;
//! `app` turns a command line into text and an exit code, and `main.rs` prints them.

pub mod app;
pub mod backtest;
pub mod check;
pub mod cli;
pub mod codes;
pub mod conventions;
pub mod diagnostic;
pub mod diff;
pub mod emit;
pub mod format;
pub mod import;
pub mod model;
mod parallel;
pub mod report;
pub mod revision;
pub mod scaffold;
pub mod schema;
pub mod source;
pub mod spec;
pub mod verify;
pub mod write;
