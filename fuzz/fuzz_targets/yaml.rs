#![no_main]
//! YAML parsing into the raw tree (aliases, tags and depth limits included).

mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::run("fuzz.yaml", data, false));
