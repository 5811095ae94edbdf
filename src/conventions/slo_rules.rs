/// Base rates, recorded once per SLO from the raw series.
pub const ERROR_RATE: &str = "slo:sli_error_events:rate5m";
pub const TOTAL_RATE: &str = "slo:sli_total_events:rate5m";
/// The same base rates sampled every 5 minutes by the slow group, so that windows of
/// days read 288 samples a day instead of 1,440 (promtool refuses queries above 10,000).
pub const ERROR_RATE_COARSE: &str = "slo:sli_error_events:rate5m_step5m";
pub const TOTAL_RATE_COARSE: &str = "slo:sli_total_events:rate5m_step5m";
/// Events summed since the start of the current calendar period (calendar windows).
pub const ERROR_TO_DATE: &str = "slo:sli_error_events:sum_period_to_date";
pub const TOTAL_TO_DATE: &str = "slo:sli_total_events:sum_period_to_date";
/// Unix time at which the current calendar period began; the to-date sums reset when
/// it moves.
pub const PERIOD_START: &str = "slo:period_start:timestamp_seconds";
pub const OBJECTIVE: &str = "slo:objective:ratio";
pub const ERROR_BUDGET: &str = "slo:error_budget:ratio";
pub const TIME_PERIOD_DAYS: &str = "slo:time_period:days";
pub const CURRENT_BURN_RATE: &str = "slo:current_burn_rate:ratio";
pub const PERIOD_BURN_RATE: &str = "slo:period_burn_rate:ratio";
pub const BUDGET_REMAINING: &str = "slo:period_error_budget_remaining:ratio";
/// The error ratio over the whole compliance period (rolling or calendar to date).
pub const PERIOD_ERROR_RATIO: &str = "slo:sli_error:ratio_period";

/// The traffic-weighted error ratio over one window: `slo:sli_error:ratio_rate1h`.
pub fn error_ratio(window: crate::model::Duration) -> String {
    ["slo:sli_error:ratio_rate", &window.to_string()].concat()
}
