//! Generated promtool tests for the runtime cardinality alerts: each metric with a
//! budget gets exactly that many series on one target (quiet: the comparison is
//! strict), then one more (firing once `for` has passed, with the metric named); the
//! global series budget likewise, with series of one declared metric. Moving a budget
//! either way fails the test.

use std::collections::BTreeMap;

use super::file::{AlertTest, ExpectedAlert, TestGroup};
use super::inputs::{InputSeries, render};
use crate::conventions::{LABEL_INSTANCE, LABEL_JOB, LABEL_METRIC};
use crate::emit::prometheus::ops::cardinality;
use crate::emit::prometheus::rule::{Rule, RuleGroup};
use crate::model::{Duration, Model, Owners, Service, ServiceName};

const MINUTE: Duration = Duration::from_secs(60);

/// More input series than this makes a test file too large to keep: no test.
const MAX_SERIES: u64 = 5000;

/// The label telling apart the synthetic series of one metric.
const SERIES_LABEL: &str = "n";

/// The test of one service's cardinality alert (`None`: metrics of no service, plus
/// the global series budget), or why there is none.
pub(crate) fn tests(
    model: &Model,
    owners: &Owners<'_>,
    service: Option<&ServiceName>,
) -> (Vec<TestGroup>, Vec<String>) {
    let mut tests = Vec::new();
    let mut notes = Vec::new();
    let first_rule = |group: Option<RuleGroup>| group.and_then(|g| g.rules.into_iter().next());
    if let Some(rule) = first_rule(
        cardinality::groups(model, owners, service)
            .into_iter()
            .next(),
    ) {
        let selector: BTreeMap<String, String> = service
            .and_then(|s| model.service(s))
            .map(Service::selector_labels)
            .unwrap_or_default();
        let budgets: Vec<(String, String, u64)> = owners
            .metrics(service)
            .iter()
            .filter_map(|m| {
                let first = m.counted_series().into_iter().next()?;
                Some((m.name.to_string(), first, m.series_budget()?))
            })
            .collect();
        push(
            &mut tests,
            &mut notes,
            over_budget(&rule, &selector, &budgets),
        );
    }
    if service.is_none()
        && let Some(rule) = first_rule(cardinality::series_budget_group(model))
        && let (Some(budget), Some(first)) = (
            model.settings.series_budget,
            model
                .metrics
                .iter()
                .filter_map(|m| m.counted_series().into_iter().next())
                .min_by_key(|name| (name.len(), name.clone())),
        )
    {
        // The shortest name keeps the (large) file small.
        let target = BTreeMap::from([(LABEL_JOB.to_owned(), String::from("job-0"))]);
        let metric = (String::new(), first, budget);
        push(
            &mut tests,
            &mut notes,
            over_budget(&rule, &target, &[metric]),
        );
    }
    (tests, notes)
}

fn push(tests: &mut Vec<TestGroup>, notes: &mut Vec<String>, test: Result<TestGroup, String>) {
    match test {
        Ok(test) => tests.push(test),
        Err(note) => notes.push(note),
    }
}

/// One target with exactly each budget's series, then one more each. `metrics` are
/// `(metric label value or "", series name, budget)`; `target` the labels identifying
/// the target besides `instance`.
fn over_budget(
    rule: &Rule,
    target: &BTreeMap<String, String>,
    metrics: &[(String, String, u64)],
) -> Result<TestGroup, String> {
    let name = rule.alert.clone().unwrap_or_default();
    let total: u64 = metrics.iter().map(|(_, _, b)| b + 1).sum();
    if total > MAX_SERIES {
        return Err(format!(
            "no test for {name}: it would need {total} input series."
        ));
    }
    let mut target = target.clone();
    target.insert(LABEL_INSTANCE.to_owned(), String::from("instance-0"));
    let for_minutes = rule.for_duration.map_or(0, |d| d.as_secs().div_ceil(60));
    let phase = for_minutes + 5;
    let mut input_series = Vec::new();
    let mut firing = Vec::new();
    for (metric, series, budget) in metrics {
        for index in 0..=*budget {
            let mut labels = target.clone();
            labels.insert(SERIES_LABEL.to_owned(), index.to_string());
            let values = if index < *budget {
                format!("1+0x{}", 2 * phase)
            } else {
                format!("_x{phase} 1+0x{phase}")
            };
            input_series.push(InputSeries {
                series: render(series, &labels),
                values,
            });
        }
        let mut sample: BTreeMap<String, String> = target
            .iter()
            .filter(|(k, _)| *k == LABEL_JOB || *k == LABEL_INSTANCE)
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if !metric.is_empty() {
            sample.insert(LABEL_METRIC.to_owned(), metric.clone());
        }
        let count = format!("{}", budget + 1).parse().unwrap_or(0.0);
        firing.push(
            ExpectedAlert::of(rule, &sample, count)
                .map_err(|u| format!("no test for {name}: a template uses {}.", u.0))?,
        );
    }
    let check = |minute: u64, exp_alerts| AlertTest {
        eval_time: Duration::from_secs(minute * 60),
        alertname: name.clone(),
        exp_alerts,
    };
    Ok(TestGroup {
        name: format!("cardinality {name}"),
        interval: MINUTE,
        input_series,
        alert_rule_test: vec![
            check(phase - 1, Vec::new()),
            check(phase + for_minutes + 2, firing),
        ],
        promql_expr_test: Vec::new(),
    })
}
