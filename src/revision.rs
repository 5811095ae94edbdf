//! Spec files as they were at a git revision, read into memory with `git ls-tree` and
//! `git cat-file` (for `vigil diff --base REV`). Nothing is checked out and nothing is
//! written; paths are taken relative to the current directory, as `git` does.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Files larger than this are refused, as for files on disk.
const MAX_FILE_BYTES: usize = 32 * 1024 * 1024;

/// One spec file at a revision: its name as shown in diagnostics (`HEAD:specs/a.kdl`,
/// git's own notation) and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevisionFile {
    pub name: String,
    pub text: String,
}

/// The `.kdl`, `.yaml` and `.yml` files under `paths` at `revision`, sorted by path.
pub fn read(revision: &str, paths: &[PathBuf]) -> Result<Vec<RevisionFile>, String> {
    // A revision starting with `-` would be read by git as an option.
    if revision.is_empty() || revision.starts_with('-') {
        return Err(format!("`{revision}` is not a git revision"));
    }
    git(&[
        "rev-parse",
        "--verify",
        "--quiet",
        &format!("{revision}^{{commit}}"),
    ])
    .map_err(|_| format!("`{revision}` is not a commit of this git repository"))?;
    let mut listing = vec!["ls-tree", "-r", "-z", "--name-only", revision, "--"];
    let shown: Vec<String> = paths
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    listing.extend(shown.iter().map(String::as_str));
    let names = String::from_utf8(git(&listing)?)
        .map_err(|_| String::from("git listed a path that is not UTF-8"))?;
    let mut files: Vec<PathBuf> = names
        .split('\0')
        .filter(|name| !name.is_empty())
        .map(PathBuf::from)
        .filter(|path| is_spec(path))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(format!(
            "no `.kdl`, `.yaml` or `.yml` files under {} at {revision}",
            shown.join(", ")
        ));
    }
    files
        .iter()
        .map(|path| {
            let path = path.to_string_lossy().replace('\\', "/");
            let bytes = git(&["cat-file", "blob", &format!("{revision}:./{path}")])?;
            if bytes.len() > MAX_FILE_BYTES {
                return Err(format!(
                    "{revision}:{path}: file is {} bytes; specs are limited to {MAX_FILE_BYTES} bytes",
                    bytes.len()
                ));
            }
            let text = String::from_utf8(bytes)
                .map_err(|_| format!("{revision}:{path}: not valid UTF-8"))?;
            Ok(RevisionFile {
                name: format!("{revision}:{path}"),
                text,
            })
        })
        .collect()
}

fn is_spec(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("kdl" | "yaml" | "yml")
    )
}

fn git(args: &[&str]) -> Result<Vec<u8>, String> {
    let output = Command::new("git")
        .args(args)
        .output()
        .map_err(|error| format!("cannot run git: {error}"))?;
    if output.status.success() {
        Ok(output.stdout)
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        Err(format!("git {}: {}", args[0], stderr.trim()))
    }
}
