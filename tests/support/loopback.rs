//! Talking to real servers on 127.0.0.1 from tests and benches: a process guard, a free
//! port, a minimal HTTP client and server reply, and form encoding. Shared with
//! `benches/rule_cost.rs` through `#[path]`, so it depends on nothing but std and `serde_json`.

#![allow(dead_code)] // the rule-cost benchmark includes this file too and uses a part of it

use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// A server process, killed when the guard drops, however the test ends.
pub(crate) struct Server(pub(crate) Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A port nothing listens on right now.
pub(crate) fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("address").port()
}

/// The program `name` on `PATH`; the Debian package to install otherwise.
pub(crate) fn binary(name: &str, package: &str) -> PathBuf {
    std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|dir| dir.join(name))
        .find(|path| path.is_file())
        .unwrap_or_else(|| panic!("`{name}` on PATH (Debian package `{package}`)"))
}

/// A minimal HTTP/1.0 request on loopback with a form body (1.0: the answer is never
/// chunked, and the connection closes after it): status and body, or `None`
/// while the server is not up.
pub(crate) fn http(port: u16, method: &str, path: &str, body: &str) -> Option<(u16, String)> {
    request(
        port,
        method,
        path,
        "application/x-www-form-urlencoded",
        body,
    )
}

/// [`http`] with a body of another content type.
pub(crate) fn request(
    port: u16,
    method: &str,
    path: &str,
    content_type: &str,
    body: &str,
) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    // Queries with `stats=all` over days of history take seconds.
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .ok()?;
    let request = format!(
        "{method} {path} HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let status = response.split_whitespace().nth(1)?.parse().ok()?;
    let body = response.split_once("\r\n\r\n").map(|(_, b)| b.to_owned())?;
    Some((status, body))
}

/// `GET` on loopback; the JSON body, or `None` while the server is not up.
pub(crate) fn get_json(port: u16, path: &str) -> Option<Value> {
    let (_, body) = http(port, "GET", path, "")?;
    serde_json::from_str(&body).ok()
}

/// Waits up to `limit` for `GET path` to answer 200.
pub(crate) fn wait_ready(port: u16, path: &str, limit: Duration) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if http(port, "GET", path, "").is_some_and(|(status, _)| status == 200) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

/// Answers one request on `stream` with `body` as the Prometheus text format.
pub(crate) fn answer(mut stream: TcpStream, body: &str) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(2)))?;
    let mut request = [0u8; 4096];
    let _ = stream.read(&mut request)?;
    write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

/// Percent-encodes a query parameter or form value.
pub(crate) fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Writes the samples of an `OpenMetrics` file into TSDB blocks in `data` (`promtool tsdb
/// create-blocks-from openmetrics`), for a Prometheus started on `data` to hold as history.
pub(crate) fn backfill(openmetrics: &Path, data: &Path) {
    let backfilled = Command::new(binary("promtool", "prometheus"))
        .args(["tsdb", "create-blocks-from", "openmetrics", "--quiet"])
        .arg(openmetrics)
        .arg(data)
        .output()
        .expect("promtool runs");
    assert!(
        backfilled.status.success(),
        "{}",
        String::from_utf8_lossy(&backfilled.stderr)
    );
}

/// Starts the Debian `prometheus` with its data in `folder/data` and the configuration
/// `config(port)` (the port it will listen on, for a self-scrape) in `folder`.
pub(crate) fn start_prometheus(folder: &Path, config: impl FnOnce(u16) -> String) -> (Server, u16) {
    start_prometheus_with(folder, &[], config)
}

/// [`start_prometheus`] with more command-line flags.
pub(crate) fn start_prometheus_with(
    folder: &Path,
    flags: &[&str],
    config: impl FnOnce(u16) -> String,
) -> (Server, u16) {
    let port = free_port();
    let file = folder.join("prometheus.yml");
    std::fs::write(&file, config(port)).expect("write the Prometheus config");
    let child = Command::new(binary("prometheus", "prometheus"))
        .arg(format!("--config.file={}", file.display()))
        .arg(format!(
            "--storage.tsdb.path={}",
            folder.join("data").display()
        ))
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        // Lets a test reload changed rule files (`POST /-/reload`).
        .arg("--web.enable-lifecycle")
        .arg("--log.level=warn")
        .args(flags)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("prometheus starts");
    (Server(child), port)
}

/// Starts the Debian `prometheus-alertmanager` with `config`, its state in `storage`,
/// clustering off.
pub(crate) fn start_alertmanager(config: &Path, storage: &Path) -> (Server, u16) {
    let port = free_port();
    let child = Command::new(binary("prometheus-alertmanager", "prometheus-alertmanager"))
        .arg(format!("--config.file={}", config.display()))
        .arg(format!("--storage.path={}", storage.display()))
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .arg("--cluster.listen-address=")
        .arg("--log.level=warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("alertmanager starts");
    (Server(child), port)
}
