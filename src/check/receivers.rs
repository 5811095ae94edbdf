//! Receivers and their integrations; secrets only by file reference.

use super::Scope;

use super::gate::{Tool, supported};
use super::names::check_identifier;
use super::reader::Reader;
use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::model::{
    Email, Integration, MsTeams, OpsGenie, PagerDuty, Receiver, ReceiverName, Responder, Slack,
    Version, Webhook, WebhookUrl,
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
    // A secret given inline is already reported (`refuse_inline`): its missing `*-file`
    // twin would only repeat that.
    let inline = keyword
        .strip_suffix("-file")
        .is_some_and(|base| r.value(base).is_some());
    let (path, span) = if inline {
        r.string(keyword)?
    } else {
        r.required_string(keyword, what)?
    };
    gate(scope, span, keyword, since, r);
    Some(path)
}

fn gate(scope: &Scope<'_>, span: Span, keyword: &str, since: Version, r: &Reader<'_, '_>) {
    let feature = r.node.dialect.spell(keyword);
    if let Err(diagnostic) = supported(scope.targets, Tool::Alertmanager, since, &feature, span) {
        r.cx().report(*diagnostic);
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
    // Every key is read before a missing one ends the integration, so the reader does
    // not report the keys it was never asked for as unknown.
    let slack = Slack {
        api_url_file: String::new(),
        channel: r.string("channel").map(|(s, _)| s),
        title: r.string("title").map(|(s, _)| s),
        text: r.string("text").map(|(s, _)| s),
        send_resolved: send_resolved(r, true),
    };
    Some(Integration::Slack(Slack {
        api_url_file: api_url_file?,
        ..slack
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
    let severity = r.string("severity").map(|(s, _)| s);
    let send_resolved = send_resolved(r, true);
    Some(Integration::PagerDuty(PagerDuty {
        routing_key_file: routing_key_file?,
        severity,
        send_resolved,
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
    let priority = r.string("priority").map(|(s, _)| s);
    let send_resolved = send_resolved(r, true);
    Some(Integration::OpsGenie(OpsGenie {
        api_key_file: api_key_file?,
        priority,
        responders,
        send_resolved,
    }))
}

fn email(r: &Reader<'_, '_>, scope: &Scope<'_>) -> Option<Integration> {
    refuse_inline(r, "auth-password", "auth-password-file");
    let auth_password_file = r.string("auth-password-file").map(|(path, span)| {
        gate(scope, span, "auth-password-file", Version::new(0, 25), r);
        path
    });
    let to = r.required_string("to", "the address alerts are sent to");
    let email = Email {
        to: String::new(),
        from: r.string("from").map(|(s, _)| s),
        smarthost: r.string("smarthost").map(|(s, _)| s),
        auth_username: r.string("auth-username").map(|(s, _)| s),
        auth_password_file,
        require_tls: r.bool("require-tls"),
        send_resolved: send_resolved(r, false),
    };
    Some(Integration::Email(Email { to: to?.0, ..email }))
}

fn webhook(r: &Reader<'_, '_>, scope: &Scope<'_>) -> Option<Integration> {
    let inline = r.string("url");
    let file = r.string("url-file");
    let max_alerts = r.count("max-alerts");
    let send_resolved = send_resolved(r, true);
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
        max_alerts,
        send_resolved,
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
    let teams = MsTeams {
        webhook_url_file: String::new(),
        title: r.string("title").map(|(s, _)| s),
        text: r.string("text").map(|(s, _)| s),
        send_resolved: send_resolved(r, true),
    };
    Some(Integration::MsTeams(MsTeams {
        webhook_url_file: file?,
        ..teams
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
