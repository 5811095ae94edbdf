//! Running a process with a deadline: a hang fails its test within minutes instead of
//! holding the whole suite until CI gives up on it.

#![allow(dead_code)] // each test crate uses its own subset

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Generous for any single vigil run in a debug build on a loaded two-core machine.
pub(crate) const RUN_LIMIT: Duration = Duration::from_secs(300);

/// Runs `command` to its end, capturing stdout and stderr, and kills it (then panics)
/// when it runs longer than `limit`. Returns the output and how long the run took.
pub(crate) fn output_within(command: &mut Command, limit: Duration) -> (Output, Duration) {
    let started = Instant::now();
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    // Drain the pipes on threads so a chatty child cannot block on a full pipe.
    let mut stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    let out = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = std::io::Read::read_to_end(&mut stdout, &mut bytes);
        bytes
    });
    let err = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = std::io::Read::read_to_end(&mut stderr, &mut bytes);
        bytes
    });
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{command:?} ran longer than {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let output = Output {
        status,
        stdout: out.join().expect("stdout thread"),
        stderr: err.join().expect("stderr thread"),
    };
    (output, started.elapsed())
}

/// Runs the vigil binary in `dir` without colours, failing the test if it runs longer
/// than `limit`; returns the output and how long the run took.
pub(crate) fn vigil_within(dir: &Path, args: &[&str], limit: Duration) -> (Output, Duration) {
    output_within(
        Command::new(env!("CARGO_BIN_EXE_vigil"))
            .args(args)
            .current_dir(dir)
            .env("NO_COLOR", "1"),
        limit,
    )
}

/// [`vigil_within`] at [`RUN_LIMIT`], the output only.
pub(crate) fn vigil(dir: &Path, args: &[&str]) -> Output {
    vigil_within(dir, args, RUN_LIMIT).0
}
