//! Stage 1: read spec files (KDL or YAML, one file, several, or folders) into raw trees.

pub(crate) mod kdl;
pub mod literal;
pub mod tree;
pub(crate) mod yaml;

use std::path::{Path, PathBuf};

use crate::codes::Code;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::source::{FileId, Sources};
pub use tree::{Dialect, Document, Node, Property, Scalar, Value};
pub use yaml::plural as yaml_plural;

/// Files larger than this are refused before parsing, so a runaway input cannot exhaust memory.
const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// The raw spec: every parsed file, in a stable order.
#[derive(Debug, Clone, Default)]
pub struct RawSpec {
    pub documents: Vec<Document>,
}

/// Text inputs already in memory (used by tests, fuzzing and the filesystem loader).
pub fn parse_text(
    name: &str,
    text: &str,
    sources: &mut Sources,
    diagnostics: &mut Diagnostics,
) -> Option<Document> {
    let text: std::sync::Arc<str> = text.strip_prefix('\u{feff}').unwrap_or(text).into();
    let file = sources.add(name.replace('\\', "/"), text.clone());
    if is_yaml(Path::new(name)) {
        yaml::parse(file, &text, diagnostics)
    } else {
        kdl::parse(file, &text, diagnostics)
    }
}

/// Whether `text` is a valid KDL document (checked before kdl-rs formats it: kdl-rs's
/// error recovery is slow on some invalid inputs).
pub fn is_valid_kdl(text: &str) -> bool {
    kdl::is_valid(text)
}

fn is_yaml(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    )
}

fn is_spec(path: &Path) -> bool {
    is_yaml(path) || path.extension().and_then(|e| e.to_str()) == Some("kdl")
}

/// The spec files named by `paths`: files as given, folders walked recursively in name
/// order for `.kdl`, `.yaml` and `.yml` files.
pub fn spec_files(paths: &[PathBuf]) -> (Vec<PathBuf>, Diagnostics) {
    let mut diagnostics = Diagnostics::default();
    let mut files = Vec::new();
    for path in paths {
        collect(path, is_spec, &mut files, &mut diagnostics);
    }
    files.sort();
    files.dedup();
    (files, diagnostics)
}

/// Reads the documents an importer converts (`.yaml`, `.yml`, `.json`; folders walked in
/// name order) into `sources`, with the same limits as spec files.
pub fn load_import_inputs(paths: &[PathBuf], sources: &mut Sources) -> (Vec<FileId>, Diagnostics) {
    let mut diagnostics = Diagnostics::default();
    let mut files = Vec::new();
    for path in paths {
        collect(path, is_import_input, &mut files, &mut diagnostics);
    }
    files.sort();
    files.dedup();
    let mut ids = Vec::new();
    for path in files {
        let name = path.to_string_lossy().replace('\\', "/");
        match read(&path) {
            Ok(text) => ids.push(sources.add(
                name,
                text.strip_prefix('\u{feff}').unwrap_or(&text).to_owned(),
            )),
            Err(message) => {
                diagnostics.push(Diagnostic::unplaced(Code::Io, format!("{name}: {message}")));
            }
        }
    }
    (ids, diagnostics)
}

fn is_import_input(path: &Path) -> bool {
    is_yaml(path) || path.extension().and_then(|e| e.to_str()) == Some("json")
}

/// Loads files and folders (see [`spec_files`]) into raw trees.
pub fn load(paths: &[PathBuf], sources: &mut Sources) -> (RawSpec, Diagnostics) {
    let (files, mut diagnostics) = spec_files(paths);
    let mut spec = RawSpec::default();
    for path in files {
        let name = path.to_string_lossy().replace('\\', "/");
        match read(&path) {
            Ok(text) => {
                if let Some(document) = parse_text(&name, &text, sources, &mut diagnostics) {
                    spec.documents.push(document);
                }
            }
            Err(message) => {
                diagnostics.push(Diagnostic::unplaced(Code::Io, format!("{name}: {message}")));
            }
        }
    }
    (spec, diagnostics)
}

fn collect(
    path: &Path,
    accept: fn(&Path) -> bool,
    files: &mut Vec<PathBuf>,
    diagnostics: &mut Diagnostics,
) {
    let shown = path.display();
    let metadata = match std::fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(error) => {
            diagnostics.push(Diagnostic::unplaced(Code::Io, format!("{shown}: {error}")));
            return;
        }
    };
    if !metadata.is_dir() {
        files.push(path.to_path_buf());
        return;
    }
    let before = files.len();
    for entry in walkdir::WalkDir::new(path)
        .follow_links(true)
        .sort_by_file_name()
    {
        match entry {
            Ok(entry) if entry.file_type().is_file() && accept(entry.path()) => {
                files.push(entry.path().to_path_buf());
            }
            Ok(_) => {}
            Err(error) => {
                diagnostics.push(Diagnostic::unplaced(Code::Io, format!("{shown}: {error}")));
            }
        }
    }
    if files.len() == before {
        diagnostics.push(
            Diagnostic::unplaced(
                Code::Io,
                format!("{shown}: no `.kdl`, `.yaml` or `.yml` files in this folder"),
            )
            .help(
                "pass the spec files or the folder that holds them, e.g. `vigil generate specs/`",
            ),
        );
    }
}

fn read(path: &Path) -> Result<String, String> {
    String::from_utf8(read_bytes(path)?)
        .map_err(|e| format!("not valid UTF-8 (byte {})", e.utf8_error().valid_up_to()))
}

/// A spec file's bytes, refusing what is not a regular file or is over the size limit.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, String> {
    use std::io::Read as _;
    let metadata = std::fs::metadata(path).map_err(|e| e.to_string())?;
    // A FIFO would block forever and a device such as /dev/zero never ends.
    if !metadata.is_file() {
        return Err(String::from("not a regular file"));
    }
    let too_big =
        |len: u64| format!("file is {len} bytes; specs are limited to {MAX_FILE_BYTES} bytes");
    if metadata.len() > MAX_FILE_BYTES {
        return Err(too_big(metadata.len()));
    }
    // Bounded even if the file grows between the check and the read.
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_big(bytes.len() as u64));
    }
    Ok(bytes)
}
