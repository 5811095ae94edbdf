//! SLOs against live data: every SLI selector matches series, and the recorded error
//! ratio exists and is a number.

use super::{Run, Unreachable, finding};
use crate::codes::Code;
use crate::conventions::{LABEL_SERVICE, LABEL_SLO, slo_rules};
use crate::emit::prometheus::slo::sli::{BASE_WINDOW, selector};
use crate::model::{Events, HistogramMode, Model, Sli, Slo, latency_labels};

/// An SLI selector as the generated rules read it (scoped to the service).
struct Watched {
    /// The SLI field it was written in (`total`, `errors`, `metric`).
    field: &'static str,
    selector: String,
    /// An errors counter may rightly be absent while nothing has failed yet.
    may_be_empty: bool,
}

pub(super) fn check(run: &mut Run<'_>) -> Result<(), Unreachable> {
    let model = run.model;
    for slo in &model.slos {
        let mut blind = false;
        for watched in watched(model, slo) {
            let Some(found) = run.query(&format!("count({})", watched.selector))? else {
                continue;
            };
            if found.is_empty() {
                no_series(run, slo, &watched);
                blind |= !watched.may_be_empty;
            }
        }
        // An SLI that reads nothing already explains why its ratio has no value.
        if !blind {
            error_ratio(run, slo)?;
        }
    }
    Ok(())
}

fn watched(model: &Model, slo: &Slo) -> Vec<Watched> {
    let service = model.service(&slo.service);
    let required = |field, selector| Watched {
        field,
        selector,
        may_be_empty: false,
    };
    match &slo.sli {
        Sli::Ratio { events, total } => {
            let events = match events {
                Events::Errors(errors) => Watched {
                    field: "errors",
                    selector: errors.scoped_text(service),
                    may_be_empty: true,
                },
                Events::Good(good) => required("good", good.scoped_text(service)),
            };
            vec![required("total", total.scoped_text(service)), events]
        }
        Sli::Latency {
            metric,
            matchers,
            histogram,
            ..
        } => {
            let labels = latency_labels(matchers, service);
            let name = match histogram {
                HistogramMode::Classic => format!("{metric}_count"),
                HistogramMode::Native => metric.to_string(),
            };
            vec![required("metric", selector(&name, &labels, None))]
        }
        Sli::Availability { metric } => vec![required("metric", metric.scoped_text(service))],
        // A query SLI is PromQL vigil did not write; its rules' ratio is still checked.
        Sli::Query { .. } => Vec::new(),
    }
}

fn no_series(run: &mut Run<'_>, slo: &Slo, watched: &Watched) {
    let place = run
        .places
        .sli_field(slo.name.as_str(), slo.service.as_str(), watched.field);
    let (code, why) = if watched.may_be_empty {
        (
            Code::VerifySliNoErrors,
            "no error has been counted yet, or the selector is wrong",
        )
    } else {
        (
            Code::VerifySliNoSeries,
            "the SLO measures nothing: its rules read no data",
        )
    };
    run.report(
        finding(
            code,
            place,
            format!(
                "the `{}` selector of SLO `{}/{}` matches no series (`{}`): {why}",
                watched.field, slo.service, slo.name, watched.selector
            ),
        )
        .label("matches no live series"),
    );
}

fn error_ratio(run: &mut Run<'_>, slo: &Slo) -> Result<(), Unreachable> {
    let expr = format!(
        "{}{{{LABEL_SERVICE}=\"{}\",{LABEL_SLO}=\"{}\"}}",
        slo_rules::error_ratio(BASE_WINDOW),
        slo.service,
        slo.name
    );
    let Some(samples) = run.query(&expr)? else {
        return Ok(());
    };
    let problem = if samples.is_empty() {
        "has no value: its rules are not loaded, or have not been evaluated yet"
    } else if samples.iter().any(|s| !s.value.is_finite()) {
        "is not a number (NaN or infinite): budgets and burn rates computed from it are meaningless"
    } else {
        return Ok(());
    };
    let place = run.places.slo(slo.name.as_str(), slo.service.as_str());
    run.report(
        finding(
            Code::VerifySloRatio,
            place,
            format!(
                "the recorded error ratio of SLO `{}/{}` (`{expr}`) {problem}",
                slo.service, slo.name
            ),
        )
        .label("not tracked"),
    );
    Ok(())
}
