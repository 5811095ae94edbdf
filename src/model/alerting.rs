//! Alerts beyond SLOs: thresholds, anomaly bands, regressions against a baseline,
//! capacity headroom and forecasts.

use std::collections::BTreeMap;

use super::Runbook;
use super::catalog::Unit;
use super::values::{
    AlertName, Decimal, Duration, LabelName, PromQl, RuleName, ServiceName, TierName,
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    pub name: AlertName,
    pub service: Option<ServiceName>,
    pub expr: PromQl,
    pub condition: Condition,
    /// The unit of the value `expr` computes (`unit=` in the spec, else what the catalog
    /// says of the metrics it reads): thresholds are shown and plotted in it.
    pub unit: Option<Unit>,
    pub for_duration: Option<Duration>,
    pub keep_firing_for: Option<Duration>,
    /// A static sentence ending with a period.
    pub summary: String,
    /// May use Prometheus template actions (`{{ $value }}`).
    pub description: Option<String>,
    pub labels: BTreeMap<LabelName, String>,
    pub annotations: BTreeMap<LabelName, String>,
    pub runbook: Runbook,
}

/// What makes an alert fire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    /// `expr` is a complete condition (`a > 1`).
    Expr { tier: TierName },
    /// `expr` is a value compared against one or more thresholds, each with its own tier
    /// (memory 85 % warning, 95 % critical). Ordered from least to most urgent.
    Thresholds(Vec<Threshold>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Threshold {
    pub comparison: Comparison,
    pub value: Decimal,
    pub tier: TierName,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Comparison {
    Above,
    Below,
}

impl Comparison {
    pub fn operator(self) -> &'static str {
        match self {
            Comparison::Above => ">",
            Comparison::Below => "<",
        }
    }
}

/// Z-score bands around a metric's recent behaviour, optionally seasonal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anomaly {
    pub name: RuleName,
    pub service: Option<ServiceName>,
    pub tier: TierName,
    pub expr: PromQl,
    /// Offsets at which the same time of day/week is compared (`1d`, `7d`).
    pub seasonality: Vec<Duration>,
    /// Band half-width in standard deviations.
    pub sensitivity: Decimal,
    /// Minimum band half-width, in the metric's own unit, so flat series do not flap.
    pub min_band: Option<Decimal>,
    /// The window of the running median the band is centred on (and the width of the
    /// seasonal windows).
    pub window: Duration,
    pub for_duration: Duration,
    /// Extra labels and annotations on the alert.
    pub labels: BTreeMap<LabelName, String>,
    pub annotations: BTreeMap<LabelName, String>,
    pub runbook: Runbook,
}

/// A metric compared with itself some time earlier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Regression {
    pub name: RuleName,
    pub service: Option<ServiceName>,
    pub tier: TierName,
    pub expr: PromQl,
    pub baseline: Duration,
    /// Alert when worse by more than this many percent.
    pub tolerance_percent: Decimal,
    /// Which way is worse.
    pub worse: Comparison,
    pub for_duration: Duration,
    /// Extra labels and annotations on the alert.
    pub labels: BTreeMap<LabelName, String>,
    pub annotations: BTreeMap<LabelName, String>,
    pub runbook: Runbook,
}

/// Usage against a limit: headroom alert and time-to-exhaustion forecast.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capacity {
    pub name: RuleName,
    pub service: Option<ServiceName>,
    pub tier: TierName,
    pub usage: PromQl,
    pub limit: PromQl,
    /// Alert when usage exceeds this percent of the limit.
    pub headroom_percent: Decimal,
    /// Alert when the linear forecast reaches the limit within this horizon.
    pub forecast: Option<Duration>,
    /// History the forecast is fitted on.
    pub lookback: Duration,
    pub for_duration: Duration,
    /// Extra labels and annotations on the alert.
    pub labels: BTreeMap<LabelName, String>,
    pub annotations: BTreeMap<LabelName, String>,
    pub runbook: Runbook,
}
