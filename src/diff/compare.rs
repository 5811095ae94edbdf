//! Two views in, a list of changes out, each with the sentence an on-call engineer reads.
//! SLOs and alerts live here; routing, receivers, recording rules and dashboards in
//! `operations.rs`.

use std::collections::BTreeMap;

use super::budget::{Budget, budget, percent, window_words};
use super::operations;
use super::view::{AlertView, SloView, View};
use super::{Action, BudgetChange, Change, Detail, Field, Kind};

pub(super) fn compare(before: &View, after: &View) -> Vec<Change> {
    let renames = operations::renamed_receivers(before, after);
    let context = Context {
        before,
        after,
        renames: &renames,
    };
    let mut changes = slos(before, after);
    changes.extend(alerts(&context));
    changes.extend(operations::routes(&context));
    changes.extend(operations::receivers(&context));
    changes.extend(operations::recording(&context));
    changes.extend(operations::dashboards(before, after));
    changes
}

/// Both views, and the receivers renamed between them (old name → new name).
pub(super) struct Context<'a> {
    pub(super) before: &'a View,
    pub(super) after: &'a View,
    pub(super) renames: &'a BTreeMap<String, String>,
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

fn slos(before: &View, after: &View) -> Vec<Change> {
    let mut changes = Vec::new();
    for (name, old, new) in pairs(&before.slos, &after.slos) {
        let change = match (old, new) {
            (None, Some(new)) => {
                let b = budget(new.objective, new.window);
                let mut change = change(
                    Kind::Slo,
                    Action::Added,
                    &name,
                    format!(
                        "New SLO `{name}` of `{}`: {}% over {}, an error budget of {} ({} bad events per million).",
                        new.service, b.objective_percent, b.window, b.time, b.bad_per_million
                    ),
                );
                change.details.push(detail(
                    Field::Sli,
                    None,
                    Some(new.sli.clone()),
                    format!("{} SLI: {}", new.sli_kind, new.sli),
                ));
                change.budget = Some(BudgetChange {
                    before: None,
                    after: Some(b),
                });
                change
            }
            (Some(old), None) => {
                let b = budget(old.objective, old.window);
                let mut change = change(
                    Kind::Slo,
                    Action::Removed,
                    &name,
                    format!(
                        "SLO `{name}` of `{}` is removed, and its burn-rate and budget alerts with it (it was {}% over {}).",
                        old.service, b.objective_percent, b.window
                    ),
                );
                change.budget = Some(BudgetChange {
                    before: Some(b),
                    after: None,
                });
                change
            }
            (Some(old), Some(new)) => match slo_change(&name, old, new) {
                Some(change) => change,
                None => continue,
            },
            (None, None) => continue,
        };
        changes.push(change);
    }
    changes
}

fn slo_change(name: &str, old: &SloView, new: &SloView) -> Option<Change> {
    let mut details = Vec::new();
    if old.service != new.service {
        details.push(detail(
            Field::Service,
            Some(old.service.clone()),
            Some(new.service.clone()),
            format!("moves from service `{}` to `{}`", old.service, new.service),
        ));
    }
    let (b, a) = (
        budget(old.objective, old.window),
        budget(new.objective, new.window),
    );
    let mut headline = Vec::new();
    if old.objective != new.objective {
        headline.push(format!(
            "objective {}% → {}%",
            b.objective_percent, a.objective_percent
        ));
        details.push(detail(
            Field::Objective,
            Some(b.objective_percent.clone()),
            Some(a.objective_percent.clone()),
            format!(
                "objective {}% → {}%",
                b.objective_percent, a.objective_percent
            ),
        ));
    }
    if old.window != new.window {
        let (from, to) = (window_words(old.window), window_words(new.window));
        headline.push(format!("window {from} → {to}"));
        details.push(detail(
            Field::Window,
            Some(from.clone()),
            Some(to.clone()),
            format!("window {from} → {to}"),
        ));
    }
    let budget_changed = !headline.is_empty();
    if budget_changed {
        details.push(detail(
            Field::ErrorBudget,
            Some(b.time.clone()),
            Some(a.time.clone()),
            budget_words(&b, &a),
        ));
    }
    if old.sli != new.sli {
        details.push(detail(
            Field::Sli,
            Some(old.sli.clone()),
            Some(new.sli.clone()),
            format!("the SLI now counts {} (it counted {})", new.sli, old.sli),
        ));
    }
    for (_, was, now) in pairs(&old.burn, &new.burn) {
        let (Some(was), Some(now)) = (was, now) else {
            continue;
        };
        if was.threshold != now.threshold {
            details.push(detail(
                Field::BurnThreshold,
                Some(percent(was.threshold)),
                Some(percent(now.threshold)),
                format!(
                    "`{}` ({}) now fires above an error ratio of {} (was {})",
                    now.alert,
                    now.windows,
                    percent(now.threshold),
                    percent(was.threshold)
                ),
            ));
        }
    }
    if details.is_empty() {
        return None;
    }
    let prefix = format!("SLO `{name}` of `{}`: ", new.service);
    let summary = if budget_changed {
        format!(
            "{prefix}{}, so {}.",
            headline.join(", "),
            budget_words(&b, &a)
        )
    } else {
        sentence(&prefix, &details)
    };
    let mut change = change(Kind::Slo, Action::Changed, name, summary);
    change.details = details;
    change.budget = budget_changed.then_some(BudgetChange {
        before: Some(b),
        after: Some(a),
    });
    Some(change)
}

/// `the error budget over 30d shrinks from 43m12s to 21m36s (1000 → 500 bad events per million)`.
fn budget_words(before: &Budget, after: &Budget) -> String {
    let trend = match before.seconds.cmp(&after.seconds) {
        std::cmp::Ordering::Greater => "shrinks",
        std::cmp::Ordering::Less => "grows",
        std::cmp::Ordering::Equal => "stays",
    };
    let events = if before.bad_per_million == after.bad_per_million {
        format!("still {} bad events per million", after.bad_per_million)
    } else {
        format!(
            "{} → {} bad events per million",
            before.bad_per_million, after.bad_per_million
        )
    };
    if before.period == after.period {
        if trend == "stays" {
            return format!(
                "the error budget over {} stays {} ({events})",
                after.period, after.time
            );
        }
        format!(
            "the error budget over {} {trend} from {} to {} ({events})",
            after.period, before.time, after.time
        )
    } else {
        format!(
            "the error budget {trend} from {} over {} to {} over {} ({events})",
            before.time, before.period, after.time, after.period
        )
    }
}

fn alerts(cx: &Context<'_>) -> Vec<Change> {
    let mut changes = Vec::new();
    for ((name, variant), old, new) in pairs(&cx.before.alerts, &cx.after.alerts) {
        let shown = match &variant {
            Some(v) => format!("`{name}` ({v})"),
            None => format!("`{name}`"),
        };
        let mut change = match (old, new) {
            (None, Some(new)) => {
                let mut change = change(
                    Kind::Alert,
                    Action::Added,
                    &name,
                    format!(
                        "New alert {shown}: {}{}{}.",
                        operations::delivery_words(&new.delivery, &cx.after.receivers),
                        severity_words(new),
                        wait_words(new)
                    ),
                );
                change.details.push(detail(
                    Field::Expression,
                    None,
                    Some(new.expr.clone()),
                    format!("fires when `{}`", new.expr),
                ));
                change
            }
            (Some(old), None) => change(
                Kind::Alert,
                Action::Removed,
                &name,
                format!(
                    "{shown} is removed: it {}; its condition no longer alerts anyone.",
                    operations::past(&operations::delivery_words(
                        &old.delivery,
                        &cx.before.receivers
                    ))
                ),
            ),
            (Some(old), Some(new)) => {
                let details = alert_details(cx, old, new);
                if details.is_empty() {
                    continue;
                }
                let mut change = change(
                    Kind::Alert,
                    Action::Changed,
                    &name,
                    sentence(&format!("{shown}: "), &details),
                );
                let only_expression = details
                    .iter()
                    .all(|d| matches!(d.field, Field::Expression | Field::Threshold));
                change.follows_slo = new
                    .slo
                    .clone()
                    .filter(|slo| only_expression && slo_changed(cx, slo));
                change.details = details;
                change
            }
            (None, None) => continue,
        };
        change.variant = variant;
        changes.push(change);
    }
    changes
}

fn severity_words(alert: &AlertView) -> String {
    alert
        .severity
        .as_ref()
        .map(|s| format!(" at severity {s}"))
        .unwrap_or_default()
}

fn wait_words(alert: &AlertView) -> String {
    alert
        .for_duration
        .map(|d| format!(" after {d}"))
        .unwrap_or_default()
}

fn alert_details(cx: &Context<'_>, old: &AlertView, new: &AlertView) -> Vec<Detail> {
    let mut details = Vec::new();
    if old.expr != new.expr {
        let follows = new
            .slo
            .as_ref()
            .filter(|slo| slo_changed(cx, slo))
            .map(|_| " (follows the SLO change)")
            .unwrap_or_default();
        let says = match numbers_changed(&old.expr, &new.expr) {
            Some(pairs) if pairs.len() == 1 => {
                format!("threshold {} → {}{follows}", pairs[0].0, pairs[0].1)
            }
            _ => format!("expression changed{follows}"),
        };
        let field = if says.starts_with("threshold") {
            Field::Threshold
        } else {
            Field::Expression
        };
        details.push(detail(
            field,
            Some(old.expr.clone()),
            Some(new.expr.clone()),
            says,
        ));
    }
    if old.for_duration != new.for_duration {
        let says = match (old.for_duration, new.for_duration) {
            (_, Some(now)) => format!(
                "now waits {now} before firing (was {})",
                old.for_duration
                    .map_or_else(|| String::from("immediately"), |d| d.to_string())
            ),
            (Some(was), None) => format!("now fires immediately (waited {was})"),
            (None, None) => String::new(),
        };
        details.push(detail(
            Field::For,
            old.for_duration.map(|d| d.to_string()),
            new.for_duration.map(|d| d.to_string()),
            says,
        ));
    }
    if old.keep_firing_for != new.keep_firing_for {
        let show = |d: Option<crate::model::Duration>| {
            d.map_or_else(|| String::from("none"), |d| d.to_string())
        };
        details.push(detail(
            Field::KeepFiringFor,
            old.keep_firing_for.map(|d| d.to_string()),
            new.keep_firing_for.map(|d| d.to_string()),
            format!(
                "keeps firing for {} after recovering (was {})",
                show(new.keep_firing_for),
                show(old.keep_firing_for)
            ),
        ));
    }
    for (field, label, was, now) in [
        (Field::Severity, "severity", &old.severity, &new.severity),
        (Field::Tier, "tier", &old.tier, &new.tier),
    ] {
        if was != now {
            let show = |v: &Option<String>| v.clone().unwrap_or_else(|| String::from("none"));
            details.push(detail(
                field,
                was.clone(),
                now.clone(),
                format!("{label} {} → {}", show(was), show(now)),
            ));
        }
    }
    if let Some(says) = operations::delivery_change(cx, &old.delivery, &new.delivery) {
        details.push(detail(
            Field::Delivery,
            Some(operations::delivery_names(&old.delivery)),
            Some(operations::delivery_names(&new.delivery)),
            says,
        ));
    }
    details
}

pub(super) fn slo_changed(cx: &Context<'_>, slo: &str) -> bool {
    match (cx.before.slos.get(slo), cx.after.slos.get(slo)) {
        (Some(old), Some(new)) => old.objective != new.objective || old.window != new.window,
        _ => false,
    }
}

/// When two expressions differ only in number literals, the distinct `(before, after)`
/// pairs, in order.
fn numbers_changed(before: &str, after: &str) -> Option<Vec<(String, String)>> {
    let (old, new) = (tokens(before), tokens(after));
    if old.len() != new.len() {
        return None;
    }
    let mut changed: Vec<(String, String)> = Vec::new();
    for ((was, was_number), (now, now_number)) in old.into_iter().zip(new) {
        if was == now {
            continue;
        }
        if !(was_number && now_number) {
            return None;
        }
        let pair = (was.to_owned(), now.to_owned());
        if !changed.contains(&pair) {
            changed.push(pair);
        }
    }
    Some(changed)
}

/// Splits text into number literals (standing alone, not part of a name or a duration
/// such as `5m`) and everything between them.
fn tokens(text: &str) -> Vec<(&str, bool)> {
    let bytes = text.as_bytes();
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b':' || b == b'.';
    let mut out = Vec::new();
    let (mut start, mut i) = (0, 0);
    while i < bytes.len() {
        let standalone = bytes[i].is_ascii_digit() && (i == 0 || !word(bytes[i - 1]));
        if standalone {
            let end = (i..bytes.len())
                .find(|&j| !(bytes[j].is_ascii_digit() || bytes[j] == b'.'))
                .unwrap_or(bytes.len());
            if end == bytes.len() || !word(bytes[end]) {
                out.push((&text[start..i], false));
                out.push((&text[i..end], true));
                start = end;
            }
            i = end;
        } else {
            i += 1;
        }
    }
    out.push((&text[start..], false));
    out
}

#[cfg(test)]
mod tests {
    use super::numbers_changed;

    #[test]
    fn only_standalone_numbers_count_as_thresholds() {
        assert_eq!(
            numbers_changed("(x) > 0.85", "(x) > 0.9"),
            Some(vec![("0.85".to_owned(), "0.9".to_owned())])
        );
        assert_eq!(numbers_changed("rate(x[5m]) > 1", "rate(x[10m]) > 1"), None);
        assert_eq!(numbers_changed("rate1h > 1", "rate6h > 1"), None);
        assert_eq!(
            numbers_changed("a > 0.0144 and b > 0.0144", "a > 0.0072 and b > 0.0072"),
            Some(vec![("0.0144".to_owned(), "0.0072".to_owned())])
        );
    }
}
