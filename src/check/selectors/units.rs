//! The unit of what an expression computes, from the catalog's units of what it reads:
//! thresholds are printed in it (`1.5 GB`, `250 ms`, `85 %`) and dashboards plot in it.

use promql_parser::parser::token::T_DIV;
use promql_parser::parser::{BinaryExpr, Expr};

use super::{Catalog, Resolved, Series, selector_name};
use crate::model::{Metric, Unit};

impl Catalog<'_> {
    /// The unit of `expr`'s value, when the metrics it reads say so unambiguously: one
    /// unit throughout (a `_count` or `_bucket` series counts events and has none), a
    /// ratio for a quotient of two values of the same unit, the metric's unit for a
    /// quantile of a histogram and for a `_sum` divided by its `_count`.
    pub(crate) fn unit_of(&self, expr: &Expr) -> Option<Unit> {
        match expr {
            Expr::Paren(paren) => self.unit_of(&paren.expr),
            Expr::Aggregate(aggregate) => self.unit_of(&aggregate.expr),
            Expr::Binary(binary) => self.binary_unit(binary),
            Expr::Call(call) if call.func.name == "histogram_quantile" => call
                .args
                .args
                .get(1)
                .and_then(|arg| self.only(arg, Series::Bucket))
                .and_then(|metric| metric.unit.clone()),
            // A rate of anything is that thing per second.
            Expr::Call(call) if RATE_FUNCTIONS.contains(&call.func.name) => {
                let of = call.args.args.first().and_then(|arg| self.unit_of(arg));
                Some(Unit::Other(match of {
                    Some(unit) => format!("{} per second", unit.as_str()),
                    None => String::from("per second"),
                }))
            }
            Expr::Call(call) if GAUGE_FUNCTIONS.contains(&call.func.name) => {
                call.args.args.first().and_then(|arg| self.unit_of(arg))
            }
            Expr::MatrixSelector(matrix) => {
                self.selector_unit(&Expr::VectorSelector(matrix.vs.clone()))
            }
            Expr::VectorSelector(_) => self.selector_unit(expr),
            _ => None,
        }
    }

    fn binary_unit(&self, binary: &BinaryExpr) -> Option<Unit> {
        let number = |e: &Expr| matches!(e, Expr::NumberLiteral(_));
        // A comparison or arithmetic with a constant keeps the other side's unit.
        if number(&binary.rhs) {
            return self.unit_of(&binary.lhs);
        }
        if number(&binary.lhs) {
            return self.unit_of(&binary.rhs);
        }
        if binary.op.id() == T_DIV {
            let (left, right) = (self.unit_of(&binary.lhs), self.unit_of(&binary.rhs));
            // `rate(x_seconds_sum[5m]) / rate(x_seconds_count[5m])`: a mean, in x's unit.
            if let (Some(sum), Some(count)) = (
                self.only(&binary.lhs, Series::Sum),
                self.only(&binary.rhs, Series::Count),
            ) && sum.name == count.name
            {
                return sum.unit.clone();
            }
            return match (left, right) {
                (Some(left), Some(right)) if left == right => Some(Unit::Ratio),
                _ => None,
            };
        }
        let (left, right) = (self.unit_of(&binary.lhs), self.unit_of(&binary.rhs));
        (left == right).then_some(left).flatten()
    }

    fn selector_unit(&self, expr: &Expr) -> Option<Unit> {
        let Expr::VectorSelector(selector) = expr else {
            return None;
        };
        match self.resolve(selector_name(selector)?) {
            Resolved::Declared(metric, Series::Plain | Series::Sum | Series::Bucket) => {
                metric.unit.clone()
            }
            _ => None,
        }
    }

    /// The one declared metric every selector under `expr` reads, as `series`.
    fn only(&self, expr: &Expr, series: Series) -> Option<&Metric> {
        let mut found: Option<Option<&Metric>> = None;
        super::types::walk(
            expr,
            super::types::Context::default(),
            &mut |selector, _| {
                let this = selector_name(selector).and_then(|name| match self.resolve(name) {
                    Resolved::Declared(metric, s) if s == series => Some(metric),
                    _ => None,
                });
                found = Some(match found {
                    None => this,
                    Some(previous) => previous
                        .zip(this)
                        .filter(|(a, b)| a.name == b.name)
                        .map(|(a, _)| a),
                });
            },
        );
        found.flatten()
    }
}

/// Functions whose result is their argument per second.
const RATE_FUNCTIONS: &[&str] = &["rate", "irate", "deriv"];

/// Functions whose result has their argument's unit.
const GAUGE_FUNCTIONS: &[&str] = &[
    "avg_over_time",
    "max_over_time",
    "min_over_time",
    "quantile_over_time",
    "last_over_time",
    "abs",
    "clamp",
    "clamp_max",
    "clamp_min",
    "round",
    "ceil",
    "floor",
];
