//! The replay's exactness check: an SLO's generated rules, fed its two base-rate series by
//! `promtool test rules`, must fire exactly when `vigil::backtest::replay` says they fire
//! over the same values.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::{Value, json};
use vigil::backtest::{
    AlertReplay, Bounds, Evaluation, Grid, Input, Rates, Replay, Timestamp, replay,
};
use vigil::model::{Duration, Slo};

use super::prometheus::promtool;

/// The base rates the tests feed (and the rules that record them, removed from the file).
const ERRORS: &str = "slo:sli_error_events:rate5m";
const TOTAL: &str = "slo:sli_total_events:rate5m";

/// Error and total events per second at one evaluation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Rate {
    errors: f64,
    total: f64,
}

impl Rate {
    pub(crate) fn new(errors: f64, total: f64) -> Self {
        Self { errors, total }
    }
}

/// A scenario's base rates, one value per evaluation from the epoch; `None` where the base
/// rates recorded nothing.
pub(crate) struct Scenario {
    pub(crate) name: &'static str,
    interval: Duration,
    steps: Vec<Option<Rate>>,
}

impl Scenario {
    pub(crate) fn new(name: &'static str, interval: Duration) -> Self {
        Self {
            name,
            interval,
            steps: Vec::new(),
        }
    }

    /// `rate` for `minutes` more (whole evaluations).
    #[must_use]
    pub(crate) fn hold(self, minutes: u64, rate: Rate) -> Self {
        self.extend(minutes, Some(rate))
    }

    /// No base rates for `minutes` more.
    #[must_use]
    pub(crate) fn gap(self, minutes: u64) -> Self {
        self.extend(minutes, None)
    }

    fn extend(mut self, minutes: u64, rate: Option<Rate>) -> Self {
        let steps = usize::try_from(minutes * 60 / self.interval.as_secs()).expect("steps");
        self.steps.extend(std::iter::repeat_n(rate, steps));
        self
    }

    fn tick(&self, index: usize) -> Timestamp {
        let step = i64::try_from(self.interval.as_millis()).expect("an interval in range");
        Timestamp(i64::try_from(index).expect("an index in range") * step)
    }

    fn end(&self) -> Timestamp {
        self.tick(self.steps.len().saturating_sub(1))
    }

    /// The replay's input from the same values: every evaluation, and the 5-minute copies.
    fn input(&self) -> Input {
        let five = Duration::from_secs(300);
        let every = usize::try_from(five.as_secs() / self.interval.as_secs()).expect("a ratio");
        let rates = |step: Duration, values: Vec<Option<Rate>>| Rates {
            errors: Grid {
                start: Timestamp(0),
                step,
                values: values.iter().map(|v| v.map(|r| r.errors)).collect(),
            },
            total: Grid {
                start: Timestamp(0),
                step,
                values: values.iter().map(|v| v.map(|r| r.total)).collect(),
            },
        };
        let coarse = self.steps.iter().copied().step_by(every.max(1)).collect();
        Input {
            fine: rates(self.interval, self.steps.clone()),
            coarse: rates(five, coarse),
        }
    }

    /// One series' values in promtool's expanding notation. A missing value after a
    /// present one is a stale marker, as Prometheus writes when a recording rule stops
    /// returning a series; without it promtool's instant selectors would still see the
    /// last value for five minutes.
    fn values(&self, pick: fn(Rate) -> f64) -> String {
        let mut words = Vec::new();
        let mut index = 0;
        while index < self.steps.len() {
            let value = self.steps[index].map(pick);
            let run = self.steps[index..]
                .iter()
                .take_while(|s| s.map(pick) == value)
                .count();
            match value {
                Some(value) if run == 1 => words.push(format!("{value}")),
                Some(value) => words.push(format!("{value}+0x{}", run - 1)),
                None => {
                    let mut blanks = run;
                    if index > 0 {
                        words.push(String::from("stale"));
                        blanks -= 1;
                    }
                    match blanks {
                        0 => {}
                        1 => words.push(String::from("_")),
                        _ => words.push(format!("_x{blanks}")),
                    }
                }
            }
            index += run;
        }
        words.join(" ")
    }
}

/// An SLO under test: its model and its rule file as promtool reads it.
pub(crate) struct Subject {
    slo: Slo,
    /// The rule file without the base-rate rules and without annotations.
    rules: Value,
    /// The base-rate series as the removed rules label them.
    errors: String,
    total: String,
}

/// Compiles the one-SLO spec at `path` (relative to the crate).
pub(crate) fn subject(path: &str) -> Subject {
    let path = super::root().join(path);
    let mut sources = vigil::source::Sources::default();
    let (model, diagnostics) = vigil::app::compile(std::slice::from_ref(&path), &mut sources);
    let model =
        model.unwrap_or_else(|| panic!("{} does not compile: {diagnostics:?}", path.display()));
    let slo = model.slos.first().expect("one SLO").clone();
    let file = format!("prometheus/rules/slo-{}.yaml", slo.id());
    let artifact = vigil::emit::prometheus::emit(&model)
        .into_iter()
        .find(|a| a.path == file)
        .expect("the SLO's rule file");
    let mut rules: Value = serde_saphyr::from_str(&artifact.contents).expect("rule YAML");
    let mut base = BTreeMap::new();
    for group in rules["groups"].as_array_mut().expect("groups") {
        let list = group["rules"].as_array_mut().expect("rules");
        list.retain(|rule| {
            let record = rule["record"].as_str().unwrap_or_default();
            let is_base = record == ERRORS || record == TOTAL;
            if is_base {
                base.insert(record.to_owned(), series(record, &rule["labels"]));
            }
            !is_base
        });
        for rule in list {
            rule.as_object_mut().expect("a rule").remove("annotations");
        }
    }
    Subject {
        slo,
        rules,
        errors: base.remove(ERRORS).expect("the error base rate"),
        total: base.remove(TOTAL).expect("the total base rate"),
    }
}

/// `name{label="value",…}` from a rule's labels.
fn series(name: &str, labels: &Value) -> String {
    let labels = labels.as_object().expect("labels");
    let pairs: Vec<String> = labels
        .iter()
        .map(|(key, value)| format!("{key}={:?}", value.as_str().expect("a label value")))
        .collect();
    format!("{name}{{{}}}", pairs.join(","))
}

/// One alert rule of the file and the replay of it.
struct Matched<'a> {
    name: &'a str,
    labels: &'a Value,
    replay: &'a AlertReplay,
}

/// Pairs every alert rule of the file with the replay's alert of the same name (and, for a
/// burn rule, the window pair its `long` and `short` labels name), one to one.
fn matched<'a>(rules: &'a Value, replay: &'a Replay) -> Vec<Matched<'a>> {
    let alert_rules = rules["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .flat_map(|group| group["rules"].as_array().expect("rules"))
        .filter_map(|rule| Some((rule["alert"].as_str()?, &rule["labels"])));
    let mut pairs = Vec::new();
    for (name, labels) in alert_rules {
        let window = |label: &str| {
            labels[label]
                .as_str()
                .map(|text| Duration::parse(text).expect("a window"))
        };
        let found: Vec<&AlertReplay> = replay
            .alerts
            .iter()
            .filter(|a| a.alert.as_str() == name)
            .filter(|a| {
                a.window.as_ref().map(|w| w.long) == window("long")
                    && a.window.as_ref().map(|w| w.short) == window("short")
            })
            .collect();
        let [replay] = found[..] else {
            panic!("{name} {labels}: {} replayed alerts", found.len());
        };
        pairs.push(Matched {
            name,
            labels,
            replay,
        });
    }
    assert_eq!(
        pairs.len(),
        replay.alerts.len(),
        "every replayed alert is a rule"
    );
    pairs
}

fn fires_at(alert: &AlertReplay, at: Timestamp) -> bool {
    alert
        .firing
        .iter()
        .any(|f| f.start <= at && f.end.is_none_or(|end| at < end))
}

/// What the replay says, for a summary.
pub(crate) fn describe(replay: &Replay) -> String {
    let minutes = |t: Timestamp| t.0 / 60_000;
    let mut lines = Vec::new();
    for alert in &replay.alerts {
        let window = alert
            .window
            .as_ref()
            .map(|w| format!(" {}/{}", w.long, w.short))
            .unwrap_or_default();
        let intervals: Vec<String> = alert
            .firing
            .iter()
            .map(|f| {
                format!(
                    "[{}m, {})",
                    minutes(f.start),
                    f.end
                        .map_or(String::from("end"), |e| format!("{}m", minutes(e)))
                )
            })
            .collect();
        lines.push(format!("{}{window}: {}", alert.alert, intervals.join(" ")));
    }
    lines.join("\n")
}

/// Replays `scenario` and runs promtool over the same values, expecting at every
/// evaluation exactly the alerts the replay fires. Returns the replay, or promtool's
/// complaint.
pub(crate) fn check(
    subject: &Subject,
    scenario: &Scenario,
    folder: &Path,
) -> Result<Replay, String> {
    // promtool 2.42 is Prometheus 2.42: range selectors include their left end.
    let evaluation = Evaluation {
        interval: scenario.interval,
        bounds: Bounds::Closed,
    };
    let replay = replay(
        &subject.slo,
        &scenario.input(),
        Timestamp(0),
        scenario.end(),
        evaluation,
    );
    let matched = matched(&subject.rules, &replay);
    let names: BTreeSet<&str> = matched.iter().map(|m| m.name).collect();
    let mut tests = Vec::new();
    for index in 0..scenario.steps.len() {
        let at = scenario.tick(index);
        for name in &names {
            let firing: Vec<Value> = matched
                .iter()
                .filter(|m| m.name == *name && fires_at(m.replay, at))
                .map(|m| json!({ "exp_labels": m.labels }))
                .collect();
            tests.push(json!({
                "eval_time": format!("{}m", at.0 / 60_000),
                "alertname": name,
                "exp_alerts": firing,
            }));
        }
    }
    let interval = format!("{}m", scenario.interval.as_secs() / 60);
    let order: Vec<&Value> = subject.rules["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .map(|group| &group["name"])
        .collect();
    let test = json!({
        "rule_files": ["rules.yaml"],
        "evaluation_interval": interval,
        "group_eval_order": order,
        "tests": [{
            "interval": interval,
            "input_series": [
                { "series": subject.errors, "values": scenario.values(|r| r.errors) },
                { "series": subject.total, "values": scenario.values(|r| r.total) },
            ],
            "alert_rule_test": tests,
        }],
    });
    let write = |name: &str, value: &Value| {
        let text = serde_saphyr::to_string(value).expect("YAML");
        std::fs::write(folder.join(name), text).expect("write");
    };
    write("rules.yaml", &subject.rules);
    write("test.yaml", &test);
    let output = promtool()
        .current_dir(folder)
        .args(["test", "rules", "test.yaml"])
        .output()
        .expect("run promtool");
    if output.status.success() {
        return Ok(replay);
    }
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    Err(format!(
        "{}\npromtool's output begins:\n{}\nthe replay:\n{}",
        disagreements(&text, scenario.interval),
        text.chars().take(3_000).collect::<String>(),
        describe(&replay)
    ))
}

/// The evaluations promtool found wrong, as runs per alert name:
/// `Alert differs at 4d1h to 4d2h35m (20 evaluations)`.
fn disagreements(output: &str, interval: Duration) -> String {
    let mut wrong: BTreeMap<&str, Vec<u64>> = BTreeMap::new();
    for line in output.lines() {
        let Some(rest) = line.trim().strip_prefix("alertname: ") else {
            continue;
        };
        let mut parts = rest.split(", time: ");
        let (Some(name), Some(time)) = (parts.next(), parts.next()) else {
            continue;
        };
        let time = Duration::parse(time.trim_end_matches([',', ' '])).expect("a time");
        wrong.entry(name).or_default().push(time.as_secs());
    }
    let mut lines = Vec::new();
    for (name, times) in wrong {
        let mut runs: Vec<(u64, u64, usize)> = Vec::new();
        for time in times {
            match runs.last_mut() {
                Some((_, end, count)) if time == *end + interval.as_secs() => {
                    *end = time;
                    *count += 1;
                }
                _ => runs.push((time, time, 1)),
            }
        }
        let runs: Vec<String> = runs
            .iter()
            .map(|(start, end, count)| {
                let at = |secs: u64| Duration::from_secs(secs).to_string();
                if count == &1 {
                    at(*start)
                } else {
                    format!("{} to {} ({count} evaluations)", at(*start), at(*end))
                }
            })
            .collect();
        lines.push(format!("{name} differs at {}", runs.join(", ")));
    }
    lines.join("\n")
}
