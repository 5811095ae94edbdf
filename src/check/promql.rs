//! `PromQL` in the spec: every expression is parsed as Prometheus would parse it.

use promql_parser::parser::{self, Expr};

use super::reader::{Cx, wrong_type};
use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::model::{MetricName, PromQl, Selector, WindowTemplate, substitute_window};
use crate::spec::{Scalar, Value};

/// Expressions nested deeper than this are refused before parsing: real rules never come
/// close, and it keeps the parser's recursion bounded.
const MAX_NESTING: usize = 128;
const MAX_LENGTH: usize = 64 * 1024;

fn text_of<'v>(cx: &Cx, value: &'v Value) -> Option<&'v str> {
    if let Scalar::String(text) = &value.scalar {
        Some(text)
    } else {
        wrong_type(cx, value, "a PromQL expression in a string");
        None
    }
}

fn nesting(text: &str) -> usize {
    let mut depth: usize = 0;
    let mut deepest = 0;
    for c in text.chars() {
        match c {
            '(' | '[' | '{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

fn parse(cx: &Cx, value: &Value, text: &str) -> Option<Expr> {
    if text.len() > MAX_LENGTH || nesting(text) > MAX_NESTING {
        cx.report(
            Diagnostic::new(Code::PromQl, value.span, "expression too large or nested too deeply")
                .label("refused before parsing")
                .help("expressions are limited to 64 KiB and 128 levels of nesting; record parts as rules"),
        );
        return None;
    }
    match parser::parse(text) {
        Ok(expr) => Some(expr),
        Err(message) => {
            let first_line = message
                .lines()
                .next()
                .unwrap_or("invalid expression")
                .trim()
                .to_owned();
            cx.report(
                Diagnostic::new(
                    Code::PromQl,
                    value.span,
                    format!("invalid PromQL: {first_line}"),
                )
                .label("this expression does not parse"),
            );
            None
        }
    }
}

/// Any `PromQL` expression.
pub(crate) fn expr(cx: &Cx, value: &Value) -> Option<PromQl> {
    let text = text_of(cx, value)?;
    parse(cx, value, text).map(|_| PromQl::checked(text.trim()))
}

/// A plain instant-vector selector (`metric{label="v"}`), which vigil wraps in `rate()`.
pub(crate) fn selector(cx: &Cx, value: &Value) -> Option<Selector> {
    let text = text_of(cx, value)?;
    match parse(cx, value, text)? {
        Expr::VectorSelector(selector) if selector.offset.is_none() && selector.at.is_none() => {
            Some(Selector::checked(
                text.trim(),
                selector.name.map(MetricName::new),
            ))
        }
        _ => {
            cx.report(
                Diagnostic::new(
                    Code::PromQlType,
                    value.span,
                    "expected a series selector, not an expression",
                )
                .label("vigil applies rate() or the bucket itself"),
            );
            None
        }
    }
}

/// A template with `{{ window }}`; checked by substituting a window and parsing.
pub(crate) fn template(cx: &Cx, value: &Value) -> Option<WindowTemplate> {
    let text = text_of(cx, value)?;
    let rendered = substitute_window(text, "5m");
    if rendered == text {
        cx.report(
            Diagnostic::new(
                Code::QueryTemplate,
                value.span,
                "this query has no `{{ window }}` placeholder",
            )
            .label("evaluated over several windows"),
        );
        return None;
    }
    parse(cx, value, &rendered).map(|_| WindowTemplate::checked(text.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{FileId, Span};

    fn value(text: &str) -> Value {
        Value {
            scalar: Scalar::String(text.to_owned()),
            span: Span::new(FileId(0), 0, text.len()),
        }
    }

    #[test]
    fn expressions() {
        let cx = Cx::default();
        assert!(expr(&cx, &value("sum(rate(x_total[5m])) > 1")).is_some());
        assert!(expr(&cx, &value("sum(rate(x_total[5m]) > ")).is_none());
        assert!(expr(&cx, &value(&"(".repeat(10_000))).is_none());
        assert!(selector(&cx, &value("x_total{code!=\"ok\"}")).is_some());
        assert!(selector(&cx, &value("rate(x_total[5m])")).is_none());
        assert!(template(&cx, &value("sum(rate(x[{{ window }}]))")).is_some());
        assert!(template(&cx, &value("sum(rate(x[5m]))")).is_none());
        assert_eq!(cx.into_diagnostics().iter().count(), 4);
    }
}
