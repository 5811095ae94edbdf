//! What an alert compares: a value expression and the numbers it is compared with. An
//! alert with `threshold` children says so itself; a complete condition (`tier=`) is
//! split when it is `<value> <comparison> <number>` at the top level (`up{job="x"} ==
//! 0`, `increase(crashes_total[1h]) > 3`), so that it too records its value and gets a
//! generated test. Other conditions (`a > b`, `… and …`, `bool`) stay as written.

use std::str::FromStr;

use promql_parser::parser::{self, Expr, value::ValueType};

use super::{Alert, Comparison, Condition, Decimal, PromQl, TierName};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Operator {
    Greater,
    Less,
    GreaterOrEqual,
    LessOrEqual,
    Equal,
    NotEqual,
}

impl Operator {
    pub(crate) fn symbol(self) -> &'static str {
        match self {
            Operator::Greater => ">",
            Operator::Less => "<",
            Operator::GreaterOrEqual => ">=",
            Operator::LessOrEqual => "<=",
            Operator::Equal => "==",
            Operator::NotEqual => "!=",
        }
    }
}

/// One comparison of the value with a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Bound {
    pub(crate) operator: Operator,
    pub(crate) value: Decimal,
}

impl Bound {
    /// Whether a value makes the comparison true (the alert's rule returns it).
    pub(crate) fn holds(self, value: Decimal) -> bool {
        match self.operator {
            Operator::Greater => value > self.value,
            Operator::Less => value < self.value,
            Operator::GreaterOrEqual => value >= self.value,
            Operator::LessOrEqual => value <= self.value,
            Operator::Equal => value == self.value,
            Operator::NotEqual => value != self.value,
        }
    }

    /// A value just on the quiet side and one just on the firing side: the bound
    /// itself where the comparison is strict, else 1 % of it away (0.01 at zero; 1 for
    /// equality, so `up == 0` is quiet at 1).
    pub(crate) fn probes(self) -> (Decimal, Decimal) {
        let n = self.value;
        let step = if n.is_zero() {
            Decimal::new(1, 2)
        } else {
            n.abs() / Decimal::from(100)
        };
        match self.operator {
            Operator::Greater => (n, n + step),
            Operator::Less => (n, n - step),
            Operator::GreaterOrEqual => (n - step, n),
            Operator::LessOrEqual => (n + step, n),
            Operator::Equal => (n + Decimal::ONE, n),
            Operator::NotEqual => (n, n + Decimal::ONE),
        }
    }
}

/// What an alert compares: the value expression, as text and as parsed (when the
/// checker's parse is at hand), and each bound with its tier.
pub(crate) struct Compared<'a> {
    pub(crate) value: String,
    pub(crate) parsed: Option<&'a Expr>,
    pub(crate) bounds: Vec<(Bound, TierName)>,
}

/// What an alert compares, or `None` for a condition that is not a comparison of a value
/// with a number.
pub(crate) fn compared(alert: &Alert) -> Option<Compared<'_>> {
    match &alert.condition {
        Condition::Thresholds(thresholds) => Some(Compared {
            value: alert.expr.as_str().to_owned(),
            parsed: alert.expr.parsed(),
            bounds: thresholds
                .iter()
                .map(|t| {
                    let operator = match t.comparison {
                        Comparison::Above => Operator::Greater,
                        Comparison::Below => Operator::Less,
                    };
                    let bound = Bound {
                        operator,
                        value: t.value,
                    };
                    (bound, t.tier.clone())
                })
                .collect(),
        }),
        Condition::Expr { tier } => {
            let (value, parsed, bound) = split(&alert.expr)?;
            Some(Compared {
                value,
                parsed: Some(parsed),
                bounds: vec![(bound, tier.clone())],
            })
        }
    }
}

/// `<value> <op> <number>` split where the parser splits it (the top-level node is a
/// comparison without `bool` of an instant vector with a number literal).
fn split(expr: &PromQl) -> Option<(String, &Expr, Bound)> {
    let Some(Expr::Binary(binary)) = expr.parsed() else {
        return None;
    };
    let expr = expr.as_str();
    if !binary.op.is_comparison_operator()
        || binary.modifier.as_ref().is_some_and(|m| m.return_bool)
        || !matches!(*binary.rhs, Expr::NumberLiteral(_))
        || binary.lhs.value_type() != ValueType::Vector
    {
        return None;
    }
    let (at, operator) = last_top_level_comparison(expr)?;
    if binary.op.to_string() != operator.symbol() {
        return None;
    }
    let value_text = expr[..at].trim();
    let value = Decimal::from_str(expr[at + operator.symbol().len()..].trim()).ok()?;
    parser::parse(value_text).ok()?;
    Some((
        value_text.to_owned(),
        &binary.lhs,
        Bound { operator, value },
    ))
}

/// The byte offset and operator of the last comparison outside brackets and strings.
fn last_top_level_comparison(expr: &str) -> Option<(usize, Operator)> {
    let bytes = expr.as_bytes();
    let mut depth = 0i32;
    let mut found = None;
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        match byte {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth -= 1,
            b'"' | b'\'' | b'`' => {
                index += 1;
                while index < bytes.len() && bytes[index] != byte {
                    index += if bytes[index] == b'\\' { 2 } else { 1 };
                }
            }
            b'#' => return None,
            _ if depth == 0 => {
                let pair = bytes.get(index..index + 2);
                let operator = match (pair, byte) {
                    (Some(b"=="), _) => Some(Operator::Equal),
                    (Some(b"!="), _) => Some(Operator::NotEqual),
                    (Some(b">="), _) => Some(Operator::GreaterOrEqual),
                    (Some(b"<="), _) => Some(Operator::LessOrEqual),
                    (_, b'>') => Some(Operator::Greater),
                    (_, b'<') => Some(Operator::Less),
                    _ => None,
                };
                if let Some(operator) = operator {
                    found = Some((index, operator));
                    index += operator.symbol().len();
                    continue;
                }
            }
            _ => {}
        }
        index += 1;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::{Bound, Operator, split};
    use crate::model::PromQl;

    /// The checker's form of `expr`.
    fn checked(expr: &str) -> Option<(String, Bound)> {
        let parsed = promql_parser::parser::parse(expr).expect("PromQL");
        let promql = PromQl::checked(expr, parsed);
        let (value, lhs, bound) = split(&promql)?;
        // The parse handed back with the value is the value's own.
        let reparsed = promql_parser::parser::parse(&value).expect("the value parses");
        assert_eq!(lhs.to_string(), reparsed.to_string(), "{expr}");
        Some((value, bound))
    }

    fn parts(expr: &str) -> Option<(String, &'static str, String)> {
        checked(expr).map(|(v, b)| (v, b.operator.symbol(), b.value.to_string()))
    }

    #[test]
    fn splits_comparisons_with_a_number() {
        assert_eq!(
            parts(r#"up{job="erlmcp"} == 0"#),
            Some((String::from(r#"up{job="erlmcp"}"#), "==", String::from("0")))
        );
        assert_eq!(
            parts(r#"increase(x{state=~"o>p"}[5m]) > 3"#),
            Some((
                String::from(r#"increase(x{state=~"o>p"}[5m])"#),
                ">",
                String::from("3")
            ))
        );
        assert_eq!(
            parts("a / b >= 0.5").map(|p| (p.0, p.1)),
            Some((String::from("a / b"), ">="))
        );
        assert_eq!(parts("a > b > 3").map(|p| p.0), Some(String::from("a > b")));
        assert_eq!(Operator::NotEqual.symbol(), "!=");
    }

    #[test]
    fn leaves_other_conditions_alone() {
        for expr in [
            "a > b",
            "a > 1 and b",
            "a > bool 1",
            "(a > 1)",
            "a > Inf",
            "3 < a",
            "absent(up)",
        ] {
            assert_eq!(checked(expr), None, "{expr}");
        }
    }
}
