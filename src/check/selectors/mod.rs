//! The metric catalog held against every selector the spec writes: a metric name, a label
//! or a value the catalog does not declare is reported where it stands inside the
//! expression, so a typo cannot make an SLO that never burns.

mod findings;
mod locate;
mod types;
mod units;

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::sync::Arc;

use promql_parser::label::{METRIC_NAME, Matcher};
use promql_parser::parser::{Expr, VectorSelector};

use super::reader::Cx;
use crate::codes::Code;
use crate::conventions;
use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::model::{LabelName, Metric, MetricKind, Service, Settings};
use crate::source::{FileId, Span};
use crate::spec::{RawSpec, Value, literal};
use findings::{unknown_label, unmatched_bucket, unmatched_value};
use locate::Places;
pub(crate) use types::{Read, metrics_read};

/// Labels every scraped series carries.
const SCRAPE_LABELS: &[&str] = &[conventions::LABEL_JOB, conventions::LABEL_INSTANCE];

/// Series Prometheus writes for every scrape, and for the alerts it evaluates.
const SCRAPE_SERIES: &[&str] = &[
    "up",
    "scrape_duration_seconds",
    "scrape_samples_scraped",
    "scrape_samples_post_metric_relabeling",
    "scrape_series_added",
    "scrape_timeout_seconds",
    "scrape_sample_limit",
    "scrape_body_size_bytes",
];
const ALERT_SERIES: &[&str] = &["ALERTS", "ALERTS_FOR_STATE"];

/// Which series of a declared metric a name selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Series {
    /// The metric's own name: a counter, a gauge, a summary's quantiles or a native histogram.
    Plain,
    Bucket,
    Count,
    Sum,
}

/// What a selector's metric name refers to.
pub(super) enum Resolved<'m> {
    Declared(&'m Metric, Series),
    /// `up` and the other series every scrape writes.
    Scrape,
    /// Series whose labels are not the catalog's to know: vigil's own recording rules and
    /// Prometheus' `ALERTS`.
    Unchecked,
    Unknown,
}

/// The catalog as the checker consults it.
pub(crate) struct Catalog<'m> {
    metrics: BTreeMap<&'m str, &'m Metric>,
    /// Per service: the labels its selector and its targets put on every series.
    service_labels: BTreeMap<&'m str, BTreeSet<&'m str>>,
    /// Labels on every series whatever its service.
    common_labels: BTreeSet<&'m str>,
    /// The common labels and every service's: what a series of a metric no service owns,
    /// or any scraped series, may carry. Built once: thousands of services share it.
    scrape_labels: BTreeSet<&'m str>,
    texts: BTreeMap<FileId, Arc<str>>,
}

impl<'m> Catalog<'m> {
    pub(crate) fn new(
        spec: &RawSpec,
        metrics: &'m [Metric],
        services: &'m [Service],
        settings: &'m Settings,
    ) -> Self {
        let service_labels: BTreeMap<&str, BTreeSet<&str>> = services
            .iter()
            .map(|service| {
                let labels = service
                    .selector
                    .keys()
                    .chain(&service.target_labels)
                    .map(LabelName::as_str)
                    .collect();
                (service.name.as_str(), labels)
            })
            .collect();
        let common_labels: BTreeSet<&str> = SCRAPE_LABELS
            .iter()
            .copied()
            .chain(settings.target_labels.iter().map(LabelName::as_str))
            .collect();
        let mut scrape_labels = common_labels.clone();
        scrape_labels.extend(service_labels.values().flatten());
        Self {
            metrics: metrics.iter().map(|m| (m.name.as_str(), m)).collect(),
            service_labels,
            common_labels,
            scrape_labels,
            texts: spec
                .documents
                .iter()
                .map(|document| (document.file, document.text.clone()))
                .collect(),
        }
    }

    pub(super) fn resolve(&self, name: &str) -> Resolved<'m> {
        if let Some(metric) = self.metrics.get(name) {
            return Resolved::Declared(metric, Series::Plain);
        }
        for (suffix, series) in [
            ("_bucket", Series::Bucket),
            ("_count", Series::Count),
            ("_sum", Series::Sum),
        ] {
            let Some(metric) = name.strip_suffix(suffix).and_then(|n| self.metrics.get(n)) else {
                continue;
            };
            let fits = match &metric.kind {
                MetricKind::Histogram { .. } => true,
                MetricKind::Summary => series != Series::Bucket,
                MetricKind::Counter | MetricKind::Gauge => false,
            };
            if fits {
                return Resolved::Declared(metric, series);
            }
        }
        if SCRAPE_SERIES.contains(&name) {
            Resolved::Scrape
        } else if ALERT_SERIES.contains(&name) || conventions::is_recorded_by_vigil(name) {
            Resolved::Unchecked
        } else {
            Resolved::Unknown
        }
    }

    /// Every name a selector could mean, for "did you mean".
    fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = SCRAPE_SERIES.iter().map(|s| (*s).to_owned()).collect();
        for metric in self.metrics.values() {
            let name = metric.name.as_str();
            match metric.kind {
                MetricKind::Histogram { .. } => {
                    names.extend(["_bucket", "_count", "_sum"].map(|s| format!("{name}{s}")));
                }
                MetricKind::Summary => {
                    names.extend(["", "_count", "_sum"].map(|s| format!("{name}{s}")));
                }
                MetricKind::Counter | MetricKind::Gauge => names.push(name.to_owned()),
            }
        }
        names
    }

    /// The label names a series of `metric` may carry.
    fn labels_of(&self, metric: &'m Metric, series: Series) -> BTreeSet<&'m str> {
        let mut labels = match &metric.service {
            Some(service) => {
                let mut labels = self.common_labels.clone();
                labels.extend(
                    self.service_labels
                        .get(service.as_str())
                        .into_iter()
                        .flatten(),
                );
                labels
            }
            None => self.scrape_labels.clone(),
        };
        labels.extend(metric.labels.iter().map(|l| l.name.as_str()));
        if series == Series::Plain && metric.kind == MetricKind::Summary {
            labels.insert(conventions::LABEL_QUANTILE);
        }
        labels
    }

    fn scrape_labels(&self) -> BTreeSet<&'m str> {
        self.scrape_labels.clone()
    }

    /// Checks every selector of `expr`, parsed from `text`, the string value `value`.
    pub(crate) fn check(&self, cx: &Cx, value: &Value, text: &str, expr: &Expr) {
        let site = Site::new(self, cx, value, text);
        types::walk(expr, types::Context::default(), &mut |selector, context| {
            site.selector(selector, context);
        });
    }

    /// Checks a selector the spec gives on its own (an SLI's `errors`, `total`…), used
    /// as `usage` says.
    pub(crate) fn check_selector(
        &self,
        cx: &Cx,
        value: &Value,
        text: &str,
        selector: &VectorSelector,
        usage: Usage,
    ) {
        let context = match usage {
            Usage::Rated => types::Context::rated(),
            Usage::AsIs => types::Context::default(),
        };
        Site::new(self, cx, value, text).selector(selector, context);
    }

    /// Checks label matchers written as a map (a latency SLI's `match`) on the series
    /// `series`: `(label, label span, value, value span)`.
    pub(crate) fn check_matchers(
        &self,
        cx: &Cx,
        series: &str,
        written: &[(String, Span, String, Span)],
    ) {
        let Resolved::Declared(metric, kind) = self.resolve(series) else {
            return;
        };
        if metric.external {
            return;
        }
        let labels = self.labels_of(metric, kind);
        for (label, label_span, value, value_span) in written {
            if labels.contains(label.as_str()) {
                let matcher = Matcher::new(promql_parser::label::MatchOp::Equal, label, value);
                unmatched_value(cx, metric, &matcher, *value_span);
            } else {
                unknown_label(cx, metric.name.as_str(), label, *label_span, &labels);
            }
        }
    }

    /// Checks that every series an SLI reads carries each label of its `group-by`:
    /// grouping by a label the series lack yields one group, silently.
    pub(crate) fn check_grouping(&self, cx: &Cx, series: &[String], grouping: &[(String, Span)]) {
        for name in series {
            let labels = match self.resolve(name) {
                Resolved::Declared(metric, _) if metric.external => continue,
                Resolved::Declared(metric, kind) => self.labels_of(metric, kind),
                Resolved::Scrape => self.scrape_labels(),
                Resolved::Unchecked | Resolved::Unknown => continue,
            };
            for (label, span) in grouping {
                if !labels.contains(label.as_str()) {
                    unknown_label(cx, name, label, *span, &labels);
                }
            }
        }
    }

    /// The span of `text[range]` in the file, or the whole value when it cannot be placed.
    fn place(&self, value: &Value, text: &str, range: Option<Range<usize>>) -> Span {
        let decoded = match &value.scalar {
            crate::spec::Scalar::String(decoded) => decoded.as_str(),
            _ => return value.span,
        };
        // `text` is `decoded`, or `decoded` with each `{{ window }}` replaced by a duration
        // of the same length: either way a place in one is the same place in the other.
        let (Some(range), true) = (range, decoded.len() == text.len()) else {
            return value.span;
        };
        self.texts
            .get(&value.span.file)
            .and_then(|file| literal::inner_span(file, value.span, decoded, range))
            .unwrap_or(value.span)
    }
}

/// How vigil uses a selector given on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Usage {
    /// Wrapped in `rate()`: the series must be a counter.
    Rated,
    /// Read as it is (an availability SLI's 0/1 gauge).
    AsIs,
}

/// One expression being checked.
struct Site<'c, 'm> {
    catalog: &'c Catalog<'m>,
    cx: &'c Cx,
    value: &'c Value,
    text: &'c str,
    places: Places<'c>,
    /// How many selectors of each name were seen, to find the next one in the text.
    occurrences: std::cell::RefCell<BTreeMap<String, usize>>,
}

impl<'c, 'm> Site<'c, 'm> {
    fn new(catalog: &'c Catalog<'m>, cx: &'c Cx, value: &'c Value, text: &'c str) -> Self {
        Self {
            catalog,
            cx,
            value,
            text,
            places: Places::new(text),
            occurrences: std::cell::RefCell::default(),
        }
    }

    fn selector(&self, selector: &VectorSelector, context: types::Context) {
        let Some(name) = selector_name(selector) else {
            return;
        };
        let occurrence = {
            let mut seen = self.occurrences.borrow_mut();
            let count = seen.entry(name.to_owned()).or_insert(0);
            *count += 1;
            *count - 1
        };
        let place = self.places.selector(name, occurrence);
        let name_span = self.catalog.place(
            self.value,
            self.text,
            place.as_ref().map(|p| p.name.clone()),
        );
        let resolved = self.catalog.resolve(name);
        let labels = match &resolved {
            Resolved::Unknown => {
                self.unknown_metric(name, name_span);
                return;
            }
            Resolved::Unchecked => return,
            Resolved::Scrape => self.catalog.scrape_labels(),
            Resolved::Declared(metric, series) => {
                types::check(self.cx, metric, *series, selector, context, name, name_span);
                if metric.external {
                    return;
                }
                self.catalog.labels_of(metric, *series)
            }
        };
        for matcher in all_matchers(selector) {
            if matcher.name == METRIC_NAME || matcher.name == conventions::LABEL_BUCKET {
                continue;
            }
            let written = place
                .as_ref()
                .and_then(|p| p.matcher(self.text, &matcher.name));
            if !labels.contains(matcher.name.as_str()) {
                let span =
                    self.catalog
                        .place(self.value, self.text, written.map(|m| m.label.clone()));
                unknown_label(self.cx, name, &matcher.name, span, &labels);
                continue;
            }
            if let Resolved::Declared(metric, _) = resolved {
                let span = self.catalog.place(
                    self.value,
                    self.text,
                    written.and_then(|m| m.value.clone()),
                );
                unmatched_value(self.cx, metric, matcher, span);
            }
        }
        if let (Resolved::Declared(metric, Series::Bucket), Some(matcher)) = (
            &resolved,
            all_matchers(selector).find(|m| m.name == conventions::LABEL_BUCKET),
        ) {
            let written = place
                .as_ref()
                .and_then(|p| p.matcher(self.text, conventions::LABEL_BUCKET));
            let span =
                self.catalog
                    .place(self.value, self.text, written.and_then(|m| m.value.clone()));
            unmatched_bucket(self.cx, metric, matcher, span);
        }
    }

    fn unknown_metric(&self, name: &str, span: Span) {
        let names = self.catalog.names();
        let help = match did_you_mean(name, names.iter().map(String::as_str), "metric") {
            suggestion if suggestion.starts_with("did you mean") => suggestion,
            _ => String::from(
                "declare it with `metric NAME type=… { help \"…\" }`, or mark a metric owned by another team `external=#true`",
            ),
        };
        self.cx.report(
            Diagnostic::new(
                Code::UnknownMetric,
                span,
                format!("no metric `{name}` in the catalog"),
            )
            .label("not declared")
            .help(help),
        );
    }
}

/// The metric name of a selector, written before its braces or as `__name__="…"`.
fn selector_name(selector: &VectorSelector) -> Option<&str> {
    selector.name.as_deref().or_else(|| {
        selector
            .matchers
            .matchers
            .iter()
            .find(|m| m.name == METRIC_NAME && matches!(m.op, promql_parser::label::MatchOp::Equal))
            .map(|m| m.value.as_str())
    })
}

fn all_matchers(selector: &VectorSelector) -> impl Iterator<Item = &Matcher> {
    selector
        .matchers
        .matchers
        .iter()
        .chain(selector.matchers.or_matchers.iter().flatten())
}
