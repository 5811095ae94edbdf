//! The metric catalog against live series: each declared metric is present in its
//! service, has the declared type, labels and label values, and stays within its series
//! budget; and each service exposes nothing the catalog does not declare.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::{Run, Sample, Unreachable, finding, listed, matchers};
use crate::codes::Code;
use crate::conventions::{LABEL_BUCKET, LABEL_INSTANCE, LABEL_JOB, LABEL_QUANTILE};
use crate::model::{LabelName, LabelValues, Metric, MetricKind, Service};

/// Labels Prometheus itself puts on every target's series.
const TARGET_LABELS: &[&str] = &[LABEL_JOB, LABEL_INSTANCE];

/// Series Prometheus itself writes with a target's labels: `up` and `scrape_*` per
/// target, `ALERTS` for alerts whose expression kept them.
fn synthetic(name: &str) -> bool {
    matches!(name, "up" | "ALERTS" | "ALERTS_FOR_STATE") || name.starts_with("scrape_")
}

pub(super) fn check(run: &mut Run<'_>) -> Result<(), Unreachable> {
    let targets = run
        .data("/api/v1/targets", &[("state", "active")])?
        .map(|data| target_labels(&data))
        .unwrap_or_default();
    let metadata = run
        .data("/api/v1/metadata", &[])?
        .map(|data| metadata_types(&data))
        .unwrap_or_default();
    let model = run.model;
    for metric in &model.metrics {
        let service = metric.service.as_ref().and_then(|s| model.service(s));
        let scope = Scope::new(service, &model.settings.target_labels, &targets);
        let Some(series) = run.query(&scope.selector(&families(metric)))? else {
            continue;
        };
        if series.is_empty() {
            absent(run, metric, service);
            continue;
        }
        check_type(run, metric, &metadata);
        // An external metric's labels are its owner's: the spec declares none.
        if !metric.external {
            check_labels(run, metric, &scope, &series);
            check_budget(run, metric, &scope, &series);
        }
    }
    let declared: BTreeSet<String> = model.metrics.iter().flat_map(families).collect();
    for service in &model.services {
        if !service.selector.is_empty() {
            undeclared_metrics(run, service, &declared)?;
        }
    }
    Ok(())
}

/// The label sets of the active targets.
fn target_labels(data: &Value) -> Vec<BTreeMap<String, String>> {
    let Some(targets) = data["activeTargets"].as_array() else {
        return Vec::new();
    };
    targets
        .iter()
        .filter_map(|t| serde_json::from_value(t["labels"].clone()).ok())
        .collect()
}

/// Metric name → the types its targets declare (`counter`, `gauge`, `unknown`…).
fn metadata_types(data: &Value) -> BTreeMap<String, BTreeSet<String>> {
    let Some(metrics) = data.as_object() else {
        return BTreeMap::new();
    };
    metrics
        .iter()
        .map(|(name, entries)| {
            let types = entries
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|e| e["type"].as_str().map(str::to_owned))
                .collect();
            (name.clone(), types)
        })
        .collect()
}

/// Where a metric is looked for: its service's selector and that service's targets.
struct Scope {
    selector: BTreeMap<String, String>,
    /// Label names the targets add to every series (`job`, `instance`, relabelled ones).
    target_labels: BTreeSet<String>,
    /// How many targets the service has; the series budget is per target.
    targets: usize,
}

impl Scope {
    fn new(
        service: Option<&Service>,
        common: &[LabelName],
        targets: &[BTreeMap<String, String>],
    ) -> Self {
        let selector: BTreeMap<String, String> =
            service.map(Service::selector_labels).unwrap_or_default();
        let matching: Vec<&BTreeMap<String, String>> = targets
            .iter()
            .filter(|t| selector.iter().all(|(k, v)| t.get(k) == Some(v)))
            .collect();
        let mut target_labels: BTreeSet<String> =
            TARGET_LABELS.iter().map(|l| (*l).to_owned()).collect();
        target_labels.extend(matching.iter().flat_map(|t| t.keys().cloned()));
        target_labels.extend(selector.keys().cloned());
        // Labels the spec says the targets carry (`target-labels`), found or not.
        let declared = service
            .map(|s| s.target_labels.as_slice())
            .unwrap_or_default();
        target_labels.extend(common.iter().chain(declared).map(ToString::to_string));
        Self {
            selector,
            target_labels,
            targets: matching.len(),
        }
    }

    /// `{__name__=~"a|b",job="x"}`.
    fn selector(&self, names: &[String]) -> String {
        let mut parts = vec![format!("__name__=~\"{}\"", names.join("|"))];
        parts.extend(super::matchers(&self.selector));
        format!("{{{}}}", parts.join(","))
    }
}

/// The series names a metric is exposed as.
fn families(metric: &Metric) -> Vec<String> {
    let name = metric.name.as_str();
    let suffixed = |suffixes: &[&str]| suffixes.iter().map(|s| format!("{name}{s}")).collect();
    match metric.kind {
        MetricKind::Counter | MetricKind::Gauge | MetricKind::Histogram { native: true, .. } => {
            vec![name.to_owned()]
        }
        MetricKind::Histogram { native: false, .. } => suffixed(&["_bucket", "_count", "_sum"]),
        // Quantile series are the same label sets again; the budget counts `_count` and `_sum`.
        MetricKind::Summary => suffixed(&["_count", "_sum"]),
    }
}

fn absent(run: &mut Run<'_>, metric: &Metric, service: Option<&Service>) {
    let place = run.places.metric(metric.name.as_str());
    let scope = service.map_or_else(String::new, |s| format!(" in service `{}`", s.name));
    let selector = service.map_or_else(String::new, |s| {
        let labels = s.selector.iter().map(|(k, v)| (k.to_string(), v.clone()));
        format!(" ({})", matchers(&labels.collect()).join(","))
    });
    run.report(
        finding(
            Code::VerifyMetricAbsent,
            place,
            format!(
                "metric `{}` has no live series{scope}{selector}",
                metric.name
            ),
        )
        .label("declared here, not exported"),
    );
}

fn check_type(run: &mut Run<'_>, metric: &Metric, metadata: &BTreeMap<String, BTreeSet<String>>) {
    let name = metric.name.as_str();
    // The text format names a counter's family with `_total`, OpenMetrics without.
    let family = [Some(name), name.strip_suffix("_total")]
        .into_iter()
        .flatten()
        .find_map(|n| metadata.get(n));
    let Some(types) = family else {
        return;
    };
    let declared = metric.kind.as_str();
    let wrong: Vec<&str> = types
        .iter()
        .map(String::as_str)
        .filter(|t| *t != declared && *t != "unknown" && *t != "untyped")
        .collect();
    if wrong.is_empty() {
        return;
    }
    let place = run.places.metric(name);
    run.report(
        finding(
            Code::VerifyMetricType,
            place,
            format!(
                "metric `{name}` is declared a {declared} but its targets expose it as {}",
                listed(wrong, 3)
            ),
        )
        .label(format!("declared type={declared}")),
    );
}

fn check_labels(run: &mut Run<'_>, metric: &Metric, scope: &Scope, series: &[Sample]) {
    let mut observed: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for sample in series {
        for (label, value) in &sample.labels {
            observed.entry(label).or_default().insert(value);
        }
    }
    let name = metric.name.as_str();
    for (label, values) in &observed {
        if *label == "__name__" || scope.target_labels.contains(*label) || structural(metric, label)
        {
            continue;
        }
        match metric.labels.iter().find(|l| l.name.as_str() == *label) {
            None => {
                let place = run.places.metric(name);
                run.report(
                    finding(
                        Code::VerifyUndeclaredLabel,
                        place,
                        format!(
                            "metric `{name}` has the undeclared label `{label}` (values {})",
                            listed(values.iter().copied(), 5)
                        ),
                    )
                    .label("no such label declared"),
                );
            }
            Some(declared) => {
                let LabelValues::Enumerated(allowed) = &declared.values else {
                    continue;
                };
                let extra: Vec<&str> = values
                    .iter()
                    .copied()
                    .filter(|v| !allowed.iter().any(|a| a == v))
                    .collect();
                if extra.is_empty() {
                    continue;
                }
                let place = run.places.label(name, label);
                run.report(
                    finding(
                        Code::VerifyLabelValue,
                        place,
                        format!(
                            "label `{label}` of `{name}` has values the spec does not declare: {}",
                            listed(extra, 10)
                        ),
                    )
                    .label("declared values"),
                );
            }
        }
    }
}

/// Labels the exposition format itself adds: a histogram's `le`, a summary's `quantile`.
fn structural(metric: &Metric, label: &str) -> bool {
    matches!(
        (&metric.kind, label),
        (MetricKind::Histogram { native: false, .. }, LABEL_BUCKET)
            | (MetricKind::Summary, LABEL_QUANTILE)
    )
}

fn check_budget(run: &mut Run<'_>, metric: &Metric, scope: &Scope, series: &[Sample]) {
    let Some(budget) = metric.max_series.or_else(|| metric.estimated_series()) else {
        return;
    };
    // Without scrape targets (federated or remote-written data), count the instances.
    let targets = if scope.targets > 0 {
        scope.targets
    } else {
        let instances: BTreeSet<_> = series
            .iter()
            .map(|s| s.labels.get(LABEL_INSTANCE))
            .collect();
        instances.len().max(1)
    };
    let allowed = budget.saturating_mul(u64::try_from(targets).unwrap_or(u64::MAX));
    let live = u64::try_from(series.len()).unwrap_or(u64::MAX);
    if live <= allowed {
        return;
    }
    let name = metric.name.as_str();
    let place = run.places.metric(name);
    run.report(
        finding(
            Code::VerifySeriesBudget,
            place,
            format!(
                "metric `{name}` has {live} live series over {targets} target(s); its budget is {budget} per target ({allowed} in all)"
            ),
        )
        .label("budget exceeded"),
    );
}

/// One warning per service for the metrics its targets expose that no catalog entry
/// declares, largest first.
fn undeclared_metrics(
    run: &mut Run<'_>,
    service: &Service,
    declared: &BTreeSet<String>,
) -> Result<(), Unreachable> {
    let selector: BTreeMap<String, String> = service
        .selector
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    let expr = format!(
        "count by (__name__) ({{{}}})",
        matchers(&selector).join(",")
    );
    let Some(counts) = run.query(&expr)? else {
        return Ok(());
    };
    let mut undeclared: Vec<(f64, &str)> = counts
        .iter()
        .filter_map(|s| Some((s.value, s.labels.get("__name__")?.as_str())))
        // Recorded series (`level:metric:op`) are rules' output, not the exporter's.
        .filter(|(_, name)| !declared.contains(*name) && !synthetic(name) && !name.contains(':'))
        .collect();
    if undeclared.is_empty() {
        return Ok(());
    }
    undeclared.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    let place = run.places.service(service.name.as_str());
    let count = undeclared.len();
    run.report(
        finding(
            Code::VerifyUndeclaredMetrics,
            place,
            format!(
                "service `{}` exposes {count} metric(s) the catalog does not declare: {}",
                service.name,
                listed(undeclared.iter().map(|(_, n)| *n), 10)
            ),
        )
        .label("undeclared metrics come from these targets"),
    );
    Ok(())
}
