//! OpenSLO time windows: rolling durations of at least a day, and calendar weeks and
//! months aligned as vigil aligns them (UTC, Mondays and the 1st).

use super::openslo_schema::{Spec, TimeWindow};
use super::openslo_support::{INVALID_HELP, Result, problem};
use crate::codes::Code;
use crate::model::{CalendarPeriod, Duration, Window};

/// One window, rolling (at least a day) or calendar-aligned week or month in UTC; with
/// none, the default period when there is one (Sloth reads such SLOs with its own).
pub(super) fn window(spec: &Spec, default_period: Option<Duration>) -> Result<Window> {
    let windows: Vec<&TimeWindow> = spec.time_window.iter().chain(&spec.time_windows).collect();
    if let ([], Some(period)) = (windows.as_slice(), default_period) {
        return Ok(Window::Rolling(period));
    }
    let [w] = windows.as_slice() else {
        return Err(problem(
            Code::ImportInvalid,
            "needs exactly one time window",
            INVALID_HELP,
        ));
    };
    let (count, unit) = match (&w.duration, w.count, &w.unit) {
        (Some(d), _, _) => split_duration(d)?,
        (None, Some(count), Some(unit)) => (count, unit_letter(unit)?),
        _ => {
            return Err(problem(
                Code::ImportInvalid,
                "a time window needs a `duration`",
                INVALID_HELP,
            ));
        }
    };
    let rolling = w.is_rolling.unwrap_or(w.calendar.is_none());
    if rolling {
        let millis = match unit {
            'm' => 60_000,
            'h' => 3_600_000,
            'd' => 86_400_000,
            'w' => 7 * 86_400_000,
            _ => {
                return Err(problem(
                    Code::ImportUnsupported,
                    "a rolling window in months, quarters or years has no fixed length",
                    "write the rolling window in days (`30d`) or make it a calendar month",
                ));
            }
        };
        let duration = Duration::from_millis(count * millis);
        if duration < Duration::from_days(1) {
            return Err(problem(
                Code::ImportInvalid,
                format!(
                    "a window of {count}{unit} is shorter than a day (`m` is minutes; a month is `M`)"
                ),
                INVALID_HELP,
            ));
        }
        return Ok(Window::Rolling(duration));
    }
    let period = match (count, unit) {
        (1, 'w') | (7, 'd') => CalendarPeriod::Week,
        (1, 'M') => CalendarPeriod::Month,
        (_, 'm') => {
            return Err(problem(
                Code::ImportInvalid,
                format!("a calendar window of {count}m is {count} minutes (a month is `M`)"),
                INVALID_HELP,
            ));
        }
        _ => {
            return Err(problem(
                Code::ImportUnsupported,
                format!("a calendar window of {count}{unit}"),
                "vigil's calendar windows are one week or one month",
            ));
        }
    };
    calendar_start(w, period)?;
    Ok(Window::Calendar(period))
}

/// vigil's calendar periods start at 00:00 UTC on Mondays and on the 1st.
fn calendar_start(w: &TimeWindow, period: CalendarPeriod) -> Result<()> {
    let Some(calendar) = &w.calendar else {
        return Ok(());
    };
    let zone = calendar.time_zone.as_deref().unwrap_or("UTC");
    if !matches!(zone, "UTC" | "Etc/UTC") {
        return Err(problem(
            Code::ImportUnsupported,
            format!("calendar time zone `{zone}`"),
            "vigil aligns calendar windows to UTC",
        ));
    }
    let start = calendar.start_time.as_deref().unwrap_or("");
    let aligned = super::calendar::aligned(start, period);
    if !aligned {
        return Err(problem(
            Code::ImportUnsupported,
            format!("calendar start `{start}` is not a period boundary"),
            "vigil's weeks start on Monday 00:00 UTC and its months on the 1st",
        ));
    }
    Ok(())
}

fn split_duration(text: &str) -> Result<(u64, char)> {
    let unit = text.chars().last().unwrap_or(' ');
    let count = text[..text.len() - unit.len_utf8().min(text.len())]
        .parse::<u64>()
        .ok();
    match count {
        Some(count) if count > 0 && "mhdwMQY".contains(unit) => Ok((count, unit)),
        _ => Err(problem(
            Code::ImportInvalid,
            format!("`{text}` is not an OpenSLO duration (`30d`, `1w`, `1M`)"),
            INVALID_HELP,
        )),
    }
}

fn unit_letter(unit: &str) -> Result<char> {
    Ok(match unit {
        "Minute" => 'm',
        "Hour" => 'h',
        "Day" => 'd',
        "Week" => 'w',
        "Month" => 'M',
        "Quarter" => 'Q',
        "Year" => 'Y',
        other => {
            return Err(problem(
                Code::ImportInvalid,
                format!("`{other}` is not a time unit"),
                INVALID_HELP,
            ));
        }
    })
}
