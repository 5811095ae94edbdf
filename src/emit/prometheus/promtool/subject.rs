//! The SLO under test: what a scenario asks of it (its thresholds, the alerts a constant
//! error ratio raises, check times), derived from the rules its file holds.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use memchr::memmem::Finder;

use super::file::{AlertTest, ExpectedAlert, ExpectedSample, ExprTest, STEP, TestGroup};
use super::inputs::{Shape, Traffic, render};
use crate::emit::prometheus::Rule;
use crate::emit::prometheus::slo::SloContext;
use crate::model::{Decimal, Duration, Slo};

/// Time after which every recording (including the 5-minute period group) has settled.
const SETTLE: Duration = Duration::from_secs(30 * 60);

/// Everything a scenario needs to know about the SLO under test.
pub(crate) struct Subject<'a> {
    pub(crate) cx: SloContext<'a>,
    pub(crate) shape: Shape,
    pub(crate) rules: Vec<Rule>,
    pub(crate) evaluation_interval: Duration,
    /// The labels of every series the SLO records: its identity and the grouping labels
    /// of the inputs.
    series: BTreeMap<String, String>,
    /// The error-ratio threshold of each page and each ticket window pair, in the order
    /// of the alerts' rules.
    page_thresholds: Vec<Decimal>,
    ticket_thresholds: Vec<Decimal>,
}

impl<'a> Subject<'a> {
    pub(crate) fn new(
        cx: SloContext<'a>,
        shape: Shape,
        rules: Vec<Rule>,
        evaluation_interval: Duration,
    ) -> Self {
        let mut series = cx.identity();
        series.extend(shape.group_labels.clone());
        let thresholds = |alert: &Option<crate::model::BurnAlert>| -> Vec<Decimal> {
            alert
                .iter()
                .flat_map(|a| &a.windows)
                .map(|w| cx.slo.alert_threshold(w))
                .collect()
        };
        let alerting = &cx.slo.alerting;
        Self {
            page_thresholds: thresholds(&alerting.page),
            ticket_thresholds: thresholds(&alerting.ticket),
            cx,
            shape,
            rules,
            evaluation_interval,
            series,
        }
    }

    pub(crate) fn slo(&self) -> &Slo {
        self.cx.slo
    }

    pub(crate) fn budget(&self) -> Decimal {
        self.slo().objective.error_budget()
    }

    /// A check time after everything settled and `for` elapsed, on an evaluation step.
    pub(crate) fn check_time(&self, for_duration: Option<Duration>) -> Duration {
        let step = self.evaluation_interval.as_millis();
        let settle = SETTLE.as_millis().max(3 * step);
        let wanted = settle + for_duration.map_or(0, Duration::as_millis);
        Duration::from_millis(wanted.div_ceil(step) * step)
    }

    pub(crate) fn group(&self, name: &str, phases: &[(Traffic, u64)]) -> Option<TestGroup> {
        phases
            .iter()
            .all(|(t, _)| self.shape.supports(*t))
            .then(|| TestGroup {
                name: name.to_owned(),
                interval: STEP,
                input_series: self.shape.series(phases),
                alert_rule_test: Vec::new(),
                promql_expr_test: Vec::new(),
            })
    }

    pub(crate) fn steps_until(at: Duration) -> u64 {
        at.as_millis() / STEP.as_millis() + 10
    }

    /// The alerts named `name` expected at a constant error ratio: burn pairs whose
    /// threshold it exceeds, budget alerts whose remaining share it reaches.
    pub(crate) fn expected(&self, name: &str, error_ratio: Decimal) -> Vec<ExpectedAlert> {
        let alerting = &self.slo().alerting;
        let remaining = Decimal::ONE - error_ratio / self.budget();
        let budget_fires =
            |percent: Decimal| remaining <= Decimal::ONE - percent / Decimal::ONE_HUNDRED;
        let names = &alerting.names;
        let burning = |thresholds: &[Decimal]| -> Vec<bool> {
            thresholds.iter().map(|t| *t < error_ratio).collect()
        };
        let fires: Vec<bool> = if name == names.page.as_str() {
            burning(&self.page_thresholds)
        } else if name == names.ticket.as_str() {
            burning(&self.ticket_thresholds)
        } else if name == names.budget_consumed.as_str() {
            alerting
                .budget_consumed
                .iter()
                .map(|b| budget_fires(b.percent))
                .collect()
        } else if name == names.budget_exhausted.as_str() {
            alerting
                .budget_exhausted
                .iter()
                .map(|b| budget_fires(b.percent))
                .collect()
        } else {
            Vec::new()
        };
        self.named(name)
            .zip(fires)
            .filter(|(_, fires)| *fires)
            .map(|(rule, _)| self.expect(rule, None))
            .collect()
    }

    pub(crate) fn named<'r>(&'r self, name: &'r str) -> impl Iterator<Item = &'r Rule> + 'r {
        self.rules
            .iter()
            .filter(move |r| r.alert.as_deref() == Some(name))
    }

    /// The alert `rule` raises on a series with `series_labels` (the recorded series'
    /// labels when `None`). Annotations see only the series' labels, as in Prometheus.
    pub(crate) fn expect(
        &self,
        rule: &Rule,
        series_labels: Option<BTreeMap<String, String>>,
    ) -> ExpectedAlert {
        let series = series_labels.unwrap_or_else(|| self.series.clone());
        let exp_annotations = rule
            .annotations
            .iter()
            .map(|(k, v)| (k.clone(), expand(v, &series)))
            .collect();
        let mut labels = series;
        labels.extend(rule.labels.clone());
        ExpectedAlert {
            exp_labels: labels,
            exp_annotations,
        }
    }

    /// Alert tests for every burn and budget alert of the SLO at a constant error ratio.
    pub(crate) fn alert_tests(&self, at: Duration, error_ratio: Decimal) -> Vec<AlertTest> {
        let names = &self.slo().alerting.names;
        [
            &names.page,
            &names.ticket,
            &names.budget_consumed,
            &names.budget_exhausted,
        ]
        .into_iter()
        .map(ToString::to_string)
        .filter(|name| self.named(name).next().is_some())
        .map(|name| AlertTest {
            eval_time: at,
            exp_alerts: self.expected(&name, error_ratio),
            alertname: name,
        })
        .collect()
    }

    /// Labels of a recorded series of this SLO.
    pub(crate) fn recorded(&self, name: &str) -> String {
        render(name, &self.series)
    }

    pub(crate) fn sample(&self, expr: String, at: Duration, name: &str, value: f64) -> ExprTest {
        ExprTest {
            expr,
            eval_time: at,
            exp_samples: vec![ExpectedSample {
                labels: self.recorded(name),
                value,
            }],
        }
    }

    /// Every threshold of every burn pair, ascending.
    pub(crate) fn thresholds(&self, page: bool) -> Vec<Decimal> {
        let mut all = if page {
            self.page_thresholds.clone()
        } else {
            self.ticket_thresholds.clone()
        };
        all.sort();
        all
    }
}

/// Expands `{{ $labels.x }}` the way Prometheus does for these annotations: each
/// reference to a label the series has becomes its value (values are not expanded again);
/// anything else is left as written.
pub(crate) fn expand(template: &str, labels: &BTreeMap<String, String>) -> String {
    const OPEN: &str = "{{ $labels.";
    const CLOSE: &str = " }}";
    // Searchers built once: this runs for every annotation of every expected alert, and
    // building one costs more than most searches. Both needles are ASCII, so the
    // positions found are character boundaries.
    static OPENS: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(OPEN));
    static CLOSES: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(CLOSE));
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = OPENS.find(rest.as_bytes()) {
        let after = &rest[start + OPEN.len()..];
        let value = CLOSES
            .find(after.as_bytes())
            .and_then(|end| Some((labels.get(&after[..end])?, end)));
        if let Some((value, end)) = value {
            out.push_str(&rest[..start]);
            out.push_str(value);
            rest = &after[end + CLOSE.len()..];
        } else {
            out.push_str(&rest[..start + OPEN.len()]);
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    #[test]
    fn expand_replaces_the_labels_the_series_has() {
        let labels: BTreeMap<String, String> =
            [("service", "checkout"), ("slo", "{{ $labels.service }}")]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect();
        for (template, expanded) in [
            ("plain text", "plain text"),
            ("{{ $labels.service }} burns", "checkout burns"),
            (
                "{{ $labels.service }}/{{ $labels.service }}",
                "checkout/checkout",
            ),
            // A value is not a template.
            ("{{ $labels.slo }}", "{{ $labels.service }}"),
            // Labels the series lacks and unclosed references stay as written.
            (
                "{{ $labels.team }} {{ $labels.service }}",
                "{{ $labels.team }} checkout",
            ),
            ("{{ $labels.service", "{{ $labels.service"),
            ("{{ $value }}", "{{ $value }}"),
        ] {
            assert_eq!(super::expand(template, &labels), expanded, "{template}");
        }
    }
}
