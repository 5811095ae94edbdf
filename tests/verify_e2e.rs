//! End to end: `vigil verify` against a real Prometheus on loopback that scrapes a tiny
//! exporter served by this test and runs the rules the spec generates. One clean run,
//! then one change at a time (the exporter's text, then the loaded rule files), each
//! reported with its code; last, Prometheus stopped: exit 2 with a clear message.

use crate::support::loopback;

use std::ffi::OsString;
use std::net::TcpListener;
use std::path::{Path, PathBuf};

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use loopback::{Server, encode, get_json, http};
use serde_json::Value;

/// Longest wait for Prometheus to see a change (a scrape, a reload, an evaluation).
const DEADLINE: Duration = Duration::from_secs(60);

const SPEC: &str = r#"vigil 1

// Debian's Alertmanager, which the test runs.
targets { alertmanager "0.25"; }

tier page level=1 severity=critical page=#true
tier ticket level=2 severity=warning

service shop {
    selector job="shop"
}

metric shop_requests_total type=counter service=shop {
    help "Requests the shop handled"
    label code "ok" "error"
}
metric shop_queue_depth type=gauge service=shop {
    help "Orders waiting to be packed"
}
metric shop_checkout_duration_seconds type=histogram unit=seconds service=shop {
    help "Time to check out an order"
    buckets 0.1 0.5 1
}

slo availability service=shop {
    objective 99
    window "30d"
    sli {
        ratio errors="shop_requests_total{code=\"error\"}" total="shop_requests_total"
    }
}

alert ShopQueueDeep tier=ticket service=shop {
    expr "shop_queue_depth > 100"
    for "5m"
    summary "Orders are piling up."
}

receiver team { webhook url="http://127.0.0.1:1/team"; }

routing {
    route tier=page receiver=team
    route tier=ticket receiver=team
    default receiver=team
}
"#;

/// What the exporter serves; `{n}` grows with every scrape so that rates are not zero.
const CLEAN: &str = "\
# TYPE shop_requests_total counter
shop_requests_total{code=\"ok\"} {n}
shop_requests_total{code=\"error\"} 1
# TYPE shop_queue_depth gauge
shop_queue_depth 3
# TYPE shop_checkout_duration_seconds histogram
shop_checkout_duration_seconds_bucket{le=\"0.1\"} 1
shop_checkout_duration_seconds_bucket{le=\"0.5\"} 2
shop_checkout_duration_seconds_bucket{le=\"1\"} 3
shop_checkout_duration_seconds_bucket{le=\"+Inf\"} {n}
shop_checkout_duration_seconds_count {n}
shop_checkout_duration_seconds_sum 4
";

/// The exporter: serves the current text on loopback from a background thread.
struct Exporter {
    port: u16,
    text: Arc<Mutex<String>>,
}

impl Exporter {
    fn start(text: &str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind exporter");
        let port = listener.local_addr().expect("address").port();
        let text = Arc::new(Mutex::new(text.to_owned()));
        let served = Arc::clone(&text);
        let scrapes = AtomicU64::new(100);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let n = scrapes.fetch_add(10, Ordering::Relaxed);
                let body = served.lock().expect("text").replace("{n}", &n.to_string());
                let _ = loopback::answer(stream, &body);
            }
        });
        Self { port, text }
    }

    fn serve(&self, text: &str) {
        text.clone_into(&mut self.text.lock().expect("text"));
    }
}

/// Prometheus scraping the exporter and loading the rules under `root/rules`; its
/// lifecycle API lets the test reload changed rule files.
fn start_prometheus(root: &Path, exporter: u16) -> (Server, u16) {
    let rules = root.display().to_string();
    loopback::start_prometheus(root, |_| {
        format!(
            "global: {{scrape_interval: 1s, evaluation_interval: 1s}}\n\
             rule_files: ['{rules}/rules/*.yaml']\n\
             scrape_configs:\n\
             - job_name: shop\n  static_configs: [{{targets: ['127.0.0.1:{exporter}']}}]\n"
        )
    })
}

/// Alertmanager running `config` (reloaded by [`load_alertmanager`]).
fn start_alertmanager(root: &Path, config: &str) -> (Server, u16) {
    let file = root.join("alertmanager.yml");
    std::fs::write(&file, config).expect("write the Alertmanager config");
    loopback::start_alertmanager(&file, &root.join("alertmanager"))
}

/// Rewrites Alertmanager's configuration and reloads it.
fn load_alertmanager(root: &Path, port: u16, config: &str) {
    std::fs::write(root.join("alertmanager.yml"), config).expect("write the config");
    let (status, body) = http(port, "POST", "/-/reload", "").expect("reload");
    assert_eq!(status, 200, "reload refused: {body}");
}

/// The generated `alertmanager.yml`.
fn generated_alertmanager(spec: &Path) -> String {
    let mut sources = vigil::source::Sources::default();
    let (model, _) = vigil::app::compile(&[spec.to_path_buf()], &mut sources);
    let model = model.expect("the spec compiles");
    vigil::emit::Backend::Alertmanager
        .emit(&model, &vigil::emit::Options::default())
        .expect("emit")
        .into_iter()
        .find(|a| a.path == "alertmanager/alertmanager.yml")
        .expect("an Alertmanager config")
        .contents
}

/// The generated rule files, as loaded: parsed, so a case can edit them.
fn generated_rules(spec: &Path) -> Vec<(String, Value)> {
    let mut sources = vigil::source::Sources::default();
    let (model, diagnostics) = vigil::app::compile(&[spec.to_path_buf()], &mut sources);
    let model = model.unwrap_or_else(|| panic!("the spec does not compile: {diagnostics:?}"));
    vigil::emit::prometheus::emit(&model)
        .into_iter()
        .filter(|a| a.path.starts_with("prometheus/rules/"))
        .map(|a| {
            let name = a.path.rsplit('/').next().expect("a file name").to_owned();
            (name, serde_saphyr::from_str(&a.contents).expect("YAML"))
        })
        .collect()
}

/// Writes the rule files (JSON is YAML) and has Prometheus reload them.
fn load_rules(root: &Path, port: Option<u16>, files: &[(String, Value)]) {
    let folder = root.join("rules");
    std::fs::create_dir_all(&folder).expect("rules folder");
    for (name, document) in files {
        std::fs::write(folder.join(name), document.to_string()).expect("write rules");
    }
    if let Some(port) = port {
        let (status, body) = http(port, "POST", "/-/reload", "").expect("reload");
        assert_eq!(status, 200, "reload refused: {body}");
    }
}

/// Polls `condition` until it holds, failing the test after [`DEADLINE`].
fn wait_until(what: &str, mut condition: impl FnMut() -> bool) {
    let start = Instant::now();
    while !condition() {
        assert!(start.elapsed() < DEADLINE, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// The instant vector of `query` (empty while Prometheus is not up).
fn query(port: u16, query: &str) -> Vec<Value> {
    get_json(port, &format!("/api/v1/query?query={}", encode(query)))
        .and_then(|v| v["data"]["result"].as_array().cloned())
        .unwrap_or_default()
}

/// The rules Prometheus has loaded, by name.
fn loaded_rules(port: u16) -> Vec<(String, String)> {
    let rules = get_json(port, "/api/v1/rules").unwrap_or_default();
    rules["data"]["groups"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|g| g["rules"].as_array().cloned().unwrap_or_default())
        .map(|r| {
            let name = r["name"].as_str().unwrap_or_default().to_owned();
            let query = r["query"].as_str().unwrap_or_default().to_owned();
            (name, query)
        })
        .collect()
}

/// `vigil verify` through the library, as the binary runs it.
fn verify(spec: &Path, port: u16, format: &str, extra: &[&str]) -> vigil::app::Outcome {
    let prometheus = format!("http://127.0.0.1:{port}/");
    let args: Vec<OsString> = [
        "vigil",
        "verify",
        spec.to_str().expect("UTF-8 path"),
        "--prometheus",
        &prometheus,
        "--message-format",
        format,
        "--timeout",
        "5s",
    ]
    .iter()
    .chain(extra)
    .map(OsString::from)
    .collect();
    vigil::app::run(
        args,
        vigil::app::Environment {
            stderr_is_terminal: false,
            no_color: true,
            terminal_width: 100,
        },
    )
}

/// The codes and messages of a JSON report.
fn findings(spec: &Path, port: u16, extra: &[&str]) -> (u8, Vec<(String, String)>) {
    let outcome = verify(spec, port, "json", extra);
    let report: Value = serde_json::from_str(&outcome.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}{}", outcome.stdout, outcome.stderr));
    let found = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            let code = d["code"].as_str().unwrap_or_default().to_owned();
            (code, d["message"].as_str().unwrap_or_default().to_owned())
        })
        .collect();
    (outcome.code, found)
}

/// Asserts that the report holds `code` with a message containing `words`.
fn assert_found(found: &[(String, String)], code: &str, words: &str) {
    assert!(
        found.iter().any(|(c, m)| c == code && m.contains(words)),
        "expected {code} mentioning `{words}`, got {found:#?}"
    );
}

/// Prometheus scraping the exporter and running the generated rules, in a temp folder.
struct Lab {
    dir: tempfile::TempDir,
    spec: PathBuf,
    rules: Vec<(String, Value)>,
    exporter: Exporter,
    prometheus: Server,
    port: u16,
}

impl Lab {
    fn start() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let spec = dir.path().join("shop.kdl");
        std::fs::write(&spec, SPEC).expect("write spec");
        let rules = generated_rules(&spec);
        load_rules(dir.path(), None, &rules);
        let exporter = Exporter::start(CLEAN);
        let (prometheus, port) = start_prometheus(dir.path(), exporter.port);
        let ratio = "slo:sli_error:ratio_rate5m{service=\"shop\",slo=\"availability\"}";
        wait_until("the SLO's error ratio", || !query(port, ratio).is_empty());
        Self {
            dir,
            spec,
            rules,
            exporter,
            prometheus,
            port,
        }
    }

    fn findings(&self, extra: &[&str]) -> (u8, Vec<(String, String)>) {
        findings(&self.spec, self.port, extra)
    }

    fn query(&self, expr: &str) -> Vec<Value> {
        query(self.port, expr)
    }
}

#[test]
#[ignore = "slow tier: starts Prometheus and Alertmanager"]
fn verify_reports_each_drift_with_its_code() {
    let started = Instant::now();
    let lab = Lab::start();
    nothing_to_report(&lab);
    alertmanager_edited(&lab);
    exporter_drifts(&lab);
    rules_edited(&lab);
    prometheus_down(lab);
    eprintln!("verify end to end: {:?}", started.elapsed());
}

/// What runs is what the spec declares: exit 0, in human and JSON form.
fn nothing_to_report(lab: &Lab) {
    let outcome = verify(&lab.spec, lab.port, "human", &[]);
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    assert!(
        outcome.stderr.contains("runs what the spec declares"),
        "{}",
        outcome.stderr
    );
    assert_eq!(lab.findings(&[]), (0, Vec::new()));
}

/// Alertmanager runs the generated routing, then a hand-edited copy.
fn alertmanager_edited(lab: &Lab) {
    let root = lab.dir.path();
    let config = generated_alertmanager(&lab.spec);
    let (_alertmanager, port) = start_alertmanager(root, &config);
    wait_until("Alertmanager", || {
        get_json(port, "/api/v2/status").is_some_and(|s| s["config"]["original"].is_string())
    });
    let url = format!("http://127.0.0.1:{port}");
    let with_alertmanager = ["--alertmanager", url.as_str()];
    assert_eq!(lab.findings(&with_alertmanager), (0, Vec::new()));
    let edited = config.replace("send_resolved: true", "send_resolved: false");
    assert_ne!(
        edited, config,
        "the generated config sends resolved notifications"
    );
    load_alertmanager(root, port, &edited);
    wait_until("the Alertmanager reload", || {
        get_json(port, "/api/v2/status").is_some_and(|s| {
            s["config"]["original"]
                .as_str()
                .is_some_and(|c| c.contains("send_resolved: false"))
        })
    });
    let (code, found) = lab.findings(&with_alertmanager);
    assert_eq!(code, 1, "{found:#?}");
    assert_found(&found, "vigil::verify::alertmanager", "send_resolved");
}

/// The exporter renames a metric, adds a label value, adds a metric, changes a type.
fn exporter_drifts(lab: &Lab) {
    // The declared name is absent, the new one undeclared.
    lab.exporter
        .serve(&CLEAN.replace("shop_queue_depth", "shop_queue_length"));
    wait_until("the renamed metric", || {
        !lab.query("shop_queue_length").is_empty() && lab.query("shop_queue_depth").is_empty()
    });
    let (code, found) = lab.findings(&[]);
    assert_eq!(code, 1, "{found:#?}");
    assert_found(&found, "vigil::verify::metric_absent", "shop_queue_depth");
    assert_found(
        &found,
        "vigil::verify::undeclared_metrics",
        "shop_queue_length",
    );

    // A label value the catalog does not list: cardinality drift, and one series more than
    // the labels' declared values allow. Both warnings.
    let timeout = "shop_requests_total{code=\"timeout\"} 2\n";
    lab.exporter.serve(&format!("{CLEAN}{timeout}"));
    wait_until("the new label value", || {
        !lab.query("shop_requests_total{code=\"timeout\"}")
            .is_empty()
            && !lab.query("shop_queue_depth").is_empty()
    });
    let (code, found) = lab.findings(&[]);
    assert_eq!(code, 0, "warnings alone pass: {found:#?}");
    assert_found(&found, "vigil::verify::label_value", "`timeout`");
    assert_found(&found, "vigil::verify::series_budget", "3 live series");
    assert_eq!(found.len(), 2, "{found:#?}");
    assert_eq!(lab.findings(&["--deny-warnings"]).0, 1, "--deny-warnings");

    // A metric nobody declared.
    let hits = "# TYPE shop_cache_hits_total counter\nshop_cache_hits_total 7\n";
    lab.exporter.serve(&format!("{CLEAN}{hits}"));
    wait_until("the undeclared metric", || {
        !lab.query("shop_cache_hits_total").is_empty()
            && lab
                .query("shop_requests_total{code=\"timeout\"}")
                .is_empty()
    });
    let (code, found) = lab.findings(&[]);
    assert_eq!(code, 0, "{found:#?}");
    assert_found(&found, "vigil::verify::undeclared_metrics", "1 metric(s)");
    assert_found(
        &found,
        "vigil::verify::undeclared_metrics",
        "shop_cache_hits_total",
    );

    // The exporter calls the gauge a counter.
    let typed = CLEAN.replace(
        "TYPE shop_queue_depth gauge",
        "TYPE shop_queue_depth counter",
    );
    lab.exporter.serve(&typed);
    wait_until("the new type", || {
        let metadata = get_json(lab.port, "/api/v1/metadata?metric=shop_queue_depth");
        metadata.is_some_and(|m| m["data"]["shop_queue_depth"][0]["type"] == "counter")
    });
    let (code, found) = lab.findings(&[]);
    assert_eq!(code, 1, "{found:#?}");
    assert_found(
        &found,
        "vigil::verify::metric_type",
        "expose it as `counter`",
    );
    lab.exporter.serve(CLEAN);
    wait_until("the clean exposition", || {
        let metadata = get_json(lab.port, "/api/v1/metadata?metric=shop_queue_depth");
        metadata.is_some_and(|m| m["data"]["shop_queue_depth"][0]["type"] == "gauge")
    });
}

/// A removed SLO's file left deployed, a rule deleted from the loaded files, then a
/// threshold changed in place.
fn rules_edited(lab: &Lab) {
    let (root, port) = (lab.dir.path(), lab.port);
    let retired = serde_json::json!({"groups": [{"name": "slo-retired-sli", "rules": [
        {"record": "slo:sli_error:ratio_rate5m", "expr": "vector(0)", "labels": {"slo": "retired"}}
    ]}]});
    let mut with_retired = lab.rules.clone();
    with_retired.push((String::from("slo-retired.yaml"), retired));
    load_rules(root, Some(port), &with_retired);
    wait_until("the reload", || {
        loaded_rules(port).len() == total_rules(&lab.rules) + 1
    });
    let (code, found) = lab.findings(&[]);
    assert_eq!(code, 1, "{found:#?}");
    assert_found(&found, "vigil::verify::rule_extra", "slo-retired-sli");
    assert_eq!(found.len(), 1, "{found:#?}");
    std::fs::remove_file(root.join("rules/slo-retired.yaml")).expect("remove");

    let mut edited = lab.rules.clone();
    let removed = delete_rule(&mut edited, "ShopAvailabilitySliAbsent");
    load_rules(root, Some(port), &edited);
    wait_until("the reload", || {
        loaded_rules(port).len() == total_rules(&lab.rules) - removed
    });
    let (code, found) = lab.findings(&[]);
    assert_eq!(code, 1, "{found:#?}");
    assert_found(
        &found,
        "vigil::verify::rule_missing",
        "ShopAvailabilitySliAbsent",
    );

    let mut edited = lab.rules.clone();
    edit_rule(&mut edited, "ShopQueueDeep", "> 100", "> 200");
    load_rules(root, Some(port), &edited);
    wait_until("the reload", || {
        loaded_rules(port)
            .iter()
            .any(|(name, query)| name == "ShopQueueDeep" && query.contains("200"))
    });
    let (code, found) = lab.findings(&[]);
    assert_eq!(code, 1, "{found:#?}");
    assert_found(&found, "vigil::verify::rule_changed", "ShopQueueDeep");
    assert_found(&found, "vigil::verify::rule_changed", "200");
}

/// Prometheus stopped: exit 2, naming the address and the cause.
fn prometheus_down(lab: Lab) {
    let Lab {
        spec,
        port,
        prometheus,
        ..
    } = lab;
    drop(prometheus);
    let outcome = verify(&spec, port, "human", &[]);
    assert_eq!(outcome.code, 2, "{outcome:?}");
    assert_eq!(
        outcome.stderr,
        format!("error: cannot reach Prometheus at http://127.0.0.1:{port}/: connection refused\n")
    );
}

fn total_rules(files: &[(String, Value)]) -> usize {
    files
        .iter()
        .flat_map(|(_, d)| d["groups"].as_array().cloned().unwrap_or_default())
        .map(|g| g["rules"].as_array().map_or(0, Vec::len))
        .sum()
}

/// Removes every rule named `name`; returns how many.
fn delete_rule(files: &mut [(String, Value)], name: &str) -> usize {
    let mut removed = 0;
    for (_, document) in files {
        for group in document["groups"].as_array_mut().into_iter().flatten() {
            let rules = group["rules"].as_array_mut().expect("rules");
            let before = rules.len();
            rules.retain(|r| r["alert"] != name && r["record"] != name);
            removed += before - rules.len();
        }
    }
    assert!(removed > 0, "no rule named {name}");
    removed
}

/// Replaces `from` by `to` in the expression of the rule named `name`.
fn edit_rule(files: &mut [(String, Value)], name: &str, from: &str, to: &str) {
    let rule = files
        .iter_mut()
        .flat_map(|(_, d)| d["groups"].as_array_mut().into_iter().flatten())
        .flat_map(|g| g["rules"].as_array_mut().into_iter().flatten())
        .find(|r| r["alert"] == name)
        .unwrap_or_else(|| panic!("no alert named {name}"));
    let expr = rule["expr"].as_str().expect("expr").replace(from, to);
    assert!(expr.contains(to), "`{from}` is not in {name}'s expression");
    rule["expr"] = Value::String(expr);
}
