//! What the runbook pages of one service or tier share (dashboard links, escalation),
//! worked out once per service and tier rather than once per page.

use serde::Serialize;

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

/// A link on a runbook page.
#[derive(Serialize, Clone)]
pub(super) struct LinkRow {
    pub(super) title: String,
    pub(super) url: String,
}

use super::oncall::receivers_for;
use crate::model::{Model, Service, ServiceName, TierName};

/// What the pages of one service or tier have in common, worked out once per service and
/// tier: looking it up for every page scanned every SLO and every route per page, which
/// made the runbooks quadratic in the size of the spec.
pub(super) struct Shared<'a> {
    pub(super) model: &'a Model,
    pub(super) header: &'static str,
    services_with_slos: HashSet<&'a str>,
    links: RefCell<HashMap<String, Vec<LinkRow>>>,
    escalations: RefCell<HashMap<(String, String), Vec<String>>>,
}

impl<'a> Shared<'a> {
    pub(super) fn new(model: &'a Model, header: &'static str) -> Self {
        Self {
            model,
            header,
            services_with_slos: model.slos.iter().map(|s| s.service.as_str()).collect(),
            links: RefCell::default(),
            escalations: RefCell::default(),
        }
    }

    /// Links to the service's dashboards.
    pub(super) fn links(&self, service: &str) -> Vec<LinkRow> {
        self.links
            .borrow_mut()
            .entry(service.to_owned())
            .or_insert_with(|| self.dashboard_links(service))
            .clone()
    }

    /// Who a tier reaches for this service, and how.
    pub(super) fn escalation(&self, tier: &TierName, service: &str) -> Vec<String> {
        self.escalations
            .borrow_mut()
            .entry((tier.to_string(), service.to_owned()))
            .or_insert_with(|| escalation(self.model, tier, service))
            .clone()
    }

    fn dashboard_links(&self, service: &str) -> Vec<LinkRow> {
        dashboard_links(
            self.model,
            service,
            self.services_with_slos.contains(service),
        )
    }
}

fn dashboard_links(model: &Model, service: &str, has_slos: bool) -> Vec<LinkRow> {
    use crate::conventions::{
        GRAFANA_SHARED_FOLDER, UID_METRICS, UID_SLO_DETAIL, dashboard_uid, grafana_dashboard_path,
    };
    let Some(declared) = named_service(model, service) else {
        return Vec::new();
    };
    let folder = declared
        .team
        .as_ref()
        .map_or(GRAFANA_SHARED_FOLDER, |t| t.as_str());
    let kinds = [
        (UID_SLO_DETAIL, "SLO detail dashboard", has_slos),
        (UID_METRICS, "Service metrics dashboard", true),
    ];
    kinds
        .into_iter()
        .filter(|(_, _, present)| *present)
        .map(|(kind, title, _)| {
            let uid = dashboard_uid(kind, service);
            let url = match &model.settings.grafana_url {
                Some(base) => format!("{base}/d/{uid}"),
                None => format!("../../{}", grafana_dashboard_path(folder, &uid)),
            };
            LinkRow {
                title: format!("{title} ({service})"),
                url,
            }
        })
        .collect()
}

fn escalation(model: &Model, tier: &TierName, service: &str) -> Vec<String> {
    let declared = model.tier(tier);
    let mut lines = Vec::new();
    if let Some(t) = declared {
        let meaning = t.description.clone().unwrap_or_default();
        let action = match (t.notify, t.page) {
            (false, _) => "is recorded but notifies nobody",
            (true, true) => "pages the on-call engineer",
            (true, false) => "notifies without paging",
        };
        lines.push(
            format!(
                "Tier **{}** (level {}) {action}. {meaning}",
                t.name, t.level
            )
            .trim_end()
            .to_owned(),
        );
    }
    if let (Some(routing), Some(t)) = (&model.routing, declared)
        && t.notify
    {
        let team = named_service(model, service)
            .and_then(|s| s.team.as_ref())
            .map(crate::model::TeamName::as_str);
        let receivers = receivers_for(routing, tier.as_str(), team, service);
        lines.push(format!(
            "Delivered to: {} (see the [routing](../on-call.md#routing)).",
            receivers.join(", ")
        ));
    }
    lines
}

/// The service a page names; pages of alerts without one name "—", which matches none.
fn named_service<'m>(model: &'m Model, service: &str) -> Option<&'m Service> {
    model.service(&ServiceName::new(service.to_owned()))
}
