//! The labels an imported query keeps: `sum(rate(x[5m])) by (host)` yields one series per
//! host, and Sloth and OpenSLO tools judge each of those series on its own. vigil's SLI
//! sums its queries to the SLO's `group-by` labels, so the import carries the grouping
//! over (without it a host failing completely beside a busy healthy one never pages).

use promql_parser::parser::{Expr, LabelModifier};

/// What series a query's result has, as far as labels go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Grouping {
    /// A number, which matches any series.
    Scalar,
    /// One series per combination of these labels (sorted; none: a single series).
    Labels(Vec<String>),
    /// Labels the query's text does not tell (`without (…)`, a raw selector, `topk`).
    Unknown(&'static str),
}

/// Functions whose result keeps its argument's labels.
const KEEPING: &[&str] = &[
    "abs",
    "ceil",
    "clamp",
    "clamp_max",
    "clamp_min",
    "exp",
    "floor",
    "ln",
    "log10",
    "log2",
    "round",
    "sgn",
    "sqrt",
];

/// Functions of a range other than the `*_over_time` family.
const RANGE: &[&str] = &[
    "changes",
    "delta",
    "deriv",
    "idelta",
    "increase",
    "irate",
    "predict_linear",
    "rate",
    "resets",
];

/// Aggregations that keep whole series rather than summing them to the grouping.
const SELECTING: &[&str] = &["topk", "bottomk", "limitk", "limit_ratio"];

pub(crate) fn grouping(expr: &Expr) -> Grouping {
    match expr {
        Expr::NumberLiteral(_) => Grouping::Scalar,
        Expr::Paren(paren) => grouping(&paren.expr),
        Expr::Unary(unary) => grouping(&unary.expr),
        Expr::Aggregate(aggregate) => {
            if SELECTING.contains(&aggregate.op.to_string().as_str()) {
                return Grouping::Unknown("it keeps whole series (`topk` and the like)");
            }
            match &aggregate.modifier {
                None => Grouping::Labels(Vec::new()),
                Some(LabelModifier::Include(labels)) => {
                    let mut labels = labels.labels.clone();
                    labels.sort();
                    labels.dedup();
                    Grouping::Labels(labels)
                }
                Some(LabelModifier::Exclude(_)) => {
                    Grouping::Unknown("it aggregates `without` labels, keeping all others")
                }
            }
        }
        Expr::Binary(binary) => {
            let (left, right) = (grouping(&binary.lhs), grouping(&binary.rhs));
            let matching = binary.modifier.as_ref().and_then(|m| m.matching.as_ref());
            let op = binary.op.to_string();
            match (left, right) {
                // `and` and `unless` filter the left side; `or vector(0)` only fills a gap.
                (left, _) if op == "and" || op == "unless" => left,
                (left, Grouping::Labels(right)) if op == "or" && right.is_empty() => left,
                (Grouping::Scalar, other) | (other, Grouping::Scalar) => other,
                (left, right) if left == right && matching.is_none() => left,
                (Grouping::Unknown(why), _) | (_, Grouping::Unknown(why)) => Grouping::Unknown(why),
                _ => Grouping::Unknown("its two sides keep different labels"),
            }
        }
        Expr::Call(call) => match call.func.name {
            "vector" => Grouping::Labels(Vec::new()),
            "scalar" | "time" | "pi" => Grouping::Scalar,
            // Over a subquery, a range function keeps the labels of what it reads.
            name if name.ends_with("_over_time") || RANGE.contains(&name) => call
                .args
                .args
                .iter()
                .find_map(|argument| match argument.as_ref() {
                    Expr::Subquery(subquery) => Some(grouping(&subquery.expr)),
                    Expr::MatrixSelector(_) => {
                        Some(Grouping::Unknown("it keeps every series it reads"))
                    }
                    _ => None,
                })
                .unwrap_or(Grouping::Unknown("it keeps every series it reads")),
            name if KEEPING.contains(&name) => call
                .args
                .args
                .first()
                .map_or(Grouping::Unknown("it keeps every series"), |a| grouping(a)),
            _ => Grouping::Unknown("it keeps every series it reads"),
        },
        Expr::VectorSelector(_)
        | Expr::MatrixSelector(_)
        | Expr::Subquery(_)
        | Expr::StringLiteral(_)
        | Expr::Extension(_) => Grouping::Unknown("it keeps every series it reads"),
    }
}

/// How an SLI's queries group their series, as the import carries it over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SliGrouping {
    /// Every query keeps these labels (none: one series for the SLO).
    Labels(Vec<String>),
    /// The queries keep different labels, so the source divides series that never match.
    Mismatched(String),
    /// A query's labels cannot be told; the SLO is summed to one series.
    Unknown(String),
}

/// The grouping of an SLI from its queries, `(role, template over {{ window }})`; a query
/// that does not parse is left to the checks that report it.
pub(crate) fn sli_grouping(queries: &[(&str, &str)]) -> SliGrouping {
    let mut found: Vec<(&str, Vec<String>)> = Vec::new();
    for (role, template) in queries {
        let text = crate::model::substitute_window(template, "5m");
        let Ok(expr) = promql_parser::parser::parse(&text) else {
            continue;
        };
        match grouping(&expr) {
            Grouping::Scalar => {}
            Grouping::Labels(labels) => found.push((role, labels)),
            Grouping::Unknown(why) => {
                return SliGrouping::Unknown(format!(
                    "the labels the `{role}` query keeps cannot be told ({why})"
                ));
            }
        }
    }
    let Some((_, first)) = found.first() else {
        return SliGrouping::Labels(Vec::new());
    };
    if let Some((role, other)) = found.iter().find(|(_, labels)| labels != first) {
        return SliGrouping::Mismatched(format!(
            "the `{}` query keeps {} and the `{role}` query {}",
            found[0].0,
            words(first),
            words(other)
        ));
    }
    SliGrouping::Labels(first.clone())
}

/// A grouping label vigil sets on every series of an SLO itself (`service`, `slo`, …):
/// the SLO cannot keep a series per value of the source's label of that name.
pub(crate) fn reserved(labels: &[String]) -> Option<&str> {
    labels
        .iter()
        .map(String::as_str)
        .find(|label| crate::conventions::RESERVED_LABELS.contains(label))
}

/// The help for a grouping by a label vigil reserves.
pub(crate) const RESERVED_HELP: &str = "vigil sets this label on every series of an SLO; rename it in the queries (`label_replace`) and group by the new name, or leave it out of the grouping";

fn words(labels: &[String]) -> String {
    if labels.is_empty() {
        String::from("one series")
    } else {
        format!("`by ({})`", labels.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::{Grouping, grouping};

    fn of(query: &str) -> Grouping {
        grouping(&promql_parser::parser::parse(query).expect("valid PromQL"))
    }

    #[test]
    fn groupings() {
        let labels = |l: &[&str]| Grouping::Labels(l.iter().map(|s| (*s).to_owned()).collect());
        for (query, expected) in [
            ("sum(rate(x[5m]))", labels(&[])),
            ("sum(rate(x[5m])) by (host)", labels(&["host"])),
            (
                "sum by (zone, host) (rate(x[5m]))",
                labels(&["host", "zone"]),
            ),
            (
                "sum(rate(x{c=\"5\"}[5m])) by (host) / sum(rate(x[5m])) by (host)",
                labels(&["host"]),
            ),
            ("1 - (sum(rate(x[5m])) by (host))", labels(&["host"])),
            (
                "clamp_min(sum(rate(x[5m])) by (host), 0)",
                labels(&["host"]),
            ),
            (
                "avg_over_time((sum(rate(x[5m])) by (host))[5m:])",
                labels(&["host"]),
            ),
            (
                "rate((sum by (host) (x))[5m:]) >= bool 0",
                labels(&["host"]),
            ),
            (
                "(sum(rate(x[5m])) by (host)) or vector(0)",
                labels(&["host"]),
            ),
            (
                "sum(rate(x[5m])) by (host) unless sum(up) by (job)",
                labels(&["host"]),
            ),
        ] {
            assert_eq!(of(query), expected, "{query}");
        }
        for query in [
            "rate(x[5m])",
            "sum without (pod) (rate(x[5m]))",
            "topk(3, rate(x[5m]))",
            "sum(rate(x[5m])) by (host) / on (host) sum(rate(y[5m])) by (host)",
        ] {
            assert!(matches!(of(query), Grouping::Unknown(_)), "{query}");
        }
    }
}
