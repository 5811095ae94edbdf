//! One Pyrra SLO onto a vigil draft: its indicator as `query` templates, its window, and
//! Pyrra's burn-rate windows for that window.

use std::collections::BTreeMap;
use std::str::FromStr;

use serde_saphyr::Spanned;

use super::documents::Document;
use super::pyrra_schema::{Indicator, Resource, Target};
use super::{SliDraft, SloDraft, origin};
use crate::codes::Code;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::{Decimal, Duration, Window};
use crate::source::{Sources, Span};

/// The prefix of the resource labels Pyrra copies onto its rules.
const RULE_LABEL_PREFIX: &str = "pyrra.dev/";

pub(super) fn convert(
    sources: &Sources,
    resource: &Resource,
    doc: &Document<'_>,
    span: Span,
    diagnostics: &mut Diagnostics,
) -> Option<SloDraft> {
    let spec = resource.spec.as_ref()?;
    let name = resource.metadata.name.clone().unwrap_or_default();
    let invalid = |span: Span, message: String, help: &str| {
        Diagnostic::new(
            Code::ImportInvalid,
            span,
            format!("SLO `{name}`: {message}"),
        )
        .label("here")
        .help(help.to_owned())
    };
    let objective = spec.target.as_ref().and_then(|t| objective(&t.value));
    let Some(objective) = objective else {
        let at = spec.target.as_ref().map_or(span, |t| doc.span_of(t));
        diagnostics.push(invalid(
            at,
            String::from("`target` is not a percentage strictly between 0 and 100"),
            "Pyrra's target is a percentage as a string, such as \"99.5\"",
        ));
        return None;
    };
    let window = window(spec, doc, span, &name, diagnostics)?;
    let (sli, group_by) = match spec.indicator.as_ref().map(|i| indicator(i, doc)) {
        Some(Ok(sli)) => sli,
        Some(Err(diagnostic)) => {
            diagnostics.push(*diagnostic);
            return None;
        }
        None => {
            diagnostics.push(invalid(span, String::from("needs exactly one indicator: `ratio`, `latency`, `latencyNative` or `bool_gauge`"), "Pyrra requires one too"));
            return None;
        }
    };
    let mut notes = Vec::new();
    let labels = labels(&resource.metadata.labels, &mut notes);
    let (page, ticket) =
        match super::pyrra_alerts::burn_alerts(&spec.alerting, window, objective, &mut notes) {
            Ok(alerts) => alerts,
            Err(message) => {
                diagnostics.push(
                    Diagnostic::new(
                        Code::ImportUnsupported,
                        span,
                        format!("SLO `{name}`: {message}"),
                    )
                    .label("this SLO")
                    .help("give the SLO a longer window, or keep it outside vigil"),
                );
                return None;
            }
        };
    let absent = spec.alerting.disabled != Some(true) && spec.alerting.absent != Some(false);
    // vigil's absent alert watches the total series of a ratio SLI, as Pyrra's does.
    let absent_kept = absent && sli.selectors;
    if absent && !absent_kept {
        notes.push(String::from(
            "Pyrra's absent alert: vigil has none for a query SLI",
        ));
        diagnostics.push(
            Diagnostic::new(Code::ImportDropped, span, format!("SLO `{name}`: Pyrra's absent alert is not carried over"))
                .label("this SLO")
                .help("a query SLI names no series vigil could watch; declare the metrics and write the SLI as a `ratio` or `latency` SLI to have one, or set `alerting.absent: false` at the source"),
        );
    }
    Some(SloDraft {
        name,
        service: resource
            .metadata
            .namespace
            .clone()
            .unwrap_or_else(|| String::from("default")),
        origin: origin(sources, span),
        description: spec.description.clone().filter(|d| !d.trim().is_empty()),
        objective,
        window: Window::Rolling(window),
        sli,
        group_by,
        labels,
        alert_labels: BTreeMap::new(),
        alert_annotations: BTreeMap::new(),
        page,
        ticket,
        absent: absent_kept,
        notes,
    })
}

fn objective(target: &Target) -> Option<Decimal> {
    let text = match target {
        Target::Text(text) => text.trim().to_owned(),
        Target::Number(number) => number.to_string(),
    };
    Decimal::from_str(&text)
        .ok()
        .map(|d| d.normalize())
        .filter(|d| *d > Decimal::ZERO && *d < Decimal::ONE_HUNDRED)
}

type Boxed = Box<Diagnostic>;

/// The SLO's window: a duration of at least a day.
fn window(
    spec: &super::pyrra_schema::SloSpec,
    doc: &Document<'_>,
    span: Span,
    name: &str,
    diagnostics: &mut Diagnostics,
) -> Option<Duration> {
    let window = spec
        .window
        .as_ref()
        .and_then(|w| Duration::parse(&w.value).ok());
    let Some(window) = window else {
        let at = spec.window.as_ref().map_or(span, |w| doc.span_of(w));
        diagnostics.push(
            Diagnostic::new(
                Code::ImportInvalid,
                at,
                format!("SLO `{name}`: `window` is missing or not a duration"),
            )
            .label("here")
            .help("Pyrra's window is a Prometheus duration such as `4w` or `28d`"),
        );
        return None;
    };
    if window < Duration::from_days(1) {
        diagnostics.push(
            Diagnostic::new(Code::ImportUnsupported, doc.span_of(spec.window.as_ref()?), format!("SLO `{name}`: a window of {window} is shorter than a day"))
                .label("this window")
                .help("vigil's SLO windows are at least a day; Pyrra's burn windows for it would be shorter than vigil's 5-minute rates"),
        );
        return None;
    }
    Some(window)
}

/// The indicator as templates over `{{ window }}`, the same sums Pyrra's rules take.
fn indicator(indicator: &Indicator, doc: &Document<'_>) -> Result<(SliDraft, Vec<String>), Boxed> {
    let window = "[{{ window }}]";
    let (sli, grouping) = match (
        &indicator.ratio,
        &indicator.latency,
        &indicator.latency_native,
        &indicator.bool_gauge,
    ) {
        // Two counters: vigil's own ratio SLI, which rates and groups them as Pyrra does.
        (Some(ratio), None, None, None) => (
            SliDraft::ratio(
                selector(doc, &ratio.errors.metric)?,
                selector(doc, &ratio.total.metric)?,
            ),
            &ratio.grouping,
        ),
        (None, Some(latency), None, None) => {
            let sum = by(&latency.grouping);
            let total = format!(
                "{sum}(rate({}{window}))",
                selector(doc, &latency.total.metric)?
            );
            let success = format!(
                "{sum}(rate({}{window}))",
                selector(doc, &latency.success.metric)?
            );
            (
                SliDraft::query(format!("{total} - {success}"), total),
                &latency.grouping,
            )
        }
        (None, None, Some(native), None) => {
            let sum = by(&native.grouping);
            let seconds = Duration::parse(native.latency.value.trim()).map_err(|_| {
                Box::new(
                    Diagnostic::new(
                        Code::ImportInvalid,
                        doc.span_of(&native.latency),
                        "`latency` is not a duration",
                    )
                    .label("here")
                    .help("Pyrra's native latency target is a duration such as `500ms`"),
                )
            })?;
            let seconds = crate::model::format_decimal(
                Decimal::from(seconds.as_millis()) / Decimal::from(1000),
            );
            let rate = format!(
                "{sum}(rate({}{window}))",
                selector(doc, &native.total.metric)?
            );
            (
                SliDraft::query(
                    format!(
                        "histogram_count({rate}) * (1 - histogram_fraction(0, {seconds}, {rate}))"
                    ),
                    format!("histogram_count({rate})"),
                ),
                &native.grouping,
            )
        }
        (None, None, None, Some(gauge)) => {
            let sum = by(&gauge.grouping);
            let metric = selector(doc, &gauge.metric)?;
            let count = format!("{sum}(count_over_time({metric}{window}))");
            (
                SliDraft::query(
                    format!("{count} - {sum}(sum_over_time({metric}{window}))"),
                    count,
                ),
                &gauge.grouping,
            )
        }
        _ => {
            return Err(Box::new(
                Diagnostic::new(Code::ImportInvalid, doc.head(), "a Pyrra SLO needs exactly one indicator: `ratio`, `latency`, `latencyNative` or `bool_gauge`")
                    .label("this SLO")
                    .help("Pyrra requires one too"),
            ));
        }
    };
    Ok((sli, validated(grouping, doc)?))
}

/// A Pyrra `metric`: a series selector, as written.
fn selector(doc: &Document<'_>, metric: &Spanned<String>) -> Result<String, Boxed> {
    let text = metric.value.trim();
    match promql_parser::parser::parse(text) {
        Ok(promql_parser::parser::Expr::VectorSelector(_)) => Ok(text.to_owned()),
        _ => Err(Box::new(
            Diagnostic::new(
                Code::ImportInvalid,
                doc.span_of(metric),
                format!("`{text}` is not a metric selector"),
            )
            .label("here")
            .help(
                "Pyrra's `metric` is a series selector such as `http_requests_total{job=\"api\"}`",
            ),
        )),
    }
}

/// `sum`, or `sum by (…) ` over the grouping labels.
fn by(grouping: &[String]) -> String {
    if grouping.is_empty() {
        String::from("sum")
    } else {
        format!("sum by ({}) ", grouping.join(", "))
    }
}

/// The grouping as the SLO's sorted `group-by`: label names, none of them vigil's own.
fn validated(grouping: &[String], doc: &Document<'_>) -> Result<Vec<String>, Boxed> {
    if let Some(label) = grouping.iter().find(|l| !crate::check::valid_label_name(l)) {
        return Err(Box::new(
            Diagnostic::new(
                Code::ImportInvalid,
                doc.head(),
                format!("`{label}` in `grouping` is not a label name"),
            )
            .label("this SLO")
            .help("a label name is letters, digits and `_`, not starting with a digit"),
        ));
    }
    if let Some(label) = super::grouping::reserved(grouping) {
        return Err(Box::new(
            Diagnostic::new(
                Code::ImportUnsupported,
                doc.head(),
                format!("`grouping` keeps a series per `{label}`, a label vigil sets itself"),
            )
            .label("this SLO")
            .help(super::grouping::RESERVED_HELP),
        ));
    }
    let mut group_by = grouping.to_vec();
    group_by.sort();
    group_by.dedup();
    Ok(group_by)
}

/// Resource labels under `pyrra.dev/` become the SLO's labels, as Pyrra copies them onto
/// its rules; the others select the `PrometheusRule` resource and are noted.
fn labels(labels: &BTreeMap<String, String>, notes: &mut Vec<String>) -> BTreeMap<String, String> {
    let mut kept = BTreeMap::new();
    for (key, value) in labels {
        match key.strip_prefix(RULE_LABEL_PREFIX) {
            Some(name) if crate::check::valid_label_name(name) && !crate::conventions::RESERVED_LABELS.contains(&name) => {
                kept.insert(name.to_owned(), value.clone());
            }
            Some(name) => notes.push(format!("resource label {key}={value:?} not carried over: vigil sets `{name}` itself")),
            None => notes.push(format!("resource label {key}={value:?} not carried over: it is the resource's, not the rules'")),
        }
    }
    kept
}
