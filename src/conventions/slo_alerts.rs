use super::alert_name;

pub fn page(stem: &str) -> String {
    alert_name(stem, "BurnRatePage")
}
pub fn ticket(stem: &str) -> String {
    alert_name(stem, "BurnRateTicket")
}
pub fn budget_consumed(stem: &str) -> String {
    alert_name(stem, "BudgetConsumed")
}
pub fn budget_exhausted(stem: &str) -> String {
    alert_name(stem, "BudgetExhausted")
}
pub fn absent(stem: &str) -> String {
    alert_name(stem, "SliAbsent")
}
