use super::{alert_name, camel_case};

fn stem(service: Option<&str>, item: &str) -> String {
    format!("{}{}", camel_case(service.unwrap_or("")), camel_case(item))
}
pub fn anomaly(service: Option<&str>, item: &str) -> String {
    alert_name(&stem(service, item), "Anomaly")
}
pub fn regression(service: Option<&str>, item: &str) -> String {
    alert_name(&stem(service, item), "Regression")
}
pub fn headroom(service: Option<&str>, item: &str) -> String {
    alert_name(&stem(service, item), "HeadroomLow")
}
pub fn exhaustion(service: Option<&str>, item: &str) -> String {
    alert_name(&stem(service, item), "ExhaustionForecast")
}
pub fn cardinality(service: Option<&str>) -> String {
    alert_name(&camel_case(service.unwrap_or("")), "SeriesOverBudget")
}
/// The runtime alert on `settings { series-budget }`: all declared metrics of one
/// target together.
pub const SERIES_BUDGET: &str = "TargetSeriesBudgetExceeded";
