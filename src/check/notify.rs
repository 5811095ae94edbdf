//! Routing, inhibitions and time intervals.

use super::Scope;
use std::collections::BTreeMap;

use super::catalog::{label_name, timing};
use super::names::{Kind, check_identifier};
use super::reader::{Cx, Reader, free_map};
use crate::codes::Code;
use crate::conventions::{LABEL_ALERTNAME, LABEL_SERVICE, LABEL_SLO};
use crate::diagnostic::Diagnostic;
use crate::model::{
    Inhibition, IntervalName, LabelName, Matchers, ReceiverName, Route, Routing, ServiceName,
    TeamName, TierName, TimeInterval,
};
use crate::source::Span;
use crate::spec::Node;

pub(crate) fn routing(node: &Node, scope: &Scope<'_>) -> Option<Routing> {
    let cx = scope.cx;
    let r = Reader::new(node, cx);
    let group_by = r.string_list("group-by").map_or_else(
        || {
            [LABEL_ALERTNAME, LABEL_SERVICE, LABEL_SLO]
                .into_iter()
                .map(LabelName::new)
                .collect()
        },
        |labels| {
            labels
                .into_iter()
                .filter_map(|(l, span)| group_label(cx, &l, span))
                .collect()
        },
    );
    let timing = timing(&r);
    let default = default_receiver(&r, scope);
    let routes: Vec<Option<Route>> = r
        .children("route")
        .into_iter()
        .map(|n| route(n, scope))
        .collect();
    let inhibitions: Vec<Option<Inhibition>> = r
        .children("inhibit")
        .into_iter()
        .map(|n| inhibition(n, scope))
        .collect();
    r.finish();
    Some(Routing {
        group_by,
        timing,
        routes: routes.into_iter().collect::<Option<_>>()?,
        default: default?,
        inhibitions: inhibitions.into_iter().collect::<Option<_>>()?,
    })
}

fn group_label(cx: &Cx, label: &str, span: Span) -> Option<LabelName> {
    if label == "..." || label == LABEL_ALERTNAME {
        return Some(LabelName::new(label));
    }
    label_name(cx, label, span, false)
}

fn default_receiver(r: &Reader<'_, '_>, scope: &Scope<'_>) -> Option<ReceiverName> {
    let found = match r.child("default").filter(|c| !c.props.is_empty()) {
        Some(child) => {
            let dr = Reader::new(child, r.cx());
            let receiver =
                dr.required_string("receiver", "the receiver for alerts no route matches");
            dr.finish();
            receiver
        }
        None => r.string("default"),
    };
    let Some((name, span)) = found else {
        r.cx().report(
            Diagnostic::new(Code::Routing, r.name_span(), "the routing tree has no default receiver")
                .label("`default` missing")
                .help("add `default receiver=\"…\"`: Alertmanager needs a receiver for alerts no route matches"),
        );
        return None;
    };
    scope
        .names
        .resolve(scope.cx, Kind::Receiver, &name, span)
        .then(|| ReceiverName::new(name))
}

fn route(node: &Node, scope: &Scope<'_>) -> Option<Route> {
    let cx = scope.cx;
    let r = Reader::new(node, cx);
    let receiver = r
        .required_string("receiver", "where matching alerts go")
        .and_then(|(name, span)| {
            scope
                .names
                .resolve(cx, Kind::Receiver, &name, span)
                .then(|| ReceiverName::new(name))
        });
    let mut matchers = route_matchers(&r, scope);
    for (key, key_span, value, _) in r.map("match").unwrap_or_default() {
        if let Some(label) = label_name(cx, &key, key_span, false) {
            matchers.labels.insert(label, value);
        }
    }
    let continue_matching = r.bool("continue").unwrap_or(false);
    let intervals = |keyword: &'static str| -> Vec<IntervalName> {
        r.string_list(keyword)
            .unwrap_or_default()
            .into_iter()
            .filter(|(name, span)| scope.names.resolve(cx, Kind::Interval, name, *span))
            .map(|(name, _)| IntervalName::new(name))
            .collect()
    };
    let active = intervals("active");
    let mute = intervals("mute");
    let group_by = r.string_list("group-by").map(|labels| {
        labels
            .into_iter()
            .filter_map(|(l, span)| group_label(cx, &l, span))
            .collect()
    });
    let timing = timing(&r);
    r.finish();
    Some(Route {
        receiver: receiver?,
        matchers,
        continue_matching,
        active,
        mute,
        group_by,
        timing,
    })
}

/// `tier=`, `team=` and `service=` on a route, resolved.
fn route_matchers(r: &Reader<'_, '_>, scope: &Scope<'_>) -> Matchers {
    let cx = scope.cx;
    let tier = r.string("tier").and_then(|(t, span)| {
        scope
            .names
            .resolve(cx, Kind::Tier, &t, span)
            .then(|| TierName::new(t))
    });
    let team = r.string("team").map(|(t, _)| TeamName::new(t));
    let service = r.string("service").and_then(|(s, span)| {
        scope
            .names
            .resolve(cx, Kind::Service, &s, span)
            .then(|| ServiceName::new(s))
    });
    Matchers {
        tier,
        team,
        service,
        labels: BTreeMap::default(),
    }
}

/// Free-form matchers (`source tier=critical alertname=X`), with tier/team/service resolved.
fn matchers_of(node: &Node, scope: &Scope<'_>) -> Matchers {
    let cx = scope.cx;
    let mut matchers = Matchers::default();
    for (key, key_span, value, value_span) in free_map(node, cx) {
        match key.as_str() {
            "tier" => {
                matchers.tier = scope
                    .names
                    .resolve(cx, Kind::Tier, &value, value_span)
                    .then(|| TierName::new(value));
            }
            "team" => matchers.team = Some(TeamName::new(value)),
            "service" => {
                matchers.service = scope
                    .names
                    .resolve(cx, Kind::Service, &value, value_span)
                    .then(|| ServiceName::new(value));
            }
            _ => {
                if let Some(label) = label_name(cx, &key, key_span, false) {
                    matchers.labels.insert(label, value);
                }
            }
        }
    }
    matchers
}

fn inhibition(node: &Node, scope: &Scope<'_>) -> Option<Inhibition> {
    let cx = scope.cx;
    let r = Reader::new(node, cx);
    let source = r.child("source").map(|n| matchers_of(n, scope));
    let target = r.child("target").map(|n| matchers_of(n, scope));
    let equal: Vec<LabelName> = r
        .string_list("equal")
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(l, span)| group_label(cx, &l, span))
        .collect();
    for (present, key) in [(source.is_some(), "source"), (target.is_some(), "target")] {
        if !present {
            r.missing(key, "the matchers of the alerts that mute and are muted, e.g. `source tier=\"critical\"`");
        }
    }
    if equal.is_empty() {
        cx.report(
            Diagnostic::new(Code::Routing, node.name_span, "an inhibition without `equal` labels would mute every matching alert of every service")
                .label("no `equal`")
                .help("add `equal \"service\" \"slo\"` (or the labels both alerts share)"),
        );
    }
    r.finish();
    (!equal.is_empty()).then_some(())?;
    Some(Inhibition {
        source: source?,
        target: target?,
        equal,
    })
}

pub(crate) fn unused_receivers(nodes: &[&Node], routing: Option<&Routing>, cx: &Cx) {
    let Some(routing) = routing else { return };
    let used: std::collections::HashSet<&str> = std::iter::once(routing.default.as_str())
        .chain(routing.routes.iter().map(|r| r.receiver.as_str()))
        .collect();
    for node in nodes {
        let Some(first) = node.args.first() else {
            continue;
        };
        let crate::spec::Scalar::String(name) = &first.scalar else {
            continue;
        };
        if !used.contains(name.as_str()) {
            cx.report(
                Diagnostic::new(
                    Code::UnusedReceiver,
                    first.span,
                    format!("receiver `{name}` is never used"),
                )
                .label("no route sends to it"),
            );
        }
    }
}

const WEEKDAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

pub(crate) fn time_interval(node: &Node, scope: &Scope<'_>) -> Option<TimeInterval> {
    let cx = scope.cx;
    let r = Reader::new(node, cx);
    let name = r.name_arg("time interval");
    let strings = |keyword: &'static str| r.string_list(keyword).unwrap_or_default();
    let weekdays: Vec<String> = strings("weekdays")
        .into_iter()
        .filter(|(day, span)| {
            let ok = day
                .split(':')
                .all(|d| WEEKDAYS.contains(&d.trim().to_ascii_lowercase().as_str()));
            if !ok {
                cx.report(
                    Diagnostic::new(
                        Code::InvalidValue,
                        *span,
                        format!("`{day}` is not a weekday or range of weekdays"),
                    )
                    .label("expected e.g. \"monday:friday\""),
                );
            }
            ok
        })
        .map(|(day, _)| day.to_ascii_lowercase())
        .collect();
    let times = strings("times")
        .into_iter()
        .filter_map(|(range, span)| {
            let parsed = range.split_once('-').filter(|(a, b)| clock(a) && clock(b));
            if parsed.is_none() {
                cx.report(
                    Diagnostic::new(
                        Code::InvalidValue,
                        span,
                        format!("`{range}` is not a time range"),
                    )
                    .label("expected \"HH:MM-HH:MM\"")
                    .help("write 24-hour times such as \"09:00-18:00\""),
                );
            }
            parsed.map(|(a, b)| (a.to_owned(), b.to_owned()))
        })
        .collect();
    let plain = |keyword: &'static str| {
        strings(keyword)
            .into_iter()
            .map(|(s, _)| s)
            .collect::<Vec<_>>()
    };
    let days_of_month = plain("days-of-month");
    let months = plain("months");
    let years = plain("years");
    let location = r.string("location").map(|(s, _)| s);
    r.finish();
    let (name, span) = name?;
    check_identifier(cx, &name, span, "time interval").then_some(())?;
    Some(TimeInterval {
        name: IntervalName::new(name),
        weekdays,
        times,
        days_of_month,
        months,
        years,
        location,
    })
}

fn clock(text: &str) -> bool {
    let Some((h, m)) = text.split_once(':') else {
        return false;
    };
    if h.len() != 2 || m.len() != 2 {
        return false;
    }
    let (Ok(h), Ok(m)) = (h.parse::<u32>(), m.parse::<u32>()) else {
        return false;
    };
    h < 24 && m < 60 || h == 24 && m == 0
}
