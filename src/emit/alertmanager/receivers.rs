//! Receivers and their integrations. Secrets are only ever file references here: the
//! checker refused inline ones, so nothing in this file can leak one.

use super::config::{
    EmailConfig, Global, MsTeamsConfig, OpsGenieConfig, OpsGenieResponder, PagerDutyConfig,
    Receiver, SlackConfig, WebhookConfig,
};
use crate::conventions::SILENT_RECEIVER;
use crate::model::{self, Email, Integration, Model, WebhookUrl};

/// Every declared receiver, plus the silent one when a tier never notifies; by name.
pub(super) fn receivers(model: &Model, global: Option<&Global>) -> Vec<Receiver> {
    let mut out: Vec<Receiver> = model
        .receivers
        .iter()
        .map(|r| receiver(r, global))
        .collect();
    if model.tiers.iter().any(|t| !t.notify) {
        out.push(Receiver {
            name: SILENT_RECEIVER.to_owned(),
            ..Receiver::default()
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

fn receiver(declared: &model::Receiver, global: Option<&Global>) -> Receiver {
    let mut out = Receiver {
        name: declared.name.to_string(),
        ..Receiver::default()
    };
    for integration in &declared.integrations {
        match integration {
            Integration::Slack(slack) => out.slack_configs.push(SlackConfig {
                send_resolved: slack.send_resolved,
                api_url_file: slack.api_url_file.clone(),
                channel: slack.channel.clone(),
                title: slack.title.clone(),
                text: slack.text.clone(),
            }),
            Integration::PagerDuty(pagerduty) => out.pagerduty_configs.push(PagerDutyConfig {
                send_resolved: pagerduty.send_resolved,
                routing_key_file: pagerduty.routing_key_file.clone(),
                severity: pagerduty.severity.clone(),
            }),
            Integration::OpsGenie(opsgenie) => out.opsgenie_configs.push(OpsGenieConfig {
                send_resolved: opsgenie.send_resolved,
                api_key_file: opsgenie.api_key_file.clone(),
                priority: opsgenie.priority.clone(),
                responders: opsgenie.responders.iter().map(responder).collect(),
            }),
            Integration::Email(email) => out.email_configs.push(email_config(email, global)),
            Integration::Webhook(webhook) => {
                let (url, url_file) = match &webhook.url {
                    WebhookUrl::Inline(url) => (Some(url.clone()), None),
                    WebhookUrl::File(path) => (None, Some(path.clone())),
                };
                out.webhook_configs.push(WebhookConfig {
                    send_resolved: webhook.send_resolved,
                    url,
                    url_file,
                    max_alerts: webhook.max_alerts,
                });
            }
            Integration::MsTeams(teams) => out.msteams_configs.push(MsTeamsConfig {
                send_resolved: teams.send_resolved,
                webhook_url_file: teams.webhook_url_file.clone(),
                title: teams.title.clone(),
                text: teams.text.clone(),
            }),
        }
    }
    out
}

fn responder(declared: &model::Responder) -> OpsGenieResponder {
    let is_user = declared.kind == "user";
    OpsGenieResponder {
        kind: declared.kind.clone(),
        name: (!is_user).then(|| declared.name.clone()),
        username: is_user.then(|| declared.name.clone()),
    }
}

/// Sender and relay shared by every email integration move to `global`, so the receivers
/// only repeat what differs.
fn email_config(email: &Email, global: Option<&Global>) -> EmailConfig {
    let hoisted = |own: &Option<String>, shared: Option<&String>| {
        if own.as_ref() == shared {
            None
        } else {
            own.clone()
        }
    };
    EmailConfig {
        send_resolved: email.send_resolved,
        to: email.to.clone(),
        from: hoisted(&email.from, global.and_then(|g| g.smtp_from.as_ref())),
        smarthost: hoisted(
            &email.smarthost,
            global.and_then(|g| g.smtp_smarthost.as_ref()),
        ),
        auth_username: email.auth_username.clone(),
        auth_password_file: email.auth_password_file.clone(),
        require_tls: email.require_tls,
    }
}

/// The `global` section: only SMTP settings, and only when every email integration
/// agrees on them (Alertmanager needs a sender and a relay for each email, either on
/// the integration or here).
pub(super) fn global(model: &Model) -> Option<Global> {
    let emails: Vec<&Email> = model
        .receivers
        .iter()
        .flat_map(|r| &r.integrations)
        .filter_map(|i| match i {
            Integration::Email(email) => Some(email),
            _ => None,
        })
        .collect();
    let shared = |field: fn(&Email) -> &Option<String>| {
        let first = field(emails.first()?).as_ref()?;
        emails
            .iter()
            .all(|e| field(e).as_ref() == Some(first))
            .then(|| first.clone())
    };
    let global = Global {
        smtp_from: shared(|e| &e.from),
        smtp_smarthost: shared(|e| &e.smarthost),
    };
    (global.smtp_from.is_some() || global.smtp_smarthost.is_some()).then_some(global)
}
