//! A backtest as data (`schemas/backtest.schema.json`), and as Markdown for a pull
//! request. Pure: the caller fetched and replayed; this only lays the results out.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{DateTime, SecondsFormat};
use serde::Serialize;

use super::chain::{AlertKind, Replay};
use super::series::Timestamp;
use crate::model::{Duration, Model, Slo, format_decimal};

/// The JSON form's schema version; bump it on any incompatible change.
pub const BACKTEST_VERSION: u32 = 1;

/// What each SLO's alerts would have done over a range.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Report {
    pub version: u32,
    /// The base version compared with (`HEAD:specs`), with `--base`.
    pub base: Option<String>,
    /// The Prometheus whose history was replayed.
    pub prometheus: String,
    /// RFC 3339, UTC.
    pub from: String,
    pub to: String,
    /// The rule evaluation interval replayed (`1m`).
    pub evaluation_interval: String,
    pub slos: Vec<SloReport>,
}

/// One SLO (one series of it, for an SLO with `group-by`).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct SloReport {
    pub service: String,
    pub slo: String,
    /// The series' `group-by` labels; empty for an SLO without them.
    pub labels: BTreeMap<String, String>,
    /// Whether the range had any traffic for this SLO at all.
    pub data: bool,
    pub worst_hour: Option<HourReport>,
    /// Stretches without a recorded total rate: the replay saw no traffic there.
    pub gaps: Vec<IntervalReport>,
    /// What the spec's rules would have done.
    #[serde(flatten)]
    pub outcome: Outcome,
    /// What the base version's rules would have done, when they differ (with `--base`);
    /// `null` otherwise.
    pub before: Option<Outcome>,
    /// The SVG picture of the replay, as the Markdown links it (with `--svg-dir`).
    pub plot: Option<String>,
}

/// What one version of an SLO's rules would have done.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Outcome {
    /// The objective in percent (`99.9`).
    pub objective: f64,
    /// Intervals in which the page alert fired.
    pub pages: usize,
    /// Intervals in which the ticket alert fired.
    pub tickets: usize,
    /// The share of the error budget left at the end of the range (1 is all of it;
    /// negative when overspent); `null` without traffic.
    pub budget_remaining: Option<f64>,
    /// The budget left at the end of each calendar period in the range, and of the range.
    pub periods: Vec<PeriodReport>,
    /// How long no budget was left (`2h30m`).
    pub time_in_breach: String,
    pub alerts: Vec<AlertReport>,
}

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct PeriodReport {
    pub end: String,
    pub budget_remaining: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct HourReport {
    pub start: String,
    pub error_ratio: f64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct IntervalReport {
    pub start: String,
    pub end: String,
}

/// One alert rule: an alert name and, for burn alerts, one window pair.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct AlertReport {
    pub alert: String,
    pub kind: Kind,
    pub tier: String,
    pub severity: String,
    /// The window pair of a burn-rate alert (`1h`, `5m`).
    pub long: Option<String>,
    pub short: Option<String>,
    pub firing: Vec<FiringReport>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Page,
    Ticket,
    BudgetConsumed,
    BudgetExhausted,
}

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct FiringReport {
    pub start: String,
    /// `null` when it still fired at the end of the range.
    pub end: Option<String>,
    /// The highest burn rate while it fired (budget alerts: the period's).
    pub peak_burn: f64,
}

/// The range and server a report is about.
pub struct Scope<'a> {
    pub prometheus: &'a str,
    pub from: Timestamp,
    pub to: Timestamp,
    pub interval: Duration,
}

/// One replayed series of an SLO.
pub struct Replayed<'a> {
    pub slo: &'a Slo,
    pub labels: BTreeMap<String, String>,
    pub replay: Replay,
    /// The base version's SLO and replay, when its rules differ.
    pub before: Option<(&'a Slo, Replay)>,
}

/// `base` is the base version's model and name, with `--base`.
pub fn report(
    model: &Model,
    base: Option<(&Model, &str)>,
    scope: &Scope<'_>,
    replayed: &[Replayed<'_>],
) -> Report {
    Report {
        version: BACKTEST_VERSION,
        base: base.map(|(_, name)| name.to_owned()),
        prometheus: scope.prometheus.to_owned(),
        from: rfc3339(scope.from),
        to: rfc3339(scope.to),
        evaluation_interval: scope.interval.to_string(),
        slos: replayed
            .iter()
            .map(|r| slo_report(model, base.map(|(m, _)| m), r))
            .collect(),
    }
}

fn slo_report(model: &Model, base: Option<&Model>, replayed: &Replayed<'_>) -> SloReport {
    let Replayed {
        slo,
        labels,
        replay,
        before,
    } = replayed;
    SloReport {
        service: slo.service.to_string(),
        slo: slo.name.to_string(),
        labels: labels.clone(),
        data: replay.data,
        worst_hour: replay.worst_hour.as_ref().map(|w| HourReport {
            start: rfc3339(w.start),
            error_ratio: rounded(w.error_ratio),
        }),
        gaps: replay
            .gaps
            .iter()
            .map(|(start, end)| IntervalReport {
                start: rfc3339(*start),
                end: rfc3339(*end),
            })
            .collect(),
        outcome: outcome(model, slo, replay),
        before: before
            .as_ref()
            .zip(base)
            .map(|((slo, replay), base)| outcome(base, slo, replay)),
        plot: None,
    }
}

fn outcome(model: &Model, slo: &Slo, replay: &Replay) -> Outcome {
    let count = |kind: AlertKind| -> usize {
        replay
            .alerts
            .iter()
            .filter(|a| a.kind == kind)
            .map(|a| a.firing.len())
            .sum()
    };
    Outcome {
        objective: rounded(stated_percent(slo)),
        pages: count(AlertKind::Page),
        tickets: count(AlertKind::Ticket),
        budget_remaining: replay.periods.last().and_then(|p| p.remaining).map(rounded),
        periods: replay
            .periods
            .iter()
            .map(|p| PeriodReport {
                end: rfc3339(p.at),
                budget_remaining: p.remaining.map(rounded),
            })
            .collect(),
        time_in_breach: replay.breach.to_string(),
        alerts: replay
            .alerts
            .iter()
            .map(|a| alert_report(model, a))
            .collect(),
    }
}

fn alert_report(model: &Model, alert: &super::chain::AlertReplay) -> AlertReport {
    AlertReport {
        alert: alert.alert.to_string(),
        kind: match alert.kind {
            AlertKind::Page => Kind::Page,
            AlertKind::Ticket => Kind::Ticket,
            AlertKind::BudgetConsumed => Kind::BudgetConsumed,
            AlertKind::BudgetExhausted => Kind::BudgetExhausted,
        },
        tier: alert.tier.to_string(),
        severity: model
            .tier(&alert.tier)
            .map_or("none", |t| t.severity.as_str())
            .to_owned(),
        long: alert.window.as_ref().map(|w| w.long.to_string()),
        short: alert.window.as_ref().map(|w| w.short.to_string()),
        firing: alert
            .firing
            .iter()
            .map(|f| FiringReport {
                start: rfc3339(f.start),
                end: f.end.map(rfc3339),
                peak_burn: rounded(f.peak_burn),
            })
            .collect(),
    }
}

fn stated_percent(slo: &Slo) -> f64 {
    format_decimal(slo.objective.percent())
        .parse()
        .unwrap_or(f64::NAN)
}

/// Six significant digits: a measured burn rate or ratio, not a float's last bits.
fn rounded(value: f64) -> f64 {
    format!("{value:.5e}").parse().unwrap_or(value)
}

pub(super) fn rfc3339(at: Timestamp) -> String {
    DateTime::from_timestamp_millis(at.0).map_or_else(
        || format!("{}ms", at.0),
        |t| t.to_rfc3339_opts(SecondsFormat::Secs, true),
    )
}

/// The report as one pretty-printed JSON document.
pub fn json(report: &Report) -> String {
    crate::report::document(report)
}

/// The JSON Schema of [`json`]'s output, as published in `schemas/backtest.schema.json`.
pub fn json_schema() -> String {
    crate::report::schema_of::<Report>()
}

/// The report as Markdown for a pull-request comment: a summary row per SLO (`before →
/// after` where a base version's rules differ), then a section per SLO — with a base
/// version, only the SLOs whose rules differ.
pub fn markdown(report: &Report) -> String {
    let mut out = String::new();
    out.push_str("## Backtest: what the SLO alerts would have done\n\n");
    let _ = write!(
        out,
        "History of {} from {} to {}, rules evaluated every {}",
        report.prometheus, report.from, report.to, report.evaluation_interval
    );
    match &report.base {
        Some(base) => {
            let _ = writeln!(out, "; `before → after` compares with `{base}`.\n");
        }
        None => out.push_str(".\n\n"),
    }
    out.push_str("| SLO | pages | tickets | budget left | time in breach | worst hour |\n");
    out.push_str("|---|---:|---:|---:|---:|---|\n");
    for slo in &report.slos {
        let compared = |field: fn(&Outcome) -> String| match &slo.before {
            Some(before) if field(before) != field(&slo.outcome) => {
                format!("{} → {}", field(before), field(&slo.outcome))
            }
            _ => field(&slo.outcome),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            title(slo),
            compared(|o| o.pages.to_string()),
            compared(|o| o.tickets.to_string()),
            compared(|o| o
                .budget_remaining
                .map_or_else(|| String::from("no data"), percent)),
            compared(|o| o.time_in_breach.clone()),
            slo.worst_hour
                .as_ref()
                .map_or_else(String::new, |w| format!(
                    "{} ({} errors)",
                    w.start,
                    percent(w.error_ratio)
                )),
        );
    }
    let unchanged = report
        .slos
        .iter()
        .filter(|s| report.base.is_some() && s.before.is_none())
        .count();
    if unchanged > 0 {
        let _ = writeln!(
            out,
            "\n{unchanged} SLO(s) have the same rules in both versions: one row each above, no section."
        );
    }
    for slo in &report.slos {
        if report.base.is_none() || slo.before.is_some() {
            slo_section(&mut out, slo);
        }
    }
    out
}

fn title(slo: &SloReport) -> String {
    let mut title = format!("{}/{}", slo.service, slo.slo);
    if !slo.labels.is_empty() {
        let labels: Vec<String> = slo
            .labels
            .iter()
            .map(|(k, v)| format!("{k}=\"{v}\""))
            .collect();
        let _ = write!(title, "{{{}}}", labels.join(","));
    }
    title
}

fn percent(share: f64) -> String {
    format!("{} %", rounded(share * 100.0))
}

fn slo_section(out: &mut String, slo: &SloReport) {
    let objective = match &slo.before {
        Some(before) if (before.objective - slo.outcome.objective).abs() > f64::EPSILON => {
            format!("{} % → {} %", before.objective, slo.outcome.objective)
        }
        _ => format!("{} %", slo.outcome.objective),
    };
    let _ = writeln!(out, "\n### {} (objective {objective})\n", title(slo));
    if let Some(plot) = &slo.plot {
        let _ = writeln!(
            out,
            "![{}: burn rate and error budget]({plot})\n",
            title(slo)
        );
    }
    if !slo.data {
        out.push_str("No traffic was recorded for this SLO in the range: nothing to replay.\n");
        return;
    }
    out.push_str("| alert | tier | severity | window | fired | longest | peak burn |\n");
    out.push_str("|---|---|---|---|---:|---:|---:|\n");
    for alert in &slo.outcome.alerts {
        let before = slo.before.as_ref().map(|b| {
            b.alerts
                .iter()
                .filter(|a| {
                    a.alert == alert.alert && a.long == alert.long && a.short == alert.short
                })
                .map(|a| a.firing.len())
                .sum::<usize>()
        });
        let fired = match before {
            Some(before) if before != alert.firing.len() => {
                format!("{before} → {}", alert.firing.len())
            }
            _ => alert.firing.len().to_string(),
        };
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {fired} | {} | {} |",
            alert.alert,
            alert.tier,
            alert.severity,
            window(alert),
            longest(&alert.firing),
            peak(&alert.firing).map_or_else(String::new, |p| p.to_string()),
        );
    }
    let firing: Vec<(&AlertReport, &FiringReport)> = slo
        .outcome
        .alerts
        .iter()
        .flat_map(|a| a.firing.iter().map(move |f| (a, f)))
        .collect();
    if !firing.is_empty() {
        out.push_str("\nWhen they fired:\n\n");
        for (alert, f) in firing {
            let _ = writeln!(
                out,
                "- `{}` ({}): {} – {} (peak burn {})",
                alert.alert,
                window(alert),
                f.start,
                f.end.as_deref().unwrap_or("still firing"),
                f.peak_burn
            );
        }
    }
    if !slo.gaps.is_empty() {
        out.push_str("\nNo traffic recorded (the replay saw none):\n\n");
        for gap in &slo.gaps {
            let _ = writeln!(out, "- {} – {}", gap.start, gap.end);
        }
    }
}

fn window(alert: &AlertReport) -> String {
    match (&alert.long, &alert.short) {
        (Some(long), Some(short)) => format!("{long} / {short}"),
        _ => String::from("period"),
    }
}

fn peak(firing: &[FiringReport]) -> Option<f64> {
    firing.iter().map(|f| f.peak_burn).reduce(f64::max)
}

/// The longest closed interval, as a duration; open ones run to the range's end.
fn longest(firing: &[FiringReport]) -> String {
    let millis = |text: &str| {
        DateTime::parse_from_rfc3339(text)
            .ok()
            .map(|t| t.timestamp_millis())
    };
    firing
        .iter()
        .filter_map(|f| Some(millis(f.end.as_deref()?)? - millis(&f.start)?))
        .max()
        .and_then(|m| u64::try_from(m).ok())
        .map_or_else(String::new, |m| Duration::from_millis(m).to_string())
}
