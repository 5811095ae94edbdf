//! Targets, settings, tiers and services.

use std::collections::BTreeMap;

use super::Scope;
use super::names::{Kind, check_identifier, valid_label_name};
use super::reader::{Cx, Reader};
use crate::codes::Code;
use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::model::{
    CardinalityAlert, Duration, LabelName, RuleDialect, Service, ServiceName, Settings, Targets,
    TeamName, Tier, TierName, TierSeverity, Timing, Version,
};
use crate::source::Span;
use crate::spec::{Node, Scalar};

use crate::conventions::RESERVED_LABELS;

pub(crate) fn targets(node: &Node, cx: &Cx) -> Targets {
    let r = Reader::new(node, cx);
    let defaults = Targets::default();
    let version = |keyword: &'static str, default: Version| {
        let Some((text, span)) = r.text(keyword) else {
            return default;
        };
        Version::parse(&text).unwrap_or_else(|| {
            cx.report(
                Diagnostic::new(
                    Code::InvalidValue,
                    span,
                    format!("`{text}` is not a version"),
                )
                .label("expected major.minor")
                .help("write the version as a string, e.g. `prometheus \"2.53\"`"),
            );
            default
        })
    };
    let prometheus = version("prometheus", defaults.prometheus);
    let alertmanager = version("alertmanager", defaults.alertmanager);
    let grafana = version("grafana", defaults.grafana);
    let mut rules: Vec<RuleDialect> = Vec::new();
    for (name, span) in r.string_list("rules").unwrap_or_default() {
        match RuleDialect::ALL.iter().find(|(n, _)| *n == name) {
            Some((_, dialect)) => rules.push(*dialect),
            None => cx.report(
                Diagnostic::new(
                    Code::InvalidValue,
                    span,
                    format!("unknown rule dialect `{name}`"),
                )
                .label("not a rule dialect")
                .help(did_you_mean(
                    &name,
                    RuleDialect::ALL.iter().map(|(n, _)| *n),
                    "dialect",
                )),
            ),
        }
    }
    rules.sort();
    rules.dedup();
    if rules.is_empty() {
        rules = defaults.rules;
    }
    r.finish();
    Targets {
        prometheus,
        alertmanager,
        grafana,
        rules,
    }
}

pub(crate) fn settings(node: &Node, scope: &Scope<'_>) -> Settings {
    let r = Reader::new(node, scope.cx);
    let runbook_base_url = r
        .string("runbook-base-url")
        .map(|(s, _)| s.trim_end_matches('/').to_owned());
    let grafana_url = r
        .string("grafana-url")
        .map(|(s, _)| s.trim_end_matches('/').to_owned());
    let templates = r.string("templates").map(|(s, _)| s);
    let compat_sloth = match r.string("compat") {
        Some((value, _)) if value == "sloth" => true,
        Some((value, span)) => {
            scope.cx.report(
                Diagnostic::new(
                    Code::InvalidValue,
                    span,
                    format!("unknown compatibility mode `{value}`"),
                )
                .label("not supported")
                .help("the only compatibility mode is `sloth`"),
            );
            false
        }
        None => false,
    };
    let labels = user_labels(&r, "label");
    let series_budget = r.count("series-budget");
    let cardinality_alert = r.child("cardinality-alert").and_then(|node| {
        let c = Reader::new(node, scope.cx);
        let tier = tier_ref(&c, scope, "the tier the cardinality alert fires at");
        let for_duration = c.duration("for").unwrap_or(Duration::from_secs(900));
        c.finish();
        Some(CardinalityAlert {
            tier: tier?,
            for_duration,
        })
    });
    let target_labels = target_labels(&r, scope.cx);
    r.finish();
    Settings {
        runbook_base_url,
        grafana_url,
        templates,
        compat_sloth,
        labels,
        series_budget,
        cardinality_alert,
        target_labels,
    }
}

/// `target-labels namespace pod`: labels the scrape puts on every series of a target.
fn target_labels(r: &Reader<'_, '_>, cx: &Cx) -> Vec<LabelName> {
    let mut labels: Vec<LabelName> = r
        .string_list("target-labels")
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(name, span)| label_name(cx, &name, span, false))
        .collect();
    labels.sort();
    labels.dedup();
    labels
}

/// `label name "value"` children: extra labels put on generated rules.
pub(crate) fn user_labels(
    r: &Reader<'_, '_>,
    keyword: &'static str,
) -> BTreeMap<LabelName, String> {
    let mut labels = BTreeMap::new();
    for node in r.children(keyword) {
        let l = Reader::new(node, r.cx());
        let name = l.name_arg("label");
        let value = l.arg().and_then(|v| match &v.scalar {
            Scalar::String(s) | Scalar::Number(s) => Some(s.clone()),
            _ => {
                l.wrong_type(v, "a string");
                None
            }
        });
        if value.is_none() {
            l.missing("value", "the label's value");
        }
        l.finish();
        if let (Some((name, span)), Some(value)) = (name, value)
            && let Some(label) = label_name(r.cx(), &name, span, true)
        {
            labels.insert(label, value);
        }
    }
    labels
}

/// Validates a label name; `user` labels may not use the reserved names.
pub(crate) fn label_name(cx: &Cx, name: &str, span: Span, user: bool) -> Option<LabelName> {
    if !valid_label_name(name) {
        cx.report(
            Diagnostic::new(
                Code::InvalidLabel,
                span,
                format!("`{}` is not a valid label name", name.escape_debug()),
            )
            .label("invalid label name"),
        );
        return None;
    }
    if user && RESERVED_LABELS.contains(&name) {
        cx.report(
            Diagnostic::new(
                Code::ReservedLabel,
                span,
                format!("the label `{name}` is reserved"),
            )
            .label("set by vigil")
            .help(format!(
                "vigil sets {} itself; rename this label",
                RESERVED_LABELS.join(", ")
            )),
        );
        return None;
    }
    Some(LabelName::new(name))
}

pub(crate) fn timing(r: &Reader<'_, '_>) -> Timing {
    Timing {
        group_wait: r.duration("group-wait"),
        group_interval: r.positive_duration("group-interval"),
        repeat_interval: r.positive_duration("repeat-interval"),
    }
}

pub(crate) fn tier(node: &Node, scope: &Scope<'_>) -> Option<Tier> {
    let r = Reader::new(node, scope.cx);
    let name = r.name_arg("tier");
    let level = r
        .required("level", "1 for the most urgent tier, up to 9")
        .and_then(|v| {
            let level = r.as_decimal(v)?;
            match u8::try_from(level) {
                Ok(level @ 1..=9) if r.as_decimal(v).is_some_and(|d| d.fract().is_zero()) => {
                    Some(level)
                }
                _ => {
                    scope.cx.report(
                        Diagnostic::new(
                            Code::InvalidValue,
                            v.span,
                            "a tier level is a whole number from 1 to 9",
                        )
                        .label("out of range"),
                    );
                    None
                }
            }
        });
    let severity = r
        .required_string("severity", "critical, warning, info or none")
        .and_then(|(s, span)| {
            let found = TierSeverity::ALL
                .iter()
                .find(|(n, _)| *n == s)
                .map(|(_, sev)| *sev);
            if found.is_none() {
                scope.cx.report(
                    Diagnostic::new(Code::InvalidValue, span, format!("unknown severity `{s}`"))
                        .label("not a severity")
                        .help(did_you_mean(
                            &s,
                            TierSeverity::ALL.iter().map(|(n, _)| *n),
                            "severity",
                        )),
                );
            }
            found
        });
    let page = r.bool("page").unwrap_or(false);
    let notify = r
        .bool("notify")
        .unwrap_or(severity != Some(TierSeverity::None));
    let description = r.string("description").map(|(s, _)| s);
    let timing = timing(&r);
    r.finish();
    let (name, span) = name?;
    check_identifier(scope.cx, &name, span, "tier").then_some(())?;
    Some(Tier {
        name: TierName::new(name),
        level: level?,
        severity: severity?,
        page,
        notify,
        description,
        timing,
    })
}

pub(crate) fn service(node: &Node, scope: &Scope<'_>) -> Option<Service> {
    let r = Reader::new(node, scope.cx);
    let name = r.name_arg("service");
    let team = r.string("team").and_then(|(team, span)| {
        check_identifier(scope.cx, &team, span, "team").then(|| TeamName::new(team))
    });
    let description = r.string("description").map(|(s, _)| s);
    let drop_undeclared = r.bool("drop-undeclared-metrics").unwrap_or(false);
    let mut selector = BTreeMap::new();
    for (key, key_span, value, _) in r.map("selector").unwrap_or_default() {
        if let Some(label) = label_name(scope.cx, &key, key_span, false) {
            selector.insert(label, value);
        }
    }
    let target_labels = target_labels(&r, scope.cx);
    r.finish();
    let (name, span) = name?;
    check_identifier(scope.cx, &name, span, "service").then_some(())?;
    Some(Service {
        name: ServiceName::new(name),
        team,
        description,
        selector,
        drop_undeclared,
        target_labels,
    })
}

/// A `service=` reference, resolved.
pub(crate) fn service_ref(r: &Reader<'_, '_>, scope: &Scope<'_>) -> Option<ServiceName> {
    let (name, span) = r.string("service")?;
    scope
        .names
        .resolve(scope.cx, Kind::Service, &name, span)
        .then(|| ServiceName::new(name))
}

/// A `tier=` reference, resolved; `what` says what the tier is for when missing.
pub(crate) fn tier_ref(r: &Reader<'_, '_>, scope: &Scope<'_>, what: &str) -> Option<TierName> {
    let (name, span) = r.required_string("tier", what)?;
    scope
        .names
        .resolve(scope.cx, Kind::Tier, &name, span)
        .then(|| TierName::new(name))
}
