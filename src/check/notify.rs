//! Receivers, routing, inhibitions and time intervals.

use super::Scope;
use std::collections::BTreeMap;

use super::catalog::{label_name, timing};
use super::names::{Kind, check_identifier};
use super::reader::{Cx, Reader, free_map};
use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::model::{
    Email, Inhibition, Integration, IntervalName, LabelName, Matchers, MsTeams, OpsGenie,
    PagerDuty, Receiver, ReceiverName, Responder, Route, Routing, ServiceName, Slack, TeamName,
    TierName, TimeInterval, Version, Webhook, WebhookUrl,
};
use crate::source::Span;
use crate::spec::Node;

/// Reads one integration (`slack …`) of a receiver.
type IntegrationBuilder = fn(&Reader<'_, '_>, &Scope<'_>) -> Option<Integration>;

pub(crate) fn receiver(node: &Node, scope: &Scope<'_>) -> Option<Receiver> {
    let r = Reader::new(node, scope.cx);
    let name = r.name_arg("receiver");
    let mut integrations = Vec::new();
    let kinds: [(&'static str, IntegrationBuilder); 6] = [
        ("slack", slack),
        ("pagerduty", pagerduty),
        ("opsgenie", opsgenie),
        ("email", email),
        ("webhook", webhook),
        ("msteams", msteams),
    ];
    let mut found: Vec<(usize, Option<Integration>)> = Vec::new();
    for (kind, build) in kinds {
        for child in r.children(kind) {
            let cr = Reader::new(child, scope.cx);
            let integration = build(&cr, scope);
            cr.finish();
            found.push((child.span.start, integration));
        }
    }
    r.finish();
    found.sort_by_key(|(start, _)| *start);
    for (_, integration) in found {
        integrations.push(integration?);
    }
    let (name, span) = name?;
    check_identifier(scope.cx, &name, span, "receiver").then_some(())?;
    Some(Receiver {
        name: ReceiverName::new(name),
        integrations,
    })
}

/// A secret given inline where only a file reference is allowed.
fn refuse_inline(r: &Reader<'_, '_>, keyword: &'static str, file_keyword: &str) {
    if let Some(value) = r.value(keyword) {
        let spelled = r.node.dialect.spell(file_keyword);
        r.cx().report(
            Diagnostic::new(Code::LiteralSecret, value.span, format!("`{}` holds a secret inline", r.node.dialect.spell(keyword)))
                .label("secret in the spec")
                .help(format!("write the secret to a file readable by Alertmanager and reference it with `{spelled}`")),
        );
    }
}

/// A required `*-file` reference, gated by the Alertmanager version that introduced it.
fn secret_file(
    r: &Reader<'_, '_>,
    scope: &Scope<'_>,
    keyword: &'static str,
    since: Version,
    what: &str,
) -> Option<String> {
    let (path, span) = r.required_string(keyword, what)?;
    gate(scope, span, keyword, since, r);
    Some(path)
}

fn gate(scope: &Scope<'_>, span: Span, keyword: &str, since: Version, r: &Reader<'_, '_>) {
    let target = scope.targets.alertmanager;
    if target < since {
        r.cx().report(
            Diagnostic::new(
                Code::TargetVersion,
                span,
                format!(
                    "`{}` needs Alertmanager {since}; the target is {target}",
                    r.node.dialect.spell(keyword)
                ),
            )
            .label("not supported by the target")
            .help(format!(
                "raise `targets {{ alertmanager \"{since}\" }}` once your Alertmanager runs it"
            )),
        );
    }
}

fn send_resolved(r: &Reader<'_, '_>, default: bool) -> bool {
    r.bool("send-resolved").unwrap_or(default)
}

fn slack(r: &Reader<'_, '_>, scope: &Scope<'_>) -> Option<Integration> {
    refuse_inline(r, "api-url", "api-url-file");
    let api_url_file = secret_file(
        r,
        scope,
        "api-url-file",
        Version::new(0, 22),
        "the file holding the Slack webhook URL",
    );
    Some(Integration::Slack(Slack {
        api_url_file: api_url_file?,
        channel: r.string("channel").map(|(s, _)| s),
        title: r.string("title").map(|(s, _)| s),
        text: r.string("text").map(|(s, _)| s),
        send_resolved: send_resolved(r, true),
    }))
}

fn pagerduty(r: &Reader<'_, '_>, scope: &Scope<'_>) -> Option<Integration> {
    refuse_inline(r, "routing-key", "routing-key-file");
    refuse_inline(r, "service-key", "routing-key-file");
    let routing_key_file = secret_file(
        r,
        scope,
        "routing-key-file",
        Version::new(0, 25),
        "the file holding the Events v2 routing key",
    );
    Some(Integration::PagerDuty(PagerDuty {
        routing_key_file: routing_key_file?,
        severity: r.string("severity").map(|(s, _)| s),
        send_resolved: send_resolved(r, true),
    }))
}

fn opsgenie(r: &Reader<'_, '_>, scope: &Scope<'_>) -> Option<Integration> {
    refuse_inline(r, "api-key", "api-key-file");
    let api_key_file = secret_file(
        r,
        scope,
        "api-key-file",
        Version::new(0, 24),
        "the file holding the OpsGenie API key",
    );
    let responders = r
        .children("responder")
        .into_iter()
        .filter_map(|node| {
            let rr = Reader::new(node, r.cx());
            let kind = rr.required_string("type", "team, user, escalation or schedule");
            let name = rr.required_string("name", "the responder's name");
            rr.finish();
            let (kind, span) = kind?;
            if !matches!(kind.as_str(), "team" | "user" | "escalation" | "schedule") {
                r.cx().report(
                    Diagnostic::new(
                        Code::InvalidValue,
                        span,
                        format!("`{kind}` is not a responder type"),
                    )
                    .label("expected team, user, escalation or schedule"),
                );
                return None;
            }
            Some(Responder {
                kind,
                name: name?.0,
            })
        })
        .collect();
    Some(Integration::OpsGenie(OpsGenie {
        api_key_file: api_key_file?,
        priority: r.string("priority").map(|(s, _)| s),
        responders,
        send_resolved: send_resolved(r, true),
    }))
}

fn email(r: &Reader<'_, '_>, scope: &Scope<'_>) -> Option<Integration> {
    refuse_inline(r, "auth-password", "auth-password-file");
    let auth_password_file = r.string("auth-password-file").map(|(path, span)| {
        gate(scope, span, "auth-password-file", Version::new(0, 25), r);
        path
    });
    let to = r.required_string("to", "the address alerts are sent to");
    Some(Integration::Email(Email {
        to: to?.0,
        from: r.string("from").map(|(s, _)| s),
        smarthost: r.string("smarthost").map(|(s, _)| s),
        auth_username: r.string("auth-username").map(|(s, _)| s),
        auth_password_file,
        require_tls: r.bool("require-tls"),
        send_resolved: send_resolved(r, false),
    }))
}

fn webhook(r: &Reader<'_, '_>, scope: &Scope<'_>) -> Option<Integration> {
    let inline = r.string("url");
    let file = r.string("url-file");
    let url = match (inline, file) {
        (Some((url, span)), None) => {
            if let Some(reason) = credential_in_url(&url) {
                r.cx().report(
                    Diagnostic::new(
                        Code::LiteralSecret,
                        span,
                        "this webhook URL carries a credential",
                    )
                    .label(reason)
                    .help(format!(
                        "store the URL in a file and reference it with `{}`",
                        r.node.dialect.spell("url-file")
                    )),
                );
                return None;
            }
            WebhookUrl::Inline(url)
        }
        (None, Some((path, span))) => {
            gate(scope, span, "url-file", Version::new(0, 26), r);
            WebhookUrl::File(path)
        }
        _ => {
            r.cx().report(
                Diagnostic::new(
                    Code::Missing,
                    r.name_span(),
                    "a webhook needs exactly one of `url` and `url-file`",
                )
                .label("here"),
            );
            return None;
        }
    };
    Some(Integration::Webhook(Webhook {
        url,
        max_alerts: r.count("max-alerts"),
        send_resolved: send_resolved(r, true),
    }))
}

fn msteams(r: &Reader<'_, '_>, scope: &Scope<'_>) -> Option<Integration> {
    refuse_inline(r, "webhook-url", "webhook-url-file");
    let file = secret_file(
        r,
        scope,
        "webhook-url-file",
        Version::new(0, 27),
        "the file holding the Teams webhook URL",
    );
    Some(Integration::MsTeams(MsTeams {
        webhook_url_file: file?,
        title: r.string("title").map(|(s, _)| s),
        text: r.string("text").map(|(s, _)| s),
        send_resolved: send_resolved(r, true),
    }))
}

/// Why a URL looks like it carries a secret, if it does.
pub(crate) fn credential_in_url(url: &str) -> Option<&'static str> {
    const HOSTS: &[(&str, &str)] = &[
        ("hooks.slack.com/services/", "a Slack webhook token"),
        ("events.pagerduty.com", "a PagerDuty endpoint"),
        ("api.opsgenie.com", "an OpsGenie endpoint"),
        ("webhook.office.com", "a Teams webhook token"),
        ("logic.azure.com", "a Teams workflow signature"),
        ("discord.com/api/webhooks/", "a Discord webhook token"),
    ];
    let lower = url.to_ascii_lowercase();
    let after_scheme = lower
        .split_once("://")
        .map_or(lower.as_str(), |(_, rest)| rest);
    let authority = after_scheme.split(['/', '?', '#']).next().unwrap_or("");
    if authority.contains('@') {
        return Some("user:password in the URL");
    }
    if let Some((_, reason)) = HOSTS.iter().find(|(host, _)| after_scheme.contains(host)) {
        return Some(reason);
    }
    // Slack bot, user and app tokens, wherever they appear (a relay's path, say).
    if ["xoxb-", "xoxp-", "xoxa-", "xoxe-", "xapp-"]
        .iter()
        .any(|prefix| lower.contains(prefix))
    {
        return Some("a Slack token");
    }
    let query = lower.split_once('?').map_or("", |(_, q)| q);
    let secret_keys = [
        "token",
        "key",
        "apikey",
        "api_key",
        "secret",
        "password",
        "sig",
        "signature",
        "auth",
        "code", // Azure Functions keys
        "pass",
        "pwd",
    ];
    let secret_suffixes = [
        "token", "secret", "password", "apikey", "api_key", "_key", "-key",
    ];
    query
        .split('&')
        .filter_map(|pair| pair.split_once('=').map(|(k, _)| k))
        .any(|k| secret_keys.contains(&k) || secret_suffixes.iter().any(|s| k.ends_with(s)))
        .then_some("a token in the query string")
}

pub(crate) fn routing(node: &Node, scope: &Scope<'_>) -> Option<Routing> {
    let cx = scope.cx;
    let r = Reader::new(node, cx);
    let group_by = r.string_list("group-by").map_or_else(
        || {
            ["alertname", "service", "slo"]
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
    if label == "..." || label == "alertname" {
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
    for node in nodes {
        let Some(first) = node.args.first() else {
            continue;
        };
        let crate::spec::Scalar::String(name) = &first.scalar else {
            continue;
        };
        let used = routing.default.as_str() == name
            || routing.routes.iter().any(|r| r.receiver.as_str() == name);
        if !used {
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

#[cfg(test)]
mod tests {
    use super::credential_in_url;

    #[test]
    fn credentials_in_urls() {
        let table = [
            ("http://127.0.0.1:9099/hook", false),
            ("https://alerts.internal/erlmcp", false),
            ("https://hooks.slack.com/services/T000/B000/XXXX", true),
            ("https://user:pass@example.com/hook", true),
            ("https://example.com/hook?token=abc", true),
            ("https://example.com/hook?team=ops", false),
            ("https://x.webhook.office.com/webhookb2/abc", true),
            ("https://example.com/hook?x=1&access_token=abc", true),
            ("https://example.com/hook?client_secret=abc", true),
            ("https://fn.azurewebsites.net/api/a?code=abc", true),
            ("https://relay.example.com/xoxb-1-abc", true),
            ("https://example.com/hook?monkey=1&keyboard=2", false),
        ];
        for (url, secret) in table {
            assert_eq!(credential_in_url(url).is_some(), secret, "{url}");
        }
    }
}
