//! The alerting of imported SLOs: tiers named after the source's severities, and each
//! burn-rate alert with the name, labels and annotations the source gave it.

use std::collections::{BTreeMap, BTreeSet};

use super::render::{Node, Value};
use super::{BurnDraft, SloDraft, identifier};
use crate::model::format_decimal;

/// The two kinds of burn-rate alert, with the tier each gets when the source says nothing.
const KINDS: [(&str, &str); 2] = [("page", "critical"), ("ticket", "warning")];

/// The tiers an import declares: per kind of alert (`page`, `ticket`), one per severity
/// the source's alerts carry. A kind with one severity has one tier named after the
/// kind; with several, `page-<severity>` each.
pub(super) struct Tiers {
    severities: [BTreeSet<String>; 2],
}

impl Tiers {
    pub(super) fn of(slos: &[SloDraft]) -> Self {
        let mut severities: [BTreeSet<String>; 2] = Default::default();
        for slo in slos {
            for (index, burn) in [&slo.page, &slo.ticket].into_iter().enumerate() {
                if let Some(burn) = burn {
                    severities[index].insert(severity(index, burn.severity.as_ref()).to_owned());
                }
            }
        }
        Self { severities }
    }

    /// The tier of an alert of kind `index` (0 page, 1 ticket) with `severity`.
    fn name(&self, index: usize, given: Option<&String>) -> String {
        let kind = KINDS[index].0;
        if self.severities[index].len() > 1 {
            format!(
                "{kind}-{}",
                identifier(severity(index, given)).to_lowercase()
            )
        } else {
            kind.to_owned()
        }
    }

    pub(super) fn nodes(&self) -> Vec<Node> {
        let mut nodes = Vec::new();
        for (index, (_, default)) in KINDS.iter().enumerate() {
            let mut severities: Vec<&str> =
                self.severities[index].iter().map(String::as_str).collect();
            if severities.is_empty() {
                severities.push(default);
            }
            for severity in severities {
                let node = Node::new("tier")
                    .arg(Value::Text(self.name(index, Some(&severity.to_owned()))))
                    .prop("level", Value::Number((index + 1).to_string()))
                    .prop("severity", Value::text(severity));
                nodes.push(if index == 0 {
                    node.prop("page", Value::Bool(true))
                } else {
                    node
                });
            }
        }
        nodes
    }
}

/// The names of a source's page and ticket alerts when the source names both alike (Sloth's
/// `alerting.name`, Pyrra's): the page alert keeps the name, the ticket alert adds `Ticket`
/// when there is a page alert, since vigil's alert names are unique.
pub(super) fn source_names(name: &str, has_page: bool) -> (String, String) {
    let ticket = if has_page {
        format!("{name}Ticket")
    } else {
        name.to_owned()
    };
    (name.to_owned(), ticket)
}

/// Whether a source's `severity` can be a tier's (critical, warning, info, none).
pub(super) fn tier_severity(severity: &str) -> bool {
    crate::model::TierSeverity::ALL
        .iter()
        .any(|(name, _)| *name == severity)
}

/// The severity of an alert of kind `index`: the source's, else vigil's for the kind.
fn severity(index: usize, given: Option<&String>) -> &str {
    given.map_or(KINDS[index].1, String::as_str)
}

/// The SLO's `alerting` block.
pub(super) fn alerting(slo: &SloDraft, tiers: &Tiers) -> Node {
    let mut alerting = extras(
        Node::new("alerting"),
        &slo.alert_labels,
        &slo.alert_annotations,
    );
    for (index, burn) in [&slo.page, &slo.ticket].into_iter().enumerate() {
        if let Some(burn) = burn {
            alerting = alerting.child(burn_node(
                KINDS[index].0,
                burn,
                tiers.name(index, burn.severity.as_ref()),
            ));
        }
    }
    if slo.absent {
        return alerting;
    }
    // The source has no absent alert: adding one would change what fires.
    alerting.child(Node::new("absent").prop("enabled", Value::Bool(false)))
}

fn burn_node(kind: &str, burn: &BurnDraft, tier: String) -> Node {
    let mut node = Node::new(kind).prop("tier", Value::Text(tier));
    if let Some(name) = &burn.name {
        node = node.prop("name", Value::text(name.clone()));
    }
    if let Some(duration) = burn.for_duration {
        node = node.prop("for", Value::Text(duration.to_string()));
    }
    node = extras(node, &burn.labels, &burn.annotations);
    for w in burn.windows.iter().flatten() {
        node = node.child(
            Node::new("window")
                .prop("long", Value::Text(w.long.to_string()))
                .prop("short", Value::Text(w.short.to_string()))
                .prop("budget", Value::Number(format_decimal(w.budget_percent))),
        );
    }
    node
}

/// `label` and `annotation` children.
fn extras(
    mut node: Node,
    labels: &BTreeMap<String, String>,
    annotations: &BTreeMap<String, String>,
) -> Node {
    for (kind, entries) in [("label", labels), ("annotation", annotations)] {
        for (key, value) in entries {
            node = node.child(
                Node::new(kind)
                    .arg(Value::text(key.clone()))
                    .arg(Value::text(value.clone())),
            );
        }
    }
    node
}
