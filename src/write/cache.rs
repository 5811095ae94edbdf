//! The cache that lets an unchanged re-run of `generate` stop after reading its inputs.
//!
//! After a write, `generate` records a digest of everything its outputs and messages
//! depend on (vigil's own executable, the message options, every spec file's path and
//! bytes), a digest of every file it wrote, and the diagnostics it printed. A later run with the same input digest whose files all still hash as recorded
//! has nothing to do; anything else (an edited, missing or extra input, a hand-edited
//! output, another vigil build) falls back to compiling. The cache is deleted before any
//! write starts, so its presence means the last write finished.
//!
//! Only `generate` trusts it: `vigil check` is the gate CI runs on pull requests, whose
//! author controls this file as much as the spec, so `check` always compiles.

use std::fs;
use std::io::ErrorKind;
use std::path::Path;

use super::{Placed, WriteError, io, safe_relative};
use crate::conventions::{CACHE, IGNORE_FILE, MANIFEST};

/// Separates the file digests from the report, which runs to the end of the cache.
const REPORT: &str = "report\n";

const HEADER: &str = "# vigil's record of its last generate here, to skip unchanged re-runs; not an artefact, safe to delete";

/// What a run's outputs depend on, as one digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InputDigest(blake3::Hash);

impl InputDigest {
    /// `identity` names the vigil build and the options that shape its messages; `files`
    /// are the spec files as `(path, bytes)` in the order the loader reads them.
    pub fn new(identity: &[u8], files: &[(String, Vec<u8>)]) -> Self {
        let mut hasher = blake3::Hasher::new();
        hasher.update(b"vigil inputs 1\0");
        for part in std::iter::once(identity).chain(
            files
                .iter()
                .flat_map(|(path, bytes)| [path.as_bytes(), bytes.as_slice()]),
        ) {
            // Length-prefixed, so that moving bytes from one part to the next changes the digest.
            hasher.update(&(part.len() as u64).to_le_bytes());
            hasher.update(part);
        }
        Self(hasher.finalize())
    }
}

/// What a previous `generate` in `out` did, if it ran on `inputs` and none of the files it
/// wrote has changed since.
pub struct Unchanged {
    /// Files written, vigil's own bookkeeping files not counted.
    pub artifacts: usize,
    /// The diagnostics it reported (warnings), as rendered then.
    pub report: String,
}

pub fn unchanged(out: &Path, inputs: &InputDigest) -> Option<Unchanged> {
    let text = fs::read_to_string(out.join(CACHE)).ok()?;
    // A line of its own: every file line starts with a digest.
    let (files, report) = text.split_once(&format!("\n{REPORT}"))?;
    let mut lines = files.lines().filter(|line| !line.starts_with('#'));
    let recorded = lines.next()?.strip_prefix("inputs ")?;
    if blake3::Hash::from_hex(recorded).ok()? != inputs.0 {
        return None;
    }
    let entries: Vec<(blake3::Hash, &str)> = lines
        .map(|line| {
            let (digest, path) = line.split_once(' ')?;
            Some((blake3::Hash::from_hex(digest).ok()?, path))
        })
        .collect::<Option<_>>()?;
    if !entries.iter().any(|(_, path)| *path == MANIFEST) || !all_match(out, &entries) {
        return None;
    }
    let bookkeeping = |path: &str| path == MANIFEST || path == IGNORE_FILE;
    Some(Unchanged {
        artifacts: entries.iter().filter(|(_, p)| !bookkeeping(p)).count(),
        report: report.to_owned(),
    })
}

/// Whether every file still hashes as recorded. Reading tens of thousands of files is most
/// of an unchanged re-run, so the work is split across the cores.
fn all_match(out: &Path, entries: &[(blake3::Hash, &str)]) -> bool {
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let chunk = entries.len().div_ceil(threads).max(1);
    let matches = |chunk: &[(blake3::Hash, &str)]| {
        chunk.iter().all(|(expected, path)| {
            safe_relative(path)
                .ok()
                .and_then(|relative| fs::read(out.join(relative)).ok())
                .is_some_and(|bytes| blake3::hash(&bytes) == *expected)
        })
    };
    std::thread::scope(|scope| {
        let workers: Vec<_> = entries
            .chunks(chunk)
            .map(|chunk| scope.spawn(move || matches(chunk)))
            .collect();
        workers
            .into_iter()
            .all(|worker| worker.join().unwrap_or(false))
    })
}

/// Deletes the cache before a write changes anything.
pub(super) fn forget(out: &Path) -> Result<(), WriteError> {
    let path = out.join(CACHE);
    match fs::remove_file(&path) {
        Err(error) if error.kind() != ErrorKind::NotFound => Err(io(&path)(error)),
        _ => Ok(()),
    }
}

/// The cache file's text for `files` (every artefact and the bookkeeping files, with
/// their digests; `None` if one has none) made from `inputs`, and the diagnostics `report` printed on the way.
pub(super) fn record<'f>(
    inputs: &InputDigest,
    files: impl Iterator<Item = &'f Placed>,
    report: &str,
) -> Option<String> {
    let mut text = format!("{HEADER}\ninputs {}\n", inputs.0.to_hex());
    for file in files {
        text.push_str(&file.digest?.to_hex());
        text.push(' ');
        text.push_str(&file.path);
        text.push('\n');
    }
    text.push_str(REPORT);
    text.push_str(report);
    Some(text)
}
