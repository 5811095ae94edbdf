//! The synthetic organisation of `benches/` at a small size: every service has SLOs named
//! `availability` and `latency`; the output keeps them apart (files, rule groups, alert
//! names, runbooks), passes `promtool check rules`, `promtool test rules`, `amtool
//! check-config` and the generated route tests, and is snapshot-tested.

use crate::support;
use crate::support::org;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use vigil::emit::{Artifact, Options};

const SERVICES: usize = 12;

fn generate() -> Vec<Artifact> {
    let dir = tempfile::tempdir().expect("temp dir");
    let spec = dir.path().join("org.kdl");
    std::fs::write(&spec, org::org_kdl(SERVICES)).expect("write the spec");
    let mut sources = vigil::source::Sources::default();
    let (model, diagnostics) = vigil::app::compile(&[spec], &mut sources);
    assert!(
        diagnostics.is_empty(),
        "{}",
        vigil::report::human(
            &diagnostics,
            &sources,
            vigil::report::Style {
                color: false,
                width: 100
            }
        )
    );
    let model = model.expect("the organisation compiles");
    assert_eq!(model.slos.len(), 2 * SERVICES);
    let mut artifacts = vigil::emit::emit(&model, &Options::default()).expect("emits");
    artifacts.sort_by(|a, b| a.path.cmp(&b.path));
    // What `generate` and `check` write and compare: the backends streamed, the
    // Prometheus one in parts on threads of their own.
    let streamed = std::sync::Mutex::new(Vec::new());
    vigil::emit::stream(&model, &Options::default(), &|batch| {
        streamed.lock().expect("not poisoned").extend(batch);
    })
    .expect("streams");
    let mut streamed = streamed.into_inner().expect("not poisoned");
    streamed.sort_by(|a, b| a.path.cmp(&b.path));
    assert!(streamed == artifacts, "streamed output differs from emit's");
    artifacts
}

/// Every SLO alert name of the output, from the generated rule files.
fn alert_names(artifacts: &[Artifact]) -> BTreeSet<String> {
    artifacts
        .iter()
        .filter(|a| a.path.starts_with("prometheus/rules/"))
        .flat_map(|a| a.contents.lines())
        .filter_map(|line| line.trim().strip_prefix("- alert: "))
        .map(str::to_owned)
        .collect()
}

#[test]
fn services_share_slo_names_and_the_output_tells_them_apart() {
    let artifacts = generate();
    let paths: Vec<&str> = artifacts.iter().map(|a| a.path.as_str()).collect();
    let unique: BTreeSet<&str> = paths.iter().copied().collect();
    assert_eq!(unique.len(), paths.len(), "two artefacts share a path");
    let alerts = alert_names(&artifacts);
    for index in [0, 1, SERVICES - 1] {
        let service = org::service_name(index);
        let stem: String = service
            .split('-')
            .map(|p| p[..1].to_uppercase() + &p[1..])
            .collect();
        for alert in [
            format!("{stem}AvailabilityBurnRatePage"),
            format!("{stem}LatencyBurnRateTicket"),
            format!("{stem}LatencySliAbsent"),
        ] {
            assert!(alerts.contains(&alert), "{alert} missing from {alerts:?}");
            assert!(
                paths.contains(&format!("docs/runbooks/{alert}.md").as_str()),
                "no runbook for {alert}"
            );
        }
        assert!(
            paths.contains(&format!("prometheus/rules/slo-{service}-availability.yaml").as_str())
        );
    }
    let listing = paths.join("\n");
    insta::assert_snapshot!("org_paths", listing);
    let first = org::service_name(0);
    let rules = artifacts
        .iter()
        .find(|a| a.path == format!("prometheus/rules/slo-{first}-availability.yaml"))
        .expect("the first service's availability rules");
    insta::assert_snapshot!("org_first_availability_rules", rules.contents);
    let catalog = artifacts
        .iter()
        .find(|a| a.path == "docs/slos.md")
        .expect("the SLO catalog");
    for index in 0..SERVICES {
        let heading = format!("## availability ({})", org::service_name(index));
        assert!(catalog.contents.contains(&heading), "{heading}");
    }
}

fn write(root: &Path, artifacts: &[Artifact]) {
    support::prometheus::write_artifacts(root, artifacts);
}

fn files_under(root: &Path, folder: &str) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(root.join(folder))
        .expect("the folder exists")
        .map(|entry| entry.expect("an entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
}

#[test]
#[ignore = "slow tier: needs promtool and amtool"]
fn the_organisation_passes_promtool_and_amtool() {
    let artifacts = generate();
    let dir = tempfile::tempdir().expect("temp dir");
    write(dir.path(), &artifacts);
    let rules = files_under(dir.path(), "prometheus/rules");
    let check = support::prometheus::promtool()
        .args(["check", "rules", "--lint-fatal"])
        .args(&rules)
        .output()
        .expect("promtool runs");
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let tests = files_under(dir.path(), "prometheus/tests");
    assert!(tests.len() >= 2 * SERVICES, "{} test files", tests.len());
    let test = support::prometheus::promtool()
        .args(["test", "rules"])
        .args(&tests)
        .current_dir(dir.path().join("prometheus/tests"))
        .output()
        .expect("promtool runs");
    assert!(
        test.status.success(),
        "{}{}",
        String::from_utf8_lossy(&test.stdout),
        String::from_utf8_lossy(&test.stderr)
    );
    let amtool = support::alertmanager::amtool();
    let config = dir.path().join("alertmanager/alertmanager.yml");
    let checked = Command::new(&amtool)
        .arg("check-config")
        .arg(&config)
        .output()
        .expect("amtool runs");
    assert!(
        checked.status.success(),
        "{}",
        String::from_utf8_lossy(&checked.stdout)
    );
    let path = format!(
        "{}:{}",
        amtool
            .parent()
            .map(Path::display)
            .map(|d| d.to_string())
            .unwrap_or_default(),
        std::env::var("PATH").unwrap_or_default()
    );
    let routes = Command::new("sh")
        .arg(dir.path().join("alertmanager/route-tests.sh"))
        .arg(&config)
        .env("PATH", path)
        .output()
        .expect("sh runs");
    let stdout = String::from_utf8_lossy(&routes.stdout);
    assert!(
        routes.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&routes.stderr)
    );
    assert!(stdout.contains("route tests passed"), "{stdout}");
}
