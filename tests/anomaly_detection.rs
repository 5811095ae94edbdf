//! Measures the generated anomaly rules on synthetic data.
//!
//! Ten and a half days of per-minute samples for each of the flagship's anomaly items,
//! with a daily cycle (±50 % for the request rate, ±20 % for the latency), a weekend dip
//! (−40 %, ramping over twelve hours), and 5 % Gaussian noise; on the last half day three
//! anomalies are injected: a +50 % step for an hour, a tripling for 15 minutes, and a drop
//! to zero for 30 minutes. The flagship's own anomaly rules (its `anomaly` nodes with the
//! expression replaced by the synthetic series) are evaluated by promtool — Prometheus'
//! rule engine, minute by minute — with one "no alert expected" check per minute from day
//! 7 on; every check that fails is a minute the alert fired. From that timeline:
//!
//! - detection delay: first firing minute after each injection, minus `for`;
//! - false positives: the share of minutes of days 7 to 10 (no anomaly, the weekly
//!   seasonality in use) during which the alert fired.
//!
//! Run it and print the figures with
//! `cargo test --release --test it anomaly_detection -- --ignored --nocapture`
//! (figures in `docs/anomaly.md`). promtool must be installed.

#![allow(clippy::cast_precision_loss)]

use crate::support;

use std::collections::BTreeSet;
use std::fmt::Write as _;

use support::prometheus::promtool;
use vigil::conventions::ops_alerts;
use vigil::model::{Anomaly, Duration, Model, PromQl};

const DAY: u64 = 1440;
const END: u64 = 10 * DAY + 12 * 60;
/// Minutes measured for false positives: days 7 to 10, after a week of history.
const NORMAL: std::ops::Range<u64> = 7 * DAY..10 * DAY;

#[derive(Clone, Copy)]
enum Kind {
    Step,
    Spike,
    Zero,
}

/// (start minute, duration in minutes, kind)
const INJECTED: [(u64, u64, Kind, &str); 3] = [
    (10 * DAY + 2 * 60, 60, Kind::Step, "+50 % step (1 h)"),
    (10 * DAY + 6 * 60, 15, Kind::Spike, "×3 spike (15 min)"),
    (10 * DAY + 10 * 60, 30, Kind::Zero, "drop to zero (30 min)"),
];

/// splitmix64: deterministic, no dependency.
struct Random(u64);

impl Random {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        // 53 random bits as a float in (0, 1].
        ((z >> 11) + 1) as f64 / (1u64 << 53) as f64
    }

    /// Standard normal (Box–Muller).
    fn gauss(&mut self) -> f64 {
        let (u, v) = (self.next(), self.next());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
}

fn smooth(x: f64) -> f64 {
    0.5 - 0.5 * (std::f64::consts::PI * x.clamp(0.0, 1.0)).cos()
}

/// The series: `base` × daily cycle × weekend dip × noise, with the injections.
fn synthetic(base: f64, daily_amplitude: f64, seed: u64) -> Vec<f64> {
    let mut random = Random(seed);
    (0..END)
        .map(|minute| {
            let day = minute as f64 / DAY as f64;
            let phase = 2.0 * std::f64::consts::PI * day.fract() - std::f64::consts::PI / 2.0;
            let daily = 1.0 + daily_amplitude * phase.sin();
            // Days since Monday 00:00 in [0.25, 7.25): the weekend dip ramps down from
            // Friday 18:00 and back up until Monday 06:00.
            let week = (day - 0.25).rem_euclid(7.0) + 0.25;
            let weekend = smooth((week - 4.75) / 0.5) - smooth((week - 6.75) / 0.5);
            let mut value = base * daily * (1.0 - 0.4 * weekend) * (1.0 + 0.05 * random.gauss());
            for (start, length, kind, _) in INJECTED {
                if (start..start + length).contains(&minute) {
                    value = match kind {
                        Kind::Step => value * 1.5,
                        Kind::Spike => value * 3.0,
                        Kind::Zero => 0.0,
                    };
                }
            }
            (value * 1e6).round() / 1e6
        })
        .collect()
}

struct Subject {
    anomaly: Anomaly,
    alert: String,
    series: String,
    values: Vec<f64>,
}

fn flagship() -> Model {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("specs");
    let mut sources = vigil::source::Sources::default();
    let (model, diagnostics) = vigil::app::compile(&[path], &mut sources);
    model.unwrap_or_else(|| panic!("the flagship does not compile: {diagnostics:?}"))
}

fn subjects(model: &Model) -> Vec<Subject> {
    let shapes = [
        ("request-rate", 1000.0, 0.5),
        ("tool-call-latency", 0.02, 0.2),
    ];
    shapes
        .iter()
        .enumerate()
        .map(|(index, (name, base, amplitude))| {
            let mut anomaly = model
                .anomalies
                .iter()
                .find(|a| a.name.as_str() == *name)
                .unwrap_or_else(|| panic!("the flagship has no anomaly {name}"))
                .clone();
            let series = format!("synthetic_{}", name.replace('-', "_"));
            anomaly.expr = PromQl::composed(series.clone());
            Subject {
                alert: ops_alerts::anomaly(
                    anomaly
                        .service
                        .as_ref()
                        .map(vigil::model::ServiceName::as_str),
                    name,
                ),
                anomaly,
                series,
                values: synthetic(*base, *amplitude, 7 + index as u64),
            }
        })
        .collect()
}

fn test_file(subjects: &[Subject]) -> String {
    let mut text = String::from(
        "rule_files: [rules.yaml]\nevaluation_interval: 1m\ntests:\n- interval: 1m\n  input_series:\n",
    );
    for subject in subjects {
        let values: Vec<String> = subject.values.iter().map(f64::to_string).collect();
        let _ = writeln!(
            text,
            "  - series: {}\n    values: '{}'",
            subject.series,
            values.join(" ")
        );
    }
    // The band condition itself, before `for`: one "empty" check per minute too.
    text.push_str("  promql_expr_test:\n");
    for minute in NORMAL.start..END {
        for subject in subjects {
            let _ = writeln!(
                text,
                "  - expr: '{}'\n    eval_time: {minute}m\n    exp_samples: []",
                outside(subject)
            );
        }
    }
    text.push_str("  alert_rule_test:\n");
    for minute in NORMAL.start..END {
        for subject in subjects {
            let _ = writeln!(
                text,
                "  - eval_time: {minute}m\n    alertname: {}\n    exp_alerts: []",
                subject.alert
            );
        }
    }
    text
}

/// The alert's condition: the level outside the band.
fn outside(subject: &Subject) -> String {
    let sel = format!("{{anomaly=\"{}\"}}", subject.anomaly.name.as_str());
    format!(
        "anomaly:level{sel} > anomaly:upper_band{sel} or anomaly:level{sel} < anomaly:lower_band{sel}"
    )
}

/// Minutes at which a check starting with `marker` failed: the alert fired, or the
/// condition held.
fn failed(output: &str, marker: &str) -> BTreeSet<u64> {
    output
        .lines()
        .filter_map(|line| line.trim().strip_prefix(marker))
        .filter_map(|rest| rest.split(',').next())
        .map(|time| {
            Duration::parse(time.trim())
                .unwrap_or_else(|e| panic!("{time}: {e}"))
                .as_secs()
                / 60
        })
        .collect()
}

#[test]
#[ignore = "slow tier: ten days of samples through promtool"]
fn anomaly_rules_detect_injected_anomalies_with_few_false_positives() {
    let mut model = flagship();
    let subjects = subjects(&model);
    // Only the anomaly rules: promtool evaluates every rule at every minute.
    model.anomalies = subjects.iter().map(|s| s.anomaly.clone()).collect();
    model.alerts.clear();
    model.regressions.clear();
    model.capacities.clear();
    model.slos.clear();
    model.settings.cardinality_alert = None;
    let rules = vigil::emit::prometheus::emit(&model)
        .into_iter()
        .find(|a| a.path == "prometheus/rules/alerts-erlmcp.yaml")
        .expect("the anomaly rules");
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("rules.yaml"), &rules.contents).expect("write rules");
    std::fs::write(dir.path().join("test.yaml"), test_file(&subjects)).expect("write test");
    let output = promtool()
        .current_dir(dir.path())
        .args(["test", "rules", "test.yaml"])
        .output()
        .expect("run promtool");
    // promtool prints failed checks on stderr.
    let stdout = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("FAILED") || output.status.success(),
        "promtool did not run the test: {stdout}"
    );

    let mut report =
        String::from("flagship anomaly rules on synthetic data; promtool, 1-minute evaluation\n");
    let mut failures = Vec::new();
    for subject in &subjects {
        let fired = failed(&stdout, &format!("alertname: {}, time: ", subject.alert));
        let condition = failed(&stdout, &format!("expr: {:?}, time: ", outside(subject)));
        let for_minutes = subject.anomaly.for_duration.as_secs() / 60;
        let _ = writeln!(report, "{} (for {for_minutes}m):", subject.alert);
        for (start, length, _, what) in INJECTED {
            let first = fired.range(start..start + length).next().copied();
            let Some(first) = first else {
                failures.push(format!("{}: {what} was not detected", subject.alert));
                continue;
            };
            let during = fired.range(start..start + length).count();
            let mut after = start + length;
            while fired.contains(&after) {
                after += 1;
            }
            let beyond = (first - start).saturating_sub(for_minutes);
            let _ = writeln!(
                report,
                "  {what}: condition from +{} min; fired at +{} min ({beyond} min beyond `for`); fired {during} of its {length} min; {} min more after it ended",
                condition.range(start..).next().map_or(0, |c| c - start),
                first - start,
                after - start - length,
            );
            if beyond > 2 {
                failures.push(format!(
                    "{}: {what} detected {beyond} min late",
                    subject.alert
                ));
            }
        }
        let flagged = fired.range(NORMAL).count();
        let outside_band = condition.range(NORMAL).count();
        let total = NORMAL.end - NORMAL.start;
        let percent = 100.0 * flagged as f64 / total as f64;
        let _ = writeln!(
            report,
            "  normal time (days 7-10) flagged: alert firing {flagged} of {total} min ({percent:.3} %); level outside the band {outside_band} min ({:.3} %)",
            100.0 * outside_band as f64 / total as f64
        );
        if percent >= 1.0 {
            failures.push(format!("{}: {percent} % false positives", subject.alert));
        }
    }
    println!("{report}");
    assert!(failures.is_empty(), "{failures:#?}");
}
