//! An OpenSLO SLI as vigil `query` templates over `{{ window }}`: threshold metrics count
//! their bad samples, ratio metrics become rates by what their queries already compute.

use super::grouping::{RESERVED_HELP, SliGrouping, reserved, sli_grouping};
use super::openslo_schema::{MetricHolder, Objective, RatioMetric, Spec};
use super::openslo_support::{INVALID_HELP, Pool, Result, decimal, problem};
use super::{SliDraft, promql_template};
use crate::codes::Code;

/// A choice the source leaves to the import: a warning, and a comment in the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Assumption {
    pub(super) message: String,
    pub(super) help: &'static str,
}

/// What reading one SLI found besides its templates: the choices it made and the source
/// queries by role (`good`, `total`, …), whose grouping the SLO keeps.
#[derive(Debug, Default)]
pub(super) struct Reading {
    pub(super) assumed: Vec<Assumption>,
    queries: Vec<(&'static str, String)>,
}

impl Reading {
    /// The labels every query keeps, as the SLO's `group-by`.
    pub(super) fn group_by(&self) -> Result<Vec<String>> {
        let queries: Vec<(&str, &str)> = self
            .queries
            .iter()
            .map(|(role, q)| (*role, q.as_str()))
            .collect();
        match sli_grouping(&queries) {
            SliGrouping::Labels(labels) => match reserved(&labels) {
                Some(label) => Err(problem(
                    Code::ImportUnsupported,
                    format!("the queries keep a series per `{label}`, a label vigil sets itself"),
                    RESERVED_HELP,
                )),
                None => Ok(labels),
            },
            SliGrouping::Mismatched(why) => Err(problem(
                Code::ImportInvalid,
                why,
                "the ratio divides series of the same labels: group every query `by` the same labels",
            )),
            // OpenSLO gives a query's series no meaning of their own: one series it is.
            SliGrouping::Unknown(_) => Ok(Vec::new()),
        }
    }
}

pub(super) fn sli(
    pool: &Pool,
    sli: Option<&Spec>,
    objective: &Objective,
    reading: &mut Reading,
) -> Result<SliDraft> {
    let threshold = sli.and_then(|s| s.threshold_metric.as_ref());
    let ratio = objective
        .ratio_metrics
        .as_ref()
        .or_else(|| sli.and_then(|s| s.ratio_metric.as_ref()));
    match (threshold, ratio) {
        (Some(metric), None) => threshold_sli(pool, metric, objective, reading),
        (None, Some(ratio)) => {
            if objective.op.is_some() {
                return Err(problem(
                    Code::ImportInvalid,
                    "`op` on the objective of a ratio metric",
                    "`op` and `value` belong to threshold metrics; a ratio objective has only `target`",
                ));
            }
            ratio_sli(pool, ratio, reading)
        }
        _ => Err(problem(
            Code::ImportInvalid,
            "needs exactly one SLI: a `ratioMetric` or a `thresholdMetric`",
            INVALID_HELP,
        )),
    }
}

fn threshold_sli(
    pool: &Pool,
    metric: &MetricHolder,
    objective: &Objective,
    reading: &mut Reading,
) -> Result<SliDraft> {
    let query = query(pool, metric)?;
    reading.queries.push(("threshold", query.clone()));
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
    Ok(SliDraft::query(
        format!("sum_over_time((({query}) {bad} bool {value})[{{{{ window }}}}:])"),
        format!("count_over_time(({query})[{{{{ window }}}}:])"),
    ))
}

fn ratio_sli(pool: &Pool, ratio: &RatioMetric, reading: &mut Reading) -> Result<SliDraft> {
    if let Some(raw) = &ratio.raw {
        let raw = ratio_over_window(pool, raw, reading)?;
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
        return Ok(SliDraft::query(
            format!("({errors}) >= 0"),
            format!("(({errors}) >= 0) * 0 + 1"),
        ));
    }
    let total = ratio.total.as_ref().ok_or_else(|| {
        problem(
            Code::ImportInvalid,
            "a ratio metric needs `total`",
            INVALID_HELP,
        )
    })?;
    let total = events(pool, "total", total, ratio, reading)?;
    let errors = match (&ratio.good, &ratio.bad) {
        (Some(good), None) => format!(
            "({total}) - ({})",
            events(pool, "good", good, ratio, reading)?
        ),
        (None, Some(bad)) => events(pool, "bad", bad, ratio, reading)?,
        _ => {
            return Err(problem(
                Code::ImportInvalid,
                "a ratio metric needs exactly one of `good` and `bad`",
                INVALID_HELP,
            ));
        }
    };
    Ok(SliDraft::query(errors, total))
}

/// An imported query, by what it computes.
enum Query {
    /// Written over `{{ window }}`: used as it is.
    Templated(String),
    /// Reads a range (`sum(rate(x[5m]))`): already a value per interval.
    Ranged(String),
    /// Reads its metric as it is (`x`, `sum(x)`).
    Instant(String),
}

fn classify(
    pool: &Pool,
    what: &'static str,
    metric: &MetricHolder,
    reading: &mut Reading,
) -> Result<Query> {
    let query = query(pool, metric)?;
    reading.queries.push((what, query.clone()));
    if query.contains("{{ window }}") {
        return Ok(Query::Templated(query));
    }
    let parsed = promql_parser::parser::parse(&query).map_err(|error| {
        problem(
            Code::ImportInvalid,
            format!(
                "the `{what}` query does not parse: {}",
                error.lines().next().unwrap_or("invalid PromQL")
            ),
            "fix the Prometheus query at the source",
        )
    })?;
    Ok(if reads_range(&parsed) {
        Query::Ranged(query)
    } else {
        Query::Instant(query)
    })
}

/// A ratio (`raw`) over `{{ window }}`: the average of its values.
fn ratio_over_window(pool: &Pool, metric: &MetricHolder, reading: &mut Reading) -> Result<String> {
    Ok(match classify(pool, "raw", metric, reading)? {
        Query::Templated(query) => query,
        Query::Ranged(query) | Query::Instant(query) => {
            format!("avg_over_time(({query})[{{{{ window }}}}:])")
        }
    })
}

/// Events as a rate over `{{ window }}`. A query that already reads a range is a rate or
/// a count per interval, averaged over the window (rating it again would measure its
/// changes, near zero); one that reads its metric as it is becomes the rate of a counter
/// or the sum of per-sample counts, as `counter` says (a counter when it says nothing,
/// with a warning).
fn events(
    pool: &Pool,
    what: &'static str,
    metric: &MetricHolder,
    ratio: &RatioMetric,
    reading: &mut Reading,
) -> Result<String> {
    let query = match classify(pool, what, metric, reading)? {
        Query::Templated(query) => return Ok(query),
        Query::Ranged(query) => return Ok(format!("avg_over_time(({query})[{{{{ window }}}}:])")),
        Query::Instant(query) => query,
    };
    let counter = ratio.counter.or(ratio.incremental).unwrap_or_else(|| {
        reading.assumed.push(Assumption {
            message: format!(
                "the `{what}` query reads its metric as it is and `counter` is not set: read as a counter (its rate is taken)"
            ),
            help: "set `counter: true` (a counter: vigil takes its rate) or `counter: false` (events counted per sample: vigil sums them), then import again",
        });
        true
    });
    Ok(if counter {
        format!("rate(({query})[{{{{ window }}}}:])")
    } else {
        format!("sum_over_time(({query})[{{{{ window }}}}:])")
    })
}

/// Whether an expression reads a range of samples anywhere (`x[5m]`, a subquery): its
/// result is then already a value per interval, never a raw counter.
fn reads_range(expr: &promql_parser::parser::Expr) -> bool {
    use promql_parser::parser::Expr;
    match expr {
        Expr::MatrixSelector(_) | Expr::Subquery(_) => true,
        Expr::Aggregate(aggregate) => {
            reads_range(&aggregate.expr) || aggregate.param.as_deref().is_some_and(reads_range)
        }
        Expr::Unary(unary) => reads_range(&unary.expr),
        Expr::Binary(binary) => reads_range(&binary.lhs) || reads_range(&binary.rhs),
        Expr::Paren(paren) => reads_range(&paren.expr),
        Expr::Call(call) => call.args.args.iter().any(|argument| reads_range(argument)),
        Expr::VectorSelector(_)
        | Expr::NumberLiteral(_)
        | Expr::StringLiteral(_)
        | Expr::Extension(_) => false,
    }
}

/// Source types whose queries are PromQL run by a Prometheus-compatible server (Nobl9
/// calls Amazon Managed Service for Prometheus `AmazonPrometheus`).
const PROMQL_SOURCES: &[&str] = &["Prometheus", "AmazonPrometheus"];

/// The Prometheus query of a metric source (`query`, or Nobl9's `promql`); other sources
/// cannot be imported.
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
    if !PROMQL_SOURCES.iter().any(|s| kind.eq_ignore_ascii_case(s)) {
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
