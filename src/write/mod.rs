//! Stage 5: the only code that touches the output folder.
//!
//! Guarantees: nothing is written unless the caller has a clean model; each file is
//! replaced atomically (temporary file + rename in the same folder); unchanged files are
//! left untouched; files vigil generated earlier (listed in the manifest) and no longer
//! produces are removed, and nothing else ever is; paths cannot leave the output folder;
//! concurrent runs on one folder are serialised by a lock on the folder.

use std::borrow::Borrow;
use std::collections::BTreeSet;
use std::fs::{self, File};
use std::path::{Component, Path, PathBuf};

use crate::conventions::{CACHE, GENERATED_HEADER, IGNORE_FILE, MANIFEST};
use crate::emit::{Artifact, EmitError};

mod batch;
pub mod cache;
mod compare;

use batch::{Batch, remove_orphaned_temporaries};
pub use compare::{Staleness, Survey, check, check_stream, survey};

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{0}: the output path exists and is not a folder")]
    NotAFolder(String),
    #[error("refusing to write `{0}`: generated paths must stay inside the output folder")]
    UnsafePath(String),
    /// A backend failed while its artefacts were being written (nothing was).
    #[error(transparent)]
    Emit(#[from] EmitError),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// What a write did, file by file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub created: Vec<String>,
    pub updated: Vec<String>,
    pub removed: Vec<String>,
    pub unchanged: usize,
}

/// The manifest lists every generated file so later runs know what they own.
pub fn manifest<'p>(paths: impl Iterator<Item = &'p str>) -> Artifact {
    let mut text = format!(
        "# {GENERATED_HEADER}\n# files vigil owns in this folder; it removes them when the spec stops producing them\n"
    );
    let mut paths: Vec<&str> = paths.chain([IGNORE_FILE]).collect();
    paths.sort_unstable();
    for path in paths {
        text.push_str(path);
        text.push('\n');
    }
    Artifact::new(MANIFEST, text)
}

/// Keeps the machine-specific cache out of version control, where the output folder goes.
fn ignore_file() -> Artifact {
    Artifact::new(IGNORE_FILE, format!("# {GENERATED_HEADER}\n/{CACHE}\n"))
}

fn safe_relative(path: &str) -> Result<PathBuf, WriteError> {
    let candidate = Path::new(path);
    let safe = !path.is_empty()
        && !path.contains('\\')
        && !path.contains('\0')
        && candidate
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
    if safe {
        Ok(candidate.to_path_buf())
    } else {
        Err(WriteError::UnsafePath(path.to_owned()))
    }
}

fn owned_files(out: &Path) -> Result<BTreeSet<String>, WriteError> {
    let path = out.join(MANIFEST);
    match fs::read_to_string(&path) {
        Ok(text) => Ok(text
            .lines()
            .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
            .filter(|line| safe_relative(line).is_ok())
            .map(str::to_owned)
            .collect()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(BTreeSet::new()),
        Err(error) => Err(io(&path)(error)),
    }
}

fn read_existing(path: &Path) -> Result<Option<Vec<u8>>, WriteError> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) if error.kind() == std::io::ErrorKind::IsADirectory => Ok(Some(Vec::new())),
        Err(error) => Err(io(path)(error)),
    }
}

/// Brings the output folder in line with `artifacts`.
pub fn write(out: &Path, artifacts: &[Artifact]) -> Result<Summary, WriteError> {
    write_cached(out, artifacts, None)
}

/// [`write`], then records `inputs` and the diagnostics `report` (when given) so that an
/// unchanged re-run can skip compiling: see [`cache`].
pub fn write_cached(
    out: &Path,
    artifacts: &[Artifact],
    cached: Option<(&cache::InputDigest, &str)>,
) -> Result<Summary, WriteError> {
    write_stream(out, artifacts.iter().map(Ok), cached)
}

/// [`write_cached`] for artefacts that arrive one by one: each is compared and staged as
/// it comes, and only its path and digest are kept, so a large spec's output is never all
/// in memory. An `Err` item aborts the write: nothing is renamed into place, and the
/// temporaries and folders it created are removed.
pub fn write_stream<A: Borrow<Artifact>>(
    out: &Path,
    items: impl IntoIterator<Item = Result<A, EmitError>>,
    cached: Option<(&cache::InputDigest, &str)>,
) -> Result<Summary, WriteError> {
    if out.exists() && !out.is_dir() {
        return Err(WriteError::NotAFolder(out.display().to_string()));
    }
    let mut batch = Batch::new();
    batch.create_folder(out)?;
    let _lock = lock(out)?;
    cache::forget(out)?;
    let previously_owned = owned_files(out)?;
    let mut staging = Staging {
        out,
        batch,
        seen: BTreeSet::new(),
        digests: cached.is_some(),
    };
    let ignore = staging.place(&ignore_file())?;
    let mut summary = Summary::default();
    let mut produced = Vec::new();
    for item in items {
        let item = item?;
        let artifact = item.borrow();
        let placed = staging.place(artifact)?;
        match placed.status {
            Status::Unchanged => summary.unchanged += 1,
            Status::Updated => summary.updated.push(artifact.path.clone()),
            Status::Created => summary.created.push(artifact.path.clone()),
        }
        produced.push(placed);
    }
    staging.batch.commit()?;
    produced.sort_by(|a, b| a.path.cmp(&b.path));
    remove_unproduced(out, &previously_owned, &produced, &mut summary)?;
    let manifest = manifest(produced.iter().map(|p| p.path.as_str()));
    let manifest_path = out.join(MANIFEST);
    if read_existing(&manifest_path)?.as_deref() != Some(manifest.contents.as_bytes()) {
        replace(&manifest_path, manifest.contents.as_bytes())?;
    }
    if let Some((inputs, report)) = cached {
        let bookkeeping = [ignore, Placed::new(&manifest, Status::Unchanged, true)];
        if let Some(record) = cache::record(inputs, produced.iter().chain(&bookkeeping), report) {
            replace(&out.join(CACHE), record.as_bytes())?;
        }
    }
    Ok(summary)
}

/// What the write did with one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Unchanged,
    Updated,
    Created,
}

/// A file the write produced: all that is kept of it once it is staged.
struct Placed {
    path: String,
    status: Status,
    /// Its contents' digest, when the write is cached.
    digest: Option<blake3::Hash>,
}

impl Placed {
    fn new(artifact: &Artifact, status: Status, digest: bool) -> Self {
        Self {
            path: artifact.path.clone(),
            status,
            digest: digest.then(|| blake3::hash(artifact.contents.as_bytes())),
        }
    }
}

/// The state of a write while artefacts arrive.
struct Staging<'a> {
    out: &'a Path,
    batch: Batch,
    /// Folders already cleared of temporaries a killed run left behind.
    seen: BTreeSet<PathBuf>,
    digests: bool,
}

impl Staging<'_> {
    fn place(&mut self, artifact: &Artifact) -> Result<Placed, WriteError> {
        let path = self.out.join(safe_relative(&artifact.path)?);
        let folder = path.parent().unwrap_or(self.out);
        if self.batch.made(folder) {
            // A folder this run made holds nothing to compare with or clean up: a fresh
            // output skips tens of thousands of reads that would find nothing.
            self.batch.stage(path, artifact.contents.as_bytes())?;
            return Ok(Placed::new(artifact, Status::Created, self.digests));
        }
        if !self.seen.contains(folder) {
            remove_orphaned_temporaries(folder, self.batch.process());
            self.seen.insert(folder.to_path_buf());
        }
        let status = match read_existing(&path)? {
            Some(bytes) if bytes == artifact.contents.as_bytes() => Status::Unchanged,
            existing => {
                self.batch.stage(path, artifact.contents.as_bytes())?;
                if existing.is_some() {
                    Status::Updated
                } else {
                    Status::Created
                }
            }
        };
        Ok(Placed::new(artifact, status, self.digests))
    }
}

/// Removes the files vigil generated earlier that `produced` (sorted by path) no longer has.
fn remove_unproduced(
    out: &Path,
    previously_owned: &BTreeSet<String>,
    produced: &[Placed],
    summary: &mut Summary,
) -> Result<(), WriteError> {
    let produced = |path: &str| {
        path == IGNORE_FILE
            || produced
                .binary_search_by(|p| p.path.as_str().cmp(path))
                .is_ok()
    };
    for owned in previously_owned.iter().filter(|o| !produced(o)) {
        let path = out.join(owned);
        match fs::remove_file(&path) {
            Ok(()) => {
                summary.removed.push(owned.clone());
                remove_empty_parents(out, &path);
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => return Err(io(&path)(error)),
        }
    }
    Ok(())
}

/// Creates the starter files of `vigil init` in `dir`; refuses to overwrite anything.
pub fn scaffold(dir: &Path, files: &[Artifact]) -> Result<Vec<String>, WriteError> {
    let paths: Vec<PathBuf> = files
        .iter()
        .map(|f| safe_relative(&f.path))
        .collect::<Result<_, _>>()?;
    for path in &paths {
        let target = dir.join(path);
        if target.exists() {
            return Err(WriteError::Io {
                path: target.display().to_string(),
                source: std::io::Error::new(
                    std::io::ErrorKind::AlreadyExists,
                    "already exists; vigil init never overwrites",
                ),
            });
        }
    }
    for (file, path) in files.iter().zip(&paths) {
        replace(&dir.join(path), file.contents.as_bytes())?;
    }
    Ok(files.iter().map(|f| f.path.clone()).collect())
}

/// Atomically rewrites one spec file in place (`vigil fmt`).
pub fn replace_file(path: &Path, contents: &str) -> Result<(), WriteError> {
    replace(path, contents.as_bytes())
}

/// Writes a sibling temporary file, flushes it to disk, then renames it over `path`, so a
/// reader (or a crash) sees either the old file or the new one, never half of one.
fn replace(path: &Path, contents: &[u8]) -> Result<(), WriteError> {
    let mut batch = Batch::new();
    batch.stage(path.to_path_buf(), contents)?;
    batch.commit()
}

fn remove_empty_parents(out: &Path, file: &Path) {
    let mut current = file.parent();
    while let Some(folder) = current {
        if folder == out || fs::remove_dir(folder).is_err() {
            break;
        }
        current = folder.parent();
    }
}

/// An exclusive lock on the output folder for the duration of a write.
fn lock(out: &Path) -> Result<File, WriteError> {
    let handle = File::open(out).map_err(io(out))?;
    handle.lock().map_err(io(out))?;
    Ok(handle)
}
