//! The shape of a `promtool test rules` file, as vigil writes it.

use std::collections::BTreeMap;

use serde::Serialize;

use super::inputs::InputSeries;
use crate::emit::prometheus::gotemplate::{self as template, Unsupported};
use crate::emit::prometheus::rule::Rule;
use crate::model::Duration;

#[derive(Serialize)]
pub(crate) struct TestFile {
    pub(crate) rule_files: Vec<String>,
    pub(crate) evaluation_interval: Duration,
    /// Base rates, then what derives from them, then alerts: each reads this step's data.
    pub(crate) group_eval_order: Vec<String>,
    pub(crate) tests: Vec<TestGroup>,
}

#[derive(Serialize)]
pub(crate) struct TestGroup {
    pub(crate) name: String,
    pub(crate) interval: Duration,
    pub(crate) input_series: Vec<InputSeries>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) alert_rule_test: Vec<AlertTest>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) promql_expr_test: Vec<ExprTest>,
}

#[derive(Serialize)]
pub(crate) struct AlertTest {
    pub(crate) eval_time: Duration,
    pub(crate) alertname: String,
    pub(crate) exp_alerts: Vec<ExpectedAlert>,
}

#[derive(Serialize)]
pub(crate) struct ExpectedAlert {
    pub(crate) exp_labels: BTreeMap<String, String>,
    pub(crate) exp_annotations: BTreeMap<String, String>,
}

impl ExpectedAlert {
    /// The alert `rule` raises on a series labelled `series`, with `$value` equal to
    /// `value`: labels and annotations rendered as Prometheus does, or why they cannot be.
    pub(crate) fn of(
        rule: &Rule,
        series: &BTreeMap<String, String>,
        value: f64,
    ) -> Result<Self, Unsupported> {
        let annotations = rule
            .annotations
            .iter()
            .map(|(key, text)| Ok((key.clone(), template::render(text, series, value)?)))
            .collect::<Result<_, Unsupported>>()?;
        let mut labels: BTreeMap<String, String> = series.clone();
        labels.remove("__name__");
        for (key, text) in &rule.labels {
            labels.insert(key.clone(), template::render(text, series, value)?);
        }
        Ok(Self {
            exp_labels: labels,
            exp_annotations: annotations,
        })
    }
}

#[derive(Serialize)]
pub(crate) struct ExprTest {
    pub(crate) expr: String,
    pub(crate) eval_time: Duration,
    pub(crate) exp_samples: Vec<ExpectedSample>,
}

#[derive(Serialize)]
pub(crate) struct ExpectedSample {
    pub(crate) labels: String,
    pub(crate) value: f64,
}

/// Input resolution of every scenario.
pub(crate) const STEP: Duration = Duration::from_secs(60);
