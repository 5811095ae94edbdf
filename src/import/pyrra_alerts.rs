//! A Pyrra SLO's burn-rate alerts: Pyrra's four windows, scaled to the SLO's window, as
//! the windows of the page tier (Pyrra's `critical`) and the ticket tier (`warning`).

use std::collections::BTreeMap;

use super::BurnDraft;
use super::pyrra_schema::Alerting;
use crate::model::{BurnWindow, Decimal, Duration};

/// Pyrra's burn-rate windows for an SLO window, as it scales them from those of 28 days:
/// (long, short, factor, `for`), the two `critical` ones first.
fn pyrra_windows(window: Duration) -> [(Duration, Duration, u64, Duration); 4] {
    let scaled = |divisor: u64| {
        // Go's Duration.Round(time.Minute): to the nearest minute, halves away from zero.
        let minutes = (window.as_millis() * 2 / divisor + 60_000) / 120_000;
        Duration::from_millis(minutes * 60_000)
    };
    [
        (scaled(672), scaled(8064), 14, scaled(20160)),
        (scaled(112), scaled(1344), 7, scaled(2688)),
        (scaled(28), scaled(336), 2, scaled(672)),
        (scaled(7), scaled(112), 1, scaled(224)),
    ]
}

/// The page (Pyrra's `critical`) and ticket (`warning`) alerts.
pub(super) fn burn_alerts(
    alerting: &Alerting,
    window: Duration,
    objective: Decimal,
    notes: &mut Vec<String>,
) -> Result<(Option<BurnDraft>, Option<BurnDraft>), String> {
    if alerting.disabled == Some(true) || alerting.burnrates == Some(false) {
        return Ok((None, None));
    }
    let base = crate::model::BASE_WINDOW;
    let windows = pyrra_windows(window);
    if windows[0].0 <= base {
        return Err(format!(
            "Pyrra's fastest burn window for a {window} SLO is {}, no longer than vigil's 5-minute rates",
            windows[0].0
        ));
    }
    let burn = |pairs: &[(Duration, Duration, u64, Duration)],
                severity: Option<&String>,
                kind: &str,
                notes: &mut Vec<String>| {
        // A window whose threshold is an error ratio above 100 % never fires: Pyrra
        // writes it anyway, vigil refuses it, so it is left out.
        let budget_ratio = (Decimal::ONE_HUNDRED - objective) / Decimal::ONE_HUNDRED;
        let kept: Vec<&(Duration, Duration, u64, Duration)> = pairs
            .iter()
            .filter(|(long, _, factor, _)| {
                let fires = Decimal::from(*factor) * budget_ratio < Decimal::ONE;
                if !fires {
                    notes.push(format!("{kind} window {long} left out: a burn factor of {factor} needs more than 100 % errors at this objective"));
                }
                fires
            })
            .collect();
        let first_wait = kept.first()?.3;
        let windows: Vec<BurnWindow> = kept
            .iter()
            .map(|(long, short, factor, _)| {
                let budget =
                    Decimal::from(*factor) * Decimal::from(long.as_millis()) * Decimal::ONE_HUNDRED
                        / Decimal::from(window.as_millis());
                BurnWindow::new(*long, (*short).max(base), budget.normalize())
            })
            .collect();
        let severity = severity.filter(|s| {
            let known = super::alerts::tier_severity(s);
            if !known {
                notes.push(format!("{kind} severity {s:?} dropped: a tier's severity is critical, warning, info or none"));
            }
            known
        });
        Some(BurnDraft {
            windows: Some(windows),
            // One `for` per tier: its fastest window's (Pyrra waits longer on the slower one).
            for_duration: Some(first_wait),
            name: None,
            severity: severity.cloned(),
            labels: BTreeMap::new(),
            annotations: BTreeMap::new(),
        })
    };
    let severities = alerting.severities.as_ref();
    let mut page = burn(
        &windows[..2],
        severities.and_then(|s| s.fast_burn.as_ref().or(s.medium_burn.as_ref())),
        "page",
        notes,
    );
    let mut ticket = burn(
        &windows[2..],
        severities.and_then(|s| s.slow_burn.as_ref().or(s.long_term_burn.as_ref())),
        "ticket",
        notes,
    );
    match alerting.name.as_deref() {
        Some(name) if crate::check::valid_alert_name(name) => {
            let (page_name, ticket_name) = super::alerts::source_names(name, page.is_some());
            if let Some(page) = &mut page {
                page.name = Some(page_name);
            }
            if let Some(ticket) = &mut ticket {
                ticket.name = Some(ticket_name);
            }
        }
        Some(name) => notes.push(format!("alert name {name:?} dropped: vigil's alert names are CamelCase")),
        None => notes.push(String::from("Pyrra names every burn alert ErrorBudgetBurn (told apart by `slo`); vigil names them after the SLO")),
    }
    Ok((page, ticket))
}

#[cfg(test)]
mod tests {
    use super::pyrra_windows;
    use crate::model::Duration;

    #[test]
    fn windows_scale_as_pyrras() {
        let show = |window: &str| {
            pyrra_windows(Duration::parse(window).expect("duration"))
                .iter()
                .map(|(long, short, factor, wait)| format!("{long}/{short}×{factor} for {wait}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        assert_eq!(
            show("28d"),
            "1h/5m×14 for 2m, 6h/30m×7 for 15m, 1d/2h×2 for 1h, 4d/6h×1 for 3h"
        );
        assert_eq!(
            show("2w"),
            "30m/3m×14 for 1m, 3h/15m×7 for 8m, 12h/1h×2 for 30m, 2d/3h×1 for 1h30m"
        );
    }
}
