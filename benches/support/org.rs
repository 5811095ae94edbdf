//! A synthetic organisation: `services` services of teams of ten, each with an
//! `availability` and a `latency` SLO of the same names, a threshold alert, and routes to
//! its team's receivers. Shared by `benches/compile.rs` (at the scale of a company) and
//! `tests/org.rs` (small, snapshot-tested and run through promtool and amtool).

use std::fmt::Write as _;

/// Service names as an organisation has them: a domain and a number.
const DOMAINS: &[&str] = &[
    "checkout", "orders", "payments", "search", "catalog", "identity", "shipping", "billing",
];

pub(crate) fn service_name(index: usize) -> String {
    format!("{}-{index:03}", DOMAINS[index % DOMAINS.len()])
}

fn camel(name: &str) -> String {
    name.split('-')
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

/// The organisation's spec in KDL.
pub(crate) fn org_kdl(services: usize) -> String {
    let teams = services.div_ceil(10);
    let mut text = String::from(concat!(
        "vigil 1\n",
        "settings { runbook-base-url \"https://monitoring.example.com/generated\"; }\n",
        "tier page level=1 severity=critical page=#true\n",
        "tier ticket level=2 severity=warning\n",
        "metric http_requests_total type=counter {\n",
        "    help \"HTTP requests handled, by status code\"\n",
        "    label code \"200\" \"404\" \"500\" \"503\"\n",
        "}\n",
        "metric http_request_duration_seconds type=histogram unit=\"seconds\" {\n",
        "    help \"HTTP request latency\"\n",
        "    buckets 0.05 0.1 0.25 0.5 1 2.5\n",
        "}\n",
        "receiver platform { webhook url=\"http://127.0.0.1:9099/platform\"; }\n",
    ));
    for team in 0..teams {
        let _ = writeln!(
            text,
            "receiver team{team}-pager {{ webhook url=\"http://127.0.0.1:9099/team{team}/pager\"; }}\nreceiver team{team} {{ webhook url=\"http://127.0.0.1:9099/team{team}\"; }}"
        );
    }
    for index in 0..services {
        service(&mut text, index);
    }
    text.push_str("routing {\n    group-by alertname service slo\n");
    for team in 0..teams {
        let _ = writeln!(
            text,
            "    route team=team{team} tier=page receiver=team{team}-pager\n    route team=team{team} tier=ticket receiver=team{team}"
        );
    }
    text.push_str("    default receiver=platform\n}\n");
    text
}

fn service(text: &mut String, index: usize) {
    let name = service_name(index);
    let alert = camel(&name);
    let team = index / 10;
    let _ = writeln!(
        text,
        r#"service {name} {{ team team{team}; selector job="{name}"; }}
slo availability service={name} {{
    objective 99.9
    window "28d"
    sli {{ ratio errors="http_requests_total{{code=~\"5..\"}}" total="http_requests_total"; }}
}}
slo latency service={name} {{
    objective 99
    window "28d"
    sli {{ latency metric=http_request_duration_seconds threshold="250ms"; }}
}}
alert {alert}ErrorRateHigh service={name} {{
    expr "sum(rate(http_requests_total{{job=\"{name}\",code=~\"5..\"}}[5m])) / sum(rate(http_requests_total{{job=\"{name}\"}}[5m]))"
    threshold above=0.05 tier=ticket
    threshold above=0.2 tier=page
    for "5m"
    summary "{name} answers more requests with errors than usual."
}}"#
    );
}
