//! `vigil verify` without servers: canned Prometheus and Alertmanager answers for the
//! spec in `tests/fixtures/verify/`, either matching it exactly or drifted so that every
//! `vigil::verify::…` code is reported once or more. Shared by `tests/verify.rs` and, for
//! the examples in `docs/errors.md`, by `tests/fixtures.rs`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::{Value, json};
use vigil::diagnostic::Diagnostics;
use vigil::emit::{Backend, Options};
use vigil::model::Model;
use vigil::source::Sources;
use vigil::spec::RawSpec;
use vigil::verify::{Api, ApiError, Servers};

/// The spec, relative to the crate so rendered file names are stable.
pub(crate) const SPEC: &str = "tests/fixtures/verify/shop.kdl";

/// A server that answers from a table: by path, and for queries by path and expression.
/// An instant query it has no answer for returns an empty vector.
#[derive(Default)]
pub(crate) struct Canned {
    pub(crate) answers: BTreeMap<String, Result<Value, ApiError>>,
}

impl Canned {
    pub(crate) fn answer(&mut self, key: &str, data: Value) {
        let mut envelope = json!({"status": "success"});
        envelope["data"] = data;
        self.answers.insert(key.to_owned(), Ok(envelope));
    }

    /// An instant query answered with these series (labels, value).
    pub(crate) fn vector(&mut self, expr: &str, series: &[(Value, &str)]) {
        let result: Vec<Value> = series
            .iter()
            .map(|(labels, value)| json!({"metric": labels, "value": [1.0, value]}))
            .collect();
        self.answer(
            &format!("/api/v1/query {expr}"),
            json!({"resultType": "vector", "result": result}),
        );
    }
}

impl Api for Canned {
    fn get(&self, path: &str, params: &[(&str, &str)]) -> Result<Value, ApiError> {
        let query = params.iter().find(|(k, _)| *k == "query").map(|(_, v)| *v);
        let key = query.map_or_else(|| path.to_owned(), |q| format!("{path} {q}"));
        match self.answers.get(&key) {
            Some(answer) => answer.clone(),
            None if query.is_some() => Ok(json!({
                "status": "success",
                "data": {"resultType": "vector", "result": []}
            })),
            None => Err(ApiError::Rejected(format!("no canned answer for {key}"))),
        }
    }

    fn address(&self) -> &'static str {
        "http://canned:9090/"
    }
}

/// The spec, its model and its sources.
pub(crate) fn load() -> (RawSpec, Model, Sources) {
    let mut sources = Sources::default();
    let (spec, loaded) = vigil::spec::load(&[PathBuf::from(SPEC)], &mut sources);
    assert!(loaded.is_empty(), "{loaded:?}");
    let (model, checked) = vigil::check::check(&spec);
    let model = model.unwrap_or_else(|| panic!("the verify fixture does not compile: {checked:?}"));
    (spec, model, sources)
}

/// `/api/v1/rules`' `data` for the rule files the spec generates.
pub(crate) fn deployed_rules(model: &Model) -> Value {
    let mut groups = Vec::new();
    for artifact in vigil::emit::prometheus::emit(model) {
        if !artifact.path.starts_with("prometheus/rules/") {
            continue;
        }
        let file: Value = serde_saphyr::from_str(&artifact.contents).expect("YAML");
        for group in file["groups"].as_array().expect("groups") {
            let rules: Vec<Value> = group["rules"]
                .as_array()
                .expect("rules")
                .iter()
                .map(api_rule)
                .collect();
            // Groups without their own interval run at the global one, here 1m.
            let interval = group["interval"].as_str().map_or(60.0, seconds);
            groups.push(json!({
                "name": group["name"], "file": artifact.path, "interval": interval, "rules": rules,
            }));
        }
    }
    // Someone else's group beside vigil's files is none of vigil's business.
    groups.push(json!({
        "name": "node", "file": "prometheus/rules/node.yaml", "interval": 60.0,
        "rules": [{"name": "NodeDown", "query": "up{job=\"node\"} == 0", "duration": 0,
                   "labels": {}, "annotations": {}, "type": "alerting"}],
    }));
    json!({ "groups": groups })
}

/// A rule as `/api/v1/rules` shows it: `for` in seconds, the type spelled out.
fn api_rule(rule: &Value) -> Value {
    let alerting = rule["alert"].is_string();
    let mut answer = json!({
        "name": if alerting { &rule["alert"] } else { &rule["record"] },
        "query": rule["expr"],
        "duration": rule["for"].as_str().map_or(0.0, seconds),
        "labels": if rule["labels"].is_null() { json!({}) } else { rule["labels"].clone() },
        "annotations": if rule["annotations"].is_null() { json!({}) } else { rule["annotations"].clone() },
        "type": if alerting { "alerting" } else { "recording" },
    });
    // Prometheus 2.42 and later say it for alerting rules only.
    if alerting {
        answer["keepFiringFor"] = json!(rule["keep_firing_for"].as_str().map_or(0.0, seconds));
    }
    answer
}

/// A Prometheus duration in seconds, as the API writes it.
fn seconds(duration: &str) -> f64 {
    let millis = vigil::model::Duration::parse(duration)
        .expect("duration")
        .as_millis();
    f64::from(u32::try_from(millis).expect("small")) / 1000.0
}

/// The generated `alertmanager.yml`.
pub(crate) fn alertmanager_config(model: &Model) -> String {
    Backend::Alertmanager
        .emit(model, &Options::default())
        .expect("emit")
        .into_iter()
        .find(|a| a.path == "alertmanager/alertmanager.yml")
        .expect("an Alertmanager config")
        .contents
}

pub(crate) const REQUESTS: &str = "{__name__=~\"shop_requests_total\",job=\"shop\"}";
pub(crate) const QUEUE: &str = "{__name__=~\"shop_queue_depth\",job=\"shop\"}";
const CHECKOUT: &str = "{__name__=~\"shop_checkout_duration_seconds_bucket|shop_checkout_duration_seconds_count|shop_checkout_duration_seconds_sum\",job=\"shop\"}";
const RATIO: &str = "slo:sli_error:ratio_rate5m";

fn series(labels: &[(&str, &str)]) -> Value {
    let mut all: BTreeMap<&str, &str> =
        BTreeMap::from([("job", "shop"), ("instance", "shop:9100")]);
    all.extend(labels.iter().copied());
    json!(all)
}

/// Prometheus as it should be: every series, type, SLI and rule the spec declares.
pub(crate) fn matching(model: &Model) -> Canned {
    let mut prometheus = Canned::default();
    prometheus.answer("/api/v1/status/buildinfo", json!({"version": "2.42.0"}));
    prometheus.answer(
        "/api/v1/targets",
        json!({"activeTargets": [{"labels": {"job": "shop", "instance": "shop:9100"}}]}),
    );
    prometheus.answer(
        "/api/v1/metadata",
        json!({
            "shop_requests_total": [{"type": "counter", "help": "", "unit": ""}],
            "shop_queue_depth": [{"type": "gauge", "help": "", "unit": ""}],
        }),
    );
    prometheus.vector(
        REQUESTS,
        &[
            (series(&[("code", "ok")]), "9"),
            (series(&[("code", "error")]), "1"),
        ],
    );
    prometheus.vector(QUEUE, &[(series(&[]), "3")]);
    prometheus.vector(
        CHECKOUT,
        &[(series(&[("le", "0.1")]), "1"), (series(&[]), "2")],
    );
    for (expr, value) in [
        ("count(shop_requests_total{job=\"shop\"})", "2"),
        (
            "count(shop_requests_total{code=\"error\",job=\"shop\"})",
            "1",
        ),
        (
            "count(shop_checkout_duration_seconds_count{job=\"shop\"})",
            "1",
        ),
    ] {
        prometheus.vector(expr, &[(json!({}), value)]);
    }
    for slo in ["availability", "checkout-latency"] {
        let expr = format!("{RATIO}{{service=\"shop\",slo=\"{slo}\"}}");
        prometheus.vector(&expr, &[(json!({"service": "shop", "slo": slo}), "0.001")]);
    }
    prometheus.vector(
        "count by (__name__) ({job=\"shop\"})",
        &[
            (json!({"__name__": "up"}), "1"),
            (json!({"__name__": "shop_queue_depth"}), "1"),
        ],
    );
    prometheus.answer("/api/v1/rules", deployed_rules(model));
    prometheus
}

/// Alertmanager running the generated configuration.
pub(crate) fn alertmanager(original: &str) -> Canned {
    let mut alertmanager = Canned::default();
    alertmanager.answers.insert(
        String::from("/api/v2/status"),
        Ok(json!({"config": {"original": original}})),
    );
    alertmanager
}

/// Prometheus and Alertmanager drifted from the spec in every way `verify` reports.
pub(crate) fn drifted(model: &Model) -> (Canned, Canned) {
    let mut prometheus = matching(model);
    // A label value and a label nobody declared, and more series than the budget of 2.
    prometheus.vector(
        REQUESTS,
        &[
            (series(&[("code", "ok")]), "9"),
            (series(&[("code", "error")]), "1"),
            (series(&[("code", "timeout"), ("pod", "shop-7f9c")]), "1"),
        ],
    );
    prometheus.answer(
        "/api/v1/metadata",
        json!({"shop_queue_depth": [{"type": "counter", "help": "", "unit": ""}]}),
    );
    // The histogram is not exported at all, so the latency SLI reads nothing.
    prometheus.vector(CHECKOUT, &[]);
    prometheus.vector(
        "count(shop_checkout_duration_seconds_count{job=\"shop\"})",
        &[],
    );
    prometheus.vector(
        "count(shop_requests_total{code=\"error\",job=\"shop\"})",
        &[],
    );
    prometheus.vector(
        &format!("{RATIO}{{service=\"shop\",slo=\"availability\"}}"),
        &[(json!({"service": "shop", "slo": "availability"}), "NaN")],
    );
    prometheus.answers.insert(
        String::from("/api/v1/query count(shop_requests_total{job=\"shop\"})"),
        Err(ApiError::Rejected(String::from(
            "query timed out in expression evaluation",
        ))),
    );
    prometheus.vector(
        "count by (__name__) ({job=\"shop\"})",
        &[
            (json!({"__name__": "shop_cache_hits_total"}), "4"),
            (json!({"__name__": "shop_queue_length"}), "1"),
            (json!({"__name__": "up"}), "1"),
        ],
    );
    prometheus.answer("/api/v1/rules", drifted_rules(model));
    let original =
        alertmanager_config(model).replace("send_resolved: true", "send_resolved: false");
    (prometheus, alertmanager(&original))
}

/// The deployed rules with one alert deleted, one threshold raised, one rule added.
fn drifted_rules(model: &Model) -> Value {
    let mut rules = deployed_rules(model);
    // Left behind by an SLO the spec no longer has.
    let retired = json!({
        "name": "slo-retired-sli", "file": "prometheus/rules/slo-retired.yaml", "interval": 60.0,
        "rules": [{"name": "slo:sli_error:ratio_rate5m", "query": "vector(0)", "duration": 0,
                   "labels": {"slo": "retired"}, "annotations": {}, "type": "recording"}],
    });
    rules["groups"]
        .as_array_mut()
        .expect("groups")
        .push(retired);
    for group in rules["groups"].as_array_mut().expect("groups") {
        let threshold_alerts = group["name"] == "alerts-shop";
        let list = group["rules"].as_array_mut().expect("rules");
        list.retain(|r| r["name"] != "ShopCheckoutLatencySliAbsent");
        for rule in list.iter_mut().filter(|r| r["name"] == "ShopQueueDeep") {
            let raised = rule["query"].as_str().expect("query").replace("100", "200");
            rule["query"] = Value::String(raised);
            rule["keepFiringFor"] = json!(600);
        }
        if threshold_alerts {
            list.push(json!({
                "name": "ShopQueueEmpty", "query": "shop_queue_depth == 0", "duration": 0,
                "labels": {}, "type": "alerting",
            }));
        }
    }
    rules
}

/// `vigil verify` against canned servers.
pub(crate) fn verify(
    spec: &RawSpec,
    model: &Model,
    prometheus: &Canned,
    alertmanager: &Canned,
) -> Diagnostics {
    let servers = Servers {
        prometheus,
        alertmanager: Some(alertmanager),
    };
    vigil::verify::verify(model, spec, &servers).expect("the canned servers answer")
}
