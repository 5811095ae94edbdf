//! `vigil backtest`'s report: the published schema, and the Markdown and JSON of a replay
//! over synthetic base rates with known incidents (snapshots).

use std::collections::BTreeMap;

use vigil::backtest::report::{Replayed, Scope, json, json_schema, markdown, report};
use vigil::backtest::{Bounds, Evaluation, Grid, Input, Rates, Timestamp, plot, replay};
use vigil::model::{Duration, Model};

use crate::support::alertmanager::compile;
use crate::support::root;

const MINUTE: i64 = 60_000;
/// 2026-01-01T00:00:00Z.
const START: i64 = 1_767_225_600_000;

/// 36 days of base rates from [`START`]: 100 requests/s with 0.1 % errors; day 30
/// 10:00–10:30 every request fails; day 32 has 2 % errors all day; day 34 has no data
/// from 00:00 to 01:00.
fn rates(step_minutes: i64) -> Rates {
    let steps = 36 * 1_440 / step_minutes;
    let mut errors = Vec::new();
    let mut total = Vec::new();
    for index in 0..steps {
        let minute = index * step_minutes;
        let (day, of_day) = (minute / 1_440, minute % 1_440);
        let share = match (day, of_day) {
            (30, 600..630) => 1.0,
            (32, _) => 0.02,
            _ => 0.001,
        };
        let recorded = !(day == 34 && of_day < 60);
        errors.push(recorded.then_some(100.0 * share));
        total.push(recorded.then_some(100.0));
    }
    let grid = |values| Grid {
        start: Timestamp(START),
        step: Duration::from_secs(u64::try_from(step_minutes * 60).expect("positive")),
        values,
    };
    Rates {
        errors: grid(errors),
        total: grid(total),
    }
}

fn model() -> Model {
    compile(&root().join("tests/fixtures/backtest/report.kdl"))
}

/// The fixture with another objective, as a base version would have it.
fn model_with_objective(objective: &str) -> Model {
    let path = root().join("tests/fixtures/backtest/report.kdl");
    let text = std::fs::read_to_string(path).expect("the fixture");
    let files = [(
        String::from("report.kdl"),
        text.replace("objective 99.5", &format!("objective {objective}")),
    )];
    let (model, diagnostics) =
        vigil::app::compile_texts(&files, &mut vigil::source::Sources::default());
    model.unwrap_or_else(|| panic!("{diagnostics:?}"))
}

const FROM: Timestamp = Timestamp(START + 29 * 1_440 * MINUTE);
const TO: Timestamp = Timestamp(START + 36 * 1_440 * MINUTE - MINUTE);

/// The first SLO of `model` replayed over the synthetic rates, from [`FROM`] to [`TO`].
fn replayed(model: &Model) -> vigil::backtest::Replay {
    let input = Input {
        fine: rates(1),
        coarse: rates(5),
    };
    replay(&model.slos[0], &input, FROM, TO, EVALUATION)
}

const EVALUATION: Evaluation = Evaluation {
    interval: Duration::from_secs(60),
    bounds: Bounds::Closed,
};

fn backtest(model: &Model, base: Option<&Model>) -> vigil::backtest::report::Report {
    let slo = &model.slos[0];
    let (from, to, evaluation) = (FROM, TO, EVALUATION);
    let replayed = [Replayed {
        slo,
        labels: BTreeMap::new(),
        replay: replayed(model),
        before: base.map(|base| (&base.slos[0], replayed(base))),
    }];
    let scope = Scope {
        prometheus: "http://prometheus:9090",
        from,
        to,
        interval: evaluation.interval,
    };
    report(model, base.map(|b| (b, "HEAD:specs")), &scope, &replayed)
}

#[test]
fn published_schema_is_current() {
    let path = root().join("schemas/backtest.schema.json");
    let expected = json_schema();
    if std::env::var_os("VIGIL_BLESS").is_some() {
        std::fs::write(&path, &expected).expect("write schema");
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "schemas/backtest.schema.json is stale: run `VIGIL_BLESS=1 cargo test --test it backtest::`"
    );
}

#[test]
fn the_report_finds_each_incident_and_validates() {
    let model = model();
    let report = backtest(&model, None);
    let slo = &report.slos[0];
    // The outage pages (both page pairs) and opens tickets; the slow burn opens tickets
    // only.
    assert_eq!((slo.outcome.pages, slo.outcome.tickets), (2, 4));
    let pages: Vec<&str> = slo
        .outcome
        .alerts
        .iter()
        .filter(|a| a.alert.ends_with("Page"))
        .flat_map(|a| a.firing.iter().map(|f| f.start.as_str()))
        .collect();
    assert!(
        pages
            .iter()
            .all(|start| start.starts_with("2026-01-31T10:")),
        "{pages:?}"
    );
    assert_eq!(slo.gaps.len(), 1);
    assert_eq!(slo.gaps[0].start, "2026-02-04T00:00:00Z");
    let document = serde_json::to_value(&report).expect("JSON");
    let schema: serde_json::Value = serde_json::from_str(&json_schema()).expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    let errors: Vec<String> = validator
        .iter_errors(&document)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    insta::assert_snapshot!("backtest_markdown", markdown(&report));
    insta::assert_snapshot!("backtest_json", json(&report));
}

#[test]
fn a_stricter_objective_shows_more_pages_before_and_after() {
    let base = model();
    let strict = model_with_objective("99.95");
    let report = backtest(&strict, Some(&base));
    let slo = &report.slos[0];
    let before = slo.before.as_ref().expect("the base version's outcome");
    assert_eq!(before.pages, 2);
    assert!(slo.outcome.pages > before.pages, "{}", slo.outcome.pages);
    assert_eq!(report.base.as_deref(), Some("HEAD:specs"));
    insta::assert_snapshot!("backtest_markdown_compared", markdown(&report));
}

#[test]
fn the_picture_is_the_documented_example() {
    let model = model();
    let svg = plot::svg(
        "api/availability",
        &model.slos[0],
        &replayed(&model),
        FROM,
        TO,
    );
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    assert_eq!(
        svg,
        plot::svg(
            "api/availability",
            &model.slos[0],
            &replayed(&model),
            FROM,
            TO
        )
    );
    // Two page intervals and four ticket intervals are shaded.
    let shaded = |color: &str| {
        svg.matches(&format!("opacity=\"0.15\" fill=\"{color}\""))
            .count()
    };
    assert_eq!(
        (shaded("#D62728"), shaded("#FF7F0E")),
        (2, 4),
        "shaded intervals"
    );
    let path = root().join("docs/backtest-example.svg");
    if std::env::var_os("VIGIL_BLESS").is_some() {
        std::fs::write(&path, &svg).expect("write the example");
    }
    let documented = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        documented == svg,
        "docs/backtest-example.svg is stale: run `VIGIL_BLESS=1 cargo test --test it backtest::`"
    );
}
