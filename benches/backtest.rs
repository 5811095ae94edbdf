//! `cargo bench --bench backtest`: how long `vigil backtest` takes for 100 SLOs over 30
//! days against a local Prometheus, queries included.
//!
//! Ten services (`job="svcN"`) export `http_requests_total` for two codes, one sample a
//! minute for 60 days (30 days of range and the 28-day period before it, plus a margin),
//! with an outage and a slow burn per service. The history is backfilled with `promtool
//! tsdb create-blocks-from openmetrics`, a Prometheus is started on it, and a spec of ten
//! ratio SLOs per service (objectives from 99 % to 99.95 %, default page and ticket alerts)
//! is backtested over the last 30 days of the history, `--runs` times (default 3).
//!
//! `--keep DIR` keeps the history, the TSDB and the spec in `DIR` and reuses a TSDB found
//! there (the backfill takes minutes). Needs `prometheus` and `promtool` on PATH (Debian
//! package `prometheus`) and GNU `time`. Prints figures; asserts nothing about time.

#[path = "../tests/support/loopback.rs"]
mod loopback;

use std::fmt::Write as _;
use std::io::{BufWriter, Write as _};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use loopback::{start_prometheus_with, wait_ready};

/// 2026-01-01T00:00:00Z, in seconds.
const START: i64 = 1_767_225_600;
const DAYS: i64 = 60;
const SERVICES: usize = 10;
const SLOS_PER_SERVICE: usize = 10;

fn main() {
    let option = |name: &str| std::env::args().skip_while(|a| a != name).nth(1);
    let runs: usize = option("--runs").and_then(|n| n.parse().ok()).unwrap_or(3);
    let temporary = tempfile::tempdir().expect("temp dir");
    let kept = option("--keep").map(std::path::PathBuf::from);
    let dir = kept.as_deref().unwrap_or(temporary.path());
    std::fs::create_dir_all(dir).expect("the folder");
    if dir.join("data").is_dir() {
        println!("history: the TSDB in {}", dir.display());
    } else {
        backfill(dir);
    }
    let (_server, port) =
        start_prometheus_with(dir, &["--storage.tsdb.retention.time=3650d"], |_| {
            String::from("global: {scrape_interval: 1m}\n")
        });
    assert!(
        wait_ready(port, "/-/ready", Duration::from_secs(120)),
        "Prometheus is ready"
    );
    std::fs::write(dir.join("spec.kdl"), spec()).expect("write spec");
    let url = format!("http://127.0.0.1:{port}");
    let arguments = [
        "backtest",
        "spec.kdl",
        "--prometheus",
        &url,
        "--from",
        "2026-01-31T00:00:00Z",
        "--to",
        "2026-03-01T23:59:00Z",
        "--format",
        "json",
    ];
    let mut walls = Vec::new();
    let mut cpu = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        let output = Command::new("/usr/bin/time")
            .args(["-f", "%U %S", "-o", "time.txt", env!("CARGO_BIN_EXE_vigil")])
            .args(arguments)
            .current_dir(dir)
            .output()
            .expect("vigil runs under GNU time");
        walls.push(started.elapsed().as_secs_f64());
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let used = std::fs::read_to_string(dir.join("time.txt")).expect("GNU time's figures");
        cpu.push(
            used.split_whitespace()
                .filter_map(|n| n.parse::<f64>().ok())
                .sum::<f64>(),
        );
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
        let slos = report["slos"].as_array().map_or(0, Vec::len);
        assert_eq!(slos, SERVICES * SLOS_PER_SERVICE);
    }
    walls.sort_by(f64::total_cmp);
    cpu.sort_by(f64::total_cmp);
    println!(
        "vigil backtest, {} SLOs × 30 days at 1m evaluations: wall min {:.2} s, median {:.2} s, max {:.2} s; vigil's own CPU median {:.2} s ({runs} runs)",
        SERVICES * SLOS_PER_SERVICE,
        walls[0],
        walls[walls.len() / 2],
        walls[walls.len() - 1],
        cpu[cpu.len() / 2],
    );
}

fn backfill(dir: &Path) {
    let started = Instant::now();
    write_history(&dir.join("history.om"));
    loopback::backfill(&dir.join("history.om"), &dir.join("data"));
    println!(
        "history: {} series × {DAYS} days at 1m, backfilled in {:.1} s",
        SERVICES * 2,
        started.elapsed().as_secs_f64()
    );
}

/// Counters one sample a minute: 50 requests/s per service with 0.05 % errors; service N
/// fails completely for 20 minutes on day 40 + N and runs at 0.5 % errors on day 45 + N.
fn write_history(path: &Path) {
    let file = std::fs::File::create(path).expect("create history");
    let mut out = BufWriter::new(file);
    writeln!(out, "# TYPE http_requests counter").expect("write");
    for service in 0..SERVICES {
        let offset = i64::try_from(service).expect("few services");
        let share = |minute: i64| {
            let (day, of_day) = (minute / 1_440, minute % 1_440);
            if day == 40 + offset && (600..620).contains(&of_day) {
                1.0
            } else if day == 45 + offset {
                0.005
            } else {
                0.0005
            }
        };
        for (code, failed) in [("200", false), ("500", true)] {
            let mut count = 0.0_f64;
            let mut lines = String::new();
            for minute in 0..DAYS * 1_440 {
                let errors = share(minute);
                count += 3_000.0 * if failed { errors } else { 1.0 - errors };
                let at = START + minute * 60;
                let _ = writeln!(
                    lines,
                    "http_requests_total{{job=\"svc{service}\",code=\"{code}\"}} {count:.3} {at}"
                );
            }
            out.write_all(lines.as_bytes()).expect("write");
        }
    }
    writeln!(out, "# EOF").expect("write");
}

fn spec() -> String {
    let mut spec = String::from(
        "vigil 1\ntier page level=1 severity=critical page=#true\ntier ticket level=2 severity=warning\n",
    );
    let objectives = ["99", "99.5", "99.9", "99.95"];
    // Ten ways to select the failing code: every SLO's queries differ (identical ones
    // would be asked once), while the history stays twenty series.
    let errors = [
        "code=\\\"500\\\"",
        "code=~\\\"5..\\\"",
        "code=~\\\"500\\\"",
        "code!=\\\"200\\\"",
        "code=~\\\"5.*\\\"",
        "code!~\\\"2..\\\"",
        "code=~\\\"[5]00\\\"",
        "code=~\\\"50.\\\"",
        "code=~\\\"5[0-9]0\\\"",
        "code!~\\\"2.*\\\"",
    ];
    for service in 0..SERVICES {
        let _ = writeln!(
            spec,
            "service svc{service} {{ selector job=\"svc{service}\"; }}"
        );
        for slo in 0..SLOS_PER_SERVICE {
            let _ = writeln!(
                spec,
                "slo availability-{slo} service=svc{service} {{\n    objective {}\n    window \"28d\"\n    sli {{ ratio errors=\"http_requests_total{{{}}}\" total=\"http_requests_total\" }}\n    alerting {{\n        page tier=page\n        ticket tier=ticket\n    }}\n}}",
                objectives[slo % objectives.len()],
                errors[slo % errors.len()]
            );
        }
    }
    spec.push_str(
        "metric http_requests_total type=counter external=#true {\n    help \"Requests handled, by status code\"\n}\n",
    );
    spec
}
