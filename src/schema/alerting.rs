//! The YAML form of threshold alerts, anomaly, regression and capacity rules, and retention.

#![allow(clippy::doc_markdown)]

use std::collections::BTreeMap;

use schemars::JsonSchema;

use super::slo::Runbook;
use super::{Duration, LabelValue, OneOrMany};

/// A plain alert: `expr` with a `tier`, or `expr` with `thresholds` (not both).
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Alert {
    pub service: Option<String>,
    /// PromQL: the condition (with `tier`) or the value compared (with `thresholds`).
    pub expr: String,
    pub tier: Option<String>,
    /// All `above` or all `below`; one rule per threshold.
    pub thresholds: Option<Vec<Threshold>>,
    /// The unit of the value `expr` computes (`seconds`, `bytes`, `ratio` or any word);
    /// by default what the catalog says of the metrics it reads.
    pub unit: Option<String>,
    #[schemars(rename = "for")]
    pub for_duration: Option<Duration>,
    /// Needs Prometheus 2.42.
    pub keep_firing_for: Option<Duration>,
    /// A static sentence ending with a period.
    pub summary: String,
    /// Templated description.
    pub description: Option<String>,
    pub labels: Option<BTreeMap<String, LabelValue>>,
    pub annotations: Option<BTreeMap<String, String>>,
    pub runbook: Option<Runbook>,
}

/// Exactly one of `above` and `below`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Threshold {
    pub above: Option<f64>,
    pub below: Option<f64>,
    pub tier: String,
}

/// A z-score band around the value's seasonal history.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Anomaly {
    pub service: Option<String>,
    pub tier: String,
    pub expr: String,
    /// Seasonal periods compared, e.g. `[1d, 7d]`.
    pub seasonality: Option<OneOrMany<Duration>>,
    /// Band width in standard deviations (default 3).
    pub sensitivity: Option<f64>,
    /// Minimum band half-width, in the value's unit.
    pub min_band: Option<f64>,
    /// Window of the running median the band is centred on; seasons must be longer
    /// (default 1h).
    pub window: Option<Duration>,
    /// Default 10m.
    #[schemars(rename = "for")]
    pub for_duration: Option<Duration>,
    /// Extra labels on the alert.
    pub labels: Option<BTreeMap<String, LabelValue>>,
    /// Extra annotations on the alert.
    pub annotations: Option<BTreeMap<String, String>>,
    pub runbook: Option<Runbook>,
}

/// Fires when the value is worse than its baseline by more than `tolerance` percent.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Regression {
    pub service: Option<String>,
    pub tier: String,
    pub expr: String,
    /// How far back the baseline is (default 7d).
    pub baseline: Option<Duration>,
    /// Percent, above 0 and at most 1000.
    pub tolerance: f64,
    /// Which direction is worse (default `above`).
    pub worse: Option<Direction>,
    /// Default 15m.
    #[schemars(rename = "for")]
    pub for_duration: Option<Duration>,
    /// Extra labels on the alert.
    pub labels: Option<BTreeMap<String, LabelValue>>,
    /// Extra annotations on the alert.
    pub annotations: Option<BTreeMap<String, String>>,
    pub runbook: Option<Runbook>,
}

#[derive(JsonSchema)]
#[schemars(rename_all = "lowercase")]
pub enum Direction {
    Above,
    Below,
}

/// Fires when usage passes `headroom` percent of `limit`, or is forecast to reach it.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Capacity {
    pub service: Option<String>,
    pub tier: String,
    /// PromQL for what is used.
    pub usage: String,
    /// PromQL for the limit.
    pub limit: String,
    /// Percent of the limit, above 0 and at most 1000.
    pub headroom: f64,
    /// Forecast horizon (linear prediction); no forecast alert when absent.
    pub forecast: Option<Duration>,
    /// History used by the forecast (default 6h).
    pub lookback: Option<Duration>,
    /// Default 15m.
    #[schemars(rename = "for")]
    pub for_duration: Option<Duration>,
    /// Extra labels on the alert.
    pub labels: Option<BTreeMap<String, LabelValue>>,
    /// Extra annotations on the alert.
    pub annotations: Option<BTreeMap<String, String>>,
    pub runbook: Option<Runbook>,
}

/// How long data is kept, and at which resolution.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Retention {
    /// Raw-resolution retention.
    pub raw: Duration,
    /// Prometheus' own retention, which rule evaluation reads (default: `raw`).
    pub local: Option<Duration>,
    pub downsamples: Option<Vec<Downsample>>,
    /// Size cap such as "100GB" (B, KB, MB, GB, TB, PB; powers of 1024).
    #[schemars(regex(pattern = r"^\s*[0-9]+\s*([KkMmGgTtPp]?[Bb])\s*$"))]
    pub size: Option<String>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Downsample {
    pub resolution: Duration,
    pub keep: Duration,
}
