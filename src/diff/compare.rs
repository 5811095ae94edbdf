//! Two views in, a list of changes out, each with the sentence an on-call engineer reads.
//! SLOs live here, alert rules in `alerts.rs`; routing, receivers, recording rules and
//! dashboards in `operations.rs`.

use super::budget::{Budget, budget, percent, window_words};
use super::change::{Context, change, detail, pairs, sentence};
use super::operations;
use super::view::{SloView, View};
use super::{Action, BudgetChange, Change, Field, Kind};

pub(super) fn compare(before: &View, after: &View) -> Vec<Change> {
    let renames = operations::renamed_receivers(before, after);
    let context = Context {
        before,
        after,
        renames: &renames,
    };
    let mut changes = slos(before, after);
    changes.extend(super::alerts::alerts(&context));
    changes.extend(operations::routes(&context));
    changes.extend(operations::receivers(&context));
    changes.extend(operations::recording(&context));
    changes.extend(operations::dashboards(before, after));
    changes
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
                        "New SLO `{name}`: {}% over {}, an error budget of {} ({} bad events per million).",
                        b.objective_percent, b.window, b.time, b.bad_per_million
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
                        "SLO `{name}` is removed, and its burn-rate and budget alerts with it (it was {}% over {}).",
                        b.objective_percent, b.window
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
    let prefix = format!("SLO `{name}`: ");
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
