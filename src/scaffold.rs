//! The starter spec `vigil init` writes: one service, one SLO, tiers and a Slack route.

use crate::emit::Artifact;

const STARTER: &str = r##"// A vigil spec: `vigil validate` checks it, `vigil generate` writes generated/.
// Language reference: docs/spec.md. Durations are quoted strings in KDL 2 ("30d").
vigil 1

targets {
    prometheus "2.53"
    alertmanager "0.27"
}

// Where generated/ is published (a docs site, or your repository's web view of it):
// notifications link each alert's runbook as this URL + /docs/runbooks/<Alert>.md.
settings {
    runbook-base-url "https://git.example.com/monitoring/-/blob/main/generated"
}

// Tiers say how urgent an alert is and whom it wakes up.
tier critical level=1 severity=critical page=#true {
    description "Users are affected now: page the on-call engineer"
}
tier warning level=2 severity=warning {
    description "Fix during working hours"
}

service api {
    team web
    selector job="api"
}

metric http_requests_total type=counter service=api {
    help "HTTP requests served, by status class"
    label code "2xx" "4xx" "5xx"
}

// 99.9 % of requests succeed over 30 days: page on fast burn, ticket on slow burn.
slo availability service=api {
    objective 99.9
    window "30d"
    sli {
        ratio errors="http_requests_total{code=\"5xx\"}" total="http_requests_total"
    }
    runbook {
        step "Check the error-rate panel of the service dashboard."
        step "Roll back the last deployment if the errors started with it."
    }
}

// Secrets are never written in the spec: Alertmanager reads the webhook URL from a file.
receiver web-team {
    slack channel="#web-alerts" api-url-file="/etc/alertmanager/secrets/slack-web"
}

routing {
    group-by alertname service slo
    route tier=critical receiver=web-team
    route tier=warning receiver=web-team
    default receiver=web-team
}
"##;

pub fn starter() -> Vec<Artifact> {
    vec![Artifact::new("main.kdl", STARTER)]
}
