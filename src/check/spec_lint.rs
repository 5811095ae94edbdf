//! Checks of the spec as a whole rather than of one declaration: a spec that declares
//! nothing, runbook links no receiver can open, SLOs whose alerts would share names, and
//! the series budget of the whole catalog.

use super::Decls;
use super::metric;
use super::reader::Cx;
use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::spec::{Node, RawSpec};

/// Notifications carry `runbook_url`; without a base URL it is a path relative to the
/// output folder, which nobody reading a page at 3 a.m. can open.
pub(super) fn relative_runbooks(
    settings: &crate::model::Settings,
    routing: Option<&Node>,
    cx: &Cx,
) {
    let (None, Some(routing)) = (&settings.runbook_base_url, routing) else {
        return;
    };
    cx.report(
        Diagnostic::new(
            Code::RelativeRunbookUrl,
            routing.name_span,
            "notifications link runbooks by a relative path (`docs/runbooks/<Alert>.md`) that no receiver can open",
        )
        .label("alerts are sent from here")
        .help("set `settings { runbook-base-url \"https://…\" }` to where the output folder is published; `runbook_url` is that URL followed by `/docs/runbooks/<Alert>.md`"),
    );
}

/// Two SLOs whose names differ only in separators (`api-latency`, `api_latency`) would
/// give their alerts, runbooks and silences the same names.
pub(super) fn alike_alert_names(slos: &[&Node], cx: &Cx) {
    let mut seen: std::collections::BTreeMap<String, (&str, crate::source::Span)> =
        std::collections::BTreeMap::new();
    for node in slos {
        let Some(crate::spec::Scalar::String(name)) = node.args.first().map(|a| &a.scalar) else {
            continue;
        };
        let span = node.args[0].span;
        let stem = crate::conventions::camel_case(name);
        match seen.get(&stem) {
            Some((first, first_span)) if *first != name.as_str() => cx.report(
                Diagnostic::new(
                    Code::DuplicateName,
                    span,
                    format!(
                        "SLOs `{first}` and `{name}` would both name their alerts `{}`",
                        crate::conventions::slo_alerts::page(name)
                    ),
                )
                .label("same alert names as another SLO")
                .note(*first_span, "this SLO's alerts have the same names")
                .help("rename one of them: alert names, runbook pages and silences must tell them apart"),
            ),
            _ => {
                seen.insert(stem, (name.as_str(), span));
            }
        }
    }
}

/// A spec that declares nothing generates nothing: almost certainly not what was meant.
pub(super) fn empty(spec: &RawSpec, decls: &Decls<'_>, cx: &Cx) {
    let declares_nothing = decls.tiers.is_empty()
        && decls.services.is_empty()
        && decls.metrics.is_empty()
        && decls.slos.is_empty()
        && decls.alerts.is_empty()
        && decls.anomalies.is_empty()
        && decls.regressions.is_empty()
        && decls.capacities.is_empty()
        && decls.receivers.is_empty();
    let Some(first) = spec.documents.first() else {
        return;
    };
    if declares_nothing && !cx.has_errors() {
        cx.report(
            Diagnostic::new(
                Code::EmptySpec,
                crate::source::Span::new(first.file, 0, 0),
                "the spec declares nothing: no tier, service, metric, SLO, alert or receiver",
            )
            .label("nothing to generate")
            .help("`vigil init` writes a commented starter spec that compiles; `docs/spec.md` describes every node"),
        );
    }
}

/// The spec-wide series budget (`settings { series-budget N }`).
pub(super) fn series_budget(
    settings: &crate::model::Settings,
    metrics: &[crate::model::Metric],
    node: Option<&Node>,
    cx: &Cx,
) {
    let (Some(budget), Some(node)) = (settings.series_budget, node) else {
        return;
    };
    let total = metric::series_total(metrics);
    if total > budget {
        let mut largest: Vec<(u64, &str)> = metrics
            .iter()
            .filter_map(|m| Some((m.estimated_series().or(m.max_series)?, m.name.as_str())))
            .collect();
        largest.sort_by(|a, b| b.cmp(a));
        let top: Vec<String> = largest
            .iter()
            .take(3)
            .map(|(n, name)| format!("{name} ({n})"))
            .collect();
        cx.report(
            Diagnostic::new(
                Code::SeriesBudget,
                node.name_span,
                format!(
                    "declared metrics can produce {total} series per target; the budget is {budget}"
                ),
            )
            .label("over the series budget")
            .help(format!(
                "the largest are {}; raise `series-budget` or cut their labels",
                top.join(", ")
            )),
        );
    }
}
