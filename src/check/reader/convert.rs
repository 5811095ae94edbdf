//! Reading scalars as the types the model wants, and free-form `key=value` maps; a value
//! of the wrong type is reported where it was written.

use std::str::FromStr;

use super::{Cx, Reader};
use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::model::{Decimal, Duration};
use crate::source::Span;
use crate::spec::{Node, Scalar, Value};

impl Reader<'_, '_> {
    pub(crate) fn wrong_type(&self, value: &Value, expected: &str) {
        wrong_type(self.cx, value, expected);
    }

    pub(crate) fn as_string(&self, value: &Value) -> Option<String> {
        if let Scalar::String(s) = &value.scalar {
            Some(s.clone())
        } else {
            self.wrong_type(value, "a string");
            None
        }
    }

    pub(crate) fn as_bool(&self, value: &Value) -> Option<bool> {
        if let Scalar::Bool(b) = &value.scalar {
            Some(*b)
        } else {
            self.wrong_type(
                value,
                "a boolean (`#true`/`#false` in KDL, `true`/`false` in YAML)",
            );
            None
        }
    }

    pub(crate) fn as_decimal(&self, value: &Value) -> Option<Decimal> {
        as_decimal(self.cx, value)
    }

    pub(crate) fn as_duration(&self, value: &Value) -> Option<Duration> {
        let text = match &value.scalar {
            Scalar::String(s) => s.as_str(),
            Scalar::Number(n) if n == "0" => "0s",
            _ => {
                self.wrong_type(value, "a duration string such as \"5m\"");
                return None;
            }
        };
        match Duration::parse(text) {
            Ok(duration) => Some(duration),
            Err(reason) => {
                self.cx.report(
                    Diagnostic::new(
                        Code::Duration,
                        value.span,
                        format!("invalid duration `{text}`"),
                    )
                    .label(reason),
                );
                None
            }
        }
    }
}

pub(crate) fn wrong_type(cx: &Cx, value: &Value, expected: &str) {
    // In YAML `channel: #alerts` is a key with no value and a comment: the likeliest
    // reason for a null where something is expected.
    let help = if value.scalar == Scalar::Null {
        format!(
            "write {expected}; in YAML ` #` starts a comment, so quote a value that begins with `#` (`channel: \"#alerts\"`)"
        )
    } else {
        format!("write {expected}")
    };
    cx.report(
        Diagnostic::new(
            Code::WrongType,
            value.span,
            format!("expected {expected}, found {}", value.scalar.type_name()),
        )
        .label(format!("{} here", value.scalar.type_name()))
        .help(help),
    );
}

pub(crate) fn as_decimal(cx: &Cx, value: &Value) -> Option<Decimal> {
    let Scalar::Number(text) = &value.scalar else {
        wrong_type(cx, value, "a number");
        return None;
    };
    let parsed = if text.contains(['e', 'E']) {
        Decimal::from_scientific(text)
    } else {
        Decimal::from_str(text)
    };
    if let Ok(number) = parsed {
        Some(number.normalize())
    } else {
        cx.report(
            Diagnostic::new(
                Code::InvalidValue,
                value.span,
                format!("`{text}` is not a usable number"),
            )
            .label("out of range or not finite")
            .help("numbers must be finite and between -7.9e28 and 7.9e28 with at most 28 decimals"),
        );
        None
    }
}

/// The properties of a node as a free-form map (label matchers, annotations).
pub(crate) fn free_map(node: &Node, cx: &Cx) -> Vec<(String, Span, String, Span)> {
    let mut out = Vec::new();
    for prop in &node.props {
        let text = match &prop.value.scalar {
            Scalar::String(s) | Scalar::Number(s) => s.clone(),
            Scalar::Bool(b) => b.to_string(),
            Scalar::Null => {
                wrong_type(cx, &prop.value, "a string");
                continue;
            }
        };
        if let Some((_, first, _, _)) = out
            .iter()
            .find(|(k, _, _, _): &&(String, Span, String, Span)| *k == prop.key)
        {
            cx.report(
                Diagnostic::new(
                    Code::DuplicateKey,
                    prop.key_span,
                    format!("`{}` is given twice", prop.key),
                )
                .label("repeated here")
                .note(*first, "first given here"),
            );
            continue;
        }
        out.push((prop.key.clone(), prop.key_span, text, prop.value.span));
    }
    for value in &node.args {
        cx.report(
            Diagnostic::new(
                Code::WrongType,
                value.span,
                format!("`{}` takes `key=value` pairs only", node.name),
            )
            .label("a bare value")
            .help("write `label=\"value\"`"),
        );
    }
    for child in &node.children {
        cx.report(
            Diagnostic::new(
                Code::UnknownNode,
                child.name_span,
                format!("`{}` takes `key=value` pairs only", node.name),
            )
            .label("a nested node")
            .help("write `label=\"value\"`"),
        );
    }
    out
}
