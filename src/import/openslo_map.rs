//! Maps one OpenSLO SLO (with the SLI, alert policies and conditions it names) onto
//! vigil drafts: one per objective.

use std::collections::BTreeMap;

use super::SloDraft;
use super::openslo_schema::{Located, Objective, Spec};
use super::openslo_sli::{Assumption, Reading};
use super::openslo_support::{INVALID_HELP, Pool, Result, decimal, problem};
use crate::codes::Code;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::Decimal;

pub(super) fn slo(pool: &Pool, located: &Located, diagnostics: &mut Diagnostics) -> Vec<SloDraft> {
    let name = located.object.metadata.name.clone().unwrap_or_default();
    let (labels, dropped) = super::openslo_labels::labels(&located.object.metadata.labels);
    if !dropped.is_empty() {
        diagnostics.push(
            Diagnostic::new(
                Code::ImportDropped,
                located.span,
                format!("SLO `{name}`: {} not carried over", plural_labels(dropped.len())),
            )
            .label("this SLO")
            .help("vigil sets `service`, `slo`, `severity`, `tier` and `team` itself, and a Prometheus label has one value and a name of letters, digits and `_`; the labels are kept as comments in the spec"),
        );
    }
    let mut assumed = Vec::new();
    let converted = convert(pool, located, &name, &labels, &dropped, &mut assumed);
    for assumption in assumed {
        diagnostics.push(
            Diagnostic::new(
                Code::ImportAssumed,
                located.span,
                format!("SLO `{name}`: {}", assumption.message),
            )
            .label("this SLO")
            .help(assumption.help),
        );
    }
    match converted {
        Ok(drafts) => drafts,
        Err(p) => {
            diagnostics.push(
                Diagnostic::new(p.code, located.span, format!("SLO `{name}`: {}", p.message))
                    .label("this SLO")
                    .help(p.help),
            );
            Vec::new()
        }
    }
}

fn plural_labels(count: usize) -> String {
    if count == 1 {
        String::from("1 label")
    } else {
        format!("{count} labels")
    }
}

fn convert(
    pool: &Pool,
    located: &Located,
    name: &str,
    labels: &BTreeMap<String, String>,
    dropped: &[String],
    assumed: &mut Vec<Assumption>,
) -> Result<Vec<SloDraft>> {
    let empty = Spec::default();
    let spec = located.object.spec.as_deref().unwrap_or(&empty);
    let service = spec
        .service
        .clone()
        .ok_or_else(|| problem(Code::ImportInvalid, "no `service`", INVALID_HELP))?;
    match spec.budgeting_method.as_deref() {
        None | Some("Occurrences") => {}
        Some(other) => {
            return Err(problem(
                Code::ImportBudgeting,
                format!("budgeting method `{other}` cannot be expressed"),
                "vigil counts events (OpenSLO `Occurrences`); time slices have no exact equivalent",
            ));
        }
    }
    let window = super::openslo_window::window(spec, pool.default_period)?;
    let sli_spec = indicator(pool, spec)?;
    let (page, ticket) = super::openslo_alerts::alerting(pool, spec, window)?;
    let mut notes = dropped.to_vec();
    if let Some(sli) = &spec.indicator_ref {
        notes.push(format!("SLI {sli}"));
    }
    let objectives = &spec.objectives;
    if objectives.is_empty() {
        return Err(problem(Code::ImportInvalid, "no objectives", INVALID_HELP));
    }
    let mut drafts = Vec::new();
    for (index, objective) in objectives.iter().enumerate() {
        let mut reading = Reading::default();
        let sli = super::openslo_sli::sli(pool, sli_spec.as_ref(), objective, &mut reading)?;
        let group_by = reading.group_by()?;
        let mut slo_notes = notes.clone();
        slo_notes.extend(
            reading
                .assumed
                .iter()
                .map(|a| format!("assumed: {}", a.message)),
        );
        for assumption in reading.assumed {
            if !assumed.contains(&assumption) {
                assumed.push(assumption);
            }
        }
        let slo_name = match (objectives.len(), &objective.display_name) {
            (1, _) => name.to_owned(),
            (_, Some(display)) => format!("{name}-{display}"),
            (_, None) => format!("{name}-{}", index + 1),
        };
        drafts.push(SloDraft {
            name: slo_name,
            service: service.clone(),
            origin: String::new(),
            description: spec.description.clone(),
            objective: target(objective)?,
            window,
            sli,
            group_by,
            labels: labels.clone(),
            alert_labels: BTreeMap::new(),
            alert_annotations: BTreeMap::new(),
            page: page.clone(),
            ticket: ticket.clone(),
            absent: false,
            notes: slo_notes,
        });
    }
    Ok(drafts)
}

fn target(objective: &Objective) -> Result<Decimal> {
    let percent = match (objective.target, objective.target_percent) {
        (Some(ratio), None) => decimal(ratio).map(|d| d * Decimal::ONE_HUNDRED),
        (None, Some(percent)) => decimal(percent),
        _ => None,
    };
    percent
        .map(|p| p.normalize())
        .filter(|p| *p > Decimal::ZERO && *p < Decimal::ONE_HUNDRED)
        .ok_or_else(|| {
            problem(
                Code::ImportInvalid,
                "an objective needs one `target` between 0 and 1 (or `targetPercent`)",
                INVALID_HELP,
            )
        })
}

/// The SLI spec an SLO names: inline (v1 `indicator.spec`, v1alpha `indicator`) or
/// `indicatorRef`. v1alpha ratio SLOs carry the metric in the objective instead.
fn indicator(pool: &Pool, spec: &Spec) -> Result<Option<Spec>> {
    if let Some(reference) = &spec.indicator_ref {
        let sli = pool.get("SLI", reference).ok_or_else(|| {
            problem(
                Code::ImportInvalid,
                format!("refers to SLI `{reference}`, which is not among the inputs"),
                "import the file that declares it too",
            )
        })?;
        return Ok(Some(
            sli.object.spec.as_deref().cloned().unwrap_or_default(),
        ));
    }
    Ok(spec.indicator.as_ref().map(|i| match &i.spec {
        Some(inner) => (**inner).clone(),
        None => Spec {
            threshold_metric: i.threshold_metric.clone(),
            ratio_metric: i.ratio_metric.clone(),
            ..Spec::default()
        },
    }))
}
