//! `PromQL` in the spec: every expression is parsed as Prometheus would parse it.

use promql_parser::parser::{self, Expr};

use super::Scope;
use super::reader::{Cx, wrong_type};
pub(crate) use super::selectors::Usage;
use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::model::{PromQl, Selector, WindowTemplate, substitute_window_in_place};
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
    if durations::out_of_range(text) {
        cx.report(
            Diagnostic::new(Code::PromQl, value.span, "a duration in this expression is out of range")
                .label("refused before parsing")
                .help("ranges, subquery steps and offsets must be finite and under 31,000 years (1e12 seconds)"),
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

/// Holds the expression's selectors against the catalog, once the catalog is built.
fn resolve(scope: &Scope<'_>, value: &Value, text: &str, expr: &Expr) {
    if let Some(catalog) = scope.catalog {
        catalog.check(scope.cx, value, text, expr);
    }
}

/// Any `PromQL` expression.
pub(crate) fn expr(scope: &Scope<'_>, value: &Value) -> Option<PromQl> {
    let text = text_of(scope.cx, value)?;
    let expr = parse(scope.cx, value, text)?;
    resolve(scope, value, text, &expr);
    Some(PromQl::checked(text.trim(), expr))
}

/// A plain instant-vector selector (`metric{label="v"}`), which vigil wraps in `rate()`
/// ([`Usage::Rated`]) or reads as it is.
pub(crate) fn selector(scope: &Scope<'_>, value: &Value, usage: Usage) -> Option<Selector> {
    let cx = scope.cx;
    let text = text_of(cx, value)?;
    let expr = parse(cx, value, text)?;
    match expr {
        Expr::VectorSelector(selector) if selector.offset.is_none() && selector.at.is_none() => {
            if let Some(catalog) = scope.catalog {
                catalog.check_selector(scope.cx, value, text, &selector, usage);
            }
            Some(Selector::checked(text.trim(), selector))
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
pub(crate) fn template(scope: &Scope<'_>, value: &Value) -> Option<WindowTemplate> {
    let cx = scope.cx;
    let text = text_of(cx, value)?;
    let rendered = substitute_window_in_place(text);
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
    let expr = parse(cx, value, &rendered)?;
    resolve(scope, value, &rendered, &expr);
    Some(WindowTemplate::checked(text.trim()))
}

/// promql-parser panics converting some durations to `std::time::Duration`
/// (`foo[18446744073709551615]`, `rate(foo[1e30])`, `foo offset Inf`; found by fuzzing), so
/// durations are checked before it sees them: every word inside `[…]` and the one after
/// `offset`.
mod durations {
    /// About 31,700 years: far beyond any real range, far below where conversion overflows.
    const MAX_SECONDS: f64 = 1e12;

    pub(super) fn out_of_range(text: &str) -> bool {
        let bytes = text.as_bytes();
        let (mut brackets, mut after_offset, mut i) = (0_usize, false, 0);
        while i < bytes.len() {
            match bytes[i] {
                quote @ (b'"' | b'\'' | b'`') => i = skip_string(bytes, i + 1, quote),
                b'#' => {
                    i = bytes[i..]
                        .iter()
                        .position(|&b| b == b'\n')
                        .map_or(bytes.len(), |n| i + n);
                }
                b'[' => brackets += 1,
                b']' => brackets = brackets.saturating_sub(1),
                b'+' | b'-' => {}
                c if c.is_ascii_whitespace() => {}
                c if is_word(c) => {
                    let end = word_end(bytes, i);
                    let word = &text[i..end];
                    if (brackets > 0 || after_offset) && !within_range(word) {
                        return true;
                    }
                    after_offset = word.eq_ignore_ascii_case("offset");
                    i = end;
                    continue;
                }
                _ => after_offset = false,
            }
            i += 1;
        }
        false
    }

    fn is_word(byte: u8) -> bool {
        byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'_' | b':')
    }

    /// The end of the word at `start`; a number's exponent keeps its sign (`1e+30`).
    fn word_end(bytes: &[u8], start: usize) -> usize {
        let number = bytes[start].is_ascii_digit() || bytes[start] == b'.';
        let mut end = start;
        while end < bytes.len() {
            let exponent_sign = number
                && matches!(bytes[end], b'+' | b'-')
                && matches!(bytes[end - 1], b'e' | b'E');
            if !(is_word(bytes[end]) || exponent_sign) {
                break;
            }
            end += 1;
        }
        end
    }

    /// The index just past the string that started before `start`.
    fn skip_string(bytes: &[u8], mut index: usize, quote: u8) -> usize {
        while index < bytes.len() && bytes[index] != quote {
            index += if bytes[index] == b'\\' && quote != b'`' {
                2
            } else {
                1
            };
        }
        index
    }

    /// Whether every duration in `word` (a range, `range:step` or an offset) is finite and
    /// under [`MAX_SECONDS`]. Words that are no duration at all are left to the parser.
    fn within_range(word: &str) -> bool {
        word.split(':')
            .all(|part| seconds(part).is_none_or(|s| s.is_finite() && s.abs() <= MAX_SECONDS))
    }

    fn seconds(part: &str) -> Option<f64> {
        if let Ok(number) = part.parse::<f64>() {
            return Some(number);
        }
        if let Some(hex) = part.strip_prefix("0x").or_else(|| part.strip_prefix("0X")) {
            // Precision does not matter against a bound of 1e12.
            #[allow(clippy::cast_precision_loss)]
            return Some(u64::from_str_radix(hex, 16).map_or(f64::INFINITY, |n| n as f64));
        }
        // Unit durations such as `1h30m`: the sum of each number times its unit.
        let mut total = 0.0;
        let mut rest = part;
        while !rest.is_empty() {
            let digits = rest
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len());
            let unit_end = rest[digits..]
                .find(|c: char| c.is_ascii_digit())
                .map_or(rest.len(), |n| digits + n);
            let number: f64 = rest[..digits].parse().ok()?;
            let unit = match &rest[digits..unit_end] {
                "ms" => 0.001,
                "s" => 1.0,
                "m" => 60.0,
                "h" => 3_600.0,
                "d" => 86_400.0,
                "w" => 604_800.0,
                "y" => 31_536_000.0,
                _ => return None,
            };
            total += number * unit;
            rest = &rest[unit_end..];
        }
        Some(total)
    }
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

    /// Runs `test` with a scope that has no catalog.
    fn with_scope(test: impl FnOnce(&Scope<'_>)) -> usize {
        let cx = Cx::default();
        let names = crate::check::names::Names::default();
        let targets = crate::model::Targets::default();
        test(&Scope {
            cx: &cx,
            names: &names,
            targets: &targets,
            catalog: None,
        });
        cx.into_diagnostics().iter().count()
    }

    #[test]
    fn expressions() {
        let reported = with_scope(|scope| {
            assert!(expr(scope, &value("sum(rate(x_total[5m])) > 1")).is_some());
            assert!(expr(scope, &value("sum(rate(x_total[5m]) > ")).is_none());
            assert!(expr(scope, &value(&"(".repeat(10_000))).is_none());
            assert!(selector(scope, &value("x_total{code!=\"ok\"}"), Usage::Rated).is_some());
            assert!(selector(scope, &value("rate(x_total[5m])"), Usage::Rated).is_none());
            assert!(template(scope, &value("sum(rate(x[{{ window }}]))")).is_some());
            assert!(template(scope, &value("sum(rate(x[5m]))")).is_none());
        });
        assert_eq!(reported, 4);
    }

    /// Each of these panicked inside promql-parser before the check.
    #[test]
    fn durations_out_of_range_are_refused_before_parsing() {
        for text in [
            "foo[18446744073709551615]",
            "foo[99999999999999999999]",
            "foo[1:99999999999999999999]",
            "foo[1m:99999999999999999999]",
            "foo offset 18446744073709551615",
            "foo offset -18446744073709551615",
            "rate(foo[1e30])",
            "rate(foo[1e+30])",
            "foo offset Inf",
            "foo[5m] offset -1e20",
            "sum(rate(http_requests_total[00000000018446744073709551615:000308553043h]))",
            "foo[300000000000000h]",
            "foo[0xffffffffffffffffff]",
        ] {
            assert!(durations::out_of_range(text), "{text}");
            with_scope(|scope| assert!(expr(scope, &value(text)).is_none(), "{text}"));
        }
        for text in [
            "sum(rate(x_total{path=\"[99999999999999999999]\"}[5m]))",
            "x offset 5m > 1e300",
            "rate(x[1h30m]) # [99999999999999999999]",
            "max_over_time(x[30d:5m] offset 1w) @ 1e30",
            "x[0x10]",
            "histogram_quantile(0.99, sum by (le) (rate(x_bucket[5m])))",
        ] {
            assert!(!durations::out_of_range(text), "{text}");
        }
    }
}
