//! The recording and alert chain of one SLO, evaluated tick by tick over base rates.

use chrono::{DateTime, Datelike};

use super::series::{Bounds, Grid, Sums, Timestamp, Window};
use super::state::{Alert, Firing};
use super::{Evaluation, Input};
use crate::conventions::rule_groups::{COARSE_FROM, SLOW_INTERVAL_SECS};
use crate::model::{
    AlertName, BASE_WINDOW, BurnWindow, CalendarPeriod, Duration, Slo, TierName, Window as Period,
    format_decimal,
};

/// The denominator floor of every generated ratio (`clamp_min(total, 1e-12)`).
const FLOOR: f64 = 1e-12;
const HOUR: Duration = Duration::from_secs(3600);

/// Which of an SLO's alerts a rule is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum AlertKind {
    Page,
    Ticket,
    BudgetConsumed,
    BudgetExhausted,
}

/// One alert rule over the range.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertReplay {
    pub alert: AlertName,
    pub kind: AlertKind,
    pub tier: TierName,
    /// The window pair of a burn alert.
    pub window: Option<BurnWindow>,
    pub firing: Vec<Firing>,
}

/// The error budget left when a period (or the range) ended.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodEnd {
    /// The last evaluation of the period within the range.
    pub at: Timestamp,
    /// `None` when the period had no traffic recorded.
    pub remaining: Option<f64>,
}

/// The clock hour (UTC) with the highest error ratio.
#[derive(Debug, Clone, PartialEq)]
pub struct WorstHour {
    pub start: Timestamp,
    pub error_ratio: f64,
}

/// What an SLO's rules would have done over a range.
#[derive(Debug, Clone, PartialEq)]
pub struct Replay {
    pub alerts: Vec<AlertReplay>,
    pub periods: Vec<PeriodEnd>,
    /// Evaluation time during which no budget was left.
    pub breach: Duration,
    pub worst_hour: Option<WorstHour>,
    /// Stretches of the range `[start, end)` without a recorded total rate.
    pub gaps: Vec<(Timestamp, Timestamp)>,
    /// The burn rate and budget every [`TIMELINE_STEP`], for plotting.
    pub timeline: Vec<Moment>,
    /// Whether any evaluation in the range saw traffic recorded.
    pub data: bool,
}

/// How often the timeline is sampled: fine enough to see an outage of minutes.
pub const TIMELINE_STEP: Duration = Duration::from_secs(900);

/// The SLO at one instant.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Moment {
    pub at: Timestamp,
    /// The burn rate over the first page pair's long window (1h by default).
    pub burn: Option<f64>,
    /// The share of the period's budget left.
    pub budget_remaining: Option<f64>,
}

/// How far before the range each resolution of base rates must reach: the longest window
/// under a day (every evaluation), and the longest window or period of a day or more
/// (5-minute copies).
pub fn lookback(slo: &Slo) -> (Duration, Duration) {
    let windows = burn_windows(slo).flat_map(|(_, w)| [w.long, w.short]);
    let (fine, coarse): (Vec<Duration>, Vec<Duration>) = windows.partition(|w| *w < COARSE_FROM);
    let period = match slo.window {
        Period::Rolling(period) => period,
        // The calendar sums reach back to the period's start.
        Period::Calendar(CalendarPeriod::Month) => Duration::from_days(31),
        Period::Calendar(CalendarPeriod::Week) => Duration::from_days(7),
    };
    let longest = |all: Vec<Duration>| all.into_iter().max().unwrap_or(HOUR);
    let warmup = warmup(slo).as_millis();
    let with_warmup = |window: Duration| Duration::from_millis(window.as_millis() + warmup);
    (
        with_warmup(longest(fine).max(HOUR)),
        with_warmup(longest(coarse).max(period)),
    )
}

/// How long before the range alerts are already evaluated, so that one pending or firing
/// when the range starts is seen as it was: the longest `for` or `keep_firing_for`.
fn warmup(slo: &Slo) -> Duration {
    let alerting = &slo.alerting;
    let burn = [&alerting.page, &alerting.ticket]
        .into_iter()
        .flatten()
        .flat_map(|a| [a.for_duration, a.keep_firing_for]);
    let budget = [&alerting.budget_consumed, &alerting.budget_exhausted]
        .into_iter()
        .flatten()
        .map(|b| b.for_duration);
    burn.chain(budget)
        .flatten()
        .max()
        .unwrap_or(Duration::from_secs(0))
}

fn burn_windows(slo: &Slo) -> impl Iterator<Item = (AlertKind, &BurnWindow)> {
    let alerting = &slo.alerting;
    let page = alerting.page.iter().flat_map(|a| &a.windows);
    let ticket = alerting.ticket.iter().flat_map(|a| &a.windows);
    page.map(|w| (AlertKind::Page, w))
        .chain(ticket.map(|w| (AlertKind::Ticket, w)))
}

/// A number as the rule text states it, read as Prometheus reads it.
fn stated(value: crate::model::Decimal) -> f64 {
    format_decimal(value).parse().unwrap_or(f64::NAN)
}

/// A whole number the rule text states.
fn literal(value: u64) -> f64 {
    value.to_string().parse().unwrap_or(f64::INFINITY)
}

/// What one alert rule's expression asks.
enum Condition {
    Burn {
        window: BurnWindow,
        threshold: f64,
    },
    /// `remaining <= threshold`.
    Budget {
        threshold: f64,
    },
}

struct Rule {
    replay: AlertReplay,
    condition: Condition,
    state: Alert,
}

impl Rule {
    /// What the rule's expression returns at `at`.
    fn sample(&self, chain: &Chain<'_>, at: Timestamp) -> Option<f64> {
        match &self.condition {
            Condition::Burn { window, threshold } => chain.burn(window, *threshold, at),
            Condition::Budget { threshold } => chain
                .period_burn(at)
                .filter(|burn| 1.0 - burn <= *threshold),
        }
    }
}

/// The intervals from `from` on; one that fired already then starts there.
fn within(firing: Vec<Firing>, from: Timestamp) -> Vec<Firing> {
    firing
        .into_iter()
        .filter(|f| f.end.is_none_or(|end| end > from))
        .map(|f| Firing {
            start: f.start.max(from),
            ..f
        })
        .collect()
}

fn rules(slo: &Slo) -> Vec<Rule> {
    let alerting = &slo.alerting;
    let names = &alerting.names;
    let mut rules = Vec::new();
    for (kind, alert, name) in [
        (AlertKind::Page, &alerting.page, &names.page),
        (AlertKind::Ticket, &alerting.ticket, &names.ticket),
    ] {
        for window in alert.iter().flat_map(|a| &a.windows) {
            let Some(alert) = alert else { continue };
            rules.push(Rule {
                replay: replay_of(name, kind, &alert.tier, Some(window.clone())),
                condition: Condition::Burn {
                    window: window.clone(),
                    threshold: stated(slo.alert_threshold(window)),
                },
                state: Alert::new(alert.for_duration, alert.keep_firing_for),
            });
        }
    }
    for (kind, budget, name) in [
        (
            AlertKind::BudgetConsumed,
            &alerting.budget_consumed,
            &names.budget_consumed,
        ),
        (
            AlertKind::BudgetExhausted,
            &alerting.budget_exhausted,
            &names.budget_exhausted,
        ),
    ] {
        if let Some(budget) = budget {
            let remaining =
                crate::model::Decimal::ONE - budget.percent / crate::model::Decimal::ONE_HUNDRED;
            rules.push(Rule {
                replay: replay_of(name, kind, &budget.tier, None),
                condition: Condition::Budget {
                    threshold: stated(remaining.normalize()),
                },
                state: Alert::new(budget.for_duration, None),
            });
        }
    }
    rules
}

fn replay_of(
    name: &AlertName,
    kind: AlertKind,
    tier: &TierName,
    window: Option<BurnWindow>,
) -> AlertReplay {
    AlertReplay {
        alert: name.clone(),
        kind,
        tier: tier.clone(),
        window,
        firing: Vec::new(),
    }
}

/// The chain's inputs at every evaluation.
struct Chain<'a> {
    slo: &'a Slo,
    fine: Sums,
    coarse: Sums,
    evaluation: Evaluation,
    budget: f64,
}

impl Chain<'_> {
    /// `slo:sli_error:ratio_rate<window>` as the alert group reads it at `at`.
    fn ratio(&self, window: Duration, at: Timestamp) -> Option<f64> {
        self.events(window, at)
            .map(|w| w.errors / w.total.max(FLOOR))
    }

    fn events(&self, window: Duration, at: Timestamp) -> Option<Window> {
        if window == BASE_WINDOW {
            // `slo:sli_error:ratio_rate5m` divides the base rates recorded at `at`, no sum.
            return self
                .fine
                .window(at, Duration::from_millis(0), Bounds::Closed);
        }
        if window >= COARSE_FROM {
            // Recorded by the slow group at its last evaluation.
            let recorded = at.floor(slow_interval());
            self.coarse.window(recorded, window, self.evaluation.bounds)
        } else {
            self.fine.window(at, window, self.evaluation.bounds)
        }
    }

    /// The burn rate a burn pair's expression returns at `at`, if it returns one.
    fn burn(&self, window: &BurnWindow, threshold: f64, at: Timestamp) -> Option<f64> {
        let long = self.ratio(window.long, at)?;
        let short = self.ratio(window.short, at)?;
        if !(long > threshold && short > threshold) {
            return None;
        }
        if let Some(min_events) = self.slo.alerting.min_events {
            // `avg_over_time(total[long]) * seconds`, read by the alert group at `at`.
            let sums = if window.long >= COARSE_FROM {
                &self.coarse
            } else {
                &self.fine
            };
            let events = sums.window(at, window.long, self.evaluation.bounds)?;
            let seconds = literal(window.long.as_secs());
            let counted = events.total / f64::from(events.samples) * seconds;
            if counted < literal(min_events) {
                return None;
            }
        }
        Some(long / self.budget)
    }

    /// The period's burn rate (`slo:period_burn_rate:ratio`) as the slow group last
    /// recorded it before `at`.
    fn period_burn(&self, at: Timestamp) -> Option<f64> {
        let recorded = at.floor(slow_interval());
        let events = match self.slo.window {
            Period::Rolling(period) => {
                self.coarse
                    .window(recorded, period, self.evaluation.bounds)?
            }
            Period::Calendar(calendar) => {
                // The running sums add the 5-minute copy of this evaluation: without one
                // they record nothing, and the budget series go with them.
                self.coarse
                    .window(recorded, Duration::from_millis(0), Bounds::Closed)?;
                let start = period_start(calendar, recorded);
                let since = Duration::from_millis(u64::try_from(recorded.0 - start.0).ok()?);
                self.coarse.window(recorded, since, Bounds::Closed)?
            }
        };
        Some(events.errors / events.total.max(FLOOR) / self.budget)
    }
}

fn slow_interval() -> Duration {
    Duration::from_secs(SLOW_INTERVAL_SECS)
}

/// The start (UTC midnight) of the calendar period holding `at`.
fn period_start(calendar: CalendarPeriod, at: Timestamp) -> Timestamp {
    let day = 86_400_000;
    let midnight = at.0.div_euclid(day) * day;
    let date = DateTime::from_timestamp_millis(at.0).map(|t| t.date_naive());
    let days_back = date.map_or(0, |date| match calendar {
        CalendarPeriod::Month => date.day0(),
        CalendarPeriod::Week => date.weekday().num_days_from_monday(),
    });
    Timestamp(midnight - i64::from(days_back) * day)
}

/// Replays `slo`'s burn-rate and budget alerts at every evaluation from `from` to `to`.
pub fn replay(
    slo: &Slo,
    input: &Input,
    from: Timestamp,
    to: Timestamp,
    evaluation: Evaluation,
) -> Replay {
    let chain = Chain {
        slo,
        fine: Sums::new(&input.fine),
        coarse: Sums::new(&input.coarse),
        evaluation,
        budget: stated(slo.objective.error_budget()),
    };
    let mut rules = rules(slo);
    let mut periods = Vec::new();
    let mut breach_ticks = 0_u64;
    let mut last: Option<(Timestamp, Option<f64>)> = None;
    let mut timeline = Vec::new();
    let plotted = burn_windows(slo).next().map_or(HOUR, |(_, w)| w.long);
    let mut recorded = false;
    let mut at = from.minus(warmup(slo)).ceil(evaluation.interval);
    while at < from {
        for rule in &mut rules {
            let sample = rule.sample(&chain, at);
            rule.state.evaluate(at, sample);
        }
        at = at.plus(evaluation.interval);
    }
    while at <= to {
        recorded |= input.fine.total.value_at(at).is_some();
        let period_burn = chain.period_burn(at);
        let remaining = period_burn.map(|burn| 1.0 - burn);
        if at.floor(TIMELINE_STEP) == at {
            timeline.push(Moment {
                at,
                burn: chain.ratio(plotted, at).map(|ratio| ratio / chain.budget),
                budget_remaining: remaining,
            });
        }
        if remaining.is_some_and(|r| r < 0.0) {
            breach_ticks += 1;
        }
        if let (Period::Calendar(calendar), Some((previous, left))) = (slo.window, last)
            && period_start(calendar, previous) != period_start(calendar, at)
        {
            periods.push(PeriodEnd {
                at: previous,
                remaining: left,
            });
        }
        for rule in &mut rules {
            let sample = rule.sample(&chain, at);
            rule.state.evaluate(at, sample);
        }
        last = Some((at, remaining));
        at = at.plus(evaluation.interval);
    }
    if let Some((at, remaining)) = last {
        periods.push(PeriodEnd { at, remaining });
    }
    Replay {
        alerts: rules
            .into_iter()
            .map(|rule| AlertReplay {
                firing: within(rule.state.finish(), from),
                ..rule.replay
            })
            .collect(),
        periods,
        breach: Duration::from_millis(breach_ticks * evaluation.interval.as_millis()),
        worst_hour: worst_hour(&chain.fine, from, to),
        gaps: gaps(&input.fine.total, from, to),
        timeline,
        data: recorded,
    }
}

/// The clock hour with the highest error ratio, over the per-evaluation rates.
fn worst_hour(fine: &Sums, from: Timestamp, to: Timestamp) -> Option<WorstHour> {
    let mut worst: Option<WorstHour> = None;
    let mut hour = from.floor(HOUR);
    // Each hour's samples: those in [hour, hour + 1h).
    let width = Duration::from_millis(HOUR.as_millis() - 1);
    while hour <= to {
        let events = fine.window(hour.plus(width), width, Bounds::Closed);
        if let Some(events) = events.filter(|e| e.total > 0.0) {
            let error_ratio = events.errors / events.total;
            if worst.as_ref().is_none_or(|w| error_ratio > w.error_ratio) {
                worst = Some(WorstHour {
                    start: hour,
                    error_ratio,
                });
            }
        }
        hour = hour.plus(HOUR);
    }
    worst
}

/// Stretches `[start, end)` of the range without a total rate.
fn gaps(total: &Grid, from: Timestamp, to: Timestamp) -> Vec<(Timestamp, Timestamp)> {
    let mut gaps = Vec::new();
    let mut open: Option<Timestamp> = None;
    let mut at = from.ceil(total.step);
    while at <= to {
        match (total.value_at(at), open) {
            (None, None) => open = Some(at),
            (Some(_), Some(start)) => {
                gaps.push((start, at));
                open = None;
            }
            _ => {}
        }
        at = at.plus(total.step);
    }
    if let Some(start) = open {
        gaps.push((start, at));
    }
    gaps
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backtest::{Bounds, Rates};

    const MINUTE: i64 = 60_000;
    const DAY: i64 = 1_440 * MINUTE;

    fn slo(alerting: &str) -> Slo {
        let text = format!(
            "vigil 1
            tier page level=1 severity=critical page=#true
            tier ticket level=2 severity=warning
            service api {{ selector job=\"api\"; }}
            metric http_requests_total type=counter service=api {{ help \"Requests\"; label code \"200\" \"500\"; }}
            slo availability service=api {{
                objective 99.5
                window \"28d\"
                sli {{ ratio errors=\"http_requests_total{{code=\\\"500\\\"}}\" total=\"http_requests_total\" }}
                {alerting}
            }}"
        );
        let files = [(String::from("spec.kdl"), text)];
        let (model, diagnostics) =
            crate::app::compile_texts(&files, &mut crate::source::Sources::default());
        let model = model.unwrap_or_else(|| panic!("{diagnostics:?}"));
        model.slos[0].clone()
    }

    /// Rates from `rate(minute) -> (errors, total)` over `days` days from the epoch, at one
    /// minute and at five.
    fn input(days: i64, rate: impl Fn(i64) -> Option<(f64, f64)>) -> Input {
        let grid = |step: i64| {
            let minutes: Vec<i64> = (0..days * 1_440)
                .step_by(usize::try_from(step).unwrap_or(1))
                .collect();
            let values = |pick: fn((f64, f64)) -> f64| Grid {
                start: Timestamp(0),
                step: Duration::from_secs(u64::try_from(step * 60).unwrap_or(60)),
                values: minutes.iter().map(|m| rate(*m).map(pick)).collect(),
            };
            Rates {
                errors: values(|(e, _)| e),
                total: values(|(_, t)| t),
            }
        };
        Input {
            fine: grid(1),
            coarse: grid(5),
        }
    }

    fn run(slo: &Slo, input: &Input, from_day: i64, days: i64) -> Replay {
        let evaluation = Evaluation {
            interval: Duration::from_secs(60),
            bounds: Bounds::Closed,
        };
        let from = Timestamp(from_day * DAY);
        replay(
            slo,
            input,
            from,
            Timestamp((from_day + days) * DAY - MINUTE),
            evaluation,
        )
    }

    fn fired(replay: &Replay, kind: AlertKind) -> Vec<(i64, Option<i64>)> {
        replay
            .alerts
            .iter()
            .filter(|a| a.kind == kind)
            .flat_map(|a| &a.firing)
            .map(|f| (f.start.0 / MINUTE, f.end.map(|e| e.0 / MINUTE)))
            .collect()
    }

    #[test]
    fn a_healthy_service_raises_nothing_and_keeps_its_budget() {
        let slo = slo("");
        let replay = run(&slo, &input(60, |_| Some((0.1, 100.0))), 30, 28);
        assert!(replay.alerts.iter().all(|a| a.firing.is_empty()));
        assert_eq!(replay.alerts.len(), 4, "two page and two ticket pairs");
        let remaining = replay.periods.last().and_then(|p| p.remaining);
        assert!(
            remaining.is_some_and(|r| (r - 0.8).abs() < 1e-9),
            "{remaining:?}"
        );
        assert_eq!(replay.breach, Duration::from_secs(0));
        assert!(replay.gaps.is_empty());
    }

    #[test]
    fn an_outage_pages_within_minutes_and_resolves_after_it() {
        let slo = slo("alerting { page tier=page; ticket tier=ticket; }");
        let outage = 40 * 1_440 + 600;
        let rates = input(60, |m| {
            let failing = (outage..outage + 30).contains(&m);
            Some((if failing { 100.0 } else { 0.0 }, 100.0))
        });
        let replay = run(&slo, &rates, 35, 10);
        let pages = fired(&replay, AlertKind::Page);
        assert!(!pages.is_empty());
        let (start, end) = pages[0];
        assert!((outage..outage + 10).contains(&start), "paged at {start}");
        // The 1h/5m pair resolves at the first evaluation without errors: its short
        // ratio is the base rates' own, no sum over five minutes of them.
        assert_eq!(end, Some(outage + 30), "resolved at {end:?}");
        let peak = replay
            .alerts
            .iter()
            .flat_map(|a| &a.firing)
            .map(|f| f.peak_burn);
        assert!(peak.fold(0.0, f64::max) > 14.0);
        let worst = replay.worst_hour.expect("traffic");
        assert_eq!(worst.start.0, (outage / 60) * 60 * MINUTE);
    }

    #[test]
    fn an_alert_already_firing_when_the_range_starts_fires_from_its_start() {
        let slo = slo("alerting { page tier=page for=\"30m\"; ticket tier=ticket; }");
        // Failing from two hours before day 35 to two hours after.
        let day = 35 * 1_440;
        let rates = input(60, |m| {
            let failing = (day - 120..day + 120).contains(&m);
            Some((if failing { 100.0 } else { 0.0 }, 100.0))
        });
        let replay = run(&slo, &rates, 35, 1);
        let pages = fired(&replay, AlertKind::Page);
        assert!(pages.contains(&(day, pages[0].1)), "{pages:?}");
        assert!(pages.iter().all(|(start, _)| *start >= day));
    }

    #[test]
    fn without_traffic_nothing_fires_and_the_gap_is_reported() {
        let slo = slo("");
        let replay = run(&slo, &input(40, |_| None), 30, 2);
        assert!(replay.alerts.iter().all(|a| a.firing.is_empty()));
        assert_eq!(replay.gaps.len(), 1);
        assert!(replay.periods.iter().all(|p| p.remaining.is_none()));
        assert_eq!(replay.worst_hour, None);
    }

    #[test]
    fn calendar_periods_restart_the_budget() {
        let slo = slo_calendar();
        // 2021-01-01 is day 18,628; errors at 0.4 % burn 80 % of a 0.5 % budget.
        let first = 18_628;
        let rates = input(first + 70, |_| Some((0.4, 100.0)));
        let replay = run(&slo, &rates, first + 20, 30);
        // January ends inside the range: its end and the range's end are reported.
        assert_eq!(replay.periods.len(), 2);
        let january = &replay.periods[0];
        assert_eq!(january.at.0, (first + 31) * DAY - MINUTE);
        assert!(
            replay
                .periods
                .iter()
                .all(|p| p.remaining.is_some_and(|r| (r - 0.2).abs() < 1e-9))
        );
    }

    fn slo_calendar() -> Slo {
        let mut slo = slo("");
        slo.window = Period::Calendar(CalendarPeriod::Month);
        slo
    }

    #[test]
    fn calendar_periods_start_at_utc_midnight() {
        // 2021-03-17T13:00:00Z, a Wednesday.
        let at = Timestamp(1_615_986_000_000);
        assert_eq!(
            period_start(CalendarPeriod::Month, at),
            Timestamp(1_614_556_800_000)
        );
        assert_eq!(
            period_start(CalendarPeriod::Week, at),
            Timestamp(1_615_766_400_000)
        );
    }
}
