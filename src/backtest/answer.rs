//! A `query_range` answer read into the rates it holds, without building a JSON tree: the
//! answers of a backtest are hundreds of megabytes of samples.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Visitor};

use super::fetch::Labels;
use super::series::Timestamp;
use crate::verify::ApiError;

pub(super) use crate::conventions::LABEL_BACKTEST_RATE as RATE_LABEL;

/// What an answer holds: per series, the samples of the error rate and of the total rate.
pub(super) type Answer = BTreeMap<Labels, [Vec<(Timestamp, f64)>; 2]>;

#[derive(Deserialize)]
struct Document<'a> {
    #[serde(borrow)]
    status: Cow<'a, str>,
    #[serde(default)]
    error: Option<String>,
    data: Option<Data<'a>>,
}

#[derive(Deserialize)]
struct Data<'a> {
    #[serde(borrow)]
    result: Vec<Series<'a>>,
}

#[derive(Deserialize)]
struct Series<'a> {
    #[serde(default)]
    metric: Labels,
    #[serde(borrow)]
    values: Vec<(Seconds, Cow<'a, str>)>,
}

/// A sample's time as Prometheus writes it: seconds, with up to three decimals.
struct Seconds(Timestamp);

impl<'de> Deserialize<'de> for Seconds {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(SecondsVisitor)
    }
}

struct SecondsVisitor;

impl Visitor<'_> for SecondsVisitor {
    type Value = Seconds;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a time in seconds")
    }

    fn visit_u64<E: de::Error>(self, seconds: u64) -> Result<Seconds, E> {
        let seconds = i64::try_from(seconds).map_err(E::custom)?;
        Ok(Seconds(Timestamp(seconds * 1000)))
    }

    fn visit_i64<E: de::Error>(self, seconds: i64) -> Result<Seconds, E> {
        Ok(Seconds(Timestamp(seconds * 1000)))
    }

    fn visit_f64<E: de::Error>(self, seconds: f64) -> Result<Seconds, E> {
        // Milliseconds are exact in the decimal text; read them from it, not by scaling.
        let text = format!("{seconds:.3}");
        let (whole, fraction) = text.split_once('.').unwrap_or((&text, "0"));
        let magnitude = whole
            .trim_start_matches('-')
            .parse::<i64>()
            .map_err(E::custom)?
            * 1000
            + fraction.parse::<i64>().map_err(E::custom)?;
        Ok(Seconds(Timestamp(if whole.starts_with('-') {
            -magnitude
        } else {
            magnitude
        })))
    }
}

/// The rates of a `query_range` answer, per series.
pub(super) fn parse(text: &str) -> Result<Answer, ApiError> {
    let rejected = |what: &str| ApiError::Rejected(format!("query_range answered {what}"));
    let document: Document<'_> = serde_json::from_str(text)
        .map_err(|e| rejected(&format!("what vigil cannot read: {e}")))?;
    if document.status != "success" {
        return Err(ApiError::Rejected(
            document.error.unwrap_or_else(|| String::from("an error")),
        ));
    }
    let result = document.data.ok_or_else(|| rejected("no result"))?.result;
    let mut parsed = Answer::new();
    for series in result {
        let mut labels = series.metric;
        let which = match labels.remove(RATE_LABEL).as_deref() {
            Some("errors") => 0,
            Some("total") => 1,
            _ => return Err(rejected("a series without its rate label")),
        };
        let points = &mut parsed.entry(labels).or_default()[which];
        points.reserve(series.values.len());
        for (Seconds(time), value) in series.values {
            let value: f64 = value.parse().map_err(|_| rejected("a malformed sample"))?;
            points.push((time, value));
        }
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn answers_are_read_strictly() {
        let refused = json!({"status": "error", "error": "bad query"}).to_string();
        assert!(
            matches!(parse(&refused), Err(ApiError::Rejected(reason)) if reason == "bad query")
        );
        let unlabelled =
            json!({"status": "success", "data": {"result": [{"metric": {}, "values": []}]}});
        assert!(parse(&unlabelled.to_string()).is_err());
        let malformed = json!({"status": "success", "data": {"result": [
            {"metric": {"vigil_rate": "total"}, "values": [[1, "many"]]}
        ]}});
        assert!(parse(&malformed.to_string()).is_err());
    }

    #[test]
    fn times_are_read_to_the_millisecond() {
        let answer = json!({"status": "success", "data": {"result": [
            {"metric": {"vigil_rate": "total", "code": "5xx"},
             "values": [[1_700_000_000, "1"], [1_700_000_000.5, "2"], [-1.25, "3"], [12, "NaN"]]}
        ]}});
        let parsed = parse(&answer.to_string()).expect("an answer");
        let labels = Labels::from([(String::from("code"), String::from("5xx"))]);
        let times: Vec<i64> = parsed[&labels][1].iter().map(|(t, _)| t.0).collect();
        assert_eq!(
            times,
            [1_700_000_000_000, 1_700_000_000_500, -1_250, 12_000]
        );
        assert!(parsed[&labels][0].is_empty());
    }
}
