//! The routing checks: shadowed routes, tiers without a route, routes for silent tiers,
//! email integrations Alertmanager would refuse. Each case is a small spec.

use vigil::codes::Code;
use vigil::diagnostic::Diagnostic;
use vigil::source::Sources;

const BASE: &str = r#"vigil 1
targets { alertmanager "0.25"; }
settings { runbook-base-url "https://runbooks.example/shop"; }
tier page level=1 severity=critical page=#true
tier ticket level=2 severity=warning
tier quiet level=4 severity=none notify=#false
service shop {
    team web
    selector job=shop
}
receiver pager { webhook url="http://127.0.0.1:9099/pager"; }
receiver chat { webhook url="http://127.0.0.1:9099/chat"; }
receiver nowhere
"#;

fn diagnostics(routing: &str) -> Vec<Diagnostic> {
    diagnostics_of(BASE, routing)
}

fn diagnostics_of(base: &str, routing: &str) -> Vec<Diagnostic> {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("spec.kdl");
    std::fs::write(&path, format!("{base}{routing}")).expect("write spec");
    let mut sources = Sources::default();
    let (_, diagnostics) = vigil::app::compile(&[path], &mut sources);
    diagnostics.iter().cloned().collect()
}

fn with_code(found: &[Diagnostic], code: Code) -> Vec<&Diagnostic> {
    found.iter().filter(|d| d.code == code).collect()
}

#[test]
fn runbook_links_without_a_base_url_are_a_warning() {
    let routing = "routing {\n    route tier=page receiver=pager\n    route tier=ticket receiver=chat\n    default receiver=chat\n}";
    let without = BASE.replace(
        "settings { runbook-base-url \"https://runbooks.example/shop\"; }\n",
        "",
    );
    let found = diagnostics_of(&without, routing);
    let relative = with_code(&found, Code::RelativeRunbookUrl);
    assert_eq!(relative.len(), 1, "{found:#?}");
    assert!(!relative[0].is_error());
    assert!(relative[0].help.contains("/docs/runbooks/<Alert>.md"));
    assert!(with_code(&diagnostics(routing), Code::RelativeRunbookUrl).is_empty());
}

#[test]
fn a_clean_tree_has_no_routing_diagnostics() {
    let found = diagnostics(
        r"routing {
    route tier=page receiver=pager continue=#true
    route tier=page team=web receiver=chat
    route tier=ticket receiver=chat
    route tier=quiet receiver=nowhere
    default receiver=chat
}",
    );
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn a_route_behind_a_broader_one_without_continue_is_shadowed() {
    let found = diagnostics(
        r"routing {
    route tier=page receiver=pager
    route tier=page team=web receiver=chat
    route tier=ticket receiver=chat
    route receiver=nowhere
    default receiver=chat
}",
    );
    let shadowed = with_code(&found, Code::ShadowedRoute);
    assert_eq!(shadowed.len(), 1, "{found:#?}");
    let warning = shadowed[0];
    assert!(warning.message.contains("`chat`") && warning.message.contains("`pager`"));
    assert_eq!(warning.notes.len(), 1, "names the earlier route too");
    assert!(!found.iter().any(Diagnostic::is_error), "{found:#?}");
}

#[test]
fn a_catch_all_without_continue_shadows_everything_after_it() {
    let found = diagnostics(
        r"routing {
    route receiver=pager
    route tier=page receiver=chat
    route tier=ticket receiver=chat
    default receiver=chat
}",
    );
    assert_eq!(
        with_code(&found, Code::ShadowedRoute).len(),
        2,
        "{found:#?}"
    );
}

#[test]
fn a_notifying_tier_without_a_route_is_a_warning_naming_the_default_receiver() {
    let found = diagnostics(
        r"routing {
    route tier=page receiver=pager
    default receiver=chat
}",
    );
    let unrouted = with_code(&found, Code::UnroutedTier);
    assert_eq!(
        unrouted.len(),
        1,
        "only `ticket`, not the silent tier: {found:#?}"
    );
    assert!(unrouted[0].message.contains("`ticket`"));
    // Alertmanager accepts it: the default route delivers, and the warning names to whom.
    assert!(!unrouted[0].is_error());
    assert!(unrouted[0].message.contains("default receiver `chat`"));
}

#[test]
fn a_route_that_would_make_a_silent_tier_notify_is_a_warning() {
    let found = diagnostics(
        r"routing {
    route tier=page receiver=pager
    route tier=ticket receiver=chat
    route tier=quiet receiver=chat
    default receiver=chat
}",
    );
    assert_eq!(
        with_code(&found, Code::SilentTierRoute).len(),
        1,
        "{found:#?}"
    );
}

#[test]
fn an_email_without_sender_or_relay_is_an_error() {
    let found = diagnostics(
        r#"receiver mail { email to="web@shop.example"; }
routing {
    route tier=page receiver=pager
    route tier=ticket receiver=mail
    default receiver=chat
}"#,
    );
    assert_eq!(with_code(&found, Code::EmailSmtp).len(), 1, "{found:#?}");
}

#[test]
fn active_intervals_need_alertmanager_0_24() {
    let found = diagnostics(
        r#"time-interval office { weekdays "monday:friday"; }
routing {
    route tier=page receiver=pager
    route tier=ticket receiver=chat active=office
    default receiver=chat
}"#,
    )
    .into_iter()
    .filter(|d| d.code == Code::TargetVersion)
    .count();
    assert_eq!(found, 0, "0.25 has them");
    let old = BASE.replace(r#"alertmanager "0.25""#, r#"alertmanager "0.23""#);
    let found = diagnostics_of(
        &old,
        r#"time-interval office { weekdays "monday:friday"; }
routing {
    route tier=page receiver=pager
    route tier=ticket receiver=chat active=office
    default receiver=chat
}"#,
    );
    assert_eq!(
        with_code(&found, Code::TargetVersion).len(),
        1,
        "{found:#?}"
    );
}
