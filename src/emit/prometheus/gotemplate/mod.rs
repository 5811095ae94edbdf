//! Renders the subset of Prometheus alert templates that generated promtool tests must
//! predict: `{{ $value }}`, `{{ $labels.NAME }}`, string literals, and the pipelines and
//! calls of `humanize`, `humanize1024`, `humanizeDuration`, `humanizePercentage`,
//! `printf` (verbs `%v %s %f %g %e`, with a precision), `toUpper` and `toLower`.
//!
//! Numbers print exactly as Go does (`fmt` and `strconv`, checked against promtool):
//! `{{ $value }}` is Go's `%v` of a float64 (shortest digits, exponent form below 1e-4
//! and from 1e6: a million prints as `1e+06`) and the humanize family is
//! Prometheus' `template.go`. Anything else (conditionals, `query`, `$externalLabels`,
//! width flags) is [`Unsupported`]: the caller emits no test rather than a wrong one.

use std::collections::{BTreeMap, BTreeSet};

mod format;

use format as go;

/// A template parsed into text and actions.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Template {
    parts: Vec<Part>,
}

/// Why a template cannot be predicted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unsupported(pub(crate) String);

#[derive(Debug, Clone, PartialEq)]
enum Part {
    Text(String),
    /// Commands separated by `|`; each later one receives the previous result as its
    /// last argument.
    Pipeline(Vec<Command>),
}

#[derive(Debug, Clone, PartialEq)]
enum Command {
    Operand(Operand),
    Call(Function, Vec<Operand>),
}

#[derive(Debug, Clone, PartialEq)]
enum Operand {
    Value,
    Label(String),
    Text(String),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Function {
    Humanize,
    Humanize1024,
    HumanizeDuration,
    HumanizePercentage,
    Printf,
    ToUpper,
    ToLower,
}

#[derive(Debug, Clone, PartialEq)]
enum Datum {
    Number(f64),
    Text(String),
}

impl Template {
    pub(crate) fn parse(text: &str) -> Result<Self, Unsupported> {
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(start) = rest.find("{{") {
            let mut before = &rest[..start];
            let after = &rest[start + 2..];
            let end = after
                .find("}}")
                .ok_or_else(|| unsupported("an unclosed `{{`"))?;
            let mut action = &after[..end];
            rest = &after[end + 2..];
            // `{{- ` and ` -}}` trim the white space beside the action.
            if let Some(inner) = action.strip_prefix("- ") {
                before = before.trim_end();
                action = inner;
            }
            if let Some(inner) = action.strip_suffix(" -") {
                rest = rest.trim_start();
                action = inner;
            }
            if !before.is_empty() {
                parts.push(Part::Text(before.to_owned()));
            }
            let action = action.trim();
            if action.starts_with("/*") && action.ends_with("*/") {
                continue;
            }
            parts.push(Part::Pipeline(pipeline(action)?));
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.to_owned()));
        }
        Ok(Self { parts })
    }

    /// The label names the template reads from `$labels`.
    pub(crate) fn labels(&self) -> BTreeSet<String> {
        let mut names = BTreeSet::new();
        for part in &self.parts {
            let Part::Pipeline(commands) = part else {
                continue;
            };
            for command in commands {
                let operands = match command {
                    Command::Operand(operand) => std::slice::from_ref(operand),
                    Command::Call(_, operands) => operands.as_slice(),
                };
                for operand in operands {
                    if let Operand::Label(name) = operand {
                        names.insert(name.clone());
                    }
                }
            }
        }
        names
    }

    /// The text Prometheus prints for an alert on a series with `labels` and `value`.
    pub(crate) fn render(
        &self,
        labels: &BTreeMap<String, String>,
        value: f64,
    ) -> Result<String, Unsupported> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(text) => out.push_str(text),
                Part::Pipeline(commands) => {
                    let mut carried = None;
                    for command in commands {
                        carried = Some(run(command, carried, labels, value)?);
                    }
                    if let Some(datum) = carried {
                        out.push_str(&datum.print());
                    }
                }
            }
        }
        Ok(out)
    }
}

/// Parses and renders in one step.
pub(crate) fn render(
    text: &str,
    labels: &BTreeMap<String, String>,
    value: f64,
) -> Result<String, Unsupported> {
    Template::parse(text)?.render(labels, value)
}

fn unsupported(what: &str) -> Unsupported {
    Unsupported(what.to_owned())
}

fn pipeline(action: &str) -> Result<Vec<Command>, Unsupported> {
    let words = words(action)?;
    let mut commands = Vec::new();
    for command in words.split(|w| w == "|") {
        let (head, args) = command
            .split_first()
            .ok_or_else(|| unsupported("an empty command"))?;
        let function = match head.as_str() {
            "humanize" => Some(Function::Humanize),
            "humanize1024" => Some(Function::Humanize1024),
            "humanizeDuration" => Some(Function::HumanizeDuration),
            "humanizePercentage" => Some(Function::HumanizePercentage),
            "printf" => Some(Function::Printf),
            "toUpper" => Some(Function::ToUpper),
            "toLower" => Some(Function::ToLower),
            _ => None,
        };
        commands.push(match function {
            Some(function) => Command::Call(
                function,
                args.iter().map(|a| operand(a)).collect::<Result<_, _>>()?,
            ),
            None if args.is_empty() => Command::Operand(operand(head)?),
            None => return Err(Unsupported(format!("the function `{head}`"))),
        });
    }
    Ok(commands)
}

/// Splits an action into words: quoted strings (kept with their quotes), `|`, and runs
/// of anything else.
fn words(action: &str) -> Result<Vec<String>, Unsupported> {
    let mut words = Vec::new();
    let mut chars = action.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '|' {
            chars.next();
            words.push(String::from("|"));
        } else if c == '"' || c == '`' {
            let mut word = String::from(c);
            chars.next();
            let mut closed = false;
            while let Some(next) = chars.next() {
                word.push(next);
                if next == '\\' && c == '"' {
                    word.extend(chars.next());
                } else if next == c {
                    closed = true;
                    break;
                }
            }
            if !closed {
                return Err(unsupported("an unclosed string"));
            }
            words.push(word);
        } else {
            let mut word = String::new();
            while let Some(&next) = chars.peek() {
                if next.is_whitespace() || next == '|' || next == '"' {
                    break;
                }
                word.push(next);
                chars.next();
            }
            words.push(word);
        }
    }
    Ok(words)
}

fn operand(word: &str) -> Result<Operand, Unsupported> {
    if word == "$value" || word == ".Value" {
        return Ok(Operand::Value);
    }
    if let Some(name) = word
        .strip_prefix("$labels.")
        .or_else(|| word.strip_prefix(".Labels."))
        && !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return Ok(Operand::Label(name.to_owned()));
    }
    if let Some(raw) = word.strip_prefix('`').and_then(|w| w.strip_suffix('`')) {
        return Ok(Operand::Text(raw.to_owned()));
    }
    if let Some(quoted) = word.strip_prefix('"').and_then(|w| w.strip_suffix('"')) {
        return unquote(quoted).map(Operand::Text);
    }
    Err(Unsupported(format!("`{word}`")))
}

/// Go's interpreted string literal, for the escapes templates use.
fn unquote(quoted: &str) -> Result<String, Unsupported> {
    let mut out = String::new();
    let mut chars = quoted.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        out.push(match chars.next() {
            Some('n') => '\n',
            Some('t') => '\t',
            Some('\\') => '\\',
            Some('"') => '"',
            _ => return Err(unsupported("a string escape")),
        });
    }
    Ok(out)
}

fn run(
    command: &Command,
    carried: Option<Datum>,
    labels: &BTreeMap<String, String>,
    value: f64,
) -> Result<Datum, Unsupported> {
    let resolve = |operand: &Operand| match operand {
        Operand::Value => Datum::Number(value),
        // `missingkey=zero`: an absent label prints as the empty string.
        Operand::Label(name) => Datum::Text(labels.get(name).cloned().unwrap_or_default()),
        Operand::Text(text) => Datum::Text(text.clone()),
    };
    let (function, operands) = match command {
        Command::Operand(operand) if carried.is_none() => return Ok(resolve(operand)),
        Command::Operand(_) => return Err(unsupported("a value piped into a value")),
        Command::Call(function, operands) => (function, operands),
    };
    let mut args: Vec<Datum> = operands.iter().map(resolve).collect();
    args.extend(carried);
    let number = |args: &[Datum]| match args {
        [Datum::Number(n)] => Ok(*n),
        [Datum::Text(t)] => t
            .trim()
            .parse::<f64>()
            .map_err(|_| unsupported("a humanize function of text that is not a number")),
        _ => Err(unsupported(
            "a humanize function without exactly one argument",
        )),
    };
    let text = |args: &[Datum]| match args {
        [Datum::Text(t)] => Ok(t.clone()),
        _ => Err(unsupported("a text function of a number")),
    };
    Ok(Datum::Text(match function {
        Function::Humanize => go::humanize(number(&args)?),
        Function::Humanize1024 => go::humanize1024(number(&args)?),
        Function::HumanizeDuration => go::humanize_duration(number(&args)?),
        Function::HumanizePercentage => format!("{}%", go::g(number(&args)? * 100.0, Some(4))),
        Function::Printf => printf(&args)?,
        Function::ToUpper => text(&args)?.to_uppercase(),
        Function::ToLower => text(&args)?.to_lowercase(),
    }))
}

impl Datum {
    fn print(&self) -> String {
        match self {
            Datum::Number(n) => go::g(*n, None),
            Datum::Text(t) => t.clone(),
        }
    }
}

/// `printf` with verbs `%%`, `%v`, `%s`, `%f`, `%g`, `%e`, each with an optional
/// precision (`%.2f`).
fn printf(args: &[Datum]) -> Result<String, Unsupported> {
    let Some((Datum::Text(format), mut rest)) = args.split_first().map(|(f, r)| (f, r.iter()))
    else {
        return Err(unsupported("printf without a format"));
    };
    let mut out = String::new();
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut precision = None;
        let mut verb = chars.next();
        if verb == Some('.') {
            let mut digits = String::new();
            verb = None;
            for next in chars.by_ref() {
                if next.is_ascii_digit() {
                    digits.push(next);
                } else {
                    verb = Some(next);
                    break;
                }
            }
            precision = Some(digits.parse::<usize>().unwrap_or(0));
        }
        if verb == Some('%') {
            out.push('%');
            continue;
        }
        let arg = rest
            .next()
            .ok_or_else(|| unsupported("printf missing an argument"))?;
        out.push_str(&match (verb, arg) {
            (Some('v' | 's'), Datum::Text(t)) if precision.is_none() => t.clone(),
            (Some('v'), Datum::Number(n)) if precision.is_none() => go::g(*n, None),
            (Some('f'), Datum::Number(n)) => go::f(*n, precision.unwrap_or(6)),
            (Some('e'), Datum::Number(n)) => go::e(*n, precision.unwrap_or(6)),
            (Some('g'), Datum::Number(n)) => go::g(*n, precision),
            _ => return Err(unsupported("a printf verb outside %v %s %f %g %e")),
        });
    }
    if rest.next().is_some() {
        return Err(unsupported("printf with extra arguments"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::{Template, render};

    fn labels() -> BTreeMap<String, String> {
        BTreeMap::from([(String::from("instance"), String::from("host-1"))])
    }

    fn show(template: &str, value: f64) -> String {
        render(template, &labels(), value).expect("supported")
    }

    #[test]
    fn value_prints_like_go_v() {
        for (value, text) in [
            (0.0, "0"),
            (200.0, "200"),
            (0.95, "0.95"),
            (1234.5, "1234.5"),
            (1e6, "1e+06"),
            (123_456.7, "123456.7"),
            (999_999.0, "999999"),
            (1e20, "1e+20"),
            (0.0001, "0.0001"),
            (0.000_01, "1e-05"),
            (-2.5, "-2.5"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "+Inf"),
        ] {
            assert_eq!(show("{{ $value }}", value), text, "{value}");
        }
    }

    #[test]
    fn humanize_family_matches_prometheus() {
        assert_eq!(show("{{ $value | humanize }}", 1_234_567.0), "1.235M");
        assert_eq!(show("{{ humanize $value }}", 2400.0), "2.4k");
        assert_eq!(show("{{ $value | humanize }}", 0.25), "250m");
        assert_eq!(show("{{ $value | humanize }}", 3.472_222_2), "3.472");
        assert_eq!(show("{{ $value | humanize }}", 0.0), "0");
        assert_eq!(show("{{ $value | humanize1024 }}", 1_048_576.0), "1Mi");
        assert_eq!(show("{{ $value | humanize1024 }}", 0.5), "0.5");
        assert_eq!(show("{{ $value | humanizeDuration }}", 899.99), "14m 59s");
        assert_eq!(
            show("{{ $value | humanizeDuration }}", 90061.0),
            "1d 1h 1m 1s"
        );
        assert_eq!(show("{{ $value | humanizeDuration }}", 1.5), "1.5s");
        assert_eq!(show("{{ $value | humanizeDuration }}", 0.0015), "1.5ms");
        assert_eq!(show("{{ $value | humanizeDuration }}", 0.0), "0s");
        assert_eq!(
            show("{{ $value | humanizePercentage }}", 0.123_456_7),
            "12.35%"
        );
        assert_eq!(show("{{ $value | humanizePercentage }}", 0.9595), "95.95%");
        assert_eq!(show("{{ humanizePercentage $value }}", 1.2), "120%");
        assert_eq!(show("{{ $value | humanize }}", 123_456e10), "1.235P");
    }

    /// Printed by promtool 2.42 for the same templates and values.
    #[test]
    fn matches_promtool() {
        let cases = [
            ("{{ $value }}", 1e6, "1e+06"),
            ("{{ $value | humanize }}", 1e6, "1M"),
            (r#"{{ printf "%.2f" $value }}"#, 1e6, "1000000.00"),
            ("{{ $value }}", 0.000_012_345, "1.2345e-05"),
            ("{{ $value | humanizeDuration }}", 0.000_012_345, "12.35us"),
            (
                "{{ $value | humanizePercentage }}",
                0.000_012_345,
                "0.001234%",
            ),
            ("{{ $value }}", 123_456.7, "123456.7"),
            ("{{ $value | humanize1024 }}", 123_456.7, "120.6ki"),
        ];
        for (template, value, text) in cases {
            assert_eq!(show(template, value), text, "{template} of {value}");
        }
    }

    #[test]
    fn g4_rounds_and_switches_to_exponents_like_go() {
        assert_eq!(super::go::g(123_456.0, Some(4)), "1.235e+05");
        assert_eq!(super::go::g(9999.5, Some(4)), "1e+04");
        assert_eq!(super::go::g(100.0, Some(4)), "100");
        assert_eq!(super::go::g(0.000_012_34, Some(4)), "1.234e-05");
        assert_eq!(super::go::g(2.5, Some(1)), "2");
    }

    #[test]
    fn printf_and_text_functions() {
        assert_eq!(show(r#"{{ printf "%.2f" $value }}"#, 0.955), "0.95");
        assert_eq!(show(r#"{{ $value | printf "%.1f%%" }}"#, 12.25), "12.2%");
        assert_eq!(show(r#"{{ printf "%.3e" $value }}"#, 12345.0), "1.234e+04");
        assert_eq!(
            show(r#"{{ printf "%s/%v" $labels.instance $value }}"#, 2.0),
            "host-1/2"
        );
        assert_eq!(show("{{ $labels.instance | toUpper }}", 0.0), "HOST-1");
    }

    #[test]
    fn labels_literals_trimming_and_comments() {
        assert_eq!(
            show(
                "{{ $labels.instance }} is at {{ .Value }} ({{ .Labels.instance }})",
                3.0
            ),
            "host-1 is at 3 (host-1)"
        );
        assert_eq!(show("{{ $labels.absent }}|", 1.0), "|");
        assert_eq!(show(r#"a {{"{{"}} b"#, 1.0), "a {{ b");
        assert_eq!(show("a  {{- $value -}}  b", 1.0), "a1b");
        assert_eq!(show("x{{/* note */}}y", 1.0), "xy");
        let template = Template::parse("{{ $labels.instance }} {{ $labels.job | toUpper }}")
            .expect("supported");
        assert_eq!(
            template.labels().into_iter().collect::<Vec<_>>(),
            ["instance", "job"]
        );
    }

    #[test]
    fn outside_the_subset_is_unsupported() {
        for template in [
            "{{ if gt $value 1.0 }}high{{ end }}",
            "{{ $externalLabels.cluster }}",
            r#"{{ query "up" | first | value }}"#,
            r#"{{ printf "%5.1f" $value }}"#,
            r#"{{ printf "%d" $value }}"#,
            "{{ $value",
            "{{ $value | $value }}",
        ] {
            assert!(render(template, &labels(), 1.0).is_err(), "{template}");
        }
    }
}
