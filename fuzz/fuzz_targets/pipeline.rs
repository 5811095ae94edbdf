#![no_main]
//! The whole pipeline; the first byte picks the dialect so one corpus serves both.

mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Some((&first, rest)) = data.split_first() {
        let name = if first % 2 == 0 { "fuzz.kdl" } else { "fuzz.yaml" };
        common::run(name, rest, true);
    }
});
