//! Typed values shared by the whole model: names, durations, exact numbers, versions,
//! `PromQL` expressions.

use std::fmt;

use std::sync::Arc;

use promql_parser::parser::{Expr, VectorSelector};

pub use rust_decimal::Decimal;

macro_rules! name_type {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn new(name: impl Into<String>) -> Self { Self(name.into()) }
            pub fn as_str(&self) -> &str { &self.0 }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(&self.0) }
        }
    )*};
}

name_type! {
    /// An SLO's name, unique within its service (`availability`, `tool-call-latency`).
    SloName;
    ServiceName;
    TeamName;
    TierName;
    /// A Prometheus metric name, validated against `[a-zA-Z_:][a-zA-Z0-9_:]*`.
    MetricName;
    /// A Prometheus label name, validated against `[a-zA-Z_][a-zA-Z0-9_]*`.
    LabelName;
    /// A CamelCase alert name, never cut or hashed.
    AlertName;
    ReceiverName;
    IntervalName;
    /// The name of an `anomaly`, `regression` or `capacity` declaration.
    RuleName;
}

/// A duration with millisecond precision, written like Prometheus (`30s`, `1h30m`, `28d`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Duration {
    millis: u64,
}

const UNITS: &[(&str, u64)] = &[
    ("y", 365 * 86_400_000),
    ("w", 7 * 86_400_000),
    ("d", 86_400_000),
    ("h", 3_600_000),
    ("m", 60_000),
    ("s", 1_000),
    ("ms", 1),
];

/// Ten years: anything longer is a typo, and the bound keeps arithmetic far from overflow.
pub(crate) const MAX_DURATION_MILLIS: u64 = 10 * 365 * 86_400_000;

impl Duration {
    pub const fn from_millis(millis: u64) -> Self {
        Self { millis }
    }

    pub const fn from_secs(secs: u64) -> Self {
        Self {
            millis: secs * 1000,
        }
    }

    pub const fn from_days(days: u64) -> Self {
        Self {
            millis: days * 86_400_000,
        }
    }

    pub fn as_millis(self) -> u64 {
        self.millis
    }

    pub fn as_secs(self) -> u64 {
        self.millis / 1000
    }

    /// Seconds as an exact decimal (`0.05` for `50ms`).
    pub fn as_decimal_secs(self) -> Decimal {
        Decimal::from(self.millis) / Decimal::from(1000)
    }

    /// Parses Prometheus' duration syntax: one or more `<integer><unit>` pairs, units
    /// from `y w d h m s ms`, each at most once and from largest to smallest.
    pub fn parse(text: &str) -> Result<Self, String> {
        if text.is_empty() {
            return Err(String::from("empty duration"));
        }
        let mut rest = text;
        let mut millis: u64 = 0;
        let mut last_unit = 0usize;
        while !rest.is_empty() {
            let digits = rest.chars().take_while(char::is_ascii_digit).count();
            if digits == 0 {
                return Err(format!(
                    "expected a number at `{rest}`; a duration is numbers with units y, w, d, h, m, s, ms (e.g. `30d`, `1h30m`)"
                ));
            }
            let number: u64 = rest[..digits]
                .parse()
                .map_err(|_| String::from("number too large"))?;
            rest = &rest[digits..];
            let Some((index, (unit, factor))) = UNITS
                .iter()
                .enumerate()
                .filter(|(_, (unit, _))| {
                    rest.starts_with(unit) && !(*unit == "m" && rest.starts_with("ms"))
                })
                .max_by_key(|(_, (unit, _))| unit.len())
            else {
                return Err(format!(
                    "unknown unit at `{rest}`; use y, w, d, h, m, s or ms"
                ));
            };
            if index < last_unit {
                return Err(String::from(
                    "units must go from largest to smallest, each once",
                ));
            }
            last_unit = index + 1;
            rest = &rest[unit.len()..];
            // `30days`: the unit read is the start of a word that is no unit.
            let letters = rest.chars().take_while(char::is_ascii_alphabetic).count();
            if letters > 0 {
                return Err(format!(
                    "unknown unit `{unit}{}`; write a number and one of y, w, d, h, m, s, ms (e.g. `30d`, `1h30m`)",
                    &rest[..letters]
                ));
            }
            millis = number
                .checked_mul(*factor)
                .and_then(|m| m.checked_add(millis))
                .filter(|m| *m <= MAX_DURATION_MILLIS)
                .ok_or_else(|| String::from("longer than 10 years"))?;
        }
        Ok(Self { millis })
    }
}

/// Prints in days, hours, minutes, seconds and milliseconds (`30d`, `1h30m`, `730d`):
/// weeks and years are never used so windows read the same everywhere.
impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.millis == 0 {
            return f.write_str("0s");
        }
        let mut rest = self.millis;
        for (unit, factor) in UNITS.iter().skip(2) {
            if rest >= *factor {
                write_digits(f, rest / factor)?;
                f.write_str(unit)?;
                rest %= factor;
            }
        }
        Ok(())
    }
}

/// `number` in decimal digits: durations are printed in every rule, test and runbook, and
/// `write!` costs several times as much.
fn write_digits(f: &mut fmt::Formatter<'_>, number: u64) -> fmt::Result {
    const SMALL: &str = "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899";
    match usize::try_from(number) {
        Ok(small @ 0..=9) => f.write_str(&SMALL[small * 2 + 1..small * 2 + 2]),
        Ok(small @ 10..=99) => f.write_str(&SMALL[small * 2..small * 2 + 2]),
        _ => write!(f, "{number}"),
    }
}

impl serde::Serialize for Duration {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// A number printed exactly as a human would write it (`0.999`, never `0.9990000000000001`).
pub fn format_decimal(value: Decimal) -> String {
    let normalized = value.normalize();
    if normalized.is_zero() {
        String::from("0")
    } else {
        normalized.to_string()
    }
}

/// An SLO objective in percent, strictly between 0 and 100.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Objective {
    percent: Decimal,
    // Both follow from `percent`; kept because every backend asks for them many times
    // per SLO, and exact decimal division is not cheap.
    ratio: Decimal,
    error_budget: Decimal,
}

impl Objective {
    pub fn new(percent: Decimal) -> Option<Self> {
        if percent <= Decimal::ZERO || percent >= Decimal::ONE_HUNDRED {
            return None;
        }
        let ratio = (percent / Decimal::ONE_HUNDRED).normalize();
        Some(Self {
            percent,
            ratio,
            error_budget: (Decimal::ONE - ratio).normalize(),
        })
    }

    pub fn percent(self) -> Decimal {
        self.percent
    }

    /// The objective as a ratio (`0.999` for 99.9 %), exact.
    pub fn ratio(self) -> Decimal {
        self.ratio
    }

    /// The error budget as a ratio (`0.001` for 99.9 %), exact.
    pub fn error_budget(self) -> Decimal {
        self.error_budget
    }
}

impl fmt::Debug for Objective {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Objective").field(&self.percent).finish()
    }
}

impl fmt::Display for Objective {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_decimal(self.percent))
    }
}

/// A `major.minor` version of a target tool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    pub major: u32,
    pub minor: u32,
}

impl Version {
    pub const fn new(major: u32, minor: u32) -> Self {
        Self { major, minor }
    }

    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim().trim_start_matches('v');
        let mut parts = text.split('.');
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next().map_or(Some(0), |m| m.parse().ok())?;
        if let Some(patch) = parts.next() {
            patch.parse::<u32>().ok()?;
        }
        parts.next().is_none().then_some(Self { major, minor })
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// A `PromQL` expression: one the checker parsed (with that parse, so that no backend
/// parses it again), or one vigil composed from checked parts.
#[derive(Clone)]
pub struct PromQl {
    text: String,
    parsed: Option<Arc<Expr>>,
}

impl PromQl {
    /// Only the checker builds these, from what it parsed; emitters compose new ones with
    /// [`PromQl::composed`].
    pub(crate) fn checked(text: impl Into<String>, parsed: Expr) -> Self {
        Self {
            text: text.into(),
            parsed: Some(Arc::new(parsed)),
        }
    }

    /// An expression built by vigil itself from checked parts.
    pub fn composed(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            parsed: None,
        }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The checker's parse of an expression from the spec (`None` for a composed one).
    pub fn parsed(&self) -> Option<&Expr> {
        self.parsed.as_deref()
    }
}

// The parse follows from the text, so the text alone is compared, hashed and shown.
impl fmt::Debug for PromQl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("PromQl").field(&self.text).finish()
    }
}

impl PartialEq for PromQl {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Eq for PromQl {}

impl std::hash::Hash for PromQl {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.text.hash(state);
    }
}

impl fmt::Display for PromQl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// A plain series selector (`metric{label="v"}`), which vigil may wrap in `rate()`, with
/// the form the checker parsed, so that no backend parses it again.
#[derive(Clone)]
pub struct Selector {
    text: String,
    metric: Option<MetricName>,
    parsed: VectorSelector,
}

impl Selector {
    pub(crate) fn checked(text: impl Into<String>, parsed: VectorSelector) -> Self {
        Self {
            text: text.into(),
            metric: parsed.name.clone().map(MetricName::new),
            parsed,
        }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The metric name, when the selector names one (it may match on `__name__` instead).
    pub fn metric(&self) -> Option<&MetricName> {
        self.metric.as_ref()
    }

    pub fn parsed(&self) -> &VectorSelector {
        &self.parsed
    }
}

// The name and the parsed form follow from the text, so the text alone is compared,
// hashed and shown.
#[expect(
    clippy::missing_fields_in_debug,
    reason = "the parsed form is the text again"
)]
impl fmt::Debug for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Selector")
            .field("text", &self.text)
            .field("metric", &self.metric)
            .finish()
    }
}

impl PartialEq for Selector {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Eq for Selector {}

impl std::hash::Hash for Selector {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.text.hash(state);
    }
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// A `PromQL` template with a `{{ window }}` placeholder (the `query` SLI).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct WindowTemplate(String);

impl WindowTemplate {
    pub(crate) fn checked(text: impl Into<String>) -> Self {
        Self(text.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The expression for one window.
    pub fn render(&self, window: Duration) -> PromQl {
        PromQl::composed(substitute_window(&self.0, &window.to_string()))
    }
}

/// Replaces `{{ window }}` (any spacing) and Sloth's `{{.window}}` with `window`.
pub(crate) fn substitute_window(template: &str, window: &str) -> String {
    substitute_each(template, |_| window.to_owned())
}

/// The template with each placeholder replaced by a 5-minute duration of the same length
/// (`{{ window }}` → `0000000005m`), so that a place in the result is the same place in
/// the template.
pub(crate) fn substitute_window_in_place(template: &str) -> String {
    substitute_each(template, |placeholder| {
        format!("{}5m", "0".repeat(placeholder.len().saturating_sub(2)))
    })
}

fn substitute_each(template: &str, window: impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        let Some(end) = rest[start..].find("}}") else {
            break;
        };
        let placeholder = &rest[start..start + end + 2];
        let inner = rest[start + 2..start + end].trim();
        out.push_str(&rest[..start]);
        if inner == "window" || inner == ".window" {
            out.push_str(&window(placeholder));
        } else {
            out.push_str(placeholder);
        }
        rest = &rest[start + end + 2..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::format_value;

    #[test]
    fn durations_parse_and_print() {
        let cases = [
            ("30d", "30d"),
            ("1w", "7d"),
            ("2y", "730d"),
            ("1h30m", "1h30m"),
            ("90m", "1h30m"),
            ("50ms", "50ms"),
            ("1m500ms", "1m500ms"),
            ("0s", "0s"),
            ("10s", "10s"),
            ("99s", "1m39s"),
            ("3650d", "3650d"),
        ];
        for (input, printed) in cases {
            assert_eq!(
                Duration::parse(input).map(|d| d.to_string()),
                Ok(printed.to_owned()),
                "{input}"
            );
        }
    }

    #[test]
    fn durations_reject_nonsense() {
        for input in [
            "",
            "5",
            "m",
            "5x",
            "1m1h",
            "1h1h",
            "99999999999y",
            "-5m",
            "5 m",
            "11y",
        ] {
            assert!(
                Duration::parse(input).is_err(),
                "{input} should be rejected"
            );
        }
    }

    #[test]
    fn values_print_in_their_unit() {
        use crate::model::Unit;
        let d = |text: &str| text.parse::<Decimal>().expect("a decimal");
        for (value, unit, expected) in [
            ("1500000000", Some(Unit::Bytes), "1.5 GB"),
            ("1900000000", Some(Unit::Bytes), "1.9 GB"),
            ("512", Some(Unit::Bytes), "512 B"),
            ("0.25", Some(Unit::Seconds), "250 ms"),
            ("0.0005", Some(Unit::Seconds), "500 µs"),
            ("2", Some(Unit::Seconds), "2 s"),
            ("0.85", Some(Unit::Ratio), "85 %"),
            ("0.01", Some(Unit::Ratio), "1 %"),
            ("0.999", Some(Unit::Ratio), "99.9 %"),
            ("1000", None, "1000"),
            (
                "3",
                Some(Unit::Other(String::from("requests"))),
                "3 requests",
            ),
        ] {
            assert_eq!(format_value(d(value), unit.as_ref()), expected, "{value}");
        }
    }

    #[test]
    fn a_word_for_a_unit_names_the_units() {
        for (input, expected) in [
            ("30days", "unknown unit `days`"),
            ("2hours", "unknown unit `hours`"),
            ("5mins", "unknown unit `mins`"),
            ("1h30minutes", "unknown unit `minutes`"),
            ("days", "expected a number at `days`"),
        ] {
            let message = Duration::parse(input).expect_err(input);
            assert!(message.starts_with(expected), "{input}: {message}");
            assert!(
                message.contains("y, w, d, h, m, s, ms"),
                "{input}: {message}"
            );
        }
    }

    #[test]
    fn objectives_are_exact() {
        let objective = Objective::new(Decimal::new(999, 1)).expect("valid");
        assert_eq!(format_decimal(objective.ratio()), "0.999");
        assert_eq!(format_decimal(objective.error_budget()), "0.001");
        assert!(Objective::new(Decimal::ONE_HUNDRED).is_none());
        assert!(Objective::new(Decimal::ZERO).is_none());
    }

    #[test]
    fn versions() {
        assert_eq!(Version::parse("2.53"), Some(Version::new(2, 53)));
        assert_eq!(Version::parse("v0.27.1"), Some(Version::new(0, 27)));
        assert_eq!(Version::parse("3"), Some(Version::new(3, 0)));
        assert_eq!(Version::parse("two"), None);
        assert!(Version::new(0, 27) > Version::new(0, 9));
    }

    #[test]
    fn window_templates() {
        assert_eq!(
            substitute_window("rate(x[{{ window }}])", "5m"),
            "rate(x[5m])"
        );
        assert_eq!(
            substitute_window("rate(x[{{.window}}])", "1h"),
            "rate(x[1h])"
        );
        assert_eq!(substitute_window("{{ other }}", "1h"), "{{ other }}");
    }
}
