//! What the catalog check reports: a name, label or value the catalog does not know.

use std::collections::BTreeSet;

use promql_parser::label::{MatchOp, Matcher};

use crate::check::reader::Cx;
use crate::codes::Code;
use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::model::{LabelValues, Metric, MetricKind, format_decimal};
use crate::source::Span;

pub(super) fn unknown_label(
    cx: &Cx,
    metric: &str,
    label: &str,
    span: Span,
    labels: &BTreeSet<&str>,
) {
    let help = match did_you_mean(label, labels.iter().copied(), "label") {
        suggestion if suggestion.starts_with("did you mean") => suggestion,
        _ => format!(
            "`{metric}` has the labels {}; declare `label {label} …` on the metric, or list it in its service's `target-labels`",
            labels
                .iter()
                .map(|l| format!("`{l}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    cx.report(
        Diagnostic::new(
            Code::UnknownLabel,
            span,
            format!("`{metric}` has no label `{label}`"),
        )
        .label("not a declared label")
        .help(help),
    );
}

/// A matcher that selects none of an enumerated label's declared values (and not the
/// label's absence either) can never match a series.
pub(super) fn unmatched_value(cx: &Cx, metric: &Metric, matcher: &Matcher, span: Span) {
    let Some(LabelValues::Enumerated(values)) = metric
        .labels
        .iter()
        .find(|l| l.name.as_str() == matcher.name)
        .map(|l| &l.values)
    else {
        return;
    };
    if matcher.is_match("") || values.iter().any(|v| matcher.is_match(v)) {
        return;
    }
    let declared: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
    unmatched(
        cx,
        span,
        format!(
            "`{matcher}` matches none of the declared values of `{}`",
            matcher.name
        ),
        "matches no declared value",
        format!(
            "`{}` on `{}` takes {}; fix the matcher, or add the value to the label's declaration",
            matcher.name,
            metric.name,
            declared.join(", ")
        ),
    );
}

/// An `le` matcher that selects no declared bucket boundary.
pub(super) fn unmatched_bucket(cx: &Cx, metric: &Metric, matcher: &Matcher, span: Span) {
    let MetricKind::Histogram { buckets, .. } = &metric.kind else {
        return;
    };
    let mut boundaries: Vec<String> = buckets.iter().map(|b| format_decimal(*b)).collect();
    boundaries.push(String::from("+Inf"));
    let numeric = |text: &str| text.parse::<f64>().ok();
    let matches = |boundary: &String| {
        matcher.is_match(boundary)
            || (matches!(matcher.op, MatchOp::Equal)
                && numeric(&matcher.value).is_some()
                && numeric(&matcher.value) == numeric(boundary))
    };
    if boundaries.iter().any(matches) {
        return;
    }
    unmatched(
        cx,
        span,
        format!(
            "`{matcher}` matches no bucket boundary of `{}`",
            metric.name
        ),
        "no such bucket",
        format!("the declared boundaries are {}", boundaries.join(", ")),
    );
}

fn unmatched(cx: &Cx, span: Span, message: String, label: &str, help: String) {
    cx.report(
        Diagnostic::new(Code::UnmatchedValue, span, message)
            .label(label)
            .help(help),
    );
}
