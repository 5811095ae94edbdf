//! Changes to where alerts go (routing, receivers) and to what operators look at
//! (recording rules, dashboards).

use std::collections::BTreeMap;

use super::change::{Context, capitalise, change, detail, pairs, sentence};
use super::view::{Delivery, View};
use super::{Action, Change, Detail, Field, Kind};

/// Receivers that disappeared under one name and appeared under another with the same
/// integrations: old name → new name.
pub(super) fn renamed_receivers(before: &View, after: &View) -> BTreeMap<String, String> {
    let mut renames = BTreeMap::new();
    let added: Vec<(&String, &Vec<String>)> = after
        .receivers
        .iter()
        .filter(|(name, _)| !before.receivers.contains_key(*name))
        .collect();
    for (name, integrations) in &before.receivers {
        if after.receivers.contains_key(name) {
            continue;
        }
        let taken = |candidate: &String| renames.values().any(|n| n == candidate);
        if let Some((new, _)) = added
            .iter()
            .find(|(new, words)| *words == integrations && !taken(new))
        {
            renames.insert(name.clone(), (*new).clone());
        }
    }
    renames
}

/// `**oncall** via PagerDuty (Events v2)`.
fn receiver_words(name: &str, receivers: &BTreeMap<String, Vec<String>>) -> String {
    match receivers.get(name) {
        Some(integrations) if !integrations.is_empty() => {
            format!("**{name}** via {}", integrations.join(" and "))
        }
        _ => format!("**{name}** (no integrations: alerts stop there)"),
    }
}

/// `pages **oncall** via PagerDuty (Events v2)`: what an alert does when it fires.
pub(super) fn delivery_words(
    delivery: &Delivery,
    receivers: &BTreeMap<String, Vec<String>>,
) -> String {
    match delivery {
        Delivery::Unrouted => String::from("is not routed (the spec declares no routing)"),
        Delivery::Silent => String::from("notifies nobody (its tier never notifies)"),
        Delivery::To {
            page,
            receivers: names,
        } => {
            let verb = if *page { "pages" } else { "notifies" };
            let targets: Vec<String> = names.iter().map(|n| receiver_words(n, receivers)).collect();
            format!("{verb} {}", targets.join(" and "))
        }
    }
}

/// The receivers in order, comma-separated, or why there are none (for the JSON form).
pub(super) fn delivery_names(delivery: &Delivery) -> String {
    match delivery {
        Delivery::Unrouted => String::from("(not routed)"),
        Delivery::Silent => String::from("(nobody)"),
        Delivery::To { receivers, .. } => receivers.join(","),
    }
}

/// The sentence for a delivery that changed, or `None` when only receiver names changed
/// by a rename (nobody new is notified).
pub(super) fn delivery_change(cx: &Context<'_>, old: &Delivery, new: &Delivery) -> Option<String> {
    let renamed = match old {
        Delivery::To { page, receivers } => Delivery::To {
            page: *page,
            receivers: receivers
                .iter()
                .map(|r| cx.renames.get(r).unwrap_or(r).clone())
                .collect(),
        },
        other => other.clone(),
    };
    if &renamed == new {
        return None;
    }
    let was = delivery_words(old, &cx.before.receivers);
    let now = delivery_words(new, &cx.after.receivers);
    Some(match (old, new) {
        (Delivery::To { page: a, .. }, Delivery::To { page: b, .. }) if a == b => {
            let target = |words: &str| {
                words
                    .split_once(' ')
                    .map_or_else(String::new, |(_, rest)| rest.to_owned())
            };
            format!("now {now} instead of {}", target(&was))
        }
        _ => format!("now {now} (before, it {was})"),
    })
}

pub(super) fn routes(cx: &Context<'_>) -> Vec<Change> {
    let mut changes = Vec::new();
    for (_, old, new) in pairs(&cx.before.routes, &cx.after.routes) {
        let (subject, summary) = match (old, new) {
            (Some(old), Some(new)) => {
                let Some(says) = delivery_change(cx, &old.delivery, &new.delivery) else {
                    continue;
                };
                let says = says
                    .strip_prefix("now ")
                    .map_or_else(|| says.clone(), |rest| format!("now {}", plural_verb(rest)));
                (new.who.clone(), format!("{} {says}.", capitalise(&new.who)))
            }
            (None, Some(new)) => (
                new.who.clone(),
                format!(
                    "{} (new) {}.",
                    capitalise(&new.who),
                    plural_verb(&delivery_words(&new.delivery, &cx.after.receivers))
                ),
            ),
            (Some(old), None) => (
                old.who.clone(),
                format!(
                    "{} no longer exist (the service or tier is gone); they {}.",
                    capitalise(&old.who),
                    past(&plural_verb(&delivery_words(
                        &old.delivery,
                        &cx.before.receivers
                    )))
                ),
            ),
            (None, None) => continue,
        };
        let action = match (old, new) {
            (None, _) => Action::Added,
            (_, None) => Action::Removed,
            _ => Action::Changed,
        };
        changes.push(change(Kind::Routing, action, &subject, summary));
    }
    changes
}

/// "alerts … pages X" → "alerts … page X": the subject of a routing line is plural.
fn plural_verb(words: &str) -> String {
    for (singular, plural) in [
        ("pages ", "page "),
        ("notifies ", "notify "),
        ("is not", "are not"),
    ] {
        if let Some(rest) = words.strip_prefix(singular) {
            return format!("{plural}{rest}");
        }
    }
    words.to_owned()
}

/// "pages X" → "paged X", for both singular and plural subjects.
pub(super) fn past(words: &str) -> String {
    for (present, past) in [
        ("page ", "paged "),
        ("pages ", "paged "),
        ("notify ", "notified "),
        ("notifies ", "notified "),
        ("are not", "were not"),
        ("is not", "was not"),
    ] {
        if let Some(rest) = words.strip_prefix(present) {
            return format!("{past}{rest}");
        }
    }
    words.to_owned()
}

pub(super) fn receivers(cx: &Context<'_>) -> Vec<Change> {
    let mut changes = Vec::new();
    let words = |list: &Vec<String>| {
        if list.is_empty() {
            String::from("nothing (alerts stop there)")
        } else {
            list.join(" and ")
        }
    };
    for (name, old, new) in pairs(&cx.before.receivers, &cx.after.receivers) {
        let (action, summary) = match (old, new) {
            (Some(old), None) => match cx.renames.get(&name) {
                Some(renamed) => (
                    Action::Renamed,
                    format!(
                        "Receiver **{name}** is renamed **{renamed}**; it still delivers to {}.",
                        words(old)
                    ),
                ),
                None => (
                    Action::Removed,
                    format!(
                        "Receiver **{name}** is removed (it delivered to {}).",
                        words(old)
                    ),
                ),
            },
            (None, Some(_)) if cx.renames.values().any(|n| n == &name) => continue,
            (None, Some(new)) => (
                Action::Added,
                format!("New receiver **{name}** delivers to {}.", words(new)),
            ),
            (Some(old), Some(new)) if old != new => (
                Action::Changed,
                format!(
                    "Receiver **{name}** now delivers to {} instead of {}.",
                    words(new),
                    words(old)
                ),
            ),
            _ => continue,
        };
        let mut change = change(Kind::Receiver, action, &name, summary);
        if let (Some(old), Some(new)) = (old, new) {
            change.details.push(detail(
                Field::Integrations,
                Some(words(old)),
                Some(words(new)),
                String::from("integrations changed"),
            ));
        } else if let Some(renamed) = cx.renames.get(&name) {
            change.details.push(detail(
                Field::Name,
                Some(name.clone()),
                Some(renamed.clone()),
                format!("renamed to **{renamed}**"),
            ));
        }
        changes.push(change);
    }
    changes
}

pub(super) fn recording(cx: &Context<'_>) -> Vec<Change> {
    let mut changes = Vec::new();
    for (rule, old, new) in pairs(&cx.before.recording, &cx.after.recording) {
        let (action, summary) = match (old, new) {
            (None, Some(_)) => (Action::Added, format!("New recording rule `{rule}`.")),
            (Some(_), None) => (
                Action::Removed,
                format!(
                    "Recording rule `{rule}` is removed; queries and dashboards reading it go empty."
                ),
            ),
            (Some(old), Some(new)) if old != new => (
                Action::Changed,
                format!("Recording rule `{rule}`: expression changed."),
            ),
            _ => continue,
        };
        let mut change = change(Kind::RecordingRule, action, &rule, summary);
        if action == Action::Changed {
            change.follows_slo = slo_label(&rule).filter(|slo| cx.slo_changed(slo));
        }
        change.details.push(detail(
            Field::Expression,
            old.cloned(),
            new.cloned(),
            String::from("expression"),
        ));
        changes.push(change);
    }
    changes
}

/// The `slo` label of a recording rule's `record{labels}` key.
fn slo_label(rule: &str) -> Option<String> {
    let start = rule.find(",slo=\"").or_else(|| rule.find("{slo=\""))? + 6;
    let end = rule[start..].find('"')? + start;
    Some(rule[start..end].to_owned())
}

pub(super) fn dashboards(before: &View, after: &View) -> Vec<Change> {
    let mut changes = Vec::new();
    for (uid, old, new) in pairs(&before.dashboards, &after.dashboards) {
        let (action, summary, details) = match (old, new) {
            (None, Some(new)) => (
                Action::Added,
                format!(
                    "New dashboard **{}** (`{uid}`) with {} panels.",
                    new.title,
                    new.panels.len()
                ),
                Vec::new(),
            ),
            (Some(old), None) => (
                Action::Removed,
                format!("Dashboard **{}** (`{uid}`) is removed.", old.title),
                Vec::new(),
            ),
            (Some(old), Some(new)) => {
                let details = panel_details(old, new);
                if details.is_empty() {
                    continue;
                }
                let summary = sentence(
                    &format!("Dashboard **{}** (`{uid}`): ", new.title),
                    &details,
                );
                (Action::Changed, summary, details)
            }
            (None, None) => continue,
        };
        let mut change = change(Kind::Dashboard, action, &uid, summary);
        change.details = details;
        changes.push(change);
    }
    changes
}

fn panel_details(
    old: &super::view::DashboardView,
    new: &super::view::DashboardView,
) -> Vec<Detail> {
    let mut details = Vec::new();
    if old.title != new.title {
        details.push(detail(
            Field::Title,
            Some(old.title.clone()),
            Some(new.title.clone()),
            format!("renamed from **{}**", old.title),
        ));
    }
    for (title, was, now) in pairs(&old.panels, &new.panels) {
        let says = match (was, now) {
            (None, Some(_)) => format!("new panel **{title}**"),
            (Some(_), None) => format!("panel **{title}** removed"),
            (Some(was), Some(now)) if was.queries != now.queries => {
                format!("queries of panel **{title}** changed")
            }
            (Some(was), Some(now)) if was.unit != now.unit => format!(
                "panel **{title}** now shows {} (was {})",
                now.unit.as_deref().unwrap_or("no unit"),
                was.unit.as_deref().unwrap_or("no unit")
            ),
            _ => continue,
        };
        let field = match (was, now) {
            (Some(was), Some(now)) if was.queries == now.queries => Field::Unit,
            (Some(_), Some(_)) => Field::Queries,
            _ => Field::Panel,
        };
        details.push(detail(
            field,
            was.map(|p| p.queries.join("\n")),
            now.map(|p| p.queries.join("\n")),
            says,
        ));
    }
    details
}
