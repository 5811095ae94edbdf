//! Functions against the declared type of what they read: `rate()` of a gauge,
//! `histogram_quantile()` of something that is no histogram, an `le` matcher on a series
//! without buckets, the bare name of a classic histogram (which exposes no such series).

use std::collections::BTreeMap;

use promql_parser::parser::{Expr, VectorSelector};

use super::Series;
use crate::check::reader::Cx;
use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::model::{Metric, MetricKind};
use crate::source::Span;

/// Functions whose argument must be a counter: they assume resets mean restarts.
const COUNTER_FUNCTIONS: &[&str] = &["rate", "irate", "increase", "resets"];

/// Where in an expression a selector stands, as far as its type matters.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Context {
    /// The function whose range argument this selector is (`rate(x[5m])`).
    counter_function: Option<&'static str>,
    /// Somewhere under `histogram_quantile`'s second argument.
    quantile: bool,
}

impl Context {
    /// How a selector in this context is read.
    pub(super) fn read(self) -> super::Read {
        if self.quantile {
            Read::Buckets
        } else if self.counter_function.is_some() {
            Read::Counter
        } else {
            Read::Value
        }
    }

    /// A selector vigil wraps in `rate()` itself.
    pub(super) fn rated() -> Self {
        Self {
            counter_function: Some("rate"),
            quantile: false,
        }
    }
}

/// Visits every vector selector in text order, with its context.
pub(super) fn walk(
    expr: &Expr,
    context: Context,
    visit: &mut impl FnMut(&VectorSelector, Context),
) {
    let inner = Context {
        counter_function: None,
        ..context
    };
    match expr {
        Expr::VectorSelector(selector) => visit(selector, context),
        Expr::MatrixSelector(matrix) => visit(&matrix.vs, context),
        Expr::Aggregate(aggregate) => {
            if let Some(parameter) = &aggregate.param {
                walk(parameter, inner, visit);
            }
            walk(&aggregate.expr, inner, visit);
        }
        Expr::Unary(unary) => walk(&unary.expr, inner, visit),
        Expr::Binary(binary) => {
            walk(&binary.lhs, inner, visit);
            walk(&binary.rhs, inner, visit);
        }
        // `rate((x)[5m:])` rates `x` as much as `rate(x[5m])` does.
        Expr::Paren(paren) => walk(&paren.expr, context, visit),
        Expr::Subquery(subquery) => walk(&subquery.expr, context, visit),
        Expr::Call(call) => {
            let name = call.func.name;
            for (index, argument) in call.args.args.iter().enumerate() {
                let context = Context {
                    counter_function: COUNTER_FUNCTIONS.iter().find(|f| **f == name).copied(),
                    quantile: context.quantile || (name == "histogram_quantile" && index == 1),
                };
                walk(argument, context, visit);
            }
        }
        Expr::NumberLiteral(_) | Expr::StringLiteral(_) | Expr::Extension(_) => {}
    }
}

/// Reports a selector of `metric` used against its type.
pub(super) fn check(
    cx: &Cx,
    metric: &Metric,
    series: Series,
    selector: &VectorSelector,
    context: Context,
    name: &str,
    span: Span,
) {
    let classic = matches!(&metric.kind, MetricKind::Histogram { native: false, .. });
    let native = matches!(&metric.kind, MetricKind::Histogram { native: true, .. });
    let problem = if series == Series::Plain && classic {
        Some((
            format!("the classic histogram `{name}` has no series of that name"),
            format!("select `{name}_bucket`, `{name}_count` or `{name}_sum`"),
        ))
    } else if let (Some(function), Series::Plain, MetricKind::Gauge | MetricKind::Summary) =
        (context.counter_function, series, &metric.kind)
    {
        Some((
            format!("`{function}()` of `{name}`, a {}", kind_words(metric)),
            format!(
                "`{function}()` reads counters; use `deriv()` or `delta()` for a gauge, or fix the metric's `type`"
            ),
        ))
    } else if context.quantile && !(series == Series::Bucket || (native && series == Series::Plain))
    {
        Some((
            format!("`histogram_quantile()` of `{name}`, which has no buckets"),
            String::from(
                "`histogram_quantile()` reads the `_bucket` series of a histogram (or a native histogram)",
            ),
        ))
    } else if series != Series::Bucket && selector_has_le(selector) {
        Some((
            format!("an `le` matcher on `{name}`, which has no buckets"),
            String::from("`le` is the bucket label of a histogram's `_bucket` series"),
        ))
    } else {
        None
    };
    if let Some((message, help)) = problem {
        cx.report(
            Diagnostic::new(Code::TypeMismatch, span, message)
                .label(format!("declared type={}", metric.kind.as_str()))
                .help(help),
        );
    }
}

fn selector_has_le(selector: &VectorSelector) -> bool {
    super::all_matchers(selector).any(|m| m.name == crate::conventions::LABEL_BUCKET)
}

fn kind_words(metric: &Metric) -> &'static str {
    match metric.kind {
        MetricKind::Summary => "summary's quantiles (a gauge)",
        _ => "gauge",
    }
}

/// How an expression reads a metric, as far as its declared type goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Read {
    /// As it is: a gauge will do.
    Value,
    /// Under `rate()` and the like: a counter.
    Counter,
    /// Under `histogram_quantile()`: histogram buckets.
    Buckets,
}

/// Every metric name `expr` selects, with the strongest way it is read: what a catalog
/// entry for it must declare (the importers write one for each).
pub(crate) fn metrics_read(expr: &Expr) -> BTreeMap<String, Read> {
    let mut read: BTreeMap<String, Read> = BTreeMap::new();
    walk(expr, Context::default(), &mut |selector, context| {
        let Some(name) = super::selector_name(selector) else {
            return;
        };
        let how = context.read();
        let entry = read.entry(name.to_owned()).or_insert(how);
        *entry = (*entry).max(how);
    });
    read
}
