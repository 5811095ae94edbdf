//! What an operator sees of one version of the spec: its SLOs, every alert rule with where
//! it is delivered, the recording rules, receivers, who is notified for what, and the
//! dashboards. Built from the model *and* from what the backends emit, so the diff sees
//! exactly the rules, routes and panels that would be applied.

use std::collections::BTreeMap;

use crate::conventions::{
    LABEL_ALERTNAME, LABEL_LONG, LABEL_SEVERITY, LABEL_SHORT, LABEL_SLO, LABEL_TEAM, LABEL_TIER,
    SILENT_RECEIVER,
};
use crate::emit::Router;
use crate::emit::prometheus::{Rule, RuleGroup, each_rule_group};
use crate::model::{Decimal, Duration, Model, Objective, Window};

pub(super) struct View {
    pub(super) slos: BTreeMap<String, SloView>,
    /// By alert name, then variant (rules sharing a name differ by window or tier).
    pub(super) alerts: BTreeMap<(String, Option<String>), AlertView>,
    /// `record{labels}` → expression.
    pub(super) recording: BTreeMap<String, String>,
    /// Receiver name → what each of its integrations delivers to, in words.
    pub(super) receivers: BTreeMap<String, Vec<String>>,
    /// A label set the routing tree is tested with (tier × service) → who it reaches.
    pub(super) routes: BTreeMap<String, RouteCase>,
    /// By dashboard uid.
    pub(super) dashboards: BTreeMap<String, DashboardView>,
}

pub(super) struct SloView {
    pub(super) service: String,
    pub(super) objective: Objective,
    pub(super) window: Window,
    pub(super) sli: String,
    pub(super) sli_kind: &'static str,
    /// `page 1h/5m` → the alert and its error-ratio threshold.
    pub(super) burn: BTreeMap<String, BurnView>,
}

pub(super) struct BurnView {
    pub(super) alert: String,
    pub(super) windows: String,
    pub(super) threshold: Decimal,
}

#[derive(Clone, PartialEq, Eq)]
pub(super) struct AlertView {
    pub(super) service: Option<String>,
    pub(super) slo: Option<String>,
    pub(super) expr: String,
    pub(super) for_duration: Option<Duration>,
    pub(super) keep_firing_for: Option<Duration>,
    pub(super) severity: Option<String>,
    pub(super) tier: Option<String>,
    pub(super) delivery: Delivery,
}

/// Where an alert's notifications go.
#[derive(Clone, PartialEq, Eq)]
pub(super) enum Delivery {
    /// The spec declares no routing: no Alertmanager config is generated.
    Unrouted,
    /// The tier never notifies.
    Silent,
    /// Receivers in the order Alertmanager reaches them; `page` when the tier pages.
    To { page: bool, receivers: Vec<String> },
}

pub(super) struct RouteCase {
    /// The alerts concerned, in words: alerts of `erlmcp` (team platform) at tier `critical`.
    pub(super) who: String,
    pub(super) delivery: Delivery,
}

pub(super) struct DashboardView {
    pub(super) title: String,
    /// Panel title → what it shows (rows are left out: they only group panels).
    pub(super) panels: BTreeMap<String, PanelView>,
}

#[derive(PartialEq, Eq)]
pub(super) struct PanelView {
    pub(super) queries: Vec<String>,
    pub(super) unit: Option<String>,
}

pub(super) fn view(model: &Model) -> View {
    let router = Router::new(model);
    let mut alerts = BTreeMap::new();
    let mut recording = BTreeMap::new();
    each_rule_group(model, &mut |group| {
        add_alerts(&group, model, router.as_ref(), &mut alerts);
        add_recording(&group, &mut recording);
    });
    View {
        slos: model
            .slos
            .iter()
            .map(|slo| (slo.path(), slo_view(slo)))
            .collect(),
        alerts,
        recording,
        receivers: model
            .receivers
            .iter()
            .map(|r| {
                let words = r
                    .integrations
                    .iter()
                    .map(crate::model::Integration::words)
                    .collect();
                (r.name.to_string(), words)
            })
            .collect(),
        routes: routes(model, router.as_ref()),
        dashboards: dashboards(model),
    }
}

fn slo_view(slo: &crate::model::Slo) -> SloView {
    let mut burn = BTreeMap::new();
    for (kind, alert, name) in [
        (
            "page",
            &slo.alerting.page,
            slo.alerting.names.page.to_string(),
        ),
        (
            "ticket",
            &slo.alerting.ticket,
            slo.alerting.names.ticket.to_string(),
        ),
    ] {
        for window in alert.iter().flat_map(|a| &a.windows) {
            let windows = format!("{}/{}", window.long, window.short);
            burn.insert(
                format!("{kind} {windows}"),
                BurnView {
                    alert: name.clone(),
                    windows,
                    threshold: slo.burn_threshold(window),
                },
            );
        }
    }
    SloView {
        service: slo.service.to_string(),
        objective: slo.objective,
        window: slo.window,
        sli: slo.sli.words(),
        sli_kind: slo.sli.kind(),
        burn,
    }
}

fn delivery(model: &Model, router: Option<&Router>, labels: &BTreeMap<String, String>) -> Delivery {
    let tier = labels
        .get(LABEL_TIER)
        .and_then(|t| model.tiers.iter().find(|tier| tier.name.as_str() == t));
    if tier.is_some_and(|t| !t.notify) {
        return Delivery::Silent;
    }
    let Some(router) = router else {
        return Delivery::Unrouted;
    };
    let receivers = router.receivers(labels);
    if receivers.iter().all(|r| r == SILENT_RECEIVER) {
        return Delivery::Silent;
    }
    Delivery::To {
        page: tier.is_some_and(|t| t.page),
        receivers,
    }
}

/// The alert rules of one group. Thresholds of one alert share its name and its group:
/// their tier tells them apart.
fn add_alerts(
    group: &RuleGroup,
    model: &Model,
    router: Option<&Router>,
    out: &mut BTreeMap<(String, Option<String>), AlertView>,
) {
    let rules: Vec<&Rule> = group.rules.iter().filter(|r| r.alert.is_some()).collect();
    let windows =
        |labels: &BTreeMap<String, String>| match (labels.get(LABEL_LONG), labels.get(LABEL_SHORT))
        {
            (Some(long), Some(short)) => Some(format!("{long}/{short}")),
            _ => None,
        };
    let mut seen: BTreeMap<(String, Option<String>), usize> = BTreeMap::new();
    for rule in &rules {
        let key = (
            rule.alert.clone().unwrap_or_default(),
            windows(&rule.labels),
        );
        *seen.entry(key).or_default() += 1;
    }
    for rule in rules {
        let name = rule.alert.clone().unwrap_or_default();
        let mut variant = windows(&rule.labels);
        if seen
            .get(&(name.clone(), variant.clone()))
            .copied()
            .unwrap_or(0)
            > 1
        {
            let tier = rule.labels.get(LABEL_TIER).cloned().unwrap_or_default();
            variant = Some(format!("tier {tier}"));
        }
        let mut labels = rule.labels.clone();
        labels.insert(LABEL_ALERTNAME.to_owned(), name.clone());
        let view = AlertView {
            service: rule.labels.get(crate::conventions::LABEL_SERVICE).cloned(),
            slo: rule.labels.get(LABEL_SLO).cloned(),
            expr: rule.expr.clone(),
            for_duration: rule.for_duration,
            keep_firing_for: rule.keep_firing_for,
            severity: rule.labels.get(LABEL_SEVERITY).cloned(),
            tier: rule.labels.get(LABEL_TIER).cloned(),
            delivery: delivery(model, router, &labels),
        };
        out.insert((name, variant), view);
    }
}

fn add_recording(group: &RuleGroup, out: &mut BTreeMap<String, String>) {
    for rule in &group.rules {
        let Some(record) = &rule.record else { continue };
        let labels: Vec<String> = rule
            .labels
            .iter()
            .map(|(k, v)| format!("{k}=\"{v}\""))
            .collect();
        out.insert(
            format!("{record}{{{}}}", labels.join(",")),
            rule.expr.clone(),
        );
    }
}

fn routes(model: &Model, router: Option<&Router>) -> BTreeMap<String, RouteCase> {
    let Some(router) = router else {
        return BTreeMap::new();
    };
    router
        .cases()
        .map(|(labels, _)| {
            let key: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
            let case = RouteCase {
                who: who(labels),
                delivery: delivery(model, Some(router), labels),
            };
            (key.join(","), case)
        })
        .collect()
}

/// The alerts a label set stands for, in words.
fn who(labels: &BTreeMap<String, String>) -> String {
    let service = labels.get(crate::conventions::LABEL_SERVICE);
    let mut text = match (service, labels.get(LABEL_TEAM)) {
        (Some(service), Some(team)) => format!("alerts of `{service}` (team {team})"),
        (Some(service), None) => format!("alerts of `{service}`"),
        (None, _) => String::from("alerts without a `service` label"),
    };
    if let Some(tier) = labels.get(LABEL_TIER) {
        text.push_str(&format!(" at tier `{tier}`"));
    }
    let others: Vec<String> = labels
        .iter()
        .filter(|(k, _)| {
            ![
                crate::conventions::LABEL_SERVICE,
                LABEL_TEAM,
                LABEL_TIER,
                LABEL_SEVERITY,
            ]
            .contains(&k.as_str())
        })
        .map(|(k, v)| format!("`{k}=\"{v}\"`"))
        .collect();
    if !others.is_empty() {
        text.push_str(&format!(" with {}", others.join(", ")));
    }
    text
}

/// Each dashboard the Grafana backend makes, as it makes it (only that backend runs, and
/// no dashboard outlives its reading). A panel title met twice is numbered.
fn dashboards(model: &Model) -> BTreeMap<String, DashboardView> {
    let mut dashboards = BTreeMap::new();
    crate::emit::grafana::outlines(model, &mut |outline| {
        let mut panels = BTreeMap::new();
        for panel in outline.panels {
            let mut key = panel.title.clone();
            let mut index = 1;
            while panels.contains_key(&key) {
                index += 1;
                key = format!("{} ({index})", panel.title);
            }
            panels.insert(
                key,
                PanelView {
                    queries: panel.queries,
                    unit: Some(panel.unit),
                },
            );
        }
        dashboards.insert(
            outline.uid,
            DashboardView {
                title: outline.title,
                panels,
            },
        );
    });
    dashboards
}
