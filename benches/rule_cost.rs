//! `cargo bench --bench rule_cost`: what vigil's SLO rules cost a real Prometheus, next to
//! Sloth's own generated rules for the same SLOs.
//!
//! Sloth's reference is its getting-started example as Sloth generated it
//! (`benches/data/sloth-getting-started.yml`), copied once per service; vigil compiles the
//! same SLO (same SLI queries, 99.9 % over 30 days, page and ticket burn-rate alerts). A
//! synthetic exporter serves the SLI's counters (`--services` × 6 codes × 10 handlers × 3
//! pods series), a day of history is backfilled with `promtool tsdb create-blocks-from
//! openmetrics` so that long windows have data to read, and two Prometheus servers, one
//! per rule set, scrape it side by side for `--minutes`. Then each is asked for rules and
//! recorded series per SLO, rule-group evaluation time (`prometheus_rule_group_last_duration_seconds`)
//! and the samples each rule reads (its expression run once more through the query API
//! with statistics on).
//!
//! Needs `prometheus` and `promtool` on PATH (Debian package `prometheus`). Prints figures;
//! asserts nothing about time.

#[path = "../tests/support/loopback.rs"]
mod loopback;

use std::fmt::Write as _;
use std::io::{BufWriter, Write as _};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use loopback::{Server, answer, encode, get_json};

const SLOTH_RULES: &str = include_str!("data/sloth-getting-started.yml");
const CODES: &[(&str, f64)] = &[
    ("200", 10.0),
    ("201", 2.0),
    ("404", 0.5),
    ("429", 0.01),
    ("500", 0.01),
    ("503", 0.005),
];
const HANDLERS: usize = 10;
const PODS: usize = 3;
/// Scrape interval of the live exporter and step of the backfilled history, in seconds.
const STEP: u64 = 60;

struct Settings {
    services: usize,
    history_hours: u64,
    minutes: u64,
}

fn settings() -> Settings {
    let mut settings = Settings {
        services: 10,
        history_hours: 24,
        minutes: 12,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().and_then(|v| v.parse::<u64>().ok());
        match arg.as_str() {
            "--services" => {
                settings.services = value().map_or(10, |v| usize::try_from(v).unwrap_or(10));
            }
            "--history-hours" => settings.history_hours = value().unwrap_or(24),
            "--minutes" => settings.minutes = value().unwrap_or(12),
            _ => {}
        }
    }
    settings
}

/// The SLO as vigil spells it, once per service.
fn vigil_spec(services: usize) -> String {
    let mut text = String::from(
        "vigil 1\ntier page level=1 severity=critical page=#true\ntier ticket level=2 severity=warning\n\
         metric http_request_duration_seconds type=histogram unit=\"seconds\" {\n    \
         help \"Request latency, by status code\"\n    buckets 0.1 0.25 0.5 1\n    \
         label code \"200\" \"429\" \"500\" \"503\"\n}\n",
    );
    for s in 0..services {
        let _ = write!(
            text,
            r#"service svc{s} {{ selector job="svc{s}"; }}
slo requests-availability-{s} service=svc{s} {{
    objective 99.9
    window "30d"
    sli {{
        query errors="sum(rate(http_request_duration_seconds_count{{job=\"svc{s}\",code=~\"(5..|429)\"}}[{{{{ window }}}}]))" total="sum(rate(http_request_duration_seconds_count{{job=\"svc{s}\"}}[{{{{ window }}}}]))"
    }}
    alerting {{
        page tier=page
        ticket tier=ticket
    }}
}}
"#
        );
    }
    text
}

/// vigil's Prometheus rule files for the spec, written into `folder`.
fn write_vigil_rules(root: &Path, folder: &Path, services: usize) -> usize {
    let spec = root.join("spec.kdl");
    std::fs::write(&spec, vigil_spec(services)).expect("write spec");
    let mut sources = vigil::source::Sources::default();
    let (model, diagnostics) = vigil::app::compile(&[spec], &mut sources);
    let model =
        model.unwrap_or_else(|| panic!("the benchmark spec does not compile: {diagnostics:?}"));
    let mut files = 0;
    for artifact in vigil::emit::prometheus::emit(&model) {
        if artifact.path.starts_with("prometheus/rules/") {
            std::fs::write(
                folder.join(format!("rules-{files}.yaml")),
                &artifact.contents,
            )
            .expect("write rules");
            files += 1;
        }
    }
    files
}

fn write_sloth_rules(folder: &Path, services: usize) {
    for s in 0..services {
        let rules = SLOTH_RULES.replace("myservice", &format!("svc{s}"));
        std::fs::write(folder.join(format!("rules-{s}.yaml")), rules).expect("write rules");
    }
}

/// Every series the exporter serves, with its rate in events per second.
fn series(services: usize) -> Vec<(String, f64)> {
    let mut all = Vec::new();
    for s in 0..services {
        for (code, rate) in CODES {
            for handler in 0..HANDLERS {
                for pod in 0..PODS {
                    all.push((
                        format!(
                            "http_request_duration_seconds_count{{job=\"svc{s}\",code=\"{code}\",handler=\"h{handler}\",pod=\"p{pod}\"}}"
                        ),
                        *rate,
                    ));
                }
            }
        }
    }
    all
}

fn now_seconds() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs()
}

/// A counter growing at its rate since `origin`, so history and live scrapes agree.
fn value(rate: f64, origin: u64, at: u64) -> f64 {
    (rate * f64::from(u32::try_from(at.saturating_sub(origin)).unwrap_or(u32::MAX))).floor()
}

/// Writes the samples from `origin` to `end` in the `OpenMetrics` text format and turns
/// them into TSDB blocks.
fn backfill(root: &Path, series: &[(String, f64)], origin: u64, end: u64) -> PathBuf {
    let input = root.join("history.om");
    let mut file = BufWriter::new(std::fs::File::create(&input).expect("history file"));
    let mut at = origin;
    while at < end {
        for (name, rate) in series {
            writeln!(file, "{name} {} {at}", value(*rate, origin, at)).expect("write history");
        }
        at += STEP;
    }
    writeln!(file, "# EOF").expect("write history");
    file.flush().expect("flush history");
    drop(file);
    let blocks = root.join("blocks");
    let status = Command::new("promtool")
        .args(["tsdb", "create-blocks-from", "openmetrics"])
        .arg(&input)
        .arg(&blocks)
        .stdout(Stdio::null())
        .status()
        .expect("promtool is not installed: install the `prometheus` package");
    assert!(status.success(), "promtool could not backfill the history");
    let _ = std::fs::remove_file(&input);
    blocks
}

fn serve_exporter(series: Vec<(String, f64)>, origin: u64) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind exporter");
    let port = listener.local_addr().expect("address").port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let at = now_seconds();
            let mut body = String::new();
            for (name, rate) in &series {
                let _ = writeln!(body, "{name} {}", value(*rate, origin, at));
            }
            let _ = answer(stream, &body);
        }
    });
    port
}

fn copy_folder(from: &Path, to: &Path) {
    let status = Command::new("cp")
        .arg("-r")
        .arg(from)
        .arg(to)
        .status()
        .expect("cp");
    assert!(status.success(), "could not copy {}", from.display());
}

/// One Prometheus with one rule set, its own copy of the history, scraping the exporter
/// (honouring the exporter's `job` label) and itself.
fn start_prometheus(folder: &Path, blocks: &Path, exporter: u16) -> (Server, u16) {
    copy_folder(blocks, &folder.join("data"));
    loopback::start_prometheus(folder, |port| {
        format!(
            "global: {{scrape_interval: {STEP}s, evaluation_interval: 30s}}\n\
             rule_files: ['{folder}/rules-*.yaml']\n\
             scrape_configs:\n\
             - job_name: exporter\n  honor_labels: true\n  static_configs: [{{targets: ['127.0.0.1:{exporter}']}}]\n\
             - job_name: self\n  scrape_interval: 15s\n  static_configs: [{{targets: ['127.0.0.1:{port}']}}]\n",
            folder = folder.display()
        )
    })
}

/// The value of a query returning one number (0 when it returns nothing).
fn scalar(port: u16, query: &str) -> f64 {
    let answer = get_json(port, &format!("/api/v1/query?query={}", encode(query)));
    answer
        .and_then(|a| a["data"]["result"].as_array().cloned())
        .and_then(|r| r.first().cloned())
        .and_then(|s| s["value"][1].as_str().and_then(|v| v.parse().ok()))
        .unwrap_or(0.0)
}

/// Recording and alerting rules, and the recorded metric names, as Prometheus loaded them.
fn loaded_rules(port: u16) -> (usize, usize, Vec<String>) {
    let rules = get_json(port, "/api/v1/rules").expect("rules API");
    let mut recording = 0;
    let mut alerting = 0;
    let mut names = Vec::new();
    for group in rules["data"]["groups"].as_array().into_iter().flatten() {
        for rule in group["rules"].as_array().into_iter().flatten() {
            if rule["type"] == "recording" {
                recording += 1;
                names.extend(rule["name"].as_str().map(str::to_owned));
            } else {
                alerting += 1;
            }
        }
    }
    names.sort();
    names.dedup();
    (recording, alerting, names)
}

/// Samples each rule's expression reads when evaluated now (the query API's statistics),
/// summed over one evaluation of every rule, and per second given each group's interval.
fn samples_read(port: u16) -> (f64, f64) {
    let rules = get_json(port, "/api/v1/rules").expect("rules API");
    let (mut per_cycle, mut per_second) = (0.0, 0.0);
    for group in rules["data"]["groups"].as_array().into_iter().flatten() {
        let interval = group["interval"].as_f64().unwrap_or(30.0);
        for rule in group["rules"].as_array().into_iter().flatten() {
            let query = rule["query"].as_str().unwrap_or_default();
            let answer = get_json(
                port,
                &format!("/api/v1/query?stats=all&query={}", encode(query)),
            );
            let samples = answer
                .and_then(|a| a["data"]["stats"]["samples"]["totalQueryableSamples"].as_f64())
                .unwrap_or(0.0);
            per_cycle += samples;
            per_second += samples / interval;
        }
    }
    (per_cycle, per_second)
}

struct Figures {
    recording: usize,
    alerting: usize,
    series: f64,
    cycle_seconds: f64,
    busy_fraction: f64,
    samples_per_cycle: f64,
    samples_per_second: f64,
}

fn measure(port: u16, window: &str) -> Figures {
    let (recording, alerting, names) = loaded_rules(port);
    let series = scalar(
        port,
        &format!("count({{__name__=~\"{}\"}})", names.join("|")),
    );
    let (samples_per_cycle, samples_per_second) = samples_read(port);
    Figures {
        recording,
        alerting,
        series,
        cycle_seconds: scalar(
            port,
            &format!(
                "avg_over_time((sum(prometheus_rule_group_last_duration_seconds))[{window}:15s])"
            ),
        ),
        busy_fraction: scalar(
            port,
            &format!(
                "avg_over_time((sum(prometheus_rule_group_last_duration_seconds / prometheus_rule_group_interval_seconds))[{window}:15s])"
            ),
        ),
        samples_per_cycle,
        samples_per_second,
    }
}

fn per_slo(count: f64, services: usize) -> f64 {
    count / f64::from(u32::try_from(services).unwrap_or(u32::MAX))
}

fn main() {
    let settings = settings();
    let scratch = tempfile::tempdir().expect("temp dir");
    let root = scratch.path();
    let (sloth, vigil) = (root.join("sloth"), root.join("vigil"));
    std::fs::create_dir_all(&sloth).expect("folder");
    std::fs::create_dir_all(&vigil).expect("folder");
    write_sloth_rules(&sloth, settings.services);
    let files = write_vigil_rules(root, &vigil, settings.services);
    let all = series(settings.services);
    let end = now_seconds();
    let origin = end - settings.history_hours * 3600;
    println!(
        "rule cost: {} SLOs, {} raw series, {} h of history, {} vigil rule files",
        settings.services,
        all.len(),
        settings.history_hours,
        files
    );
    let blocks = backfill(root, &all, origin, end);
    let exporter = serve_exporter(all, origin);
    let (_sloth_server, sloth_port) = start_prometheus(&sloth, &blocks, exporter);
    let (_vigil_server, vigil_port) = start_prometheus(&vigil, &blocks, exporter);
    println!("running both for {} minutes…", settings.minutes);
    std::thread::sleep(Duration::from_secs(settings.minutes * 60));
    let window = format!("{}m", settings.minutes.saturating_sub(2).max(1));
    let n = settings.services;
    println!(
        "| rules | recording rules / SLO | alerting rules / SLO | recorded series / SLO | evaluation time, one pass of every group (s) | share of one core spent on rules | samples read, one pass | samples read / s |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for (label, port) in [("Sloth", sloth_port), ("vigil", vigil_port)] {
        let f = measure(port, &window);
        println!(
            "| {label} | {:.1} | {:.1} | {:.1} | {:.4} | {:.3} % | {:.0} | {:.0} |",
            per_slo(f64::from(u32::try_from(f.recording).unwrap_or(0)), n),
            per_slo(f64::from(u32::try_from(f.alerting).unwrap_or(0)), n),
            per_slo(f.series, n),
            f.cycle_seconds,
            f.busy_fraction * 100.0,
            f.samples_per_cycle,
            f.samples_per_second
        );
    }
}
