//! Runbook pages of the spec's own alerts: a condition with a tier, or a value with
//! thresholds at several tiers, each shown with its threshold in the value's unit and
//! its escalation.

use super::runbook_page::{RunbookPage, TierRow, blank, or_default_steps, with_runbook};
use super::shared::Shared;
use super::steps::Steps;
use crate::conventions::LABEL_ALERTNAME;
use crate::model::{Alert, Condition, Threshold, Unit, format_value};

pub(super) fn alert_page(shared: &Shared<'_>, alert: &Alert) -> RunbookPage {
    let model = shared.model;
    let service = alert.service.as_ref().map_or("—", |s| s.as_str());
    let (tier, what, related) = match &alert.condition {
        Condition::Expr { tier } => (
            tier.clone(),
            vec![String::from("The condition below is true.")],
            Vec::new(),
        ),
        Condition::Thresholds(thresholds) => {
            let most_urgent = thresholds
                .iter()
                .filter_map(|t| model.tier(&t.tier))
                .min_by_key(|t| t.level)
                .map_or_else(|| thresholds[0].tier.clone(), |t| t.name.clone());
            let lines = thresholds
                .iter()
                .map(|t| {
                    format!(
                        "Tier **{}** when the value is {}.",
                        t.tier,
                        threshold_words(t, alert.unit.as_ref())
                    )
                })
                .collect();
            let related = if thresholds.len() > 1 {
                vec![String::from(
                    "Its more urgent tier inhibits its less urgent tier for the same service and instance.",
                )]
            } else {
                Vec::new()
            };
            (most_urgent, lines, related)
        }
    };
    let mut page = or_default_steps(
        with_runbook(
            blank(shared, alert.name.to_string(), &tier, service, "threshold"),
            &alert.runbook,
            alert.summary.clone(),
        ),
        Steps::Threshold,
    );
    if let Condition::Thresholds(thresholds) = &alert.condition {
        every_tier(&mut page, shared, thresholds, service, alert.unit.as_ref());
    }
    page.summary.clone_from(&alert.summary);
    page.what = what;
    if let Some(wait) = alert.for_duration {
        page.what
            .push(format!("It must hold for {wait} before the alert fires."));
    }
    page.expr = Some(alert.expr.to_string());
    page.related = related;
    if let Some(routing) = &model.routing {
        for inhibition in &routing.inhibitions {
            if inhibition
                .source
                .labels
                .iter()
                .any(|(k, v)| k.as_str() == LABEL_ALERTNAME && v == alert.name.as_str())
            {
                let targets: Vec<String> = inhibition
                    .target
                    .labels
                    .iter()
                    .map(|(k, v)| format!("`{k}=\"{v}\"`"))
                    .collect();
                page.related.push(format!(
                    "While firing, inhibits alerts with {} on the same {}.",
                    targets.join(", "),
                    inhibition
                        .equal
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
    }
    page
}

/// A multi-threshold alert fires at each of its tiers: every one is shown, least urgent
/// first as the thresholds are crossed, with its condition and its escalation.
fn every_tier(
    page: &mut RunbookPage,
    shared: &Shared<'_>,
    thresholds: &[Threshold],
    service: &str,
    unit: Option<&Unit>,
) {
    let model = shared.model;
    let mut ordered: Vec<&Threshold> = thresholds.iter().collect();
    ordered.sort_by_key(|t| std::cmp::Reverse(model.tier(&t.tier).map_or(0, |d| d.level)));
    page.tiers = ordered
        .iter()
        .map(|t| TierRow {
            tier: t.tier.to_string(),
            severity: model
                .tier(&t.tier)
                .map_or("none", |d| d.severity.as_str())
                .to_owned(),
            when: threshold_words(t, unit),
        })
        .collect();
    page.tier = join(page.tiers.iter().map(|t| t.tier.as_str()));
    page.severity = join(page.tiers.iter().map(|t| t.severity.as_str()));
    let mut escalation = Vec::new();
    for threshold in ordered {
        for line in shared.escalation(&threshold.tier, service) {
            if !escalation.contains(&line) {
                escalation.push(line);
            }
        }
    }
    let spec_escalation = page
        .escalation
        .iter()
        .skip_while(|l| l.starts_with("Tier **") || l.starts_with("Delivered to:"));
    escalation.extend(spec_escalation.cloned().collect::<Vec<_>>());
    page.escalation = escalation;
}

/// `above 1.5 GB`, `below 250 ms`.
pub(super) fn threshold_words(threshold: &Threshold, unit: Option<&Unit>) -> String {
    let side = if threshold.comparison.operator() == ">" {
        "above"
    } else {
        "below"
    };
    format!("{side} {}", format_value(threshold.value, unit))
}

fn join<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for item in items {
        if !seen.contains(&item) {
            seen.push(item);
        }
    }
    seen.join(", ")
}
