//! How the docs and `vigil diff` describe an SLI and an integration in a sentence.

use super::{Events, Integration, Sli, WebhookUrl};

impl Sli {
    /// "bad events `x` out of all events `y`".
    pub fn words(&self) -> String {
        match self {
            Sli::Ratio {
                events: Events::Errors(errors),
                total,
            } => format!("bad events `{errors}` out of all events `{total}`"),
            Sli::Ratio {
                events: Events::Good(good),
                total,
            } => format!("good events `{good}` out of all events `{total}`; the rest are bad"),
            Sli::Latency {
                metric,
                threshold,
                matchers,
                ..
            } => {
                let matched: Vec<String> = matchers
                    .iter()
                    .map(|(k, v)| format!("{k}=\"{v}\""))
                    .collect();
                let scope = if matched.is_empty() {
                    String::new()
                } else {
                    format!(" where {}", matched.join(", "))
                };
                format!("requests in `{metric}`{scope} slower than {threshold} are bad")
            }
            Sli::Availability { metric } => format!("samples of `{metric}` at 0 are bad"),
            Sli::Query { errors, total } => format!(
                "error rate `{}` over total rate `{}`",
                errors.as_str(),
                total.as_str()
            ),
        }
    }
}

impl Integration {
    /// `Slack #erlmcp`, `PagerDuty (Events v2)`.
    pub fn words(&self) -> String {
        match self {
            Integration::Slack(s) => format!(
                "Slack {}",
                s.channel
                    .as_deref()
                    .unwrap_or("(webhook's default channel)")
            ),
            Integration::PagerDuty(_) => String::from("PagerDuty (Events v2)"),
            Integration::OpsGenie(o) => {
                let responders: Vec<String> = o
                    .responders
                    .iter()
                    .map(|r| format!("{} {}", r.kind, r.name))
                    .collect();
                let priority = o
                    .priority
                    .as_deref()
                    .map(|p| format!("priority {p}"))
                    .into_iter();
                let details: Vec<String> = priority.chain(responders).collect();
                if details.is_empty() {
                    String::from("OpsGenie")
                } else {
                    format!("OpsGenie ({})", details.join(", "))
                }
            }
            Integration::Email(e) => format!("email to {}", e.to),
            Integration::Webhook(w) => match &w.url {
                WebhookUrl::Inline(url) => format!("webhook {url}"),
                WebhookUrl::File(_) => String::from("webhook (URL from a secret file)"),
            },
            Integration::MsTeams(_) => String::from("Microsoft Teams"),
        }
    }
}
