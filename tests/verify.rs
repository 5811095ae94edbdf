//! `vigil verify`'s comparisons on canned API answers (`support/canned.rs`): a server
//! that runs exactly what the spec declares yields nothing; a drifted one yields every
//! `vigil::verify::…` code, placed in the spec, in every message format.

use crate::support::canned;

use std::collections::BTreeSet;

use vigil::codes::Code;
use vigil::report::{self, Style};

const STYLE: Style = Style {
    color: false,
    width: 100,
};

#[test]
fn a_matching_deployment_has_no_findings() {
    let (spec, model, _) = canned::load();
    let prometheus = canned::matching(&model);
    let alertmanager = canned::alertmanager(&canned::alertmanager_config(&model));
    let found = canned::verify(&spec, &model, &prometheus, &alertmanager);
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn labels_the_spec_leaves_to_targets_or_owners_are_no_drift() {
    let (spec, mut model, _) = canned::load();
    // The service's targets carry `namespace`; the queue metric is someone else's.
    model.services[0].target_labels = vec![vigil::model::LabelName::new("namespace")];
    let queue = model
        .metrics
        .iter_mut()
        .find(|m| m.name.as_str() == "shop_queue_depth")
        .expect("the queue metric");
    queue.external = true;
    let mut prometheus = canned::matching(&model);
    let labelled = |labels: serde_json::Value| {
        let mut all = serde_json::json!({"job": "shop", "instance": "shop:9100"});
        for (key, value) in labels.as_object().expect("labels") {
            all[key] = value.clone();
        }
        all
    };
    prometheus.vector(
        canned::REQUESTS,
        &[
            (
                labelled(serde_json::json!({"code": "ok", "namespace": "eu"})),
                "9",
            ),
            (
                labelled(serde_json::json!({"code": "error", "namespace": "eu"})),
                "1",
            ),
        ],
    );
    prometheus.vector(
        canned::QUEUE,
        &[(
            labelled(serde_json::json!({"zone": "a", "shard": "7"})),
            "3",
        )],
    );
    let alertmanager = canned::alertmanager(&canned::alertmanager_config(&model));
    let found = canned::verify(&spec, &model, &prometheus, &alertmanager);
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn a_drifted_deployment_reports_every_code() {
    let (spec, model, _) = canned::load();
    let (prometheus, alertmanager) = canned::drifted(&model);
    let found = canned::verify(&spec, &model, &prometheus, &alertmanager);
    let codes: BTreeSet<Code> = found.iter().map(|d| d.code).collect();
    let missing: Vec<&str> = Code::ALL
        .iter()
        .filter(|c| c.as_str().starts_with("vigil::verify::") && !codes.contains(c))
        .map(|c| c.as_str())
        .collect();
    assert!(missing.is_empty(), "not reported: {missing:?}\n{found:#?}");
}

#[test]
fn drift_is_rendered_in_every_format() {
    let (spec, model, sources) = canned::load();
    let (prometheus, alertmanager) = canned::drifted(&model);
    let found = canned::verify(&spec, &model, &prometheus, &alertmanager);
    insta::assert_snapshot!("human", report::human(&found, &sources, STYLE));
    insta::assert_snapshot!("json", report::json(&found, &sources));
    let sarif = report::sarif(&found, &sources);
    assert!(sarif.contains("vigil::verify::rule_changed"), "{sarif}");
    let github = report::github(&found, &sources);
    assert!(
        github.contains("file=tests/fixtures/verify/shop.kdl"),
        "{github}"
    );
}

#[test]
fn an_unreachable_server_stops_verification() {
    let (spec, model, _) = canned::load();
    let mut prometheus = canned::matching(&model);
    prometheus.answers.insert(
        String::from("/api/v1/status/buildinfo"),
        Err(vigil::verify::ApiError::Unreachable(String::from(
            "connection refused",
        ))),
    );
    let servers = vigil::verify::Servers {
        prometheus: &prometheus,
        alertmanager: None,
    };
    let error = vigil::verify::verify(&model, &spec, &servers).expect_err("unreachable");
    assert_eq!(
        error.to_string(),
        "cannot reach Prometheus at http://canned:9090/: connection refused"
    );
}
