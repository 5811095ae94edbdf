//! Service level objectives: SLI kinds, windows and burn-rate alerting.

use std::collections::BTreeMap;

use super::Runbook;
use super::values::{
    AlertName, Decimal, Duration, LabelName, MetricName, Objective, Selector, ServiceName, SloName,
    TierName, WindowTemplate,
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slo {
    pub name: SloName,
    pub service: ServiceName,
    pub description: Option<String>,
    pub objective: Objective,
    pub window: Window,
    pub sli: Sli,
    /// One SLO per combination of these labels' values.
    pub group_by: Vec<LabelName>,
    pub alerting: Alerting,
    /// Extra labels on every rule of this SLO.
    pub labels: BTreeMap<LabelName, String>,
    pub runbook: Runbook,
}

impl Slo {
    /// The SLO's identity (service and name) in one word, for file names, rule groups and
    /// anchors: [`crate::conventions::slo_id`].
    pub fn id(&self) -> String {
        crate::conventions::slo_id(self.service.as_str(), self.name.as_str())
    }

    /// How sentences name the SLO: `availability SLO of checkout`.
    pub fn title(&self) -> String {
        format!("{} SLO of {}", self.name, self.service)
    }

    /// `service/name`, the form in which commands and messages refer to an SLO.
    pub fn path(&self) -> String {
        format!("{}/{}", self.service, self.name)
    }

    /// The burn-rate factor of an alert window: the share of the budget it may consume
    /// over its long window, scaled to the whole period (30d, 2 % over 1h → 14.4).
    pub fn burn_factor(&self, window: &BurnWindow) -> Decimal {
        let period = Decimal::from(self.window.period().as_millis());
        let long = Decimal::from(window.long.as_millis().max(1));
        window.budget_percent / Decimal::ONE_HUNDRED * period / long
    }

    /// The error-ratio threshold of an alert window: factor × (1 − objective).
    pub fn burn_threshold(&self, window: &BurnWindow) -> Decimal {
        self.burn_factor(window) * self.objective.error_budget()
    }

    /// The threshold as the alert rule states it: [`burn_threshold`](Self::burn_threshold)
    /// to [`SIGNIFICANT_DIGITS`].
    pub fn alert_threshold(&self, window: &BurnWindow) -> Decimal {
        let exact = self.burn_threshold(window);
        exact
            .round_sf(SIGNIFICANT_DIGITS)
            .unwrap_or(exact)
            .normalize()
    }

    /// The burn-rate factor as the alert rule states it, to [`SIGNIFICANT_DIGITS`].
    pub fn alert_factor(&self, window: &BurnWindow) -> Decimal {
        self.burn_factor(window)
            .round_sf(SIGNIFICANT_DIGITS)
            .unwrap_or_default()
            .normalize()
    }
}

/// Significant digits of stated thresholds: `0.000933333333333` for 28 days, not 28 digits.
const SIGNIFICANT_DIGITS: u32 = 12;

/// The window of the base rates every SLO records: its longer windows sum these, so no
/// burn window is finer than it.
pub const BASE_WINDOW: Duration = Duration::from_secs(300);

/// The compliance period of an SLO.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    /// A sliding window ending now (`30d`).
    Rolling(Duration),
    /// Aligned to calendar boundaries (UTC); the budget resets at each boundary.
    Calendar(CalendarPeriod),
}

impl Window {
    /// The period used for budget arithmetic; calendar months count as 30 days.
    pub fn period(self) -> Duration {
        match self {
            Window::Rolling(duration) => duration,
            Window::Calendar(CalendarPeriod::Week) => Duration::from_days(7),
            Window::Calendar(CalendarPeriod::Month) => Duration::from_days(30),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CalendarPeriod {
    Week,
    Month,
}

/// How good and bad events are counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sli {
    /// Counters of bad (or good) events and of all events.
    Ratio { events: Events, total: Selector },
    /// Requests slower than `threshold` are bad.
    Latency {
        metric: MetricName,
        threshold: Duration,
        /// Extra label matchers (`operation="tool_call"`), sorted.
        matchers: BTreeMap<LabelName, String>,
        histogram: HistogramMode,
    },
    /// A 0/1 gauge such as `up` or `probe_success`: the fraction of samples at 0 is bad.
    Availability { metric: Selector },
    /// Escape hatch: `PromQL` for error and total event rates over `{{ window }}`.
    Query {
        errors: WindowTemplate,
        total: WindowTemplate,
    },
}

impl Sli {
    pub fn kind(&self) -> &'static str {
        match self {
            Sli::Ratio { .. } => "ratio",
            Sli::Latency { .. } => "latency",
            Sli::Availability { .. } => "availability",
            Sli::Query { .. } => "query",
        }
    }
}

/// The counter a ratio SLI is given: either the bad events or the good ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Events {
    Errors(Selector),
    Good(Selector),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistogramMode {
    /// `_bucket{le="…"}` and `_count` series.
    Classic,
    /// A native histogram read with `histogram_fraction`.
    Native,
}

/// Which alerts an SLO produces. A `None` alert is disabled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alerting {
    pub page: Option<BurnAlert>,
    pub ticket: Option<BurnAlert>,
    pub budget_consumed: Option<BudgetAlert>,
    pub budget_exhausted: Option<BudgetAlert>,
    pub absent: Option<AbsentAlert>,
    /// Low-traffic guard: minimum events in the long window before a burn alert may fire.
    pub min_events: Option<u64>,
    /// Labels and annotations on every alert of the SLO.
    pub extras: AlertExtras,
    /// The names of the five alerts, enabled or not.
    pub names: AlertNames,
}

/// The names of an SLO's alerts. A disabled alert keeps its name: enabling it later never
/// collides with another alert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertNames {
    pub page: AlertName,
    pub ticket: AlertName,
    pub budget_consumed: AlertName,
    pub budget_exhausted: AlertName,
    pub absent: AlertName,
}

impl AlertNames {
    /// The names vigil gives an SLO's alerts from their stem (`CheckoutAvailability`).
    pub fn from_stem(stem: &str) -> Self {
        use crate::conventions::slo_alerts;
        Self {
            page: AlertName::new(slo_alerts::page(stem)),
            ticket: AlertName::new(slo_alerts::ticket(stem)),
            budget_consumed: AlertName::new(slo_alerts::budget_consumed(stem)),
            budget_exhausted: AlertName::new(slo_alerts::budget_exhausted(stem)),
            absent: AlertName::new(slo_alerts::absent(stem)),
        }
    }

    /// Every name, in the order page, ticket, budget consumed, budget exhausted, absent.
    pub fn all(&self) -> [&AlertName; 5] {
        [
            &self.page,
            &self.ticket,
            &self.budget_consumed,
            &self.budget_exhausted,
            &self.absent,
        ]
    }
}

/// Labels and annotations a spec adds to generated alerts (labels vigil sets are refused
/// by the checker; an annotation replaces vigil's of the same name, `runbook_url` aside).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AlertExtras {
    pub labels: BTreeMap<LabelName, String>,
    pub annotations: BTreeMap<LabelName, String>,
}

/// A multi-window multi-burn-rate alert: it fires when any of its windows burns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BurnAlert {
    pub tier: TierName,
    pub extras: AlertExtras,
    pub for_duration: Option<Duration>,
    pub keep_firing_for: Option<Duration>,
    /// Fast then slow; never empty.
    pub windows: Vec<BurnWindow>,
}

/// One long/short window pair and the share of the budget it may consume.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BurnWindow {
    pub long: Duration,
    pub short: Duration,
    /// Percent of the period's budget consumed over `long` when the alert fires.
    pub budget_percent: Decimal,
}

impl BurnWindow {
    pub fn new(long: Duration, short: Duration, budget_percent: Decimal) -> Self {
        Self {
            long,
            short,
            budget_percent,
        }
    }

    /// Google SRE workbook defaults: page 2 % in 1h (short 5m), 5 % in 6h (short 30m).
    pub fn page_defaults() -> Vec<BurnWindow> {
        vec![
            Self::new(
                Duration::from_secs(3600),
                Duration::from_secs(300),
                Decimal::from(2),
            ),
            Self::new(
                Duration::from_secs(6 * 3600),
                Duration::from_secs(1800),
                Decimal::from(5),
            ),
        ]
    }

    /// Ticket 10 % in 1d (short 2h), 10 % in 3d (short 6h).
    pub fn ticket_defaults() -> Vec<BurnWindow> {
        vec![
            Self::new(
                Duration::from_days(1),
                Duration::from_secs(2 * 3600),
                Decimal::from(10),
            ),
            Self::new(
                Duration::from_days(3),
                Duration::from_secs(6 * 3600),
                Decimal::from(10),
            ),
        ]
    }
}

/// Fires when the consumed share of the period's budget reaches `percent`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BudgetAlert {
    pub tier: TierName,
    pub percent: Decimal,
    pub for_duration: Option<Duration>,
    pub extras: AlertExtras,
}

/// Fires when an SLI's series disappear.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AbsentAlert {
    pub tier: TierName,
    pub for_duration: Duration,
    pub extras: AlertExtras,
}
