//! Tiers, services and the metric catalog.

use std::collections::BTreeMap;

use super::Timing;
use super::values::{
    Decimal, LabelName, MetricName, ServiceName, TeamName, TierName, format_decimal,
};

/// An alert tier: urgency, severity label, and whether it pages or notifies at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tier {
    pub name: TierName,
    /// 1 is the most urgent.
    pub level: u8,
    pub severity: TierSeverity,
    pub page: bool,
    pub notify: bool,
    pub description: Option<String>,
    pub timing: Timing,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TierSeverity {
    Critical,
    Warning,
    Info,
    /// Recorded but never notified (tier 4, debug).
    None,
}

impl TierSeverity {
    pub const ALL: &'static [(&'static str, TierSeverity)] = &[
        ("critical", TierSeverity::Critical),
        ("warning", TierSeverity::Warning),
        ("info", TierSeverity::Info),
        ("none", TierSeverity::None),
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TierSeverity::Critical => "critical",
            TierSeverity::Warning => "warning",
            TierSeverity::Info => "info",
            TierSeverity::None => "none",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    pub name: ServiceName,
    pub team: Option<TeamName>,
    pub description: Option<String>,
    /// Label matchers that select this service's series (`job="erlmcp"`).
    pub selector: BTreeMap<LabelName, String>,
    /// The scrape snippet keeps only the declared metrics (`metric_relabel_configs`).
    pub drop_undeclared: bool,
    /// Labels service discovery or relabelling puts on every series of this service's
    /// targets (`namespace`, `pod`): selectors may match on them.
    pub target_labels: Vec<LabelName>,
}

impl Service {
    /// The selector as plain label → value pairs, for building series and queries.
    pub fn selector_labels(&self) -> BTreeMap<String, String> {
        self.selector
            .iter()
            .map(|(label, value)| (label.to_string(), value.clone()))
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metric {
    pub name: MetricName,
    pub kind: MetricKind,
    pub unit: Option<Unit>,
    pub service: Option<ServiceName>,
    pub help: String,
    pub labels: Vec<MetricLabel>,
    /// Per-metric series budget.
    pub max_series: Option<u64>,
    /// Owned by someone else: its labels are not declared here, so selectors on it are
    /// not checked label by label.
    pub external: bool,
}

impl Metric {
    /// Series this metric can produce per target: the product of the label value-set
    /// sizes, times (buckets + 2) for classic histograms (`_bucket` per boundary plus
    /// `+Inf`, `_sum`, `_count`). `None` when a label is unbounded.
    pub fn estimated_series(&self) -> Option<u64> {
        let mut series: u64 = 1;
        for label in &self.labels {
            match &label.values {
                LabelValues::Enumerated(values) => {
                    series = series.saturating_mul(u64::try_from(values.len()).unwrap_or(u64::MAX));
                }
                LabelValues::Unbounded => return None,
            }
        }
        let per_combination = match &self.kind {
            MetricKind::Histogram {
                buckets,
                native: false,
            } => u64::try_from(buckets.len())
                .unwrap_or(u64::MAX)
                .saturating_add(3),
            MetricKind::Histogram { native: true, .. } => 3,
            MetricKind::Summary => 2,
            MetricKind::Counter | MetricKind::Gauge => 1,
        };
        Some(series.saturating_mul(per_combination))
    }

    /// The names of the series [`Metric::estimated_series`] counts.
    pub fn counted_series(&self) -> Vec<String> {
        let name = self.name.as_str();
        let suffixes: &[&str] = match &self.kind {
            MetricKind::Counter | MetricKind::Gauge => &[""],
            MetricKind::Histogram { native: false, .. } => &["_bucket", "_sum", "_count"],
            MetricKind::Histogram { native: true, .. } => &["", "_sum", "_count"],
            MetricKind::Summary => &["_sum", "_count"],
        };
        suffixes.iter().map(|s| format!("{name}{s}")).collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MetricKind {
    Counter,
    Gauge,
    /// `buckets` are the classic bucket boundaries, ascending, without `+Inf`;
    /// `native` marks a native (sparse) histogram.
    Histogram {
        buckets: Vec<Decimal>,
        native: bool,
    },
    Summary,
}

impl MetricKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            MetricKind::Counter => "counter",
            MetricKind::Gauge => "gauge",
            MetricKind::Histogram { .. } => "histogram",
            MetricKind::Summary => "summary",
        }
    }
}

/// A metric's unit; the base units Prometheus recommends plus anything else as text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Unit {
    Seconds,
    Bytes,
    Ratio,
    Other(String),
}

impl Unit {
    pub fn parse(text: &str) -> Self {
        match text {
            "seconds" => Unit::Seconds,
            "bytes" => Unit::Bytes,
            "ratio" => Unit::Ratio,
            other => Unit::Other(other.to_owned()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Unit::Seconds => "seconds",
            Unit::Bytes => "bytes",
            Unit::Ratio => "ratio",
            Unit::Other(other) => other,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricLabel {
    pub name: LabelName,
    pub values: LabelValues,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LabelValues {
    /// The complete set of values this label takes.
    Enumerated(Vec<String>),
    /// Values not known in advance (IDs, paths): a cardinality risk the checker flags.
    Unbounded,
}

/// A value as an operator reads it, in its unit: `1.5 GB`, `250 ms`, `85 %`, `2 h`.
/// Bytes use SI prefixes, as Prometheus' `humanize` does; without a unit the number is
/// printed exactly.
pub fn format_value(value: Decimal, unit: Option<&Unit>) -> String {
    let scaled = |steps: &[(i64, &str)], base: &str| {
        let magnitude = value.abs();
        let (factor, suffix) = steps
            .iter()
            .copied()
            .filter(|(exponent, _)| magnitude >= power_of_ten(*exponent))
            .max_by_key(|(exponent, _)| *exponent)
            .unwrap_or((0, base));
        format!(
            "{} {suffix}",
            format_decimal((value / power_of_ten(factor)).normalize())
        )
    };
    match unit {
        None => format_decimal(value),
        Some(Unit::Ratio) => format!(
            "{} %",
            format_decimal((value * Decimal::from(100)).normalize())
        ),
        Some(Unit::Bytes) => scaled(
            &[
                (0, "B"),
                (3, "kB"),
                (6, "MB"),
                (9, "GB"),
                (12, "TB"),
                (15, "PB"),
            ],
            "B",
        ),
        Some(Unit::Seconds) if value.abs() < Decimal::ONE && !value.is_zero() => {
            scaled(&[(-9, "ns"), (-6, "µs"), (-3, "ms")], "s")
        }
        Some(Unit::Seconds) => format!("{} s", format_decimal(value)),
        Some(Unit::Other(unit)) => format!("{} {unit}", format_decimal(value)),
    }
}

fn power_of_ten(exponent: i64) -> Decimal {
    if exponent >= 0 {
        Decimal::from(10_i64.pow(u32::try_from(exponent).unwrap_or(0)))
    } else {
        Decimal::ONE / Decimal::from(10_i64.pow(u32::try_from(-exponent).unwrap_or(0)))
    }
}

#[cfg(test)]
mod tests {
    use super::{Metric, MetricKind};
    use crate::model::{Decimal, MetricName};

    fn metric(kind: MetricKind) -> Metric {
        Metric {
            name: MetricName::new("m"),
            kind,
            unit: None,
            service: None,
            help: String::new(),
            labels: Vec::new(),
            max_series: None,
            external: false,
        }
    }

    /// The series counted are the ones estimated: one name per series of a label set.
    #[test]
    fn counted_series_follow_the_kind() {
        let buckets = vec![Decimal::ONE, Decimal::TWO];
        let cases = [
            (MetricKind::Counter, vec!["m"], 1),
            (MetricKind::Gauge, vec!["m"], 1),
            (
                MetricKind::Histogram {
                    buckets,
                    native: false,
                },
                vec!["m_bucket", "m_sum", "m_count"],
                5,
            ),
            (
                MetricKind::Histogram {
                    buckets: Vec::new(),
                    native: true,
                },
                vec!["m", "m_sum", "m_count"],
                3,
            ),
            (MetricKind::Summary, vec!["m_sum", "m_count"], 2),
        ];
        for (kind, names, estimate) in cases {
            let metric = metric(kind);
            assert_eq!(metric.counted_series(), names, "{:?}", metric.kind);
            assert_eq!(
                metric.estimated_series(),
                Some(estimate),
                "{:?}",
                metric.kind
            );
        }
    }
}
