//! Generated promtool tests for `alert` nodes that compare a value with numbers (their
//! `threshold` children, or a condition such as `up == 0`, see [`super::comparison`]):
//! for each number, the recorded value sits just on the quiet side — exactly on the
//! threshold when the comparison is strict — for longer than `for`, then just past it
//! (1 % of it; firing once `for` has passed). Every other threshold of the alert is
//! expected to fire or not from the same values, so moving any threshold, or turning
//! `>` into `>=`, fails the test.
//!
//! The input is the recorded series `alert:<name>:value`: the user's raw series are
//! absent, so the recording rule records nothing and the input stands in for it. An
//! expression that yields a value without any input series (`vector(0)`, `absent(…)`,
//! `time()`) would collide with the input, and a template outside the subset
//! [`super::template`] renders cannot be predicted: such alerts get no test, and the
//! test file says why in a comment.

use std::collections::BTreeMap;

use promql_parser::parser::{self, Expr, value::ValueType};

use super::file::{AlertTest, ExpectedAlert, TestGroup};
use super::inputs::{InputSeries, render};
use crate::conventions::alert_value_rule;
use crate::emit::prometheus::gotemplate;
use crate::emit::prometheus::ops::thresholds;
use crate::model::comparison;
use crate::model::{Alert, Decimal, Duration, Model, format_decimal};

const MINUTE: Duration = Duration::from_secs(60);

/// The test groups of one alert, or why it has none.
pub(crate) fn tests(model: &Model, alert: &Alert) -> Result<Vec<TestGroup>, String> {
    let Some(comparison::Compared {
        value,
        parsed,
        bounds,
    }) = comparison::compared(alert)
    else {
        return Err(String::from(
            "its condition is not a value compared with a number, so vigil cannot derive its inputs",
        ));
    };
    let input = match parsed {
        Some(parsed) => needs_input(parsed),
        None => parser::parse(&value).is_ok_and(|e| needs_input(&e)),
    };
    if !input {
        return Err(String::from(
            "its expression can return a value without input series",
        ));
    }
    let rules = thresholds::rules(model, alert);
    let alerts = &rules[1..];
    let mut names = std::collections::BTreeSet::new();
    for rule in alerts {
        for text in rule.annotations.values().chain(rule.labels.values()) {
            let template = gotemplate::Template::parse(text)
                .map_err(|u| format!("a template uses {}", u.0))?;
            names.extend(template.labels());
        }
    }
    let labels: BTreeMap<String, String> = names
        .into_iter()
        .filter(|n| n != "__name__")
        .map(|n| {
            let value = format!("{n}-0");
            (n, value)
        })
        .collect();
    let recorded = alert_value_rule(alert.name.as_str());
    let series = render(&recorded, &labels);
    let for_minutes = alert.for_duration.map_or(0, |d| d.as_secs().div_ceil(60));
    let phase = for_minutes + 5;
    let mut groups = Vec::new();
    for (bound, _) in &bounds {
        let (quiet, past) = bound.probes();
        let firing = |value: Decimal| -> Result<Vec<_>, String> {
            let number: f64 = format_decimal(value).parse().unwrap_or(0.0);
            let mut labels = labels.clone();
            labels.insert(String::from("__name__"), recorded.clone());
            bounds
                .iter()
                .zip(alerts)
                .filter(|((b, _), _)| b.holds(value))
                .map(|(_, rule)| {
                    ExpectedAlert::of(rule, &labels, number)
                        .map_err(|u| format!("a template uses {}", u.0))
                })
                .collect()
        };
        let check = |minute: u64, value: Decimal| -> Result<AlertTest, String> {
            Ok(AlertTest {
                eval_time: Duration::from_secs(minute * 60),
                alertname: alert.name.to_string(),
                exp_alerts: firing(value)?,
            })
        };
        groups.push(TestGroup {
            name: format!(
                "threshold {} {} {}",
                alert.name,
                bound.operator.symbol(),
                format_decimal(bound.value)
            ),
            interval: MINUTE,
            input_series: vec![InputSeries {
                series: series.clone(),
                values: format!(
                    "{}+0x{} {}+0x{phase}",
                    format_decimal(quiet),
                    phase - 1,
                    format_decimal(past)
                ),
            }],
            alert_rule_test: vec![
                check(phase - 1, quiet)?,
                check(phase + for_minutes + 2, past)?,
            ],
            promql_expr_test: Vec::new(),
        });
    }
    Ok(groups)
}

/// Whether the expression returns nothing when no series exist (so a test's input is
/// the only sample of the recorded series). Conservative: any function that makes a
/// value from nothing, or a scalar result, counts as "no".
fn needs_input(expr: &Expr) -> bool {
    const FROM_NOTHING: &[&str] = &[
        "absent",
        "absent_over_time",
        "scalar",
        "time",
        "vector",
        "pi",
    ];
    match expr {
        Expr::VectorSelector(_) | Expr::MatrixSelector(_) => true,
        Expr::Aggregate(a) => needs_input(&a.expr),
        Expr::Unary(u) => needs_input(&u.expr),
        Expr::Paren(p) => needs_input(&p.expr),
        Expr::Subquery(s) => needs_input(&s.expr),
        Expr::Call(call) => {
            let vectors: Vec<&Expr> = call
                .args
                .args
                .iter()
                .map(AsRef::as_ref)
                .filter(|a| matches!(a.value_type(), ValueType::Vector | ValueType::Matrix))
                .collect();
            !FROM_NOTHING.contains(&call.func.name)
                && !vectors.is_empty()
                && vectors.into_iter().all(needs_input)
        }
        Expr::Binary(b) => {
            let vector = |e: &Expr| e.value_type() == ValueType::Vector;
            if b.op.to_string() == "or" {
                needs_input(&b.lhs) && needs_input(&b.rhs)
            } else if b.op.is_set_operator() {
                needs_input(&b.lhs)
            } else {
                (vector(&b.lhs) && needs_input(&b.lhs)) || (vector(&b.rhs) && needs_input(&b.rhs))
            }
        }
        Expr::NumberLiteral(_) | Expr::StringLiteral(_) | Expr::Extension(_) => false,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn expressions_that_need_input() {
        let needs =
            |text: &str| super::needs_input(&promql_parser::parser::parse(text).expect("PromQL"));
        assert!(needs("sum by (instance) (a) / on (instance) b"));
        assert!(needs(
            "histogram_quantile(0.95, sum by (le) (rate(x_bucket[5m])))"
        ));
        assert!(needs("a and vector(1)"));
        assert!(needs("1 - avg(x)"));
        assert!(!needs("sum(a) or vector(0)"));
        assert!(!needs("absent(up)"));
        assert!(!needs("time() - 5"));
        assert!(!needs("scalar(a) * 2"));
        assert!(!needs("hour()"));
    }
}
