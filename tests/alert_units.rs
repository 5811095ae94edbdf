//! The unit of what an alert's expression computes, inferred from the catalog: a table of
//! expressions and the unit their thresholds are shown in.

use vigil::model::{Unit, format_value};
use vigil::source::Sources;

const CATALOG: &str = r#"vigil 1
tier ticket level=2 severity=warning
service api { selector job="api"; }
metric memory_used_bytes type=gauge unit="bytes" service=api { help "Used"; }
metric memory_limit_bytes type=gauge unit="bytes" service=api { help "Limit"; }
metric requests_total type=counter service=api { help "Requests"; label code "ok" "error"; }
metric latency_seconds type=histogram unit="seconds" service=api {
    help "Latency"
    buckets 0.1 0.25 1
}
metric queue_depth type=gauge service=api { help "Waiting"; }
"#;

fn unit_of(expr: &str, declared: Option<&str>) -> Option<Unit> {
    let unit = declared.map_or_else(String::new, |u| format!("    unit \"{u}\"\n"));
    let spec = format!(
        "{CATALOG}alert ApiValue service=api {{\n    expr \"{}\"\n    threshold above=1 tier=ticket\n{unit}    summary \"A value.\"\n}}\n",
        expr.replace('"', "\\\"")
    );
    let mut sources = Sources::default();
    let (model, diagnostics) =
        vigil::app::compile_texts(&[(String::from("spec.kdl"), spec)], &mut sources);
    let model = model.unwrap_or_else(|| panic!("{expr}: {diagnostics:?}"));
    model.alerts[0].unit.clone()
}

#[test]
fn an_alert_computes_the_unit_its_metrics_give() {
    let per_second = Some(Unit::Other(String::from("per second")));
    let cases: Vec<(&str, Option<&str>, Option<Unit>)> = vec![
        ("max(memory_used_bytes)", None, Some(Unit::Bytes)),
        (
            "memory_used_bytes / memory_limit_bytes",
            None,
            Some(Unit::Ratio),
        ),
        (
            "sum by (instance) (memory_used_bytes) / on (instance) memory_limit_bytes",
            None,
            Some(Unit::Ratio),
        ),
        (
            "histogram_quantile(0.99, sum by (le) (rate(latency_seconds_bucket[5m])))",
            None,
            Some(Unit::Seconds),
        ),
        (
            "sum(rate(latency_seconds_sum[5m])) / sum(rate(latency_seconds_count[5m]))",
            None,
            Some(Unit::Seconds),
        ),
        (
            "sum(rate(requests_total{code=\"error\"}[5m])) / sum(rate(requests_total[5m]))",
            None,
            Some(Unit::Ratio),
        ),
        ("sum(rate(requests_total[5m]))", None, per_second),
        ("max(queue_depth)", None, None),
        ("memory_used_bytes / queue_depth", None, None),
        (
            "max(queue_depth)",
            Some("orders"),
            Some(Unit::Other(String::from("orders"))),
        ),
    ];
    for (expr, declared, expected) in cases {
        assert_eq!(unit_of(expr, declared), expected, "{expr}");
    }
}

#[test]
fn thresholds_are_shown_in_the_unit() {
    let d = |text: &str| text.parse().expect("a decimal");
    assert_eq!(format_value(d("1500000000"), Some(&Unit::Bytes)), "1.5 GB");
    assert_eq!(format_value(d("0.25"), Some(&Unit::Seconds)), "250 ms");
    assert_eq!(format_value(d("0.01"), Some(&Unit::Ratio)), "1 %");
}
