//! The YAML form of receivers, routing, inhibitions and time intervals.

#![allow(clippy::doc_markdown)]

use schemars::JsonSchema;

use super::{Labels, Matchers, OneOrMany, Strings, Timing};

/// An Alertmanager receiver: zero or more integrations. Secrets only by `*_file`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Receiver {
    pub slack: Option<OneOrMany<Slack>>,
    pub pagerduty: Option<OneOrMany<PagerDuty>>,
    pub opsgenie: Option<OneOrMany<OpsGenie>>,
    pub email: Option<OneOrMany<Email>>,
    pub webhook: Option<OneOrMany<Webhook>>,
    pub msteams: Option<OneOrMany<MsTeams>>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Slack {
    /// File holding the Slack webhook URL (Alertmanager 0.22).
    pub api_url_file: String,
    pub channel: Option<String>,
    pub title: Option<String>,
    pub text: Option<String>,
    /// Default true.
    pub send_resolved: Option<bool>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct PagerDuty {
    /// File holding the Events v2 routing key (Alertmanager 0.25).
    pub routing_key_file: String,
    pub severity: Option<String>,
    /// Default true.
    pub send_resolved: Option<bool>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct OpsGenie {
    /// File holding the API key (Alertmanager 0.24).
    pub api_key_file: String,
    pub priority: Option<String>,
    pub responders: Option<Vec<Responder>>,
    /// Default true.
    pub send_resolved: Option<bool>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Responder {
    #[schemars(rename = "type")]
    pub kind: ResponderKind,
    pub name: String,
}

#[derive(JsonSchema)]
#[schemars(rename_all = "lowercase")]
pub enum ResponderKind {
    Team,
    User,
    Escalation,
    Schedule,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Email {
    pub to: String,
    pub from: Option<String>,
    pub smarthost: Option<String>,
    pub auth_username: Option<String>,
    /// File holding the SMTP password (Alertmanager 0.25).
    pub auth_password_file: Option<String>,
    pub require_tls: Option<bool>,
    /// Default false.
    pub send_resolved: Option<bool>,
}

/// Exactly one of `url` (no credentials in it) and `url_file`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Webhook {
    pub url: Option<String>,
    /// File holding the URL (Alertmanager 0.26).
    pub url_file: Option<String>,
    pub max_alerts: Option<u64>,
    /// Default true.
    pub send_resolved: Option<bool>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct MsTeams {
    /// File holding the Teams webhook URL (Alertmanager 0.27).
    pub webhook_url_file: String,
    pub title: Option<String>,
    pub text: Option<String>,
    /// Default true.
    pub send_resolved: Option<bool>,
}

/// The Alertmanager routing tree.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Routing {
    /// Default `[alertname, service, slo]`; `...` groups by all labels.
    pub group_by: Option<Labels>,
    #[schemars(flatten)]
    pub timing: Timing,
    /// The receiver for alerts no route matches: a name or `{receiver: name}`.
    pub default: DefaultReceiver,
    /// Tried in order; the first match wins unless it has `continue: true`.
    pub routes: Option<Vec<Route>>,
    pub inhibitions: Option<Vec<Inhibition>>,
}

#[derive(JsonSchema)]
#[schemars(untagged)]
pub enum DefaultReceiver {
    Name(String),
    Receiver(DefaultRoute),
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct DefaultRoute {
    pub receiver: String,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Route {
    pub receiver: String,
    /// Match alerts of this tier.
    pub tier: Option<String>,
    /// Match alerts of this team.
    pub team: Option<String>,
    /// Match alerts of this service.
    pub service: Option<String>,
    /// Other label matchers.
    #[schemars(rename = "match")]
    pub matchers: Option<Matchers>,
    /// Keep matching later routes (default false).
    #[schemars(rename = "continue")]
    pub continue_matching: Option<bool>,
    /// Time intervals during which the route is active.
    pub active: Option<Strings>,
    /// Time intervals during which the route is muted.
    pub mute: Option<Strings>,
    pub group_by: Option<Labels>,
    #[schemars(flatten)]
    pub timing: Timing,
}

/// While an alert matching `source` fires, alerts matching `target` with the same
/// `equal` labels are muted.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Inhibition {
    pub source: Matchers,
    pub target: Matchers,
    pub equal: Labels,
}

/// An Alertmanager time interval.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct TimeInterval {
    /// Weekdays or ranges, e.g. "monday:friday".
    pub weekdays: Option<Strings>,
    /// Time ranges "HH:MM-HH:MM".
    pub times: Option<Strings>,
    pub days_of_month: Option<Strings>,
    pub months: Option<Strings>,
    pub years: Option<Strings>,
    /// IANA time zone, e.g. "UTC".
    pub location: Option<String>,
}
