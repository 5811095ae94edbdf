//! The pieces every comparison builds its changes from: both views, pairs of entries,
//! a change, a detail and the sentence they make.

use std::collections::BTreeMap;

use super::view::View;
use super::{Action, Change, Detail, Field, Kind};

/// Both views, and the receivers renamed between them (old name → new name).
pub(super) struct Context<'a> {
    pub(super) before: &'a View,
    pub(super) after: &'a View,
    pub(super) renames: &'a BTreeMap<String, String>,
}

impl Context<'_> {
    /// Whether the SLO's objective or window changed, which moves its alerts' thresholds.
    pub(super) fn slo_changed(&self, slo: &str) -> bool {
        match (self.before.slos.get(slo), self.after.slos.get(slo)) {
            (Some(old), Some(new)) => old.objective != new.objective || old.window != new.window,
            _ => false,
        }
    }
}

/// Every key of either map with its value on each side, in key order.
pub(super) fn pairs<'a, K: Ord + Clone, V>(
    before: &'a BTreeMap<K, V>,
    after: &'a BTreeMap<K, V>,
) -> Vec<(K, Option<&'a V>, Option<&'a V>)> {
    let mut keys: Vec<&K> = before.keys().chain(after.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .map(|k| (k.clone(), before.get(k), after.get(k)))
        .collect()
}

pub(super) fn change(kind: Kind, action: Action, subject: &str, summary: String) -> Change {
    Change {
        kind,
        action,
        subject: subject.to_owned(),
        variant: None,
        summary,
        details: Vec::new(),
        follows_slo: None,
        budget: None,
    }
}

pub(super) fn detail(
    field: Field,
    before: Option<String>,
    after: Option<String>,
    says: String,
) -> Detail {
    Detail {
        field,
        before,
        after,
        says,
    }
}

/// The details' sentences joined into one, capitalised, ending with a period.
pub(super) fn sentence(prefix: &str, details: &[Detail]) -> String {
    let parts: Vec<&str> = details.iter().map(|d| d.says.as_str()).collect();
    format!("{prefix}{}.", parts.join("; "))
}

pub(super) fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}
