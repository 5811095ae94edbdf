//! Checks of the spec as a whole rather than of one declaration: a spec that declares
//! nothing, runbook links no receiver can open, SLOs whose files or alerts would share names, and
//! the series budget of the whole catalog.

use super::Decls;
use super::metric;
use super::reader::Cx;
use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::source::Span;
use crate::spec::{Node, RawSpec};
use std::collections::{BTreeMap, HashMap};

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

/// SLOs must differ in what their names become: their files and rule groups (named by
/// [`crate::model::Slo::id`]) and each of their alerts' names, which on-call engineers
/// read, grep and silence.
pub(super) fn slo_names(slos: &[super::slo::Checked], cx: &Cx) {
    // Looked up once per SLO and per alert name, never iterated: hashed.
    let mut ids: HashMap<String, &super::slo::Checked> = HashMap::with_capacity(slos.len());
    let mut alerts: HashMap<&str, (&super::slo::Checked, Span)> =
        HashMap::with_capacity(slos.len() * 5);
    for checked in slos {
        let slo = &checked.slo;
        match ids.get(slo.id().as_str()) {
            // Declared twice: reported with the declarations.
            Some(first) if first.slo.path() == slo.path() => continue,
            Some(first) => {
                cx.report(
                Diagnostic::new(
                    Code::DuplicateName,
                    checked.name_span,
                    format!(
                        "SLOs `{}` and `{}` would both write their rules to `{}`",
                        first.slo.path(),
                        slo.path(),
                        crate::conventions::prometheus_paths::rules(&slo.id())
                    ),
                )
                .label("same files as another SLO")
                .note(first.name_span, "this SLO's files have the same names")
                .help("rename one of them: an SLO's files are named by its service and name, the service written once"),
                );
                continue;
            }
            None => {
                ids.insert(slo.id(), checked);
            }
        }
        // One report per pair of SLOs, however many of their alert names meet.
        let mut clashes: BTreeMap<String, (Vec<&str>, Span, Span)> = BTreeMap::new();
        for (name, span) in slo
            .alerting
            .names
            .all()
            .into_iter()
            .zip(checked.alert_spans)
        {
            match alerts.get(name.as_str()) {
                Some((first, first_span)) => {
                    clashes
                        .entry(first.slo.path())
                        .or_insert((Vec::new(), span, *first_span))
                        .0
                        .push(name.as_str());
                }
                None => {
                    alerts.insert(name.as_str(), (checked, span));
                }
            }
        }
        for (first, (names, span, first_span)) in clashes {
            let names: Vec<String> = names.iter().map(|name| format!("`{name}`")).collect();
            cx.report(
                Diagnostic::new(
                    Code::DuplicateName,
                    span,
                    format!(
                        "alerts of `{first}` and `{}` would have the same names: {}",
                        slo.path(),
                        names.join(", ")
                    ),
                )
                .label(format!("names the alerts of `{}`", slo.path()))
                .note(first_span, format!("names the alerts of `{first}`"))
                .help("give one of them other names (`alerting { name \"…\" }` for all of an SLO's alerts, `page name=\"…\"` for one): alert names, runbook pages and silences must tell them apart"),
            );
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
