//! Targets, settings, tiers, services, the metric catalog and retention.

use std::collections::BTreeMap;

use super::Scope;
use super::names::{Kind, check_identifier, valid_label_name, valid_metric_name};
use super::reader::{Cx, Reader};
use crate::codes::Code;
use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::model::{
    CardinalityAlert, Decimal, Downsample, Duration, LabelName, LabelValues, Metric, MetricKind,
    MetricLabel, MetricName, Retention, RuleDialect, Service, ServiceName, Settings, Targets,
    TeamName, Tier, TierName, TierSeverity, Timing, Unit, Version,
};
use crate::source::Span;
use crate::spec::{Node, Scalar};

/// Labels vigil sets itself; users may not set or override them.
pub(crate) const RESERVED_LABELS: &[&str] =
    &["service", "slo", "slo_window", "severity", "tier", "team"];

pub(crate) fn targets(node: &Node, cx: &Cx) -> Targets {
    let r = Reader::new(node, cx);
    let defaults = Targets::default();
    let version = |keyword: &'static str, default: Version| {
        let Some((text, span)) = r.text(keyword) else {
            return default;
        };
        Version::parse(&text).unwrap_or_else(|| {
            cx.report(
                Diagnostic::new(
                    Code::InvalidValue,
                    span,
                    format!("`{text}` is not a version"),
                )
                .label("expected major.minor")
                .help("write the version as a string, e.g. `prometheus \"2.53\"`"),
            );
            default
        })
    };
    let prometheus = version("prometheus", defaults.prometheus);
    let alertmanager = version("alertmanager", defaults.alertmanager);
    let grafana = version("grafana", defaults.grafana);
    let mut rules: Vec<RuleDialect> = Vec::new();
    for (name, span) in r.string_list("rules").unwrap_or_default() {
        match RuleDialect::ALL.iter().find(|(n, _)| *n == name) {
            Some((_, dialect)) => rules.push(*dialect),
            None => cx.report(
                Diagnostic::new(
                    Code::InvalidValue,
                    span,
                    format!("unknown rule dialect `{name}`"),
                )
                .label("not a rule dialect")
                .help(did_you_mean(
                    &name,
                    RuleDialect::ALL.iter().map(|(n, _)| *n),
                    "dialect",
                )),
            ),
        }
    }
    rules.sort();
    rules.dedup();
    if rules.is_empty() {
        rules = defaults.rules;
    }
    r.finish();
    Targets {
        prometheus,
        alertmanager,
        grafana,
        rules,
    }
}

pub(crate) fn settings(node: &Node, scope: &Scope<'_>) -> Settings {
    let r = Reader::new(node, scope.cx);
    let runbook_base_url = r
        .string("runbook-base-url")
        .map(|(s, _)| s.trim_end_matches('/').to_owned());
    let grafana_url = r
        .string("grafana-url")
        .map(|(s, _)| s.trim_end_matches('/').to_owned());
    let templates = r.string("templates").map(|(s, _)| s);
    let compat_sloth = match r.string("compat") {
        Some((value, _)) if value == "sloth" => true,
        Some((value, span)) => {
            scope.cx.report(
                Diagnostic::new(
                    Code::InvalidValue,
                    span,
                    format!("unknown compatibility mode `{value}`"),
                )
                .label("not supported")
                .help("the only compatibility mode is `sloth`"),
            );
            false
        }
        None => false,
    };
    let labels = user_labels(&r, "label");
    let series_budget = r.count("series-budget");
    let cardinality_alert = r.child("cardinality-alert").and_then(|node| {
        let c = Reader::new(node, scope.cx);
        let tier = tier_ref(&c, scope, "the tier the cardinality alert fires at");
        let for_duration = c.duration("for").unwrap_or(Duration::from_secs(900));
        c.finish();
        Some(CardinalityAlert {
            tier: tier?,
            for_duration,
        })
    });
    r.finish();
    Settings {
        runbook_base_url,
        grafana_url,
        templates,
        compat_sloth,
        labels,
        series_budget,
        cardinality_alert,
    }
}

/// `label name "value"` children: extra labels put on generated rules.
pub(crate) fn user_labels(
    r: &Reader<'_, '_>,
    keyword: &'static str,
) -> BTreeMap<LabelName, String> {
    let mut labels = BTreeMap::new();
    for node in r.children(keyword) {
        let l = Reader::new(node, r.cx());
        let name = l.name_arg("label");
        let value = l.arg().and_then(|v| match &v.scalar {
            Scalar::String(s) | Scalar::Number(s) => Some(s.clone()),
            _ => {
                l.wrong_type(v, "a string");
                None
            }
        });
        if value.is_none() {
            l.missing("value", "the label's value");
        }
        l.finish();
        if let (Some((name, span)), Some(value)) = (name, value)
            && let Some(label) = label_name(r.cx(), &name, span, true)
        {
            labels.insert(label, value);
        }
    }
    labels
}

/// Validates a label name; `user` labels may not use the reserved names.
pub(crate) fn label_name(cx: &Cx, name: &str, span: Span, user: bool) -> Option<LabelName> {
    if !valid_label_name(name) {
        cx.report(
            Diagnostic::new(
                Code::InvalidLabel,
                span,
                format!("`{}` is not a valid label name", name.escape_debug()),
            )
            .label("invalid label name"),
        );
        return None;
    }
    if user && RESERVED_LABELS.contains(&name) {
        cx.report(
            Diagnostic::new(
                Code::ReservedLabel,
                span,
                format!("the label `{name}` is reserved"),
            )
            .label("set by vigil")
            .help(format!(
                "vigil sets {} itself; rename this label",
                RESERVED_LABELS.join(", ")
            )),
        );
        return None;
    }
    Some(LabelName::new(name))
}

pub(crate) fn timing(r: &Reader<'_, '_>) -> Timing {
    Timing {
        group_wait: r.duration("group-wait"),
        group_interval: r.positive_duration("group-interval"),
        repeat_interval: r.positive_duration("repeat-interval"),
    }
}

pub(crate) fn tier(node: &Node, scope: &Scope<'_>) -> Option<Tier> {
    let r = Reader::new(node, scope.cx);
    let name = r.name_arg("tier");
    let level = r
        .required("level", "1 for the most urgent tier, up to 9")
        .and_then(|v| {
            let level = r.as_decimal(v)?;
            match u8::try_from(level) {
                Ok(level @ 1..=9) if r.as_decimal(v).is_some_and(|d| d.fract().is_zero()) => {
                    Some(level)
                }
                _ => {
                    scope.cx.report(
                        Diagnostic::new(
                            Code::InvalidValue,
                            v.span,
                            "a tier level is a whole number from 1 to 9",
                        )
                        .label("out of range"),
                    );
                    None
                }
            }
        });
    let severity = r
        .required_string("severity", "critical, warning, info or none")
        .and_then(|(s, span)| {
            let found = TierSeverity::ALL
                .iter()
                .find(|(n, _)| *n == s)
                .map(|(_, sev)| *sev);
            if found.is_none() {
                scope.cx.report(
                    Diagnostic::new(Code::InvalidValue, span, format!("unknown severity `{s}`"))
                        .label("not a severity")
                        .help(did_you_mean(
                            &s,
                            TierSeverity::ALL.iter().map(|(n, _)| *n),
                            "severity",
                        )),
                );
            }
            found
        });
    let page = r.bool("page").unwrap_or(false);
    let notify = r
        .bool("notify")
        .unwrap_or(severity != Some(TierSeverity::None));
    let description = r.string("description").map(|(s, _)| s);
    let timing = timing(&r);
    r.finish();
    let (name, span) = name?;
    check_identifier(scope.cx, &name, span, "tier").then_some(())?;
    Some(Tier {
        name: TierName::new(name),
        level: level?,
        severity: severity?,
        page,
        notify,
        description,
        timing,
    })
}

pub(crate) fn service(node: &Node, scope: &Scope<'_>) -> Option<Service> {
    let r = Reader::new(node, scope.cx);
    let name = r.name_arg("service");
    let team = r.string("team").and_then(|(team, span)| {
        check_identifier(scope.cx, &team, span, "team").then(|| TeamName::new(team))
    });
    let description = r.string("description").map(|(s, _)| s);
    let drop_undeclared = r.bool("drop-undeclared-metrics").unwrap_or(false);
    let mut selector = BTreeMap::new();
    for (key, key_span, value, _) in r.map("selector").unwrap_or_default() {
        if let Some(label) = label_name(scope.cx, &key, key_span, false) {
            selector.insert(label, value);
        }
    }
    r.finish();
    let (name, span) = name?;
    check_identifier(scope.cx, &name, span, "service").then_some(())?;
    Some(Service {
        name: ServiceName::new(name),
        team,
        description,
        selector,
        drop_undeclared,
    })
}

/// A `service=` reference, resolved.
pub(crate) fn service_ref(r: &Reader<'_, '_>, scope: &Scope<'_>) -> Option<ServiceName> {
    let (name, span) = r.string("service")?;
    scope
        .names
        .resolve(scope.cx, Kind::Service, &name, span)
        .then(|| ServiceName::new(name))
}

/// A `tier=` reference, resolved; `what` says what the tier is for when missing.
pub(crate) fn tier_ref(r: &Reader<'_, '_>, scope: &Scope<'_>, what: &str) -> Option<TierName> {
    let (name, span) = r.required_string("tier", what)?;
    scope
        .names
        .resolve(scope.cx, Kind::Tier, &name, span)
        .then(|| TierName::new(name))
}

pub(crate) fn metric(node: &Node, scope: &Scope<'_>) -> Option<Metric> {
    let cx = scope.cx;
    let r = Reader::new(node, cx);
    let name = r.name_arg("metric");
    let kind_text = r.required_string("type", "counter, gauge, histogram or summary");
    let unit = r.string("unit").map(|(u, _)| match u.as_str() {
        "seconds" => Unit::Seconds,
        "bytes" => Unit::Bytes,
        "ratio" => Unit::Ratio,
        _ => Unit::Other(u),
    });
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
    if let (Some(_), false) = (&buckets, matches!(kind, MetricKind::Histogram { .. })) {
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
    } = &kind
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
    naming_lint(cx, &name, name_span, &kind, unit.as_ref());
    let metric = Metric {
        name: MetricName::new(name),
        kind,
        unit,
        service,
        help: help?,
        labels,
        max_series,
    };
    cardinality(cx, &metric, name_span);
    Some(metric)
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

pub(crate) fn retention(node: &Node, scope: &Scope<'_>) -> Option<Retention> {
    let cx = scope.cx;
    let r = Reader::new(node, cx);
    let raw = r.positive_duration("raw");
    if raw.is_none() && r.value("raw").is_none() {
        r.missing("raw", "how long raw samples are kept, e.g. `raw \"30d\"`");
    }
    let local = r.positive_duration("local");
    let size_bytes = r.text("size").and_then(|(text, span)| {
        let bytes = parse_size(&text);
        if bytes.is_none() {
            cx.report(Diagnostic::new(Code::InvalidValue, span, format!("`{text}` is not a size")).label("expected a size").help("write a size such as \"100GB\" (units B, KB, MB, GB, TB, PB; powers of 1024 as in Prometheus)"));
        }
        bytes
    });
    let mut downsamples: Vec<Downsample> = r
        .children("downsample")
        .into_iter()
        .filter_map(|d| {
            let dr = Reader::new(d, cx);
            let resolution = dr.positive_duration("resolution");
            if dr.value("resolution").is_none() {
                dr.missing("resolution", "the downsampled resolution, e.g. \"1h\"");
            }
            let keep = dr.positive_duration("keep");
            if dr.value("keep").is_none() {
                dr.missing("keep", "how long that resolution is kept, e.g. \"90d\"");
            }
            dr.finish();
            Some(Downsample {
                resolution: resolution?,
                keep: keep?,
            })
        })
        .collect();
    downsamples.sort_by_key(|d| d.resolution);
    for node in r.children("downsample") {
        thanos_resolution(node, cx);
    }
    r.finish();
    Some(Retention {
        raw: raw?,
        local,
        downsamples,
        size_bytes,
    })
}

/// Thanos downsamples to 5m and 1h only; say what becomes of any other resolution.
fn thanos_resolution(node: &Node, cx: &Cx) {
    let Some(prop) = node.props.iter().find(|p| p.key == "resolution") else {
        return;
    };
    let crate::spec::Scalar::String(text) = &prop.value.scalar else {
        return;
    };
    let Ok(resolution) = Duration::parse(text) else {
        return;
    };
    if resolution == Duration::from_secs(300) || resolution == Duration::from_secs(3600) {
        return;
    }
    let mapped = if resolution < Duration::from_secs(300) {
        "raw"
    } else if resolution < Duration::from_secs(3600) {
        "5m"
    } else {
        "1h"
    };
    cx.report(
        Diagnostic::new(
            Code::ThanosResolution,
            prop.value.span,
            format!("Thanos has no {resolution} resolution; this tier is kept at {mapped}"),
        )
        .label(format!("mapped to Thanos' {mapped} resolution")),
    );
}

fn parse_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number.parse().ok()?;
    let power = ["B", "KB", "MB", "GB", "TB", "PB"]
        .iter()
        .position(|u| u.eq_ignore_ascii_case(unit.trim()))?;
    number.checked_mul(1024u64.checked_pow(u32::try_from(power).ok()?)?)
}

#[cfg(test)]
mod tests {
    #[test]
    fn sizes() {
        assert_eq!(super::parse_size("100GB"), Some(100 * 1024 * 1024 * 1024));
        assert_eq!(super::parse_size("512MB"), Some(512 * 1024 * 1024));
        assert_eq!(super::parse_size("10"), None);
        assert_eq!(super::parse_size("GB"), None);
        assert_eq!(super::parse_size("99999999999PB"), None);
    }
}
