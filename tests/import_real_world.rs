//! Specs written by other people (`tests/corpus/real-world/`, each with its source and
//! licence in the NOTICE there): each is imported with its tool's importer; what imports
//! must compile, and its Prometheus rules must pass `promtool check rules` and its
//! generated unit tests `promtool test rules`. Each file's outcome and diagnostics are a
//! snapshot, so every refusal is a coded diagnostic someone reviewed.

use crate::support;

use std::fmt::Write as _;
use std::path::Path;

use support::import::{Kind, compile, import, render};
use support::prometheus::{promtool, write_artifacts};
use vigil::import::Format;

/// The importer of a corpus file, from its folder.
fn kind(path: &Path) -> Kind {
    let folder = path
        .parent()
        .and_then(Path::file_name)
        .map(|f| f.to_string_lossy().into_owned());
    match folder.as_deref() {
        Some("sloth") => Kind::Sloth { period: None },
        Some("openslo") => Kind::OpenSlo,
        Some("pyrra") => Kind::Pyrra,
        other => panic!(
            "{}: not under sloth/, openslo/ or pyrra/ ({other:?})",
            path.display()
        ),
    }
}

/// Runs promtool `args` in `dir`; its verdict as one line.
fn promtool_line(dir: &Path, args: &[&str], files: &[String]) -> String {
    if files.is_empty() {
        return format!("promtool {}: no files", args.join(" "));
    }
    let output = promtool()
        .current_dir(dir)
        .args(args)
        .args(files)
        .output()
        .expect("run promtool");
    assert!(
        output.status.success(),
        "promtool {} failed:\n{}{}",
        args.join(" "),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    format!("promtool {}: {} files pass", args.join(" "), files.len())
}

/// Imports, compiles, generates and runs promtool; the report to snapshot.
fn outcome(path: &Path) -> String {
    let relative = path
        .strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap_or(path)
        .to_path_buf();
    let (imported, sources) = import(std::slice::from_ref(&relative), &kind(path), Format::Kdl);
    let mut report = String::new();
    let Some(spec) = imported.spec.filter(|_| !imported.diagnostics.has_errors()) else {
        let _ = writeln!(report, "refused\n");
        report.push_str(&render(&imported.diagnostics, &sources));
        return report;
    };
    let (model, diagnostics, compiled) = compile("imported.kdl", &spec);
    let model = model.unwrap_or_else(|| {
        panic!(
            "{}: the imported spec does not compile\n{}\n{spec}",
            relative.display(),
            render(&diagnostics, &compiled)
        )
    });
    let artifacts = vigil::emit::prometheus::emit(&model);
    let dir = tempfile::tempdir().expect("temp dir");
    write_artifacts(dir.path(), &artifacts);
    let under = |prefix: &str| -> Vec<String> {
        let mut files: Vec<String> = artifacts
            .iter()
            .filter_map(|a| a.path.strip_prefix(prefix))
            .filter(|p| !p.contains('/'))
            .map(str::to_owned)
            .collect();
        files.sort();
        files
    };
    let _ = writeln!(report, "imports {} SLOs", imported.slos);
    let rules = dir.path().join("prometheus/rules");
    let _ = writeln!(
        report,
        "{}",
        promtool_line(&rules, &["check", "rules"], &under("prometheus/rules/"))
    );
    let tests = dir.path().join("prometheus/tests");
    let _ = writeln!(
        report,
        "{}\n",
        promtool_line(&tests, &["test", "rules"], &under("prometheus/tests/"))
    );
    report.push_str(&render(&imported.diagnostics, &sources));
    report
}

#[test]
#[ignore = "slow tier: needs promtool"]
fn real_world_specs() {
    insta::glob!("corpus/real-world/*/*.y*ml", |path| {
        insta::assert_snapshot!(outcome(path));
    });
}

#[test]
fn every_corpus_file_is_in_the_notice() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/real-world");
    let notice = std::fs::read_to_string(root.join("NOTICE.md")).expect("NOTICE.md");
    let mut files = 0;
    for tool in ["sloth", "openslo", "pyrra"] {
        for entry in std::fs::read_dir(root.join(tool)).expect("tool folder") {
            let name = entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned();
            assert!(
                notice.contains(&format!("{tool}/{name}")),
                "{tool}/{name} is not in NOTICE.md"
            );
            files += 1;
        }
    }
    assert!(files >= 20, "the corpus holds {files} files; it needs 20");
}
