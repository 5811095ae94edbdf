//! The base rates of each SLO over a range, read from Prometheus with range queries.
//!
//! Each SLO's two base-rate expressions (the ones its `slo:sli_*_events:rate5m` rules
//! record) are asked as one query, at two resolutions: every evaluation interval from
//! the longest window under a day before the range, and every 5 minutes from the longest
//! window or period of a day or more before it. A query asks for at most
//! [`POINTS_PER_QUERY`] steps; longer spans are split, and the pieces run on a few threads.

use std::collections::BTreeMap;
use std::sync::Mutex;

use serde_json::Value;

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
/// The label that tells the two base rates apart in one answer.
const RATE_LABEL: &str = "vigil_rate";

/// One series' labels (the SLO's `group-by` labels; none for most SLOs).
pub type Labels = BTreeMap<String, String>;

/// The base rates of one SLO: one [`Input`] per series its SLI returns.
pub type Series = BTreeMap<Labels, Input>;

/// One range query: an SLO's expression over one span at one resolution.
struct Piece {
    slo: usize,
    coarse: bool,
    start: Timestamp,
    end: Timestamp,
    step: Duration,
}

/// What a piece's answer holds: per series, the values of each rate.
type Answer = BTreeMap<Labels, [Vec<(Timestamp, f64)>; 2]>;

/// The base rates of `slos` from `from` (less their lookbacks) to `to`.
pub fn fetch(
    model: &Model,
    slos: &[&Slo],
    api: &(dyn Api + Sync),
    from: Timestamp,
    to: Timestamp,
    evaluation: Evaluation,
) -> Result<Vec<Series>, ApiError> {
    let queries: Vec<String> = slos.iter().map(|slo| query(model, slo)).collect();
    let mut pieces = Vec::new();
    for (index, slo) in slos.iter().enumerate() {
        let (fine, coarse) = lookback(slo);
        let coarse_step = Duration::from_secs(SLOW_INTERVAL_SECS);
        for (is_coarse, back, step) in [
            (false, fine, evaluation.interval),
            (true, coarse, coarse_step),
        ] {
            let start = from.minus(back).floor(step);
            pieces.extend(
                split(start, to.floor(step), step).map(|(start, end)| Piece {
                    slo: index,
                    coarse: is_coarse,
                    start,
                    end,
                    step,
                }),
            );
        }
    }
    let answers = run(&pieces, &queries, api)?;
    Ok(assemble(slos.len(), &pieces, answers))
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
fn run(
    pieces: &[Piece],
    queries: &[String],
    api: &(dyn Api + Sync),
) -> Result<Vec<Answer>, ApiError> {
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
            match ask(api, &queries[piece.slo], piece) {
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

fn ask(api: &(dyn Api + Sync), query: &str, piece: &Piece) -> Result<Answer, ApiError> {
    let seconds = |t: Timestamp| format!("{}.{:03}", t.0.div_euclid(1000), t.0.rem_euclid(1000));
    let step = piece.step.to_string();
    let answer = api.get(
        "/api/v1/query_range",
        &[
            ("query", query),
            ("start", &seconds(piece.start)),
            ("end", &seconds(piece.end)),
            ("step", &step),
        ],
    )?;
    parse(&answer)
}

/// A `query_range` answer as values per series and rate.
fn parse(answer: &Value) -> Result<Answer, ApiError> {
    let rejected = |what: &str| ApiError::Rejected(format!("query_range answered {what}"));
    if answer.get("status").and_then(Value::as_str) != Some("success") {
        let reason = answer
            .get("error")
            .and_then(Value::as_str)
            .unwrap_or("an error");
        return Err(ApiError::Rejected(reason.to_owned()));
    }
    let result = answer
        .pointer("/data/result")
        .and_then(Value::as_array)
        .ok_or_else(|| rejected("no result"))?;
    let mut parsed = Answer::new();
    for series in result {
        let mut labels: Labels = series
            .get("metric")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                    .collect()
            })
            .unwrap_or_default();
        let which = match labels.remove(RATE_LABEL).as_deref() {
            Some("errors") => 0,
            Some("total") => 1,
            _ => return Err(rejected("a series without its rate label")),
        };
        let values = series
            .get("values")
            .and_then(Value::as_array)
            .ok_or_else(|| rejected("a series without values"))?;
        let points = parsed.entry(labels).or_default();
        for point in values {
            let time = point.get(0).and_then(timestamp);
            let value = point
                .get(1)
                .and_then(Value::as_str)
                .and_then(|v| v.parse().ok());
            let (Some(time), Some(value)) = (time, value) else {
                return Err(rejected("a malformed sample"));
            };
            points[which].push((time, value));
        }
    }
    Ok(parsed)
}

/// A sample's time as Prometheus writes it: seconds with up to three decimals.
fn timestamp(value: &Value) -> Option<Timestamp> {
    let text = value.as_number()?.to_string();
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let millis: String = fraction.chars().chain("000".chars()).take(3).collect();
    let magnitude =
        whole.trim_start_matches('-').parse::<i64>().ok()? * 1000 + millis.parse::<i64>().ok()?;
    Some(Timestamp(if whole.starts_with('-') {
        -magnitude
    } else {
        magnitude
    }))
}

/// The answers laid out on each SLO's two grids (fine, coarse), which span its pieces.
fn assemble(count: usize, pieces: &[Piece], answers: Vec<Answer>) -> Vec<Series> {
    let mut spans: Vec<[Option<Span>; 2]> = vec![[None; 2]; count];
    for piece in pieces {
        let span = &mut spans[piece.slo][usize::from(piece.coarse)];
        *span = Some(match *span {
            Some(Span { start, end, step }) => Span {
                start: start.min(piece.start),
                end: end.max(piece.end),
                step,
            },
            None => Span {
                start: piece.start,
                end: piece.end,
                step: piece.step,
            },
        });
    }
    let mut all: Vec<Series> = vec![Series::new(); count];
    for (piece, answer) in pieces.iter().zip(answers) {
        let [fine, coarse] = spans[piece.slo];
        for (labels, rates) in answer {
            let input = all[piece.slo].entry(labels).or_insert_with(|| Input {
                fine: empty_rates(fine),
                coarse: empty_rates(coarse),
            });
            let target = if piece.coarse {
                &mut input.coarse
            } else {
                &mut input.fine
            };
            for (grid, points) in [&mut target.errors, &mut target.total]
                .into_iter()
                .zip(rates)
            {
                for (time, value) in points {
                    if let Some(slot) = grid.slot(time) {
                        *slot = Some(value);
                    }
                }
            }
        }
    }
    all
}

/// Where one resolution's grid lies.
#[derive(Debug, Clone, Copy)]
struct Span {
    start: Timestamp,
    end: Timestamp,
    step: Duration,
}

fn empty_rates(span: Option<Span>) -> Rates {
    let Span { start, end, step } = span.unwrap_or(Span {
        start: Timestamp(0),
        end: Timestamp(-1),
        step: Duration::from_secs(60),
    });
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
