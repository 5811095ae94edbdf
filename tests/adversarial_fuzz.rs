//! A stable-toolchain smoke fuzzer: mutated seeds (the flagship spec and every fixture)
//! go through load → check → emit in-process; a panic is a finding.
//!
//! The slow tier runs a few seconds of it; a long campaign is the same test given more
//! time:
//!
//! ```text
//! VIGIL_FUZZ_SECONDS=1200 VIGIL_FUZZ_EXECUTIONS=18446744073709551615 VIGIL_FUZZ_SEED=1 \
//!     cargo test --test it adversarial_fuzz::fuzz_campaign -- --ignored --nocapture
//! ```
//!
//! Findings are written to `$VIGIL_FUZZ_FINDINGS` (default: a temporary folder) and
//! should become fixtures under `tests/fixtures/adversarial/`. The coverage-guided
//! harness for AFL++/libFuzzer lives in `fuzz/`.

use crate::support::{fuzz_harness as harness, pipeline};

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use pipeline::{assert_diagnostics_sound, compile_text};

/// xorshift64*: deterministic, so a seed and an execution count reproduce a finding.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % (n.max(1) as u64)).unwrap_or(0)
    }
}

/// Tokens that matter to the grammars and to the checker.
const DICTIONARY: &[&str] = &[
    "\"",
    "{",
    "}",
    "=",
    ";",
    "#true",
    "#false",
    "#null",
    "#nan",
    "#inf",
    "#-inf",
    "\n",
    "-",
    ":",
    "[",
    "]",
    "0",
    "-0",
    "1e309",
    "NaN",
    ".nan",
    ".inf",
    "100",
    "99.999999999",
    "0s",
    "99999999999y",
    "30d",
    "28d",
    "5m",
    "{{ window }}",
    "{{.window}}",
    "{{",
    "}}",
    "\u{202e}",
    "\u{200f}",
    "\0",
    "\r\n",
    "../../x",
    "/",
    "\\",
    "&a",
    "*a",
    "!!str",
    "<<",
    "|",
    ">",
    "  ",
    "\t",
    "r#\"",
    "\"#",
    "/*",
    "*/",
    "//",
    "slo",
    "tier",
    "window",
    "objective",
    "route",
    "receiver",
    "service",
    "metric",
    "alert",
    "sli",
    "ratio",
    "latency",
    "availability",
    "query",
    "page",
    "ticket",
    "routing",
    "default",
    "continue",
    "url",
    "url-file",
    "level",
    "severity",
    "selector",
    "label",
    "buckets",
    "threshold",
    "errors",
    "total",
    "match",
    "http://user:pass@x/",
    "https://hooks.slack.com/services/T/B/X",
    "\u{feff}",
    "é",
    "🔥",
];

fn mutate(seed: &[u8], donor: &[u8], random: &mut Random) -> Vec<u8> {
    let mut bytes = seed.to_vec();
    for _ in 0..=random.below(4) {
        let len = bytes.len();
        match random.below(8) {
            0 if len > 0 => {
                let start = random.below(len);
                let end = (start + 1 + random.below(16)).min(len);
                bytes.drain(start..end);
            }
            1 | 2 => {
                let at = random.below(len + 1);
                let token = DICTIONARY[random.below(DICTIONARY.len())].as_bytes();
                bytes.splice(at..at, token.iter().copied());
            }
            3 if len > 0 => {
                let at = random.below(len);
                bytes[at] ^= 1 << random.below(8);
            }
            4 if len > 0 => {
                let start = random.below(len);
                let end = (start + 1 + random.below(64)).min(len);
                let copy = bytes[start..end].to_vec();
                let at = random.below(len + 1);
                bytes.splice(at..at, copy);
            }
            5 if !donor.is_empty() => {
                let start = random.below(donor.len());
                let end = (start + 1 + random.below(256)).min(donor.len());
                let at = random.below(len + 1);
                bytes.splice(at..at, donor[start..end].iter().copied());
            }
            6 if len > 0 => bytes.truncate(random.below(len)),
            _ if len > 0 => {
                let at = random.below(len);
                let alphabet = b"{}\"=;\n \\#-0123456789abcz";
                bytes[at] = alphabet[random.below(alphabet.len())];
            }
            _ => {}
        }
    }
    bytes
}

/// One execution: the whole pipeline on one in-memory file.
fn execute(name: &str, bytes: &[u8]) {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return; // the loader refuses invalid UTF-8 before parsing (see the corpus)
    };
    let (model, diagnostics, sources) = compile_text(name, text);
    if let Some(model) = model {
        let artifacts = vigil::emit::emit(&model, &vigil::emit::Options::default())
            .expect("embedded templates always render");
        for artifact in &artifacts {
            // Backends must produce paths the writer accepts.
            assert!(
                !artifact.path.contains("..") && !artifact.path.starts_with('/'),
                "unsafe artefact path {}",
                artifact.path
            );
        }
    } else {
        assert!(diagnostics.has_errors(), "no model and no error");
    }
    assert_diagnostics_sound(name, &diagnostics, &sources);
}

fn seeds() -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut seeds = Vec::new();
    for folder in [
        "specs",
        "examples",
        "tests/fixtures/ok",
        "tests/fixtures/err",
        "tests/fixtures/adversarial",
    ] {
        for entry in walkdir::WalkDir::new(root.join(folder)).sort_by_file_name() {
            let Ok(entry) = entry else { continue };
            let path = entry.path();
            let spec = matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("kdl" | "yaml" | "yml")
            );
            let small = entry.metadata().is_ok_and(|m| m.len() < 16 * 1024);
            if entry.file_type().is_file()
                && spec
                && small
                && let Ok(bytes) = std::fs::read(path)
            {
                let name = path
                    .file_name()
                    .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
                seeds.push((name, bytes));
            }
        }
    }
    assert!(seeds.len() > 10, "too few seeds: {}", seeds.len());
    seeds
}

struct Report {
    executions: u64,
    findings: Vec<PathBuf>,
    slowest: Duration,
}

fn campaign(budget: Duration, max_executions: u64, seed: u64, findings_dir: &Path) -> Report {
    let seeds = seeds();
    let mut random = Random(seed | 1);
    let started = Instant::now();
    let mut report = Report {
        executions: 0,
        findings: Vec::new(),
        slowest: Duration::ZERO,
    };
    // Panics are expected findings here; keep the default hook from flooding the output.
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    while started.elapsed() < budget && report.executions < max_executions {
        let (name, seed_bytes) = &seeds[random.below(seeds.len())];
        let donor = &seeds[random.below(seeds.len())].1;
        let input = mutate(seed_bytes, donor, &mut random);
        let one = Instant::now();
        let outcome = catch_unwind(AssertUnwindSafe(|| execute(name, &input)));
        report.slowest = report.slowest.max(one.elapsed());
        report.executions += 1;
        if let Err(payload) = outcome {
            let message = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            let ext = Path::new(name)
                .extension()
                .map_or(String::from("kdl"), |e| e.to_string_lossy().into_owned());
            let path = findings_dir.join(format!("crash-{}.{ext}", report.executions));
            let _ = std::fs::create_dir_all(findings_dir);
            let _ = std::fs::write(&path, &input);
            let _ = std::fs::write(path.with_extension("txt"), message);
            report.findings.push(path);
        }
        if report.executions.is_multiple_of(100_000) {
            eprintln!(
                "fuzz: {} executions in {:.0?}, {} findings",
                report.executions,
                started.elapsed(),
                report.findings.len()
            );
        }
    }
    std::panic::set_hook(previous_hook);
    report
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn the_libfuzzer_harness_runs_every_seed() {
    for (name, bytes) in seeds() {
        harness::run(&name, &bytes, false);
        harness::run(&name, &bytes, true);
    }
}

/// A few seconds by default (the slow tier's smoke); `VIGIL_FUZZ_SECONDS` makes it a
/// campaign.
#[test]
#[ignore = "slow tier: a time-boxed fuzz run"]
fn fuzz_campaign() {
    let seconds = env_number("VIGIL_FUZZ_SECONDS", 3);
    let max = env_number("VIGIL_FUZZ_EXECUTIONS", 20_000);
    let seed = env_number("VIGIL_FUZZ_SEED", 0x5EED_F022);
    let temporary = tempfile::tempdir().expect("temp dir");
    let findings_dir = std::env::var_os("VIGIL_FUZZ_FINDINGS")
        .map_or_else(|| temporary.path().to_path_buf(), PathBuf::from);
    let started = Instant::now();
    let report = campaign(Duration::from_secs(seconds), max, seed, &findings_dir);
    eprintln!(
        "fuzz campaign: {} executions in {:.1?} ({}/s), slowest {:.1?}, {} findings in {}",
        report.executions,
        started.elapsed(),
        report.executions / started.elapsed().as_secs().max(1),
        report.slowest,
        report.findings.len(),
        findings_dir.display()
    );
    assert!(
        report.executions > 50,
        "only {} executions",
        report.executions
    );
    assert!(
        report.findings.is_empty(),
        "crashes: {:?}",
        report
            .findings
            .iter()
            .map(|p| std::fs::read_to_string(p.with_extension("txt")).unwrap_or_default())
            .collect::<Vec<_>>()
    );
}
