#![no_main]
//! KDL parsing into the raw tree.

mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::run("fuzz.kdl", data, false));
