//! Go's float formatting (`fmt` verbs `%v`, `%g`, `%f`, `%e` over `strconv.FormatFloat`)
//! and Prometheus' humanize functions (`template/template.go`), for rendering alert
//! templates exactly as Prometheus does. Results were checked against promtool 2.42.

/// Decimal digits (no trailing zeros) and the exponent of the first one.
fn digits(value: f64, significant: Option<usize>) -> (String, i32) {
    let text = match significant {
        Some(n) => format!("{:.*e}", n.max(1) - 1, value.abs()),
        None => format!("{:e}", value.abs()),
    };
    let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let digits = digits.trim_end_matches('0');
    let digits = if digits.is_empty() { "0" } else { digits };
    (digits.to_owned(), exponent.parse().unwrap_or(0))
}

fn special(value: f64) -> Option<String> {
    if value.is_nan() {
        Some(String::from("NaN"))
    } else if value.is_infinite() {
        Some(String::from(if value > 0.0 { "+Inf" } else { "-Inf" }))
    } else {
        None
    }
}

fn sign(value: f64) -> &'static str {
    if value.is_sign_negative() { "-" } else { "" }
}

/// `%g` with a precision (`%.4g`), or `%v` when `None` (shortest digits).
pub(crate) fn g(value: f64, precision: Option<usize>) -> String {
    if let Some(text) = special(value) {
        return text;
    }
    if value == 0.0 {
        return format!("{}0", sign(value));
    }
    let (digits, exponent) = digits(value, precision);
    let limit = precision.map_or(6, |p| i32::try_from(p.max(1)).unwrap_or(i32::MAX));
    let body = if exponent < -4 || exponent >= limit {
        let (first, more) = digits.split_at(1);
        let point = if more.is_empty() { "" } else { "." };
        exponent_form(&format!("{first}{point}{more}"), exponent)
    } else if exponent < 0 {
        let zeros = "0".repeat(usize::try_from(-exponent - 1).unwrap_or(0));
        format!("0.{zeros}{digits}")
    } else {
        let whole = usize::try_from(exponent + 1).unwrap_or(0);
        if digits.len() <= whole {
            format!("{digits}{}", "0".repeat(whole - digits.len()))
        } else {
            format!("{}.{}", &digits[..whole], &digits[whole..])
        }
    };
    format!("{}{body}", sign(value))
}

fn exponent_form(mantissa: &str, exponent: i32) -> String {
    let sign = if exponent < 0 { '-' } else { '+' };
    format!("{mantissa}e{sign}{:02}", exponent.abs())
}

/// `%.Nf`.
pub(crate) fn f(value: f64, precision: usize) -> String {
    special(value).unwrap_or_else(|| format!("{value:.precision$}"))
}

/// `%.Ne`.
pub(crate) fn e(value: f64, precision: usize) -> String {
    if let Some(text) = special(value) {
        return text;
    }
    let text = format!("{value:.precision$e}");
    let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
    exponent_form(mantissa, exponent.parse().unwrap_or(0))
}

fn scaled(mut value: f64, base: f64, prefixes: &[&str]) -> String {
    let mut prefix = "";
    for p in prefixes {
        if value.abs() < base {
            break;
        }
        prefix = p;
        value /= base;
    }
    format!("{}{prefix}", g(value, Some(4)))
}

fn fractional(mut value: f64) -> (f64, &'static str) {
    let mut prefix = "";
    for p in ["m", "u", "n", "p", "f", "a", "z", "y"] {
        if value.abs() >= 1.0 {
            break;
        }
        prefix = p;
        value *= 1000.0;
    }
    (value, prefix)
}

pub(crate) fn humanize(value: f64) -> String {
    if value == 0.0 || !value.is_finite() {
        return g(value, Some(4));
    }
    if value.abs() >= 1.0 {
        return scaled(value, 1000.0, &["k", "M", "G", "T", "P", "E", "Z", "Y"]);
    }
    let (value, prefix) = fractional(value);
    format!("{}{prefix}", g(value, Some(4)))
}

pub(crate) fn humanize1024(value: f64) -> String {
    if value.abs() <= 1.0 || !value.is_finite() {
        return g(value, Some(4));
    }
    scaled(
        value,
        1024.0,
        &["ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"],
    )
}

pub(crate) fn humanize_duration(value: f64) -> String {
    if !value.is_finite() {
        return g(value, Some(4));
    }
    if value == 0.0 {
        return format!("{}s", g(value, Some(4)));
    }
    if value.abs() < 1.0 {
        let (value, prefix) = fractional(value);
        return format!("{}{prefix}s", g(value, Some(4)));
    }
    let sign = sign(value);
    let magnitude = value.abs();
    // Go's int64(v) truncates toward zero.
    #[allow(clippy::cast_possible_truncation)]
    let whole = magnitude.trunc() as i64;
    let (days, hours) = (whole / 86_400, whole / 3600 % 24);
    let (minutes, seconds) = (whole / 60 % 60, whole % 60);
    if days != 0 {
        format!("{sign}{days}d {hours}h {minutes}m {seconds}s")
    } else if hours != 0 {
        format!("{sign}{hours}h {minutes}m {seconds}s")
    } else if minutes != 0 {
        format!("{sign}{minutes}m {seconds}s")
    } else {
        format!("{sign}{}s", g(magnitude, Some(4)))
    }
}
