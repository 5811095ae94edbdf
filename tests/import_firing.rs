//! Imported specs page when their source would: each case imports a fixture, generates
//! its Prometheus rules and runs them with `promtool test rules` on series where the
//! source's SLO burns, reading `ALERTS` for the page tier.

use crate::support;

use std::path::PathBuf;

use support::import::{Kind, compile, import, render};
use support::prometheus::{promtool, write_artifacts};
use vigil::import::Format;

struct Case {
    fixture: &'static str,
    kind: Kind,
    /// `http_requests_total` series and their per-minute increments.
    series: &'static [(&'static str, u32)],
    /// Labels of the page alerts firing after an hour and a half, one matcher set each.
    firing: &'static [&'static str],
}

const CASES: &[Case] = &[
    // Already-rated OpenSLO queries at 10 % errors against a 99.9 % objective: a rate of
    // the rate would be near zero and never page.
    Case {
        fixture: "openslo/rated-queries.yaml",
        kind: Kind::OpenSlo,
        series: &[
            (r#"http_requests_total{job="api",code="200"}"#, 90),
            (r#"http_requests_total{job="api",code="500"}"#, 10),
        ],
        firing: &[""],
    },
    // Sloth's `by (host)`: host `a` fails every request beside a busy healthy host `b`.
    // Summed over both hosts the error ratio is 0.1 %, below every threshold.
    Case {
        fixture: "sloth/grouped-by-host.yaml",
        kind: Kind::Sloth { period: None },
        series: &[
            (r#"http_requests_total{job="api",host="a",code="500"}"#, 1),
            (
                r#"http_requests_total{job="api",host="b",code="200"}"#,
                1000,
            ),
        ],
        firing: &[r#"host="a""#],
    },
    // Pyrra's `grouping`, the same host failing beside a busy healthy one.
    Case {
        fixture: "pyrra/grouped-by-host.yaml",
        kind: Kind::Pyrra,
        series: &[
            (r#"http_requests_total{job="api",host="a",code="500"}"#, 1),
            (
                r#"http_requests_total{job="api",host="b",code="200"}"#,
                1000,
            ),
        ],
        firing: &[r#"host="a""#],
    },
];

fn fixture(name: &str) -> PathBuf {
    PathBuf::from("tests/fixtures/import").join(name)
}

fn test_file(rule_files: &[String], case: &Case) -> String {
    let mut text = String::from("rule_files:\n");
    for file in rule_files {
        text.push_str(&format!("  - {file}\n"));
    }
    text.push_str("evaluation_interval: 1m\ntests:\n  - interval: 1m\n    input_series:\n");
    for (series, per_minute) in case.series {
        text.push_str(&format!(
            "      - series: '{series}'\n        values: '0+{per_minute}x120'\n"
        ));
    }
    text.push_str("    promql_expr_test:\n");
    text.push_str(
        "      - expr: group by (host) (ALERTS{alertstate=\"firing\", tier=\"page\"})\n        eval_time: 90m\n        exp_samples:\n",
    );
    for labels in case.firing {
        text.push_str(&format!(
            "          - labels: '{{{labels}}}'\n            value: 1\n"
        ));
    }
    text
}

#[test]
#[ignore = "slow tier: needs promtool"]
fn imported_slos_page_where_their_source_pages() {
    for case in CASES {
        let path = fixture(case.fixture);
        let (imported, sources) = import(std::slice::from_ref(&path), &case.kind, Format::Kdl);
        assert!(
            !imported.diagnostics.has_errors(),
            "{}: {}",
            case.fixture,
            render(&imported.diagnostics, &sources)
        );
        let spec = imported.spec.expect("a spec");
        let (model, diagnostics, sources) = compile("imported.kdl", &spec);
        let model =
            model.unwrap_or_else(|| panic!("{}: {}", case.fixture, render(&diagnostics, &sources)));
        let artifacts = vigil::emit::prometheus::emit(&model);
        let dir = tempfile::tempdir().expect("temp dir");
        write_artifacts(dir.path(), &artifacts);
        let rule_files: Vec<String> = artifacts
            .iter()
            .filter(|a| a.path.starts_with("prometheus/rules/"))
            .map(|a| a.path.clone())
            .collect();
        let test = dir.path().join("firing.yaml");
        std::fs::write(&test, test_file(&rule_files, case)).expect("write test");
        let output = promtool()
            .current_dir(dir.path())
            .args(["test", "rules", "firing.yaml"])
            .output()
            .expect("run promtool");
        assert!(
            output.status.success(),
            "{}: the page alert does not fire as the source's would\n{}{}\n{spec}",
            case.fixture,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
        );
    }
}
