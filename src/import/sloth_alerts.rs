//! A Sloth SLO's alerting: its alert name, labels and annotations carried over, so that
//! Alertmanager routes, silences and dashboards written against Sloth's alerts keep
//! matching. Sloth's `severity` label becomes the severity of the alert's tier.

use std::collections::BTreeMap;

use super::BurnDraft;
use super::sloth_schema::{AlertSpec, Catalog, PromSlo};
use crate::codes::Code;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::BurnWindow;
use crate::source::Span;

/// Labels vigil sets on burn-rate alerts besides `RESERVED_LABELS`.
const WINDOW_LABELS: &[&str] = &[
    crate::conventions::LABEL_LONG,
    crate::conventions::LABEL_SHORT,
];

/// The label Sloth puts on its page and ticket alerts, kept for routes that match it.
const SLOTH_SEVERITY: &str = "sloth_severity";

/// What the SLO's `alerting` becomes.
pub(super) struct Alerts {
    pub(super) page: Option<BurnDraft>,
    pub(super) ticket: Option<BurnDraft>,
    /// Sloth's `alerting.labels` and `annotations`, on every alert of the SLO.
    pub(super) labels: BTreeMap<String, String>,
    pub(super) annotations: BTreeMap<String, String>,
}

pub(super) fn alerting(
    slo: &PromSlo,
    catalog: Option<&Catalog>,
    span: Span,
    notes: &mut Vec<String>,
    diagnostics: &mut Diagnostics,
) -> Alerts {
    let a = &slo.alerting;
    let mut dropped = Vec::new();
    let mut shared_labels = a.labels.clone();
    let shared_severity = shared_labels.remove("severity");
    let labels = kept_labels(shared_labels, "alert", notes, &mut dropped);
    let annotations = kept_annotations(&a.annotations, "alert", notes, &mut dropped);
    let name = a.name.clone().filter(|name| {
        let valid = crate::check::valid_alert_name(name);
        if !valid {
            notes.push(format!(
                "alert name {name:?} dropped: vigil's alert names are CamelCase"
            ));
            dropped.push(format!("alert name `{name}` (vigil's are CamelCase)"));
        }
        valid
    });
    let burn = |spec: &AlertSpec,
                kind: &str,
                windows: Option<&Vec<BurnWindow>>,
                name: Option<String>,
                notes: &mut Vec<String>,
                dropped: &mut Vec<String>| {
        if spec.disable {
            return None;
        }
        let mut labels = spec.labels.clone();
        let severity = labels
            .remove("severity")
            .or_else(|| shared_severity.clone())
            .and_then(|severity| vigil_severity(severity, kind, notes, dropped));
        let mut labels = kept_labels(labels, &format!("{kind} alert"), notes, dropped);
        labels.insert(SLOTH_SEVERITY.to_owned(), kind.to_owned());
        Some(BurnDraft {
            windows: windows.cloned(),
            for_duration: None,
            name,
            severity,
            labels,
            annotations: kept_annotations(
                &spec.annotations,
                &format!("{kind} alert"),
                notes,
                dropped,
            ),
        })
    };
    // Sloth names both alerts alike and tells them apart by `sloth_severity`.
    let (page_name, ticket_name) = name
        .map(|name| super::alerts::source_names(&name, !a.page_alert.disable))
        .unzip();
    let [page, ticket] = [
        (&a.page_alert, "page", catalog.map(|c| &c.page), page_name),
        (
            &a.ticket_alert,
            "ticket",
            catalog.map(|c| &c.ticket),
            ticket_name,
        ),
    ]
    .map(|(alert, tier, windows, name)| burn(alert, tier, windows, name, notes, &mut dropped));
    if !dropped.is_empty() {
        dropped.sort();
        dropped.dedup();
        diagnostics.push(
            Diagnostic::new(
                Code::ImportDropped,
                span,
                format!(
                    "SLO `{}`: {} not carried over",
                    slo.name,
                    dropped.join(", ")
                ),
            )
            .label("this SLO")
            .help("vigil sets these itself; the values are kept as comments in the spec"),
        );
    }
    Alerts {
        page,
        ticket,
        labels,
        annotations,
    }
}

/// A `severity` label vigil's tiers can carry (`critical`, `warning`, `info`, `none`);
/// another is noted, and the tier keeps vigil's severity for its kind.
fn vigil_severity(
    severity: String,
    kind: &str,
    notes: &mut Vec<String>,
    dropped: &mut Vec<String>,
) -> Option<String> {
    let known = super::alerts::tier_severity(&severity);
    if !known {
        notes.push(format!("{kind} alert label severity={severity:?} dropped: a tier's severity is critical, warning, info or none; routes on it can match `tier=\"{kind}\"`"));
        dropped.push(format!("{kind} alert severity `{severity}`"));
    }
    known.then_some(severity)
}

/// Labels without those vigil sets, each dropped one noted.
fn kept_labels(
    mut labels: BTreeMap<String, String>,
    whose: &str,
    notes: &mut Vec<String>,
    dropped: &mut Vec<String>,
) -> BTreeMap<String, String> {
    labels.retain(|key, value| {
        let reserved = crate::conventions::RESERVED_LABELS.contains(&key.as_str())
            || WINDOW_LABELS.contains(&key.as_str())
            || key == SLOTH_SEVERITY;
        if reserved {
            notes.push(format!(
                "{whose} label {key}={value:?} dropped: vigil sets `{key}` itself"
            ));
            dropped.push(format!("{whose} label `{key}`"));
        }
        !reserved
    });
    labels
}

/// Annotations without `runbook_url`, which `settings { runbook-base-url }` decides.
fn kept_annotations(
    annotations: &BTreeMap<String, String>,
    whose: &str,
    notes: &mut Vec<String>,
    dropped: &mut Vec<String>,
) -> BTreeMap<String, String> {
    let mut kept = annotations.clone();
    if let Some(url) = kept.remove("runbook_url") {
        notes.push(format!("{whose} annotation runbook_url={url:?} dropped: vigil links its own runbooks (settings {{ runbook-base-url }})"));
        dropped.push(format!("{whose} annotation `runbook_url`"));
    }
    kept
}

/// Drops a Sloth alert name another SLO already took: Sloth tells such alerts apart by
/// their `sloth_slo` label, vigil by name (each alert has its runbook, its tests).
pub(super) fn unique_names(
    mut slo: super::SloDraft,
    span: Span,
    taken: &mut BTreeMap<String, Span>,
    diagnostics: &mut Diagnostics,
) -> super::SloDraft {
    let mut repeated = Vec::new();
    let mut first_span = None;
    for burn in [&mut slo.page, &mut slo.ticket].into_iter().flatten() {
        let Some(name) = burn.name.take() else {
            continue;
        };
        if let Some(first) = taken.get(&name) {
            first_span.get_or_insert(*first);
            slo.notes.push(format!(
                "alert name {name} dropped: an SLO above has it; vigil's alert names are unique"
            ));
            repeated.push(format!("`{name}`"));
        } else {
            taken.insert(name.clone(), span);
            burn.name = Some(name);
        }
    }
    if let Some(first) = first_span {
        diagnostics.push(
            Diagnostic::new(
                Code::ImportDropped,
                span,
                format!(
                    "SLO `{}`: alert name {} is another SLO's too",
                    slo.name,
                    repeated.join(", ")
                ),
            )
            .label("this SLO")
            .note(first, "the first SLO named so keeps it")
            .help("vigil names this SLO's alerts itself; give each SLO its own `alerting.name` to choose"),
        );
    }
    slo
}
