//! Property tests over a small spec grammar (services, counters and histograms, SLOs with
//! random names, objectives, windows and SLI kinds): every generated spec compiles, its
//! output is deterministic, and its KDL and YAML renderings produce identical artefacts.
//! The real `promtool check rules` and `amtool check-config` accept the output (the slow
//! tier). A mutated rendering never panics. `PROPTEST_CASES=1000 cargo test --test it properties:: -- --include-ignored`
//! runs a longer search. SLO names that meet across services are either refused as duplicates
//! or given files and alert names of their own.

use crate::support::alertmanager::amtool;
use crate::support::pipeline;
use crate::support::prometheus::promtool;

use std::fmt::Write as _;

use pipeline::compile_text;
use proptest::prelude::*;
use vigil::emit::Artifact;

#[derive(Debug, Clone)]
enum Sli {
    Ratio,
    Availability,
    Latency(&'static str),
}

#[derive(Debug, Clone)]
struct Slo {
    name: String,
    service: usize,
    /// Basis points: 9500 is 95 %.
    objective: u32,
    window: &'static str,
    sli: Sli,
}

#[derive(Debug, Clone)]
struct Spec {
    services: Vec<String>,
    slos: Vec<Slo>,
}

/// Names that YAML reads as something other than a string stay out of the grammar.
fn name() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9]{2,9}".prop_filter("not a YAML keyword", |n| {
        !matches!(
            n.as_str(),
            "true" | "false" | "null" | "nan" | "inf" | "yes" | "off"
        )
    })
}

fn sli() -> impl Strategy<Value = Sli> {
    prop_oneof![
        Just(Sli::Ratio),
        Just(Sli::Availability),
        prop::sample::select(vec!["50ms", "100ms", "250ms", "500ms", "1s"]).prop_map(Sli::Latency),
    ]
}

fn spec() -> impl Strategy<Value = Spec> {
    prop::collection::btree_set(name(), 1..4).prop_flat_map(|services| {
        let services: Vec<String> = services.into_iter().collect();
        let count = services.len();
        let slo = (
            0..count,
            9500u32..=9999,
            prop::sample::select(vec!["7d", "14d", "28d", "30d"]),
            sli(),
        );
        (
            Just(services),
            prop::collection::btree_map(name(), slo, 1..5),
        )
            .prop_map(|(services, slos)| Spec {
                services,
                slos: slos
                    .into_iter()
                    .map(|(name, (service, objective, window, sli))| Slo {
                        name,
                        service,
                        objective,
                        window,
                        sli,
                    })
                    .collect(),
            })
    })
}

fn objective(basis_points: u32) -> String {
    format!("{}.{:02}", basis_points / 100, basis_points % 100)
}

fn kdl(spec: &Spec) -> String {
    let mut text = String::from(
        "vigil 1\ntier page level=1 severity=critical page=#true\ntier ticket level=2 severity=warning\n",
    );
    for s in &spec.services {
        let _ = writeln!(text, "service {s} {{ team t{s}; selector job=\"{s}\"; }}");
        let _ = writeln!(
            text,
            "metric {s}_requests_total type=counter service={s} {{ help \"Requests\"; label code \"ok\" \"error\"; }}"
        );
        let _ = writeln!(
            text,
            "metric {s}_duration_seconds type=histogram unit=\"seconds\" service={s} {{ help \"Latency\"; buckets 0.05 0.1 0.25 0.5 1; }}"
        );
    }
    for slo in &spec.slos {
        let s = &spec.services[slo.service];
        let sli = match slo.sli {
            Sli::Ratio => format!(
                "ratio errors=\"{s}_requests_total{{code=\\\"error\\\"}}\" total=\"{s}_requests_total\""
            ),
            Sli::Availability => format!("availability metric=\"up{{job=\\\"{s}\\\"}}\""),
            Sli::Latency(threshold) => {
                format!("latency metric={s}_duration_seconds threshold=\"{threshold}\"")
            }
        };
        let _ = writeln!(
            text,
            "slo {} service={s} {{\n    objective {}\n    window \"{}\"\n    sli {{ {sli}; }}\n}}",
            slo.name,
            objective(slo.objective),
            slo.window
        );
    }
    text
}

fn yaml(spec: &Spec) -> String {
    let mut text = String::from(
        "vigil: 1\ntiers:\n  page: {level: 1, severity: critical, page: true}\n  ticket: {level: 2, severity: warning}\nservices:\n",
    );
    for s in &spec.services {
        let _ = writeln!(text, "  {s}: {{team: t{s}, selector: {{job: {s}}}}}");
    }
    text.push_str("metrics:\n");
    for s in &spec.services {
        let _ = writeln!(
            text,
            "  {s}_requests_total: {{type: counter, service: {s}, help: Requests, labels: {{code: [ok, error]}}}}"
        );
        let _ = writeln!(
            text,
            "  {s}_duration_seconds: {{type: histogram, unit: seconds, service: {s}, help: Latency, buckets: [0.05, 0.1, 0.25, 0.5, 1]}}"
        );
    }
    text.push_str("slos:\n");
    for slo in &spec.slos {
        let s = &spec.services[slo.service];
        let sli = match slo.sli {
            Sli::Ratio => format!(
                "{{ratio: {{errors: '{s}_requests_total{{code=\"error\"}}', total: {s}_requests_total}}}}"
            ),
            Sli::Availability => format!("{{availability: {{metric: 'up{{job=\"{s}\"}}'}}}}"),
            Sli::Latency(threshold) => {
                format!("{{latency: {{metric: {s}_duration_seconds, threshold: {threshold}}}}}")
            }
        };
        let _ = writeln!(
            text,
            "  {}: {{service: {s}, objective: {}, window: {}, sli: {sli}}}",
            slo.name,
            objective(slo.objective),
            slo.window
        );
    }
    text
}

/// Compiles one in-memory file; the artefacts, or the error codes.
fn compile(name: &str, text: &str) -> Result<Vec<Artifact>, Vec<String>> {
    let (model, diagnostics, _) = compile_text(name, text);
    match model {
        Some(model) => {
            // Model::service and Model::metric search these by halves.
            assert!(model.services.is_sorted_by(|a, b| a.name < b.name));
            assert!(model.metrics.is_sorted_by(|a, b| a.name < b.name));
            Ok(vigil::emit::emit(&model, &vigil::emit::Options::default()).expect("emit"))
        }
        None => Err(diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| format!("{}: {}", d.code.as_str(), d.message))
            .collect()),
    }
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(48)
}

/// Writes the artefacts to a temporary folder and runs the real tools over them.
fn real_tools_accept(artifacts: &[Artifact]) -> Result<(), String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let mut rules = Vec::new();
    for artifact in artifacts {
        let path = dir.path().join(&artifact.path);
        std::fs::create_dir_all(path.parent().expect("parent")).map_err(|e| e.to_string())?;
        std::fs::write(&path, &artifact.contents).map_err(|e| e.to_string())?;
        if artifact.path.starts_with("prometheus/rules/") {
            rules.push(path);
        }
    }
    let mut runs = Vec::new();
    if !rules.is_empty() {
        let mut command = promtool();
        command.args(["check", "rules"]).args(&rules);
        runs.push(command);
    }
    let config = dir.path().join("alertmanager/alertmanager.yml");
    if config.is_file() {
        let mut command = std::process::Command::new(amtool());
        command.arg("check-config").arg(&config);
        runs.push(command);
    }
    for mut command in runs {
        let output = command.output().map_err(|e| e.to_string())?;
        if !output.status.success() {
            return Err(format!(
                "{command:?}: {}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            ));
        }
    }
    Ok(())
}

proptest! {
    // Each case shells out to promtool and amtool, so fewer cases.
    #![proptest_config(ProptestConfig { cases: cases() / 6 + 1, ..ProptestConfig::default() })]

    #[test]
    #[ignore = "slow tier: needs promtool and amtool"]
    fn generated_specs_pass_promtool_and_amtool(spec in spec()) {
        let artifacts = compile("spec.kdl", &kdl(&spec));
        prop_assert!(artifacts.is_ok(), "{:?}", artifacts.err());
        let checked = real_tools_accept(&artifacts.unwrap_or_default());
        prop_assert!(checked.is_ok(), "{}", checked.err().unwrap_or_default());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn generated_specs_compile_deterministically_and_identically_from_kdl_and_yaml(spec in spec()) {
        let kdl_text = kdl(&spec);
        let yaml_text = yaml(&spec);
        let from_kdl = compile("spec.kdl", &kdl_text);
        prop_assert!(from_kdl.is_ok(), "KDL failed: {:?}\n{kdl_text}", from_kdl.err());
        let again = compile("spec.kdl", &kdl_text);
        prop_assert_eq!(&from_kdl, &again, "two runs differ");
        let from_yaml = compile("spec.yaml", &yaml_text);
        prop_assert!(from_yaml.is_ok(), "YAML failed: {:?}\n{yaml_text}", from_yaml.err());
        let (kdl_artifacts, yaml_artifacts) = (from_kdl.unwrap_or_default(), from_yaml.unwrap_or_default());
        prop_assert_eq!(kdl_artifacts.len(), yaml_artifacts.len());
        for (k, y) in kdl_artifacts.iter().zip(&yaml_artifacts) {
            prop_assert_eq!(&k.path, &y.path);
            prop_assert!(k.contents == y.contents, "{} differs between KDL and YAML", k.path);
        }
    }

    #[test]
    fn mutated_generated_specs_never_panic(
        spec in spec(),
        yaml_form in any::<bool>(),
        at in any::<prop::sample::Index>(),
        len in 0usize..24,
        insert in prop::sample::select(vec!["", "\"", "{", "}", "=", ";", "\n", "-", ":", "[", "]", "#nan", "1e309", "{{", "'", "&a", "*a"]),
    ) {
        let (name, text) = if yaml_form { ("spec.yaml", yaml(&spec)) } else { ("spec.kdl", kdl(&spec)) };
        let mut chars: Vec<char> = text.chars().collect();
        let start = at.index(chars.len() + 1);
        let end = (start + len).min(chars.len());
        chars.splice(start..end, insert.chars());
        let mutant: String = chars.into_iter().collect();
        // Either artefacts or coded errors; a panic fails the property.
        if let Err(errors) = compile(name, &mutant) {
            prop_assert!(!errors.is_empty(), "no model and no error:\n{mutant}");
        }
    }
}

/// SLO names that repeat across services, begin with a service's name, or differ only in
/// separators, over services whose names prefix each other: the names of files and alerts
/// meet often.
fn clashing_spec() -> impl Strategy<Value = Vec<(&'static str, &'static str)>> {
    let services = prop::sample::select(vec!["a", "a-b", "b"]);
    let names = prop::sample::select(vec!["x", "b-x", "b_x", "a-x", "a", "x-y", "x_y"]);
    prop::collection::vec((services, names), 1..6)
}

fn clashing_kdl(slos: &[(&str, &str)]) -> String {
    let mut text = String::from("vigil 1\ntier page level=1 severity=critical page=#true\n");
    text.push_str(
        "metric requests_total type=counter { help \"Requests\"; label code \"ok\" \"error\"; }\n",
    );
    for service in ["a", "a-b", "b"] {
        let _ = writeln!(text, "service {service} {{ selector job=\"{service}\"; }}");
    }
    for (service, name) in slos {
        let _ = writeln!(
            text,
            "slo {name} service={service} {{ objective 99; window \"28d\"; sli {{ ratio errors=\"requests_total{{code=\\\"error\\\"}}\" total=\"requests_total\"; }}; }}"
        );
    }
    text
}

/// The documented naming rule, written out independently: `service-name` unless the name
/// already begins with the service; alert stems are that in CamelCase.
fn expected_id(service: &str, name: &str) -> String {
    let qualified = name == service
        || name
            .strip_prefix(service)
            .is_some_and(|rest| rest.starts_with(['-', '_']));
    if qualified {
        name.to_owned()
    } else {
        format!("{service}-{name}")
    }
}

fn expected_stem(service: &str, name: &str) -> String {
    expected_id(service, name)
        .split(['-', '_'])
        .map(|part| part[..1].to_uppercase() + &part[1..])
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    /// Either the spec is refused for a duplicate name, exactly when two SLOs share a
    /// service and name, an id or an alert stem; or every SLO has files and alert names
    /// of its own.
    #[test]
    fn slo_files_and_alert_names_never_meet(slos in clashing_spec()) {
        let text = clashing_kdl(&slos);
        let mut distinct = std::collections::BTreeSet::new();
        let mut ids = std::collections::BTreeSet::new();
        let mut stems = std::collections::BTreeSet::new();
        let mut clash = false;
        for (service, name) in &slos {
            if !distinct.insert((*service, *name)) {
                clash = true;
                continue;
            }
            clash |= !ids.insert(expected_id(service, name));
            clash |= !stems.insert(expected_stem(service, name));
        }
        match compile("spec.kdl", &text) {
            Err(errors) => {
                prop_assert!(clash, "refused without a clash:\n{errors:?}\n{text}");
                prop_assert!(
                    errors.iter().all(|e| e.starts_with("vigil::names::duplicate")),
                    "{errors:?}"
                );
            }
            Ok(artifacts) => {
                prop_assert!(!clash, "accepted with a clash:\n{text}");
                let paths: std::collections::BTreeSet<&str> =
                    artifacts.iter().map(|a| a.path.as_str()).collect();
                prop_assert_eq!(paths.len(), artifacts.len(), "two artefacts share a path");
                let mut owner = std::collections::BTreeMap::new();
                for artifact in artifacts.iter().filter(|a| a.path.starts_with("prometheus/rules/slo-")) {
                    for alert in artifact.contents.lines().filter_map(|l| l.trim().strip_prefix("- alert: ")) {
                        let first = owner.entry(alert.to_owned()).or_insert(artifact.path.clone());
                        prop_assert_eq!(first, &artifact.path, "{} in two SLOs' files", alert);
                    }
                }
                for (service, name) in &distinct {
                    let path = format!("prometheus/rules/slo-{}.yaml", expected_id(service, name));
                    prop_assert!(paths.contains(path.as_str()), "{path} missing");
                }
            }
        }
    }
}
