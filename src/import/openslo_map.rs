//! Maps one OpenSLO SLO (with the SLI, alert policies and conditions it names) onto
//! vigil drafts: one per objective.

use std::collections::BTreeMap;
use std::str::FromStr;

use super::openslo::{Located, MetricHolder, Objective, RatioMetric, Spec};
use super::{SliDraft, SloDraft, promql_template};
use crate::codes::Code;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::Decimal;

/// Every accepted object, by kind and name.
#[derive(Default)]
pub(super) struct Pool {
    pub(super) by_kind: BTreeMap<String, BTreeMap<String, Located>>,
    /// The period of an SLO that names no time window: Sloth's `--default-slo-period` when
    /// Sloth reads the documents; `vigil import openslo` requires a window.
    pub(super) default_period: Option<crate::model::Duration>,
}

impl Pool {
    pub(super) fn get(&self, kind: &str, name: &str) -> Option<&Located> {
        self.by_kind.get(kind)?.get(name)
    }
}

/// The problem that stops one SLO from importing.
pub(super) struct Problem {
    pub(super) code: Code,
    pub(super) message: String,
    pub(super) help: &'static str,
}

pub(super) fn problem(code: Code, message: impl Into<String>, help: &'static str) -> Problem {
    Problem {
        code,
        message: message.into(),
        help,
    }
}

pub(super) type Result<T> = std::result::Result<T, Problem>;

pub(super) const INVALID_HELP: &str =
    "the document does not follow the OpenSLO specification; fix it upstream";

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
    match convert(pool, located, &name, &labels, &dropped) {
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
        let sli = sli(pool, sli_spec.as_ref(), objective)?;
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
            labels: labels.clone(),
            page: page.clone(),
            ticket: ticket.clone(),
            notes: notes.clone(),
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

pub(super) fn decimal(value: f64) -> Option<Decimal> {
    Decimal::from_str(&value.to_string()).ok()
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

fn sli(pool: &Pool, sli: Option<&Spec>, objective: &Objective) -> Result<SliDraft> {
    let threshold = sli.and_then(|s| s.threshold_metric.as_ref());
    let ratio = objective
        .ratio_metrics
        .as_ref()
        .or_else(|| sli.and_then(|s| s.ratio_metric.as_ref()));
    match (threshold, ratio) {
        (Some(metric), None) => threshold_sli(pool, metric, objective),
        (None, Some(ratio)) => {
            if objective.op.is_some() {
                return Err(problem(
                    Code::ImportInvalid,
                    "`op` on the objective of a ratio metric",
                    "`op` and `value` belong to threshold metrics; a ratio objective has only `target`",
                ));
            }
            ratio_sli(pool, ratio)
        }
        _ => Err(problem(
            Code::ImportInvalid,
            "needs exactly one SLI: a `ratioMetric` or a `thresholdMetric`",
            INVALID_HELP,
        )),
    }
}

fn threshold_sli(pool: &Pool, metric: &MetricHolder, objective: &Objective) -> Result<SliDraft> {
    let query = query(pool, metric)?;
    // The comparison that makes a sample bad: the negation of the objective's `op`.
    let bad = match objective.op.as_deref() {
        Some("lt") => ">=",
        Some("lte") => ">",
        Some("gt") => "<=",
        Some("gte") => "<",
        _ => {
            return Err(problem(
                Code::ImportInvalid,
                "a threshold objective needs `op` (lt, lte, gt, gte) and `value`",
                INVALID_HELP,
            ));
        }
    };
    let value = objective.value.and_then(decimal).ok_or_else(|| {
        problem(
            Code::ImportInvalid,
            "a threshold objective needs `value`",
            INVALID_HELP,
        )
    })?;
    let value = crate::model::format_decimal(value);
    Ok(SliDraft {
        errors: format!("sum_over_time((({query}) {bad} bool {value})[{{{{ window }}}}:])"),
        total: format!("count_over_time(({query})[{{{{ window }}}}:])"),
    })
}

fn ratio_sli(pool: &Pool, ratio: &RatioMetric) -> Result<SliDraft> {
    if let Some(raw) = &ratio.raw {
        let raw = events(pool, raw, ratio)?;
        let errors = match ratio.raw_type.as_deref() {
            Some("failure") => raw,
            Some("success") => format!("1 - ({raw})"),
            _ => {
                return Err(problem(
                    Code::ImportInvalid,
                    "a raw ratio needs `rawType: success` or `failure`",
                    INVALID_HELP,
                ));
            }
        };
        return Ok(SliDraft {
            total: format!("(({errors}) >= 0) * 0 + 1"),
            errors: format!("({errors}) >= 0"),
        });
    }
    let total = ratio.total.as_ref().ok_or_else(|| {
        problem(
            Code::ImportInvalid,
            "a ratio metric needs `total`",
            INVALID_HELP,
        )
    })?;
    let total = events(pool, total, ratio)?;
    let errors = match (&ratio.good, &ratio.bad) {
        (Some(good), None) => format!("({total}) - ({})", events(pool, good, ratio)?),
        (None, Some(bad)) => events(pool, bad, ratio)?,
        _ => {
            return Err(problem(
                Code::ImportInvalid,
                "a ratio metric needs exactly one of `good` and `bad`",
                INVALID_HELP,
            ));
        }
    };
    Ok(SliDraft { errors, total })
}

/// A query as a rate over `{{ window }}`: as written when it has the placeholder,
/// else the rate of a counter or the sum of a gauge over a subquery.
fn events(pool: &Pool, metric: &MetricHolder, ratio: &RatioMetric) -> Result<String> {
    let query = query(pool, metric)?;
    if query.contains("{{ window }}") {
        return Ok(query);
    }
    let counter = ratio.counter.or(ratio.incremental).unwrap_or(true);
    Ok(if counter {
        format!("rate(({query})[{{{{ window }}}}:])")
    } else {
        format!("sum_over_time(({query})[{{{{ window }}}}:])")
    })
}

/// The Prometheus query of a metric source; other sources cannot be imported.
fn query(pool: &Pool, metric: &MetricHolder) -> Result<String> {
    let (source_type, query) = match &metric.metric_source {
        Some(source) => {
            let by_ref = source
                .reference
                .as_ref()
                .and_then(|r| pool.get("DataSource", r))
                .and_then(|d| d.object.spec.as_ref()?.source_type.clone());
            let kind = source.source_type.clone().or(by_ref);
            (kind, source.spec.as_ref().and_then(|s| s.query.clone()))
        }
        None => (metric.source.clone(), metric.query.clone()),
    };
    let kind = source_type.unwrap_or_default();
    if !kind.eq_ignore_ascii_case("prometheus") {
        return Err(problem(
            Code::ImportSource,
            format!("metric source `{kind}` is not Prometheus"),
            "vigil compiles to Prometheus rules; only Prometheus queries can be imported",
        ));
    }
    let query = query.ok_or_else(|| {
        problem(
            Code::ImportInvalid,
            "a Prometheus metric source needs `spec.query`",
            INVALID_HELP,
        )
    })?;
    Ok(promql_template(&query))
}
