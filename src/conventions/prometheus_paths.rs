/// One file per SLO, so a test loads (and promtool evaluates) only that SLO's rules.
pub fn rules(slo: &str) -> String {
    format!("prometheus/rules/slo-{slo}.yaml")
}
pub fn operator(service: &str) -> String {
    format!("prometheus-operator/{service}.yaml")
}
pub fn mimir(service: &str) -> String {
    format!("mimir/rules/{service}.yaml")
}
pub fn thanos(slo: &str) -> String {
    format!("thanos/rules/slo-{slo}.yaml")
}
/// The threshold alerts of one service (`None`: alerts naming no service).
pub fn alerts(service: Option<&str>) -> String {
    format!(
        "prometheus/rules/alerts-{}.yaml",
        service.unwrap_or("unowned")
    )
}
pub fn thanos_alerts(service: Option<&str>) -> String {
    format!("thanos/rules/alerts-{}.yaml", service.unwrap_or("unowned"))
}
/// promtool test file of one service's operational alerts (`None`: no service).
pub fn alerts_test(service: Option<&str>) -> String {
    format!(
        "prometheus/tests/alerts-{}.yaml",
        service.unwrap_or("unowned")
    )
}
/// The same service's tests that span days, evaluated hourly.
pub fn alerts_hourly_test(service: Option<&str>) -> String {
    format!(
        "prometheus/tests/alerts-{}-hourly.yaml",
        service.unwrap_or("unowned")
    )
}
pub fn alerts_from_test(service: Option<&str>) -> String {
    format!("../rules/alerts-{}.yaml", service.unwrap_or("unowned"))
}
/// A scrape-config snippet per service: limits and the optional metric allow-list.
pub fn scrape(service: &str) -> String {
    format!("prometheus/scrape/{service}.yaml")
}
/// promtool test file of one SLO, beside the rules.
pub fn test(slo: &str) -> String {
    format!("prometheus/tests/{slo}.yaml")
}
/// The test file's path to the rule file (promtool resolves it from the test file).
pub fn rules_from_test(slo: &str) -> String {
    format!("../rules/slo-{slo}.yaml")
}
/// The `PrometheusRule` object's name.
pub fn operator_name(service: &str) -> String {
    format!("vigil-{service}")
}
