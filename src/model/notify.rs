//! Receivers, the routing tree, inhibitions and time intervals (Alertmanager).

use std::collections::BTreeMap;

use super::values::{
    Duration, IntervalName, LabelName, ReceiverName, ServiceName, TeamName, TierName,
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receiver {
    pub name: ReceiverName,
    /// Declaration order; may be empty (a "blackhole" receiver).
    pub integrations: Vec<Integration>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Integration {
    Slack(Slack),
    PagerDuty(PagerDuty),
    OpsGenie(OpsGenie),
    Email(Email),
    Webhook(Webhook),
    MsTeams(MsTeams),
}

impl Integration {
    pub fn kind(&self) -> &'static str {
        match self {
            Integration::Slack(_) => "slack",
            Integration::PagerDuty(_) => "pagerduty",
            Integration::OpsGenie(_) => "opsgenie",
            Integration::Email(_) => "email",
            Integration::Webhook(_) => "webhook",
            Integration::MsTeams(_) => "msteams",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slack {
    pub api_url_file: String,
    pub channel: Option<String>,
    pub title: Option<String>,
    pub text: Option<String>,
    pub send_resolved: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PagerDuty {
    pub routing_key_file: String,
    pub severity: Option<String>,
    pub send_resolved: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpsGenie {
    pub api_key_file: String,
    pub priority: Option<String>,
    pub responders: Vec<Responder>,
    pub send_resolved: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Responder {
    /// `team`, `user`, `escalation` or `schedule`.
    pub kind: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    pub to: String,
    pub from: Option<String>,
    pub smarthost: Option<String>,
    pub auth_username: Option<String>,
    pub auth_password_file: Option<String>,
    pub require_tls: Option<bool>,
    pub send_resolved: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    pub url: WebhookUrl,
    pub max_alerts: Option<u64>,
    pub send_resolved: bool,
}

/// A webhook URL: inline only when it carries no credential (the checker enforces it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebhookUrl {
    Inline(String),
    File(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MsTeams {
    pub webhook_url_file: String,
    pub title: Option<String>,
    pub text: Option<String>,
    pub send_resolved: bool,
}

/// Alertmanager notification timing; `None` inherits from the parent route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Timing {
    pub group_wait: Option<Duration>,
    pub group_interval: Option<Duration>,
    pub repeat_interval: Option<Duration>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Routing {
    pub group_by: Vec<LabelName>,
    pub timing: Timing,
    /// In declaration order: Alertmanager matches routes top to bottom.
    pub routes: Vec<Route>,
    pub default: ReceiverName,
    pub inhibitions: Vec<Inhibition>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub receiver: ReceiverName,
    pub matchers: Matchers,
    pub continue_matching: bool,
    pub active: Vec<IntervalName>,
    pub mute: Vec<IntervalName>,
    pub group_by: Option<Vec<LabelName>>,
    pub timing: Timing,
}

/// What a route or inhibition matches on; every given field must match (equality).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Matchers {
    pub tier: Option<TierName>,
    pub team: Option<TeamName>,
    pub service: Option<ServiceName>,
    /// Other labels, sorted.
    pub labels: BTreeMap<LabelName, String>,
}

/// A firing `source` alert mutes matching `target` alerts that share the `equal` labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inhibition {
    pub source: Matchers,
    pub target: Matchers,
    /// Never empty: an inhibition without `equal` would silence other services.
    pub equal: Vec<LabelName>,
}

/// An Alertmanager time interval (one range; every field optional, as in Alertmanager).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeInterval {
    pub name: IntervalName,
    pub weekdays: Vec<String>,
    pub times: Vec<(String, String)>,
    pub days_of_month: Vec<String>,
    pub months: Vec<String>,
    pub years: Vec<String>,
    pub location: Option<String>,
}
