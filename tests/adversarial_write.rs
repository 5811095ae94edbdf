//! The writer under attack: SIGKILL at several points of a large `generate`, two
//! concurrent runs on one folder, and output folders vigil cannot write.

use crate::support::deadline;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use deadline::vigil;
use vigil::conventions::TEMPORARY_MARK;

/// A spec with `slos` ratio SLOs; `objective` changes every generated file's contents.
fn synthetic(slos: usize, objective: &str) -> String {
    let mut text = String::from(
        "vigil 1\ntier page level=1 severity=critical page=#true\ntier ticket level=2 severity=warning\n",
    );
    for s in 0..slos.div_ceil(10) {
        let _ = writeln!(
            text,
            "service svc{s} {{ team t{s}; selector job=\"svc{s}\"; }}"
        );
    }
    for i in 0..slos {
        let s = i / 10;
        let _ = writeln!(
            text,
            "metric m{i}_requests_total type=counter service=svc{s} {{\n    help \"Requests\"\n    label code \"ok\" \"error\"\n}}\nslo slo{i} service=svc{s} {{\n    objective {objective}\n    window \"30d\"\n    sli {{ ratio errors=\"m{i}_requests_total{{code=\\\"error\\\"}}\" total=\"m{i}_requests_total\" }}\n}}"
        );
    }
    text.push_str("receiver r0 { webhook url-file=\"/etc/am/hook\"; }\n");
    text.push_str("routing {\n    route tier=page receiver=r0\n    route tier=ticket receiver=r0\n    default receiver=r0\n}\n");
    text
}

/// Every regular file under `dir`, by relative path.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.expect("entry"))
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let relative = e
                .path()
                .strip_prefix(dir)
                .expect("inside")
                .to_string_lossy()
                .into_owned();
            (relative, std::fs::read(e.path()).expect("read"))
        })
        .collect()
}

fn restore(dir: &Path, files: &BTreeMap<String, Vec<u8>>) {
    let _ = std::fs::remove_dir_all(dir);
    for (path, bytes) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, bytes).expect("write");
    }
}

struct Workspace {
    _dir: tempfile::TempDir,
    root: PathBuf,
    old: BTreeMap<String, Vec<u8>>,
    new: BTreeMap<String, Vec<u8>>,
    /// How long a complete `generate` into an empty folder took.
    full_run: Duration,
}

/// `old.kdl` and `new.kdl` (every file differs between them), with both outputs recorded.
fn workspace(slos: usize) -> Workspace {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().to_path_buf();
    std::fs::write(root.join("old.kdl"), synthetic(slos, "99.9")).expect("old");
    std::fs::write(root.join("new.kdl"), synthetic(slos, "99.5")).expect("new");
    let mut full_run = Duration::ZERO;
    for (spec, out) in [("new.kdl", "expected-new"), ("old.kdl", "generated")] {
        let started = std::time::Instant::now();
        let output = vigil(&root, &["generate", spec, "--out", out]);
        full_run = full_run.max(started.elapsed());
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let old = snapshot(&root.join("generated"));
    let new = snapshot(&root.join("expected-new"));
    assert!(old.len() >= 5, "only {} files", old.len());
    Workspace {
        _dir: dir,
        root,
        old,
        new,
        full_run,
    }
}

#[test]
#[ignore = "slow tier: kills a large generate many times"]
fn sigkill_during_generate_leaves_only_whole_files() {
    let w = workspace(150);
    let out = w.root.join("generated");
    let (mut mixed, mut finished, mut untouched) = (0, 0, 0);
    let mut leftovers = 0;
    // Spread over a whole run (compile, then ~750 atomic writes), so kills land before,
    // during and after the writing.
    for percent in [0, 20, 40, 55, 70, 85, 100] {
        let delay = w.full_run * percent / 100;
        restore(&out, &w.old);
        let mut child = Command::new(env!("CARGO_BIN_EXE_vigil"))
            .args(["generate", "new.kdl", "--out", "generated"])
            .current_dir(&w.root)
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(delay);
        child.kill().expect("SIGKILL"); // `Child::kill` sends SIGKILL on Unix
        child.wait().expect("reap");
        let after = snapshot(&out);
        let mut saw_new = false;
        let mut saw_old = false;
        for (path, bytes) in &after {
            let name = Path::new(path).file_name().expect("name").to_string_lossy();
            if name.contains(TEMPORARY_MARK) {
                leftovers += 1;
                continue;
            }
            let old = w.old.get(path);
            let new = w.new.get(path);
            assert!(
                old == Some(bytes) || new == Some(bytes),
                "after SIGKILL at {delay:?}, {path} is neither the old nor the new file"
            );
            saw_new |= new == Some(bytes) && old != Some(bytes);
            saw_old |= old == Some(bytes) && new != Some(bytes);
        }
        // The cache of the last run is deleted before a write starts (its presence means
        // the write finished), so it is the one file a killed run may take away.
        for path in w.old.keys().filter(|path| *path != ".vigil-cache") {
            assert!(
                after.contains_key(path),
                "{path} vanished after SIGKILL at {delay:?}"
            );
        }
        if saw_new && saw_old {
            mixed += 1;
        } else if saw_new {
            finished += 1;
        } else {
            untouched += 1;
        }
        // The old spec still checks: up to date, or stale by whole files only.
        let check = vigil(&w.root, &["check", "old.kdl", "--out", "generated"]);
        let stderr = String::from_utf8_lossy(&check.stderr);
        assert!(
            matches!(check.status.code(), Some(0 | 1)),
            "check crashed: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
        // And a rerun recovers completely, removing orphaned temporary files.
        let rerun = vigil(&w.root, &["generate", "new.kdl", "--out", "generated"]);
        assert!(rerun.status.success());
        assert_eq!(snapshot(&out), w.new, "rerun after SIGKILL at {delay:?}");
    }
    eprintln!(
        "SIGKILL: {untouched} before writing, {mixed} mid-way (whole old and new files), \
         {finished} after writing; {leftovers} orphaned temporaries"
    );
}

/// A fresh output stages whole folders under temporary names: a kill leaves each file
/// absent or whole, and the next run removes the staged folders.
#[test]
#[ignore = "slow tier: kills a large generate many times"]
fn sigkill_during_a_fresh_generate_leaves_only_whole_files() {
    let w = workspace(150);
    let out = w.root.join("fresh");
    let mut leftovers = 0;
    for percent in [0, 20, 40, 55, 70, 85, 100] {
        let delay = w.full_run * percent / 100;
        let _ = std::fs::remove_dir_all(&out);
        let mut child = Command::new(env!("CARGO_BIN_EXE_vigil"))
            .args(["generate", "new.kdl", "--out", "fresh"])
            .current_dir(&w.root)
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(delay);
        child.kill().expect("SIGKILL");
        child.wait().expect("reap");
        let after = if out.exists() {
            snapshot(&out)
        } else {
            BTreeMap::new()
        };
        for (path, bytes) in &after {
            if path.contains(TEMPORARY_MARK) {
                leftovers += 1;
                continue;
            }
            assert_eq!(
                w.new.get(path),
                Some(bytes),
                "after SIGKILL at {delay:?}, {path} is not the whole new file"
            );
        }
        let rerun = vigil(&w.root, &["generate", "new.kdl", "--out", "fresh"]);
        assert!(rerun.status.success());
        assert_eq!(snapshot(&out), w.new, "rerun after SIGKILL at {delay:?}");
    }
    eprintln!("SIGKILL of a fresh generate: {leftovers} staged files left for the next run");
}

#[test]
#[ignore = "slow tier: large concurrent generates"]
fn concurrent_runs_on_one_folder_do_not_interleave() {
    let w = workspace(100);
    let out = w.root.join("generated");
    for round in 0..2 {
        restore(&out, &w.old);
        let spawn = |spec: &str| {
            Command::new(env!("CARGO_BIN_EXE_vigil"))
                .args(["generate", spec, "--out", "generated"])
                .current_dir(&w.root)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn")
        };
        // Two writers of different contents at once, in both orders.
        let (a, b) = if round % 2 == 0 {
            (spawn("new.kdl"), spawn("old.kdl"))
        } else {
            (spawn("old.kdl"), spawn("new.kdl"))
        };
        let a = deadline::wait_within(a, deadline::RUN_LIMIT, "the first writer");
        let b = deadline::wait_within(b, deadline::RUN_LIMIT, "the second writer");
        assert!(a.status.success(), "{}", String::from_utf8_lossy(&a.stderr));
        assert!(b.status.success(), "{}", String::from_utf8_lossy(&b.stderr));
        let after = snapshot(&out);
        assert!(
            after == w.old || after == w.new,
            "round {round}: the folder mixes both runs"
        );
    }
}

#[test]
fn an_output_folder_that_is_a_file_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("spec.kdl"), synthetic(1, "99.9")).expect("spec");
    std::fs::write(dir.path().join("generated"), "not a folder").expect("file");
    let output = vigil(dir.path(), &["generate", "spec.kdl", "--out", "generated"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("not a folder"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("generated")).expect("read"),
        "not a folder"
    );
}

#[test]
fn an_unwritable_output_folder_is_a_clear_error() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("spec.kdl"), synthetic(1, "99.9")).expect("spec");
    std::fs::write(dir.path().join("file"), "x").expect("file");
    let locked = dir.path().join("locked");
    std::fs::create_dir(&locked).expect("locked");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).expect("chmod");
    // Root ignores permission bits: only test the read-only folder where it denies writes.
    let permissions_apply = std::fs::write(locked.join("probe"), "x").is_err();
    let mut outs = vec!["file/generated", "/proc/vigil-cannot-write-here"];
    if permissions_apply {
        outs.push("locked");
    }
    for out in outs {
        let output = vigil(dir.path(), &["generate", "spec.kdl", "--out", out]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{out}: {stderr}");
        assert!(stderr.contains("error:"), "{out}: {stderr}");
        assert!(!stderr.contains("panicked"), "{out}: {stderr}");
    }
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

/// A tmpfs of `bytes` mounted on a fresh folder, unmounted when dropped.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    /// `None` where this process may not mount (not root, or a container without the
    /// capability): the full-disk test cannot be staged there.
    fn mount(bytes: usize) -> Option<Self> {
        let dir = tempfile::tempdir().expect("temp dir");
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={bytes}"), "tmpfs"])
            .arg(dir.path())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|status| status.success());
        mounted.then_some(Self { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}

/// Fills the disk under `dir`, then frees `spare` bytes: a write of more than that fails
/// part-way.
fn fill(dir: &Path, spare: u64) {
    use std::io::Write as _;
    let path = dir.join("filler");
    let mut filler = std::fs::File::create(&path).expect("filler");
    let chunk = vec![0_u8; 4096];
    while filler.write_all(&chunk).is_ok() {}
    let _ = filler.flush();
    let length = filler.metadata().expect("metadata").len();
    filler
        .set_len(length.saturating_sub(spare))
        .expect("free some space");
}

#[test]
#[ignore = "slow tier: mounts a small tmpfs (root)"]
fn a_full_disk_is_a_clear_error_and_keeps_the_previous_output() {
    let Some(disk) = SmallDisk::mount(4 << 20) else {
        eprintln!("skipped: cannot mount a small tmpfs here (needs root and CAP_SYS_ADMIN)");
        return;
    };
    let specs = tempfile::tempdir().expect("temp dir");
    std::fs::write(specs.path().join("old.kdl"), synthetic(30, "99.9")).expect("old");
    std::fs::write(specs.path().join("new.kdl"), synthetic(30, "99.5")).expect("new");
    let out = disk.path().join("generated");
    let out_arg = out.to_str().expect("UTF-8 path");
    let first = vigil(specs.path(), &["generate", "old.kdl", "--out", out_arg]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let mut old = snapshot(&out);
    old.remove(".vigil-cache");
    assert!(old.len() >= 10, "only {} files", old.len());
    // Room for a few files of the new output, not for all of them.
    fill(disk.path(), 64 << 10);
    let second = vigil(specs.path(), &["generate", "new.kdl", "--out", out_arg]);
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("No space left on device"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    // The previous output is whole and nothing else is left behind (the cache is dropped
    // before the first write, so a failed write can never be taken as up to date).
    assert_eq!(snapshot(&out), old);
    std::fs::remove_file(disk.path().join("filler")).expect("free the disk");
    let check = vigil(specs.path(), &["check", "old.kdl", "--out", out_arg]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
}
