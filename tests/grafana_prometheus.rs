//! Every query of the flagship's dashboards, sent to a real Prometheus on loopback:
//! `/api/v1/query` must answer `success` (an unknown function, a bad matcher or a type
//! error comes back as `bad_data`). Prometheus missing is a failure, not a skip.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;
use vigil::source::Sources;

fn prometheus_binary() -> PathBuf {
    std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|dir| dir.join("prometheus"))
        .find(|path| path.is_file())
        .expect("`prometheus` on PATH (Debian package `prometheus`)")
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

/// Percent-encodes a form value.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A minimal HTTP/1.1 client: status and body.
fn http(port: u16, method: &str, path: &str, body: &str) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let status = response.split_whitespace().nth(1)?.parse().ok()?;
    let body = response.split_once("\r\n\r\n").map(|(_, b)| b.to_owned())?;
    Some((status, body))
}

/// The Prometheus process; killed when dropped, whatever the test's outcome.
struct Prometheus {
    child: Child,
    port: u16,
}

impl Prometheus {
    fn start(dir: &Path) -> Self {
        let config = dir.join("prometheus.yml");
        std::fs::write(&config, "global:\n  scrape_interval: 1m\n").expect("config");
        let port = free_port();
        let child = Command::new(prometheus_binary())
            .arg(format!("--config.file={}", config.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.join("data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .arg("--log.level=warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("prometheus starts");
        let prometheus = Self { child, port };
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(30) {
            if http(port, "GET", "/-/ready", "").is_some_and(|(status, _)| status == 200) {
                return prometheus;
            }
            thread::sleep(Duration::from_millis(100));
        }
        panic!("prometheus did not become ready on port {port}");
    }
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn flagship_queries() -> Vec<String> {
    let mut sources = Sources::default();
    let (model, diagnostics) = vigil::app::compile(&[PathBuf::from("specs")], &mut sources);
    let model = model.unwrap_or_else(|| panic!("specs do not compile: {diagnostics:#?}"));
    let mut queries = Vec::new();
    for artifact in vigil::emit::emit(&model, &vigil::emit::Options::default()).expect("emits") {
        if !(artifact.path.starts_with("grafana/dashboards/")
            && Path::new(&artifact.path)
                .extension()
                .is_some_and(|e| e == "json"))
        {
            continue;
        }
        let dashboard: Value = serde_json::from_str(&artifact.contents).expect("JSON");
        for item in dashboard["panels"].as_array().expect("panels") {
            for target in item["targets"].as_array().into_iter().flatten() {
                queries.push(target["expr"].as_str().expect("expr").to_owned());
            }
        }
        for annotation in dashboard["annotations"]["list"].as_array().expect("list") {
            queries.push(annotation["expr"].as_str().expect("expr").to_owned());
        }
    }
    queries.sort();
    queries.dedup();
    queries
}

#[test]
fn real_prometheus_accepts_every_dashboard_query() {
    let dir = tempfile::tempdir().expect("temp dir");
    let prometheus = Prometheus::start(dir.path());
    // The harness itself: a type error must come back as bad_data.
    let (status, response) = http(
        prometheus.port,
        "POST",
        "/api/v1/query",
        "query=rate%28up%29",
    )
    .expect("prometheus answers");
    assert!(
        status == 400 && response.contains("bad_data"),
        "{status} {response}"
    );
    let queries = flagship_queries();
    assert!(queries.len() > 50, "only {} queries", queries.len());
    for query in queries {
        let substituted = query
            .replace("$__rate_interval", "5m")
            .replace("$job", ".+")
            .replace("$instance", ".+");
        let body = format!("query={}", encode(&substituted));
        let (status, response) =
            http(prometheus.port, "POST", "/api/v1/query", &body).expect("prometheus answers");
        assert!(
            status == 200 && response.contains("\"success\""),
            "`{query}`: {status} {response}"
        );
    }
}
