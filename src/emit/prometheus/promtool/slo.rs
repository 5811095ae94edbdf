//! Generated `promtool test rules` files: per SLO, scenarios that prove each alert fires
//! when it should and stays quiet otherwise, and that quiet periods never produce NaN.
//!
//! Expected alerts are derived from the same rules the file tests (labels, annotations
//! with `$labels` expanded), and which window pairs fire from the exact thresholds.

use super::file::{STEP, TestFile, TestGroup};
use super::inputs::Shape;
use super::scenarios;
use super::subject::Subject;
use crate::conventions::prometheus_paths;
use crate::emit::Artifact;
use crate::emit::prometheus::RuleGroup;
use crate::emit::prometheus::slo::SloContext;
use crate::emit::yaml::to_yaml;
use crate::model::{Duration, Model, Slo, Window};

/// The test file of `slo`, given the rule groups its rule file holds (none when no
/// scenario applies).
pub(crate) fn artifact(model: &Model, slo: &Slo, groups: &[RuleGroup]) -> Option<Artifact> {
    let file = test_file(model, slo, groups)?;
    Some(Artifact::new(
        prometheus_paths::test(&slo.id()),
        to_yaml(&file),
    ))
}

fn test_file(model: &Model, slo: &Slo, groups: &[RuleGroup]) -> Option<TestFile> {
    let shape = Shape::of(model, slo)?;
    // promtool evaluates every group at every step from the epoch to the last check: a
    // calendar scenario spans days (44,640 one-minute steps to the first month boundary),
    // so it steps hourly. Scenarios hold their error ratio constant, so coarse steps see
    // the same ratios.
    let evaluation_interval = match slo.window {
        Window::Calendar(_) => Duration::from_secs(3600),
        Window::Rolling(_) => STEP,
    };
    let group_eval_order = groups.iter().map(|g| g.name.clone()).collect();
    let rules = groups
        .iter()
        .flat_map(|g| &g.rules)
        .filter(|r| r.alert.is_some())
        .cloned()
        .collect();
    let subject = Subject::new(SloContext { model, slo }, shape, rules, evaluation_interval);
    let tests: Vec<TestGroup> = [
        scenarios::healthy(&subject),
        scenarios::no_traffic(&subject),
        scenarios::burn(&subject, true),
        scenarios::outage(&subject),
        scenarios::burn(&subject, false),
        scenarios::budget(&subject),
        scenarios::low_traffic(&subject),
        scenarios::absent(&subject),
        scenarios::calendar_reset(&subject),
    ]
    .into_iter()
    .flatten()
    .collect();
    (!tests.is_empty()).then(|| TestFile {
        rule_files: vec![prometheus_paths::rules_from_test(&slo.id())],
        evaluation_interval,
        group_eval_order,
        tests,
    })
}
