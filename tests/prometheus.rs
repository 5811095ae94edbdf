//! The Prometheus backend against the real tools: `promtool check rules --lint-fatal` on
//! every rule file of every dialect, `promtool test rules` on every generated test file,
//! and snapshots of the flagship's and the fixtures' rule files.
//!
//! promtool must be installed (Debian package `prometheus`): without it these tests fail.

use crate::support;

use std::fmt::Write as _;

use serde_json::Value;
use support::prometheus::{BACKEND_DIRS, compile, promtool, write_artifacts};

/// Every spec whose output these tests prove: the flagship and one fixture per SLI family.
const CASES: &[&str] = &[
    "specs",
    "tests/fixtures/ok/slo-ratio-good",
    "tests/fixtures/ok/slo-latency-native",
    "tests/fixtures/ok/slo-availability-query",
    "tests/fixtures/ok/ops-own-summary",
];

/// A dialect's file as the plain rule file promtool checks: the `PrometheusRule`'s `spec`,
/// Mimir's file without `namespace`, Thanos' groups without `partial_response_strategy`.
fn as_plain_rules(path: &str, contents: &str) -> Option<Value> {
    let mut document: Value = serde_saphyr::from_str(contents).expect("generated YAML parses");
    if path.starts_with("prometheus/rules/") {
        return Some(document);
    }
    if path.starts_with("prometheus-operator/") {
        assert_eq!(document["kind"], "PrometheusRule", "{path}");
        assert_eq!(document["apiVersion"], "monitoring.coreos.com/v1", "{path}");
        return Some(document["spec"].take());
    }
    if path.starts_with("mimir/") {
        let object = document.as_object_mut().expect("a mapping");
        assert!(
            object.remove("namespace").is_some(),
            "{path} has no namespace"
        );
        return Some(document);
    }
    if path.starts_with("thanos/") {
        for group in document["groups"].as_array_mut().expect("groups") {
            let group = group.as_object_mut().expect("a group");
            assert_eq!(
                group.remove("partial_response_strategy"),
                Some(Value::from("abort")),
                "{path}"
            );
        }
        return Some(document);
    }
    None
}

#[test]
#[ignore = "slow tier: needs promtool"]
fn every_dialect_passes_promtool_check() {
    for case in CASES {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut files = Vec::new();
        for (index, artifact) in compile(case).iter().enumerate() {
            let Some(plain) = as_plain_rules(&artifact.path, &artifact.contents) else {
                continue;
            };
            check_group_limits(&artifact.path, &plain);
            // JSON is YAML: promtool reads it as a rule file.
            let file = dir.path().join(format!("{index}.json"));
            std::fs::write(&file, plain.to_string()).expect("write");
            files.push(file);
        }
        assert!(!files.is_empty(), "{case}: no rule files");
        let output = promtool()
            .args(["check", "rules", "--lint-fatal"])
            .args(&files)
            .output()
            .expect("run promtool");
        assert!(
            output.status.success(),
            "{case}: promtool check rules failed:\n{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// Groups hold at most 20 rules; alerts carry the conventional labels and annotations.
fn check_group_limits(path: &str, plain: &Value) {
    for group in plain["groups"].as_array().expect("groups") {
        let rules = group["rules"].as_array().expect("rules");
        assert!(
            rules.len() <= 20,
            "{path}: group {} is too long",
            group["name"]
        );
        for rule in rules.iter().filter(|r| r.get("alert").is_some()) {
            let name = rule["alert"].as_str().expect("alert name");
            assert!(name.len() <= 200, "{path}: {name} is longer than 200");
            assert!(name.starts_with(|c: char| c.is_ascii_uppercase()), "{name}");
            assert!(name.chars().all(|c| c.is_ascii_alphanumeric()), "{name}");
            // SLO alerts name their service and SLO; threshold alerts (`alerts-*` groups)
            // carry `service` when their spec names one.
            let slo_group = group["name"]
                .as_str()
                .is_some_and(|g| g.starts_with("slo-"));
            let required: &[&str] = if slo_group {
                &["severity", "tier", "service", "slo"]
            } else {
                &["severity", "tier"]
            };
            for label in required {
                assert!(rule["labels"].get(*label).is_some(), "{name}: no {label}");
            }
            for annotation in ["summary", "description", "runbook_url"] {
                assert!(
                    rule["annotations"].get(annotation).is_some(),
                    "{name}: no {annotation}"
                );
            }
            let summary = rule["annotations"]["summary"].as_str().unwrap_or_default();
            assert!(
                summary.ends_with('.') && !summary.contains("{{"),
                "{summary}"
            );
        }
    }
}

#[test]
#[ignore = "slow tier: needs promtool"]
fn generated_promtool_tests_pass() {
    for case in CASES {
        let dir = tempfile::tempdir().expect("temp dir");
        let artifacts = compile(case);
        write_artifacts(dir.path(), &artifacts);
        let tests_dir = dir.path().join("prometheus/tests");
        let mut tests: Vec<String> = artifacts
            .iter()
            .filter_map(|a| a.path.strip_prefix("prometheus/tests/"))
            .map(str::to_owned)
            .collect();
        tests.sort();
        assert!(!tests.is_empty(), "{case}: no promtool tests generated");
        let output = promtool()
            .current_dir(&tests_dir)
            .args(["test", "rules"])
            .args(&tests)
            .output()
            .expect("run promtool");
        assert!(
            output.status.success(),
            "{case}: promtool test rules failed:\n{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

#[test]
fn flagship_rules_snapshots() {
    for artifact in compile("specs") {
        if artifact.path.starts_with("prometheus/rules/") {
            let name = artifact.path.replace('/', "__");
            insta::assert_snapshot!(name, artifact.contents);
        }
    }
}

#[test]
fn fixture_snapshots() {
    insta::glob!("fixtures/ok/slo-*/spec.kdl", |path| {
        let folder = path.parent().expect("fixture folder");
        let relative =
            std::path::Path::new("tests/fixtures/ok").join(folder.file_name().expect("name"));
        let mut text = String::new();
        for artifact in compile(relative.to_str().expect("utf-8")) {
            if BACKEND_DIRS.iter().any(|d| artifact.path.starts_with(d)) {
                let _ = write!(text, "=== {} ===\n{}", artifact.path, artifact.contents);
            }
        }
        insta::assert_snapshot!(text);
    });
}

/// Burn thresholds are derived from the period (never a fixed table) and printed exactly.
#[test]
fn burn_thresholds_are_exact() {
    let artifacts = compile("specs");
    let file = |slo: &str| {
        artifacts
            .iter()
            .find(|a| a.path == format!("prometheus/rules/slo-{slo}.yaml"))
            .map(|a| a.contents.replace('\n', " "))
            .expect("rule file")
    };
    // 30 days, 99.9 %: 14.4 and 6 (page), 3 and 1 (ticket) times 0.001.
    let availability = file("erlmcp-availability");
    for threshold in ["> 0.0144 ", "> 0.006 ", "> 0.003 ", "> 0.001 "] {
        assert!(availability.contains(threshold), "{threshold}");
    }
    // 28 days, 90 %: ticket factors 2.8 and 0.9333… times 0.1, to 12 significant digits.
    let lead_time = file("erlmcp-delivery-lead-time");
    assert!(lead_time.contains("> 0.28 "));
    assert!(lead_time.contains("> 0.0933333333333)"));
    assert!(!availability.contains("0000000001"), "float noise");
}

/// The scrape snippets, embedded in a complete `prometheus.yml` beside a job of the
/// operator's own, pass `promtool check config`; the flagship's allow-list keeps exactly
/// the declared metrics.
#[test]
#[ignore = "slow tier: needs promtool"]
fn scrape_snippets_pass_promtool_check_config() {
    let artifacts = compile("specs");
    let snippets: Vec<_> = artifacts
        .iter()
        .filter(|a| a.path.starts_with("prometheus/scrape/"))
        .collect();
    assert!(!snippets.is_empty(), "no scrape snippets");
    for snippet in snippets {
        let document: Value = serde_saphyr::from_str(&snippet.contents).expect("YAML");
        let mut jobs = document["scrape_configs"].as_array().expect("jobs").clone();
        for job in &mut jobs {
            job["static_configs"] = serde_json::json!([{"targets": ["127.0.0.1:9100"]}]);
            assert!(job["label_limit"].as_u64().is_some(), "{}", snippet.path);
            assert!(job["label_value_length_limit"].as_u64().is_some());
        }
        jobs.push(serde_json::json!({"job_name": "node", "static_configs": [{"targets": ["127.0.0.1:9100"]}]}));
        let config = serde_json::json!({
            "global": {"scrape_interval": "15s"},
            "scrape_configs": jobs,
        });
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("prometheus.yml");
        std::fs::write(&file, config.to_string()).expect("write");
        let output = promtool()
            .args(["check", "config"])
            .arg(&file)
            .output()
            .expect("run promtool");
        assert!(
            output.status.success(),
            "{}: promtool check config failed:\n{}{}",
            snippet.path,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let erlmcp = artifacts
        .iter()
        .find(|a| a.path == "prometheus/scrape/erlmcp.yaml")
        .expect("erlmcp snippet");
    let document: Value = serde_saphyr::from_str(&erlmcp.contents).expect("YAML");
    let job = &document["scrape_configs"][0];
    assert_eq!(job["job_name"], "erlmcp");
    assert!(job["sample_limit"].as_u64().is_some());
    let keep = job["metric_relabel_configs"][0]["regex"]
        .as_str()
        .expect("regex");
    assert!(keep.contains("erlmcp_requests_total|"), "{keep}");
    assert!(
        keep.contains("erlmcp_server_operation_duration_seconds_bucket"),
        "{keep}"
    );
}
