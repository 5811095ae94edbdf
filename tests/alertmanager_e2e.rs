//! End to end: a real Alertmanager on loopback runs the generated config; its webhook
//! receivers post to a listener this test runs. Alerts go in through `/api/v2/alerts`;
//! the test asserts who was notified of what: routing by tier and team, the page alert
//! of an SLO muting its ticket alert, a down service muting its symptoms, a silent tier
//! staying silent, and ten alerts of one group arriving as one notification.
//!
//! Every wait is bounded; nothing asserts how long anything took.

use crate::support;
use crate::support::loopback;

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;

use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use loopback::Server;
use serde_json::{Value, json};

const DEADLINE: Duration = Duration::from_secs(40);
/// Several group intervals: long enough for a wrongly routed alert to have arrived.
const QUIET_PERIOD: Duration = Duration::from_secs(4);
const GROUP_SIZE: usize = 10;

/// One webhook delivery: the receiver path it was posted to and its JSON body.
#[derive(Debug, Clone)]
struct Delivery {
    path: String,
    body: Value,
}

impl Delivery {
    fn alertnames(&self) -> BTreeSet<String> {
        self.body["alerts"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|alert| alert["labels"]["alertname"].as_str())
            .map(str::to_owned)
            .collect()
    }

    fn alert_count(&self) -> usize {
        self.body["alerts"].as_array().map_or(0, Vec::len)
    }
}

type Deliveries = Arc<Mutex<Vec<Delivery>>>;

/// Accepts webhook POSTs on 127.0.0.1 and records them; lives until the test exits.
fn webhook_listener() -> (u16, Deliveries) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind listener");
    let port = listener.local_addr().expect("local addr").port();
    let deliveries: Deliveries = Arc::default();
    let sink = Arc::clone(&deliveries);
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            if let Some(delivery) = read_request(stream) {
                sink.lock().expect("lock").push(delivery);
            }
        }
    });
    (port, deliveries)
}

fn read_request(mut stream: TcpStream) -> Option<Delivery> {
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let mut data = Vec::new();
    let mut buffer = [0u8; 4096];
    let header_end = loop {
        let n = stream.read(&mut buffer).ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&buffer[..n]);
        if let Some(end) = find(&data, b"\r\n\r\n") {
            break end + 4;
        }
    };
    let head = String::from_utf8_lossy(&data[..header_end]).to_string();
    let length: usize = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0);
    while data.len() < header_end + length {
        let n = stream.read(&mut buffer).ok()?;
        if n == 0 {
            break;
        }
        data.extend_from_slice(&buffer[..n]);
    }
    let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    let path = head.split_whitespace().nth(1)?.to_owned();
    let body = serde_json::from_slice(&data[header_end..]).ok()?;
    Some(Delivery { path, body })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A JSON request to Alertmanager's API: status and body.
fn http(port: u16, method: &str, path: &str, body: &str) -> Option<(u16, String)> {
    loopback::request(port, method, path, "application/json", body)
}

/// The Alertmanager process; killed when dropped, whatever the test's outcome.
struct Alertmanager {
    #[allow(dead_code)] // held for its drop
    server: Server,
    port: u16,
}

impl Alertmanager {
    fn start(config: &Path, storage: &Path) -> Self {
        let (server, port) = loopback::start_alertmanager(config, storage);
        let alertmanager = Self { server, port };
        let ready = wait_until(|| {
            http(port, "GET", "/-/ready", "").is_some_and(|(status, _)| status == 200)
        });
        assert!(ready, "alertmanager did not become ready on port {port}");
        alertmanager
    }
}

fn wait_until(mut done: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < DEADLINE {
        if done() {
            return true;
        }
        thread::sleep(Duration::from_millis(100));
    }
    false
}

fn spec(port: u16) -> String {
    include_str!("alertmanager_e2e.kdl").replace("LISTENER", &format!("127.0.0.1:{port}"))
}

fn alert(labels: &[(&str, &str)]) -> Value {
    let labels: serde_json::Map<String, Value> = labels
        .iter()
        .map(|(k, v)| ((*k).to_owned(), json!(v)))
        .collect();
    json!({ "labels": labels, "annotations": { "summary": "End-to-end test alert." } })
}

fn alerts() -> Value {
    let page = [
        ("tier", "page"),
        ("severity", "critical"),
        ("service", "shop"),
        ("team", "web"),
    ];
    let ticket = [
        ("tier", "ticket"),
        ("severity", "warning"),
        ("service", "shop"),
        ("team", "web"),
    ];
    let slo = ("slo", "availability");
    let mut alerts = vec![
        alert(&[&page[..], &[("alertname", "SloBurnPage"), slo]].concat()),
        alert(&[&ticket[..], &[("alertname", "SloBurnTicket"), slo]].concat()),
        alert(&[
            ("alertname", "SearchDown"),
            ("tier", "page"),
            ("severity", "critical"),
            ("service", "search"),
            ("team", "web"),
            ("service_down", "true"),
        ]),
        alert(&[
            ("alertname", "SearchSlow"),
            ("tier", "ticket"),
            ("severity", "warning"),
            ("service", "search"),
            ("team", "web"),
        ]),
        alert(&[
            ("alertname", "CartDebug"),
            ("tier", "quiet"),
            ("service", "cart"),
        ]),
        alert(&[("alertname", "Unclassified")]),
    ];
    let instances: Vec<String> = (0..GROUP_SIZE).map(|i| format!("cart-{i}")).collect();
    for instance in &instances {
        alerts.push(alert(&[
            ("alertname", "CartQueueDeep"),
            ("tier", "ticket"),
            ("severity", "warning"),
            ("service", "cart"),
            ("team", "web"),
            ("instance", instance),
        ]));
    }
    Value::Array(alerts)
}

fn to(deliveries: &[Delivery], path: &str) -> Vec<Delivery> {
    deliveries
        .iter()
        .filter(|d| d.path == path)
        .cloned()
        .collect()
}

fn names(deliveries: &[Delivery]) -> BTreeSet<String> {
    deliveries.iter().flat_map(Delivery::alertnames).collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
#[ignore = "slow tier: starts Alertmanager"]
fn real_alertmanager_routes_groups_and_inhibits() {
    let (listener_port, deliveries) = webhook_listener();
    let dir = tempfile::tempdir().expect("temp dir");
    let spec_path = dir.path().join("spec.kdl");
    std::fs::write(&spec_path, spec(listener_port)).expect("write spec");
    let model = support::alertmanager::compile(&spec_path);
    let config = support::alertmanager::generate_into(&model, dir.path());
    let alertmanager = Alertmanager::start(&config, &dir.path().join("data"));

    let (status, body) = http(
        alertmanager.port,
        "POST",
        "/api/v2/alerts",
        &alerts().to_string(),
    )
    .expect("post alerts");
    assert_eq!(status, 200, "alertmanager refused the alerts: {body}");

    let expected = || {
        let seen = deliveries.lock().expect("lock").clone();
        names(&to(&seen, "/pager")) == set(&["SearchDown", "SloBurnPage"])
            && names(&to(&seen, "/web")) == set(&["SearchDown", "SloBurnPage"])
            && names(&to(&seen, "/tickets")).contains("CartQueueDeep")
            && names(&to(&seen, "/fallback")).contains("Unclassified")
    };
    let arrived = wait_until(expected);
    let seen = deliveries.lock().expect("lock").clone();
    assert!(
        arrived,
        "expected notifications did not all arrive: {seen:#?}"
    );
    thread::sleep(QUIET_PERIOD);
    let seen = deliveries.lock().expect("lock").clone();

    // Page alerts reach the pager and, through `continue`, the team's channel.
    assert_eq!(
        names(&to(&seen, "/pager")),
        set(&["SearchDown", "SloBurnPage"])
    );
    assert_eq!(
        names(&to(&seen, "/web")),
        set(&["SearchDown", "SloBurnPage"])
    );
    // The SLO's page alert mutes its ticket alert; the down service mutes its symptom.
    let tickets = to(&seen, "/tickets");
    assert_eq!(names(&tickets), set(&["CartQueueDeep"]), "{tickets:#?}");
    // The silent tier reached nobody; the unrouted alert reached only the default.
    assert!(seen.iter().all(|d| !d.alertnames().contains("CartDebug")));
    assert_eq!(names(&to(&seen, "/fallback")), set(&["Unclassified"]));
    let paths: BTreeSet<&str> = seen.iter().map(|d| d.path.as_str()).collect();
    assert_eq!(
        paths,
        BTreeSet::from(["/fallback", "/pager", "/tickets", "/web"])
    );

    // Ten alerts of one group (same alertname, service, no slo): one notification.
    let notifications = tickets.len();
    let grouped: usize = tickets.iter().map(Delivery::alert_count).sum();
    assert_eq!(grouped, GROUP_SIZE);
    assert_eq!(notifications, 1, "{tickets:#?}");
    eprintln!("dedup ratio: {GROUP_SIZE} alerts of one group → {notifications} notification");
}
