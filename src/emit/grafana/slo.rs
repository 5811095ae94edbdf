//! The SLO detail dashboard of one service, and the thresholds the overview shares. It
//! reads only the `slo:*` recording rules, never raw series, so it needs no
//! `job`/`instance` variables.

use std::collections::BTreeSet;

use super::Context;
use super::dashboard::{Annotation, DataSource, Grid, Item, Link};
use super::panels::{PanelSpec, number, severity_color};
use crate::conventions::{
    self, LABEL_LONG, LABEL_SERVICE, LABEL_SLO, SLO_ERROR_BUDGET_RULE,
    SLO_PERIOD_BUDGET_REMAINING_RULE, matcher_equal, sli_error_ratio_rule,
};
use crate::model::{CalendarPeriod, Decimal, Duration, Service, Slo, TierSeverity, Window};

/// The label matchers selecting one SLO's recorded series.
fn selector(slo: &Slo) -> String {
    [
        "{",
        &matcher_equal(LABEL_SERVICE, slo.service.as_str()),
        ", ",
        &matcher_equal(LABEL_SLO, slo.name.as_str()),
        "}",
    ]
    .concat()
}

fn window_text(window: Window) -> String {
    match window {
        Window::Rolling(duration) => format!("rolling {duration}"),
        Window::Calendar(CalendarPeriod::Week) => String::from("calendar week"),
        Window::Calendar(CalendarPeriod::Month) => String::from("calendar month"),
    }
}

/// Budget remaining (as a ratio) at or below which the SLO counts as breached: what the
/// spec's budget-exhausted alert fires at, else an empty budget.
pub(super) fn breached_below(slo: &Slo) -> Decimal {
    slo.alerting
        .budget_exhausted
        .as_ref()
        .map_or(Decimal::ZERO, |alert| {
            Decimal::ONE - alert.percent / Decimal::ONE_HUNDRED
        })
}

/// Budget remaining below which the SLO is at risk: what the spec's budget-consumed
/// alert fires at, else half the budget gone.
pub(super) fn at_risk_below(slo: &Slo) -> Decimal {
    slo.alerting
        .budget_consumed
        .as_ref()
        .map_or(Decimal::new(5, 1), |alert| {
            Decimal::ONE - alert.percent / Decimal::ONE_HUNDRED
        })
}

/// Every window an SLO's rules record, sorted: 5m plus each burn window's long and short.
fn recorded_windows(slo: &Slo) -> BTreeSet<Duration> {
    let mut windows = BTreeSet::from([Duration::from_secs(300)]);
    for alert in [&slo.alerting.page, &slo.alerting.ticket]
        .into_iter()
        .flatten()
    {
        for window in &alert.windows {
            windows.insert(window.long);
            windows.insert(window.short);
        }
    }
    windows
}

/// The detail of one service's SLOs.
pub(super) fn detail(
    context: &Context,
    grid: &mut Grid,
    service: &Service,
    slos: &[&Slo],
) -> Vec<Item> {
    let service_matcher = matcher_equal(LABEL_SERVICE, service.name.as_str());
    let mut items = vec![
        PanelSpec::new(
            "Firing alerts",
            format!("Alerts of {} firing now, with their tier and SLO.", service.name),
            "short",
        )
        .query(
            format!(
                "sum by (alertname, severity, tier, slo) (ALERTS{{{service_matcher}, alertstate=\"firing\"}})"
            ),
            "{{alertname}}",
        )
        .table(grid, 24, 6),
    ];
    for slo in slos {
        items.push(grid.row(format!(
            "{}: {} % over {}",
            slo.name,
            slo.objective,
            window_text(slo.window)
        )));
        items.extend(slo_panels(context, grid, slo));
    }
    items
}

fn slo_panels(context: &Context, grid: &mut Grid, slo: &Slo) -> Vec<Item> {
    let select = selector(slo);
    let objective = number(slo.objective.ratio());
    let mut sli = PanelSpec::new(
        format!("{}: SLI per window", slo.name),
        "Share of good events over each window the rules record; the dashed line is the objective.",
        "percentunit",
    )
    .thresholds("red", vec![(objective, "green")]);
    for window in recorded_windows(slo) {
        sli = sli.query(
            ["1 - ", &sli_error_ratio_rule(window), &select].concat(),
            window.to_string(),
        );
    }
    vec![
        sli.timeseries(grid, 12, 8, true),
        burn_rates(context, grid, slo),
        budget(grid, slo),
    ]
}

/// Burn rate over each alert window's long window, with each tier's factor drawn.
fn burn_rates(context: &Context, grid: &mut Grid, slo: &Slo) -> Item {
    let select = selector(slo);
    let mut panel = PanelSpec::new(
        format!("{}: burn rate per alert window", slo.name),
        "Error ratio over each alert's long window divided by the error budget; an alert \
         fires when both its long and short windows cross its dashed factor line.",
        "short",
    );
    // Each burn-rate alert's runbook, from the panel that shows why it fired.
    let names = &slo.alerting.names;
    let alerts = [
        (&slo.alerting.page, names.page.as_str()),
        (&slo.alerting.ticket, names.ticket.as_str()),
    ];
    for (_, alert) in alerts.iter().filter(|(tier, _)| tier.is_some()) {
        panel = panel.link(Link::document(
            format!("Runbook: {alert}"),
            context.runbook_url(alert),
        ));
    }
    let mut steps = Vec::new();
    let mut longs = BTreeSet::new();
    for alert in [&slo.alerting.page, &slo.alerting.ticket]
        .into_iter()
        .flatten()
    {
        let severity = context
            .model
            .tier(&alert.tier)
            .map_or(TierSeverity::None, |tier| tier.severity);
        for window in &alert.windows {
            steps.push((number(slo.burn_factor(window)), severity_color(severity)));
            longs.insert(window.long);
        }
    }
    for long in longs {
        panel = panel.query(
            format!(
                "{}{select} / ignoring ({}) {SLO_ERROR_BUDGET_RULE}{select}",
                sli_error_ratio_rule(long),
                conventions::LABEL_SLO_WINDOW
            ),
            long.to_string(),
        );
    }
    panel
        .thresholds("green", steps)
        .timeseries(grid, 12, 8, true)
}

/// Budget remaining over time with the at-risk and breached lines, plus the ideal
/// burndown where the period is calendar-aligned (a rolling window has no start).
fn budget(grid: &mut Grid, slo: &Slo) -> Item {
    let select = selector(slo);
    let mut panel = PanelSpec::new(
        format!("{}: error budget remaining", slo.name),
        "Share of the period's error budget left; dashed lines mark at risk and breached. \
         Calendar periods also show the ideal burndown (the budget spent evenly).",
        "percentunit",
    )
    .query(
        format!("{SLO_PERIOD_BUDGET_REMAINING_RULE}{select}"),
        "remaining",
    )
    .thresholds(
        "red",
        vec![
            (number(breached_below(slo)), "orange"),
            (number(at_risk_below(slo)), "green"),
        ],
    );
    if let Window::Calendar(period) = slo.window {
        let days_elapsed = match period {
            CalendarPeriod::Month => "(day_of_month() - 1)",
            CalendarPeriod::Week => "((day_of_week() + 6) % 7)",
        };
        let days = match period {
            CalendarPeriod::Month => "days_in_month()",
            CalendarPeriod::Week => "7",
        };
        panel = panel.query(
            format!(
                "1 - ({days_elapsed} * 86400 + hour() * 3600 + minute() * 60) / ({days} * 86400)"
            ),
            "ideal",
        );
    }
    panel.timeseries(grid, 24, 8, true)
}

/// Burn-rate alerts firing on this service, as annotations on every panel.
pub(super) fn burn_annotation(context: &Context, service: &Service) -> Annotation {
    let grafana12 = context.version.major >= 12;
    Annotation {
        name: String::from("Burn-rate alerts"),
        datasource: DataSource::VARIABLE,
        enable: true,
        icon_color: "red",
        expr: format!(
            "ALERTS{{{}, alertstate=\"firing\", {LABEL_LONG}!=\"\"}}",
            matcher_equal(LABEL_SERVICE, service.name.as_str())
        ),
        title_format: grafana12.then(|| String::from("{{alertname}}")),
        tag_keys: grafana12.then(|| String::from("severity,slo,long,short")),
    }
}
