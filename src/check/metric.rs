//! The metric catalog: names, labels, units, the series estimate and its budget.

use super::Scope;
use super::catalog::{label_name, service_ref};
use super::names::valid_metric_name;
use super::reader::{Cx, Reader};
use crate::codes::Code;
use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::model::{Decimal, LabelValues, Metric, MetricKind, MetricLabel, MetricName, Unit};
use crate::source::Span;
use crate::spec::{Node, Scalar};

pub(crate) fn metric(node: &Node, scope: &Scope<'_>) -> Option<Metric> {
    let cx = scope.cx;
    let r = Reader::new(node, cx);
    let name = r.name_arg("metric");
    let kind_text = r.required_string("type", "counter, gauge, histogram or summary");
    let unit = r.string("unit").map(|(u, _)| Unit::parse(&u));
    let service = service_ref(&r, scope);
    let help = r
        .required_string("help", "one sentence saying what the metric measures")
        .map(|(s, _)| s);
    let buckets = r.list("buckets").map(|values| {
        let mut buckets: Vec<Decimal> =
            values.into_iter().filter_map(|v| r.as_decimal(v)).collect();
        buckets.sort();
        buckets.dedup();
        buckets
    });
    let native = r.bool("native").unwrap_or(false);
    let max_series = r.count("max-series");
    let external = r.bool("external").unwrap_or(false);
    let labels = metric_labels(&r, cx);
    r.finish();
    let (name, name_span) = name?;
    if !valid_metric_name(&name) {
        cx.report(
            Diagnostic::new(
                Code::InvalidName,
                name_span,
                format!("`{}` is not a valid metric name", name.escape_debug()),
            )
            .label("invalid metric name")
            .help("metric names match `[a-zA-Z_:][a-zA-Z0-9_:]*`"),
        );
        return None;
    }
    let (kind_text, kind_span) = kind_text?;
    let kind = match kind_text.as_str() {
        "counter" => MetricKind::Counter,
        "gauge" => MetricKind::Gauge,
        "summary" => MetricKind::Summary,
        "histogram" => MetricKind::Histogram {
            buckets: buckets.clone().unwrap_or_default(),
            native,
        },
        other => {
            cx.report(
                Diagnostic::new(
                    Code::InvalidValue,
                    kind_span,
                    format!("unknown metric type `{other}`"),
                )
                .label("not a metric type")
                .help(did_you_mean(
                    other,
                    ["counter", "gauge", "histogram", "summary"],
                    "type",
                )),
            );
            return None;
        }
    };
    buckets_fit(cx, &kind, &kind_text, buckets.is_some(), name_span);
    // An external metric's name is its owner's to choose.
    if !external {
        naming_lint(cx, &name, name_span, &kind, unit.as_ref());
    }
    let metric = Metric {
        name: MetricName::new(name),
        kind,
        unit,
        service,
        help: help?,
        labels,
        max_series,
        external,
    };
    cardinality(cx, &metric, name_span);
    Some(metric)
}

/// Buckets belong to histograms, and a classic histogram needs them.
fn buckets_fit(cx: &Cx, kind: &MetricKind, kind_text: &str, given: bool, name_span: Span) {
    if given && !matches!(kind, MetricKind::Histogram { .. }) {
        cx.report(
            Diagnostic::new(
                Code::InvalidValue,
                name_span,
                "only histograms have buckets",
            )
            .label(format!("a {kind_text}"))
            .help("remove `buckets`, or declare `type=histogram`"),
        );
    }
    if let MetricKind::Histogram {
        buckets,
        native: false,
    } = kind
        && buckets.is_empty()
    {
        cx.report(
            Diagnostic::new(
                Code::Missing,
                name_span,
                "a classic histogram needs its bucket boundaries",
            )
            .label("no `buckets`")
            .help("add `buckets 0.005 0.01 0.025 …`, or `native=#true` for a native histogram"),
        );
    }
}

fn metric_labels(r: &Reader<'_, '_>, cx: &Cx) -> Vec<MetricLabel> {
    let mut labels: Vec<MetricLabel> = Vec::new();
    for node in r.children("label") {
        let l = Reader::new(node, cx);
        let name = l.name_arg("label");
        let unbounded = l.bool("unbounded").unwrap_or(false);
        let mut values: Vec<String> = l
            .rest_args()
            .iter()
            .filter_map(|v| match &v.scalar {
                Scalar::String(s) | Scalar::Number(s) => Some(s.clone()),
                _ => {
                    l.wrong_type(v, "a string");
                    None
                }
            })
            .collect();
        values.sort();
        values.dedup();
        if values.is_empty() && !unbounded {
            l.missing(
                "values",
                "list the label's values, or mark it `unbounded=#true`",
            );
        }
        l.finish();
        let Some((name, span)) = name else { continue };
        let Some(label) = label_name(cx, &name, span, false) else {
            continue;
        };
        if labels.iter().any(|existing| existing.name == label) {
            cx.report(
                Diagnostic::new(
                    Code::DuplicateKey,
                    span,
                    format!("label `{name}` is declared twice"),
                )
                .label("repeated here"),
            );
            continue;
        }
        let values = if unbounded {
            LabelValues::Unbounded
        } else {
            LabelValues::Enumerated(values)
        };
        labels.push(MetricLabel {
            name: label,
            values,
        });
    }
    labels.sort_by(|a, b| a.name.cmp(&b.name));
    labels
}

/// A metric's series estimate against its own budget; unbounded labels need a budget.
fn cardinality(cx: &Cx, metric: &Metric, span: Span) {
    match (metric.estimated_series(), metric.max_series) {
        (Some(estimate), Some(budget)) if estimate > budget => cx.report(
            Diagnostic::new(
                Code::Cardinality,
                span,
                format!(
                    "`{}` can produce {estimate} series per target; its budget is {budget}",
                    metric.name
                ),
            )
            .label("over its series budget"),
        ),
        (None, None) => cx.report(
            Diagnostic::new(
                Code::UnboundedLabel,
                span,
                format!(
                    "`{}` has an unbounded label and no `max-series`",
                    metric.name
                ),
            )
            .label("series count has no upper bound"),
        ),
        _ => {}
    }
}

/// The sum of every metric's series estimate (its `max-series` when unbounded).
pub(crate) fn series_total(metrics: &[Metric]) -> u64 {
    metrics
        .iter()
        .filter_map(|m| m.estimated_series().or(m.max_series))
        .fold(0u64, u64::saturating_add)
}

/// Prometheus naming conventions: base units, `_total` exactly on counters, unit suffixes.
fn naming_lint(cx: &Cx, name: &str, span: Span, kind: &MetricKind, unit: Option<&Unit>) {
    const NON_BASE: &[(&str, &str)] = &[
        ("_ms", "_seconds"),
        ("_millis", "_seconds"),
        ("_milliseconds", "_seconds"),
        ("_us", "_seconds"),
        ("_microseconds", "_seconds"),
        ("_ns", "_seconds"),
        ("_nanoseconds", "_seconds"),
        ("_minutes", "_seconds"),
        ("_hours", "_seconds"),
        ("_days", "_seconds"),
        ("_kb", "_bytes"),
        ("_kilobytes", "_bytes"),
        ("_mb", "_bytes"),
        ("_megabytes", "_bytes"),
        ("_gb", "_bytes"),
        ("_gigabytes", "_bytes"),
        ("_percent", "_ratio"),
    ];
    let stem = name.strip_suffix("_total").unwrap_or(name);
    if let Some((suffix, base)) = NON_BASE.iter().find(|(suffix, _)| stem.ends_with(suffix)) {
        let renamed = format!(
            "{}{base}{}",
            &stem[..stem.len() - suffix.len()],
            &name[stem.len()..]
        );
        cx.report(
            Diagnostic::new(
                Code::BaseUnit,
                span,
                format!("`{name}` is not in base units"),
            )
            .label(format!("`{suffix}` suffix"))
            .help(format!(
                "rename it `{renamed}` and export values in base units"
            )),
        );
    }
    let is_counter = matches!(kind, MetricKind::Counter);
    if is_counter && !name.ends_with("_total") {
        cx.report(
            Diagnostic::new(
                Code::TotalSuffix,
                span,
                format!("counter `{name}` does not end in `_total`"),
            )
            .label("a counter")
            .help(format!("rename it `{name}_total`")),
        );
    }
    if !is_counter && name.ends_with("_total") {
        cx.report(
            Diagnostic::new(
                Code::TotalSuffix,
                span,
                format!("`{name}` ends in `_total` but is a {}", kind.as_str()),
            )
            .label("not a counter")
            .help(format!("rename it `{stem}`, or declare it `type=counter`")),
        );
    }
    if let Some(unit @ (Unit::Seconds | Unit::Bytes)) = unit
        && !stem.ends_with(&format!("_{}", unit.as_str()))
    {
        cx.report(
            Diagnostic::new(
                Code::UnitSuffix,
                span,
                format!(
                    "`{name}` is in {} but its name does not say so",
                    unit.as_str()
                ),
            )
            .label("missing unit suffix")
            .help(format!("end the name with `_{}`", unit.as_str())),
        );
    }
}
