//! The routing tree, the inhibition rules and the time intervals.
//!
//! The tree is flat on purpose: the spec's routes become the root's children in
//! declaration order, so the file reads like the spec and `continue` means exactly what
//! the spec says. Tier timing is copied onto each route of that tier because a flat
//! tree has no per-tier parent to inherit it from.

use std::collections::BTreeSet;

use serde_saphyr::SingleQuoted;

use super::config::{InhibitRule, IntervalRange, Matcher, NamedInterval, Route, TimeRange};
use crate::conventions::{
    LABEL_ALERTNAME, LABEL_INSTANCE, LABEL_SERVICE, LABEL_SERVICE_DOWN, LABEL_SLO, LABEL_TEAM,
    LABEL_TIER, SERVICE_DOWN_VALUE, SILENT_RECEIVER,
};
use crate::model::{self, Matchers, Model, Routing, ServiceName, TeamName, Tier, TierName, Timing};

/// The root route: the default receiver, grouping and timing, then one guard route per
/// tier that never notifies, then the spec's routes.
pub(super) fn root(model: &Model, routing: &Routing) -> Route {
    let silent: Vec<&Tier> = model.tiers.iter().filter(|t| !t.notify).collect();
    let guards = silent.iter().map(|tier| Route {
        receiver: SILENT_RECEIVER.to_owned(),
        matchers: vec![Matcher::equal(LABEL_TIER, tier.name.as_str())],
        ..Route::default()
    });
    // Routes for a silent tier are unreachable behind its guard; leaving them out keeps
    // the file honest about where alerts go.
    let declared = routing
        .routes
        .iter()
        .filter(|r| {
            !r.matchers
                .tier
                .as_ref()
                .is_some_and(|t| is_silent(&silent, t))
        })
        .map(|r| route(model, r));
    let mut root = Route {
        receiver: routing.default.to_string(),
        group_by: Some(labels(&routing.group_by)),
        routes: guards.chain(declared).collect(),
        ..Route::default()
    };
    apply_timing(&mut root, routing.timing);
    root
}

fn is_silent(silent: &[&Tier], name: &TierName) -> bool {
    silent.iter().any(|t| &t.name == name)
}

fn route(model: &Model, declared: &model::Route) -> Route {
    let mut out = Route {
        receiver: declared.receiver.to_string(),
        matchers: matchers(&declared.matchers),
        continue_matching: declared.continue_matching,
        group_by: declared.group_by.as_deref().map(labels),
        active_time_intervals: declared.active.iter().map(ToString::to_string).collect(),
        mute_time_intervals: declared.mute.iter().map(ToString::to_string).collect(),
        ..Route::default()
    };
    let tier_timing = declared
        .matchers
        .tier
        .as_ref()
        .and_then(|name| model.tier(name))
        .map(|tier| tier.timing)
        .unwrap_or_default();
    apply_timing(&mut out, overlay(declared.timing, tier_timing));
    out
}

/// The route's own timing wins; the tier's fills what the route leaves open.
fn overlay(own: Timing, fallback: Timing) -> Timing {
    Timing {
        group_wait: own.group_wait.or(fallback.group_wait),
        group_interval: own.group_interval.or(fallback.group_interval),
        repeat_interval: own.repeat_interval.or(fallback.repeat_interval),
    }
}

fn apply_timing(route: &mut Route, timing: Timing) {
    route.group_wait = timing.group_wait;
    route.group_interval = timing.group_interval;
    route.repeat_interval = timing.repeat_interval;
}

fn labels(names: &[model::LabelName]) -> Vec<String> {
    names.iter().map(ToString::to_string).collect()
}

/// Tier, team and service first (the labels vigil sets), then the rest sorted.
pub(super) fn matchers(declared: &Matchers) -> Vec<Matcher> {
    let reserved = [
        (LABEL_TIER, declared.tier.as_ref().map(TierName::as_str)),
        (LABEL_TEAM, declared.team.as_ref().map(TeamName::as_str)),
        (
            LABEL_SERVICE,
            declared.service.as_ref().map(ServiceName::as_str),
        ),
    ];
    let reserved = reserved
        .into_iter()
        .filter_map(|(label, value)| value.map(|v| Matcher::equal(label, v)));
    let others = declared
        .labels
        .iter()
        .map(|(label, value)| Matcher::equal(label.as_str(), value.as_str()));
    reserved.chain(others).collect()
}

/// Generated rules first (page mutes ticket of the same SLO; a down service mutes its
/// symptoms), then the spec's own, in declaration order.
pub(super) fn inhibit_rules(model: &Model, routing: &Routing) -> Vec<InhibitRule> {
    let mut rules = page_mutes_ticket(model);
    rules.extend(critical_mutes_warning(model));
    if declares_service_down(model) {
        rules.push(InhibitRule {
            source_matchers: vec![
                Matcher::equal(LABEL_SERVICE_DOWN, SERVICE_DOWN_VALUE),
                Matcher::present(LABEL_SERVICE),
            ],
            target_matchers: vec![Matcher::present(LABEL_SERVICE)],
            equal: vec![LABEL_SERVICE.to_owned()],
        });
    }
    rules.extend(routing.inhibitions.iter().map(|inhibition| InhibitRule {
        source_matchers: matchers(&inhibition.source),
        target_matchers: matchers(&inhibition.target),
        equal: labels(&inhibition.equal),
    }));
    rules
}

/// One rule per (page tier, ticket tier) pair the SLOs use. `slo=~".+"` on both sides and
/// `equal: [service, slo]` confine it to the burn alerts of one SLO of one service.
fn page_mutes_ticket(model: &Model) -> Vec<InhibitRule> {
    let pairs: BTreeSet<(&TierName, &TierName)> = model
        .slos
        .iter()
        .filter_map(|slo| {
            let page = &slo.alerting.page.as_ref()?.tier;
            let ticket = &slo.alerting.ticket.as_ref()?.tier;
            (page != ticket).then_some((page, ticket))
        })
        .collect();
    pairs
        .into_iter()
        .map(|(page, ticket)| InhibitRule {
            source_matchers: vec![
                Matcher::equal(LABEL_TIER, page.as_str()),
                Matcher::present(LABEL_SLO),
            ],
            target_matchers: vec![
                Matcher::equal(LABEL_TIER, ticket.as_str()),
                Matcher::present(LABEL_SLO),
            ],
            equal: vec![LABEL_SERVICE.to_owned(), LABEL_SLO.to_owned()],
        })
        .collect()
}

/// An alert with several thresholds (memory 85 % warning, 95 % critical) fires once per
/// crossed threshold under one name; the most urgent firing one mutes the others of the
/// same series (`equal: [alertname, service, instance]`).
fn critical_mutes_warning(model: &Model) -> Vec<InhibitRule> {
    let mut rules = Vec::new();
    for alert in &model.alerts {
        let model::Condition::Thresholds(thresholds) = &alert.condition else {
            continue;
        };
        let mut tiers: Vec<&Tier> = thresholds
            .iter()
            .filter_map(|t| model.tier(&t.tier))
            .collect();
        tiers.sort_by_key(|t| t.level);
        tiers.dedup_by_key(|t| t.level);
        for pair in tiers.windows(2) {
            rules.push(InhibitRule {
                source_matchers: vec![
                    Matcher::equal(LABEL_ALERTNAME, alert.name.as_str()),
                    Matcher::equal(LABEL_TIER, pair[0].name.as_str()),
                ],
                target_matchers: vec![
                    Matcher::equal(LABEL_ALERTNAME, alert.name.as_str()),
                    Matcher::equal(LABEL_TIER, pair[1].name.as_str()),
                ],
                equal: vec![
                    LABEL_ALERTNAME.to_owned(),
                    LABEL_SERVICE.to_owned(),
                    LABEL_INSTANCE.to_owned(),
                ],
            });
        }
    }
    rules
}

fn declares_service_down(model: &Model) -> bool {
    model.alerts.iter().any(|alert| {
        alert.labels.iter().any(|(label, value)| {
            label.as_str() == LABEL_SERVICE_DOWN && value == SERVICE_DOWN_VALUE
        })
    })
}

pub(super) fn time_intervals(model: &Model) -> Vec<NamedInterval> {
    model
        .time_intervals
        .iter()
        .map(|interval| NamedInterval {
            name: interval.name.to_string(),
            time_intervals: vec![IntervalRange {
                weekdays: interval.weekdays.clone(),
                times: interval
                    .times
                    .iter()
                    .map(|(start, end)| TimeRange {
                        start_time: SingleQuoted(start.clone()),
                        end_time: SingleQuoted(end.clone()),
                    })
                    .collect(),
                days_of_month: interval.days_of_month.clone(),
                months: interval.months.clone(),
                years: interval.years.clone(),
                location: interval.location.clone(),
            }],
        })
        .collect()
}
