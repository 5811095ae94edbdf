//! The scenarios of generated promtool tests, one function each: which input, which
//! check times, which alerts are expected.

use super::file::{AlertTest, ExpectedAlert, STEP, TestGroup};
use super::inputs::{InputSeries, Traffic};
use super::subject::Subject;
use crate::conventions::slo_rules;
use crate::emit::prometheus::slo::sli;
use crate::model::{CalendarPeriod, Decimal, Duration, Window};

pub(crate) fn healthy(s: &Subject<'_>) -> Option<TestGroup> {
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

pub(crate) fn no_traffic(s: &Subject<'_>) -> Option<TestGroup> {
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
    let ratio = slo_rules::error_ratio(sli::BASE_WINDOW);
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
pub(crate) fn burn(s: &Subject<'_>, fast: bool) -> Option<TestGroup> {
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
    // Every burn-rate alert the ratio trips must be past its own `for`: at a full outage
    // the ticket fires too, and its `for` may be the longer one.
    let wait = if fast {
        [&alerting.page, &alerting.ticket]
            .into_iter()
            .flatten()
            .filter_map(|a| a.for_duration)
            .max()
    } else {
        alert.for_duration
    };
    let at = s.check_time(wait);
    let mut group = s.group(name, &[(Traffic::steady(ratio), Subject::steps_until(at))])?;
    let names = &s.slo().alerting.names;
    group.alert_rule_test = [names.page.to_string(), names.ticket.to_string()]
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
pub(crate) fn budget(s: &Subject<'_>) -> Option<TestGroup> {
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
pub(crate) fn low_traffic(s: &Subject<'_>) -> Option<TestGroup> {
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
    let names = &s.slo().alerting.names;
    group.alert_rule_test = [names.page.to_string(), names.ticket.to_string()]
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

pub(crate) fn absent(s: &Subject<'_>) -> Option<TestGroup> {
    let alert = s.slo().alerting.absent.as_ref()?;
    let name = s.slo().alerting.names.absent.to_string();
    let rule = s.named(&name).next()?;
    let labels = sli::absent_labels(s.cx.model, s.slo());
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
pub(crate) fn calendar_reset(s: &Subject<'_>) -> Option<TestGroup> {
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
pub(crate) fn outage(s: &Subject<'_>) -> Option<TestGroup> {
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
            let threshold = s.slo().alert_threshold(w);
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
    let name = s.slo().alerting.names.page.to_string();
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
