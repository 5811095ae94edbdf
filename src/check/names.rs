//! The namespace: every declared name by kind, duplicate detection, and reference
//! resolution with suggestions.

use std::collections::BTreeMap;

use super::reader::Cx;
use crate::codes::Code;
use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::source::Span;
use crate::spec::{Node, Scalar};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Kind {
    Tier,
    Service,
    Metric,
    Slo,
    Alert,
    Rule,
    Receiver,
    Interval,
}

impl Kind {
    fn noun(self) -> &'static str {
        match self {
            Kind::Tier => "tier",
            Kind::Service => "service",
            Kind::Metric => "metric",
            Kind::Slo => "SLO",
            Kind::Alert => "alert",
            Kind::Rule => "anomaly, regression or capacity rule",
            Kind::Receiver => "receiver",
            Kind::Interval => "time interval",
        }
    }
}

#[derive(Default)]
pub(crate) struct Names {
    declared: BTreeMap<Kind, BTreeMap<String, Span>>,
}

impl Names {
    /// Records the names of `nodes`; the second declaration of a name is an error.
    pub(crate) fn declare(&mut self, cx: &Cx, kind: Kind, nodes: &[&Node]) {
        let table = self.declared.entry(kind).or_default();
        for node in nodes {
            let Some(first) = node.args.first() else {
                continue;
            };
            let Scalar::String(name) = &first.scalar else {
                continue;
            };
            if let Some(previous) = table.get(name) {
                cx.report(
                    Diagnostic::new(
                        Code::DuplicateName,
                        first.span,
                        format!("{} `{name}` is declared twice", kind.noun()),
                    )
                    .label("second declaration")
                    .note(*previous, "first declared here"),
                );
            } else {
                table.insert(name.clone(), first.span);
            }
        }
    }

    /// Records the SLOs' names: unique within their service, so the same name may serve
    /// every service (`availability` of `checkout` and of `orders`).
    pub(crate) fn declare_slos(&mut self, cx: &Cx, nodes: &[&Node]) {
        let mut seen: BTreeMap<(String, String), Span> = BTreeMap::new();
        for node in nodes {
            let Some(first) = node.args.first() else {
                continue;
            };
            let Scalar::String(name) = &first.scalar else {
                continue;
            };
            let service = node
                .props
                .iter()
                .find(|p| p.key == "service")
                .and_then(|p| match &p.value.scalar {
                    Scalar::String(service) => Some(service.clone()),
                    _ => None,
                });
            let Some(service) = service else { continue };
            let key = (service, name.clone());
            if let Some(previous) = seen.get(&key) {
                cx.report(
                    Diagnostic::new(
                        Code::DuplicateName,
                        first.span,
                        format!("SLO `{name}` of service `{}` is declared twice", key.0),
                    )
                    .label("second declaration")
                    .note(*previous, "first declared here")
                    .help("an SLO's name is unique within its service; other services may use it"),
                );
            } else {
                seen.insert(key, first.span);
            }
            self.declared
                .entry(Kind::Slo)
                .or_default()
                .entry(name.clone())
                .or_insert(first.span);
        }
    }

    pub(crate) fn contains(&self, kind: Kind, name: &str) -> bool {
        self.declared
            .get(&kind)
            .is_some_and(|t| t.contains_key(name))
    }

    /// Checks that `name` is declared; reports it with a suggestion when it is not.
    pub(crate) fn resolve(&self, cx: &Cx, kind: Kind, name: &str, span: Span) -> bool {
        if self.contains(kind, name) {
            return true;
        }
        let known = self.declared.get(&kind);
        let candidates = known.into_iter().flat_map(|t| t.keys().map(String::as_str));
        cx.report(
            Diagnostic::new(
                Code::Undefined,
                span,
                format!("no {} named `{name}`", kind.noun()),
            )
            .label(format!("undefined {}", kind.noun()))
            .help(did_you_mean(name, candidates, kind.noun())),
        );
        false
    }
}

/// Names of SLOs, services, tiers, receivers and intervals: portable in file names, label
/// values and rule names.
pub(crate) fn valid_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && name.len() <= 63
}

pub(crate) fn check_identifier(cx: &Cx, name: &str, span: Span, what: &str) -> bool {
    if valid_identifier(name) {
        return true;
    }
    cx.report(
        Diagnostic::new(Code::InvalidName, span, format!("`{}` is not a valid {what} name", name.escape_debug()))
            .label("invalid name")
            .help("start with a letter; use only ASCII letters, digits, `_` and `-`; at most 63 characters"),
    );
    false
}

pub(crate) fn valid_metric_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

pub(crate) fn valid_label_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.starts_with("__")
}

/// CamelCase, letters and digits (monitoring-mixin convention), short enough that its
/// runbook's file name fits every file system.
pub(crate) fn valid_alert_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && chars.all(|c| c.is_ascii_alphanumeric())
        && name.len() <= crate::conventions::MAX_ALERT_NAME
}

/// Reports an alert name (or the stem of an SLO's alert names) that is not CamelCase.
pub(crate) fn check_alert_name(cx: &Cx, name: &str, span: Span, what: &str) -> bool {
    if valid_alert_name(name) {
        return true;
    }
    cx.report(
        Diagnostic::new(
            Code::AlertName,
            span,
            format!(
                "{what} `{}` is not CamelCase (letters and digits, at most {})",
                name.escape_debug(),
                crate::conventions::MAX_ALERT_NAME
            ),
        )
        .label("invalid alert name"),
    );
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        let table = [
            ("availability", true),
            ("tool-call-latency", true),
            ("a_b", true),
            ("9lives", false),
            ("../../x", false),
            ("with space", false),
            ("", false),
            ("é", false),
        ];
        for (name, ok) in table {
            assert_eq!(valid_identifier(name), ok, "{name}");
        }
    }

    #[test]
    fn prometheus_names() {
        assert!(valid_metric_name("erlmcp_requests_total"));
        assert!(valid_metric_name("slo:sli_error:ratio_rate5m"));
        assert!(!valid_metric_name("1abc"));
        assert!(valid_label_name("operation"));
        assert!(!valid_label_name("__name__"));
        assert!(!valid_label_name("a-b"));
        assert!(valid_alert_name("ErlmcpMemoryHigh"));
        assert!(!valid_alert_name("erlmcpMemoryHigh"));
        assert!(!valid_alert_name("Erlmcp_Memory"));
        // Long names are whole names; only a file system's limit bounds them.
        assert!(valid_alert_name(&format!("A{}", "b".repeat(40))));
        assert!(!valid_alert_name(&format!("A{}", "b".repeat(200))));
    }
}
