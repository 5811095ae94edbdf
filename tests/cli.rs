//! CLI behaviour: trycmd cases in `tests/cmd/` for every subcommand and exit code, plus
//! the writer's guarantees observed through the binary.

use crate::support::deadline;

use std::path::{Path, PathBuf};
use std::process::Command;

use deadline::vigil;

#[test]
fn cli_cases() {
    trycmd::TestCases::new()
        .timeout(deadline::RUN_LIMIT)
        .case("tests/cmd/*.toml");
}

fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let specs = dir.path().join("specs");
    std::fs::create_dir(&specs).expect("specs");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for entry in std::fs::read_dir(root.join("specs")).expect("flagship") {
        let path = entry.expect("entry").path();
        std::fs::copy(&path, specs.join(path.file_name().expect("name"))).expect("copy");
    }
    dir
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn check_passes_after_generate_and_names_a_changed_file() {
    let dir = workspace();
    let generated = vigil(dir.path(), &["generate"]);
    assert!(generated.status.success(), "{}", stderr(&generated));
    let clean = vigil(dir.path(), &["check"]);
    assert!(clean.status.success(), "{}", stderr(&clean));

    let manifest = dir.path().join("generated/.vigil-manifest");
    let files: Vec<String> = std::fs::read_to_string(&manifest)
        .expect("manifest")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(str::to_owned)
        .collect();
    let victim = files
        .first()
        .cloned()
        .unwrap_or_else(|| String::from(".vigil-manifest"));
    let path = dir.path().join("generated").join(&victim);
    let mut text = std::fs::read_to_string(&path).expect("generated file");
    text.push_str("# edited by hand\n");
    std::fs::write(&path, text).expect("edit");

    let stale = vigil(dir.path(), &["check"]);
    assert_eq!(stale.status.code(), Some(1));
    assert!(
        stderr(&stale).contains(&format!(
            "generated/{victim} differs from what the spec produces"
        )),
        "{}",
        stderr(&stale)
    );
}

/// A stray file in a folder vigil writes is reported, and every message format carries
/// the differences as coded diagnostics.
#[test]
fn check_reports_a_hand_added_file_and_every_difference_as_a_diagnostic() {
    let dir = workspace();
    let generated = vigil(dir.path(), &["generate"]);
    assert!(generated.status.success(), "{}", stderr(&generated));
    let stray = dir.path().join("generated/prometheus/rules/extra.yaml");
    std::fs::write(&stray, "groups: []\n").expect("stray file");
    // The top of the output folder may hold anything.
    std::fs::write(dir.path().join("generated/README.md"), "notes\n").expect("readme");

    let human = vigil(dir.path(), &["check"]);
    assert_eq!(human.status.code(), Some(1));
    assert!(
        stderr(&human).contains("vigil::output::unowned"),
        "{}",
        stderr(&human)
    );
    assert!(!stderr(&human).contains("README"), "{}", stderr(&human));

    let json = vigil(dir.path(), &["check", "--message-format", "json"]);
    assert_eq!(json.status.code(), Some(1));
    let report: serde_json::Value =
        serde_json::from_slice(&json.stdout).expect("one JSON document");
    let codes: Vec<&str> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|d| d["code"].as_str())
        .filter(|code| code.starts_with("vigil::output::"))
        .collect();
    assert_eq!(codes, ["vigil::output::unowned"], "{report}");
    assert_eq!(report["errors"], 1);

    // `check` counts what `generate` counts.
    std::fs::remove_file(&stray).expect("remove");
    let clean = vigil(dir.path(), &["check"]);
    let count = |text: &str, pattern: &str| {
        text.split(pattern).nth(1).and_then(|rest| {
            rest.split(|c: char| !c.is_ascii_digit())
                .next()
                .and_then(|n| n.parse::<usize>().ok())
        })
    };
    assert_eq!(
        count(&stderr(&generated), "generated: "),
        count(&stderr(&clean), "up to date ("),
        "{}\n{}",
        stderr(&generated),
        stderr(&clean)
    );
}

/// Without a manifest (an output folder vigil did not write, or one whose manifest was
/// deleted) `check` still lists the folders it produces into, and reports what is there.
#[test]
fn check_without_a_manifest_still_finds_hand_added_files() {
    let dir = workspace();
    let generated = vigil(dir.path(), &["generate"]);
    assert!(generated.status.success(), "{}", stderr(&generated));
    std::fs::remove_file(dir.path().join("generated/.vigil-manifest")).expect("manifest");
    std::fs::write(
        dir.path().join("generated/prometheus/rules/extra.yaml"),
        "groups: []\n",
    )
    .expect("stray file");
    let json = vigil(dir.path(), &["check", "--message-format", "json"]);
    assert_eq!(json.status.code(), Some(1));
    let report: serde_json::Value =
        serde_json::from_slice(&json.stdout).expect("one JSON document");
    let differences: Vec<(&str, &str)> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|d| Some((d["code"].as_str()?, d["message"].as_str()?)))
        .filter(|(code, _)| code.starts_with("vigil::output::"))
        .collect();
    assert_eq!(differences.len(), 2, "{report}");
    assert!(
        differences
            .iter()
            .any(|(code, message)| *code == "vigil::output::missing"
                && message.contains(".vigil-manifest")),
        "{report}"
    );
    assert!(
        differences
            .iter()
            .any(|(code, message)| *code == "vigil::output::unowned"
                && message.contains("prometheus/rules/extra.yaml")),
        "{report}"
    );
}

#[test]
fn unchanged_rerun_writes_nothing() {
    let dir = workspace();
    assert!(vigil(dir.path(), &["generate"]).status.success());
    let manifest = dir.path().join("generated/.vigil-manifest");
    let before = std::fs::metadata(&manifest)
        .and_then(|m| m.modified())
        .expect("mtime");
    std::thread::sleep(std::time::Duration::from_millis(20));
    let again = vigil(dir.path(), &["generate"]);
    assert!(
        stderr(&again).contains("(0 created, 0 updated, 0 removed"),
        "{}",
        stderr(&again)
    );
    let after = std::fs::metadata(&manifest)
        .and_then(|m| m.modified())
        .expect("mtime");
    assert_eq!(before, after);
}

/// Marks the cache of the last run. Only a run that compiles rewrites the cache, so a
/// marked cache after a re-run shows the re-run took the shortcut.
fn mark_cache(dir: &Path) {
    let path = dir.join("generated/.vigil-cache");
    let text = std::fs::read_to_string(&path).expect("generate leaves its cache");
    std::fs::write(&path, format!("# marked by the test\n{text}")).expect("mark");
}

fn cache_marked(dir: &Path) -> bool {
    std::fs::read_to_string(dir.join("generated/.vigil-cache"))
        .expect("generate leaves its cache")
        .starts_with("# marked by the test\n")
}

#[test]
fn an_unchanged_rerun_skips_compiling_until_an_input_or_an_output_changes() {
    let dir = workspace();
    // A receiver nobody routes to: a warning, which the cached re-run must show again.
    std::fs::write(
        dir.path().join("specs/spare.kdl"),
        "receiver spare { webhook url=\"http://127.0.0.1:9099/spare\"; }\n",
    )
    .expect("spare receiver");
    assert!(vigil(dir.path(), &["generate"]).status.success());
    // What a compiling re-run prints.
    std::fs::remove_file(dir.path().join("generated/.vigil-cache")).expect("drop cache");
    let compiled = vigil(dir.path(), &["generate"]);
    mark_cache(dir.path());

    let cached = vigil(dir.path(), &["generate"]);
    assert_eq!(cached.status.code(), Some(0));
    assert_eq!(stderr(&cached), stderr(&compiled));
    assert!(stderr(&cached).contains("warning"), "{}", stderr(&cached));
    assert!(cache_marked(dir.path()), "the unchanged re-run compiled");

    // A hand-edited output is restored.
    let victim = dir.path().join("generated/docs/slos.md");
    let original = std::fs::read(&victim).expect("slos.md");
    std::fs::write(&victim, "edited\n").expect("edit");
    let restored = vigil(dir.path(), &["generate"]);
    assert!(
        stderr(&restored).contains("1 updated"),
        "{}",
        stderr(&restored)
    );
    assert_eq!(std::fs::read(&victim).expect("slos.md"), original);
    assert!(!cache_marked(dir.path()));

    // So is a changed spec file, even when the outputs stay the same.
    mark_cache(dir.path());
    let spec = dir.path().join("specs/platform.kdl");
    let mut text = std::fs::read_to_string(&spec).expect("spec");
    text.push_str("// a comment changes no output\n");
    std::fs::write(&spec, text).expect("spec edit");
    assert!(vigil(dir.path(), &["generate"]).status.success());
    assert!(!cache_marked(dir.path()), "a changed spec did not compile");

    // Other message options compile, then have their own record.
    mark_cache(dir.path());
    let json = vigil(dir.path(), &["generate", "--message-format", "json"]);
    assert!(!cache_marked(dir.path()), "other options did not compile");
    mark_cache(dir.path());
    let json_again = vigil(dir.path(), &["generate", "--message-format", "json"]);
    assert_eq!(json_again.stdout, json.stdout);
    assert!(cache_marked(dir.path()));

    // `check` never trusts the record: an output edited along with its digest is stale.
    std::fs::write(&victim, "edited\n").expect("edit");
    let cache = dir.path().join("generated/.vigil-cache");
    let forged = std::fs::read_to_string(&cache)
        .expect("cache")
        .replace(&blake3_hex(&original), &blake3_hex(b"edited\n"));
    std::fs::write(&cache, forged).expect("forge");
    let check = vigil(dir.path(), &["check"]);
    assert_eq!(check.status.code(), Some(1), "{}", stderr(&check));
}

#[test]
fn errors_write_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("spec.kdl"),
        "vigil 1\nslo x service=nope { objective 101 }\n",
    )
    .expect("spec");
    let output = vigil(dir.path(), &["generate", "spec.kdl", "--out", "out"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        !dir.path().join("out").exists(),
        "nothing may be written when the spec has errors"
    );
}

#[test]
fn files_vigil_does_not_own_are_never_removed() {
    let dir = workspace();
    let out = dir.path().join("generated");
    std::fs::create_dir_all(&out).expect("out");
    std::fs::write(out.join("README.md"), "mine\n").expect("user file");
    std::fs::write(out.join(".vigil-manifest"), "# old\nold-output.yaml\n").expect("manifest");
    std::fs::write(out.join("old-output.yaml"), "stale: true\n").expect("old output");
    let output = vigil(dir.path(), &["generate"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        out.join("README.md").exists(),
        "a file vigil never generated was removed"
    );
    assert!(
        !out.join("old-output.yaml").exists(),
        "a file vigil generated earlier was kept"
    );
}

#[test]
fn an_output_path_that_is_a_file_is_a_clear_error() {
    let dir = workspace();
    std::fs::write(dir.path().join("generated"), "not a folder").expect("file");
    let output = vigil(dir.path(), &["generate"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("is not a folder"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn init_then_generate_then_check_passes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let init = vigil(dir.path(), &["init"]);
    assert!(init.status.success(), "{}", stderr(&init));
    let generate = vigil(dir.path(), &["generate", "--deny-warnings"]);
    assert!(generate.status.success(), "{}", stderr(&generate));
    let check = vigil(dir.path(), &["check"]);
    assert!(check.status.success(), "{}", stderr(&check));
    let again = vigil(dir.path(), &["init"]);
    assert_eq!(again.status.code(), Some(1), "init must never overwrite");
}

/// Every `.kdl` file under `folder`, at any depth, in name order.
fn kdl_files(folder: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(folder).expect("folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            files.extend(kdl_files(&path));
        } else if path.extension().is_some_and(|e| e == "kdl") {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// The flagship spec and every fixture that compiles are in `vigil fmt`'s layout already,
/// so formatting leaves them byte for byte; the error fixtures (some laid out on purpose)
/// format to a text that formatting leaves as it is. The importer's output is held to
/// the same layout in `tests/import.rs`.
#[test]
fn formatted_specs_are_fixed_points_of_fmt() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut fixed = 0;
    for folder in ["specs", "tests/fixtures/ok"] {
        for path in kdl_files(&root.join(folder)) {
            let text = std::fs::read_to_string(&path).expect("text");
            let formatted = vigil::format::format_kdl(&text).expect("valid KDL");
            assert!(
                formatted == text,
                "`vigil fmt` changes {}:\n{formatted}",
                path.display()
            );
            fixed += 1;
        }
    }
    assert!(fixed > 15, "only {fixed} formatted specs");
    for path in kdl_files(&root.join("tests/fixtures/err")) {
        let text = std::fs::read_to_string(&path).expect("text");
        let Some(once) = vigil::format::format_kdl(&text) else {
            continue;
        };
        assert_eq!(
            vigil::format::format_kdl(&once).as_deref(),
            Some(once.as_str()),
            "{}",
            path.display()
        );
    }
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args([
            "-c",
            "user.name=vigil",
            "-c",
            "user.email=vigil@example.invalid",
        ])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .status()
        .expect("run git");
    assert!(status.success(), "git {args:?}");
}

#[test]
fn diff_against_a_git_revision_reads_the_committed_spec() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let case = root.join("tests/fixtures/diff/objective-change");
    let dir = tempfile::tempdir().expect("temp dir");
    let specs = dir.path().join("specs");
    std::fs::create_dir(&specs).expect("specs");
    std::fs::copy(case.join("base/spec.kdl"), specs.join("spec.kdl")).expect("base");
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "base"]);
    std::fs::copy(case.join("head/spec.kdl"), specs.join("spec.kdl")).expect("head");

    // The default base is HEAD; the working tree is the new version.
    let output = vigil(dir.path(), &["diff"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout.contains("Comparing `HEAD:specs` → `specs`."),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "objective 99.9% → 99.95%, so the error budget over 30d shrinks from 43m12s to 21m36s"
        ),
        "{stdout}"
    );

    // Run from a subfolder, paths are relative to it, as git's are.
    let output = vigil(
        &specs,
        &["diff", "--base", "HEAD", "spec.kdl", "--exit-code"],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));

    // Committed, nothing changes.
    git(dir.path(), &["commit", "-q", "-am", "head"]);
    let output = vigil(dir.path(), &["diff", "--base", "HEAD~1"]);
    assert!(String::from_utf8_lossy(&output.stdout).contains("43m12s to 21m36s"));
    let output = vigil(dir.path(), &["diff", "--exit-code"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));

    // A revision that does not exist is a usage error, not a base that "does not compile".
    let output = vigil(dir.path(), &["diff", "--base", "no-such-revision"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("`no-such-revision` is not a commit of this git repository"),
        "{}",
        stderr(&output)
    );
    assert!(
        stderr(&output).contains("cannot be read") && !stderr(&output).contains("compile"),
        "{}",
        stderr(&output)
    );
    let output = vigil(dir.path(), &["diff", "--base=--output=x"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(!dir.path().join("x").exists());
}

fn blake3_hex(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex().to_string()
}
