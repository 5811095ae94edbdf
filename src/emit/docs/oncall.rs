//! Context for the on-call handbook: tiers, the routing tree in words, receivers,
//! inhibitions, time intervals and who is paged for what.

use serde::Serialize;

use crate::model::{Integration, Matchers, Model, Route, Routing, TimeInterval};

#[derive(Serialize)]
pub(super) struct OnCallPage {
    header: &'static str,
    tiers: Vec<TierEntry>,
    routing: Option<RoutingEntry>,
    receivers: Vec<ReceiverEntry>,
    intervals: Vec<IntervalEntry>,
    paged: Vec<String>,
}

#[derive(Serialize)]
struct TierEntry {
    name: String,
    level: u8,
    severity: &'static str,
    page: &'static str,
    notify: &'static str,
    description: String,
}

#[derive(Serialize)]
struct RoutingEntry {
    group_by: String,
    routes: Vec<String>,
    default: String,
    inhibitions: Vec<String>,
}

#[derive(Serialize)]
struct ReceiverEntry {
    name: String,
    integrations: String,
}

#[derive(Serialize)]
struct IntervalEntry {
    name: String,
    when: String,
}

fn yes(flag: bool) -> &'static str {
    if flag { "yes" } else { "no" }
}

pub(super) fn context(model: &Model, header: &'static str) -> OnCallPage {
    let tiers = model
        .tiers
        .iter()
        .map(|t| TierEntry {
            name: t.name.to_string(),
            level: t.level,
            severity: t.severity.as_str(),
            page: yes(t.page),
            notify: yes(t.notify),
            description: t.description.clone().unwrap_or_default(),
        })
        .collect();
    let receivers = model
        .receivers
        .iter()
        .map(|r| ReceiverEntry {
            name: r.name.to_string(),
            integrations: if r.integrations.is_empty() {
                String::from("nobody (alerts stop here)")
            } else {
                r.integrations
                    .iter()
                    .map(Integration::words)
                    .collect::<Vec<_>>()
                    .join("; ")
            },
        })
        .collect();
    let intervals = model
        .time_intervals
        .iter()
        .map(|i| IntervalEntry {
            name: i.name.to_string(),
            when: interval_words(i),
        })
        .collect();
    let routing = model.routing.as_ref().map(|routing| RoutingEntry {
        group_by: routing
            .group_by
            .iter()
            .map(|l| format!("`{l}`"))
            .collect::<Vec<_>>()
            .join(", "),
        routes: routing.routes.iter().map(route_words).collect(),
        default: routing.default.to_string(),
        inhibitions: routing
            .inhibitions
            .iter()
            .map(|i| {
                let equal: Vec<String> = i.equal.iter().map(|l| format!("`{l}`")).collect();
                format!(
                    "While an alert with {} fires, alerts with {} and the same {} are muted.",
                    matcher_words(&i.source),
                    matcher_words(&i.target),
                    equal.join(", ")
                )
            })
            .collect(),
    });
    let paged = model
        .routing
        .as_ref()
        .map(|r| paged(model, r))
        .unwrap_or_default();
    OnCallPage {
        header,
        tiers,
        routing,
        receivers,
        intervals,
        paged,
    }
}

fn matcher_words(matchers: &Matchers) -> String {
    let mut parts = Vec::new();
    if let Some(tier) = &matchers.tier {
        parts.push(format!("tier `{tier}`"));
    }
    if let Some(team) = &matchers.team {
        parts.push(format!("team `{team}`"));
    }
    if let Some(service) = &matchers.service {
        parts.push(format!("service `{service}`"));
    }
    parts.extend(
        matchers
            .labels
            .iter()
            .map(|(k, v)| format!("`{k}=\"{v}\"`")),
    );
    if parts.is_empty() {
        String::from("any labels")
    } else {
        parts.join(", ")
    }
}

fn route_words(route: &Route) -> String {
    let who = if route.matchers == Matchers::default() {
        String::from("All alerts")
    } else {
        format!("Alerts with {}", matcher_words(&route.matchers))
    };
    let mut text = format!("{who} go to **{}**", route.receiver);
    if !route.active.is_empty() {
        text.push_str(&format!(
            ", only during {}",
            route
                .active
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(" or ")
        ));
    }
    if !route.mute.is_empty() {
        text.push_str(&format!(
            ", muted during {}",
            route
                .mute
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(" or ")
        ));
    }
    text.push_str(if route.continue_matching {
        ", and matching continues."
    } else {
        "."
    });
    text
}

fn interval_words(interval: &TimeInterval) -> String {
    let mut parts = Vec::new();
    if !interval.weekdays.is_empty() {
        parts.push(interval.weekdays.join(", "));
    }
    if !interval.days_of_month.is_empty() {
        parts.push(format!("days {}", interval.days_of_month.join(", ")));
    }
    if !interval.months.is_empty() {
        parts.push(format!("months {}", interval.months.join(", ")));
    }
    if !interval.years.is_empty() {
        parts.push(format!("years {}", interval.years.join(", ")));
    }
    if !interval.times.is_empty() {
        parts.push(
            interval
                .times
                .iter()
                .map(|(a, b)| format!("{a}–{b}"))
                .collect::<Vec<_>>()
                .join(", "),
        );
    }
    let zone = interval.location.as_deref().unwrap_or("UTC");
    if parts.is_empty() {
        format!("always ({zone})")
    } else {
        format!("{} ({zone})", parts.join(" "))
    }
}

/// Receivers an alert of this service and tier reaches, walking the routes as
/// Alertmanager does (routes matching on other labels are assumed not to match).
pub(super) fn receivers_for(
    routing: &Routing,
    tier: &str,
    team: Option<&str>,
    service: &str,
) -> Vec<String> {
    let mut reached = Vec::new();
    for route in &routing.routes {
        let m = &route.matchers;
        let matches = m.labels.is_empty()
            && m.tier.as_ref().is_none_or(|t| t.as_str() == tier)
            && m.team.as_ref().is_none_or(|t| Some(t.as_str()) == team)
            && m.service.as_ref().is_none_or(|s| s.as_str() == service);
        if matches {
            reached.push(route.receiver.to_string());
            if !route.continue_matching {
                return reached;
            }
        }
    }
    reached.push(routing.default.to_string());
    reached
}

fn paged(model: &Model, routing: &Routing) -> Vec<String> {
    let mut lines = Vec::new();
    for service in &model.services {
        let team = service.team.as_ref().map(crate::model::TeamName::as_str);
        let owner = team.map(|t| format!(" (team {t})")).unwrap_or_default();
        for tier in model.tiers.iter().filter(|t| t.notify) {
            let receivers = receivers_for(routing, tier.name.as_str(), team, service.name.as_str());
            let verb = if tier.page { "pages" } else { "notifies" };
            lines.push(format!(
                "**{}**{owner}, tier **{}**: {verb} {}.",
                service.name,
                tier.name,
                receivers.join(", ")
            ));
        }
    }
    lines
}
