//! `vigil diff`: what changes for operators between two versions of a spec.
//!
//! Both versions go through the whole pipeline (load → check → model → emit); each is
//! reduced to what an operator sees ([`view`]: SLOs, alert rules with where they are
//! delivered, recording rules, receivers, who is notified for what, dashboards), and the
//! two views are compared into a typed list of [`Change`]s ([`compare`]), which the
//! renderers turn into Markdown for a pull-request comment or JSON
//! (`schemas/diff.schema.json`). Pure: no I/O, no printing.

mod alerts;
mod budget;
mod change;
mod compare;
mod json;
mod markdown;
mod operations;
mod view;

use serde::Serialize;

pub use json::{DIFF_VERSION, json, json_schema};
pub use markdown::{MARKDOWN_TITLE, markdown};

use crate::model::Model;

/// Every change between two versions, in a stable order (by kind, then subject).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Report {
    /// The JSON form's version ([`DIFF_VERSION`]); bumped on any incompatible change.
    pub version: u32,
    /// What the base version is (`HEAD:specs`, a folder).
    pub base: String,
    /// What the new version is (the spec paths).
    pub head: String,
    pub changes: Vec<Change>,
}

impl Report {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// Keeps only the changes to these SLOs and to their alerts.
    pub fn retain_slos(&mut self, slos: &[&crate::model::Slo]) {
        let paths: Vec<String> = slos.iter().map(|slo| slo.path()).collect();
        let alerts: Vec<&str> = slos
            .iter()
            .flat_map(|slo| slo.alerting.names.all())
            .map(crate::model::AlertName::as_str)
            .collect();
        self.changes.retain(|change| match change.kind {
            Kind::Slo => paths.contains(&change.subject),
            Kind::Alert => alerts.contains(&change.subject.as_str()),
            _ => false,
        });
    }
}

/// Compares two checked models.
pub fn diff(base: &Model, head: &Model, base_name: &str, head_name: &str) -> Report {
    // The two views are independent: one on each core.
    let (before, after) = std::thread::scope(|scope| {
        let before = scope.spawn(|| view::view(base));
        let after = view::view(head);
        let before = before
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (before, after)
    });
    Report {
        version: DIFF_VERSION,
        base: base_name.to_owned(),
        head: head_name.to_owned(),
        changes: compare::compare(&before, &after),
    }
}

/// What kind of thing changed; also the order of the report's sections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A service level objective: objective, window, SLI, burn-rate thresholds.
    Slo,
    /// One generated alert rule (SLO burn-rate and budget alerts, threshold alerts).
    Alert,
    /// Who a tier's alerts of a service reach through the routing tree.
    Routing,
    /// An Alertmanager receiver and its integrations.
    Receiver,
    /// A Prometheus recording rule.
    RecordingRule,
    /// A Grafana dashboard and its panels.
    Dashboard,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Added,
    Removed,
    Changed,
    /// A receiver with a new name and the same integrations.
    Renamed,
}

/// One thing that changed, with a sentence an on-call engineer can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Change {
    pub kind: Kind,
    pub action: Action,
    /// The name operators know it by: an SLO, alert, receiver, recording rule, dashboard
    /// title, or for routing the alerts concerned.
    pub subject: String,
    /// Tells apart rules sharing a name: burn-rate windows (`1h/5m`) or a threshold's tier.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    /// One sentence (Markdown inline: names in backticks, receivers in bold).
    pub summary: String,
    /// Field by field, for changes; what the new or removed thing is, for the others.
    pub details: Vec<Detail>,
    /// Alerts and recording rules only: the SLO whose objective or window changed, when
    /// that change alone explains this one (burn-rate thresholds derive from both).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub follows_slo: Option<String>,
    /// SLOs only: the error budget before and after.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub budget: Option<BudgetChange>,
}

/// One field of a change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Detail {
    pub field: Field,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// The change in words (Markdown inline).
    pub says: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Service,
    Objective,
    Window,
    ErrorBudget,
    Sli,
    /// A burn-rate alert window's error-ratio threshold.
    BurnThreshold,
    Expression,
    /// Only the numbers of an expression changed.
    Threshold,
    For,
    KeepFiringFor,
    Severity,
    Tier,
    /// Where notifications go.
    Delivery,
    Integrations,
    Name,
    Title,
    Panel,
    Queries,
    Unit,
}

/// An SLO's error budget before and after (absent for an added or removed SLO's other side).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct BudgetChange {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<budget::Budget>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<budget::Budget>,
}

pub use budget::Budget;
