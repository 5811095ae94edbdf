//! Diagnosis steps a runbook shows when the spec gives none: what an on-call engineer does
//! first for each kind of alert. Missing data and the error budget have their own steps
//! whatever the SLO's `runbook` says, since that block is about failures, not about a
//! blind SLI or a spent budget.

/// What kind of alert a page is for, as far as its first steps go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Steps {
    BurnRate,
    BudgetConsumed,
    BudgetExhausted,
    MissingData,
    Threshold,
    Operational,
}

pub(super) fn default_steps(kind: Steps, service: &str) -> Vec<String> {
    let lines: &[&str] = match kind {
        Steps::BurnRate => &[
            "Open the SLO detail dashboard: which window pair fired, and is the error ratio still rising?",
            "Look for what changed: deployments, configuration and dependencies of {service} in the last hours.",
            "Find where the errors come from: break the error ratio down by instance and by the SLI's labels.",
            "Mitigate first (roll back, fail over, shed load), then look for the cause.",
        ],
        Steps::BudgetConsumed => &[
            "Open the SLO detail dashboard: was the budget spent in a few incidents or by a steady burn?",
            "Slow down risky changes to {service} until the period resets or reliability recovers.",
            "Plan the reliability work that would have prevented the largest burns.",
        ],
        Steps::BudgetExhausted => &[
            "The SLO is breached for this period: apply the error-budget policy (freeze risky changes to {service}).",
            "Open the SLO detail dashboard to see when and how fast the budget was spent.",
            "Write down the incidents that spent it; review them before the freeze ends.",
        ],
        Steps::MissingData => &[
            "Check that the scrape targets of {service} are up: `up` for its selector in Prometheus, and the targets page.",
            "Check that the SLI's metrics are still exported under the same names and labels (`vigil verify` compares the catalog with what Prometheus holds).",
            "Look for a recent exporter upgrade, renamed metric or relabelling change.",
            "While the data is missing, the SLO's burn-rate alerts cannot fire: watch {service} by other means until it is back.",
        ],
        Steps::Threshold => &[
            "Open the service metrics dashboard of {service}: which instances cross the threshold, and since when?",
            "Look for what changed: deployments, configuration and load of {service} in the last hours.",
            "Mitigate first (restart, scale out, shed load), then look for the cause.",
        ],
        Steps::Operational => &[
            "Open the service metrics dashboard of {service} and compare the value with its recent history.",
            "Look for what changed: deployments, configuration and load in the last hours.",
        ],
    };
    lines
        .iter()
        .map(|line| line.replace("{service}", service))
        .collect()
}
