//! The base 5m error and total event rates of each SLI kind, as `PromQL`.
//!
//! Every error expression ends in `or 0 * total`: a counter of errors that has never been
//! incremented often does not exist yet, and without the fallback the error rate (and with
//! it every ratio, burn rate and budget) would be missing rather than 0.

use std::collections::BTreeMap;

use promql_parser::label::MatchOp;
use promql_parser::parser;

use crate::conventions::LABEL_BUCKET;

use crate::model::{
    Decimal, Duration, Events, HistogramMode, LabelName, Model, Sli, Slo, format_decimal,
    latency_labels, le_value,
};

pub(crate) use crate::model::BASE_WINDOW;

/// `PromQL` for one SLO's base rates, grouped by the SLO's `group_by` labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BaseRates {
    /// The error rate, missing where no error was ever counted.
    pub(crate) errors: String,
    pub(crate) total: String,
}

impl BaseRates {
    /// The error rate as its rule records it: 0 where there is traffic but no error series.
    pub(crate) fn recorded_errors(&self) -> String {
        format!("({}) or 0 * ({})", self.errors, self.total)
    }
}

pub(crate) fn base_rates(model: &Model, slo: &Slo) -> BaseRates {
    let service = model.service(&slo.service);
    let by = sum_by(&slo.group_by);
    let (errors, total) = match &slo.sli {
        Sli::Ratio { events, total } => {
            let total = format!("{by}(rate({}[5m]))", total.scoped_text(service));
            let errors = match events {
                Events::Errors(errors) => {
                    format!("{by}(rate({}[5m]))", errors.scoped_text(service))
                }
                Events::Good(good) => format!(
                    "clamp_min({total} - ({by}(rate({}[5m])) or 0 * {total}), 0)",
                    good.scoped_text(service)
                ),
            };
            (errors, total)
        }
        Sli::Latency {
            metric,
            threshold,
            matchers,
            histogram: HistogramMode::Classic,
        } => {
            let labels = latency_labels(matchers, service);
            let count = selector(&format!("{metric}_count"), &labels, None);
            let bucket = selector(&format!("{metric}_bucket"), &labels, Some(*threshold));
            let total = format!("{by}(rate({count}[5m]))");
            let errors = format!("clamp_min({total} - {by}(rate({bucket}[5m])), 0)");
            (errors, total)
        }
        Sli::Latency {
            metric,
            threshold,
            matchers,
            histogram: HistogramMode::Native,
        } => {
            let labels = latency_labels(matchers, service);
            let histogram = format!(
                "{by}(rate({}[5m]))",
                selector(metric.as_str(), &labels, None)
            );
            let total = format!("histogram_count({histogram})");
            let fraction = format!(
                "histogram_fraction(0, {}, {histogram})",
                format_decimal(threshold.as_decimal_secs())
            );
            // An empty histogram has fraction NaN: `>= 0` drops it and the fallback below
            // turns it into 0.
            (format!("({total} * (1 - {fraction}) >= 0)"), total)
        }
        Sli::Availability { metric } => {
            let metric = metric.scoped_text(service);
            let seconds = BASE_WINDOW.as_secs();
            // Samples per second, so that the rates have the same unit as the other kinds.
            let total = format!("{by}(count_over_time({metric}[5m])) / {seconds}");
            let errors = format!(
                "{by}(count_over_time({metric}[5m]) - sum_over_time({metric}[5m])) / {seconds}"
            );
            (errors, total)
        }
        Sli::Query { errors, total } => (
            format!("{by}({})", errors.render(BASE_WINDOW)),
            format!("{by}({})", total.render(BASE_WINDOW)),
        ),
    };
    BaseRates { errors, total }
}

/// The series whose disappearance makes the SLI blind, for the `absent()` alert.
/// A query SLI has none vigil can name.
pub(crate) fn watched_series(model: &Model, slo: &Slo) -> Option<String> {
    let service = model.service(&slo.service);
    match &slo.sli {
        Sli::Ratio { total, .. } => Some(total.scoped_text(service)),
        Sli::Latency {
            metric,
            threshold,
            matchers,
            histogram,
        } => {
            let labels = latency_labels(matchers, service);
            Some(match histogram {
                HistogramMode::Classic => {
                    selector(&format!("{metric}_bucket"), &labels, Some(*threshold))
                }
                HistogramMode::Native => selector(metric.as_str(), &labels, None),
            })
        }
        Sli::Availability { metric } => Some(metric.scoped_text(service)),
        Sli::Query { .. } => None,
    }
}

/// The errors-side (or good-side) metric of a ratio SLI, by name and the service's
/// selector only, when it is not already what [`watched_series`] watches: a misnamed or
/// vanished events metric then raises the absent alert too, while its error-code
/// matchers are left out (no 5xx series at all is normal).
pub(crate) fn watched_event_series(model: &Model, slo: &Slo) -> Option<String> {
    let Sli::Ratio { events, total } = &slo.sli else {
        return None;
    };
    let (Events::Errors(events) | Events::Good(events)) = events;
    let service = model.service(&slo.service);
    let labels = latency_labels(&BTreeMap::new(), service);
    let watched = selector(events.metric()?.as_str(), &labels, None);
    // Both as the parser prints them, so that spelling differences do not count; the
    // total's selector is the checker's parse, scoped as `watched_series` scopes it.
    let same = parser::parse(&watched).ok().map(|e| e.to_string())
        == Some(total.scoped(service).to_string());
    (!same).then_some(watched)
}

/// `sum by (a, b) ` or `sum`.
pub(crate) fn sum_by(group_by: &[LabelName]) -> String {
    if group_by.is_empty() {
        String::from("sum")
    } else {
        let labels: Vec<&str> = group_by.iter().map(LabelName::as_str).collect();
        format!("sum by ({}) ", labels.join(", "))
    }
}

/// `name{a="x",le=~"1|1.0"}`. Prometheus 3 writes integer bucket bounds as `1.0` where
/// client libraries wrote `1`, so integer thresholds match both spellings.
pub(crate) fn selector(
    name: &str,
    labels: &BTreeMap<String, String>,
    le: Option<Duration>,
) -> String {
    let mut matchers: Vec<String> = labels
        .iter()
        .map(|(k, v)| format!("{k}=\"{}\"", escape(v)))
        .collect();
    if let Some(threshold) = le {
        matchers.push(le_matcher(threshold.as_decimal_secs()));
    }
    format!("{name}{{{}}}", matchers.join(","))
}

fn le_matcher(seconds: Decimal) -> String {
    let text = le_value(seconds);
    if seconds.fract().is_zero() {
        format!("{LABEL_BUCKET}=~\"{text}|{text}\\\\.0\"")
    } else {
        format!("{LABEL_BUCKET}=\"{text}\"")
    }
}

fn escape(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"")
}

/// The labels `absent()` gives its result: the equality matchers of the watched series
/// ([`watched_series`]) whose label no other matcher names, read from the selectors the
/// checker parsed rather than from the series' text.
pub(crate) fn absent_labels(model: &Model, slo: &Slo) -> BTreeMap<String, String> {
    let service = model.service(&slo.service);
    let equal: Vec<(String, String)> = match &slo.sli {
        Sli::Ratio {
            total: selector, ..
        }
        | Sli::Availability { metric: selector } => selector
            .scoped(service)
            .matchers
            .matchers
            .into_iter()
            .filter(|m| m.op == MatchOp::Equal && m.name != "__name__")
            .map(|m| (m.name, m.value))
            .collect(),
        Sli::Latency {
            threshold,
            matchers,
            histogram,
            ..
        } => {
            let mut equal: Vec<(String, String)> = latency_labels(matchers, service)
                .into_iter()
                .filter(|(name, _)| name != "__name__")
                .collect();
            // An integer bound is matched by a regular expression (`le=~"1|1\\.0"`).
            let seconds = threshold.as_decimal_secs();
            if *histogram == HistogramMode::Classic && !seconds.fract().is_zero() {
                equal.push((String::from(LABEL_BUCKET), le_value(seconds)));
            }
            equal
        }
        Sli::Query { .. } => return BTreeMap::new(),
    };
    equal
        .iter()
        .filter(|(name, _)| equal.iter().filter(|(other, _)| other == name).count() == 1)
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_bucket_bounds_match_both_spellings() {
        assert_eq!(le_matcher(Decimal::new(5, 2)), "le=\"0.05\"");
        assert_eq!(le_matcher(Decimal::from(7200)), "le=~\"7200|7200\\\\.0\"");
    }

    #[test]
    fn group_by_keeps_labels() {
        assert_eq!(sum_by(&[]), "sum");
        let labels = [LabelName::new("region"), LabelName::new("code")];
        assert_eq!(sum_by(&labels), "sum by (region, code) ");
    }
}
