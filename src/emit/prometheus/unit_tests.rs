//! Generated `promtool test rules` files: per SLO, scenarios that prove each alert fires
//! when it should and stays quiet otherwise, and that quiet periods never produce NaN.
//!
//! Expected alerts are derived from the same rules the file tests (labels, annotations
//! with `$labels` expanded), and which window pairs fire from the exact thresholds.

use std::collections::BTreeMap;

use serde::Serialize;

use super::inputs::{InputSeries, Shape, Traffic, render};
use super::{Rule, SloContext, alerts, rules, slo_groups};
use crate::conventions::{prometheus_paths, slo_alerts, slo_rules};
use crate::emit::Artifact;
use crate::emit::yaml::to_yaml;
use crate::model::{CalendarPeriod, Decimal, Duration, Model, Slo, Window};

#[derive(Serialize)]
struct TestFile {
    rule_files: Vec<String>,
    evaluation_interval: Duration,
    /// Base rates, then what derives from them, then alerts: each reads this step's data.
    group_eval_order: Vec<String>,
    tests: Vec<TestGroup>,
}

#[derive(Serialize)]
struct TestGroup {
    name: String,
    interval: Duration,
    input_series: Vec<InputSeries>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    alert_rule_test: Vec<AlertTest>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    promql_expr_test: Vec<ExprTest>,
}

#[derive(Serialize)]
struct AlertTest {
    eval_time: Duration,
    alertname: String,
    exp_alerts: Vec<ExpectedAlert>,
}

#[derive(Serialize)]
struct ExpectedAlert {
    exp_labels: BTreeMap<String, String>,
    exp_annotations: BTreeMap<String, String>,
}

#[derive(Serialize)]
struct ExprTest {
    expr: String,
    eval_time: Duration,
    exp_samples: Vec<ExpectedSample>,
}

#[derive(Serialize)]
struct ExpectedSample {
    labels: String,
    value: f64,
}

/// Input resolution of every scenario.
const STEP: Duration = Duration::from_secs(60);
/// Time after which every recording (including the 5-minute period group) has settled.
const SETTLE: Duration = Duration::from_secs(30 * 60);

pub(crate) fn emit(model: &Model) -> Vec<Artifact> {
    model
        .slos
        .iter()
        .filter_map(|slo| {
            let file = test_file(model, slo)?;
            Some(Artifact::new(
                prometheus_paths::test(slo.name.as_str()),
                to_yaml(&file),
            ))
        })
        .collect()
}

/// Everything a scenario needs to know about the SLO under test.
struct Subject<'a> {
    cx: SloContext<'a>,
    shape: Shape,
    rules: Vec<Rule>,
    evaluation_interval: Duration,
}

fn test_file(model: &Model, slo: &Slo) -> Option<TestFile> {
    let shape = Shape::of(model, slo)?;
    // promtool evaluates every group at every step from the epoch to the last check: a
    // calendar scenario spans days (44,640 one-minute steps to the first month boundary),
    // so it steps hourly. Scenarios hold their error ratio constant, so coarse steps see
    // the same ratios.
    let evaluation_interval = match slo.window {
        Window::Calendar(_) => Duration::from_secs(3600),
        Window::Rolling(_) => STEP,
    };
    let groups = slo_groups(model, slo);
    let group_eval_order = groups.iter().map(|g| g.name.clone()).collect();
    let rules = groups
        .into_iter()
        .flat_map(|g| g.rules)
        .filter(|r| r.alert.is_some())
        .collect();
    let subject = Subject {
        cx: SloContext { model, slo },
        shape,
        rules,
        evaluation_interval,
    };
    let tests: Vec<TestGroup> = [
        healthy(&subject),
        no_traffic(&subject),
        burn(&subject, true),
        outage(&subject),
        burn(&subject, false),
        budget(&subject),
        low_traffic(&subject),
        absent(&subject),
        calendar_reset(&subject),
    ]
    .into_iter()
    .flatten()
    .collect();
    (!tests.is_empty()).then(|| TestFile {
        rule_files: vec![prometheus_paths::rules_from_test(slo.name.as_str())],
        evaluation_interval,
        group_eval_order,
        tests,
    })
}

impl Subject<'_> {
    fn slo(&self) -> &Slo {
        self.cx.slo
    }

    fn budget(&self) -> Decimal {
        self.slo().objective.error_budget()
    }

    /// A check time after everything settled and `for` elapsed, on an evaluation step.
    fn check_time(&self, for_duration: Option<Duration>) -> Duration {
        let step = self.evaluation_interval.as_millis();
        let settle = SETTLE.as_millis().max(3 * step);
        let wanted = settle + for_duration.map_or(0, Duration::as_millis);
        Duration::from_millis(wanted.div_ceil(step) * step)
    }

    fn group(&self, name: &str, phases: &[(Traffic, u64)]) -> Option<TestGroup> {
        phases
            .iter()
            .all(|(t, _)| self.shape.supports(*t))
            .then(|| TestGroup {
                name: name.to_owned(),
                interval: STEP,
                input_series: self.shape.series(phases),
                alert_rule_test: Vec::new(),
                promql_expr_test: Vec::new(),
            })
    }

    fn steps_until(at: Duration) -> u64 {
        at.as_millis() / STEP.as_millis() + 10
    }

    /// The alerts named `name` expected at a constant error ratio: burn pairs whose
    /// threshold it exceeds, budget alerts whose remaining share it reaches.
    fn expected(&self, name: &str, error_ratio: Decimal) -> Vec<ExpectedAlert> {
        let alerting = &self.slo().alerting;
        let remaining = Decimal::ONE - error_ratio / self.budget();
        let budget_fires =
            |percent: Decimal| remaining <= Decimal::ONE - percent / Decimal::ONE_HUNDRED;
        let slo = self.slo().name.as_str();
        let fires: Vec<bool> = if name == slo_alerts::page(slo) || name == slo_alerts::ticket(slo) {
            let alert = if name == slo_alerts::page(slo) {
                &alerting.page
            } else {
                &alerting.ticket
            };
            alert
                .iter()
                .flat_map(|a| &a.windows)
                .map(|w| alerts::threshold(&self.cx, w) < error_ratio)
                .collect()
        } else if name == slo_alerts::budget_consumed(slo) {
            alerting
                .budget_consumed
                .iter()
                .map(|b| budget_fires(b.percent))
                .collect()
        } else if name == slo_alerts::budget_exhausted(slo) {
            alerting
                .budget_exhausted
                .iter()
                .map(|b| budget_fires(b.percent))
                .collect()
        } else {
            Vec::new()
        };
        self.named(name)
            .zip(fires)
            .filter(|(_, fires)| *fires)
            .map(|(rule, _)| self.expect(rule, None))
            .collect()
    }

    fn named<'r>(&'r self, name: &'r str) -> impl Iterator<Item = &'r Rule> + 'r {
        self.rules
            .iter()
            .filter(move |r| r.alert.as_deref() == Some(name))
    }

    /// The alert `rule` raises on a series with `series_labels` (the recorded series'
    /// labels when `None`). Annotations see only the series' labels, as in Prometheus.
    fn expect(
        &self,
        rule: &Rule,
        series_labels: Option<BTreeMap<String, String>>,
    ) -> ExpectedAlert {
        let series = series_labels.unwrap_or_else(|| {
            let mut labels = rules::identity(&self.cx);
            labels.extend(self.shape.group_labels.clone());
            labels
        });
        let exp_annotations = rule
            .annotations
            .iter()
            .map(|(k, v)| (k.clone(), expand(v, &series)))
            .collect();
        let mut labels = series;
        labels.extend(rule.labels.clone());
        ExpectedAlert {
            exp_labels: labels,
            exp_annotations,
        }
    }

    /// Alert tests for every burn and budget alert of the SLO at a constant error ratio.
    fn alert_tests(&self, at: Duration, error_ratio: Decimal) -> Vec<AlertTest> {
        let slo = self.slo().name.as_str();
        [
            slo_alerts::page(slo),
            slo_alerts::ticket(slo),
            slo_alerts::budget_consumed(slo),
            slo_alerts::budget_exhausted(slo),
        ]
        .into_iter()
        .filter(|name| self.named(name).next().is_some())
        .map(|name| AlertTest {
            eval_time: at,
            exp_alerts: self.expected(&name, error_ratio),
            alertname: name,
        })
        .collect()
    }

    /// Labels of a recorded series of this SLO.
    fn recorded(&self, name: &str) -> String {
        let mut labels = rules::identity(&self.cx);
        labels.extend(self.shape.group_labels.clone());
        render(name, &labels)
    }

    fn sample(&self, expr: String, at: Duration, name: &str, value: f64) -> ExprTest {
        ExprTest {
            expr,
            eval_time: at,
            exp_samples: vec![ExpectedSample {
                labels: self.recorded(name),
                value,
            }],
        }
    }

    /// Every threshold of every burn pair, ascending.
    fn thresholds(&self, page: bool) -> Vec<Decimal> {
        let alerting = &self.slo().alerting;
        let alert = if page {
            &alerting.page
        } else {
            &alerting.ticket
        };
        let mut all: Vec<Decimal> = alert
            .iter()
            .flat_map(|a| &a.windows)
            .map(|w| alerts::threshold(&self.cx, w))
            .collect();
        all.sort();
        all
    }
}

/// Expands `{{ $labels.x }}` the way Prometheus does for these annotations.
fn expand(template: &str, labels: &BTreeMap<String, String>) -> String {
    labels.iter().fold(template.to_owned(), |text, (k, v)| {
        text.replace(&format!("{{{{ $labels.{k} }}}}"), v)
    })
}

fn healthy(s: &Subject<'_>) -> Option<TestGroup> {
    let lowest = [s.thresholds(true), s.thresholds(false)]
        .concat()
        .into_iter()
        .min()
        .unwrap_or(Decimal::ONE);
    let ratio = (s.budget() / Decimal::TEN).min(lowest / Decimal::TWO);
    let at = s.check_time(None);
    let mut group = s.group(
        "healthy: nothing fires",
        &[(Traffic::steady(ratio), Subject::steps_until(at))],
    )?;
    group.alert_rule_test = s.alert_tests(at, ratio);
    Some(group)
}

fn no_traffic(s: &Subject<'_>) -> Option<TestGroup> {
    let quiet = Traffic {
        error_ratio: Decimal::ZERO,
        per_step: Decimal::ZERO,
    };
    let at = s.check_time(None);
    let mut group = s.group(
        "no traffic: nothing fires, ratios are 0, not NaN",
        &[(quiet, Subject::steps_until(at))],
    )?;
    group.alert_rule_test = s.alert_tests(at, Decimal::ZERO);
    let sel = s.cx.selector();
    let ratio = slo_rules::error_ratio(super::sli::BASE_WINDOW);
    group.promql_expr_test = vec![
        s.sample(format!("{ratio}{sel}"), at, &ratio, 0.0),
        s.sample(
            format!("{}{sel}", slo_rules::PERIOD_ERROR_RATIO),
            at,
            slo_rules::PERIOD_ERROR_RATIO,
            0.0,
        ),
        s.sample(
            format!("{}{sel}", slo_rules::BUDGET_REMAINING),
            at,
            slo_rules::BUDGET_REMAINING,
            1.0,
        ),
    ];
    Some(group)
}

/// Fast burn (everything fails: the page fires) or slow burn (an error ratio between the
/// lowest ticket threshold and the next threshold above it: the ticket fires, the page not).
fn burn(s: &Subject<'_>, fast: bool) -> Option<TestGroup> {
    let alerting = &s.slo().alerting;
    let (alert, ratio, name) = if fast {
        (
            alerting.page.as_ref()?,
            Decimal::ONE,
            "fast burn: the page fires",
        )
    } else {
        let lowest = *s.thresholds(false).first()?;
        let next = [s.thresholds(true), s.thresholds(false)]
            .concat()
            .into_iter()
            .filter(|t| *t > lowest)
            .min()
            .unwrap_or(Decimal::ONE);
        (
            alerting.ticket.as_ref()?,
            (lowest + next) / Decimal::TWO,
            "slow burn: the ticket fires, the page stays quiet",
        )
    };
    let at = s.check_time(alert.for_duration);
    let mut group = s.group(name, &[(Traffic::steady(ratio), Subject::steps_until(at))])?;
    let slo = s.slo().name.as_str();
    group.alert_rule_test = [slo_alerts::page(slo), slo_alerts::ticket(slo)]
        .into_iter()
        .filter(|name| s.named(name).next().is_some())
        .map(|name| AlertTest {
            eval_time: at,
            exp_alerts: s.expected(&name, ratio),
            alertname: name,
        })
        .collect();
    Some(group)
}

/// 85 % of the budget used when the alert is at 70 %: consumed fires, exhausted does not.
fn budget(s: &Subject<'_>) -> Option<TestGroup> {
    let consumed = s.slo().alerting.budget_consumed.as_ref()?;
    let share = (consumed.percent / Decimal::ONE_HUNDRED + Decimal::ONE) / Decimal::TWO;
    let ratio = s.budget() * share;
    let at = s.check_time(consumed.for_duration);
    let name = "budget: the consumed alert fires";
    let mut group = s.group(name, &[(Traffic::steady(ratio), Subject::steps_until(at))])?;
    group.alert_rule_test = s
        .alert_tests(at, ratio)
        .into_iter()
        .filter(|t| {
            t.alertname.ends_with("BudgetConsumed") || t.alertname.ends_with("BudgetExhausted")
        })
        .collect();
    Some(group)
}

/// Everything fails, but with fewer events than `min-events`: no burn alert fires.
fn low_traffic(s: &Subject<'_>) -> Option<TestGroup> {
    let min_events = s.slo().alerting.min_events?;
    let longest = [&s.slo().alerting.page, &s.slo().alerting.ticket]
        .into_iter()
        .flatten()
        .flat_map(|a| &a.windows)
        .map(|w| w.long.as_secs())
        .max()?;
    // Half the guard's minimum over the longest window, so every window stays below it.
    let per_step = Decimal::from(min_events) * Decimal::from(STEP.as_secs())
        / (Decimal::TWO * Decimal::from(longest));
    let traffic = Traffic {
        error_ratio: Decimal::ONE,
        per_step,
    };
    let at = s.check_time(None);
    let mut group = s.group(
        "low traffic: below min-events nothing pages",
        &[(traffic, Subject::steps_until(at))],
    )?;
    let slo = s.slo().name.as_str();
    group.alert_rule_test = [slo_alerts::page(slo), slo_alerts::ticket(slo)]
        .into_iter()
        .filter(|name| s.named(name).next().is_some())
        .map(|alertname| AlertTest {
            eval_time: at,
            alertname,
            exp_alerts: Vec::new(),
        })
        .collect();
    Some(group)
}

fn absent(s: &Subject<'_>) -> Option<TestGroup> {
    let alert = s.slo().alerting.absent.as_ref()?;
    let name = slo_alerts::absent(s.slo().name.as_str());
    let rule = s.named(&name).next()?;
    let labels = super::sli::absent_labels(s.cx.model, s.slo());
    let at = s.check_time(Some(alert.for_duration));
    Some(TestGroup {
        name: String::from("absent: the SLI's series are missing"),
        interval: STEP,
        input_series: vec![InputSeries {
            series: String::from("vigil_unrelated_series"),
            values: format!("1x{}", Subject::steps_until(at)),
        }],
        alert_rule_test: vec![AlertTest {
            eval_time: at,
            exp_alerts: vec![s.expect(rule, Some(labels))],
            alertname: name,
        }],
        promql_expr_test: Vec::new(),
    })
}

/// Errors at 90 % of the budget until shortly before the calendar boundary, none after:
/// before the boundary the budget is nearly spent, after it the budget is whole again.
fn calendar_reset(s: &Subject<'_>) -> Option<TestGroup> {
    let Window::Calendar(calendar) = s.slo().window else {
        return None;
    };
    // promtool starts at the Unix epoch, a Thursday: the next Monday is 4 days later,
    // the next month 31 days later.
    let boundary = match calendar {
        CalendarPeriod::Week => Duration::from_days(4),
        CalendarPeriod::Month => Duration::from_days(31),
    };
    let step = s.evaluation_interval.as_millis();
    let before = Duration::from_millis(boundary.as_millis() - 2 * step);
    let after = Duration::from_millis(boundary.as_millis() + 2 * step);
    // Errors stop 15 minutes before the boundary, so no 5m rate after it still sees them.
    let stop = boundary.as_millis() - Duration::from_secs(15 * 60).as_millis();
    let burning = Traffic::steady(s.budget() * Decimal::new(9, 1));
    let phases = [
        (burning, stop / STEP.as_millis()),
        (
            Traffic::steady(Decimal::ZERO),
            Subject::steps_until(Duration::from_millis(after.as_millis() - stop)),
        ),
    ];
    let mut group = s.group(
        "calendar: the budget resets at the period boundary",
        &phases,
    )?;
    let sel = s.cx.selector();
    let remaining = slo_rules::BUDGET_REMAINING;
    let mut spent = s.sample(
        format!("{remaining}{sel} < bool 0.5"),
        before,
        remaining,
        1.0,
    );
    // `< bool` drops the metric name.
    let unnamed = spent.exp_samples[0].labels[remaining.len()..].to_owned();
    spent.exp_samples[0].labels = unnamed;
    group.promql_expr_test = vec![
        spent,
        s.sample(format!("{remaining}{sel}"), after, remaining, 1.0),
    ];
    Some(group)
}

/// Rate smear: a step in a counter shows fully in its 5m rate only after 5 minutes, which
/// delays a window's error sum by about 3 minutes of the step's height.
const SMEAR_MILLIS: u64 = 180_000;
/// How far an expected firing time may be off: the smear estimate plus one evaluation.
const SLACK_MILLIS: u64 = 120_000;

/// Healthy traffic long enough to fill every page window, then a total outage: each page
/// pair fires `threshold × long window` (+ smear, + `for`) after the outage starts, the
/// detection time multi-window alerting promises. Checked just after the first pair is
/// due (the pairs due by then fire, the others not) and just before (none of them).
fn outage(s: &Subject<'_>) -> Option<TestGroup> {
    let page = s.slo().alerting.page.as_ref()?;
    if s.evaluation_interval != STEP {
        return None;
    }
    let longest = page.windows.iter().map(|w| w.long).max()?;
    let baseline = longest.as_millis() / STEP.as_millis() + 10;
    // The counters repeat their last value at a phase change: errors start one step later.
    let start = (baseline + 1) * STEP.as_millis();
    let due: Vec<u64> = page
        .windows
        .iter()
        .map(|w| {
            let threshold = alerts::threshold(&s.cx, w);
            let millis = threshold * Decimal::from(w.long.as_millis());
            let detection = u64::try_from(millis.ceil().mantissa()).unwrap_or(u64::MAX);
            start + detection + SMEAR_MILLIS + page.for_duration.map_or(0, Duration::as_millis)
        })
        .collect();
    let first = *due.iter().min()?;
    let minute = STEP.as_millis();
    let unambiguous = |at: u64| due.iter().all(|d| d.abs_diff(at) >= SLACK_MILLIS);
    let after = (0..60)
        .map(|k| (first + SLACK_MILLIS).div_ceil(minute) * minute + k * minute)
        .find(|at| unambiguous(*at))?;
    let before = (first.saturating_sub(SLACK_MILLIS + minute) / minute) * minute;
    let end = after / minute - baseline + 10;
    let phases = [
        (Traffic::steady(Decimal::ZERO), baseline),
        (Traffic::steady(Decimal::ONE), end),
    ];
    let mut group = s.group(
        "outage: the page fires when the burn-rate math predicts",
        &phases,
    )?;
    let name = slo_alerts::page(s.slo().name.as_str());
    let expected_at = |at: u64| -> Vec<ExpectedAlert> {
        s.named(&name)
            .zip(&due)
            .filter(|(_, due)| **due < at)
            .map(|(rule, _)| s.expect(rule, None))
            .collect()
    };
    group.alert_rule_test.push(AlertTest {
        eval_time: Duration::from_millis(after),
        alertname: name.clone(),
        exp_alerts: expected_at(after),
    });
    if before > start && unambiguous(before) {
        group.alert_rule_test.push(AlertTest {
            eval_time: Duration::from_millis(before),
            alertname: name.clone(),
            exp_alerts: expected_at(before),
        });
    }
    Some(group)
}
