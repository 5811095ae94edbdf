//! A runbook per generated alert, and the alert index. The alert list is derived from the
//! model with the same naming conventions the rules backend uses; a test checks that
//! every alert in every generated rule file has its page.

use super::anchor;
use super::runbook_page::{
    RunbookPage, WindowRow, blank, or_default_steps, own_steps, with_runbook,
};
use super::shared::Shared;
use super::steps::Steps;
use crate::conventions;
use crate::model::{BurnAlert, Decimal, Duration, Model, Slo, TierName, format_decimal};

/// One page per alert name (a multi-threshold alert has one page for all its tiers), each
/// handed to `visit` as it is made, in no particular order.
pub(super) fn each_page<E>(
    model: &Model,
    header: &'static str,
    visit: &mut dyn FnMut(RunbookPage) -> Result<(), E>,
) -> Result<(), E> {
    let shared = Shared::new(model, header);
    for slo in &model.slos {
        slo_pages(&shared, slo)
            .into_iter()
            .try_for_each(&mut *visit)?;
    }
    for alert in &model.alerts {
        visit(super::alert_runbooks::alert_page(&shared, alert))?;
    }
    super::ops_runbooks::pages(&shared)
        .into_iter()
        .try_for_each(visit)
}

fn slo_pages(shared: &Shared<'_>, slo: &Slo) -> Vec<RunbookPage> {
    let service = slo.service.as_str();
    let impact = format!(
        "The {} ({} % over {}) is at risk: {}.",
        slo.title(),
        slo.objective,
        period_words(slo),
        slo.description
            .clone()
            .unwrap_or_else(|| String::from("users see failures"))
            .to_lowercase()
    );
    let base = |name: String, tier: &TierName, kind: &'static str| {
        let mut page = with_runbook(
            blank(shared, name, tier, service, kind),
            &slo.runbook,
            impact.clone(),
        );
        page.slo = Some(slo.name.to_string());
        page.slo_anchor = anchor(&conventions::slo_heading(
            slo.service.as_str(),
            slo.name.as_str(),
        ));
        page
    };
    let names = &slo.alerting.names;
    let mut pages = Vec::new();
    let page_name = names.page.to_string();
    let ticket_name = names.ticket.to_string();
    for (alert, alert_name, kind) in [
        (&slo.alerting.page, &page_name, "burn rate (page)"),
        (&slo.alerting.ticket, &ticket_name, "burn rate (ticket)"),
    ] {
        let Some(alert) = alert else { continue };
        let mut page =
            or_default_steps(base(alert_name.clone(), &alert.tier, kind), Steps::BurnRate);
        page.summary = format!("The {} is burning its error budget too fast.", slo.title());
        page.what = burn_words(slo, alert);
        page.windows = burn_windows(slo, alert);
        if kind.ends_with("(page)") && slo.alerting.ticket.is_some() {
            page.related.push(format!("Inhibits [{ticket_name}]({ticket_name}.md) of the same SLO while firing: the ticket adds nothing when someone is paged."));
        }
        if kind.ends_with("(ticket)") && slo.alerting.page.is_some() {
            page.related.push(format!(
                "Inhibited by [{page_name}]({page_name}.md) of the same SLO."
            ));
        }
        pages.push(page);
    }
    if let Some(budget) = &slo.alerting.budget_consumed {
        let mut page = own_steps(
            base(
                names.budget_consumed.to_string(),
                &budget.tier,
                "error budget",
            ),
            Steps::BudgetConsumed,
        );
        page.summary = format!(
            "The {} has consumed {} % of its error budget.",
            slo.title(),
            format_decimal(budget.percent)
        );
        page.what = vec![format!(
            "At least {} % of this period's error budget is spent; at the current pace the rest may not last the period. Slow down risky changes.",
            format_decimal(budget.percent)
        )];
        pages.push(page);
    }
    if let Some(budget) = &slo.alerting.budget_exhausted {
        let mut page = own_steps(
            base(
                names.budget_exhausted.to_string(),
                &budget.tier,
                "error budget",
            ),
            Steps::BudgetExhausted,
        );
        page.summary = format!("The {} has exhausted its error budget.", slo.title());
        page.what = vec![String::from(
            "The whole error budget of this period is spent: the SLO is breached. Freeze risky changes until the period resets or reliability recovers.",
        )];
        pages.push(page);
    }
    if let Some(absent) = &slo.alerting.absent {
        let mut page = own_steps(
            base(names.absent.to_string(), &absent.tier, "missing data"),
            Steps::MissingData,
        );
        page.summary = format!("The SLI series of the {} are missing.", slo.title());
        page.impact = format!(
            "Nothing is known of the {} while its series are missing: failures of {service} would go unseen, and its burn-rate alerts cannot fire.",
            slo.title()
        );
        page.what = vec![format!(
            "The series the SLI is computed from have been absent for {}: the SLO is blind, so burn-rate alerts cannot fire. Check the scrape target, relabelling and metric names.",
            absent.for_duration
        )];
        pages.push(page);
    }
    pages
}

fn period_words(slo: &Slo) -> String {
    match slo.window {
        crate::model::Window::Rolling(d) => d.to_string(),
        crate::model::Window::Calendar(crate::model::CalendarPeriod::Month) => {
            String::from("the calendar month")
        }
        crate::model::Window::Calendar(crate::model::CalendarPeriod::Week) => {
            String::from("the calendar week")
        }
    }
}

fn burn_words(slo: &Slo, alert: &BurnAlert) -> Vec<String> {
    let mut lines = vec![format!(
        "The error ratio over a long window and its short window both exceed factor × error budget ({}). At that rate the budget of the whole period is gone well before the period ends; the table gives how soon. The short window makes the alert stop soon after the burning stops.",
        format_decimal(slo.objective.error_budget())
    )];
    if let Some(wait) = alert.for_duration {
        lines.push(format!(
            "The condition must hold for {wait} before the alert fires."
        ));
    }
    lines
}

fn burn_windows(slo: &Slo, alert: &BurnAlert) -> Vec<WindowRow> {
    let period = slo.window.period();
    alert
        .windows
        .iter()
        .map(|w| {
            let factor = slo.burn_factor(w);
            let seconds =
                (Decimal::from(period.as_secs()) / factor.max(Decimal::new(1, 6))).round();
            WindowRow {
                long: w.long.to_string(),
                short: w.short.to_string(),
                factor: format_decimal(factor.round_dp(4)),
                threshold: format_decimal(slo.burn_threshold(w).round_dp(6)),
                share: format_decimal(w.budget_percent),
                exhaustion: Duration::from_secs(u64::try_from(seconds).unwrap_or(0)).to_string(),
            }
        })
        .collect()
}
