//! SLOs: objective, window, SLI, burn-rate alerting, and their cross-checks against the
//! metric catalog, the tiers and retention.

use std::collections::BTreeMap;

use super::catalog::{label_name, user_labels};
use super::names::{Kind, check_identifier};
use super::promql;
use super::reader::Reader;
use super::{Scope, runbook};
use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::model::{
    CalendarPeriod, Duration, Events, HistogramMode, Metric, MetricKind, MetricName, Objective,
    Retention, ServiceName, Sli, Slo, SloName, Tier, Window, format_decimal,
};
use crate::source::Span;
use crate::spec::Node;

mod alerting;

pub(crate) use alerting::NameSpans;
use alerting::{Naming, alerting, impossible_tiers};

/// A checked SLO and where its names are: for the checks across SLOs.
pub(crate) struct Checked {
    pub(crate) slo: Slo,
    pub(crate) name_span: Span,
    pub(crate) alert_spans: NameSpans,
}

#[derive(Clone, Copy)]
pub(crate) struct SloScope<'a> {
    pub(crate) scope: &'a Scope<'a>,
    pub(crate) tiers: &'a [Tier],
    pub(crate) metrics: &'a [Metric],
    pub(crate) retention: Option<&'a Retention>,
}

pub(crate) fn slo(node: &Node, s: &SloScope<'_>) -> Option<Checked> {
    let scope = s.scope;
    let cx = scope.cx;
    let r = Reader::new(node, cx);
    let name = r.name_arg("SLO");
    let service = match r.required_string("service", "the service this SLO belongs to") {
        Some((service, span)) => scope
            .names
            .resolve(cx, Kind::Service, &service, span)
            .then(|| ServiceName::new(service)),
        None => None,
    };
    let description = r.string("description").map(|(d, _)| d);
    let objective = r
        .required("objective", "a percentage such as 99.9")
        .and_then(|value| {
            let percent = r.as_decimal(value)?;
            let objective = Objective::new(percent);
            if objective.is_none() {
                cx.report(
                    Diagnostic::new(
                        Code::Objective,
                        value.span,
                        format!(
                            "objective {} is not strictly between 0 and 100",
                            format_decimal(percent)
                        ),
                    )
                    .label("out of range"),
                );
            }
            objective
        });
    let (window, window_span) = window(&r).unzip();
    let sli = sli(&r, s);
    let grouping = r.string_list("group-by").unwrap_or_default();
    let group_by = grouping
        .iter()
        .filter_map(|(label, span)| label_name(cx, label, *span, true))
        .collect();
    let labels = user_labels(&r, "label");
    let naming = Naming {
        stem: match (&name, &service) {
            (Some((name, _)), Some(service)) => {
                crate::conventions::slo_alert_stem(service.as_str(), name)
            }
            _ => String::new(),
        },
        span: name.as_ref().map_or(r.name_span(), |(_, span)| *span),
    };
    let (alerting, alert_spans) = alerting(&r, s, &naming);
    let runbook = runbook(&r);
    r.finish();

    let (name, name_span) = name?;
    check_identifier(cx, &name, name_span, "SLO").then_some(())?;
    let slo = Slo {
        name: SloName::new(name),
        service: service?,
        description,
        objective: objective?,
        window: window?,
        sli: sli?,
        group_by,
        alerting,
        labels,
        runbook,
    };
    let window_span = window_span.unwrap_or(name_span);
    if let Some(catalog) = scope.catalog {
        // Invalid and reserved names are reported already.
        let valid: Vec<(String, Span)> = grouping
            .into_iter()
            .filter(|(label, _)| {
                crate::check::names::valid_label_name(label)
                    && !crate::conventions::RESERVED_LABELS.contains(&label.as_str())
            })
            .collect();
        catalog.check_grouping(cx, &sli_series(&slo.sli), &valid);
    }
    impossible_tiers(&slo, cx, name_span);
    retention_conflict(&slo, s.retention, window_span, s);
    Some(Checked {
        slo,
        name_span,
        alert_spans,
    })
}

/// The series an SLI reads by name, for the labels its `group-by` may use.
fn sli_series(sli: &Sli) -> Vec<String> {
    match sli {
        Sli::Ratio { events, total } => {
            let (Events::Errors(events) | Events::Good(events)) = events;
            [events, total]
                .iter()
                .filter_map(|selector| selector.metric())
                .map(|name| name.as_str().to_owned())
                .collect()
        }
        Sli::Latency { metric, .. } => vec![format!("{metric}_count")],
        Sli::Availability { metric } => metric
            .metric()
            .map(|name| name.as_str().to_owned())
            .into_iter()
            .collect(),
        Sli::Query { .. } => Vec::new(),
    }
}

fn window(r: &Reader<'_, '_>) -> Option<(Window, Span)> {
    if let Some(child) = r.child("window").filter(|c| !c.props.is_empty()) {
        let w = Reader::new(child, r.cx());
        let period = w.required_string("calendar", "`month` or `week`");
        w.finish();
        let (period, span) = period?;
        return match period.as_str() {
            "month" => Some((Window::Calendar(CalendarPeriod::Month), span)),
            "week" => Some((Window::Calendar(CalendarPeriod::Week), span)),
            other => {
                r.cx().report(
                    Diagnostic::new(
                        Code::InvalidValue,
                        span,
                        format!("unknown calendar period `{other}`"),
                    )
                    .label("not a period")
                    .help("write `calendar=\"month\"` or `calendar=\"week\"`"),
                );
                None
            }
        };
    }
    let Some(value) = r.value("window") else {
        r.missing(
            "window",
            "the compliance period, e.g. `window \"30d\"` or `window calendar=\"month\"`",
        );
        return None;
    };
    let duration = r.as_duration(value)?;
    if duration < Duration::from_days(1) {
        r.cx().report(
            Diagnostic::new(
                Code::Duration,
                value.span,
                "an SLO window must be at least one day",
            )
            .label("too short")
            .help("SLO windows are usually 7d, 28d or 30d"),
        );
        return None;
    }
    Some((Window::Rolling(duration), value.span))
}

fn sli(parent: &Reader<'_, '_>, s: &SloScope<'_>) -> Option<Sli> {
    let cx = s.scope.cx;
    let Some(node) = parent.child("sli") else {
        parent.missing(
            "sli",
            "how good and bad events are counted: `sli { ratio errors=\"…\" total=\"…\" }`",
        );
        return None;
    };
    let r = Reader::new(node, cx);
    let ratio = r.child("ratio");
    let latency = r.child("latency");
    let availability = r.child("availability");
    let query = r.child("query");
    r.finish();
    let given: Vec<&Node> = [ratio, latency, availability, query]
        .into_iter()
        .flatten()
        .collect();
    if given.len() != 1 {
        let (span, message) = match given.get(1) {
            Some(second) => (second.name_span, "an SLI has exactly one kind"),
            None => (node.name_span, "this SLI declares no kind"),
        };
        cx.report(Diagnostic::new(Code::Sli, span, message).label("here"));
        return None;
    }
    if let Some(node) = ratio {
        let r = Reader::new(node, cx);
        let errors = r
            .value("errors")
            .and_then(|v| promql::selector(s.scope, v, promql::Usage::Rated));
        let good = r
            .value("good")
            .and_then(|v| promql::selector(s.scope, v, promql::Usage::Rated));
        let total = r
            .required("total", "the selector counting all events")
            .and_then(|v| promql::selector(s.scope, v, promql::Usage::Rated));
        let given = u8::from(r.value("errors").is_some()) + u8::from(r.value("good").is_some());
        r.finish();
        if given != 1 {
            cx.report(
                Diagnostic::new(
                    Code::Sli,
                    node.name_span,
                    "a ratio SLI takes exactly one of `errors` and `good`",
                )
                .label("here"),
            );
            return None;
        }
        let events = match (errors, good) {
            (Some(errors), None) => Events::Errors(errors),
            (None, Some(good)) => Events::Good(good),
            _ => return None,
        };
        return Some(Sli::Ratio {
            events,
            total: total?,
        });
    }
    if let Some(node) = latency {
        return latency_sli(node, s);
    }
    if let Some(node) = availability {
        let r = Reader::new(node, cx);
        let metric = r
            .required("metric", "a 0/1 gauge such as `up{job=\"x\"}`")
            .and_then(|v| promql::selector(s.scope, v, promql::Usage::AsIs));
        r.finish();
        return Some(Sli::Availability { metric: metric? });
    }
    let node = query?;
    let r = Reader::new(node, cx);
    let errors = r
        .required("errors", "PromQL for the error rate over `{{ window }}`")
        .and_then(|v| promql::template(s.scope, v));
    let total = r
        .required("total", "PromQL for the total rate over `{{ window }}`")
        .and_then(|v| promql::template(s.scope, v));
    r.finish();
    Some(Sli::Query {
        errors: errors?,
        total: total?,
    })
}

fn latency_sli(node: &Node, s: &SloScope<'_>) -> Option<Sli> {
    let cx = s.scope.cx;
    let r = Reader::new(node, cx);
    let metric = r.required_string("metric", "the histogram to read");
    let threshold_value = r.required(
        "threshold",
        "the latency that counts as good, e.g. \"50ms\"",
    );
    let threshold = threshold_value.and_then(|v| r.as_duration(v));
    let mut matchers = BTreeMap::new();
    let written = r.map("match").unwrap_or_default();
    for (key, key_span, value, _) in &written {
        if let Some(label) = label_name(cx, key, *key_span, false) {
            matchers.insert(label, value.clone());
        }
    }
    r.finish();
    let (metric, metric_span) = metric?;
    if let Some(catalog) = s.scope.catalog {
        catalog.check_matchers(cx, &format!("{metric}_bucket"), &written);
    }
    if !s
        .scope
        .names
        .resolve(cx, Kind::Metric, &metric, metric_span)
    {
        return None;
    }
    let threshold = threshold?;
    // Sorted by name in check::check.
    let found = s
        .metrics
        .binary_search_by(|m| m.name.as_str().cmp(metric.as_str()));
    let declared = &s.metrics[found.ok()?];
    let MetricKind::Histogram { buckets, native } = &declared.kind else {
        cx.report(
            Diagnostic::new(
                Code::LatencyMetric,
                metric_span,
                format!(
                    "`{metric}` is a {}, not a histogram",
                    declared.kind.as_str()
                ),
            )
            .label("not a histogram"),
        );
        return None;
    };
    let histogram = if *native && buckets.is_empty() {
        HistogramMode::Native
    } else {
        HistogramMode::Classic
    };
    if histogram == HistogramMode::Classic && !buckets.contains(&threshold.as_decimal_secs()) {
        let listed: Vec<String> = buckets.iter().map(|b| format_decimal(*b)).collect();
        let span = threshold_value.map_or(metric_span, |v| v.span);
        cx.report(
            Diagnostic::new(
                Code::ThresholdNotBucket,
                span,
                format!("{threshold} is not a bucket boundary of `{metric}`"),
            )
            .label(format!(
                "{} seconds has no `le` bucket",
                format_decimal(threshold.as_decimal_secs())
            ))
            .help(format!(
                "use one of the declared boundaries (seconds): {}",
                listed.join(", ")
            )),
        );
        return None;
    }
    Some(Sli::Latency {
        metric: MetricName::new(metric),
        threshold,
        matchers,
        histogram,
    })
}

fn retention_conflict(slo: &Slo, retention: Option<&Retention>, span: Span, s: &SloScope<'_>) {
    let Some(retention) = retention else { return };
    let kept = retention.local_or_raw();
    if slo.window.period() > kept {
        s.scope.cx.report(
            Diagnostic::new(
                Code::WindowExceedsRetention,
                span,
                format!(
                    "SLO `{}` spans {} but raw samples are kept {kept}",
                    slo.name,
                    slo.window.period()
                ),
            )
            .label("longer than retention"),
        );
    }
}
