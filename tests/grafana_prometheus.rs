//! Every query of the flagship's dashboards, sent to a real Prometheus on loopback:
//! `/api/v1/query` must answer `success` (an unknown function, a bad matcher or a type
//! error comes back as `bad_data`). Prometheus missing is a failure, not a skip.

use crate::support::loopback;

use std::path::{Path, PathBuf};
use std::time::Duration;

use loopback::{Server, encode, http};
use serde_json::Value;
use vigil::source::Sources;

/// The Prometheus process; killed when dropped, whatever the test's outcome.
struct Prometheus {
    #[allow(dead_code)] // held for its drop
    server: Server,
    port: u16,
}

impl Prometheus {
    fn start(dir: &Path) -> Self {
        let (server, port) =
            loopback::start_prometheus(dir, |_| String::from("global:\n  scrape_interval: 1m\n"));
        let prometheus = Self { server, port };
        let ready = loopback::wait_ready(port, "/-/ready", Duration::from_secs(30));
        assert!(ready, "prometheus did not become ready on port {port}");
        prometheus
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
#[ignore = "slow tier: starts Prometheus"]
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
