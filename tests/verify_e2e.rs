//! End to end: `vigil verify` against a real Prometheus on loopback that scrapes a tiny
//! exporter served by this test and runs the rules the spec generates. One clean run,
//! then one change at a time (the exporter's text, then the loaded rule files), each
//! reported with its code; last, Prometheus stopped: exit 2 with a clear message.

#[path = "support/loopback.rs"]
mod loopback;

use std::ffi::OsString;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use loopback::{Server, binary, encode, free_port, get_json, http};
use serde_json::Value;

/// Longest wait for Prometheus to see a change (a scrape, a reload, an evaluation).
const DEADLINE: Duration = Duration::from_secs(60);

const SPEC: &str = r#"vigil 1

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

/// Prometheus with the lifecycle API, so the test can reload changed rule files.
fn start_prometheus(root: &Path, exporter: u16) -> (Server, u16) {
    let port = free_port();
    let config = root.join("prometheus.yml");
    std::fs::write(
        &config,
        format!(
            "global: {{scrape_interval: 1s, evaluation_interval: 1s}}\n\
             rule_files: ['{}/rules/*.yaml']\n\
             scrape_configs:\n\
             - job_name: shop\n  static_configs: [{{targets: ['127.0.0.1:{exporter}']}}]\n",
            root.display()
        ),
    )
    .expect("write the Prometheus config");
    let child = Command::new(binary("prometheus", "prometheus"))
        .arg(format!("--config.file={}", config.display()))
        .arg(format!(
            "--storage.tsdb.path={}",
            root.join("data").display()
        ))
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .arg("--web.enable-lifecycle")
        .arg("--log.level=warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("prometheus starts");
    (Server(child), port)
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
fn verify(spec: &Path, port: u16, format: &str) -> vigil::app::Outcome {
    let args: Vec<OsString> = [
        "vigil",
        "verify",
        spec.to_str().expect("UTF-8 path"),
        "--prometheus",
        &format!("http://127.0.0.1:{port}/"),
        "--message-format",
        format,
        "--timeout",
        "5s",
    ]
    .iter()
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
fn findings(spec: &Path, port: u16) -> (u8, Vec<(String, String)>) {
    let outcome = verify(spec, port, "json");
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

#[test]
fn verify_reports_each_drift_with_its_code() {
    let started = Instant::now();
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    let spec: PathBuf = root.join("shop.kdl");
    std::fs::write(&spec, SPEC).expect("write spec");
    let rules = generated_rules(&spec);
    load_rules(root, None, &rules);
    let exporter = Exporter::start(CLEAN);
    let (server, port) = start_prometheus(root, exporter.port);
    let ratio = "slo:sli_error:ratio_rate5m{service=\"shop\",slo=\"availability\"}";
    wait_until("the SLO's error ratio", || !query(port, ratio).is_empty());

    // Clean: nothing to report, in every format.
    let outcome = verify(&spec, port, "human");
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    assert!(
        outcome.stderr.contains("runs what the spec declares"),
        "{}",
        outcome.stderr
    );
    assert_eq!(findings(&spec, port), (0, Vec::new()));

    // The exporter renames a metric: the declared one is absent, the new one undeclared.
    exporter.serve(&CLEAN.replace("shop_queue_depth", "shop_queue_length"));
    wait_until("the renamed metric", || {
        !query(port, "shop_queue_length").is_empty() && query(port, "shop_queue_depth").is_empty()
    });
    let (code, found) = findings(&spec, port);
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
    exporter.serve(&format!("{CLEAN}{timeout}"));
    wait_until("the new label value", || {
        !query(port, "shop_requests_total{code=\"timeout\"}").is_empty()
            && !query(port, "shop_queue_depth").is_empty()
    });
    let (code, found) = findings(&spec, port);
    assert_eq!(code, 0, "warnings alone pass: {found:#?}");
    assert_found(&found, "vigil::verify::label_value", "`timeout`");
    assert_found(&found, "vigil::verify::series_budget", "3 live series");
    assert_eq!(found.len(), 2, "{found:#?}");

    // A metric nobody declared.
    exporter.serve(&format!(
        "{CLEAN}# TYPE shop_cache_hits_total counter\nshop_cache_hits_total 7\n"
    ));
    wait_until("the undeclared metric", || {
        !query(port, "shop_cache_hits_total").is_empty()
            && query(port, "shop_requests_total{code=\"timeout\"}").is_empty()
    });
    let (code, found) = findings(&spec, port);
    assert_eq!(code, 0, "{found:#?}");
    assert_found(&found, "vigil::verify::undeclared_metrics", "1 metric(s)");
    assert_found(
        &found,
        "vigil::verify::undeclared_metrics",
        "shop_cache_hits_total",
    );
    exporter.serve(CLEAN);

    // A rule deleted from the loaded files.
    let mut edited = rules.clone();
    let removed = delete_rule(&mut edited, "AvailabilitySliAbsent");
    load_rules(root, Some(port), &edited);
    wait_until("the reload", || {
        loaded_rules(port).len() == total_rules(&rules) - removed
    });
    let (code, found) = findings(&spec, port);
    assert_eq!(code, 1, "{found:#?}");
    assert_found(
        &found,
        "vigil::verify::rule_missing",
        "AvailabilitySliAbsent",
    );

    // A threshold changed in place.
    let mut edited = rules.clone();
    edit_rule(&mut edited, "ShopQueueDeep", "> 100", "> 200");
    load_rules(root, Some(port), &edited);
    wait_until("the reload", || {
        loaded_rules(port)
            .iter()
            .any(|(name, query)| name == "ShopQueueDeep" && query.contains("200"))
    });
    let (code, found) = findings(&spec, port);
    assert_eq!(code, 1, "{found:#?}");
    assert_found(&found, "vigil::verify::rule_changed", "ShopQueueDeep");
    assert_found(&found, "vigil::verify::rule_changed", "200");

    // Prometheus down: exit 2, naming the address and the cause.
    drop(server);
    let outcome = verify(&spec, port, "human");
    assert_eq!(outcome.code, 2, "{outcome:?}");
    assert_eq!(
        outcome.stderr,
        format!("error: cannot reach Prometheus at http://127.0.0.1:{port}/: connection refused\n")
    );
    eprintln!("verify end to end: {:?}", started.elapsed());
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
