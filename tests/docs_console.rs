//! Every `console` block in README.md and docs/ is a transcript: each `$ vigil …` line is
//! run from the repository's root and what it prints (stdout, then stderr) must be the
//! lines below it, so a documented output cannot drift from the real one. Blocks that only
//! show how to invoke a command are `sh` blocks, not `console` blocks.

use crate::support::root;

use std::path::{Path, PathBuf};
use std::process::Command;

/// One `$ command` and the output shown under it.
struct Transcript {
    page: PathBuf,
    command: String,
    output: String,
}

fn transcripts(page: &Path) -> Vec<Transcript> {
    let text = std::fs::read_to_string(page).expect("a page");
    let mut found = Vec::new();
    for block in text.split("```console\n").skip(1) {
        let block = block.split("\n```").next().unwrap_or_default();
        let mut current: Option<Transcript> = None;
        for line in block.lines() {
            if let Some(command) = line.strip_prefix("$ ") {
                found.extend(current.take());
                current = Some(Transcript {
                    page: page.to_path_buf(),
                    command: command.to_owned(),
                    output: String::new(),
                });
            } else if let Some(transcript) = current.as_mut() {
                transcript.output.push_str(line);
                transcript.output.push('\n');
            }
        }
        found.extend(current);
    }
    found
}

fn pages() -> Vec<PathBuf> {
    let mut pages = vec![root().join("README.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root().join("docs"))
        .expect("docs/")
        .map(|entry| entry.expect("an entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    pages.extend(docs);
    pages
}

fn run(command: &str) -> String {
    let arguments: Vec<&str> = command.split_whitespace().collect();
    assert_eq!(
        arguments.first(),
        Some(&"vigil"),
        "`{command}` is not a vigil command"
    );
    let output = Command::new(env!("CARGO_BIN_EXE_vigil"))
        .args(&arguments[1..])
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("vigil runs");
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn trimmed(text: &str) -> String {
    text.lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
        .trim_end()
        .to_owned()
}

#[test]
fn every_console_transcript_is_what_vigil_prints() {
    let all: Vec<Transcript> = pages().iter().flat_map(|page| transcripts(page)).collect();
    assert!(all.len() >= 3, "no transcripts found");
    let mut drifted = Vec::new();
    for transcript in &all {
        let printed = run(&transcript.command);
        if trimmed(&printed) != trimmed(&transcript.output) {
            drifted.push(format!(
                "{}: `$ {}` prints\n{printed}\nbut the page shows\n{}",
                transcript.page.display(),
                transcript.command,
                transcript.output
            ));
        }
    }
    assert!(drifted.is_empty(), "{}", drifted.join("\n---\n"));
}
