//! One Sloth SLO onto a vigil draft: its SLI templates, labels, alerts and the burn
//! windows of the period's catalog.

use std::collections::BTreeMap;
use std::str::FromStr;

use super::documents::Document;
use super::grouping::{RESERVED_HELP, SliGrouping, reserved, sli_grouping};
use super::sloth_schema::{
    AlertWindows, Catalog, PromSlo, PromSpec, WindowSpec, plugin_diagnostic, report_plugins,
};
use super::{SliDraft, SloDraft, origin, promql_template};
use crate::codes::Code;
use crate::conventions::RESERVED_LABELS;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::{BurnWindow, Decimal, Duration, Window};
use crate::source::{Sources, Span};
use serde_saphyr::Spanned;

pub(super) fn convert(
    sources: &Sources,
    spec: &PromSpec,
    slo: &Spanned<PromSlo>,
    doc: &Document<'_>,
    period: Duration,
    catalog: Option<&Catalog>,
    diagnostics: &mut Diagnostics,
) -> Option<SloDraft> {
    let span = doc.span_of(slo);
    let slo_ref = &slo.value;
    let mut plugin = false;
    if let Some(plugins) = &slo_ref.plugins {
        plugin |= report_plugins(plugins, doc, "the SLO plugin", diagnostics);
    }
    if spec
        .slo_plugins
        .as_ref()
        .is_some_and(|p| !p.chain.is_empty())
    {
        plugin = true;
    }
    let sli = match (&slo_ref.sli.events, &slo_ref.sli.raw, &slo_ref.sli.plugin) {
        (_, _, Some(p)) => {
            diagnostics.push(plugin_diagnostic(
                doc.span_of(&p.id),
                &p.id.value,
                "the SLI plugin",
            ));
            return None;
        }
        (Some(events), None, None) => SliDraft::query(
            promql_template(&events.error_query.value),
            promql_template(&events.total_query.value),
        ),
        (None, Some(raw), None) => raw_sli(&raw.error_ratio_query.value),
        _ => {
            diagnostics.push(
                Diagnostic::new(
                    Code::ImportInvalid,
                    span,
                    format!("SLO `{}` needs exactly one SLI kind", slo_ref.name),
                )
                .label("this SLO")
                .help("give the SLI as `events`, `raw` or `plugin`"),
            );
            return None;
        }
    };
    if plugin || !valid(slo_ref, doc, span, diagnostics) {
        return None;
    }
    let Some(objective) =
        decimal(slo_ref.objective).filter(|o| *o > Decimal::ZERO && *o < Decimal::ONE_HUNDRED)
    else {
        diagnostics.push(
            Diagnostic::new(
                Code::ImportInvalid,
                span,
                format!(
                    "SLO `{}`: objective {} is not strictly between 0 and 100",
                    slo_ref.name, slo_ref.objective
                ),
            )
            .label("this SLO"),
        );
        return None;
    };
    let mut notes = Vec::new();
    let group_by = group_by(slo_ref, span, &mut notes, diagnostics)?;
    let labels = labels(spec, slo_ref, span, &mut notes, diagnostics);
    let alerts = super::sloth_alerts::alerting(slo_ref, catalog, span, &mut notes, diagnostics);
    if catalog.is_none() && ![30, 28].contains(&(period.as_millis() / 86_400_000)) {
        notes.push(format!("Sloth has no built-in windows for {period}: vigil's default shares of the budget are used"));
    }
    Some(SloDraft {
        name: slo_ref.name.clone(),
        service: spec.service.clone(),
        origin: origin(sources, span),
        description: slo_ref.description.clone(),
        objective,
        window: Window::Rolling(period),
        sli,
        group_by,
        labels,
        alert_labels: alerts.labels,
        alert_annotations: alerts.annotations,
        page: alerts.page,
        ticket: alerts.ticket,
        absent: false,
        notes,
    })
}

/// A raw error ratio over `{{ window }}`: recorded as the 5m ratio over a total of one per
/// evaluation, so windows average the 5m ratios (Sloth's own period SLI); a NaN ratio
/// (no traffic) is dropped instead of poisoning every window that contains it.
fn raw_sli(query: &str) -> SliDraft {
    let ratio = promql_template(query);
    SliDraft::query(
        format!("({ratio}) >= 0"),
        format!("(({ratio}) >= 0) * 0 + 1"),
    )
}

/// The SLI's queries by their Sloth keys.
fn queries(slo: &PromSlo) -> Vec<(&'static str, &Spanned<String>)> {
    match (&slo.sli.events, &slo.sli.raw) {
        (Some(events), _) => vec![
            ("error_query", &events.error_query),
            ("total_query", &events.total_query),
        ],
        (None, Some(raw)) => vec![("error_ratio_query", &raw.error_ratio_query)],
        (None, None) => Vec::new(),
    }
}

/// What Sloth checks before it generates: every query is PromQL over `{{.window}}`, and
/// alerts that are on have a name. Problems point into the source, not the written spec.
fn valid(slo: &PromSlo, doc: &Document<'_>, span: Span, diagnostics: &mut Diagnostics) -> bool {
    let mut valid = true;
    for (role, query) in queries(slo) {
        let template = promql_template(&query.value);
        let problem = if template.contains("{{ window }}") {
            let text = crate::model::substitute_window(&template, "5m");
            promql_parser::parser::parse(&text).err().map(|error| {
                format!(
                    "`{role}` is not PromQL: {}",
                    error.lines().next().unwrap_or("invalid PromQL")
                )
            })
        } else {
            Some(format!("`{role}` has no `{{{{.window}}}}`"))
        };
        if let Some(message) = problem {
            valid = false;
            diagnostics.push(
                Diagnostic::new(Code::ImportInvalid, doc.span_of(query), format!("SLO `{}`: {message}", slo.name))
                    .label("this query")
                    .help("Sloth refuses it too: a query is PromQL with `{{.window}}` where each alert window's range goes (`rate(x[{{.window}}])`)"),
            );
        }
    }
    let alerting = &slo.alerting;
    let alerts_on = !alerting.page_alert.disable || !alerting.ticket_alert.disable;
    if alerts_on && alerting.name.as_deref().is_none_or(|n| n.trim().is_empty()) {
        valid = false;
        diagnostics.push(
            Diagnostic::new(
                Code::ImportInvalid,
                span,
                format!("SLO `{}`: alerts are on but `alerting.name` is missing", slo.name),
            )
            .label("this SLO")
            .help("Sloth refuses it too: name the alerts (`alerting: {name: …}`) or disable both (`page_alert: {disable: true}`, `ticket_alert: {disable: true}`)"),
        );
    }
    valid
}

/// The labels the SLI's queries keep: Sloth judges each of their series on its own.
fn group_by(
    slo: &PromSlo,
    span: Span,
    notes: &mut Vec<String>,
    diagnostics: &mut Diagnostics,
) -> Option<Vec<String>> {
    let queries: Vec<(&str, &str)> = queries(slo)
        .into_iter()
        .map(|(role, query)| (role, query.value.as_str()))
        .collect();
    match sli_grouping(&queries) {
        SliGrouping::Labels(labels) => {
            if let Some(label) = reserved(&labels) {
                diagnostics.push(
                    Diagnostic::new(
                        Code::ImportUnsupported,
                        span,
                        format!("SLO `{}`: the queries keep a series per `{label}`, a label vigil sets itself", slo.name),
                    )
                    .label("this SLO")
                    .help(RESERVED_HELP),
                );
                return None;
            }
            Some(labels)
        }
        SliGrouping::Mismatched(why) => {
            diagnostics.push(
                Diagnostic::new(Code::ImportInvalid, span, format!("SLO `{}`: {why}", slo.name))
                    .label("this SLO")
                    .help("Sloth divides the error series by the total series of the same labels: group both queries `by` the same labels"),
            );
            None
        }
        SliGrouping::Unknown(why) => {
            notes.push(format!("assumed: {why}; summed to one series"));
            diagnostics.push(
                Diagnostic::new(
                    Code::ImportAssumed,
                    span,
                    format!("SLO `{}`: {why}; the SLO is summed to one series", slo.name),
                )
                .label("this SLO")
                .help("aggregate the queries with `sum(…) by (labels)` (one SLO series per combination), or `sum(…)` for one series, then import again"),
            );
            Some(Vec::new())
        }
    }
}

fn decimal(value: f64) -> Option<Decimal> {
    Decimal::from_str(&value.to_string()).ok()
}

fn labels(
    spec: &PromSpec,
    slo: &PromSlo,
    span: Span,
    notes: &mut Vec<String>,
    diagnostics: &mut Diagnostics,
) -> BTreeMap<String, String> {
    let mut labels = spec.labels.clone();
    labels.extend(slo.labels.clone());
    let reserved: Vec<String> = labels
        .keys()
        .filter(|k| RESERVED_LABELS.contains(&k.as_str()))
        .cloned()
        .collect();
    for key in &reserved {
        let value = labels.remove(key).unwrap_or_default();
        notes.push(format!(
            "label {key}={value:?} dropped: vigil sets `{key}` itself"
        ));
    }
    if !reserved.is_empty() {
        diagnostics.push(
            Diagnostic::new(
                Code::ImportDropped,
                span,
                format!(
                    "SLO `{}`: reserved label {} not carried over",
                    slo.name,
                    quoted(&reserved)
                ),
            )
            .label("this SLO")
            .help("vigil sets these labels itself; rename the label in the source to keep it"),
        );
    }
    labels
}

fn quoted(items: &[String]) -> String {
    items
        .iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn catalog(
    windows: &AlertWindows,
    doc: &Document<'_>,
    diagnostics: &mut Diagnostics,
) -> Option<(Duration, Catalog)> {
    let span = doc.span_of(&windows.spec);
    let spec = &windows.spec.value;
    let invalid = |what: &str| {
        Diagnostic::new(Code::ImportInvalid, span, format!("alert windows: {what}"))
            .label("this catalog")
            .help("durations are Prometheus durations (`5m`, `1h`, `30d`); budget percents are above 0")
    };
    let Ok(period) = Duration::parse(&spec.slo_period) else {
        diagnostics.push(invalid(&format!("`{}` is not a duration", spec.slo_period)));
        return None;
    };
    let window = |w: &WindowSpec| -> Option<BurnWindow> {
        let long = Duration::parse(&w.long_window).ok()?;
        let short = Duration::parse(&w.short_window).ok()?;
        let budget = decimal(w.error_budget_percent).filter(|b| *b > Decimal::ZERO)?;
        Some(BurnWindow::new(long, short, budget))
    };
    let all = [
        &spec.page.quick,
        &spec.page.slow,
        &spec.ticket.quick,
        &spec.ticket.slow,
    ];
    let parsed: Option<Vec<BurnWindow>> = all.into_iter().map(window).collect();
    let Some(mut parsed) = parsed else {
        diagnostics.push(invalid("a window has an invalid duration or budget"));
        return None;
    };
    let ticket = parsed.split_off(2);
    Some((
        period,
        Catalog {
            page: parsed,
            ticket,
        },
    ))
}
