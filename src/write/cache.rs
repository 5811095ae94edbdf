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
    let (files, report) = text.split_once(REPORT)?;
    let mut lines = files.lines().filter(|line| !line.starts_with('#'));
    let recorded = lines.next()?.strip_prefix("inputs ")?;
    if blake3::Hash::from_hex(recorded).ok()? != inputs.0 {
        return None;
    }
    let mut artifacts = 0;
    let mut manifest = false;
    for line in lines {
        let (digest, path) = line.split_once(' ')?;
        let expected = blake3::Hash::from_hex(digest).ok()?;
        let bytes = fs::read(out.join(safe_relative(path).ok()?)).ok()?;
        if blake3::hash(&bytes) != expected {
            return None;
        }
        match path {
            MANIFEST => manifest = true,
            IGNORE_FILE => {}
            _ => artifacts += 1,
        }
    }
    manifest.then(|| Unchanged {
        artifacts,
        report: report.to_owned(),
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
