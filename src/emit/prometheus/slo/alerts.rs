//! Alert rules of one SLO: multi-window multi-burn-rate (page and ticket), budget consumed
//! and exhausted, and `absent()` on the SLI's series.
//!
//! One rule per window pair, all pairs of a tier under one alert name. Per-pair rules keep
//! `long`/`short` static labels (Alertmanager can inhibit and group on them), let a test
//! assert each pair on its own, and still notify once: routes group by alert name and SLO.

use std::collections::BTreeMap;

use super::SloContext;
use super::rules::{rate_series, windows};
use super::sli::{watched_event_series, watched_series};
use crate::conventions::{LABEL_LONG, LABEL_SHORT, rule_groups, runbook_url, slo_rules};
use crate::emit::prometheus::rule::{Rule, RuleGroup};
use crate::model::{AlertExtras, BudgetAlert, BurnAlert, Decimal, format_decimal};

pub(crate) fn group(cx: &SloContext<'_>) -> Option<RuleGroup> {
    let alerting = &cx.slo.alerting;
    let names = &alerting.names;
    let mut rules = Vec::new();
    if let Some(page) = &alerting.page {
        let burn = burn_rules(cx, page, names.page.as_str(), "fast");
        rules.extend(
            burn.into_iter()
                .map(|rule| with_extras(rule, cx, &page.extras)),
        );
    }
    if let Some(ticket) = &alerting.ticket {
        let burn = burn_rules(cx, ticket, names.ticket.as_str(), "slowly");
        rules.extend(
            burn.into_iter()
                .map(|rule| with_extras(rule, cx, &ticket.extras)),
        );
    }
    if let Some(budget) = &alerting.budget_consumed {
        let rule = budget_rule(cx, budget, names.budget_consumed.as_str());
        rules.push(with_extras(rule, cx, &budget.extras));
    }
    if let Some(budget) = &alerting.budget_exhausted {
        let rule = budget_rule(cx, budget, names.budget_exhausted.as_str());
        rules.push(with_extras(rule, cx, &budget.extras));
    }
    if let (Some(absent), Some(primary)) = (&alerting.absent, watched_series(cx.model, cx.slo)) {
        let alert = names.absent.as_str();
        // `or on()` adds the second only when the first is empty: one alert either way.
        let (expression, series) = match watched_event_series(cx.model, cx.slo) {
            Some(events) => (
                format!("absent({primary}) or on () absent({events})"),
                format!("{primary} or {events}"),
            ),
            None => (format!("absent({primary})"), primary),
        };
        let mut rule = cx.alert(alert, expression, &absent.tier);
        rule.for_duration = Some(absent.for_duration);
        rule.annotations = annotations(
            cx,
            alert,
            format!("The SLI series of the {} are missing.", cx.slo.title()),
            // `absent()` keeps only the selector's equality labels, so this text names the SLO itself.
            format!(
                "No series match {series}: the {} cannot be measured, and its burn-rate alerts cannot fire.",
                cx.slo.title()
            ),
        );
        rules.push(with_extras(rule, cx, &absent.extras));
    }
    (!rules.is_empty()).then(|| RuleGroup::new(rule_groups::alerts(&cx.slo.id()), None, rules))
}

/// The spec's own labels and annotations: the SLO's on each of its alerts, then the
/// alert's. The checker refused labels vigil sets; an annotation replaces vigil's.
fn with_extras(mut rule: Rule, cx: &SloContext<'_>, extras: &AlertExtras) -> Rule {
    for source in [&cx.slo.alerting.extras, extras] {
        for (label, value) in &source.labels {
            rule.labels.insert(label.to_string(), value.clone());
        }
        for (annotation, text) in &source.annotations {
            rule.annotations
                .insert(annotation.to_string(), text.clone());
        }
    }
    rule
}

fn burn_rules(cx: &SloContext<'_>, alert: &BurnAlert, name: &str, pace: &str) -> Vec<Rule> {
    debug_assert!(alert.windows.iter().all(|w| windows(cx).contains(&w.long)));
    let sel = cx.selector();
    alert
        .windows
        .iter()
        .map(|window| {
            let threshold = format_decimal(cx.slo.alert_threshold(window));
            let long = slo_rules::error_ratio(window.long);
            let short = slo_rules::error_ratio(window.short);
            let mut expr = format!("({long}{sel} > {threshold} and {short}{sel} > {threshold})");
            if let Some(min_events) = cx.slo.alerting.min_events {
                // Events in the long window: mean rate × window length, which does not
                // depend on how often the rates were recorded.
                let (_, total) = rate_series(window.long);
                expr = format!(
                    "{expr} and avg_over_time({total}{sel}[{}]) * {} >= {min_events}",
                    window.long,
                    window.long.as_secs()
                );
            }
            let factor = format_decimal(cx.slo.alert_factor(window));
            let mut rule = cx.alert(name, expr, &alert.tier);
            rule.for_duration = alert.for_duration;
            rule.keep_firing_for = alert.keep_firing_for;
            rule.labels.insert(LABEL_LONG.to_owned(), window.long.to_string());
            rule.labels.insert(LABEL_SHORT.to_owned(), window.short.to_string());
            rule.annotations = annotations(
                cx,
                name,
                format!("The {} is burning its error budget {pace}.", cx.slo.title()),
                format!(
                    "The {{{{ $labels.slo }}}} SLO of {{{{ $labels.service }}}} has an error ratio above {threshold} over both {} and {}: {factor} times the rate that would spend exactly the whole error budget in the SLO period.",
                    window.long, window.short
                ),
            );
            rule
        })
        .collect()
}

fn budget_rule(cx: &SloContext<'_>, budget: &BudgetAlert, name: &str) -> Rule {
    let remaining = (Decimal::ONE - budget.percent / Decimal::ONE_HUNDRED).normalize();
    let expr = format!(
        "{}{} <= {}",
        slo_rules::BUDGET_REMAINING,
        cx.selector(),
        format_decimal(remaining)
    );
    let percent = format_decimal(budget.percent);
    let mut rule = cx.alert(name, expr, &budget.tier);
    rule.for_duration = budget.for_duration;
    rule.annotations = annotations(
        cx,
        name,
        format!(
            "The {} has consumed {percent}% of its error budget.",
            cx.slo.title()
        ),
        format!(
            "The {{{{ $labels.slo }}}} SLO of {{{{ $labels.service }}}} has used at least {percent}% of the error budget of its current period."
        ),
    );
    rule
}

fn annotations(
    cx: &SloContext<'_>,
    alert: &str,
    summary: String,
    description: String,
) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("summary".to_owned(), summary),
        ("description".to_owned(), description),
        (
            crate::conventions::ANNOTATION_RUNBOOK_URL.to_owned(),
            runbook_url(cx.model.settings.runbook_base_url.as_deref(), alert),
        ),
    ])
}
