//! Staging files as sibling temporaries (or inside a whole new folder staged under a
//! temporary name), making them durable together, and renaming them into place: the one
//! way the writer puts a file on disk.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{self, File};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::{WriteError, io};
use crate::conventions::{TEMPORARY_MARK, temporary};

/// Files staged, made durable together, then renamed into place.
///
/// A file whose folder exists is staged as a sibling temporary and renamed over its path.
/// A folder that does not exist yet is staged whole, under a temporary name beside where
/// it goes, its files written there under their own names; the folder is renamed into
/// place, so a fresh output costs one rename per new top folder instead of one per file.
///
/// Flushing the whole batch at once instead of file by file: a large spec writes tens of
/// thousands of files, and one-at-a-time flushes cost seconds. Every staged file is on
/// disk before the first rename, so a crash leaves each file either old or new (or, for a
/// new folder, absent or whole).
pub(super) struct Batch {
    /// Sibling temporaries and the paths they replace.
    staged: Vec<(PathBuf, PathBuf)>,
    /// Files written under their own names inside staged folders.
    direct: Vec<PathBuf>,
    /// Every folder a file goes into, by its final path.
    folders: BTreeSet<PathBuf>,
    /// Folders this batch made, by final path, and where they are until the commit.
    fresh: BTreeMap<PathBuf, PathBuf>,
    /// New folders staged under temporary names, and where they go.
    tops: Vec<(PathBuf, PathBuf)>,
    /// Folders made in place (the output folder itself), parents first: removed again if
    /// the batch never commits.
    created: Vec<PathBuf>,
    /// In every temporary's name, so that concurrent runs never share one.
    process: u32,
}

impl Batch {
    pub(super) fn new() -> Self {
        Self {
            staged: Vec::new(),
            direct: Vec::new(),
            folders: BTreeSet::new(),
            fresh: BTreeMap::new(),
            tops: Vec::new(),
            created: Vec::new(),
            process: std::process::id(),
        }
    }

    /// Whether this batch made `folder`, so that no file can be there yet.
    pub(super) fn made(&self, folder: &Path) -> bool {
        self.fresh.contains_key(folder)
    }

    /// Creates `folder` and any missing parents in place, remembering which were new (the
    /// output folder, which must exist to be locked).
    pub(super) fn create_folder(&mut self, folder: &Path) -> Result<(), WriteError> {
        let missing = self.missing(folder);
        fs::create_dir_all(folder).map_err(io(folder))?;
        for made in missing.into_iter().rev() {
            self.fresh.insert(made.clone(), made.clone());
            self.created.push(made);
        }
        Ok(())
    }

    /// `folder` and its ancestors that neither exist nor were made by this batch, deepest
    /// first.
    fn missing(&self, folder: &Path) -> Vec<PathBuf> {
        folder
            .ancestors()
            .take_while(|f| !f.as_os_str().is_empty() && !self.made(f) && !f.exists())
            .map(Path::to_path_buf)
            .collect()
    }

    /// Where files of `folder` go until the commit: the folder itself when it exists,
    /// else its place in a staged folder (made here).
    fn location(&mut self, folder: &Path) -> Result<PathBuf, WriteError> {
        if !self.folders.contains(folder) {
            self.stage_folder(folder)?;
            self.folders.insert(folder.to_path_buf());
        }
        Ok(self
            .fresh
            .get(folder)
            .map_or_else(|| folder.into(), Clone::clone))
    }

    /// Makes the missing part of `folder`'s path, staged: inside the staged folder it
    /// belongs to, or as a new staged top folder in the nearest folder that exists.
    fn stage_folder(&mut self, folder: &Path) -> Result<(), WriteError> {
        let missing = self.missing(folder);
        let Some(top) = missing.last() else {
            return Ok(());
        };
        let base = folder_of(top);
        let (anchor, location) = match self.fresh.get(base) {
            Some(location) if location != base => (base.to_path_buf(), location.clone()),
            _ => {
                remove_orphaned_temporaries(base, self.process);
                let name = top.file_name().unwrap_or_default().to_string_lossy();
                let staged = base.join(temporary(&name, self.process));
                // Only a killed run whose process number this one reuses can have left it.
                let _ = fs::remove_dir_all(&staged);
                fs::create_dir(&staged).map_err(io(top))?;
                self.tops.push((staged.clone(), top.clone()));
                self.fresh.insert(top.clone(), staged.clone());
                (top.clone(), staged)
            }
        };
        for made in missing.iter().rev() {
            if let Ok(relative) = made.strip_prefix(&anchor)
                && !relative.as_os_str().is_empty()
            {
                self.fresh.insert(made.clone(), location.join(relative));
            }
        }
        let staged = &self.fresh[folder];
        fs::create_dir_all(staged).map_err(io(folder))
    }

    pub(super) fn stage(&mut self, path: PathBuf, contents: &[u8]) -> Result<(), WriteError> {
        let parent = folder_of(&path).to_path_buf();
        let location = self.location(&parent)?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let write = |target: &Path| File::create(target).and_then(|mut f| f.write_all(contents));
        if location != parent {
            // Inside a staged folder: nobody sees the file before the folder moves.
            let target = location.join(&name);
            let result = write(&target).map_err(io(&path));
            self.direct.push(target);
            return result;
        }
        let sibling = parent.join(temporary(&name, self.process));
        let result = write(&sibling).map_err(io(&path));
        // Registered even on failure, so that dropping the batch removes it.
        self.staged.push((sibling, path));
        result
    }

    /// Put into every temporary's name.
    pub(super) fn process(&self) -> u32 {
        self.process
    }

    pub(super) fn commit(mut self) -> Result<(), WriteError> {
        // From here on files may land in the new folders: they stay.
        self.created.clear();
        if self.staged.is_empty() && self.tops.is_empty() {
            return Ok(());
        }
        let staged_folders: Vec<PathBuf> = self
            .fresh
            .iter()
            .filter(|(made, staged)| made != staged)
            .map(|(_, staged)| staged.clone())
            .collect();
        let files = self.staged.iter().map(|(temporary, _)| temporary.as_path());
        let direct = self.direct.iter().map(PathBuf::as_path);
        durable::flush(
            files
                .chain(direct)
                .chain(staged_folders.iter().map(PathBuf::as_path)),
        )?;
        // On a failed rename the rest stay staged, and dropping the batch removes them.
        while let Some((temporary, path)) = self.staged.last() {
            fs::rename(temporary, path).map_err(io(path))?;
            self.staged.pop();
        }
        while let Some((staged, top)) = self.tops.last() {
            fs::rename(staged, top).map_err(io(top))?;
            self.folders.insert(folder_of(top).to_path_buf());
            self.tops.pop();
        }
        // The renames themselves, so a crash right after returning keeps the new files.
        durable::flush(self.folders.iter().map(PathBuf::as_path))
    }
}

/// The folder `path` is in; `.` for a bare name.
fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

impl Drop for Batch {
    fn drop(&mut self) {
        for (temporary, _) in &self.staged {
            let _ = fs::remove_file(temporary);
        }
        for (staged, _) in &self.tops {
            let _ = fs::remove_dir_all(staged);
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

        let folders: BTreeSet<&Path> = paths.iter().map(|path| super::folder_of(path)).collect();
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

/// Temporaries left in `folder` by a run that was killed before it renamed them: files,
/// and folders staged whole. Only names [`Batch::stage`] makes are touched, under the
/// lock, and never this run's own (`process`).
pub(super) fn remove_orphaned_temporaries(folder: &Path, process: u32) {
    let Ok(entries) = fs::read_dir(folder) else {
        return;
    };
    let own = format!("{TEMPORARY_MARK}{process}");
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !name.starts_with('.') || !name.contains(TEMPORARY_MARK) || name.ends_with(&own) {
            continue;
        }
        match entry.file_type() {
            Ok(kind) if kind.is_file() => {
                let _ = fs::remove_file(entry.path());
            }
            Ok(kind) if kind.is_dir() => {
                let _ = fs::remove_dir_all(entry.path());
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use std::fs;
    use std::path::Path;

    use super::{Batch, remove_orphaned_temporaries};

    /// Every entry under `dir`, relative, sorted.
    fn entries(dir: &Path) -> Vec<String> {
        let mut found: Vec<String> = walkdir::WalkDir::new(dir)
            .min_depth(1)
            .into_iter()
            .map(|e| e.expect("entry"))
            .map(|e| {
                e.path()
                    .strip_prefix(dir)
                    .expect("inside")
                    .display()
                    .to_string()
            })
            .collect();
        found.sort();
        found
    }

    fn stage_some(out: &Path) -> Batch {
        let mut batch = Batch::new();
        for (path, contents) in [
            ("kept.txt", "existing folder"),
            ("new/a.txt", "a"),
            ("new/deeper/b.txt", "b"),
            ("new/deeper/c.txt", "c"),
            ("other/d.txt", "d"),
        ] {
            batch
                .stage(out.join(path), contents.as_bytes())
                .expect("stage");
        }
        batch
    }

    #[test]
    fn new_folders_are_staged_whole_and_appear_on_commit() {
        let dir = tempfile::tempdir().expect("temp dir");
        let batch = stage_some(dir.path());
        // Before the commit only temporaries exist: two staged folders and one file.
        let staged = entries(dir.path());
        assert!(staged.iter().all(|e| e.starts_with('.')), "{staged:?}");
        assert!(batch.made(&dir.path().join("new/deeper")));
        assert!(!batch.made(dir.path()));
        batch.commit().expect("commit");
        assert_eq!(
            entries(dir.path()),
            [
                "kept.txt",
                "new",
                "new/a.txt",
                "new/deeper",
                "new/deeper/b.txt",
                "new/deeper/c.txt",
                "other",
                "other/d.txt"
            ]
        );
        let read = fs::read_to_string(dir.path().join("new/deeper/c.txt")).expect("read");
        assert_eq!(read, "c");
    }

    #[test]
    fn a_batch_dropped_before_its_commit_leaves_nothing() {
        let dir = tempfile::tempdir().expect("temp dir");
        drop(stage_some(dir.path()));
        assert_eq!(entries(dir.path()), Vec::<String>::new());
    }

    #[test]
    fn a_staged_folder_left_by_an_earlier_process_of_the_same_number_is_replaced() {
        let dir = tempfile::tempdir().expect("temp dir");
        let leftover = dir
            .path()
            .join(crate::conventions::temporary("new", std::process::id()));
        fs::create_dir(&leftover).expect("leftover");
        fs::write(leftover.join("stale.txt"), "stale").expect("stale file");
        let mut batch = Batch::new();
        batch
            .stage(dir.path().join("new/a.txt"), b"a")
            .expect("stage");
        batch.commit().expect("commit");
        assert_eq!(entries(dir.path()), ["new", "new/a.txt"]);
    }

    #[test]
    fn only_other_runs_temporaries_are_orphans() {
        let dir = tempfile::tempdir().expect("temp dir");
        for folder in [".a.vigil-tmp-1", ".b.vigil-tmp-7", "c.vigil-tmp-1"] {
            fs::create_dir(dir.path().join(folder)).expect("folder");
        }
        fs::write(dir.path().join(".d.vigil-tmp-1"), "x").expect("file");
        remove_orphaned_temporaries(dir.path(), 7);
        // Ours (7) stays; a name vigil never makes (no leading dot) stays.
        assert_eq!(entries(dir.path()), [".b.vigil-tmp-7", "c.vigil-tmp-1"]);
    }
}
