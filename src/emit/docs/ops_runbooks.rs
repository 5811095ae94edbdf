//! Runbook pages of the operational alerts the rules backend derives from `anomaly`,
//! `regression` and `capacity` nodes and from `settings { cardinality-alert }` (with
//! `series-budget`, also the global budget's alert). Summaries, windows, thresholds and
//! budgets come from the model, where the rules backend reads them too, so page and alert
//! say the same thing.

use super::runbook_page::{RunbookPage, blank, or_default_steps, with_runbook};
use super::shared::Shared;
use super::steps::Steps;
use crate::conventions::{ops_alerts, ops_rules};
use crate::model::{
    Anomaly, Capacity, Comparison, Regression, Runbook, SERIES_BUDGET_SUMMARY, ServiceName,
    TierName, cardinality_summary, format_decimal,
};

pub(super) fn pages(shared: &Shared<'_>) -> Vec<RunbookPage> {
    let model = shared.model;
    let mut pages = Vec::new();
    for item in &model.anomalies {
        pages.push(anomaly_page(shared, item));
    }
    for item in &model.regressions {
        pages.push(regression_page(shared, item));
    }
    for item in &model.capacities {
        capacity_pages(shared, item, &mut pages);
    }
    cardinality_pages(shared, &mut pages);
    pages
}

/// A page with the alert's tier, service, summary and the spec's runbook (or the default
/// steps), for the caller to say what fired.
fn page(
    shared: &Shared<'_>,
    name: String,
    summary: String,
    service: Option<&ServiceName>,
    tier: &TierName,
    kind: &'static str,
    runbook: &Runbook,
) -> RunbookPage {
    let service = service.map_or("—", ServiceName::as_str);
    let mut page = or_default_steps(
        with_runbook(
            blank(shared, name, tier, service, kind),
            runbook,
            summary.clone(),
        ),
        Steps::Operational,
    );
    page.summary = summary;
    page
}

fn anomaly_page(shared: &Shared<'_>, item: &Anomaly) -> RunbookPage {
    let service = item.service.as_ref();
    let name = ops_alerts::anomaly(service.map(ServiceName::as_str), item.name.as_str());
    let mut p = page(
        shared,
        name,
        item.summary(),
        service,
        &item.tier,
        "anomaly",
        &item.runbook,
    );
    let seasons: Vec<String> = item.seasonality.iter().map(ToString::to_string).collect();
    p.what = vec![
        format!(
            "The level (mean of the last {}) left the band `{}` ± max({} × `{}`{}) for {}.",
            item.level_window(),
            ops_rules::ANOMALY_BASELINE,
            format_decimal(item.sensitivity),
            ops_rules::ANOMALY_DEVIATION,
            item.min_band
                .map(|m| format!(", {}", format_decimal(m)))
                .unwrap_or_default(),
            item.for_duration
        ),
        if seasons.is_empty() {
            format!("The baseline is the median of the last {}.", item.window)
        } else {
            format!(
                "The baseline is the median of the last {}, shifted by how this time of day compared with its own median {} ago.",
                item.window,
                seasons.join(" and ")
            )
        },
        format!(
            "The deviation is the spread of level minus baseline over the last {} (interquartile range / 1.349). Compare `{}`, `{}` and `{}` on the service metrics dashboard.",
            Anomaly::DEVIATION_WINDOW,
            ops_rules::ANOMALY_LEVEL,
            ops_rules::ANOMALY_UPPER,
            ops_rules::ANOMALY_LOWER
        ),
    ];
    p.expr = Some(item.expr.to_string());
    p
}

fn regression_page(shared: &Shared<'_>, item: &Regression) -> RunbookPage {
    let service = item.service.as_ref();
    let name = ops_alerts::regression(service.map(ServiceName::as_str), item.name.as_str());
    let mut p = page(
        shared,
        name,
        item.summary(),
        service,
        &item.tier,
        "regression",
        &item.runbook,
    );
    let (direction, operator) = match item.worse {
        Comparison::Above => ("higher", "above"),
        Comparison::Below => ("lower", "below"),
    };
    p.what = vec![
        format!(
            "The value is more than {} % {direction} than the same time {} earlier: `{}` stayed {operator} {} for {}.",
            format_decimal(item.tolerance_percent),
            item.baseline,
            ops_rules::REGRESSION_RATIO,
            format_decimal(item.threshold()),
            item.for_duration
        ),
        String::from("Check what changed since then: deployments, configuration, traffic mix."),
    ];
    p.expr = Some(item.expr.to_string());
    p
}

fn capacity_pages(shared: &Shared<'_>, item: &Capacity, pages: &mut Vec<RunbookPage>) {
    let service = item.service.as_ref();
    let owner = service.map(ServiceName::as_str);
    let mut p = page(
        shared,
        ops_alerts::headroom(owner, item.name.as_str()),
        item.headroom_summary(),
        service,
        &item.tier,
        "capacity",
        &item.runbook,
    );
    p.what = vec![format!(
        "Usage `{}` stayed above {} % of the limit `{}` for {}. `{}` on the service metrics dashboard shows the share; `{}` how soon the trend reaches the limit.",
        item.usage,
        format_decimal(item.headroom_percent),
        item.limit,
        item.for_duration,
        ops_rules::CAPACITY_USAGE,
        ops_rules::CAPACITY_EXHAUSTION
    )];
    pages.push(p);
    if let (Some(horizon), Some(summary)) = (item.forecast, item.exhaustion_summary()) {
        let mut p = page(
            shared,
            ops_alerts::exhaustion(owner, item.name.as_str()),
            summary,
            service,
            &item.tier,
            "capacity forecast",
            &item.runbook,
        );
        p.what = vec![format!(
            "A straight line fitted to the usage share over the last {} reaches 100 % within {horizon} (`{}`). Add capacity or find what grows before the headroom alert fires.",
            item.lookback,
            ops_rules::CAPACITY_EXHAUSTION
        )];
        pages.push(p);
    }
}

fn cardinality_pages(shared: &Shared<'_>, pages: &mut Vec<RunbookPage>) {
    let model = shared.model;
    if let Some(alert) = &model.settings.cardinality_alert {
        let no_runbook = Runbook::default();
        let owned = crate::model::Owners::new(model);
        let owners = model.services.iter().map(|s| Some(&s.name)).chain([None]);
        for owner in owners {
            let budgeted = owned
                .metrics(owner)
                .iter()
                .any(|m| m.series_budget().is_some());
            if !budgeted {
                continue;
            }
            let name = ops_alerts::cardinality(owner.map(ServiceName::as_str));
            let summary = cardinality_summary(owner);
            let mut p = page(
                shared,
                name,
                summary,
                owner,
                &alert.tier,
                "cardinality",
                &no_runbook,
            );
            p.what = vec![
                format!(
                    "A declared metric has more live series on one target than its budget (`max-series`, else the estimate from its declared label values) for {}. The `metric` label names it.",
                    alert.for_duration
                ),
                String::from(
                    "Usually a label took values the spec does not declare (an ID, a path, an error message): find them with `count by (LABEL) (METRIC)` and fix the instrumentation, or declare the values and raise the budget.",
                ),
            ];
            pages.push(p);
        }
        if let Some(budget) = model.settings.series_budget {
            let name = ops_alerts::SERIES_BUDGET.to_owned();
            let summary = SERIES_BUDGET_SUMMARY.to_owned();
            let mut p = page(
                shared,
                name,
                summary,
                None,
                &alert.tier,
                "cardinality",
                &no_runbook,
            );
            p.what = vec![
                format!(
                    "One target exposed more than {budget} series of the declared metrics together (`settings {{ series-budget }}`) for {}. Unlike the compile-time check, this counts metrics with unbounded labels too.",
                    alert.for_duration
                ),
                String::from(
                    "Find the largest metrics on that target with `topk(10, count by (__name__) ({instance=\"INSTANCE\"}))`; a metric over its own budget also raises its service's cardinality alert. Cut the labels that grew, or raise `series-budget` if the growth is wanted (and Prometheus has the memory for it).",
                ),
            ];
            pages.push(p);
        }
    }
}
