//! End to end: a real Prometheus on loopback loads the flagship's generated rules, scrapes
//! a tiny exporter served by this test, and must report every rule healthy, with no
//! evaluation error and no NaN or infinite budget.
//!
//! The only change made to the rules is dropping the 5-minute group interval, so every
//! group evaluates within seconds instead of at its first 5-minute slot.

use crate::support;
use crate::support::loopback;

use std::net::TcpListener;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use loopback::{Server, answer, encode, get_json};
use serde_json::Value;
use support::prometheus::compile;

/// Longest wait for Prometheus to start and evaluate every rule.
const DEADLINE: Duration = Duration::from_secs(90);

/// The flagship's SLI series, growing with every scrape so that rates are not zero.
fn exposition(scrape: u64) -> String {
    let n = scrape * 100;
    let errors = scrape;
    let mut lines = Vec::new();
    for op in [
        "tool_call",
        "health_check",
        "entitlement_apply",
        "receipt_verify",
        "support_model",
    ] {
        lines.push(format!(
            "erlmcp_requests_total{{operation=\"{op}\",code=\"ok\"}} {n}\n"
        ));
        lines.push(format!(
            "erlmcp_requests_total{{operation=\"{op}\",code=\"error\"}} {errors}\n"
        ));
        lines.push(histogram(
            "erlmcp_server_operation_duration_seconds",
            &format!("operation=\"{op}\","),
            &[
                "0.005", "0.01", "0.02", "0.05", "0.1", "0.25", "0.5", "1", "2.5",
            ],
            n,
        ));
    }
    lines.push(format!(
        "erlmcp_quality_gate_runs_total{{result=\"pass\"}} {n}\n"
    ));
    lines.push(format!(
        "erlmcp_quality_gate_runs_total{{result=\"fail\"}} {errors}\n"
    ));
    lines.push(format!(
        "erlmcp_deployments_total{{result=\"success\"}} {n}\n"
    ));
    lines.push(format!(
        "erlmcp_deployments_total{{result=\"failure\"}} {errors}\n"
    ));
    let hours = ["900", "1800", "3600", "7200", "14400", "28800", "86400"];
    lines.push(histogram(
        "erlmcp_delivery_lead_time_seconds",
        "",
        &hours,
        n,
    ));
    lines.push(histogram("erlmcp_andon_resolution_seconds", "", &hours, n));
    lines.concat()
}

/// A classic histogram where each bucket holds a little more than the one before.
fn histogram(name: &str, labels: &str, bounds: &[&str], n: u64) -> String {
    let mut lines = Vec::new();
    for (index, bound) in bounds.iter().enumerate() {
        let count = n * (u64::try_from(index).expect("small") + 90) / 100;
        lines.push(format!("{name}_bucket{{{labels}le=\"{bound}\"}} {count}\n"));
    }
    lines.push(format!("{name}_bucket{{{labels}le=\"+Inf\"}} {n}\n"));
    lines.push(format!(
        "{name}_count{{{}}} {n}\n",
        labels.trim_end_matches(',')
    ));
    lines.push(format!(
        "{name}_sum{{{}}} {n}\n",
        labels.trim_end_matches(',')
    ));
    lines.concat()
}

/// Serves `/metrics` on loopback from a background thread; returns its port.
fn serve_exporter() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind exporter");
    let port = listener.local_addr().expect("address").port();
    let scrapes = Arc::new(AtomicU64::new(1));
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let scrape = scrapes.fetch_add(1, Ordering::Relaxed);
            let _ = answer(stream, &exposition(scrape));
        }
    });
    port
}

/// Rule files with the group intervals removed, written as JSON (which is YAML).
fn write_rules(root: &Path) -> usize {
    let mut count = 0;
    for artifact in compile("specs") {
        if !artifact.path.starts_with("prometheus/rules/") {
            continue;
        }
        let mut document: Value = serde_saphyr::from_str(&artifact.contents).expect("YAML");
        for group in document["groups"].as_array_mut().expect("groups") {
            group.as_object_mut().expect("group").remove("interval");
        }
        std::fs::write(
            root.join(format!("rules-{count}.json")),
            document.to_string(),
        )
        .expect("write rules");
        count += 1;
    }
    count
}

fn start_prometheus(root: &Path, exporter: u16) -> (Server, u16) {
    loopback::start_prometheus(root, |_| {
        format!(
            "global: {{scrape_interval: 1s, evaluation_interval: 1s}}\n\
             rule_files: ['{}/rules-*.json']\n\
             scrape_configs:\n\
             - job_name: erlmcp\n  static_configs: [{{targets: ['127.0.0.1:{exporter}']}}]\n\
             - job_name: erlmcp-delivery\n  static_configs: [{{targets: ['127.0.0.1:{exporter}']}}]\n",
            root.display()
        )
    })
}

/// Every rule of every group, once each has been evaluated at least once.
fn evaluated_rules(port: u16) -> Option<Vec<Value>> {
    let rules = get_json(port, "/api/v1/rules")?;
    let groups = rules["data"]["groups"].as_array()?.clone();
    let all: Vec<Value> = groups
        .iter()
        .flat_map(|g| g["rules"].as_array().cloned().unwrap_or_default())
        .collect();
    let done = !all.is_empty()
        && all
            .iter()
            .all(|r| r["health"] != "unknown" && r["lastEvaluation"] != "0001-01-01T00:00:00Z");
    done.then_some(all)
}

#[test]
#[ignore = "slow tier: starts Prometheus"]
fn prometheus_evaluates_every_generated_rule() {
    let dir = tempfile::tempdir().expect("temp dir");
    let files = write_rules(dir.path());
    assert!(files > 0);
    let exporter = serve_exporter();
    let (_server, port) = start_prometheus(dir.path(), exporter);
    let start = Instant::now();
    let rules = loop {
        // Wait until base rates exist too, so derived rules evaluate on real data.
        if let Some(rules) =
            evaluated_rules(port).filter(|_| start.elapsed() > Duration::from_secs(8))
        {
            break rules;
        }
        assert!(
            start.elapsed() < DEADLINE,
            "Prometheus did not evaluate every rule in time"
        );
        std::thread::sleep(Duration::from_millis(500));
    };
    for rule in &rules {
        assert_eq!(rule["health"], "ok", "unhealthy rule: {rule}");
        assert!(
            rule["lastError"].as_str().unwrap_or_default().is_empty(),
            "rule failed: {rule}"
        );
    }
    // Derived series appear once their inputs have two scrapes: wait for all of them.
    let samples = loop {
        let budget = get_json(
            port,
            "/api/v1/query?query=slo:period_error_budget_remaining:ratio",
        );
        let samples = budget
            .and_then(|b| b["data"]["result"].as_array().cloned())
            .unwrap_or_default();
        if samples.len() == 10 {
            break samples;
        }
        assert!(
            start.elapsed() < DEADLINE,
            "expected one budget per flagship SLO, got {samples:?}"
        );
        std::thread::sleep(Duration::from_millis(500));
    };
    for sample in samples {
        let value: f64 = sample["value"][1]
            .as_str()
            .expect("value")
            .parse()
            .expect("number");
        assert!(value.is_finite(), "budget is not finite: {sample}");
    }
    overview_table_has_one_row_per_slo(port);
}

/// The SLO overview's five table queries each give one series per SLO, labelled only by
/// `service` and `slo`, so Grafana's merge joins them into one row per SLO.
fn overview_table_has_one_row_per_slo(port: u16) {
    // The committed dashboard: `vigil check` in the test command keeps it current.
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("generated/grafana/dashboards/shared/vigil-overview-slos.json");
    let overview = std::fs::read_to_string(path).expect("the flagship overview");
    let dashboard: Value = serde_json::from_str(&overview).expect("JSON");
    let targets = dashboard["panels"][0]["targets"]
        .as_array()
        .expect("targets");
    assert_eq!(targets.len(), 5);
    let mut rows = Vec::new();
    for target in targets {
        let expr = target["expr"].as_str().expect("expr");
        let path = format!("/api/v1/query?query={}", encode(expr));
        let result = get_json(port, &path).expect("query answered");
        let series = result["data"]["result"]
            .as_array()
            .expect("a vector")
            .clone();
        let mut labels: Vec<String> = series
            .iter()
            .map(|s| {
                let metric = s["metric"].as_object().expect("labels");
                let keys: Vec<&str> = metric.keys().map(String::as_str).collect();
                assert_eq!(keys, ["service", "slo"], "`{expr}`: {s}");
                format!("{}/{}", metric["service"], metric["slo"])
            })
            .collect();
        labels.sort();
        if target["refId"] == "E" {
            for s in &series {
                let status = s["value"][1].as_str().expect("value");
                assert!(["0", "1", "2"].contains(&status), "status {status}: {s}");
            }
        }
        rows.push(labels);
    }
    assert_eq!(rows[0].len(), 10, "one row per flagship SLO: {:?}", rows[0]);
    assert!(
        rows.iter().all(|r| r == &rows[0]),
        "queries disagree on rows: {rows:?}"
    );
}
