//! The point of `vigil backtest`: its replay fires exactly when the generated rules fire.
//! Each scenario feeds an SLO's two base-rate series to its rules under `promtool test
//! rules` and expects, at every evaluation and for every alert, exactly the alerts the
//! replay says fire there.
//!
//! promtool runs every group at every evaluation, the 5-minute period group included. At
//! a one-minute interval the SLO therefore has windows under a day only and no budget
//! alerts (nothing reads the period group); at five minutes promtool and Prometheus agree,
//! and the SLOs have the day-long windows, the budget alerts and a calendar week.
//!
//! Values are multiples of 1/128 (and sums of them), so sums are exact in any order and the
//! replay and Prometheus cannot differ by rounding.

use crate::support;

use support::backtest::{Rate, Scenario, check, subject};
use vigil::model::Duration;

const MINUTE: Duration = Duration::from_secs(60);
const FIVE_MINUTES: Duration = Duration::from_secs(300);
const HOUR: u64 = 60;
const DAY: u64 = 24 * HOUR;

/// 16 requests per second.
fn rate(errors: f64) -> Rate {
    Rate::new(errors, 16.0)
}

/// 0.05 % errors: a tenth of the budget rate, below every threshold.
fn healthy() -> Rate {
    rate(0.007_812_5)
}

/// 1.6 % errors: 3.1 times the budget rate, below the fast page threshold.
fn slow_burn() -> Rate {
    rate(0.25)
}

fn outage() -> Rate {
    rate(16.0)
}

fn every_minute() -> Vec<Scenario> {
    let fast = Scenario::new("fast burn", MINUTE)
        .hold(HOUR, healthy())
        .hold(20, outage())
        .hold(3 * HOUR, healthy());
    let slow = Scenario::new("slow burn", MINUTE)
        .hold(HOUR, healthy())
        .hold(8 * HOUR, slow_burn())
        .hold(3 * HOUR, healthy());
    // Half the requests failing, on and off for uneven stretches: pending alerts reset,
    // `for` is met or not, `keep_firing_for` bridges short gaps or runs out.
    let mut flapping = Scenario::new("flapping", MINUTE).hold(HOUR, healthy());
    // Minutes on, minutes off.
    let pattern = [
        1, 6, 2, 4, 3, 3, 1, 1, 4, 8, 2, 2, 2, 2, 6, 10, 1, 3, 3, 12, 5, 5, 2, 7,
    ];
    for stretch in pattern.chunks_exact(2) {
        flapping = flapping
            .hold(stretch[0], rate(8.0))
            .hold(stretch[1], healthy());
    }
    let flapping = flapping.hold(HOUR, healthy());
    // No samples at the start, during a firing page, and then traffic that drops to zero
    // requests before failing at one request per second, too few for the low-traffic guard
    // over an hour.
    let quiet = Scenario::new("no traffic", MINUTE)
        .gap(10)
        .hold(HOUR, healthy())
        .hold(10, outage())
        .gap(20)
        .hold(30, Rate::new(0.0, 0.0))
        .hold(20, Rate::new(1.0, 1.0))
        .hold(HOUR, healthy());
    vec![fast, slow, flapping, quiet]
}

/// Runs each scenario against the spec at `path`; fails with every disagreement.
fn agree(path: &str, scenarios: &[Scenario]) {
    let subject = subject(path);
    let mut failures = Vec::new();
    for scenario in scenarios {
        let folder = tempfile::tempdir().expect("temp dir");
        let started = std::time::Instant::now();
        match check(&subject, scenario, folder.path()) {
            Ok(replay) => println!(
                "{path}, {}: promtool agrees ({:.1} s)\n{}",
                scenario.name,
                started.elapsed().as_secs_f64(),
                support::backtest::describe(&replay)
            ),
            Err(report) => failures.push(format!("{path}, {}:\n{report}", scenario.name)),
        }
    }
    assert!(
        failures.is_empty(),
        "the replay and promtool disagree:\n{}",
        failures.join("\n\n")
    );
}

#[test]
#[ignore = "slow tier: promtool"]
fn the_replay_fires_as_promtool_every_minute() {
    agree("tests/fixtures/backtest/rolling-1m.kdl", &every_minute());
}

/// The first Monday of the epoch (1970-01-05), where a calendar week starts.
const MONDAY: u64 = 4 * DAY;

const CALENDAR: &str = "tests/fixtures/backtest/calendar-5m.kdl";

#[test]
#[ignore = "slow tier: promtool"]
fn the_replay_fires_as_promtool_every_five_minutes_over_calendar_weeks() {
    // Eighteen hours of slow burn exhaust the first (partial) week's budget for a while
    // and leave it more than half spent until Monday resets it. A one-hour outage in the
    // second week exhausts that week's budget until the next Monday.
    let exhaustion = Scenario::new("budget exhaustion and calendar reset", FIVE_MINUTES)
        .hold(36 * HOUR, healthy())
        .hold(18 * HOUR, slow_burn())
        .hold(MONDAY + 4 * DAY - 54 * HOUR, healthy())
        .hold(HOUR, outage())
        .hold(4 * DAY - HOUR, healthy());
    // A gap once the budget is half spent: the running sums record nothing without a
    // 5-minute copy, so the budget alerts go quiet until the base rates return.
    let gap = Scenario::new("a gap in a calendar week", FIVE_MINUTES)
        .hold(DAY, healthy())
        .hold(6 * HOUR, slow_burn())
        .gap(HOUR)
        .hold(DAY, healthy());
    agree(CALENDAR, &[exhaustion, gap]);
}

#[test]
#[ignore = "slow tier: promtool"]
fn the_replay_fires_as_promtool_after_a_gap_across_a_week_end() {
    // The budget is more than half spent when the base rates stop an hour before Monday;
    // they return an hour into the new week, whose budget is whole.
    let boundary = Scenario::new("a gap across a week's end", FIVE_MINUTES)
        .hold(DAY, healthy())
        .hold(18 * HOUR, slow_burn())
        .hold(MONDAY - DAY - 18 * HOUR - HOUR, healthy())
        .gap(2 * HOUR)
        .hold(DAY, healthy());
    agree(CALENDAR, &[boundary]);
}

#[test]
#[ignore = "slow tier: promtool"]
fn the_replay_fires_as_promtool_every_five_minutes_over_a_rolling_week() {
    // The burn leaves the rolling week seven days after it happened.
    let rolling = Scenario::new("budget over a rolling week", FIVE_MINUTES)
        .hold(DAY, healthy())
        .hold(12 * HOUR, slow_burn())
        .hold(HOUR, outage())
        .hold(8 * DAY, healthy());
    agree("tests/fixtures/backtest/rolling-5m.kdl", &[rolling]);
}
