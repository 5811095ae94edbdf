//! KDL ≡ YAML: the flagship spec in `specs/` (KDL) and its translation in
//! `examples/erlmcp-yaml/` (YAML) must compile to the same model and the same output.

use crate::support::{deadline, root};

use std::collections::BTreeMap;
use std::path::Path;

use vigil::model::Model;
use vigil::source::Sources;

/// Compiles one spec folder; any diagnostic but the flagship's one expected warning (its
/// daily tier has no Thanos resolution) fails the test.
fn compile(folder: &str) -> Model {
    let mut sources = Sources::default();
    let (model, diagnostics) = vigil::app::compile(&[root().join(folder)], &mut sources);
    let messages: Vec<String> = diagnostics
        .iter()
        .filter(|d| d.code != vigil::codes::Code::ThanosResolution)
        .map(|d| format!("{d:?}"))
        .collect::<Vec<_>>();
    assert!(
        messages.is_empty(),
        "{folder} has diagnostics:\n{}",
        messages.join("\n")
    );
    model.unwrap_or_else(|| panic!("{folder} produced no model"))
}

#[test]
fn kdl_and_yaml_build_the_same_model() {
    let kdl = compile("specs");
    let yaml = compile("examples/erlmcp-yaml");
    // Field by field first, so a failure names the part that differs.
    assert_eq!(kdl.targets, yaml.targets, "targets differ");
    assert_eq!(kdl.settings, yaml.settings, "settings differ");
    assert_eq!(kdl.tiers, yaml.tiers, "tiers differ");
    assert_eq!(kdl.services, yaml.services, "services differ");
    assert_eq!(kdl.metrics, yaml.metrics, "metrics differ");
    assert_eq!(kdl.slos, yaml.slos, "SLOs differ");
    assert_eq!(kdl.alerts, yaml.alerts, "alerts differ");
    assert_eq!(kdl.anomalies, yaml.anomalies, "anomalies differ");
    assert_eq!(kdl.regressions, yaml.regressions, "regressions differ");
    assert_eq!(kdl.capacities, yaml.capacities, "capacities differ");
    assert_eq!(kdl.retention, yaml.retention, "retention differs");
    assert_eq!(kdl.receivers, yaml.receivers, "receivers differ");
    assert_eq!(kdl.routing, yaml.routing, "routing differs");
    assert_eq!(
        kdl.time_intervals, yaml.time_intervals,
        "time intervals differ"
    );
    assert_eq!(kdl, yaml);
}

#[test]
fn kdl_and_yaml_emit_the_same_artifacts() {
    let kdl =
        vigil::emit::emit(&compile("specs"), &vigil::emit::Options::default()).expect("emits");
    let yaml = vigil::emit::emit(
        &compile("examples/erlmcp-yaml"),
        &vigil::emit::Options::default(),
    )
    .expect("emits");
    let paths = |artifacts: &[vigil::emit::Artifact]| -> Vec<String> {
        artifacts.iter().map(|a| a.path.clone()).collect()
    };
    assert_eq!(paths(&kdl), paths(&yaml), "different sets of artifacts");
    for (k, y) in kdl.iter().zip(&yaml) {
        assert!(k.contents == y.contents, "{} differs", k.path);
    }
}

/// Every file under `dir`, by its path relative to `dir`.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).expect("readable output folder") {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                let relative = path.strip_prefix(base).expect("inside the output folder");
                let name = relative.to_string_lossy().replace('\\', "/");
                out.insert(name, std::fs::read(&path).expect("readable output file"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    // The cache of the last run digests the spec files themselves (and is git-ignored):
    // it is the one file that must differ between the two forms.
    assert!(
        out.remove(".vigil-cache").is_some(),
        "generate left no cache"
    );
    out
}

fn generate(spec: &str, out: &Path) -> BTreeMap<String, Vec<u8>> {
    let out_arg = out.to_str().expect("a UTF-8 temporary path");
    let output = deadline::vigil(
        root(),
        &["--color", "never", "generate", spec, "--out", out_arg],
    );
    assert!(
        output.status.success(),
        "vigil generate {spec} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    files(out)
}

#[test]
fn kdl_and_yaml_generate_byte_identical_folders() {
    let temp = tempfile::tempdir().expect("temporary folder");
    let kdl = generate("specs", &temp.path().join("kdl"));
    let yaml = generate("examples/erlmcp-yaml", &temp.path().join("yaml"));
    assert!(
        !kdl.is_empty(),
        "generate wrote nothing (not even a manifest)"
    );
    let names = |tree: &BTreeMap<String, Vec<u8>>| tree.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(&kdl), names(&yaml), "different sets of files");
    for (name, contents) in &kdl {
        assert!(yaml[name] == *contents, "{name} differs");
    }
}

/// Compiles in-memory spec files; any diagnostic fails the test.
fn compile_texts(files: &[(&str, &str)]) -> Model {
    let mut sources = Sources::default();
    let mut diagnostics = vigil::diagnostic::Diagnostics::default();
    let documents = files
        .iter()
        .filter_map(|(name, text)| {
            vigil::spec::parse_text(name, text, &mut sources, &mut diagnostics)
        })
        .collect();
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let (model, diagnostics) = vigil::check::check(&vigil::spec::RawSpec { documents });
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    model.expect("a model")
}

/// The parts of the language the flagship spec does not use (settings, query and
/// native-latency SLIs, custom windows, every receiver kind, route matchers, inhibitions
/// on tiers, time intervals), in both forms; the YAML is split in two files to exercise
/// merging.
#[test]
fn kdl_and_yaml_agree_on_the_rest_of_the_language() {
    let kdl = compile_texts(&[("all.kdl", ALL_KDL)]);
    let yaml = compile_texts(&[("a.yaml", ALL_YAML_A), ("b.yaml", ALL_YAML_B)]);
    assert_eq!(kdl, yaml);
}

const ALL_KDL: &str = r#"vigil 1
settings {
    runbook-base-url "https://runbooks.example/erlmcp"
    label env "prod"
}
tier critical level=1 severity=critical page=#true
tier warning level=2 severity=warning
service erlmcp { team platform; selector job=erlmcp; target-labels namespace pod; }
metric x_errors_total type=counter service=erlmcp { help "x"; }
metric x_total type=counter service=erlmcp { help "x"; }
metric erlmcp_memory_usage_bytes type=gauge unit="bytes" service=erlmcp { help "x"; }
metric erlmcp_memory_limit_bytes type=gauge unit="bytes" external=#true { help "x"; }
slo uptime service=erlmcp {
    objective 99.9
    window calendar="month"
    sli { availability metric="up{job=\"erlmcp\"}" }
}
slo custom service=erlmcp {
    objective 99
    window "28d"
    sli {
        query errors="sum(rate(x_errors_total[{{ window }}]))" total="sum(rate(x_total[{{ window }}]))"
    }
    alerting {
        label category "custom"
        annotation dashboard "https://grafana.example/d/x"
        page tier=critical for="2m" {
            label owner "platform"
            annotation summary "The custom SLO burns fast."
        }
        ticket tier=warning
        budget-consumed percent=70 tier=warning
        budget-exhausted tier=critical
        absent tier=warning for="10m"
        min-events 5
    }
}
alert ErlmcpMemoryHigh service=erlmcp {
    expr "sum by (instance) (erlmcp_memory_usage_bytes) / on (instance) erlmcp_memory_limit_bytes"
    threshold above=0.85 tier=warning
    threshold above=0.95 tier=critical
    for "5m"
    summary "erlmcp memory is close to its limit."
    annotation dashboard "https://grafana.example/d/erlmcp"
    runbook {
    impact "Clients of erlmcp see failed tool calls and resource reads."
    step "Open the SLO detail dashboard and find which operation carries the errors."
    decision when="errors are timeouts" then="look at queue depth and scheduler utilisation"
    escalation "If no cause is found within 30 minutes, page the erlmcp maintainers."
    link title="Architecture" url="https://wiki.example/erlmcp"
    }
}
metric lat_seconds type=histogram unit="seconds" service=erlmcp { help "x"; native #true; label op "a" "b"; }
slo native-latency service=erlmcp {
    objective 99
    window "7d"
    group-by op
    label component "api"
    sli { latency metric=lat_seconds threshold="250ms" }
    alerting {
        page tier=critical keep-firing-for="5m" {
            window long="1h" short="5m" budget=2
        }
        absent enabled=#false
    }
}
receiver teams { msteams webhook-url-file="/s/teams" title="t"; email to="a@b.example" from="am@b.example" smarthost="smtp.b.example:587" require-tls=#true send-resolved=#true; }
receiver hook { webhook url-file="/s/hook" }
routing {
    group-by "..."
    default receiver=teams
    route receiver=hook service=erlmcp group-by=alertname group-wait="10s" {
        match env=prod
    }
    route tier=critical receiver=teams
    route tier=warning receiver=teams
    inhibit {
        source tier=critical
        target tier=warning
        equal service slo
    }
}
time-interval q1 { months "january:march"; days-of-month "1:7" "-1"; years "2026"; weekdays "monday" "friday"; }
"#;

const ALL_YAML_A: &str = r#"vigil: 1
settings:
  runbook_base_url: https://runbooks.example/erlmcp
  labels: {env: prod}
tiers:
  critical: {level: 1, severity: critical, page: true}
  warning: {level: 2, severity: warning}
services:
  erlmcp: {team: platform, selector: {job: erlmcp}, target_labels: [namespace, pod]}
metrics:
  x_errors_total: {type: counter, service: erlmcp, help: x}
  x_total: {type: counter, service: erlmcp, help: x}
  erlmcp_memory_usage_bytes: {type: gauge, unit: bytes, service: erlmcp, help: x}
  erlmcp_memory_limit_bytes: {type: gauge, unit: bytes, external: true, help: x}
slos:
  uptime:
    service: erlmcp
    objective: 99.9
    window: {calendar: month}
    sli:
      availability: {metric: 'up{job="erlmcp"}'}
  custom:
    service: erlmcp
    objective: 99
    window: 28d
    sli:
      query:
        errors: 'sum(rate(x_errors_total[{{ window }}]))'
        total: 'sum(rate(x_total[{{ window }}]))'
    alerting:
      labels: {category: custom}
      annotations: {dashboard: "https://grafana.example/d/x"}
      page:
        tier: critical
        for: 2m
        labels: {owner: platform}
        annotations: {summary: The custom SLO burns fast.}
      ticket: {tier: warning}
      budget_consumed: {percent: 70, tier: warning}
      budget_exhausted: {tier: critical}
      absent: {tier: warning, for: 10m}
      min_events: 5
alerts:
  ErlmcpMemoryHigh:
    service: erlmcp
    expr: sum by (instance) (erlmcp_memory_usage_bytes) / on (instance) erlmcp_memory_limit_bytes
    thresholds:
      - {above: 0.85, tier: warning}
      - {above: 0.95, tier: critical}
    for: 5m
    summary: erlmcp memory is close to its limit.
    annotations: {dashboard: "https://grafana.example/d/erlmcp"}
    runbook:
      impact: Clients of erlmcp see failed tool calls and resource reads.
      steps:
        - Open the SLO detail dashboard and find which operation carries the errors.
      decisions:
        - when: errors are timeouts
          then: look at queue depth and scheduler utilisation
      escalation: If no cause is found within 30 minutes, page the erlmcp maintainers.
      links:
        - {title: Architecture, url: "https://wiki.example/erlmcp"}
"#;

const ALL_YAML_B: &str = r#"metrics:
  lat_seconds:
    type: histogram
    unit: seconds
    service: erlmcp
    help: x
    native: true
    labels: {op: [a, b]}
slos:
  native-latency:
    service: erlmcp
    objective: 99
    window: 7d
    group_by: op
    labels: {component: api}
    sli:
      latency: {metric: lat_seconds, threshold: 250ms}
    alerting:
      page:
        tier: critical
        keep_firing_for: 5m
        windows: [{long: 1h, short: 5m, budget: 2}]
      absent: {enabled: false}
receivers:
  teams:
    msteams: {webhook_url_file: /s/teams, title: t}
    email: {to: a@b.example, from: am@b.example, smarthost: "smtp.b.example:587", require_tls: true, send_resolved: true}
  hook:
    webhook: {url_file: /s/hook}
routing:
  group_by: ["..."]
  default: {receiver: teams}
  routes:
    - receiver: hook
      service: erlmcp
      group_by: alertname
      group_wait: 10s
      match: {env: prod}
    - {tier: critical, receiver: teams}
    - {tier: warning, receiver: teams}
  inhibitions:
    - source: {tier: critical}
      target: {tier: warning}
      equal: [service, slo]
time_intervals:
  q1:
    months: "january:march"
    days_of_month: ["1:7", "-1"]
    years: "2026"
    weekdays: [monday, friday]
"#;
