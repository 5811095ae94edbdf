//! Stage 3: the validated model. No spans, no raw strings where a type fits, no `Option`
//! for required data. Every list is in a deterministic order (declaration order is kept
//! only where it has meaning, as for routes).

mod alerting;
mod catalog;
pub(crate) mod comparison;
mod derived;
mod notify;
mod owners;
mod scope;
mod slo;
mod values;
mod words;

pub use alerting::{Alert, Anomaly, Capacity, Comparison, Condition, Regression, Threshold};
pub use catalog::{
    LabelValues, Metric, MetricKind, MetricLabel, Service, Tier, TierSeverity, Unit, format_value,
};
pub use derived::{SERIES_BUDGET_SUMMARY, cardinality_summary};
pub use notify::{
    Email, Inhibition, Integration, Matchers, MsTeams, OpsGenie, PagerDuty, Receiver, Responder,
    Route, Routing, Slack, TimeInterval, Timing, Webhook, WebhookUrl,
};
pub use owners::Owners;
pub use scope::{latency_labels, le_value};
pub use slo::{
    AbsentAlert, AlertExtras, AlertNames, Alerting, BASE_WINDOW, BudgetAlert, BurnAlert,
    BurnWindow, CalendarPeriod, Events, HistogramMode, Sli, Slo, Window,
};
pub use values::{
    AlertName, Decimal, Duration, IntervalName, LabelName, MetricName, Objective, PromQl,
    ReceiverName, RuleName, Selector, ServiceName, SloName, TeamName, TierName, Version,
    WindowTemplate, format_decimal,
};
pub(crate) use values::{substitute_window, substitute_window_in_place};

use std::collections::BTreeMap;

/// The whole validated spec.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub targets: Targets,
    pub settings: Settings,
    /// Ordered by level (1 = most urgent), then name.
    pub tiers: Vec<Tier>,
    /// Sorted by name, unique (lookups search it by halves).
    pub services: Vec<Service>,
    /// Sorted by name, unique (lookups search it by halves).
    pub metrics: Vec<Metric>,
    pub slos: Vec<Slo>,
    pub alerts: Vec<Alert>,
    pub anomalies: Vec<Anomaly>,
    pub regressions: Vec<Regression>,
    pub capacities: Vec<Capacity>,
    pub retention: Option<Retention>,
    pub receivers: Vec<Receiver>,
    /// `None` when the spec declares no routing: no Alertmanager config is produced.
    pub routing: Option<Routing>,
    pub time_intervals: Vec<TimeInterval>,
}

impl Model {
    pub fn tier(&self, name: &TierName) -> Option<&Tier> {
        self.tiers.iter().find(|t| &t.name == name)
    }

    pub fn service(&self, name: &ServiceName) -> Option<&Service> {
        let found = self.services.binary_search_by(|s| s.name.cmp(name));
        found.ok().map(|index| &self.services[index])
    }

    pub fn metric(&self, name: &MetricName) -> Option<&Metric> {
        let found = self.metrics.binary_search_by(|m| m.name.cmp(name));
        found.ok().map(|index| &self.metrics[index])
    }

    pub fn receiver(&self, name: &ReceiverName) -> Option<&Receiver> {
        self.receivers.iter().find(|r| &r.name == name)
    }

    /// The SLOs a command's reference names: `service/name` names one; a bare name names
    /// every SLO of that name, which is ambiguous when more than one service has it.
    pub fn find_slos(&self, reference: &str) -> Vec<&Slo> {
        match reference.split_once('/') {
            Some((service, name)) => self
                .slos
                .iter()
                .filter(|slo| slo.service.as_str() == service && slo.name.as_str() == name)
                .collect(),
            None => self
                .slos
                .iter()
                .filter(|slo| slo.name.as_str() == reference)
                .collect(),
        }
    }

    /// Teams that own at least one service, sorted.
    pub fn teams(&self) -> Vec<&TeamName> {
        let mut teams: Vec<&TeamName> = self
            .services
            .iter()
            .filter_map(|s| s.team.as_ref())
            .collect();
        teams.sort();
        teams.dedup();
        teams
    }
}

/// Which tools, at which versions, the output must load into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Targets {
    pub prometheus: Version,
    pub alertmanager: Version,
    pub grafana: Version,
    /// Sorted, at least one.
    pub rules: Vec<RuleDialect>,
}

impl Default for Targets {
    fn default() -> Self {
        Self {
            prometheus: Version::new(2, 53),
            alertmanager: Version::new(0, 27),
            grafana: Version::new(11, 6),
            rules: vec![RuleDialect::Prometheus],
        }
    }
}

/// The rule-file flavours vigil writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RuleDialect {
    /// Plain Prometheus rule files (`groups:`).
    Prometheus,
    /// A `monitoring.coreos.com/v1` `PrometheusRule` custom resource.
    PrometheusOperator,
    /// Mimir / Cortex ruler: per-namespace rule files.
    Mimir,
    /// Thanos ruler: `partial_response_strategy` on each group.
    Thanos,
}

impl RuleDialect {
    pub const ALL: &'static [(&'static str, RuleDialect)] = &[
        ("prometheus", RuleDialect::Prometheus),
        ("prometheus-operator", RuleDialect::PrometheusOperator),
        ("mimir", RuleDialect::Mimir),
        ("thanos", RuleDialect::Thanos),
    ];
}

/// Output settings that do not change what is monitored.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Settings {
    /// Base URL of the published runbooks; relative links when `None`.
    pub runbook_base_url: Option<String>,
    /// Base URL of Grafana, for links from alerts and runbooks.
    pub grafana_url: Option<String>,
    /// A folder of templates overriding the embedded Markdown templates.
    pub templates: Option<String>,
    /// Also emit Sloth's label names and metadata series (migration aid).
    pub compat_sloth: bool,
    /// Extra labels put on every generated rule.
    pub labels: BTreeMap<LabelName, String>,
    /// Global budget of series per target across all declared metrics.
    pub series_budget: Option<u64>,
    /// The runtime alert on metrics whose live series exceed their budget; off when `None`.
    pub cardinality_alert: Option<CardinalityAlert>,
    /// Labels every scraped series carries whatever its service (`namespace`, `cluster`).
    pub target_labels: Vec<LabelName>,
}

/// Fires when a declared metric has more live series per target than its budget
/// (`max-series`, else the compile-time estimate).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardinalityAlert {
    pub tier: TierName,
    pub for_duration: Duration,
}

/// How long data is kept, and at which resolution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retention {
    /// Raw-resolution retention in long-term storage (Thanos/Mimir), or Prometheus when
    /// `local` is not given.
    pub raw: Duration,
    /// Prometheus' own TSDB retention, which rule evaluation reads.
    pub local: Option<Duration>,
    /// Downsampled resolutions, ordered by resolution.
    pub downsamples: Vec<Downsample>,
    /// Size cap in bytes for Prometheus' TSDB.
    pub size_bytes: Option<u64>,
}

impl Retention {
    /// What Prometheus' rule evaluation can read.
    pub fn local_or_raw(&self) -> Duration {
        self.local.unwrap_or(self.raw)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Downsample {
    pub resolution: Duration,
    pub keep: Duration,
}

/// Operator-facing content of a runbook, written in the spec.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Runbook {
    pub impact: Option<String>,
    pub steps: Vec<String>,
    pub decisions: Vec<Decision>,
    pub escalation: Option<String>,
    pub links: Vec<Link>,
}

/// One branch of a decision tree: when the operator sees `when`, do `then`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub when: String,
    pub then: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub title: String,
    pub url: String,
}
