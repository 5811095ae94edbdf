//! Scrape-config snippets, one per service with declared metrics
//! (`prometheus/scrape/<service>.yaml`): a `scrape_configs` entry carrying the limits
//! derived from the catalog, to merge into the operator's own job (which adds service
//! discovery). Limits, and why they have headroom:
//!
//! - `label_limit`: the most labels a declared metric has, plus `job`, `instance` and
//!   `le`/`quantile`, plus [`TARGET_LABELS`] for what service discovery attaches.
//! - `label_value_length_limit`: twice the longest declared label value, at least
//!   [`MIN_VALUE_LENGTH`] (pod names and addresses are target label values too).
//! - `sample_limit` (only with `drop-undeclared-metrics`, when every kept series is
//!   declared): twice the sum of the metrics' budgets (`max-series`, else the estimate),
//!   so new label values degrade to the cardinality alert before Prometheus drops whole
//!   scrapes. Without the allow-list the exporter's undeclared metrics count too, so no
//!   limit derived from the catalog would be safe. A metric without a budget (an unbounded
//!   label and no `max-series`) leaves the limit out.
//! - `metric_relabel_configs` (with `drop-undeclared-metrics`): keep only the declared
//!   names (`_bucket`/`_sum`/`_count` for histograms, `_sum`/`_count` and the quantiles
//!   for summaries).

use serde::Serialize;

use crate::conventions::{LABEL_JOB, prometheus_paths};
use crate::emit::Artifact;
use crate::emit::yaml::to_yaml;
use crate::model::{LabelValues, Metric, MetricKind, Model, Owners, Service};

/// Room for the labels service discovery attaches to every target.
pub(crate) const TARGET_LABELS: usize = 20;
/// Smallest value-length limit, whatever the catalog declares.
pub(crate) const MIN_VALUE_LENGTH: usize = 256;

#[derive(Serialize)]
struct ScrapeFile {
    scrape_configs: Vec<ScrapeConfig>,
}

#[derive(Serialize)]
struct ScrapeConfig {
    job_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    sample_limit: Option<u64>,
    label_limit: usize,
    label_value_length_limit: usize,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    metric_relabel_configs: Vec<Relabel>,
}

#[derive(Serialize)]
struct Relabel {
    source_labels: Vec<&'static str>,
    regex: String,
    action: &'static str,
}

pub(crate) fn emit(model: &Model, owners: &Owners<'_>) -> Vec<Artifact> {
    model
        .services
        .iter()
        .filter_map(|service| {
            let metrics = owners.metrics(Some(&service.name));
            if metrics.is_empty() {
                return None;
            }
            let file = ScrapeFile {
                scrape_configs: vec![config(service, metrics)],
            };
            Some(Artifact::new(
                prometheus_paths::scrape(service.name.as_str()),
                to_yaml(&file),
            ))
        })
        .collect()
}

fn config(service: &Service, metrics: &[&Metric]) -> ScrapeConfig {
    let job_name = service
        .selector
        .iter()
        .find(|(label, _)| label.as_str() == LABEL_JOB)
        .map_or_else(|| service.name.to_string(), |(_, value)| value.clone());
    let labels = metrics.iter().map(|m| m.labels.len()).max().unwrap_or(0);
    let longest = metrics
        .iter()
        .flat_map(|m| &m.labels)
        .filter_map(|l| match &l.values {
            LabelValues::Enumerated(values) => values.iter().map(String::len).max(),
            LabelValues::Unbounded => None,
        })
        .max()
        .unwrap_or(0);
    let sample_limit = service
        .drop_undeclared
        .then(|| {
            metrics
                .iter()
                .map(|m| m.series_budget())
                .sum::<Option<u64>>()
        })
        .flatten()
        .map(|total| total.saturating_mul(2));
    let metric_relabel_configs = if service.drop_undeclared {
        vec![Relabel {
            source_labels: vec!["__name__"],
            regex: metrics
                .iter()
                .flat_map(|m| names(m))
                .collect::<Vec<_>>()
                .join("|"),
            action: "keep",
        }]
    } else {
        Vec::new()
    };
    ScrapeConfig {
        job_name,
        sample_limit,
        label_limit: labels + 3 + TARGET_LABELS,
        label_value_length_limit: (2 * longest).max(MIN_VALUE_LENGTH),
        metric_relabel_configs,
    }
}

/// The series names a metric is exposed under.
fn names(metric: &Metric) -> Vec<String> {
    let name = metric.name.as_str();
    match &metric.kind {
        MetricKind::Counter | MetricKind::Gauge => vec![name.to_owned()],
        MetricKind::Histogram { native, .. } => {
            let mut names = vec![
                format!("{name}_bucket"),
                format!("{name}_sum"),
                format!("{name}_count"),
            ];
            if *native {
                names.insert(0, name.to_owned());
            }
            names
        }
        MetricKind::Summary => vec![
            name.to_owned(),
            format!("{name}_sum"),
            format!("{name}_count"),
        ],
    }
}
