//! The Alertmanager backend against the real tools: a snapshot of each generated config,
//! `amtool check-config` on every generated config, and every generated route test run
//! through `amtool config routes test`. amtool missing is a failure, not a skip.

use crate::support;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::alertmanager::{amtool, compile, generate_into, installed_version};

fn fixtures() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("tests/fixtures/ok")
        .expect("tests/fixtures/ok exists")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.file_name()
                .is_some_and(|name| name.to_string_lossy().starts_with("alertmanager-"))
        })
        .collect();
    dirs.sort();
    dirs.insert(0, PathBuf::from("specs"));
    dirs
}

#[test]
fn flagship_config_snapshot() {
    let artifacts = support::alertmanager::emit(&compile(Path::new("specs")));
    let config = support::alertmanager::artifact(&artifacts, "alertmanager/alertmanager.yml");
    insta::assert_snapshot!("flagship_alertmanager_yml", config);
    let table = support::alertmanager::artifact(&artifacts, "alertmanager/route-tests.tsv");
    insta::assert_snapshot!("flagship_route_tests_tsv", table);
}

#[test]
fn fixture_config_snapshots() {
    insta::glob!("fixtures/ok/alertmanager-*/spec.kdl", |path| {
        let artifacts =
            support::alertmanager::emit(&compile(path.parent().expect("fixture folder")));
        let config = support::alertmanager::artifact(&artifacts, "alertmanager/alertmanager.yml");
        insta::assert_snapshot!(config);
    });
}

#[test]
#[ignore = "slow tier: needs amtool"]
fn amtool_accepts_every_config_and_route_test() {
    let amtool = amtool();
    let installed = installed_version(&amtool);
    let mut checked = 0;
    for spec in fixtures() {
        let model = compile(&spec);
        if model.targets.alertmanager > installed {
            eprintln!(
                "{}: targets Alertmanager {}, amtool is {installed}: config not loadable here",
                spec.display(),
                model.targets.alertmanager
            );
            continue;
        }
        let dir = tempfile::tempdir().expect("temp dir");
        let config = generate_into(&model, dir.path());
        let check = Command::new(&amtool)
            .arg("check-config")
            .arg(&config)
            .output()
            .expect("amtool runs");
        assert!(
            check.status.success(),
            "amtool check-config rejects the config of {}:\n{}{}",
            spec.display(),
            String::from_utf8_lossy(&check.stdout),
            String::from_utf8_lossy(&check.stderr)
        );
        let script = dir.path().join("route-tests.sh");
        let routes = Command::new("sh")
            .arg(&script)
            .arg(&config)
            .env("PATH", path_with(&amtool))
            .output()
            .expect("sh runs");
        let stdout = String::from_utf8_lossy(&routes.stdout);
        assert!(
            routes.status.success(),
            "route tests of {} fail:\n{stdout}{}",
            spec.display(),
            String::from_utf8_lossy(&routes.stderr)
        );
        assert!(stdout.contains("route tests passed"), "{stdout}");
        checked += 1;
    }
    assert!(checked >= 7, "only {checked} configs were checked");
}

/// The script calls `amtool` by name: make sure the one found here is first on PATH.
fn path_with(amtool: &Path) -> String {
    let dir = amtool.parent().map(Path::to_path_buf).unwrap_or_default();
    let rest = std::env::var("PATH").unwrap_or_default();
    format!("{}:{rest}", dir.display())
}
