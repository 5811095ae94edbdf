//! Staging files as sibling temporaries, making them durable together, and renaming them
//! into place: the one way the writer puts a file on disk.

use std::collections::BTreeSet;
use std::fs::{self, File};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::{WriteError, io};

/// Files staged as sibling temporaries, made durable together, then renamed into place.
///
/// Flushing the whole batch at once instead of file by file: a large spec writes tens of
/// thousands of files, and one-at-a-time flushes cost seconds. Every temporary is on disk
/// before the first rename, so a crash leaves each file either old or new.
pub(super) struct Batch {
    staged: Vec<(PathBuf, PathBuf)>,
    folders: BTreeSet<PathBuf>,
    /// Folders this batch created, parents first: removed again if it never commits.
    created: Vec<PathBuf>,
    /// The same folders, to look up: nothing but this batch's files can be in them.
    fresh: BTreeSet<PathBuf>,
    /// In every temporary's name, so that concurrent runs never share one.
    process: u32,
}

impl Batch {
    pub(super) fn new() -> Self {
        Self {
            staged: Vec::new(),
            folders: BTreeSet::new(),
            created: Vec::new(),
            fresh: BTreeSet::new(),
            process: std::process::id(),
        }
    }

    /// Whether this batch created `folder`, so that no file can be there yet.
    pub(super) fn made(&self, folder: &Path) -> bool {
        self.fresh.contains(folder)
    }

    /// Creates `folder` and any missing parents, remembering which were new.
    pub(super) fn create_folder(&mut self, folder: &Path) -> Result<(), WriteError> {
        let missing: Vec<PathBuf> = folder
            .ancestors()
            .take_while(|f| !f.as_os_str().is_empty() && !f.exists())
            .map(Path::to_path_buf)
            .collect();
        fs::create_dir_all(folder).map_err(io(folder))?;
        self.fresh.extend(missing.iter().cloned());
        self.created.extend(missing.into_iter().rev());
        Ok(())
    }

    pub(super) fn stage(&mut self, path: PathBuf, contents: &[u8]) -> Result<(), WriteError> {
        let parent = path.parent().unwrap_or(Path::new(".")).to_path_buf();
        if !self.folders.contains(&parent) {
            self.create_folder(&parent)?;
            self.folders.insert(parent.clone());
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let temporary = parent.join(format!(".{name}.vigil-tmp-{}", self.process));
        let written = File::create(&temporary).and_then(|mut file| file.write_all(contents));
        let result = written.map_err(io(&path));
        // Registered even on failure, so that dropping the batch removes it.
        self.staged.push((temporary, path));
        result
    }

    pub(super) fn commit(mut self) -> Result<(), WriteError> {
        // From here on files may land in the new folders: they stay.
        self.created.clear();
        self.fresh.clear();
        if self.staged.is_empty() {
            return Ok(());
        }
        durable::flush(self.staged.iter().map(|(temporary, _)| temporary.as_path()))?;
        // On a failed rename the rest stay staged, and dropping the batch removes them.
        while let Some((temporary, path)) = self.staged.last() {
            fs::rename(temporary, path).map_err(io(path))?;
            self.staged.pop();
        }
        // The renames themselves, so a crash right after returning keeps the new files.
        durable::flush(self.folders.iter().map(PathBuf::as_path))
    }
}

impl Drop for Batch {
    fn drop(&mut self) {
        for (temporary, _) in &self.staged {
            let _ = fs::remove_file(temporary);
        }
        for folder in self.created.iter().rev() {
            let _ = fs::remove_dir(folder);
        }
    }
}

/// Making written data durable. A few paths are `fsync`ed, from several threads at once
/// (concurrent flushes share the file system's journal commits). Many are flushed with
/// one `syncfs` per file system on Linux: on this project's ext4 disk 53,530 `fsync`s took
/// 4.2–5.2 s of kernel time where one `syncfs` took 0.7 s, because every `fsync` submits
/// its own writes and waits for its own commit. The price is that `syncfs` also flushes
/// whatever else is waiting to be written on that file system.
mod durable {
    use std::fs::File;
    use std::path::Path;

    use super::super::{WriteError, io};

    /// Flushes are waiting on the disk, not the CPU: more threads than cores pay.
    const THREADS: usize = 16;

    /// From this many paths on, one flush of the whole file system is cheaper.
    #[cfg(target_os = "linux")]
    const WHOLE_FILE_SYSTEM: usize = 256;

    pub(super) fn flush<'p>(paths: impl Iterator<Item = &'p Path>) -> Result<(), WriteError> {
        let paths: Vec<&Path> = paths.collect();
        #[cfg(target_os = "linux")]
        if paths.len() >= WHOLE_FILE_SYSTEM {
            return flush_file_systems(&paths);
        }
        let chunk = paths.len().div_ceil(THREADS).max(1);
        std::thread::scope(|scope| {
            let workers: Vec<_> = paths
                .chunks(chunk)
                .map(|chunk| scope.spawn(move || chunk.iter().try_for_each(|path| sync(path))))
                .collect();
            workers.into_iter().try_for_each(|worker| {
                worker
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
        })
    }

    /// One `syncfs` per file system the paths' folders are on (a subfolder of the output
    /// may be a mount or a link to another).
    #[cfg(target_os = "linux")]
    fn flush_file_systems(paths: &[&Path]) -> Result<(), WriteError> {
        use std::collections::{BTreeMap, BTreeSet};
        use std::os::unix::fs::MetadataExt as _;

        let folders: BTreeSet<&Path> = paths
            .iter()
            .map(|path| path.parent().unwrap_or(Path::new(".")))
            .collect();
        let mut file_systems = BTreeMap::new();
        for folder in folders {
            let device = folder.metadata().map_err(io(folder))?.dev();
            file_systems.entry(device).or_insert(folder);
        }
        for folder in file_systems.into_values() {
            let handle = File::open(folder).map_err(io(folder))?;
            rustix::fs::syncfs(&handle).map_err(|error| io(folder)(error.into()))?;
        }
        Ok(())
    }

    fn sync(path: &Path) -> Result<(), WriteError> {
        match File::open(path) {
            Ok(handle) => handle.sync_all().map_err(io(path)),
            // A folder cannot be opened for syncing on some systems (Windows); its entries
            // are then as durable as that system makes them.
            Err(_) if path.is_dir() => Ok(()),
            Err(error) => Err(io(path)(error)),
        }
    }
}

/// Temporary files left in `folder` by a run that was killed between create and rename.
/// Only names [`Batch::stage`] makes are touched, under the lock.
pub(super) fn remove_orphaned_temporaries(folder: &Path) {
    let Ok(entries) = fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let file = entry.file_type().is_ok_and(|t| t.is_file());
        if file && name.starts_with('.') && name.contains(".vigil-tmp-") {
            let _ = fs::remove_file(entry.path());
        }
    }
}
