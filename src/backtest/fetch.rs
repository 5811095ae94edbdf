//! The base rates of each SLO over a range, read from Prometheus with range queries.
//!
//! Each SLO's two base-rate expressions (the ones its `slo:sli_*_events:rate5m` rules
//! record, without the rule's fallback to 0 for a missing error series, which the replay
//! applies) are asked as one query, at two resolutions: every evaluation interval from the
//! longest window under a day before the range, and every 5 minutes from the longest
//! window or period of a day or more before it — only up to where the first resolution
//! starts, since its samples at 5-minute multiples are the 5-minute ones. A query asks for
//! at most [`POINTS_PER_QUERY`] steps; longer spans are split, identical pieces (SLOs of
//! one SLI, a base version's unchanged SLI) are asked once, and they run on a few threads.

use std::collections::BTreeMap;
use std::sync::Mutex;

use super::answer::{Answer, RATE_LABEL, parse};
use super::series::{Grid, Rates, Timestamp, millis};
use super::{Evaluation, Input, lookback};
use crate::conventions::rule_groups::SLOW_INTERVAL_SECS;
use crate::emit::prometheus::slo::sli::base_rates;
use crate::model::{Duration, Model, Slo};
use crate::verify::{Api, ApiError};

/// Prometheus refuses a range query of more than 11,000 steps.
const POINTS_PER_QUERY: i64 = 10_000;
/// Queries in flight at once.
const CONCURRENCY: usize = 4;

/// One series' labels (the SLO's `group-by` labels; none for most SLOs).
pub type Labels = BTreeMap<String, String>;

/// The base rates of one SLO: one [`Input`] per series its SLI returns.
pub type Series = BTreeMap<Labels, Input>;

/// One range query: an expression over one span at one resolution.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Piece {
    query: String,
    start: Timestamp,
    end: Timestamp,
    step: Duration,
}

/// Where one resolution's grid of an SLO lies.
#[derive(Debug, Clone, Copy)]
struct Span {
    start: Timestamp,
    end: Timestamp,
    step: Duration,
}

/// The base rates of `slos` from `from` (less their lookbacks) to `to`.
pub fn fetch(
    model: &Model,
    slos: &[&Slo],
    api: &(dyn Api + Sync),
    from: Timestamp,
    to: Timestamp,
    evaluation: Evaluation,
) -> Result<Vec<Series>, ApiError> {
    let coarse_step = Duration::from_secs(SLOW_INTERVAL_SECS);
    // The 5-minute samples can be taken from the fine ones where both grids meet.
    let nested = millis(coarse_step) % millis(evaluation.interval).max(1) == 0;
    let mut plans = Vec::new();
    let mut pieces = std::collections::BTreeSet::new();
    for slo in slos {
        let query = query(model, slo);
        let (fine_back, coarse_back) = lookback(slo);
        let fine = Span {
            start: from.minus(fine_back).floor(evaluation.interval),
            end: to.floor(evaluation.interval),
            step: evaluation.interval,
        };
        let coarse = Span {
            start: from.minus(coarse_back).floor(coarse_step),
            end: to.floor(coarse_step),
            step: coarse_step,
        };
        let coarse_asked_to = if nested {
            fine.start
                .minus(Duration::from_millis(1))
                .floor(coarse_step)
        } else {
            coarse.end
        };
        for (start, end, step) in [
            (fine.start, fine.end, fine.step),
            (coarse.start, coarse_asked_to, coarse_step),
        ] {
            if start <= end {
                pieces.extend(split(start, end, step).map(|(start, end)| Piece {
                    query: query.clone(),
                    start,
                    end,
                    step,
                }));
            }
        }
        plans.push((query, fine, coarse));
    }
    let pieces: Vec<Piece> = pieces.into_iter().collect();
    let answers = run(&pieces, api)?;
    Ok(plans
        .iter()
        .map(|(query, fine, coarse)| {
            let mine = pieces
                .iter()
                .zip(&answers)
                .filter(|(piece, _)| &piece.query == query);
            assemble(mine, *fine, *coarse, nested)
        })
        .collect())
}

/// Both base rates in one expression, told apart by [`RATE_LABEL`].
fn query(model: &Model, slo: &Slo) -> String {
    let rates = base_rates(model, slo);
    format!(
        "label_replace({}, \"{RATE_LABEL}\", \"errors\", \"\", \"\") or label_replace({}, \"{RATE_LABEL}\", \"total\", \"\", \"\")",
        rates.errors, rates.total
    )
}

/// `[start, end]` in spans of at most [`POINTS_PER_QUERY`] steps.
fn split(
    start: Timestamp,
    end: Timestamp,
    step: Duration,
) -> impl Iterator<Item = (Timestamp, Timestamp)> {
    let span = millis(step) * (POINTS_PER_QUERY - 1);
    let mut next = Some(start);
    std::iter::from_fn(move || {
        let first = next?;
        let last = Timestamp((first.0 + span).min(end.0));
        next = (last < end).then(|| last.plus(step));
        Some((first, last))
    })
}

/// Every piece's answer, asked [`CONCURRENCY`] at a time; the first failure ends the run.
fn run(pieces: &[Piece], api: &(dyn Api + Sync)) -> Result<Vec<Answer>, ApiError> {
    let next = Mutex::new(0_usize);
    let answers: Mutex<Vec<Option<Answer>>> = Mutex::new(vec![None; pieces.len()]);
    let failure: Mutex<Option<ApiError>> = Mutex::new(None);
    let work = || {
        loop {
            let index = {
                let mut next = next
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                let failed = failure
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .is_some();
                if failed || *next >= pieces.len() {
                    return;
                }
                *next += 1;
                *next - 1
            };
            let piece = &pieces[index];
            match ask(api, piece) {
                Ok(answer) => {
                    answers
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)[index] = Some(answer);
                }
                Err(error) => {
                    failure
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .get_or_insert(error);
                }
            }
        }
    };
    std::thread::scope(|scope| {
        for _ in 0..CONCURRENCY.min(pieces.len()) {
            scope.spawn(work);
        }
    });
    if let Some(error) = failure
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
    {
        return Err(error);
    }
    Ok(answers
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .into_iter()
        .map(Option::unwrap_or_default)
        .collect())
}

fn ask(api: &(dyn Api + Sync), piece: &Piece) -> Result<Answer, ApiError> {
    let seconds = |t: Timestamp| format!("{}.{:03}", t.0.div_euclid(1000), t.0.rem_euclid(1000));
    let step = piece.step.to_string();
    let answer = api.get_text(
        "/api/v1/query_range",
        &[
            ("query", piece.query.as_str()),
            ("start", &seconds(piece.start)),
            ("end", &seconds(piece.end)),
            ("step", &step),
        ],
    )?;
    parse(&answer)
}

/// One SLO's answers laid out on its two grids; with `nested` grids, the 5-minute samples
/// no piece asked for are the fine ones at 5-minute multiples.
fn assemble<'a>(
    answers: impl Iterator<Item = (&'a Piece, &'a Answer)>,
    fine: Span,
    coarse: Span,
    nested: bool,
) -> Series {
    let mut series = Series::new();
    for (piece, answer) in answers {
        for (labels, rates) in answer {
            let input = series.entry(labels.clone()).or_insert_with(|| Input {
                fine: empty_rates(fine),
                coarse: empty_rates(coarse),
            });
            // A coarse piece ends before the fine span starts, even at the same step.
            let target = if piece.step == fine.step && piece.start >= fine.start {
                &mut input.fine
            } else {
                &mut input.coarse
            };
            for (grid, points) in [&mut target.errors, &mut target.total]
                .into_iter()
                .zip(rates)
            {
                for (time, value) in points {
                    if let Some(slot) = grid.slot(*time) {
                        *slot = Some(*value);
                    }
                }
            }
        }
    }
    if nested {
        for input in series.values_mut() {
            let Input {
                fine: from,
                coarse: to,
            } = input;
            for (source, target) in [(&from.errors, &mut to.errors), (&from.total, &mut to.total)] {
                let mut at = fine.start.ceil(coarse.step);
                while at <= fine.end {
                    if let Some(slot) = target.slot(at) {
                        *slot = source.value_at(at);
                    }
                    at = at.plus(coarse.step);
                }
            }
        }
    }
    series
}

fn empty_rates(Span { start, end, step }: Span) -> Rates {
    let len = usize::try_from((end.0 - start.0) / millis(step).max(1) + 1).unwrap_or(0);
    let grid = Grid {
        start,
        step,
        values: vec![None; len],
    };
    Rates {
        errors: grid.clone(),
        total: grid,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use serde_json::{Value, json};

    use super::*;
    use crate::backtest::Bounds;

    /// Answers every range query with both rates of one series: errors 1/s, total 10/s at
    /// every step, except where `missing` says; records the queries' spans.
    struct Fake {
        missing: Option<Timestamp>,
        asked: Mutex<Vec<(i64, i64, String)>>,
        fail: bool,
    }

    impl Api for Fake {
        fn get(&self, path: &str, params: &[(&str, &str)]) -> Result<Value, ApiError> {
            assert_eq!(path, "/api/v1/query_range");
            if self.fail {
                return Err(ApiError::Unreachable(String::from("connection refused")));
            }
            let param = |name: &str| params.iter().find(|(k, _)| *k == name).map(|(_, v)| *v);
            let seconds = |name: &str| -> i64 {
                let text = param(name).expect("a time");
                let (whole, fraction) = text.split_once('.').expect("seconds.millis");
                whole.parse::<i64>().expect("seconds") * 1000
                    + fraction.parse::<i64>().expect("millis")
            };
            let (start, end) = (seconds("start"), seconds("end"));
            let step = Duration::parse(param("step").expect("a step")).expect("a duration");
            self.asked
                .lock()
                .expect("lock")
                .push((start, end, step.to_string()));
            let mut values = Vec::new();
            let mut at = start;
            while at <= end {
                if self.missing != Some(Timestamp(at)) {
                    values.push(at);
                }
                at += millis(step);
            }
            // Two series, as an SLO with `group-by region` returns them.
            let series = |region: &str, rate: &str, value: &str| {
                let points: Vec<Value> = values
                    .iter()
                    .map(|t| {
                        let seconds: Value = format!("{}.{:03}", t / 1000, t % 1000)
                            .parse()
                            .expect("a number");
                        json!([seconds, value])
                    })
                    .collect();
                json!({ "metric": { "region": region, RATE_LABEL: rate }, "values": points })
            };
            Ok(json!({
                "status": "success",
                "data": { "resultType": "matrix", "result": [
                    series("eu", "errors", "1"), series("eu", "total", "10"),
                    series("us", "errors", "2"), series("us", "total", "20"),
                ] }
            }))
        }

        fn address(&self) -> &'static str {
            "fake"
        }
    }

    const SPEC: &str = "vigil 1
        tier page level=1 severity=critical page=#true
        tier ticket level=2 severity=warning
        service api { selector job=\"api\"; }
        metric http_requests_total type=counter service=api { help \"Requests\"; label code \"200\" \"500\"; }
        slo availability service=api {
            objective 99.5
            window \"28d\"
            sli { ratio errors=\"http_requests_total{code=\\\"500\\\"}\" total=\"http_requests_total\" }
        }";

    /// [`SPEC`], and more SLOs in a second file.
    fn model_with(more: &str) -> Model {
        let files = [
            (String::from("spec.kdl"), SPEC.to_owned()),
            (String::from("more.kdl"), format!("vigil 1\n{more}")),
        ];
        let (model, diagnostics) =
            crate::app::compile_texts(&files, &mut crate::source::Sources::default());
        model.unwrap_or_else(|| panic!("{diagnostics:?}"))
    }

    fn model() -> Model {
        model_with("")
    }

    fn fake(missing: Option<Timestamp>, fail: bool) -> Fake {
        Fake {
            missing,
            asked: Mutex::new(Vec::new()),
            fail,
        }
    }

    const DAY: i64 = 86_400_000;

    #[test]
    fn both_resolutions_are_fetched_in_pieces_and_laid_on_grids() {
        let model = model();
        let slos: Vec<&Slo> = model.slos.iter().collect();
        let from = Timestamp(40 * DAY);
        let to = Timestamp(47 * DAY);
        let missing = Timestamp(45 * DAY);
        let api = fake(Some(missing), false);
        let evaluation = Evaluation {
            interval: Duration::from_secs(60),
            bounds: Bounds::Closed,
        };
        let series = fetch(&model, &slos, &api, from, to, evaluation).expect("fetched");
        let region = |name: &str| Labels::from([(String::from("region"), name.to_owned())]);
        // Each series of the answer is a series of the SLO, replayed on its own.
        assert_eq!(series[0].len(), 2);
        assert_eq!(series[0][&region("us")].fine.total.value_at(to), Some(20.0));
        let input = &series[0][&region("eu")];
        // Every evaluation from 6 hours before the range (the longest window under a day),
        // every 5 minutes from 28 days before it (the period, longer than the 3d window).
        assert_eq!(
            input.fine.total.start,
            from.minus(Duration::from_secs(6 * 3600))
        );
        assert_eq!(
            input.coarse.total.start,
            from.minus(Duration::from_days(28))
        );
        assert_eq!(input.fine.total.value_at(to), Some(10.0));
        assert_eq!(input.fine.errors.value_at(from), Some(1.0));
        assert_eq!(input.fine.total.value_at(missing), None);
        assert_eq!(input.coarse.total.value_at(missing), None);
        // No piece asks for more than 10,000 steps, and the pieces do not overlap.
        let mut asked = api.asked.lock().expect("lock").clone();
        asked.sort();
        for (start, end, step) in &asked {
            let step = millis(Duration::parse(step).expect("a step"));
            assert!((end - start) / step < POINTS_PER_QUERY, "{start}..{end}");
        }
        let fine: Vec<_> = asked.iter().filter(|(_, _, s)| s == "1m").collect();
        assert!(fine.windows(2).all(|pair| pair[0].1 < pair[1].0));
        assert_eq!(fine.len(), 2, "7d 6h of minutes is two pieces");
        // 5-minute samples are asked for only before the minutes start.
        let first_minute = fine[0].0;
        assert!(
            asked
                .iter()
                .filter(|(_, _, s)| s == "5m")
                .all(|(_, end, _)| *end < first_minute)
        );
        assert_eq!(
            input
                .coarse
                .total
                .value_at(to.floor(Duration::from_secs(300))),
            Some(10.0)
        );
    }

    #[test]
    fn slos_of_one_sli_are_asked_for_once() {
        let slo = &SPEC[SPEC.find("slo availability").expect("an SLO")..];
        let strict = slo
            .replace("slo availability", "slo strict")
            .replace("99.5", "99.9");
        let model = model_with(&strict);
        let slos: Vec<&Slo> = model.slos.iter().collect();
        let api = fake(None, false);
        let evaluation = Evaluation {
            interval: Duration::from_secs(60),
            bounds: Bounds::Closed,
        };
        let series = fetch(
            &model,
            &slos,
            &api,
            Timestamp(40 * DAY),
            Timestamp(47 * DAY),
            evaluation,
        )
        .expect("fetched");
        assert_eq!(series.len(), 2);
        assert_eq!(series[0], series[1]);
        assert_eq!(
            api.asked.lock().expect("lock").len(),
            3,
            "two pieces of minutes, one of 5 minutes"
        );
    }

    #[test]
    fn an_unreachable_server_ends_the_fetch() {
        let model = model();
        let slos: Vec<&Slo> = model.slos.iter().collect();
        let evaluation = Evaluation {
            interval: Duration::from_secs(60),
            bounds: Bounds::Closed,
        };
        let fetched = fetch(
            &model,
            &slos,
            &fake(None, true),
            Timestamp(0),
            Timestamp(DAY),
            evaluation,
        );
        assert_eq!(
            fetched,
            Err(ApiError::Unreachable(String::from("connection refused")))
        );
    }
}
