//! One runbook page as the template renders it, the alert index, and how a page starts:
//! what its tier and service decide, the spec's runbook, or vigil's default steps.

use serde::Serialize;

use super::shared::{LinkRow, Shared};
use super::steps::{Steps, default_steps};
use crate::model::{Runbook, TierName};

#[derive(Serialize, Clone)]
pub(super) struct RunbookPage {
    pub(super) header: &'static str,
    pub(super) name: String,
    pub(super) summary: String,
    /// Every tier the alert fires at (a multi-threshold alert has several), joined for
    /// the index.
    pub(super) tier: String,
    pub(super) severity: String,
    pub(super) tiers: Vec<TierRow>,
    pub(super) service: String,
    pub(super) kind: &'static str,
    pub(super) slo: Option<String>,
    pub(super) slo_anchor: String,
    pub(super) what: Vec<String>,
    pub(super) windows: Vec<WindowRow>,
    pub(super) expr: Option<String>,
    pub(super) impact: String,
    pub(super) steps: Vec<String>,
    /// The steps are vigil's defaults because the spec gave none (the page says so in a
    /// comment for the spec's author, not to the on-call).
    pub(super) default_steps: bool,
    pub(super) decisions: Vec<DecisionRow>,
    pub(super) links: Vec<LinkRow>,
    pub(super) escalation: Vec<String>,
    pub(super) related: Vec<String>,
}

/// One tier an alert fires at, and when.
#[derive(Serialize, Clone)]
pub(super) struct TierRow {
    pub(super) tier: String,
    pub(super) severity: String,
    /// `above 1.5 GB` for a threshold; empty when the tier has one condition.
    pub(super) when: String,
}

#[derive(Serialize, Clone)]
pub(super) struct WindowRow {
    pub(super) long: String,
    pub(super) short: String,
    pub(super) factor: String,
    pub(super) threshold: String,
    pub(super) share: String,
    pub(super) exhaustion: String,
}

#[derive(Serialize, Clone)]
pub(super) struct DecisionRow {
    pub(super) when: String,
    pub(super) then: String,
}

/// Every runbook page, sorted by name: as the runbook template saw it for a user's index
/// template, else the fields the embedded one lists ([`IndexRow`]).
#[derive(Serialize)]
pub(super) struct AlertIndex<T> {
    header: &'static str,
    alerts: Vec<T>,
}

pub(super) fn index<T>(pages: Vec<T>, header: &'static str) -> AlertIndex<T> {
    AlertIndex {
        header,
        alerts: pages,
    }
}

/// What the embedded alert index lists of a page.
#[derive(Serialize)]
pub(super) struct IndexRow {
    pub(super) name: String,
    pub(super) tier: String,
    pub(super) severity: String,
    pub(super) service: String,
    pub(super) kind: &'static str,
    pub(super) summary: String,
}

impl From<RunbookPage> for IndexRow {
    fn from(page: RunbookPage) -> Self {
        Self {
            name: page.name,
            tier: page.tier,
            severity: page.severity,
            service: page.service,
            kind: page.kind,
            summary: page.summary,
        }
    }
}

/// A page with only what its tier and service decide, for the caller to fill in.
pub(super) fn blank(
    shared: &Shared<'_>,
    name: String,
    tier: &TierName,
    service: &str,
    kind: &'static str,
) -> RunbookPage {
    let declared = shared.model.tier(tier);
    let severity = declared.map_or("none", |t| t.severity.as_str()).to_owned();
    RunbookPage {
        header: shared.header,
        name,
        summary: String::new(),
        tier: tier.to_string(),
        severity: severity.clone(),
        tiers: vec![TierRow {
            tier: tier.to_string(),
            severity,
            when: String::new(),
        }],
        service: service.to_owned(),
        kind,
        slo: None,
        slo_anchor: String::new(),
        what: Vec::new(),
        windows: Vec::new(),
        expr: None,
        impact: String::new(),
        steps: Vec::new(),
        default_steps: false,
        decisions: Vec::new(),
        links: shared.links(service),
        escalation: shared.escalation(tier, service),
        related: Vec::new(),
    }
}

pub(super) fn with_runbook(
    mut page: RunbookPage,
    runbook: &Runbook,
    default_impact: String,
) -> RunbookPage {
    page.impact = runbook.impact.clone().unwrap_or(default_impact);
    page.steps.clone_from(&runbook.steps);
    page.decisions = runbook
        .decisions
        .iter()
        .map(|d| DecisionRow {
            when: d.when.clone(),
            then: d.then.clone(),
        })
        .collect();
    page.links.extend(runbook.links.iter().map(|l| LinkRow {
        title: l.title.clone(),
        url: l.url.clone(),
    }));
    if let Some(escalation) = &runbook.escalation {
        page.escalation.push(escalation.clone());
    }
    page
}

/// The spec's steps, or vigil's for this kind of alert when it gave none.
pub(super) fn or_default_steps(mut page: RunbookPage, kind: Steps) -> RunbookPage {
    if page.steps.is_empty() {
        page.steps = default_steps(kind, &page.service);
        page.default_steps = true;
    }
    page
}

/// Steps of their own for alerts the SLO's `runbook` (written for failures) does not fit.
pub(super) fn own_steps(mut page: RunbookPage, kind: Steps) -> RunbookPage {
    page.steps = default_steps(kind, &page.service);
    page.decisions.clear();
    page.default_steps = false;
    page
}
