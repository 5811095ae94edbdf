//! Synthetic input series for generated promtool tests: raw series that the SLI's own
//! selectors pick up, with a chosen traffic and error ratio.
//!
//! Every scenario keeps the error ratio constant from the first sample, so every window's
//! traffic-weighted ratio equals it exactly: which window pairs fire then follows from the
//! thresholds alone, with no timing guesswork.

use std::collections::BTreeMap;

use promql_parser::label::Matcher;
use promql_parser::parser::VectorSelector;
use serde::Serialize;

use crate::conventions::LABEL_BUCKET;
use crate::model::{
    Decimal, Events, HistogramMode, LabelName, LabelValues, Metric, Model, Sli, Slo,
    format_decimal, latency_labels, le_value,
};

/// Events per input step when there is traffic.
const EVENTS_PER_STEP: i64 = 100;

/// One input series of a promtool test.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct InputSeries {
    pub(crate) series: String,
    pub(crate) values: String,
}

/// How a scenario drives the SLI.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Traffic {
    /// Share of bad events, 0 to 1.
    pub(crate) error_ratio: Decimal,
    /// Events per step; 0 keeps the counters flat (no traffic).
    pub(crate) per_step: Decimal,
}

impl Traffic {
    pub(crate) fn steady(error_ratio: Decimal) -> Self {
        Self {
            error_ratio,
            per_step: Decimal::from(EVENTS_PER_STEP),
        }
    }
}

/// The raw series an SLI reads, with a label set for each, or `None` when vigil cannot
/// synthesise them (query SLIs, native histograms, selectors it cannot satisfy).
pub(crate) struct Shape {
    kind: ShapeKind,
    /// The labels the SLO's recorded series keep (`group_by` values).
    pub(crate) group_labels: BTreeMap<String, String>,
}

enum ShapeKind {
    /// `bad` and `good` counters partitioning the total (same metric), or `special`
    /// (errors or good) and `total` counters of different metrics.
    Partition {
        bad: String,
        good: String,
    },
    Separate {
        special: String,
        special_is_errors: bool,
        total: String,
    },
    Histogram {
        bucket: String,
        count: String,
    },
    /// A 0/1 gauge: only error ratios 0 and 1 can be expressed with one series.
    Gauge {
        series: String,
    },
}

impl Shape {
    pub(crate) fn of(model: &Model, slo: &Slo) -> Option<Shape> {
        let service = model.service(&slo.service);
        let group: BTreeMap<String, String> = slo
            .group_by
            .iter()
            .map(|l| (l.to_string(), String::from("vigil")))
            .collect();
        let kind = match &slo.sli {
            Sli::Ratio { events, total } => {
                let (special, is_errors) = match events {
                    Events::Errors(s) => (s, true),
                    Events::Good(s) => (s, false),
                };
                ratio_shape(
                    model,
                    &parts(special.scoped(service))?,
                    &parts(total.scoped(service))?,
                    &group,
                    is_errors,
                )?
            }
            Sli::Latency {
                metric,
                threshold,
                matchers,
                histogram: HistogramMode::Classic,
            } => {
                let mut labels = latency_labels(matchers, service);
                labels.extend(group.clone());
                let count = render(&format!("{metric}_count"), &labels);
                labels.insert(
                    LABEL_BUCKET.to_owned(),
                    le_value(threshold.as_decimal_secs()),
                );
                let bucket = render(&format!("{metric}_bucket"), &labels);
                ShapeKind::Histogram { bucket, count }
            }
            Sli::Availability { metric } => {
                let (name, matchers) = parts(metric.scoped(service))?;
                let labels = satisfy(Declared::of(model, &name), &group, &matchers)?;
                ShapeKind::Gauge {
                    series: render(&name, &labels),
                }
            }
            Sli::Latency { .. } | Sli::Query { .. } => return None,
        };
        let group_labels = slo
            .group_by
            .iter()
            .map(LabelName::to_string)
            .map(|l| (l, String::from("vigil")))
            .collect();
        Some(Shape { kind, group_labels })
    }

    /// Whether this shape can express `traffic`.
    pub(crate) fn supports(&self, traffic: Traffic) -> bool {
        match self.kind {
            ShapeKind::Gauge { .. } => {
                traffic.per_step > Decimal::ZERO
                    && (traffic.error_ratio.is_zero() || traffic.error_ratio == Decimal::ONE)
            }
            _ => true,
        }
    }

    /// Input series for `phases`: each phase's traffic held for that many steps.
    pub(crate) fn series(&self, phases: &[(Traffic, u64)]) -> Vec<InputSeries> {
        let bad = |t: Traffic| t.per_step * t.error_ratio;
        let good = |t: Traffic| t.per_step * (Decimal::ONE - t.error_ratio);
        let all = |t: Traffic| t.per_step;
        let counter = |name: &str, inc: &dyn Fn(Traffic) -> Decimal| InputSeries {
            series: name.to_owned(),
            values: counter_values(phases, inc),
        };
        match &self.kind {
            ShapeKind::Partition { bad: b, good: g } => {
                vec![counter(b, &bad), counter(g, &good)]
            }
            ShapeKind::Separate {
                special,
                special_is_errors,
                total,
            } => vec![
                if *special_is_errors {
                    counter(special, &bad)
                } else {
                    counter(special, &good)
                },
                counter(total, &all),
            ],
            ShapeKind::Histogram { bucket, count } => {
                vec![counter(bucket, &good), counter(count, &all)]
            }
            ShapeKind::Gauge { series } => {
                let values: Vec<String> = phases
                    .iter()
                    .map(|(t, steps)| {
                        let value = u8::from(t.error_ratio.is_zero());
                        format!("{value}x{steps}")
                    })
                    .collect();
                vec![InputSeries {
                    series: series.clone(),
                    values: values.join(" "),
                }]
            }
        }
    }
}

/// `0+5x10 50+0x10`: a counter growing by `inc(phase)` per step, continuous across phases.
fn counter_values(phases: &[(Traffic, u64)], inc: &dyn Fn(Traffic) -> Decimal) -> String {
    let mut value = Decimal::ZERO;
    let mut parts = Vec::new();
    for (traffic, steps) in phases {
        let step = inc(*traffic);
        parts.push(format!(
            "{}+{}x{steps}",
            format_decimal(value),
            format_decimal(step)
        ));
        value += step * Decimal::from(*steps);
    }
    parts.join(" ")
}

/// A selector's metric name (from `__name__` when it has no name) and its other matchers.
fn parts(parsed: VectorSelector) -> Option<(String, Vec<Matcher>)> {
    let mut matchers = parsed.matchers.matchers;
    let name = if let Some(name) = parsed.name {
        name
    } else {
        let index = matchers.iter().position(|m| m.name == "__name__")?;
        matchers.remove(index).value
    };
    Some((name, matchers))
}

/// The values the catalog declares for the labels of one metric: input series take
/// these first, so a generated test feeds the series the catalog says exist.
#[derive(Clone, Copy)]
struct Declared<'m> {
    metric: Option<&'m Metric>,
}

impl<'m> Declared<'m> {
    /// The declared metric a series name belongs to (`x_bucket` and the like included).
    fn of(model: &'m Model, series: &str) -> Self {
        // Metrics are sorted by name: a search, not a scan per SLO, keeps this linear.
        let find = |name: &str| {
            let found = model
                .metrics
                .binary_search_by(|m| m.name.as_str().cmp(name));
            found.ok().map(|index| &model.metrics[index])
        };
        let metric = find(series).or_else(|| {
            ["_bucket", "_count", "_sum"]
                .iter()
                .find_map(|suffix| series.strip_suffix(suffix).and_then(find))
        });
        Self { metric }
    }

    fn values(self, label: &str) -> &'m [String] {
        self.metric
            .and_then(|m| m.labels.iter().find(|l| l.name.as_str() == label))
            .and_then(|l| match &l.values {
                LabelValues::Enumerated(values) => Some(values.as_slice()),
                LabelValues::Unbounded => None,
            })
            .unwrap_or_default()
    }
}

fn ratio_shape(
    model: &Model,
    special: &(String, Vec<Matcher>),
    total: &(String, Vec<Matcher>),
    group: &BTreeMap<String, String>,
    special_is_errors: bool,
) -> Option<ShapeKind> {
    let declared = Declared::of(model, &special.0);
    if special.0 != total.0 {
        return Some(ShapeKind::Separate {
            special: render(&special.0, &satisfy(declared, group, &special.1)?),
            special_is_errors,
            total: render(
                &total.0,
                &satisfy(Declared::of(model, &total.0), group, &total.1)?,
            ),
        });
    }
    let both: Vec<Matcher> = special.1.iter().chain(&total.1).cloned().collect();
    let inside = satisfy(declared, group, &both)?;
    let outside = special.1.iter().find_map(|flip| {
        let mut labels = inside.clone();
        let value = candidates(declared, &labels, &flip.name)
            .into_iter()
            .find(|v| !flip.is_match(v) && matches_all(&total.1, &flip.name, v))?;
        set(&mut labels, &flip.name, value);
        Some(labels)
    })?;
    let (bad, good) = if special_is_errors {
        (inside, outside)
    } else {
        (outside, inside)
    };
    Some(ShapeKind::Partition {
        bad: render(&special.0, &bad),
        good: render(&special.0, &good),
    })
}

/// A label set every matcher accepts, starting from `base`.
fn satisfy(
    declared: Declared<'_>,
    base: &BTreeMap<String, String>,
    matchers: &[Matcher],
) -> Option<BTreeMap<String, String>> {
    let mut labels = base.clone();
    for matcher in matchers {
        let value = std::iter::once(matcher.value.clone())
            .chain(candidates(declared, &labels, &matcher.name))
            .find(|v| matches_all(matchers, &matcher.name, v))?;
        set(&mut labels, &matcher.name, value);
    }
    Some(labels)
}

/// Values worth trying for a label: the values the catalog declares for it, its current
/// value, absent, then common label values (for metrics declared `external`).
fn candidates(
    declared: Declared<'_>,
    labels: &BTreeMap<String, String>,
    name: &str,
) -> Vec<String> {
    let current = labels.get(name).cloned().unwrap_or_default();
    let common = [
        "", "vigil", "ok", "error", "success", "failure", "pass", "fail", "true", "false", "200",
        "500", "1", "0", "timeout",
    ];
    declared
        .values(name)
        .iter()
        .cloned()
        .chain(std::iter::once(current))
        .chain(common.iter().map(|s| (*s).to_owned()))
        .collect()
}

fn matches_all(matchers: &[Matcher], name: &str, value: &str) -> bool {
    matchers
        .iter()
        .filter(|m| m.name == name)
        .all(|m| m.is_match(value))
}

/// An empty value means the label is absent.
fn set(labels: &mut BTreeMap<String, String>, name: &str, value: String) {
    if value.is_empty() {
        labels.remove(name);
    } else {
        labels.insert(name.to_owned(), value);
    }
}

/// `name{a="x"}` in promtool's series notation.
pub(crate) fn render(name: &str, labels: &BTreeMap<String, String>) -> String {
    let pairs: Vec<String> = labels
        .iter()
        .map(|(k, v)| format!("{k}=\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\"")))
        .collect();
    format!("{name}{{{}}}", pairs.join(", "))
}
