//! The adversarial corpus, run through the real binary: every file in
//! `tests/fixtures/adversarial/` (see `generate.py` there) plus inputs that cannot be
//! committed (a >32 MiB spec, a symlink loop, an unreadable file). Each must exit 1 with
//! coded diagnostics and write nothing — or, for files named `ok_*`, compile — within a
//! bounded time. Also: the writer's failure modes (output folder that is a file, a
//! read-only folder) and SIGKILL during `generate`.

use crate::support::{deadline, root};

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const LIMIT: Duration = Duration::from_secs(30);

/// Runs vigil with a deadline; a hang is a failure, not a stuck suite.
fn vigil(dir: &Path, args: &[&str]) -> (Output, Duration) {
    deadline::vigil_within(dir, args, LIMIT)
}

/// The codes of the error diagnostics in a `--message-format json` report.
fn error_codes(output: &Output) -> Vec<String> {
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    report["diagnostics"]
        .as_array()
        .expect("diagnostics array")
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| d["code"].as_str().expect("code").to_owned())
        .collect()
}

/// Asserts vigil refused `input` with coded errors, in time, writing nothing.
fn assert_refused(dir: &Path, input: &str) -> Vec<String> {
    let (output, elapsed) = vigil(
        dir,
        &[
            "generate",
            input,
            "--out",
            "generated",
            "--message-format",
            "json",
        ],
    );
    assert_eq!(
        output.status.code(),
        Some(1),
        "{input}: expected exit 1, got {:?}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let codes = error_codes(&output);
    assert!(!codes.is_empty(), "{input}: exit 1 without a coded error");
    assert!(
        codes.iter().all(|c| c.starts_with("vigil::")),
        "{input}: {codes:?}"
    );
    assert!(
        !dir.join("generated").exists(),
        "{input}: the output folder was created"
    );
    assert!(elapsed < LIMIT, "{input}: {elapsed:?}");
    codes
}

#[test]
fn every_corpus_file_is_refused_with_codes_or_compiles() {
    let corpus = root().join("tests/fixtures/adversarial");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .expect("corpus")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "kdl" || e == "yaml"))
        .collect();
    files.sort();
    assert!(files.len() >= 40, "corpus has only {} files", files.len());
    let mut summary = Vec::new();
    for file in files {
        let name = file
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let dir = tempfile::tempdir().expect("temp dir");
        let input = dir.path().join(&name);
        std::fs::copy(&file, &input).expect("copy");
        if name.starts_with("ok_") {
            let (output, _) = vigil(dir.path(), &["generate", &name, "--out", "generated"]);
            assert_eq!(
                output.status.code(),
                Some(0),
                "{name}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            assert!(dir.path().join("generated/.vigil-manifest").is_file());
            summary.push(format!("{name}: ok"));
        } else {
            let mut codes = assert_refused(dir.path(), &name);
            codes.sort();
            codes.dedup();
            summary.push(format!("{name}: {}", codes.join(", ")));
        }
    }
    // Visible with --nocapture: which code each hostile input earned.
    eprintln!("{}", summary.join("\n"));
}

#[test]
fn a_spec_over_32_mib_is_refused_before_parsing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("huge.kdl");
    let file = std::fs::File::create(&path).expect("create");
    // Sparse: the size is what matters, not the content.
    file.set_len(33 * 1024 * 1024).expect("set_len");
    let codes = assert_refused(dir.path(), "huge.kdl");
    assert_eq!(codes, ["vigil::spec::io"]);
}

#[test]
fn a_symlink_loop_in_a_spec_folder_is_reported() {
    let dir = tempfile::tempdir().expect("temp dir");
    let specs = dir.path().join("specs");
    std::fs::create_dir(&specs).expect("specs");
    std::fs::copy(
        root().join("tests/fixtures/ok/minimal.kdl"),
        specs.join("minimal.kdl"),
    )
    .expect("copy");
    std::os::unix::fs::symlink(&specs, specs.join("loop")).expect("symlink");
    std::os::unix::fs::symlink("b.kdl", specs.join("a.kdl")).expect("symlink");
    std::os::unix::fs::symlink("a.kdl", specs.join("b.kdl")).expect("symlink");
    let codes = assert_refused(dir.path(), "specs");
    assert!(codes.iter().all(|c| c == "vigil::spec::io"), "{codes:?}");
}

#[test]
fn an_unreadable_spec_is_reported() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("secret.kdl");
    std::fs::copy(root().join("tests/fixtures/ok/minimal.kdl"), &path).expect("copy");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    if std::fs::read(&path).is_ok() {
        // Running as root (or with CAP_DAC_OVERRIDE): permissions do not deny reads, so
        // use an unreadable kind of file instead — a folder named like a spec.
        std::fs::remove_file(&path).expect("remove");
        std::fs::create_dir(dir.path().join("secret.kdl")).expect("dir");
        std::fs::create_dir(dir.path().join("specs")).expect("specs");
        let codes = assert_refused(dir.path(), "secret.kdl");
        assert_eq!(codes, ["vigil::spec::io"]);
        return;
    }
    let codes = assert_refused(dir.path(), "secret.kdl");
    assert_eq!(codes, ["vigil::spec::io"]);
}

#[test]
fn a_fifo_as_a_spec_does_not_hang() {
    let dir = tempfile::tempdir().expect("temp dir");
    let status = Command::new("mkfifo")
        .arg(dir.path().join("pipe.kdl"))
        .status();
    if !status.is_ok_and(|s| s.success()) {
        return; // no mkfifo on this system
    }
    let codes = assert_refused(dir.path(), "pipe.kdl");
    assert_eq!(codes, ["vigil::spec::io"]);
}

#[test]
fn a_wide_yaml_mapping_is_linear_not_quadratic() {
    // 60,000 keys in one mapping: 73 s with a linear duplicate-key search, ~1 s with a map.
    let dir = tempfile::tempdir().expect("temp dir");
    let mut text = String::from("vigil: 1\nx:\n");
    for i in 0..60_000 {
        text.push_str(&format!("  k{i}: 1\n"));
    }
    std::fs::write(dir.path().join("wide.yaml"), text).expect("write");
    let started = Instant::now();
    let codes = assert_refused(dir.path(), "wide.yaml");
    assert_eq!(codes, ["vigil::spec::unknown_node"]);
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
}

/// The deadline every vigil run in these tests has: a process that outlives it is killed
/// and the test fails (the panic comes only from that branch).
#[test]
#[should_panic(expected = "ran longer than")]
fn a_process_past_its_deadline_fails_the_test() {
    deadline::output_within(Command::new("sleep").arg("30"), Duration::from_millis(200));
}
