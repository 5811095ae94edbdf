//! Recording rules of one SLO: the base rates, the traffic-weighted window ratios, the
//! period ratio (rolling or calendar to date) and the metadata family.
//!
//! Two groups: the SLI group (global interval) records the 5m base rates and the ratios of
//! windows shorter than a day; the period group runs every 5 minutes, copies the base rates
//! at that resolution and derives everything that spans days from the copies, so a 30-day
//! window reads 8,640 samples per series, not 43,200.

use std::collections::BTreeSet;

use super::SloContext;
use super::sli::{BASE_WINDOW, base_rates};
use crate::conventions::{rule_groups, slo_rules};
use crate::emit::prometheus::rule::{Rule, RuleGroup};
use crate::model::{CalendarPeriod, Decimal, Duration, Window, format_decimal};

use crate::conventions::rule_groups::COARSE_FROM;

/// A denominator floor: with no traffic the error sum is 0 too, and 0 / floor is 0 where
/// 0 / 0 would be NaN. Far below any real event rate, so it never changes a real ratio.
const FLOOR: &str = "1e-12";

pub(crate) fn groups(cx: &SloContext<'_>) -> Vec<RuleGroup> {
    vec![sli_group(cx), period_group(cx)]
}

/// Every window a ratio is recorded for: 5m (current burn rate) and each burn window.
pub(crate) fn windows(cx: &SloContext<'_>) -> BTreeSet<Duration> {
    let alerting = &cx.slo.alerting;
    let mut windows = BTreeSet::from([BASE_WINDOW]);
    for alert in [&alerting.page, &alerting.ticket].into_iter().flatten() {
        for window in &alert.windows {
            windows.insert(window.long);
            windows.insert(window.short);
        }
    }
    windows
}

/// The recorded series a window is read from: the base rates or their coarse copies.
pub(crate) fn rate_series(window: Duration) -> (&'static str, &'static str) {
    if window >= COARSE_FROM {
        (slo_rules::ERROR_RATE_COARSE, slo_rules::TOTAL_RATE_COARSE)
    } else {
        (slo_rules::ERROR_RATE, slo_rules::TOTAL_RATE)
    }
}

fn sli_group(cx: &SloContext<'_>) -> RuleGroup {
    let base = base_rates(cx.model, cx.slo);
    let mut rules = vec![
        cx.record(slo_rules::ERROR_RATE, base.recorded_errors()),
        cx.record(slo_rules::TOTAL_RATE, base.total),
    ];
    for window in windows(cx).into_iter().filter(|w| *w < COARSE_FROM) {
        rules.push(cx.record(&slo_rules::error_ratio(window), window_ratio(cx, window)));
    }
    RuleGroup::new(rule_groups::sli(&cx.slo.id()), None, rules)
}

fn period_group(cx: &SloContext<'_>) -> RuleGroup {
    let sel = cx.selector();
    let mut rules = vec![
        cx.record(
            slo_rules::ERROR_RATE_COARSE,
            [slo_rules::ERROR_RATE, &sel].concat(),
        ),
        cx.record(
            slo_rules::TOTAL_RATE_COARSE,
            [slo_rules::TOTAL_RATE, &sel].concat(),
        ),
    ];
    for window in windows(cx).into_iter().filter(|w| *w >= COARSE_FROM) {
        rules.push(cx.record(&slo_rules::error_ratio(window), window_ratio(cx, window)));
    }
    match cx.slo.window {
        Window::Rolling(period) => {
            rules.push(cx.record(slo_rules::PERIOD_ERROR_RATIO, window_ratio(cx, period)));
        }
        Window::Calendar(calendar) => rules.extend(calendar_rules(cx, calendar)),
    }
    rules.extend(metadata(cx));
    let interval = Duration::from_secs(rule_groups::SLOW_INTERVAL_SECS);
    RuleGroup::new(rule_groups::period(&cx.slo.id()), Some(interval), rules)
}

/// Traffic-weighted error ratio over `window`: the sum of error rates over the sum of
/// total rates, never the mean of per-step ratios.
fn window_ratio(cx: &SloContext<'_>, window: Duration) -> String {
    let sel = cx.selector();
    let (errors, total) = rate_series(window);
    // Joined pieces, not `format!`: several of these per SLO, and `format!` costs several
    // times as much for this many arguments.
    if window == BASE_WINDOW {
        return [errors, &sel, " / clamp_min(", total, &sel, ", ", FLOOR, ")"].concat();
    }
    let window = window.to_string();
    [
        "sum_over_time(",
        errors,
        &sel,
        "[",
        &window,
        "]) / clamp_min(sum_over_time(",
        total,
        &sel,
        "[",
        &window,
        "]), ",
        FLOOR,
        ")",
    ]
    .concat()
}

/// Calendar windows: events summed since the period began, reset when it moves.
///
/// Each evaluation adds the latest 5m rate copy to the previous sum, as long as the
/// recorded period start still equals the current one; otherwise the sum starts over.
/// The previous values are read with `last_over_time` over a whole period, so an evaluator
/// outage shorter than the period loses only the missed steps, never the month.
fn calendar_rules(cx: &SloContext<'_>, calendar: CalendarPeriod) -> Vec<Rule> {
    let sel = cx.selector();
    let start = period_start(calendar);
    let lookback = match calendar {
        CalendarPeriod::Month => Duration::from_days(32),
        CalendarPeriod::Week => Duration::from_days(8),
    };
    let same_period = format!(
        "on() (last_over_time({}{sel}[{lookback}]) == on() {start})",
        slo_rules::PERIOD_START
    );
    let to_date = |sum: &str, rate: &str| {
        format!(
            "(last_over_time({sum}{sel}[{lookback}]) and {same_period}) + {rate}{sel} or {rate}{sel}"
        )
    };
    vec![
        cx.record(
            slo_rules::ERROR_TO_DATE,
            to_date(slo_rules::ERROR_TO_DATE, slo_rules::ERROR_RATE_COARSE),
        ),
        cx.record(
            slo_rules::TOTAL_TO_DATE,
            to_date(slo_rules::TOTAL_TO_DATE, slo_rules::TOTAL_RATE_COARSE),
        ),
        // Recorded after the sums, which compare against its previous value, and only
        // when they are: after an evaluation without base rates the sums still belong to
        // the period of the start recorded last, so a gap across a period's end must not
        // record the new start before the sums have restarted.
        cx.record(
            slo_rules::PERIOD_START,
            format!("({start}) and on() {}{sel}", slo_rules::TOTAL_TO_DATE),
        ),
        cx.record(
            slo_rules::PERIOD_ERROR_RATIO,
            format!(
                "{}{sel} / clamp_min({}{sel}, {FLOOR})",
                slo_rules::ERROR_TO_DATE,
                slo_rules::TOTAL_TO_DATE
            ),
        ),
    ]
}

/// Unix time of the current period's start (UTC): midnight of the 1st, or of Monday.
pub(crate) fn period_start(calendar: CalendarPeriod) -> String {
    let days_back = match calendar {
        CalendarPeriod::Month => "(day_of_month() - 1)",
        CalendarPeriod::Week => "((day_of_week() + 6) % 7)",
    };
    format!("time() - {days_back} * 86400 - time() % 86400")
}

fn metadata(cx: &SloContext<'_>) -> Vec<Rule> {
    let sel = cx.selector();
    let budget = format_decimal(cx.slo.objective.error_budget());
    let days = match cx.slo.window {
        Window::Rolling(period) => format!(
            "vector({})",
            format_decimal(Decimal::from(period.as_millis()) / Decimal::from(86_400_000))
        ),
        Window::Calendar(CalendarPeriod::Month) => String::from("days_in_month()"),
        Window::Calendar(CalendarPeriod::Week) => String::from("vector(7)"),
    };
    vec![
        cx.record(
            slo_rules::OBJECTIVE,
            ["vector(", &format_decimal(cx.slo.objective.ratio()), ")"].concat(),
        ),
        cx.record(slo_rules::ERROR_BUDGET, ["vector(", &budget, ")"].concat()),
        cx.record(slo_rules::TIME_PERIOD_DAYS, days),
        cx.record(
            slo_rules::CURRENT_BURN_RATE,
            [&slo_rules::error_ratio(BASE_WINDOW), &sel, " / ", &budget].concat(),
        ),
        cx.record(
            slo_rules::PERIOD_BURN_RATE,
            [slo_rules::PERIOD_ERROR_RATIO, &sel, " / ", &budget].concat(),
        ),
        cx.record(
            slo_rules::BUDGET_REMAINING,
            ["1 - ", slo_rules::PERIOD_BURN_RATE, &sel].concat(),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn period_starts_are_midnight_utc() {
        assert_eq!(
            period_start(CalendarPeriod::Month),
            "time() - (day_of_month() - 1) * 86400 - time() % 86400"
        );
        assert_eq!(
            period_start(CalendarPeriod::Week),
            "time() - ((day_of_week() + 6) % 7) * 86400 - time() % 86400"
        );
    }
}
