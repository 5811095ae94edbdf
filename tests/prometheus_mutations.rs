//! The generated operational promtool tests can fail. Each number the flagship's alerts
//! compare a value with (thresholds, and conditions such as `up == 0`), moved down by
//! 1 % or up by 2 % (0.01 and 0.02 at zero), or with the comparison swapped for its
//! inclusive or exclusive twin (`>` and `>=`, `==` and `!=`) in the generated rule
//! file, makes `promtool test rules` fail on the generated test file, which passes on
//! the rules as generated; so does a cardinality budget moved by one series.
//!
//! promtool must be installed (Debian package `prometheus`): without it these tests fail.

use crate::support;

use std::path::Path;

use serde_json::Value;
use support::prometheus::{compile, promtool, write_artifacts};

const RULES: &str = "prometheus/rules/alerts-erlmcp.yaml";
const TESTS: &str = "prometheus/tests/alerts-erlmcp.yaml";

/// Writes the flagship's output with only the tests whose name starts with `prefix` and
/// the rule groups whose name starts with `group` (the anomaly rules and tests span
/// hours; these need minutes). Returns the folder and the kept rule groups.
fn setup(prefix: &str, group: &str) -> (tempfile::TempDir, Value) {
    let dir = tempfile::tempdir().expect("temp dir");
    let artifacts = compile("specs");
    write_artifacts(dir.path(), &artifacts);
    let read = |path: &str| -> Value {
        let artifact = artifacts.iter().find(|a| a.path == path).expect(path);
        serde_saphyr::from_str(&artifact.contents).expect("YAML")
    };
    let keep = |document: &mut Value, key: &str, field: &str, prefix: &str| {
        let kept: Vec<Value> = document[key]
            .as_array()
            .expect("a list")
            .iter()
            .filter(|t| t[field].as_str().is_some_and(|n| n.starts_with(prefix)))
            .cloned()
            .collect();
        assert!(!kept.is_empty(), "no `{prefix}` {key}");
        document[key] = Value::from(kept);
    };
    let mut tests = read(TESTS);
    keep(&mut tests, "tests", "name", prefix);
    std::fs::write(dir.path().join(TESTS), tests.to_string()).expect("write tests");
    let mut rules = read(RULES);
    keep(&mut rules, "groups", "name", group);
    (dir, rules)
}

fn passes(root: &Path, rules: &Value) -> bool {
    std::fs::write(root.join(RULES), rules.to_string()).expect("write rules");
    let output = promtool()
        .current_dir(root.join("prometheus/tests"))
        .args(["test", "rules", "alerts-erlmcp.yaml"])
        .output()
        .expect("run promtool");
    output.status.success()
}

/// Every alert expression of the kept groups, by group and rule index.
fn alert_exprs(rules: &Value) -> Vec<(usize, usize, String)> {
    let mut found = Vec::new();
    for (g, group) in rules["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .enumerate()
    {
        for (r, rule) in group["rules"].as_array().expect("rules").iter().enumerate() {
            if rule.get("alert").is_some() {
                found.push((g, r, rule["expr"].as_str().expect("expr").to_owned()));
            }
        }
    }
    found
}

fn with_expr(rules: &Value, (group, rule): (usize, usize), expr: &str) -> Value {
    let mut mutant = rules.clone();
    mutant["groups"][group]["rules"][rule]["expr"] = Value::from(expr);
    mutant
}

#[test]
#[ignore = "slow tier: needs promtool"]
fn moved_thresholds_fail_the_generated_tests() {
    let (dir, rules) = setup("threshold ", "alerts-");
    assert!(
        passes(dir.path(), &rules),
        "the generated tests fail as generated"
    );
    let mut count = 0;
    for (group, rule, expr) in alert_exprs(&rules) {
        let words: Vec<&str> = expr.split(' ').collect();
        let [value_rule, operator, threshold] = words.as_slice() else {
            continue;
        };
        let Ok(value) = threshold.parse::<f64>() else {
            continue;
        };
        assert!(value_rule.starts_with("alert:"), "{expr}");
        count += 1;
        let step = if value == 0.0 {
            0.01
        } else {
            value.abs() / 100.0
        };
        let swapped = match *operator {
            ">" => ">=",
            ">=" => ">",
            "<" => "<=",
            "<=" => "<",
            "==" => "!=",
            _ => "==",
        };
        for mutant in [
            format!("{value_rule} {operator} {}", value - step),
            format!("{value_rule} {operator} {}", value + 2.0 * step),
            format!("{value_rule} {swapped} {threshold}"),
        ] {
            assert!(
                !passes(dir.path(), &with_expr(&rules, (group, rule), &mutant)),
                "the tests still pass with `{mutant}`"
            );
        }
    }
    // Seven thresholds, and the three conditions comparing a value with a number.
    assert_eq!(count, 10, "the flagship's compared values");
}

#[test]
#[ignore = "slow tier: needs promtool"]
fn moved_cardinality_budgets_fail_the_generated_tests() {
    let (dir, rules) = setup("cardinality ", "cardinality-");
    assert!(
        passes(dir.path(), &rules),
        "the generated tests fail as generated"
    );
    let (group, rule, expr) = alert_exprs(&rules).remove(0);
    let terms: Vec<&str> = expr.split(" or ").collect();
    assert!(terms.len() > 10, "one term per metric with a budget");
    // Every fourth metric: each promtool run takes a second.
    for (index, term) in terms.iter().enumerate().step_by(4) {
        let (head, tail) = term.split_once(") > ").expect("a budget");
        let (budget, rest) = tail.split_once(',').expect("the metric label");
        let budget: u64 = budget.parse().expect("a count");
        for moved in [budget - 1, budget + 1] {
            let mut mutant = terms.clone();
            let changed = format!("{head}) > {moved},{rest}");
            mutant[index] = &changed;
            assert!(
                !passes(
                    dir.path(),
                    &with_expr(&rules, (group, rule), &mutant.join(" or "))
                ),
                "the tests still pass with `{changed}`"
            );
        }
    }
}
