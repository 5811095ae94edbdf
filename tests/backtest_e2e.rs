//! `vigil backtest` against a real Prometheus whose TSDB holds 36 days of synthetic
//! history with known incidents, backfilled with `promtool tsdb create-blocks-from
//! openmetrics`: each incident is found with the right tier and time and nothing else
//! fires; a stricter objective shows more pages.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

use serde_json::Value;

use crate::support::deadline::vigil;
use crate::support::loopback::{backfill, start_prometheus_with, wait_ready};

/// 2026-01-01T00:00:00Z, in seconds.
const START: i64 = 1_767_225_600;
const DAYS: i64 = 36;
/// Day 30, 10:00–10:30 UTC: every request fails.
const OUTAGE: (i64, i64) = (30 * 1_440 + 600, 30 * 1_440 + 630);
/// Day 32, all day: 2 % of requests fail (above the 28d ticket thresholds, below the pages).
const SLOW_BURN_DAY: i64 = 32;

/// The counters an exporter would have shown, one sample a minute: 100 requests/s with
/// 0.1 % errors, and the incidents above.
fn history() -> String {
    let (mut ok, mut failed) = (0.0_f64, 0.0_f64);
    let (mut ok_lines, mut failed_lines) = (String::new(), String::new());
    for minute in 0..DAYS * 1_440 {
        let share = if (OUTAGE.0..OUTAGE.1).contains(&minute) {
            1.0
        } else if minute / 1_440 == SLOW_BURN_DAY {
            0.02
        } else {
            0.001
        };
        ok += 6_000.0 * (1.0 - share);
        failed += 6_000.0 * share;
        let at = START + minute * 60;
        let _ = writeln!(
            ok_lines,
            "http_requests_total{{job=\"api\",code=\"200\"}} {ok:.3} {at}"
        );
        let _ = writeln!(
            failed_lines,
            "http_requests_total{{job=\"api\",code=\"500\"}} {failed:.3} {at}"
        );
    }
    format!("# TYPE http_requests counter\n{ok_lines}{failed_lines}# EOF\n")
}

fn spec(objective: &str) -> String {
    format!(
        "vigil 1
tier page level=1 severity=critical page=#true
tier ticket level=2 severity=warning
service api {{ selector job=\"api\"; }}
metric http_requests_total type=counter service=api {{
    help \"Requests handled, by status code\"
    label code \"200\" \"500\"
}}
slo availability service=api {{
    objective {objective}
    window \"28d\"
    sli {{ ratio errors=\"http_requests_total{{code=\\\"500\\\"}}\" total=\"http_requests_total\" }}
    alerting {{
        page tier=page
        ticket tier=ticket
    }}
}}
"
    )
}

fn backtest(dir: &Path, spec_file: &str, port: u16, more: &[&str]) -> Value {
    let url = format!("http://127.0.0.1:{port}");
    let mut arguments = vec![
        "backtest",
        spec_file,
        "--prometheus",
        &url,
        "--from",
        "2026-01-30T00:00:00Z",
        "--to",
        "2026-02-05T23:59:00Z",
        "--format",
        "json",
    ];
    arguments.extend(more);
    let output = vigil(dir, &arguments);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("a JSON report")
}

/// Every firing interval as (alert, tier, start minute from [`START`]).
fn firings(report: &Value) -> Vec<(String, String, i64)> {
    let minute = |text: &str| {
        chrono::DateTime::parse_from_rfc3339(text)
            .expect("RFC 3339")
            .timestamp()
            / 60
            - START / 60
    };
    let mut all = Vec::new();
    for alert in report["slos"][0]["alerts"].as_array().expect("alerts") {
        for firing in alert["firing"].as_array().expect("firing") {
            all.push((
                alert["alert"].as_str().expect("name").to_owned(),
                alert["tier"].as_str().expect("tier").to_owned(),
                minute(firing["start"].as_str().expect("start")),
            ));
        }
    }
    all
}

#[test]
#[ignore = "slow tier: backfills a TSDB and starts Prometheus"]
fn the_backtest_finds_each_incident_in_a_real_prometheus() {
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("history.om");
    std::fs::write(&input, history()).expect("write history");
    backfill(&input, &dir.path().join("data"));
    // Retention counts back from the newest block: keep the whole history.
    let (_server, port) =
        start_prometheus_with(dir.path(), &["--storage.tsdb.retention.time=3650d"], |_| {
            String::from("global: {scrape_interval: 1m}\n")
        });
    assert!(
        wait_ready(port, "/-/ready", Duration::from_secs(60)),
        "Prometheus is ready"
    );
    std::fs::write(dir.path().join("spec.kdl"), spec("99.5")).expect("write spec");
    std::fs::write(dir.path().join("strict.kdl"), spec("99.95")).expect("write spec");

    let report = backtest(dir.path(), "spec.kdl", port, &[]);
    let fired = firings(&report);
    let pages: Vec<&(String, String, i64)> = fired.iter().filter(|f| f.1 == "page").collect();
    let tickets: Vec<&(String, String, i64)> = fired.iter().filter(|f| f.1 == "ticket").collect();
    // The outage pages within a quarter of an hour of its start, on both page pairs.
    assert_eq!(pages.len(), 2, "{fired:?}");
    assert!(
        pages
            .iter()
            .all(|p| (OUTAGE.0..OUTAGE.0 + 15).contains(&p.2)),
        "{pages:?}"
    );
    // Tickets open for the outage and for the slow burn, and nothing else.
    assert!(!tickets.is_empty());
    let slow_burn = SLOW_BURN_DAY * 1_440..(SLOW_BURN_DAY + 1) * 1_440;
    assert!(
        tickets
            .iter()
            .all(|t| (OUTAGE.0..OUTAGE.1 + 60).contains(&t.2) || slow_burn.contains(&t.2)),
        "{tickets:?}"
    );
    assert!(
        tickets.iter().any(|t| slow_burn.contains(&t.2)),
        "{tickets:?}"
    );
    assert_eq!(report["slos"][0]["data"], true);
    assert!(
        report["slos"][0]["gaps"]
            .as_array()
            .is_some_and(Vec::is_empty)
    );

    // 99.95 % leaves a tenth of the budget: the slow burn pages too. Compared with the
    // 99.5 % spec as the base version, the report carries both.
    let strict = backtest(dir.path(), "strict.kdl", port, &["--base-dir", "spec.kdl"]);
    let slo = &strict["slos"][0];
    let strict_pages = slo["pages"].as_u64().expect("pages");
    assert!(strict_pages > 2, "{:?}", firings(&strict));
    assert_eq!(slo["before"]["pages"].as_u64(), Some(2));
    assert_eq!(strict["base"], "spec.kdl");
}
