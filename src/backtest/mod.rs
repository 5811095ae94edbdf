//! `vigil backtest`: an SLO's alerts replayed over recorded history.
//!
//! vigil's burn-rate windows are sums of the base rates every SLO records
//! (`slo:sli_*_events:rate5m`), so the recording and alert chain of the generated rules can
//! be reproduced in process from those two series: window ratios, burn pairs with their
//! thresholds, `for` and `keep_firing_for`, the period's error budget (rolling or
//! calendar), and the budget alerts. The replay reads the base rates at two resolutions,
//! as the rules do: every evaluation for windows under a day, and the 5-minute copies
//! (the period group) for a day or more.

mod answer;
mod chain;
mod fetch;
pub mod plot;
pub mod report;
mod series;
mod state;

pub use chain::{
    AlertKind, AlertReplay, Moment, PeriodEnd, Replay, TIMELINE_STEP, WorstHour, lookback, replay,
};
pub use fetch::{Labels, Series, fetch};
pub use series::{Bounds, Grid, Rates, Timestamp};
pub use state::Firing;

use crate::model::{Duration, Version};

/// The base rates a replay reads.
#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    /// One sample per rule evaluation.
    pub fine: Rates,
    /// The 5-minute copies the period group records, aligned to 5-minute multiples.
    pub coarse: Rates,
}

/// How the Prometheus being replayed evaluates rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Evaluation {
    /// Its global evaluation interval, which the SLI and alert groups run at.
    pub interval: Duration,
    pub bounds: Bounds,
}

impl Evaluation {
    /// Prometheus' default interval (1m) and the range bounds of `version`.
    pub fn for_version(version: Version, interval: Duration) -> Self {
        let bounds = if version.major >= 3 {
            Bounds::LeftOpen
        } else {
            Bounds::Closed
        };
        Self { interval, bounds }
    }
}

/// A warning per SLO whose SLI had no data in the range, placed on its declaration in
/// `spec` when there is one.
pub fn no_data_warnings(
    silent: &[&crate::model::Slo],
    address: &str,
    spec: Option<&crate::spec::RawSpec>,
) -> crate::diagnostic::Diagnostics {
    use crate::codes::Code;
    use crate::diagnostic::Diagnostic;
    let places = spec.map(crate::verify::spans::Places::new);
    let mut diagnostics = crate::diagnostic::Diagnostics::default();
    for slo in silent {
        let message = format!(
            "Prometheus at {address} has no data for the SLI of SLO `{}` in the range",
            slo.path()
        );
        let place = places
            .as_ref()
            .and_then(|p| p.slo(slo.name.as_str(), slo.service.as_str()));
        diagnostics.push(match place {
            Some(span) => Diagnostic::new(Code::BacktestNoData, span, message)
                .label("its SLI matches no series then"),
            None => Diagnostic::unplaced(Code::BacktestNoData, message),
        });
    }
    diagnostics
}
