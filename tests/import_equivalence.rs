//! Behavioural equivalence with Sloth: for every non-plugin Sloth example and integration
//! input, Sloth's golden rules and the rules vigil generates from the imported spec are run
//! by `promtool test rules` on the same synthetic series (healthy, no traffic, fast burn,
//! two slow burns), and the page and ticket alerts must fire at the same minutes.
//!
//! The two rule sets share recording-rule names, so each runs in its own test file with
//! identical input series; firing is read from `ALERTS` through a query that is expected
//! to return nothing, so promtool prints what it got at every minute.

use crate::support;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use support::import::{Kind, compile, corpus, got_samples, import, render, sample_label};
use vigil::import::Format;

struct Case {
    inputs: &'static [&'static str],
    golden: &'static str,
    period: Option<&'static str>,
}

const EXAMPLES: &str = "sloth/examples";
const INTEGRATION: &str = "sloth/test/integration/prometheus/testdata";

fn cases() -> Vec<Case> {
    let example = |name: &'static str| Case {
        inputs: Box::leak(Box::new([&*Box::leak(
            format!("{EXAMPLES}/{name}").into_boxed_str(),
        )])),
        golden: Box::leak(format!("{EXAMPLES}/_gen/{name}").into_boxed_str()),
        period: None,
    };
    let mut cases: Vec<Case> = [
        "getting-started.yml",
        "home-wifi.yml",
        "k8s-getting-started.yml",
        "k8s-home-wifi.yml",
        "k8s-multifile.yml",
        "kubernetes-apiserver.yml",
        "multifile.yml",
        "no-alerts.yml",
        "raw-home-wifi.yml",
        "openslo-getting-started.yml",
        "openslo-kubernetes-apiserver.yml",
    ]
    .into_iter()
    .map(example)
    .collect();
    let integration = |input: &str, golden: &str, extra: Option<&'static str>, period| {
        let mut inputs = vec![&*Box::leak(
            format!("{INTEGRATION}/{input}").into_boxed_str(),
        )];
        inputs.extend(extra);
        Case {
            inputs: Box::leak(inputs.into_boxed_slice()),
            golden: Box::leak(format!("{INTEGRATION}/{golden}").into_boxed_str()),
            period,
        }
    };
    cases.extend([
        integration("in-base.yaml", "out-base.yaml.tpl", None, None),
        integration("in-base.yaml", "out-base-28d.yaml.tpl", None, Some("28d")),
        integration(
            "in-base.yaml",
            "out-base-custom-windows-7d.yaml.tpl",
            Some("sloth/examples/windows/7d.yaml"),
            Some("7d"),
        ),
        integration("in-base-k8s.yaml", "out-base-k8s.yaml.tpl", None, None),
        integration("in-multifile.yaml", "out-multifile.yaml.tpl", None, None),
        integration(
            "in-multifile-k8s.yaml",
            "out-multifile-k8s.yaml.tpl",
            None,
            None,
        ),
        integration("in-openslo.yaml", "out-openslo.yaml.tpl", None, None),
    ]);
    cases
}

/// One phase of a scenario: minutes, share of failed requests, clients (of 10) with a bad
/// Wi-Fi satisfaction, and whether there is traffic at all.
struct Phase {
    minutes: u32,
    failed: f64,
    bad_clients: usize,
    traffic: bool,
}

fn phase(minutes: u32, failed: f64, bad_clients: usize) -> Phase {
    Phase {
        minutes,
        failed,
        bad_clients,
        traffic: true,
    }
}

fn scenarios() -> Vec<(&'static str, Vec<Phase>)> {
    vec![
        ("healthy", vec![phase(120, 0.0, 0)]),
        (
            "no-traffic",
            vec![Phase {
                minutes: 120,
                failed: 0.0,
                bad_clients: 0,
                traffic: false,
            }],
        ),
        ("fast-burn", vec![phase(60, 0.0, 0), phase(90, 1.0, 10)]),
        ("slow-burn", vec![phase(90, 0.0, 0), phase(360, 0.004, 1)]),
        (
            "slow-burn-10x",
            vec![phase(60, 0.0, 0), phase(180, 0.04, 2)],
        ),
    ]
}

const REQUESTS_PER_MINUTE: f64 = 1000.0;

/// Counter values in promtool's expanding notation, one increment per phase.
fn counter(phases: &[Phase], per_minute: impl Fn(&Phase) -> f64) -> String {
    let mut value = 0.0;
    let mut parts = vec![String::from("0")];
    for p in phases {
        let step = if p.traffic { per_minute(p) } else { 0.0 };
        parts.push(format!("{}+{}x{}", value + step, step, p.minutes - 1));
        value += step * f64::from(p.minutes);
    }
    parts.join(" ")
}

/// The raw series every corpus SLI reads, with the scenario's share of failures.
fn input_series(phases: &[Phase]) -> Vec<(String, String)> {
    let rate = |share: fn(&Phase) -> f64| counter(phases, move |p| REQUESTS_PER_MINUTE * share(p));
    let mut series = Vec::new();
    for job in ["myservice", "myapp"] {
        let name = format!("http_request_duration_seconds_count{{job=\"{job}\",code=");
        series.push((format!("{name}\"500\"}}"), rate(|p| p.failed)));
        series.push((format!("{name}\"200\"}}"), rate(|p| 1.0 - p.failed)));
    }
    series.push((
        r#"apiserver_request_total{code="500"}"#.into(),
        rate(|p| p.failed),
    ));
    series.push((
        r#"apiserver_request_total{code="200"}"#.into(),
        rate(|p| 1.0 - p.failed),
    ));
    let histogram = "apiserver_request_duration_seconds";
    for le in ["0.4", "5"] {
        series.push((
            format!("{histogram}_bucket{{verb=\"GET\",le=\"{le}\"}}"),
            rate(|p| 1.0 - p.failed),
        ));
    }
    series.push((
        format!("{histogram}_bucket{{verb=\"GET\",le=\"+Inf\"}}"),
        rate(|_| 1.0),
    ));
    series.push((format!("{histogram}_count{{verb=\"GET\"}}"), rate(|_| 1.0)));
    if phases.iter().all(|p| p.traffic) {
        for client in 0..10 {
            let values: Vec<String> = phases
                .iter()
                .map(|p| {
                    let v = if client < p.bad_clients { "0.3" } else { "1" };
                    format!("{v}+0x{}", p.minutes - 1)
                })
                .collect();
            series.push((
                format!("unifipoller_client_satisfaction_ratio{{client=\"c{client}\"}}"),
                format!(
                    "{} {}",
                    if client < phases[0].bad_clients {
                        "0.3"
                    } else {
                        "1"
                    },
                    values.join(" ")
                ),
            ));
        }
    }
    series
}

/// A promtool test file: every scenario, a query of firing alerts at every minute.
fn test_file(rules: &[String], groups: &[String], by: &str, step: u64) -> String {
    let mut out = format!("evaluation_interval: {step}m\nrule_files:\n");
    for rule in rules {
        let _ = writeln!(out, "  - {rule}");
    }
    out.push_str("group_eval_order:\n");
    for group in groups {
        let _ = writeln!(out, "  - {group}");
    }
    out.push_str("tests:\n");
    for (name, phases) in scenarios() {
        let _ = writeln!(out, "  - name: {name}\n    interval: 1m\n    input_series:");
        for (series, values) in input_series(&phases) {
            let _ = writeln!(
                out,
                "      - series: '{series}'\n        values: '{values}'"
            );
        }
        out.push_str("    promql_expr_test:\n");
        let total: u64 = phases.iter().map(|p| u64::from(p.minutes)).sum();
        for minute in (step..total).step_by(usize::try_from(step).unwrap_or(1)) {
            let expr = format!(
                "label_replace(group by ({by}) (ALERTS{{alertstate=\"firing\"}}), \"scenario\", \"{name}\", \"\", \"\")"
            );
            let _ = writeln!(
                out,
                "      - expr: '{expr}'\n        eval_time: {minute}m\n        exp_samples: []"
            );
        }
    }
    out
}

/// (scenario, minute) → firing (service, slo, page|ticket), read from promtool's failures.
type Firing = BTreeMap<(String, u64), BTreeSet<(String, String, String)>>;

fn run(dir: &Path, file: &str, keys: [&str; 3]) -> Firing {
    let output = Command::new("promtool")
        .args(["test", "rules", file])
        .current_dir(dir)
        .output()
        .expect("run promtool");
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    assert!(!text.contains("error") || text.contains("FAILED"), "{text}");
    let mut firing = Firing::new();
    for (minute, sample) in got_samples(&text) {
        let label = |name: &str| sample_label(&sample, name).unwrap_or_default();
        let key = (label(keys[0]), label(keys[1]), label(keys[2]));
        firing
            .entry((label("scenario"), minute))
            .or_default()
            .insert(key);
    }
    firing
}

fn rule_groups(text: &str) -> Vec<serde_json::Value> {
    let mut groups = Vec::new();
    for doc in text.split("\n---") {
        let value: serde_json::Value = match serde_saphyr::from_str(doc) {
            Ok(value) => value,
            Err(_) => continue,
        };
        let list = value
            .get("groups")
            .or_else(|| value.get("spec").and_then(|s| s.get("groups")));
        groups.extend(list.and_then(|g| g.as_array()).cloned().unwrap_or_default());
    }
    groups
}

/// Writes Sloth's golden groups (version filled in, Kubernetes wrapper removed) and
/// vigil's rules for the imported spec; returns both test files' firing.
fn firing(
    root: &Path,
    case: &Case,
    dir: &Path,
) -> (Firing, Firing, usize, (Vec<String>, BTreeSet<String>)) {
    let golden = std::fs::read_to_string(root.join(case.golden)).expect("golden");
    let golden = golden.replace("{{ .version }}", "dev");
    let step = evaluation_step(&golden);
    let groups = rule_groups(&golden);
    let names: Vec<String> = groups
        .iter()
        .filter_map(|g| g["name"].as_str().map(str::to_owned))
        .collect();
    let sloth_rules = serde_json::json!({ "groups": groups });
    std::fs::write(dir.join("sloth.json"), sloth_rules.to_string()).expect("sloth rules");
    std::fs::write(
        dir.join("sloth-test.yaml"),
        test_file(
            &["sloth.json".into()],
            &names,
            "sloth_service, sloth_slo, sloth_severity",
            step,
        ),
    )
    .expect("sloth test");

    let inputs: Vec<PathBuf> = case.inputs.iter().map(|i| root.join(i)).collect();
    let (imported, sources) = import(
        &inputs,
        &Kind::Sloth {
            period: case.period,
        },
        Format::Kdl,
    );
    assert!(
        !imported.diagnostics.has_errors(),
        "{}",
        render(&imported.diagnostics, &sources)
    );
    let spec = imported.spec.expect("a spec");
    let (model, diagnostics, sources) = compile("imported.kdl", &spec);
    let model = model.unwrap_or_else(|| panic!("{}\n{spec}", render(&diagnostics, &sources)));
    let artifacts = vigil::emit::emit(&model, &vigil::emit::Options::default()).expect("emit");
    let mut rules = Vec::new();
    let mut vigil_groups = Vec::new();
    let mut vigil_rule_groups = Vec::new();
    for artifact in artifacts
        .iter()
        .filter(|a| a.path.starts_with("prometheus/rules/slo-"))
    {
        let name = artifact
            .path
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_owned();
        std::fs::write(dir.join(&name), &artifact.contents).expect("vigil rules");
        let groups = rule_groups(&artifact.contents);
        vigil_groups.extend(
            groups
                .iter()
                .filter_map(|g| g["name"].as_str().map(str::to_owned)),
        );
        vigil_rule_groups.extend(groups);
        rules.push(name);
    }
    std::fs::write(
        dir.join("vigil-test.yaml"),
        test_file(&rules, &vigil_groups, "service, slo, tier", step),
    )
    .expect("vigil test");
    // The two promtool runs are independent: run them side by side.
    let (sloth, vigil) = std::thread::scope(|scope| {
        let sloth = scope.spawn(|| {
            run(
                dir,
                "sloth-test.yaml",
                ["sloth_service", "sloth_slo", "sloth_severity"],
            )
        });
        let vigil = run(dir, "vigil-test.yaml", ["service", "slo", "tier"]);
        (sloth.join().expect("sloth run"), vigil)
    });
    let vigil = normalise(vigil, &sloth);
    let identity = identity(&alerts(&groups, true), &alerts(&vigil_rule_groups, false));
    (sloth, vigil, model.slos.len(), identity)
}

/// A burn-rate alert rule: its name and labels, by (service, SLO, `sloth_severity`).
type Alerts = BTreeMap<(String, String, String), (String, BTreeMap<String, String>)>;

/// The page and ticket alert rules of rule groups. Sloth's SLO is in the expression's
/// `sloth_slo` matcher, vigil's in its `slo` label; both carry `sloth_severity`.
fn alerts(groups: &[serde_json::Value], sloth: bool) -> Alerts {
    let mut found = Alerts::new();
    for rule in groups
        .iter()
        .flat_map(|g| g["rules"].as_array().cloned().unwrap_or_default())
    {
        let (Some(name), Some(labels)) = (rule["alert"].as_str(), rule["labels"].as_object())
        else {
            continue;
        };
        let labels: BTreeMap<String, String> = labels
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
            .collect();
        let Some(kind) = labels.get("sloth_severity").cloned() else {
            continue;
        };
        let expr = rule["expr"].as_str().unwrap_or_default();
        let matcher = |name: &str| {
            expr.split(&format!("{name}=\""))
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .unwrap_or_default()
                .to_owned()
        };
        let (service, slo) = if sloth {
            (matcher("sloth_service"), matcher("sloth_slo"))
        } else {
            let label = |name: &str| labels.get(name).cloned().unwrap_or_default();
            (label("service"), label("slo"))
        };
        found.insert((service, slo, kind), (name.to_owned(), labels));
    }
    found
}

/// What differs between the alert names and labels of Sloth's rules and vigil's: vigil's
/// ticket alert is named `<name>Ticket`, a `severity` that is no tier severity becomes the
/// tier's, and vigil adds labels of its own. Returns the mismatches that are none of these,
/// and the differences, one line per kind of difference.
fn identity(sloth: &Alerts, vigil: &Alerts) -> (Vec<String>, BTreeSet<String>) {
    let mut mismatches = Vec::new();
    let mut differences = BTreeSet::new();
    for ((service, slo, kind), (name, labels)) in sloth {
        let key = (service.clone(), slo.clone(), kind.clone());
        let slo = format!("{service}/{slo}");
        let Some((vigil_name, vigil_labels)) = vigil.get(&key) else {
            mismatches.push(format!("{slo} {kind}: no vigil alert"));
            continue;
        };
        let has_page = sloth.contains_key(&(key.0.clone(), key.1.clone(), "page".to_owned()));
        let camel = name.starts_with(|c: char| c.is_ascii_uppercase())
            && name.chars().all(|c| c.is_ascii_alphanumeric());
        let expected = if kind == "ticket" && has_page {
            format!("{name}Ticket")
        } else {
            name.clone()
        };
        let shared = sloth
            .iter()
            .filter(|((s, o, k), (n, _))| n == name && k == kind && (s, o) != (service, &key.1))
            .count()
            > 0;
        if !camel {
            differences.insert(format!("`{name}` is not CamelCase: vigil names the alerts"));
        } else if shared && *vigil_name != expected {
            differences.insert(format!(
                "`{name}` names alerts of several SLOs: vigil keeps it for the first"
            ));
        } else if *vigil_name != expected {
            mismatches.push(format!(
                "{slo} {kind}: named {vigil_name}, expected {expected}"
            ));
        }
        for (key, value) in labels {
            match vigil_labels.get(key) {
                Some(v) if v == value => {}
                Some(v) if key == "severity" => {
                    differences.insert(format!("severity {value:?} is the tier's {v:?}"));
                }
                Some(v) => mismatches.push(format!("{slo} {kind}: {key}={v:?}, Sloth {value:?}")),
                None => mismatches.push(format!("{slo} {kind}: no label {key}")),
            }
        }
        for key in vigil_labels.keys().filter(|k| !labels.contains_key(*k)) {
            differences.insert(format!("vigil adds `{key}`"));
        }
    }
    (mismatches, differences)
}

/// Minutes between evaluations: 1, or 2 for rules whose SLI is a subquery (Sloth then
/// evaluates a 3-day subquery at every step, which at 1m takes promtool many minutes).
fn evaluation_step(golden: &str) -> u64 {
    if golden.contains(":])") { 2 } else { 1 }
}

/// vigil prefixes an SLO name with its service where two services share it.
fn normalise(vigil: Firing, sloth: &Firing) -> Firing {
    let names: BTreeSet<(String, String)> = sloth
        .values()
        .flatten()
        .map(|(s, n, _)| (s.clone(), n.clone()))
        .collect();
    vigil
        .into_iter()
        .map(|(at, keys)| {
            let keys = keys
                .into_iter()
                .map(|(service, slo, tier)| {
                    let plain = slo.strip_prefix(&format!("{service}-")).map(str::to_owned);
                    let slo = match plain {
                        Some(p) if names.contains(&(service.clone(), p.clone())) => p,
                        _ => slo,
                    };
                    (service, slo, tier)
                })
                .collect();
            (at, keys)
        })
        .collect()
}

/// Minutes each side fires, per scenario and alert.
type Timeline = BTreeMap<(String, (String, String, String)), (BTreeSet<u64>, BTreeSet<u64>)>;

fn timeline(sloth: &Firing, vigil: &Firing) -> Timeline {
    let mut out = Timeline::new();
    for (side, firing) in [(0, sloth), (1, vigil)] {
        for ((scenario, minute), keys) in firing {
            for key in keys {
                let entry = out.entry((scenario.clone(), key.clone())).or_default();
                if side == 0 {
                    entry.0.insert(*minute)
                } else {
                    entry.1.insert(*minute)
                };
            }
        }
    }
    out
}

/// How vigil's firing compares with Sloth's: identical, or the same but starting later
/// (the only difference vigil's 5m-rate windows may cause), else a mismatch.
enum Verdict {
    Identical,
    Later(u64),
    Mismatch(String),
}

fn verdict(sloth: &BTreeSet<u64>, vigil: &BTreeSet<u64>) -> Verdict {
    if sloth == vigil {
        return Verdict::Identical;
    }
    let (Some(&s), Some(&v)) = (sloth.first(), vigil.first()) else {
        return Verdict::Mismatch(format!(
            "Sloth fires {} times, vigil {}",
            sloth.len(),
            vigil.len()
        ));
    };
    let only_sloth_before_vigil = sloth.difference(vigil).all(|m| *m < v);
    if vigil.is_subset(sloth) && only_sloth_before_vigil && v > s {
        Verdict::Later(v - s)
    } else {
        Verdict::Mismatch(format!(
            "Sloth from {s}m ({} evaluations), vigil from {v}m ({})",
            sloth.len(),
            vigil.len()
        ))
    }
}

/// The longest onset delay vigil's windows may add: one 5-minute base rate for the page
/// windows (all shorter than a day); for the ticket windows of a day or more, also one
/// step of the 5-minute period group that records their inputs.
fn max_delay_minutes(tier: &str) -> u64 {
    if tier == "ticket" { 10 } else { 5 }
}

#[test]
#[ignore = "slow tier: needs promtool"]
fn sloth_golden_rules_and_vigil_rules_fire_at_the_same_minutes() {
    let root = corpus();
    assert!(
        Command::new("promtool").arg("--version").output().is_ok(),
        "promtool is not installed: install the `prometheus` package (this test never skips)"
    );
    let only = std::env::var("VIGIL_EQUIVALENCE_CASE").ok();
    let mut report = String::new();
    let mut mismatches = Vec::new();
    for case in cases() {
        if only
            .as_ref()
            .is_some_and(|o| !case.golden.contains(o.as_str()))
        {
            continue;
        }
        let dir = tempfile::tempdir().expect("temp dir");
        let (sloth, vigil, slos, (names, differences)) = firing(&root, &case, dir.path());
        mismatches.extend(names.into_iter().map(|m| format!("{}: {m}", case.golden)));
        if std::env::var_os("VIGIL_KEEP").is_some() {
            eprintln!("kept {}", dir.keep().display());
        }
        let lines = timeline(&sloth, &vigil);
        let same = lines.values().filter(|(s, v)| s == v).count();
        let _ = writeln!(
            report,
            "{} ({slos} SLOs): {} scenario/alert pairs fire, {same} at identical minutes",
            case.golden,
            lines.len()
        );
        if !differences.is_empty() {
            let listed: Vec<&str> = differences.iter().map(String::as_str).collect();
            let _ = writeln!(
                report,
                "    names and labels, as expected: {}",
                listed.join("; ")
            );
        }
        for ((scenario, (service, slo, tier)), (s, v)) in &lines {
            let what = format!("{scenario} {service}/{slo} {tier}");
            match verdict(s, v) {
                Verdict::Identical => {}
                Verdict::Later(delay) if delay <= max_delay_minutes(tier) => {
                    let _ = writeln!(
                        report,
                        "    {what}: vigil fires {delay}m later (from {}m)",
                        s.first().copied().unwrap_or(0)
                    );
                }
                Verdict::Later(delay) => {
                    mismatches.push(format!("{}: {what}: {delay}m later", case.golden));
                }
                Verdict::Mismatch(text) => {
                    mismatches.push(format!("{}: {what}: {text}", case.golden));
                }
            }
        }
    }
    assert!(
        mismatches.is_empty(),
        "alerts fire or are named and labelled differently:\n{}\n\n{report}",
        mismatches.join("\n")
    );
    if only.is_none() {
        insta::assert_snapshot!(report);
    }
}
