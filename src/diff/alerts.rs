//! Alert rules: added, removed, or changed in expression, threshold, delays, severity,
//! tier or delivery.

use super::change::{Context, change, detail, pairs, sentence};
use super::operations;
use super::view::AlertView;
use super::{Action, Change, Detail, Field, Kind};

pub(super) fn alerts(cx: &Context<'_>) -> Vec<Change> {
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
                    .filter(|slo| only_expression && cx.slo_changed(slo));
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
            .filter(|slo| cx.slo_changed(slo))
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
