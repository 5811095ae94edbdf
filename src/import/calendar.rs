//! Whether an OpenSLO calendar `startTime` falls on a vigil period boundary.

use crate::model::CalendarPeriod;

/// `2024-01-01 00:00:00` (or RFC 3339) at midnight on the 1st (months) or a Monday (weeks);
/// no start at all is aligned too.
pub(crate) fn aligned(start: &str, period: CalendarPeriod) -> bool {
    let start = start.trim();
    if start.is_empty() {
        return true;
    }
    let (date, time) = start.split_at(start.find([' ', 'T']).unwrap_or(start.len()));
    let time = time.trim_start_matches([' ', 'T']).trim_end_matches('Z');
    if !(time.is_empty() || time.chars().all(|c| c == '0' || c == ':')) {
        return false;
    }
    let parts: Vec<i64> = date.split('-').filter_map(|p| p.parse().ok()).collect();
    let [year, month, day] = parts.as_slice() else {
        return false;
    };
    match period {
        CalendarPeriod::Month => *day == 1,
        CalendarPeriod::Week => days_from_civil(*year, *month, *day).rem_euclid(7) == 4,
    }
}

/// Days since 1970-01-01 (a Thursday, hence Monday is 4 modulo 7), Howard Hinnant's
/// algorithm.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::aligned;
    use crate::model::CalendarPeriod;

    #[test]
    fn boundaries() {
        assert!(aligned("2021-05-01 00:00:00", CalendarPeriod::Month));
        assert!(!aligned("2022-01-01 12:00:00", CalendarPeriod::Month));
        assert!(aligned("2024-01-01T00:00:00Z", CalendarPeriod::Week));
        assert!(!aligned("2022-01-01 00:00:00", CalendarPeriod::Week));
    }
}
