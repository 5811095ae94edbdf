//! Threshold alerts, anomaly bands, regressions and capacity rules.

use std::collections::BTreeMap;

use super::catalog::{label_name, service_ref, tier_ref, user_labels};
use super::gate::{Tool, supported};
use super::names::check_alert_name;
use super::promql;
use super::reader::{Cx, Reader};
use super::{Scope, runbook};
use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::model::{
    Alert, AlertName, Anomaly, Capacity, Comparison, Condition, Decimal, Duration, LabelName,
    Regression, RuleName, Threshold, Unit, Version,
};
use crate::source::Span;
use crate::spec::Node;

const KEEP_FIRING_FOR: Version = Version::new(2, 42);

pub(crate) fn alert(node: &Node, scope: &Scope<'_>) -> Option<Alert> {
    let cx = scope.cx;
    let r = Reader::new(node, cx);
    let name = r.name_arg("alert");
    let service = service_ref(&r, scope);
    let expr = r
        .required("expr", "the PromQL condition or value")
        .and_then(|v| promql::expr(scope, v));
    let declared_unit = r.string("unit").map(|(unit, _)| Unit::parse(&unit));
    let tier_given = r.value("tier").is_some();
    let tier = if tier_given {
        tier_ref(&r, scope, "the tier")
    } else {
        None
    };
    let thresholds: Vec<Option<Threshold>> = r
        .children("threshold")
        .into_iter()
        .map(|t| threshold(t, scope))
        .collect();
    let for_duration = r.duration("for");
    let keep_firing_for = r.value("keep-firing-for").and_then(|v| {
        let d = r.as_duration(v)?;
        if let Err(diagnostic) = supported(
            scope.targets,
            Tool::Prometheus,
            KEEP_FIRING_FOR,
            "keep-firing-for",
            v.span,
        ) {
            cx.report(*diagnostic);
            return None;
        }
        Some(d)
    });
    let summary = r.required_string("summary", "a static sentence ending with a period");
    let description = r.string("description").map(|(d, _)| d);
    let labels = user_labels(&r, "label");
    let annotations = annotations(&r);
    let runbook = runbook(&r);
    r.finish();

    let (name, name_span) = name?;
    if !check_alert_name(cx, &name, name_span, "alert name") {
        return None;
    }
    let condition = condition(tier_given, tier, thresholds, name_span, cx)?;
    let (summary, summary_span) = summary?;
    if !summary.trim_end().ends_with('.') || summary.contains("{{") {
        cx.report(
            Diagnostic::new(
                Code::Summary,
                summary_span,
                "a summary is a static sentence ending with a period",
            )
            .label("not a static sentence"),
        );
    }
    let expr = expr?;
    let unit = declared_unit.or_else(|| scope.catalog?.unit_of(expr.parsed()?));
    Some(Alert {
        name: AlertName::new(name),
        service,
        expr,
        condition,
        unit,
        for_duration,
        keep_firing_for,
        summary,
        description,
        labels,
        annotations,
        runbook,
    })
}

/// What an alert fires on: its tier's condition (`tier_given`: `tier=` is there, and
/// `tier` is what it resolved to), or its thresholds, all in one direction.
fn condition(
    tier_given: bool,
    tier: Option<crate::model::TierName>,
    thresholds: Vec<Option<Threshold>>,
    name_span: Span,
    cx: &Cx,
) -> Option<Condition> {
    match (tier_given, thresholds.is_empty()) {
        (true, true) => Some(Condition::Expr { tier: tier? }),
        (false, false) => {
            let mut thresholds: Vec<Threshold> = thresholds.into_iter().collect::<Option<_>>()?;
            thresholds.sort_by(|a, b| match a.comparison {
                Comparison::Above => a.value.cmp(&b.value),
                Comparison::Below => b.value.cmp(&a.value),
            });
            if thresholds
                .iter()
                .any(|t| t.comparison != thresholds[0].comparison)
            {
                cx.report(
                    Diagnostic::new(
                        Code::Threshold,
                        name_span,
                        "thresholds of one alert must all be `above` or all `below`",
                    )
                    .label("mixed directions")
                    .help("declare two alerts, one per direction"),
                );
                return None;
            }
            Some(Condition::Thresholds(thresholds))
        }
        (true, false) => {
            cx.report(
                Diagnostic::new(
                    Code::Threshold,
                    name_span,
                    "an alert has either `tier=` or `threshold` children, not both",
                )
                .label("both given"),
            );
            None
        }
        (false, true) => {
            cx.report(
                Diagnostic::new(Code::Threshold, name_span, "this alert has no tier")
                    .label("no `tier=` and no `threshold`"),
            );
            None
        }
    }
}

fn threshold(node: &Node, scope: &Scope<'_>) -> Option<Threshold> {
    let r = Reader::new(node, scope.cx);
    let above = r.decimal("above");
    let below = r.decimal("below");
    let tier = tier_ref(&r, scope, "the tier this threshold fires at");
    r.finish();
    let (comparison, value) = match (above, below) {
        (Some((value, _)), None) => (Comparison::Above, value),
        (None, Some((value, _))) => (Comparison::Below, value),
        _ => {
            scope.cx.report(
                Diagnostic::new(
                    Code::Threshold,
                    node.name_span,
                    "a threshold takes exactly one of `above` and `below`",
                )
                .label("here"),
            );
            return None;
        }
    };
    Some(Threshold {
        comparison,
        value,
        tier: tier?,
    })
}

/// `annotation NAME TEXT` children: one named like vigil's (`summary`, `description`)
/// replaces it; `runbook_url` is refused, since every alert links its generated runbook.
pub(crate) fn annotations(r: &Reader<'_, '_>) -> BTreeMap<LabelName, String> {
    let mut out = BTreeMap::new();
    for node in r.children("annotation") {
        let a = Reader::new(node, r.cx());
        let name = a.name_arg("annotation");
        let value = a.arg().and_then(|v| a.as_string(v));
        if value.is_none() {
            a.missing("value", "the annotation text");
        }
        a.finish();
        let Some((name, span)) = name else { continue };
        if name == crate::conventions::ANNOTATION_RUNBOOK_URL {
            r.cx().report(
                Diagnostic::new(Code::ReservedLabel, span, "the `runbook_url` annotation is vigil's")
                    .label("set by vigil")
                    .help("every alert links its generated runbook; `settings { runbook-base-url \"…\" }` says where the runbooks are published"),
            );
            continue;
        }
        if let (Some(value), Some(label)) = (value, label_name(r.cx(), &name, span, false)) {
            out.insert(label, value);
        }
    }
    out
}

fn rule_name(r: &Reader<'_, '_>, what: &str) -> Option<RuleName> {
    let (name, span) = r.name_arg(what)?;
    super::names::check_identifier(r.cx(), &name, span, what).then(|| RuleName::new(name))
}

fn percent(r: &Reader<'_, '_>, keyword: &'static str, what: &str) -> Option<(Decimal, Span)> {
    let value = r.required(keyword, what)?;
    let p = r.as_decimal(value)?;
    if p <= Decimal::ZERO || p > Decimal::from(1000) {
        r.cx().report(
            Diagnostic::new(
                Code::InvalidValue,
                value.span,
                "a percentage here is above 0 and at most 1000",
            )
            .label("out of range"),
        );
        return None;
    }
    Some((p, value.span))
}

pub(crate) fn anomaly(node: &Node, scope: &Scope<'_>) -> Option<Anomaly> {
    let cx = scope.cx;
    let r = Reader::new(node, cx);
    let name = rule_name(&r, "anomaly");
    let service = service_ref(&r, scope);
    let tier = tier_ref(&r, scope, "the tier the anomaly alert fires at");
    let expr = r
        .required("expr", "the PromQL value to watch")
        .and_then(|v| promql::expr(scope, v));
    let seasons: Vec<(Duration, Span)> = r
        .list("seasonality")
        .unwrap_or_default()
        .into_iter()
        .filter_map(|v| Some((r.as_duration(v)?, v.span)))
        .collect();
    let sensitivity = r
        .decimal("sensitivity")
        .map_or(Decimal::from(3), |(d, _)| d);
    let min_band = r.decimal("min-band").map(|(d, _)| d);
    let window = r
        .positive_duration("window")
        .unwrap_or(Duration::from_secs(3600));
    let for_duration = r.duration("for").unwrap_or(Duration::from_secs(600));
    let labels = user_labels(&r, "label");
    let annotations = annotations(&r);
    let runbook = runbook(&r);
    r.finish();
    let seasonality = seasons_beyond_window(cx, seasons, window)?;
    Some(Anomaly {
        name: name?,
        service,
        tier: tier?,
        expr: expr?,
        seasonality,
        sensitivity,
        min_band,
        window,
        for_duration,
        labels,
        annotations,
        runbook,
    })
}

/// A season is compared through a window centred on the same time one season ago, so it
/// must be longer than the window (else the window would reach into the future).
fn seasons_beyond_window(
    cx: &Cx,
    seasons: Vec<(Duration, Span)>,
    window: Duration,
) -> Option<Vec<Duration>> {
    let mut ok = true;
    for (season, span) in &seasons {
        if *season <= window {
            ok = false;
            cx.report(
                Diagnostic::new(
                    Code::InvalidValue,
                    *span,
                    format!("a season of {season} is not longer than the window ({window})"),
                )
                .label("too short")
                .help("seasons compare with the same time of day or week: use `1d` or `7d`, or shorten `window`"),
            );
        }
    }
    ok.then(|| seasons.into_iter().map(|(season, _)| season).collect())
}

pub(crate) fn regression(node: &Node, scope: &Scope<'_>) -> Option<Regression> {
    let cx = scope.cx;
    let r = Reader::new(node, cx);
    let name = rule_name(&r, "regression");
    let service = service_ref(&r, scope);
    let tier = tier_ref(&r, scope, "the tier the regression alert fires at");
    let expr = r
        .required("expr", "the PromQL value to compare")
        .and_then(|v| promql::expr(scope, v));
    let baseline = r
        .positive_duration("baseline")
        .unwrap_or(Duration::from_days(7));
    let tolerance_percent = percent(
        &r,
        "tolerance",
        "how much worse than the baseline is tolerated, in percent",
    );
    let worse = match r.string("worse") {
        None => Some(Comparison::Above),
        Some((w, _)) if w == "above" => Some(Comparison::Above),
        Some((w, _)) if w == "below" => Some(Comparison::Below),
        Some((w, span)) => {
            cx.report(
                Diagnostic::new(
                    Code::InvalidValue,
                    span,
                    format!("`{w}` is not a direction"),
                )
                .label("expected `above` or `below`"),
            );
            None
        }
    };
    if let (Some(worse), Some((tolerance, span))) = (worse, tolerance_percent) {
        super::ops_lint::regression_tolerance(cx, worse, tolerance, span);
    }
    let for_duration = r.duration("for").unwrap_or(Duration::from_secs(900));
    let labels = user_labels(&r, "label");
    let annotations = annotations(&r);
    let runbook = runbook(&r);
    r.finish();
    Some(Regression {
        name: name?,
        service,
        tier: tier?,
        expr: expr?,
        baseline,
        tolerance_percent: tolerance_percent?.0,
        worse: worse?,
        for_duration,
        labels,
        annotations,
        runbook,
    })
}

pub(crate) fn capacity(node: &Node, scope: &Scope<'_>) -> Option<Capacity> {
    let cx = scope.cx;
    let r = Reader::new(node, cx);
    let name = rule_name(&r, "capacity");
    let service = service_ref(&r, scope);
    let tier = tier_ref(&r, scope, "the tier the capacity alert fires at");
    let usage = r
        .required("usage", "PromQL for what is used")
        .and_then(|v| promql::expr(scope, v));
    let limit = r
        .required("limit", "PromQL for the limit")
        .and_then(|v| promql::expr(scope, v));
    let headroom_percent = percent(
        &r,
        "headroom",
        "the share of the limit at which to alert, e.g. 70",
    );
    let forecast = r.positive_duration("forecast");
    let lookback = r
        .positive_duration("lookback")
        .unwrap_or(Duration::from_secs(6 * 3600));
    let for_duration = r.duration("for").unwrap_or(Duration::from_secs(900));
    let labels = user_labels(&r, "label");
    let annotations = annotations(&r);
    let runbook = runbook(&r);
    r.finish();
    Some(Capacity {
        name: name?,
        service,
        tier: tier?,
        usage: usage?,
        limit: limit?,
        headroom_percent: headroom_percent?.0,
        forecast,
        lookback,
        for_duration,
        labels,
        annotations,
        runbook,
    })
}
