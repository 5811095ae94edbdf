//! The CI recipes in `docs/ci.md` pass on the flagship spec: their validate, check and
//! proving steps are read from the page and run as written (with the `vigil` under test
//! first on `PATH`), so a recipe cannot drift from what passes.

use crate::support::root;

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

/// The fenced `yaml` blocks under the heading `heading` of `docs/ci.md`.
fn yaml_blocks(heading: &str) -> Vec<String> {
    let page = std::fs::read_to_string(root().join("docs/ci.md")).expect("docs/ci.md");
    let section = page
        .split("\n## ")
        .find(|s| s.starts_with(heading))
        .unwrap_or_else(|| panic!("docs/ci.md has no section `{heading}`"));
    section
        .split("```yaml\n")
        .skip(1)
        .filter_map(|block| block.split("\n```").next())
        .map(str::to_owned)
        .collect()
}

/// `PATH` with the `vigil` under test first.
fn path() -> String {
    let binary = PathBuf::from(env!("CARGO_BIN_EXE_vigil"));
    let folder = binary.parent().expect("a folder").display().to_string();
    format!("{folder}:{}", std::env::var("PATH").unwrap_or_default())
}

fn run(line: &str) {
    let output = Command::new("sh")
        .args(["-ec", line])
        .current_dir(root())
        .env("PATH", path())
        .output()
        .expect("sh runs");
    assert!(
        output.status.success(),
        "`{line}` failed on the flagship:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Installing packages is the runner's business, not the recipe's logic.
fn runnable(line: &str) -> bool {
    let line = line.trim();
    !line.is_empty() && !line.starts_with("sudo ") && !line.starts_with('#')
}

#[test]
#[ignore = "slow tier: runs the recipe, promtool and amtool included"]
fn the_github_actions_recipe_passes_on_the_flagship() {
    let blocks = yaml_blocks("GitHub Actions");
    let workflow: Value = serde_saphyr::from_str(&blocks[0]).expect("the workflow is YAML");
    let steps = workflow["jobs"]["vigil"]["steps"]
        .as_array()
        .expect("the job's steps");
    let mut ran = 0;
    for step in steps {
        let name = step["name"].as_str().unwrap_or_default();
        // Installing vigil and posting a comment need the network and a pull request.
        if !["Validate", "generated/ is current", "Prove"]
            .iter()
            .any(|wanted| name.starts_with(wanted))
        {
            continue;
        }
        let script = step["run"].as_str().expect("a run step");
        for line in script.lines().filter(|l| runnable(l)) {
            run(line);
            ran += 1;
        }
    }
    // validate, check, promtool check, promtool test, amtool, the route tests
    assert_eq!(ran, 6, "the recipe's steps were not found");
}

#[test]
#[ignore = "slow tier: runs the recipe"]
fn the_gitlab_recipe_validates_and_checks_the_flagship() {
    let blocks = yaml_blocks("GitLab CI");
    let pipeline: Value = serde_saphyr::from_str(&blocks[0]).expect("the pipeline is YAML");
    let script = pipeline["vigil"]["script"]
        .as_array()
        .expect("the job's script");
    let report = tempfile::tempdir().expect("a temporary folder");
    let into = report.path().join("vigil-diagnostics.json");
    let mut ran = 0;
    for line in script.iter().filter_map(Value::as_str) {
        if line.starts_with("vigil validate") || line.starts_with("vigil check") {
            run(&line.replace("vigil-diagnostics.json", &into.display().to_string()));
            ran += 1;
        }
    }
    assert_eq!(ran, 2, "the recipe's vigil steps were not found");
    let written = std::fs::read_to_string(&into).expect("the JSON report");
    let parsed: Value = serde_json::from_str(&written).expect("one JSON document");
    assert_eq!(parsed["errors"], 0, "{parsed}");
    assert_eq!(parsed["warnings"], 0, "{parsed}");
}
