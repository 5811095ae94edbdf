//! Generated `promtool test rules` files for the operational alerts of each service:
//! every anomaly fires on a step and stays quiet on steady data; every regression fires
//! when the value is twice the tolerance worse than one baseline earlier and stays quiet
//! at half the tolerance; every capacity item fires above its headroom and stays quiet
//! below it, and its forecast fires on a rising usage share and stays quiet on a flat one.
//!
//! The inputs are the recorded series the alerts read (`anomaly:value`,
//! `regression:value`, `capacity:usage:ratio`): the user's raw metrics are absent, so
//! the first recording rule of each item records nothing and the input stands in for it.
//! Everything downstream — bands, baselines, ratios, the forecast fit, `for`, labels and
//! annotations — is what promtool evaluates. An alert whose annotations use a template
//! vigil cannot predict gets no test rather than a wrong one.

use std::collections::BTreeMap;

use serde::Serialize;

use super::file::{AlertTest, ExpectedAlert, TestGroup};
use super::inputs::{InputSeries, render};
use super::{cardinality, thresholds};
use crate::conventions::{
    LABEL_ANOMALY, LABEL_CAPACITY, LABEL_REGRESSION, ops_rules, prometheus_paths,
};
use crate::emit::Artifact;
use crate::emit::prometheus::ops::item;
use crate::emit::prometheus::ops::{anomaly, trends};
use crate::emit::prometheus::rule::Rule;
use crate::emit::yaml::to_yaml;
use crate::model::{
    Anomaly, Capacity, Comparison, Decimal, Duration, Model, Owners, Regression, RuleDialect,
    ServiceName,
};

#[derive(Serialize)]
struct TestFile {
    rule_files: Vec<String>,
    evaluation_interval: Duration,
    tests: Vec<TestGroup>,
}

const MINUTE: Duration = Duration::from_secs(60);

/// Anomaly tests need minute resolution over a few hours; regression and capacity tests
/// span a baseline or a lookback, so they run in a second file evaluated hourly (promtool
/// evaluates every rule of the file at every step from zero).
const HOUR: Duration = Duration::from_secs(3600);

pub(crate) fn emit(model: &Model, owned: &Owners<'_>) -> Vec<Artifact> {
    if !model.targets.rules.contains(&RuleDialect::Prometheus) {
        return Vec::new();
    }
    let owners = model.services.iter().map(|s| Some(&s.name)).chain([None]);
    let mut artifacts = Vec::new();
    for owner in owners {
        let name = owner.map(ServiceName::as_str);
        let mut notes = Vec::new();
        let mut minutely: Vec<TestGroup> = Vec::new();
        for alert in owned.alerts(owner) {
            match thresholds::tests(model, alert) {
                Ok(tests) => minutely.extend(tests),
                Err(reason) => notes.push(format!("no test for {}: {reason}.", alert.name)),
            }
        }
        let (budgets, more) = cardinality::tests(model, owned, owner);
        minutely.extend(budgets);
        notes.extend(more);
        minutely.extend(
            owned
                .anomalies(owner)
                .iter()
                .filter_map(|a| anomaly_test(model, a)),
        );
        let mut hourly: Vec<TestGroup> = owned
            .regressions(owner)
            .iter()
            .filter_map(|r| regression_test(model, r))
            .collect();
        for item in owned.capacities(owner) {
            hourly.extend(capacity_tests(model, item));
        }
        for (tests, notes, interval, path) in [
            (minutely, notes, MINUTE, prometheus_paths::alerts_test(name)),
            (
                hourly,
                Vec::new(),
                HOUR,
                prometheus_paths::alerts_hourly_test(name),
            ),
        ] {
            if tests.is_empty() {
                continue;
            }
            let file = TestFile {
                rule_files: vec![prometheus_paths::alerts_from_test(name)],
                evaluation_interval: interval,
                tests,
            };
            artifacts.push(Artifact::new(path, with_notes(&to_yaml(&file), &notes)));
        }
    }
    artifacts
}

fn expect(rule: &Rule, series: &BTreeMap<String, String>, value: f64) -> Option<ExpectedAlert> {
    ExpectedAlert::of(rule, series, value).ok()
}

/// The YAML with one comment line per note after its header line.
fn with_notes(yaml: &str, notes: &[String]) -> String {
    let (header, body) = yaml.split_once('\n').unwrap_or((yaml, ""));
    let mut text = format!("{header}\n");
    for note in notes {
        text.push_str("# ");
        text.push_str(note);
        text.push('\n');
    }
    text + body
}

fn check(at: Duration, rule: &Rule, expected: Vec<ExpectedAlert>) -> AlertTest {
    AlertTest {
        eval_time: at,
        alertname: rule.alert.clone().unwrap_or_default(),
        exp_alerts: expected,
    }
}

fn minutes(n: u64) -> Duration {
    Duration::from_secs(n * 60)
}

fn group(name: String, input: InputSeries, checks: Vec<AlertTest>) -> TestGroup {
    TestGroup {
        name,
        interval: MINUTE,
        input_series: vec![input],
        alert_rule_test: checks,
        promql_expr_test: Vec::new(),
    }
}

/// Steady at `base` for two hours, then doubled: quiet before, firing once `for` has
/// passed. Skipped when the running median would absorb the step before the alert fires
/// (`for` plus the level window reaching half the window).
fn anomaly_test(model: &Model, item: &Anomaly) -> Option<TestGroup> {
    let settle = crate::model::Anomaly::LEVEL_WINDOW.as_secs() / 60 + 1;
    let for_minutes = item.for_duration.as_secs().div_ceil(60);
    if (for_minutes + settle) * 60 * 2 >= item.window.as_secs() {
        return None;
    }
    let rules = anomaly::rules(model, item);
    let alert = rules.iter().find(|r| r.alert.is_some())?;
    let labels = item::item_labels(
        model,
        item.service.as_ref(),
        LABEL_ANOMALY,
        item.name.as_str(),
    );
    let base = item
        .min_band
        .map_or(100.0, |m| (to_f64(m) * 4.0).max(100.0).ceil());
    let steady = 120;
    let after = for_minutes + settle;
    let input = InputSeries {
        series: render(ops_rules::ANOMALY_VALUE, &labels),
        values: format!("{base}+0x{steady} {}+0x{}", base * 2.0, after + 10),
    };
    let checks = vec![
        check(minutes(steady - 5), alert, Vec::new()),
        check(
            minutes(steady + after),
            alert,
            vec![expect(alert, &labels, base * 2.0)?],
        ),
    ];
    Some(group(format!("anomaly {}", item.name), input, checks))
}

/// One baseline of steady values, then half the tolerance worse (quiet), then twice the
/// tolerance worse (firing after `for`). Inputs every five minutes (within the lookback
/// of an instant selector) keep the file short.
fn regression_test(model: &Model, item: &Regression) -> Option<TestGroup> {
    let rules: Vec<Rule> = trends::regression_rules(model, item);
    let alert = rules.iter().find(|r| r.alert.is_some())?;
    let labels = item::item_labels(
        model,
        item.service.as_ref(),
        LABEL_REGRESSION,
        item.name.as_str(),
    );
    let tolerance = to_f64(item.tolerance_percent) / 100.0;
    let (quiet, worse) = match item.worse {
        Comparison::Above => (1.0 + tolerance / 2.0, 1.0 + tolerance * 2.0),
        Comparison::Below => (1.0 - tolerance / 2.0, (1.0 - tolerance) / 2.0),
    };
    let step = 5;
    let baseline_steps = item.baseline.as_secs() / 60 / step;
    // Whole hours (checks fall on evaluations), long enough for `for` plus two
    // evaluations.
    let phase_hours = item.for_duration.as_secs().div_ceil(3600) + 2;
    let phase = phase_hours * 60 / step;
    let input = InputSeries {
        series: render(ops_rules::REGRESSION_VALUE, &labels),
        values: format!(
            "100+0x{baseline_steps} {}+0x{phase} {}+0x{phase}",
            100.0 * quiet,
            100.0 * worse
        ),
    };
    let start = item.baseline.as_secs().div_ceil(3600) * 60;
    let quiet_at = minutes(start + phase_hours * 60);
    let worse_at = minutes(start + 2 * phase_hours * 60);
    let checks = vec![
        check(quiet_at, alert, Vec::new()),
        check(worse_at, alert, vec![expect(alert, &labels, worse)?]),
    ];
    Some(TestGroup {
        interval: minutes(step),
        ..group(format!("regression {}", item.name), input, checks)
    })
}

fn capacity_tests(model: &Model, item: &Capacity) -> Vec<TestGroup> {
    let rules = trends::capacity_rules(model, item);
    let mut alerts = rules.iter().filter(|r| r.alert.is_some());
    let labels = item::item_labels(
        model,
        item.service.as_ref(),
        LABEL_CAPACITY,
        item.name.as_str(),
    );
    let series = render(ops_rules::CAPACITY_USAGE, &labels);
    let mut tests = Vec::new();
    let for_minutes = item.for_duration.as_secs().div_ceil(60);
    if let Some(headroom) = alerts.next() {
        let share = to_f64(item.headroom_percent) / 100.0;
        let (below, above) = (share / 2.0, f64::midpoint(share, 1.0));
        let phase = (for_minutes.div_ceil(60) + 2) * 60;
        let input = InputSeries {
            series: series.clone(),
            values: format!("{below}+0x{phase} {above}+0x{phase}"),
        };
        if let Some(expected) = expect(headroom, &labels, above) {
            tests.push(group(
                format!("capacity {} headroom", item.name),
                input,
                vec![
                    check(minutes(phase - 60), headroom, Vec::new()),
                    check(minutes(2 * phase), headroom, vec![expected]),
                ],
            ));
        }
    }
    if let Some(forecast) = alerts.next() {
        tests.extend(forecast_test(item, forecast, &series, &labels));
    }
    tests
}

/// Flat at 10 % for a lookback (no trend: quiet), then rising by 0.01 % a minute: the
/// fit sees a straight line and the forecast gives the exact days to 100 %.
fn forecast_test(
    item: &Capacity,
    forecast: &Rule,
    series: &str,
    labels: &BTreeMap<String, String>,
) -> Option<TestGroup> {
    let lookback = item.lookback.as_secs().div_ceil(3600) * 60;
    let for_minutes = item.for_duration.as_secs().div_ceil(60);
    let rising = (lookback + for_minutes).div_ceil(60) * 60 + 120;
    let slope = 0.0001;
    // The rising part starts one input step after the flat one, at 10 % again.
    let end = 0.1 + slope * to_f64_u(rising - 1);
    let days = (1.0 - end) / (slope / 60.0) / 86_400.0;
    let horizon = to_f64_u(item.forecast?.as_secs()) / 86_400.0;
    if days >= horizon {
        return None;
    }
    let input = InputSeries {
        series: series.to_owned(),
        values: format!("0.1+0x{lookback} 0.1+{slope}x{rising}"),
    };
    let checks = vec![
        check(minutes(lookback), forecast, Vec::new()),
        check(
            minutes(lookback + rising),
            forecast,
            vec![expect(forecast, labels, days)?],
        ),
    ];
    Some(group(
        format!("capacity {} forecast", item.name),
        input,
        checks,
    ))
}

fn to_f64(value: Decimal) -> f64 {
    value.to_string().parse().unwrap_or(0.0)
}

fn to_f64_u(value: u64) -> f64 {
    value.to_string().parse().unwrap_or(0.0)
}
