//! Error-budget arithmetic for the diff, exact (decimals, never floats).
//!
//! vigil knows the objective and the period but not the traffic, so a budget is given as
//! time (how long the service may be fully down) and as bad events per million; a count
//! of requests would need traffic figures the spec does not hold.

use serde::Serialize;

use crate::model::{CalendarPeriod, Decimal, Duration, Objective, Window, format_decimal};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Budget {
    /// The objective in percent (`99.9`).
    pub objective_percent: String,
    /// `rolling 30d`, `calendar month` or `calendar week`.
    pub window: String,
    /// The period the budget is counted over (`30d`; a calendar month counts as 30 days).
    pub period: String,
    /// The fraction of events allowed to be bad (`0.001`).
    pub ratio: String,
    /// The budget as time at a 100 % error ratio, rounded to whole seconds (`43m12s`).
    pub time: String,
    /// The same in seconds.
    pub seconds: u64,
    /// Bad events allowed per million events (`1000`).
    pub bad_per_million: String,
}

pub(super) fn budget(objective: Objective, window: Window) -> Budget {
    let ratio = objective.error_budget();
    let time = scale(window.period(), ratio);
    Budget {
        objective_percent: objective.to_string(),
        window: window_words(window),
        period: window.period().to_string(),
        ratio: format_decimal(ratio),
        time: time.to_string(),
        seconds: time.as_secs(),
        bad_per_million: per_million(ratio),
    }
}

pub(super) fn per_million(ratio: Decimal) -> String {
    format_decimal((ratio * Decimal::from(1_000_000)).round_dp(3))
}

/// A ratio as a percentage (`0.0144` → `1.44%`).
pub(super) fn percent(ratio: Decimal) -> String {
    format!(
        "{}%",
        format_decimal((ratio * Decimal::ONE_HUNDRED).round_dp(4))
    )
}

pub(super) fn window_words(window: Window) -> String {
    match window {
        Window::Rolling(duration) => format!("rolling {duration}"),
        Window::Calendar(CalendarPeriod::Month) => String::from("calendar month"),
        Window::Calendar(CalendarPeriod::Week) => String::from("calendar week"),
    }
}

/// `period × ratio`, rounded to whole seconds.
fn scale(period: Duration, ratio: Decimal) -> Duration {
    let seconds = (Decimal::from(period.as_millis()) * ratio / Decimal::from(1000)).round();
    Duration::from_secs(u64::try_from(seconds).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn objective(percent: &str) -> Objective {
        Objective::new(percent.parse().expect("decimal")).expect("objective")
    }

    #[test]
    fn budgets_match_the_textbook_figures() {
        let days30 = Window::Rolling(Duration::from_days(30));
        let b = budget(objective("99.9"), days30);
        assert_eq!(
            (b.time.as_str(), b.bad_per_million.as_str()),
            ("43m12s", "1000")
        );
        let b = budget(objective("99.95"), days30);
        assert_eq!(
            (b.time.as_str(), b.bad_per_million.as_str()),
            ("21m36s", "500")
        );
        let b = budget(objective("99.9"), Window::Rolling(Duration::from_days(28)));
        assert_eq!(b.time, "40m19s");
        assert_eq!(percent("0.0144".parse().expect("decimal")), "1.44%");
    }
}
