//! The YAML form of SLOs, their SLIs, burn-rate alerting and runbooks.

#![allow(clippy::doc_markdown)]

use std::collections::BTreeMap;

use schemars::JsonSchema;

use super::{Duration, LabelValue, Labels, Matchers};

/// A service level objective.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Slo {
    /// The SLO's name, unique within its service: only in the list form of `slos`, where
    /// SLOs of the same name in different services can stand side by side.
    pub name: Option<String>,
    /// The service this SLO belongs to.
    pub service: String,
    pub description: Option<String>,
    /// The target, a percentage strictly between 0 and 100 (e.g. 99.9).
    #[schemars(extend("exclusiveMinimum" = 0, "exclusiveMaximum" = 100))]
    pub objective: f64,
    /// The compliance period: a rolling duration (at least 1d) or `{calendar: month|week}`.
    pub window: SloWindow,
    pub sli: Sli,
    /// One SLO per combination of these labels' values.
    pub group_by: Option<Labels>,
    /// Extra labels on every rule of this SLO.
    pub labels: Option<BTreeMap<String, LabelValue>>,
    /// Burn-rate and budget alerts; defaults to page + ticket on the first paging and
    /// notifying tiers when absent.
    pub alerting: Option<Alerting>,
    pub runbook: Option<Runbook>,
}

#[derive(JsonSchema)]
#[schemars(untagged)]
pub enum SloWindow {
    Rolling(Duration),
    Calendar(CalendarWindow),
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CalendarWindow {
    pub calendar: CalendarPeriod,
}

#[derive(JsonSchema)]
#[schemars(rename_all = "lowercase")]
pub enum CalendarPeriod {
    Month,
    Week,
}

/// How good and bad events are counted: exactly one kind.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, extend("minProperties" = 1, "maxProperties" = 1))]
pub struct Sli {
    pub ratio: Option<RatioSli>,
    pub latency: Option<LatencySli>,
    pub availability: Option<AvailabilitySli>,
    pub query: Option<QuerySli>,
}

/// Counters of bad (`errors`) or good (`good`) events, and of all events.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RatioSli {
    /// Selector of the bad events (exactly one of `errors` and `good`).
    pub errors: Option<String>,
    /// Selector of the good events.
    pub good: Option<String>,
    /// Selector of all events.
    pub total: String,
}

/// Requests slower than `threshold` are bad.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct LatencySli {
    /// A histogram declared in `metrics`.
    pub metric: String,
    /// Must be one of the histogram's bucket boundaries (classic histograms).
    pub threshold: Duration,
    /// Extra label matchers.
    #[schemars(rename = "match")]
    pub matchers: Option<Matchers>,
}

/// A 0/1 gauge such as `up` or `probe_success`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct AvailabilitySli {
    pub metric: String,
}

/// PromQL templates over `{{ window }}` for the error and total rates.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct QuerySli {
    pub errors: String,
    pub total: String,
}

/// Which alerts an SLO produces.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Alerting {
    /// What these alerts' names begin with (CamelCase): `CheckoutAvail` names
    /// `CheckoutAvailBurnRatePage` and the rest. Default: the service and SLO name in
    /// CamelCase, the service written once (`CheckoutAvailability`).
    pub name: Option<String>,
    /// Fast burn: default windows 1h/5m at 2 % and 6h/30m at 5 %.
    pub page: Option<BurnAlert>,
    /// Slow burn: default windows 1d/2h and 3d/6h at 10 %.
    pub ticket: Option<BurnAlert>,
    /// Fires when this share of the budget is consumed.
    pub budget_consumed: Option<BudgetConsumed>,
    /// Fires when the budget is gone.
    pub budget_exhausted: Option<BudgetExhausted>,
    /// Fires when the SLI's series disappear (default: on the ticket tier, for 10m).
    pub absent: Option<Absent>,
    /// Minimum events in the long window before a burn alert may fire.
    pub min_events: Option<u64>,
    /// Extra labels on these alerts (labels vigil sets are refused).
    pub labels: Option<BTreeMap<String, LabelValue>>,
    /// Extra annotations; one named like vigil's (`summary`, `description`) replaces it.
    pub annotations: Option<BTreeMap<String, String>>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct BurnAlert {
    /// This alert's whole name, replacing the one from `alerting.name` (CamelCase).
    pub name: Option<String>,
    pub tier: String,
    #[schemars(rename = "for")]
    pub for_duration: Option<Duration>,
    /// Needs Prometheus 2.42.
    pub keep_firing_for: Option<Duration>,
    /// Custom window pairs, replacing the defaults.
    pub windows: Option<Vec<BurnWindow>>,
    /// Extra labels on these alerts (labels vigil sets are refused).
    pub labels: Option<BTreeMap<String, LabelValue>>,
    /// Extra annotations; one named like vigil's (`summary`, `description`) replaces it.
    pub annotations: Option<BTreeMap<String, String>>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct BurnWindow {
    pub long: Duration,
    /// Shorter than `long`, usually 1/12 of it.
    pub short: Duration,
    /// Percent of the period's budget consumed over `long`, above 0 and at most 100.
    pub budget: f64,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct BudgetConsumed {
    /// This alert's whole name, replacing the one from `alerting.name` (CamelCase).
    pub name: Option<String>,
    pub tier: String,
    /// Percent strictly between 0 and 100.
    pub percent: f64,
    #[schemars(rename = "for")]
    pub for_duration: Option<Duration>,
    /// Extra labels on these alerts (labels vigil sets are refused).
    pub labels: Option<BTreeMap<String, LabelValue>>,
    /// Extra annotations; one named like vigil's (`summary`, `description`) replaces it.
    pub annotations: Option<BTreeMap<String, String>>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct BudgetExhausted {
    /// This alert's whole name, replacing the one from `alerting.name` (CamelCase).
    pub name: Option<String>,
    pub tier: String,
    #[schemars(rename = "for")]
    pub for_duration: Option<Duration>,
    /// Extra labels on these alerts (labels vigil sets are refused).
    pub labels: Option<BTreeMap<String, LabelValue>>,
    /// Extra annotations; one named like vigil's (`summary`, `description`) replaces it.
    pub annotations: Option<BTreeMap<String, String>>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Absent {
    /// This alert's whole name, replacing the one from `alerting.name` (CamelCase).
    pub name: Option<String>,
    /// Required unless `enabled: false`.
    pub tier: Option<String>,
    /// Default 10m.
    #[schemars(rename = "for")]
    pub for_duration: Option<Duration>,
    pub enabled: Option<bool>,
    /// Extra labels on these alerts (labels vigil sets are refused).
    pub labels: Option<BTreeMap<String, LabelValue>>,
    /// Extra annotations; one named like vigil's (`summary`, `description`) replaces it.
    pub annotations: Option<BTreeMap<String, String>>,
}

/// Content of the generated runbook.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Runbook {
    pub impact: Option<String>,
    pub steps: Option<Vec<String>>,
    pub decisions: Option<Vec<Decision>>,
    pub escalation: Option<String>,
    pub links: Option<Vec<Link>>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Decision {
    /// The symptom the operator sees.
    pub when: String,
    /// What to do about it.
    pub then: String,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Link {
    pub title: String,
    pub url: String,
}
