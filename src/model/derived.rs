//! Facts of operational items that more than one backend states — the rules compute with
//! them, the runbooks explain them: windows, thresholds, budgets and the alerts' summaries
//! (the spec's own `summary` annotation, else vigil's sentence).

use std::collections::BTreeMap;

use super::{Anomaly, Capacity, Comparison, Decimal, Duration, Metric, Regression, ServiceName};
use super::{LabelName, format_decimal, values::RuleName};

/// The spec's `summary` annotation when it gives one, else `derived`.
fn stated(annotations: &BTreeMap<LabelName, String>, derived: impl FnOnce() -> String) -> String {
    annotations
        .get(&LabelName::new("summary"))
        .cloned()
        .unwrap_or_else(derived)
}

/// "The latency of erlmcp", or "The latency" for an item of no service.
fn subject(service: Option<&ServiceName>, item: &RuleName) -> String {
    match service {
        Some(service) => format!("The {item} of {service}"),
        None => format!("The {item}"),
    }
}

impl Anomaly {
    /// The level is the mean of the last three minutes: it averages scrape noise, and a
    /// step of 1.5 band half-widths crosses the band within two evaluations (measured:
    /// `docs/anomaly.md`; five minutes detected such a step a minute too late).
    pub const LEVEL_WINDOW: Duration = Duration::from_secs(180);
    /// The deviation is measured over a day, so it covers a whole daily cycle.
    pub const DEVIATION_WINDOW: Duration = Duration::from_days(1);

    /// The window the level averages: [`Self::LEVEL_WINDOW`], or the baseline's if shorter.
    pub fn level_window(&self) -> Duration {
        Self::LEVEL_WINDOW.min(self.window)
    }

    pub fn subject(&self) -> String {
        subject(self.service.as_ref(), &self.name)
    }

    pub fn summary(&self) -> String {
        stated(&self.annotations, || {
            format!("{} is outside its expected band.", self.subject())
        })
    }
}

impl Regression {
    /// The value of current ÷ baseline beyond which the alert fires (1.2 for 20 % worse
    /// upwards, 0.8 downwards).
    pub fn threshold(&self) -> Decimal {
        let share = self.tolerance_percent / Decimal::ONE_HUNDRED;
        match self.worse {
            Comparison::Above => Decimal::ONE + share,
            Comparison::Below => Decimal::ONE - share,
        }
    }

    pub fn subject(&self) -> String {
        subject(self.service.as_ref(), &self.name)
    }

    pub fn summary(&self) -> String {
        let direction = match self.worse {
            Comparison::Above => "higher",
            Comparison::Below => "lower",
        };
        stated(&self.annotations, || {
            format!(
                "{} is more than {} % {direction} than {} earlier.",
                self.subject(),
                format_decimal(self.tolerance_percent),
                self.baseline
            )
        })
    }
}

impl Capacity {
    pub fn subject(&self) -> String {
        subject(self.service.as_ref(), &self.name)
    }

    pub fn headroom_summary(&self) -> String {
        stated(&self.annotations, || {
            format!(
                "{} uses more than {} % of its limit.",
                self.subject(),
                format_decimal(self.headroom_percent)
            )
        })
    }

    /// `None` without a `forecast`.
    pub fn exhaustion_summary(&self) -> Option<String> {
        let horizon = self.forecast?;
        Some(stated(&self.annotations, || {
            format!(
                "{} is forecast to reach its limit within {horizon}.",
                self.subject()
            )
        }))
    }
}

impl Metric {
    /// The series per target the runtime cardinality alert allows: `max-series`, else the
    /// estimate from the declared labels (`None` for unbounded labels without a budget).
    pub fn series_budget(&self) -> Option<u64> {
        self.max_series.or_else(|| self.estimated_series())
    }
}

/// The summary of a service's cardinality alert (`None`: metrics of no service).
pub fn cardinality_summary(service: Option<&ServiceName>) -> String {
    let subject = service.map_or_else(String::new, |s| format!(" of {s}"));
    format!("A metric{subject} has more series than its budget.")
}

/// The summary of the runtime alert on `settings { series-budget }`.
pub const SERIES_BUDGET_SUMMARY: &str =
    "A target exposes more series than the spec's series budget.";
