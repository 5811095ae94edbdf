//! A picture of one SLO's replay, as SVG: the burn rate over time against each burn
//! pair's factor, with the intervals its page and ticket alerts fired shaded, and the
//! error budget left below it.

use chrono::DateTime;
use plotters::prelude::*;

use super::chain::{AlertKind, Replay};
use super::series::Timestamp;
use crate::model::Slo;

const WIDTH: u32 = 960;
const HEIGHT: u32 = 600;
/// The lowest burn rate drawn: the axis is logarithmic, so an error-free stretch sits here.
const FLOOR: f64 = 0.01;
const PAGE: RGBColor = RGBColor(214, 39, 40);
const TICKET: RGBColor = RGBColor(255, 127, 14);
const LINE: RGBColor = RGBColor(31, 119, 180);

/// The SVG of `replay` over `[from, to]`; `title` names the SLO.
pub fn svg(title: &str, slo: &Slo, replay: &Replay, from: Timestamp, to: Timestamp) -> String {
    let mut out = String::new();
    // Drawing into a string cannot fail; a chart that could not be laid out is left empty.
    let _ = draw(&mut out, title, slo, replay, (from, to));
    out
}

type Drawn = Result<(), Box<dyn std::error::Error>>;

fn draw(
    out: &mut String,
    title: &str,
    slo: &Slo,
    replay: &Replay,
    range: (Timestamp, Timestamp),
) -> Drawn {
    let root = SVGBackend::with_string(out, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&WHITE)?;
    let (top, bottom) = root.split_vertically(HEIGHT * 3 / 5);
    burn_chart(&top, title, slo, replay, range)?;
    budget_chart(&bottom, replay, range)?;
    root.present()?;
    Ok(())
}

/// Days since `from`, the x axis of both charts (its ticks fall on whole days).
fn days(from: Timestamp, at: Timestamp) -> f64 {
    let minutes = i32::try_from((at.0 - from.0) / 60_000).unwrap_or(i32::MAX);
    f64::from(minutes) / 1_440.0
}

/// An x value as the date and time it stands for.
fn date(from: Timestamp, days: f64) -> String {
    let millis = format!("{:.0}", days * 86_400_000.0)
        .parse::<i64>()
        .unwrap_or(0);
    DateTime::from_timestamp_millis(from.0 + millis)
        .map_or_else(String::new, |t| t.format("%m-%d %H:%M").to_string())
}

fn burn_chart<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    title: &str,
    slo: &Slo,
    replay: &Replay,
    (from, to): (Timestamp, Timestamp),
) -> Result<(), Box<dyn std::error::Error>>
where
    DB::ErrorType: 'static,
{
    let factors: Vec<(RGBColor, f64)> =
        [(PAGE, &slo.alerting.page), (TICKET, &slo.alerting.ticket)]
            .into_iter()
            .flat_map(|(color, alert)| {
                alert
                    .iter()
                    .flat_map(|a| &a.windows)
                    .map(move |w| (color, w))
            })
            .filter_map(|(color, w)| {
                let factor = crate::model::format_decimal(slo.alert_factor(w))
                    .parse()
                    .ok()?;
                Some((color, factor))
            })
            .collect();
    let highest = replay
        .timeline
        .iter()
        .filter_map(|m| m.burn)
        .chain(factors.iter().map(|(_, factor)| *factor))
        .fold(1.0_f64, f64::max);
    let span = days(from, to).max(1.0 / 24.0);
    let mut chart = ChartBuilder::on(area)
        .caption(format!("{title}: burn rate"), ("sans-serif", 18))
        .margin(10)
        .x_label_area_size(30)
        .y_label_area_size(60)
        .build_cartesian_2d(0.0..span, (FLOOR..highest * 2.0).log_scale())?;
    chart
        .configure_mesh()
        .x_labels(10)
        .x_label_formatter(&|d| date(from, *d))
        .light_line_style(WHITE)
        .y_desc("burn rate (× budget pace)")
        .draw()?;
    for alert in &replay.alerts {
        let color = match alert.kind {
            AlertKind::Page => PAGE,
            AlertKind::Ticket => TICKET,
            AlertKind::BudgetConsumed | AlertKind::BudgetExhausted => continue,
        };
        for firing in &alert.firing {
            let start = days(from, firing.start);
            let end = firing.end.map_or(span, |end| days(from, end));
            chart.draw_series(std::iter::once(Rectangle::new(
                [(start, FLOOR), (end, highest * 2.0)],
                color.mix(0.15).filled(),
            )))?;
        }
    }
    for (color, factor) in factors {
        chart.draw_series(LineSeries::new(
            [(0.0, factor), (span, factor)],
            color.mix(0.7).stroke_width(1),
        ))?;
    }
    for run in runs(replay.timeline.iter().map(|m| (m.at, m.burn))) {
        let points = run
            .into_iter()
            .map(|(at, burn)| (days(from, at), burn.max(FLOOR)));
        chart.draw_series(LineSeries::new(points, LINE.stroke_width(2)))?;
    }
    legend(&mut chart)?;
    Ok(())
}

fn budget_chart<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    replay: &Replay,
    (from, to): (Timestamp, Timestamp),
) -> Result<(), Box<dyn std::error::Error>>
where
    DB::ErrorType: 'static,
{
    let lowest = replay
        .timeline
        .iter()
        .filter_map(|m| m.budget_remaining)
        .fold(0.0_f64, f64::min)
        * 100.0;
    let span = days(from, to).max(1.0 / 24.0);
    let mut chart = ChartBuilder::on(area)
        .caption("error budget left (%)", ("sans-serif", 16))
        .margin(10)
        .x_label_area_size(30)
        .y_label_area_size(60)
        .build_cartesian_2d(0.0..span, (lowest - 5.0)..105.0)?;
    chart
        .configure_mesh()
        .x_labels(10)
        .x_label_formatter(&|d| date(from, *d))
        .light_line_style(WHITE)
        .draw()?;
    chart.draw_series(LineSeries::new([(0.0, 0.0), (span, 0.0)], BLACK.mix(0.4)))?;
    for run in runs(replay.timeline.iter().map(|m| (m.at, m.budget_remaining))) {
        let points = run
            .into_iter()
            .map(|(at, left)| (days(from, at), left * 100.0));
        chart.draw_series(LineSeries::new(points, LINE.stroke_width(2)))?;
    }
    Ok(())
}

/// What the colours of the burn chart mean, drawn as invisible series with labels.
fn legend<'a, DB: DrawingBackend + 'a, X, Y>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<X, Y>>,
) -> Result<(), Box<dyn std::error::Error>>
where
    DB::ErrorType: 'static,
    X: Ranged,
    Y: Ranged,
{
    for (label, color) in [
        ("burn rate over the first page window", LINE),
        ("page: burn factors, and when it fired", PAGE),
        ("ticket: burn factors, and when it fired", TICKET),
    ] {
        chart
            .draw_series(std::iter::empty::<Circle<(X::ValueType, Y::ValueType), u32>>())?
            .label(label)
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 16, y)], color.stroke_width(2)));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK.mix(0.3))
        .draw()?;
    Ok(())
}

/// The stretches of consecutive values: a line is broken where there was no data.
fn runs(points: impl Iterator<Item = (Timestamp, Option<f64>)>) -> Vec<Vec<(Timestamp, f64)>> {
    let mut runs: Vec<Vec<(Timestamp, f64)>> = vec![Vec::new()];
    for (at, value) in points {
        match value {
            Some(value) => runs
                .last_mut()
                .into_iter()
                .for_each(|run| run.push((at, value))),
            None if runs.last().is_some_and(|run| !run.is_empty()) => runs.push(Vec::new()),
            None => {}
        }
    }
    runs.retain(|run| !run.is_empty());
    runs
}
