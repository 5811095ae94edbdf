//! Secret hygiene. Every artefact of every valid fixture, the flagship spec and the YAML
//! example is scanned for secret patterns; every literal-secret form in
//! `tests/fixtures/adversarial/secret_*` is refused with `vigil::receiver::literal_secret`.

use crate::support::root;

use std::path::{Path, PathBuf};

use vigil::source::Sources;

/// Substrings that only a leaked credential produces.
const PATTERNS: &[&str] = &[
    "hooks.slack.com/services/",
    "xoxb-",
    "xoxp-",
    "xapp-",
    "events.pagerduty.com",
    "api.opsgenie.com",
    "webhook.office.com",
    "logic.azure.com",
    "discord.com/api/webhooks",
    "password=",
    "token=",
    "apikey=",
    "api_key=",
    "secret=",
];

/// Alertmanager keys that hold a secret inline; vigil only ever writes their `*_file` forms.
const INLINE_KEYS: &[&str] = &[
    "api_url:",
    "routing_key:",
    "service_key:",
    "api_key:",
    "auth_password:",
    "auth_secret:",
    "webhook_url:",
    "bot_token:",
    "token:",
    "password:",
    "credentials:",
];

/// The secret-looking things in one artefact.
fn leaks(text: &str) -> Vec<String> {
    let lower = text.to_ascii_lowercase();
    let mut found: Vec<String> = PATTERNS
        .iter()
        .filter(|p| lower.contains(*p))
        .map(|p| (*p).to_owned())
        .collect();
    for line in lower.lines() {
        let key = line.trim_start().trim_start_matches("- ");
        if let Some(k) = INLINE_KEYS.iter().find(|k| key.starts_with(*k)) {
            found.push(format!("inline `{k}`"));
        }
    }
    // user:password@ in any URL's authority.
    for (at, _) in lower.match_indices("://") {
        let authority = lower[at + 3..]
            .split(['/', '?', '#', ' ', '"', '\'', '\n', ')', '>'])
            .next()
            .unwrap_or("");
        if authority.contains('@') {
            found.push(format!("userinfo in `{authority}`"));
        }
    }
    found
}

fn valid_specs() -> Vec<PathBuf> {
    let mut specs = vec![root().join("specs"), root().join("examples/erlmcp-yaml")];
    for entry in std::fs::read_dir(root().join("tests/fixtures/ok")).expect("ok fixtures") {
        specs.push(entry.expect("entry").path());
    }
    specs.sort();
    specs
}

#[test]
fn the_scanner_finds_planted_secrets() {
    for planted in [
        "url: https://hooks.slack.com/services/T0/B0/X",
        "  routing_key: abc",
        "- api_key: abc",
        "see https://ops:hunter2@example.com/hook",
        "https://example.com/?token=abc",
        "webhook_url: https://x.webhook.office.com/webhookb2/a",
    ] {
        assert!(!leaks(planted).is_empty(), "missed {planted}");
    }
    for clean in [
        "api_url_file: /etc/alertmanager/secrets/slack",
        "routing_key_file: /etc/am/pd",
        "url: http://127.0.0.1:9099/alerts",
        "mailto:ops@example.com",
    ] {
        assert!(
            leaks(clean).is_empty(),
            "false positive {clean}: {:?}",
            leaks(clean)
        );
    }
}

#[test]
fn no_artefact_of_any_valid_spec_carries_a_secret() {
    let mut scanned = 0;
    for spec in valid_specs() {
        let mut sources = Sources::default();
        let (model, diagnostics) = vigil::app::compile(std::slice::from_ref(&spec), &mut sources);
        let model = model.unwrap_or_else(|| {
            panic!(
                "{} does not compile: {:?}",
                spec.display(),
                diagnostics
                    .iter()
                    .map(|d| d.code.as_str())
                    .collect::<Vec<_>>()
            )
        });
        let artifacts = vigil::emit::emit(&model, &vigil::emit::Options::default()).expect("emit");
        for artifact in &artifacts {
            let found = leaks(&artifact.contents);
            assert!(
                found.is_empty(),
                "{}: {} carries {found:?}",
                spec.display(),
                artifact.path
            );
            scanned += 1;
        }
    }
    assert!(scanned >= 30, "only {scanned} artefacts scanned");
}

#[test]
fn every_literal_secret_form_is_refused() {
    let corpus = root().join("tests/fixtures/adversarial");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .expect("corpus")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("secret_"))
        })
        .collect();
    files.sort();
    assert!(files.len() >= 15, "only {} secret fixtures", files.len());
    for file in files {
        let mut sources = Sources::default();
        let (model, diagnostics) = vigil::app::compile(std::slice::from_ref(&file), &mut sources);
        let name = file.file_name().map(Path::new).expect("name").display();
        assert!(model.is_none(), "{name} compiled");
        assert!(
            diagnostics
                .iter()
                .any(|d| d.code.as_str() == "vigil::receiver::literal_secret"),
            "{name}: {:?}",
            diagnostics
                .iter()
                .map(|d| d.code.as_str())
                .collect::<Vec<_>>()
        );
        // The diagnostic itself must not echo the secret into CI logs beyond its span.
        for diagnostic in &diagnostics {
            assert!(
                !diagnostic.message.contains("hunter2"),
                "{name}: {}",
                diagnostic.message
            );
        }
    }
}
