//! Behavioural equivalence with Pyrra: the rule group Pyrra's own test expects for its
//! objective `objectiveHTTPRatio` (`fixtures/import/pyrra/http-ratio.rules.yaml`) and the
//! rules vigil generates from that objective imported (`http-ratio.slo.yaml`) run under
//! `promtool test rules` on the same series, scenario by scenario; the page tier (Pyrra's
//! `critical`) and the ticket tier (`warning`) must fire in the same scenarios, and the
//! minutes at which each starts are a snapshot (a vigil tier has one `for`, its fastest
//! window's, so vigil can start before Pyrra, which waits longer on its slower windows).

use crate::support;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use support::import::{Kind, compile, got_samples, import, render, sample_label};
use support::prometheus::{promtool, write_artifacts};
use vigil::import::Format;

/// Minutes between the checks of what fires.
const STEP: u32 = 5;
const REQUESTS_PER_MINUTE: f64 = 1000.0;

/// A scenario: (minutes, share of failed requests) phases.
fn scenarios() -> Vec<(&'static str, Vec<(u32, f64)>)> {
    vec![
        ("healthy", vec![(600, 0.005)]),
        ("fast-burn", vec![(60, 0.0), (120, 0.3)]),
        ("medium-burn", vec![(60, 0.0), (540, 0.09)]),
        ("slow-burn", vec![(60, 0.0), (1740, 0.03)]),
    ]
}

fn counter(phases: &[(u32, f64)], share: impl Fn(f64) -> f64) -> String {
    let mut value = 0.0;
    let mut parts = vec![String::from("0")];
    for (minutes, failed) in phases {
        let step = REQUESTS_PER_MINUTE * share(*failed);
        parts.push(format!("{}+{step}x{}", value + step, minutes - 1));
        value += step * f64::from(*minutes);
    }
    parts.join(" ")
}

/// A test file per rule set: the series, and at every step a query of what fires by
/// `by`, expected empty so that promtool prints what it got.
fn test_file(rules: &[String], groups: &[String], by: &str) -> String {
    let mut out = String::from("evaluation_interval: 1m\nrule_files:\n");
    for rule in rules {
        let _ = writeln!(out, "  - {rule}");
    }
    // Groups in their files' order: promtool's own order varies between runs, and a
    // recording read one step late moves a start by a step.
    out.push_str("group_eval_order:\n");
    for group in groups {
        let _ = writeln!(out, "  - {group}");
    }
    out.push_str("tests:\n");
    for (name, phases) in scenarios() {
        let _ = writeln!(out, "  - name: {name}\n    interval: 1m\n    input_series:");
        let series = r#"http_requests_total{job="thanos-receive-default",code="#;
        for (code, share) in [("500", 1.0), ("200", 0.0)] {
            let values = counter(
                &phases,
                |failed| if share > 0.5 { failed } else { 1.0 - failed },
            );
            let _ = writeln!(
                out,
                "      - series: '{series}\"{code}\"}}'\n        values: '{values}'"
            );
        }
        out.push_str("    promql_expr_test:\n");
        let total: u32 = phases.iter().map(|(minutes, _)| minutes).sum();
        for minute in (STEP..total).step_by(STEP as usize) {
            let _ = writeln!(
                out,
                "      - expr: 'label_replace(group by ({by}) (ALERTS{{alertstate=\"firing\"}}), \"scenario\", \"{name}\", \"\", \"\")'\n        eval_time: {minute}m\n        exp_samples: []"
            );
        }
    }
    out
}

/// (scenario, severity label value) → the first minute it fires, read from promtool's
/// failures.
fn first_firing(dir: &Path, file: &str, by: &str) -> BTreeMap<(String, String), u32> {
    let output = promtool()
        .current_dir(dir)
        .args(["test", "rules", file])
        .output()
        .expect("run promtool");
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    let mut first = BTreeMap::new();
    for (minute, sample) in got_samples(&text) {
        let label = |name: &str| sample_label(&sample, name).unwrap_or_default();
        first
            .entry((label("scenario"), label(by)))
            .or_insert(u32::try_from(minute).unwrap_or(u32::MAX));
    }
    assert!(!text.contains("error") || text.contains("FAILED"), "{text}");
    first
}

/// The names of a rule file's groups, in order.
fn group_names(text: &str) -> Vec<String> {
    let value: serde_json::Value = serde_saphyr::from_str(text).expect("a rule file");
    value["groups"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|g| g["name"].as_str().map(str::to_owned))
        .collect()
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from("tests/fixtures/import/pyrra").join(name)
}

#[test]
#[ignore = "slow tier: needs promtool"]
fn pyrras_expected_rules_and_vigils_fire_in_the_same_scenarios() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(
        root.join(fixture("http-ratio.rules.yaml")),
        dir.path().join("pyrra.yaml"),
    )
    .expect("copy Pyrra's rules");
    let pyrra_rules = std::fs::read_to_string(dir.path().join("pyrra.yaml")).expect("rules");
    std::fs::write(
        dir.path().join("pyrra-test.yaml"),
        test_file(
            &["pyrra.yaml".into()],
            &group_names(&pyrra_rules),
            "severity",
        ),
    )
    .expect("Pyrra's test");

    let (imported, sources) = import(&[fixture("http-ratio.slo.yaml")], &Kind::Pyrra, Format::Kdl);
    assert!(
        !imported.diagnostics.has_errors(),
        "{}",
        render(&imported.diagnostics, &sources)
    );
    let spec = imported.spec.expect("a spec");
    let (model, diagnostics, sources) = compile("imported.kdl", &spec);
    let model = model.unwrap_or_else(|| panic!("{}\n{spec}", render(&diagnostics, &sources)));
    let artifacts = vigil::emit::prometheus::emit(&model);
    write_artifacts(dir.path(), &artifacts);
    let slo_rules: Vec<_> = artifacts
        .iter()
        .filter(|a| a.path.starts_with("prometheus/rules/slo-"))
        .collect();
    let rules: Vec<String> = slo_rules.iter().map(|a| a.path.clone()).collect();
    let groups: Vec<String> = slo_rules
        .iter()
        .flat_map(|a| group_names(&a.contents))
        .collect();
    std::fs::write(
        dir.path().join("vigil-test.yaml"),
        test_file(&rules, &groups, "severity"),
    )
    .expect("vigil's test");

    let pyrra = first_firing(dir.path(), "pyrra-test.yaml", "severity");
    let vigil = first_firing(dir.path(), "vigil-test.yaml", "severity");
    let scenarios: Vec<&str> = scenarios().iter().map(|(name, _)| *name).collect();
    let mut report = String::new();
    for scenario in scenarios {
        for severity in ["critical", "warning"] {
            let key = (scenario.to_owned(), severity.to_owned());
            let (p, v) = (pyrra.get(&key), vigil.get(&key));
            assert_eq!(
                p.is_some(),
                v.is_some(),
                "{scenario} {severity}: Pyrra fires from {p:?}, vigil from {v:?}"
            );
            if let (Some(p), Some(v)) = (p, v) {
                let _ = writeln!(
                    report,
                    "{scenario} {severity}: Pyrra from {p}m, vigil from {v}m"
                );
            }
        }
    }
    insta::assert_snapshot!(report);
}
