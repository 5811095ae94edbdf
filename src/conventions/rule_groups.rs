/// More rules than this in one group is split into `-2`, `-3`… groups.
pub const MAX_RULES: usize = 20;
/// The slow group's interval: long windows read data at this resolution.
pub const SLOW_INTERVAL_SECS: u64 = 300;
/// Windows at least this long are recorded by the slow group, from the 5-minute copies.
pub const COARSE_FROM: crate::model::Duration = crate::model::Duration::from_days(1);
pub fn sli(slo: &str) -> String {
    format!("slo-{slo}-sli")
}
pub fn period(slo: &str) -> String {
    format!("slo-{slo}-period")
}
pub fn alerts(slo: &str) -> String {
    format!("slo-{slo}-alerts")
}
/// The group of a service's threshold alerts (`alert` nodes).
pub fn alerts_of(service: Option<&str>) -> String {
    format!("alerts-{}", service.unwrap_or("unowned"))
}
/// One group per anomaly: its rules read each other within one evaluation.
pub fn anomaly(item: &str) -> String {
    format!("anomaly-{item}")
}
pub fn regressions_of(service: Option<&str>) -> String {
    format!("regressions-{}", service.unwrap_or("unowned"))
}
pub fn capacity_of(service: Option<&str>) -> String {
    format!("capacity-{}", service.unwrap_or("unowned"))
}
pub fn cardinality_of(service: Option<&str>) -> String {
    format!("cardinality-{}", service.unwrap_or("unowned"))
}
/// The group of the runtime alert on the global series budget.
pub const SERIES_BUDGET: &str = "series-budget";
