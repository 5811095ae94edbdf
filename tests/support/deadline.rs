//! Running a process with a deadline: a hang fails its test within minutes instead of
//! holding the whole suite until CI gives up on it.

use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Generous for any single vigil run in a debug build on a loaded two-core machine.
pub(crate) const RUN_LIMIT: Duration = Duration::from_secs(300);

/// Runs `command` to its end, capturing stdout and stderr, and kills it (then panics)
/// when it runs longer than `limit`. Returns the output and how long the run took.
pub(crate) fn output_within(command: &mut Command, limit: Duration) -> (Output, Duration) {
    let started = Instant::now();
    let child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let output = wait_within(child, limit, &format!("{command:?}"));
    (output, started.elapsed())
}

/// Waits for a child started with piped stdout and stderr, and kills it (then panics,
/// naming it `what`) when it runs longer than `limit` from now.
pub(crate) fn wait_within(mut child: Child, limit: Duration, what: &str) -> Output {
    let started = Instant::now();
    // Drain the pipes on threads so a chatty child cannot block on a full pipe.
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            bytes
        })
    };
    let out = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let err = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what} ran longer than {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    Output {
        status,
        stdout: out.join().expect("stdout thread"),
        stderr: err.join().expect("stderr thread"),
    }
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
