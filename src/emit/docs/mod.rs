//! Markdown for humans: metrics reference, SLO catalog and on-call handbook. Contexts are
//! built in Rust (every number and duration already formatted); `minijinja` templates in
//! `templates/` only lay them out. Templates are embedded and can be overridden by a user
//! folder (`--templates DIR` or `settings { templates "…" }`).

mod alert_runbooks;
mod catalog;
mod oncall;
mod ops_runbooks;
mod runbook_page;
mod runbook_text;
mod runbooks;
mod shared;
mod steps;

use std::collections::BTreeMap;

use minijinja::{Environment, UndefinedBehavior};
use serde::Serialize;

use super::Artifact;
use crate::conventions::{self, GENERATED_HEADER};
use crate::model::Model;

/// The embedded templates, by name.
const EMBEDDED: &[(&str, &str)] = &[
    (
        "alerts.md.j2",
        include_str!("../../../templates/alerts.md.j2"),
    ),
    (
        "metrics.md.j2",
        include_str!("../../../templates/metrics.md.j2"),
    ),
    (
        "on-call.md.j2",
        include_str!("../../../templates/on-call.md.j2"),
    ),
    (
        "runbook.md.j2",
        include_str!("../../../templates/runbook.md.j2"),
    ),
    ("slos.md.j2", include_str!("../../../templates/slos.md.j2")),
];

/// The runbook page template, which [`runbook_text`] writes without the template engine
/// while it is the embedded one.
const RUNBOOK: &str = "runbook.md.j2";

/// The alert index template, which [`runbook_text`] also writes while it is the embedded one.
const ALERTS: &str = "alerts.md.j2";

/// User templates replacing embedded ones of the same name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Templates {
    pub overrides: BTreeMap<String, String>,
}

impl Templates {
    /// The names a user folder may override.
    pub fn names() -> impl Iterator<Item = &'static str> {
        EMBEDDED.iter().map(|(name, _)| *name)
    }
}

/// A template that does not render (only user templates can fail).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("template `{name}`: {message}")]
pub struct TemplateError {
    pub name: String,
    pub message: String,
}

fn environment(templates: &Templates) -> Result<Environment<'static>, TemplateError> {
    let mut environment = Environment::new();
    environment.set_undefined_behavior(UndefinedBehavior::Strict);
    environment.add_filter("cell", cell_filter);
    for (name, source) in EMBEDDED {
        let source = templates
            .overrides
            .get(*name)
            .cloned()
            .unwrap_or_else(|| (*source).to_owned());
        environment
            .add_template_owned(*name, source)
            .map_err(|e| TemplateError {
                name: (*name).to_owned(),
                message: e.to_string(),
            })?;
    }
    Ok(environment)
}

/// [`cell`] as a template filter: a value with nothing to escape is handed back as it is
/// (most are, and the filter runs on most fields of every page).
fn cell_filter(value: minijinja::Value) -> Result<minijinja::Value, minijinja::Error> {
    let text = value.as_str().ok_or_else(|| {
        minijinja::Error::new(
            minijinja::ErrorKind::InvalidOperation,
            "value is not a string",
        )
    })?;
    // Bytes, not chars: every character escaped is ASCII. A table answers each byte in
    // one load, and most values are too short for a vectorised scan to pay.
    if text.bytes().any(|b| ESCAPED_IN_CELLS[usize::from(b)]) {
        Ok(minijinja::Value::from(cell(text)))
    } else {
        Ok(value)
    }
}

/// Appends `text` as the `cell` filter writes it.
fn push_cell(out: &mut String, text: &str) {
    if text.bytes().any(|b| ESCAPED_IN_CELLS[usize::from(b)]) {
        out.push_str(&cell(text));
    } else {
        out.push_str(text);
    }
}

/// The bytes [`cell`] replaces.
const ESCAPED_IN_CELLS: [bool; 256] = {
    let mut table = [false; 256];
    let mut index = 0;
    let escaped = b"\\|\n\r<>";
    while index < escaped.len() {
        table[escaped[index] as usize] = true;
        index += 1;
    }
    table
};

/// Makes text safe inside a Markdown table cell: no line breaks, no column separators,
/// no raw HTML.
fn cell(text: &str) -> String {
    // One pass: the filter runs on most fields of tens of thousands of pages.
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '|' => out.push_str("\\|"),
            '\n' | '\r' => out.push(' '),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

fn render<C: Serialize>(
    environment: &Environment<'_>,
    name: &str,
    context: &C,
) -> Result<String, TemplateError> {
    rendered(
        &template(environment, name)?,
        minijinja::Value::from(minijinja::value::Serde(context)),
    )
}

fn template<'e>(
    environment: &'e Environment<'_>,
    name: &str,
) -> Result<minijinja::Template<'e, 'e>, TemplateError> {
    environment.get_template(name).map_err(|e| TemplateError {
        name: name.to_owned(),
        message: e.to_string(),
    })
}

fn rendered(
    template: &minijinja::Template<'_, '_>,
    context: minijinja::Value,
) -> Result<String, TemplateError> {
    let text = template.render(context).map_err(|e| TemplateError {
        name: template.name().to_owned(),
        message: e.to_string(),
    })?;
    Ok(tidy(&text))
}

/// Templates leave blank-line runs behind their control blocks; Markdown needs at most one.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in lines(text) {
        let line = line.trim_end();
        if line.is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out.push('\n');
    out
}

/// `text.lines()`, found with memchr: `str::lines` costs more to set up per line, and
/// pages are tens of lines.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut start = 0;
    let breaks = memchr::memchr_iter(b'\n', text.as_bytes()).map(Some);
    breaks.chain([None]).filter_map(move |end| {
        let line = match end {
            // A line break is ASCII, so `end` is a character boundary.
            Some(end) => &text[start..end],
            None if start < text.len() => &text[start..],
            None => return None,
        };
        start = end.map_or(text.len(), |end| end + 1);
        Some(line.strip_suffix('\r').unwrap_or(line))
    })
}

/// Every Markdown page, each handed to `sink` as soon as it is rendered.
pub fn emit(
    model: &Model,
    templates: &Templates,
    sink: &mut dyn FnMut(Artifact),
) -> Result<(), TemplateError> {
    let environment = environment(templates)?;
    let header = GENERATED_HEADER;
    let metrics = catalog::metrics(model, header);
    sink(Artifact::new(
        conventions::DOC_METRICS,
        render(&environment, "metrics.md.j2", &metrics)?,
    ));
    let slos = catalog::slos(model, header);
    sink(Artifact::new(
        conventions::DOC_SLOS,
        render(&environment, "slos.md.j2", &slos)?,
    ));
    let index = runbook_pages(model, templates, &environment, sink)?;
    sink(Artifact::new(conventions::DOC_ALERTS, index));
    let on_call = oncall::context(model, header);
    sink(Artifact::new(
        conventions::DOC_ON_CALL,
        render(&environment, "on-call.md.j2", &on_call)?,
    ));
    Ok(())
}

/// Every runbook page, each handed to `sink`, then the text of the alert index listing
/// them. The embedded templates of both are written by [`runbook_text`]; a page becomes a
/// template value only for a user's template (which may read any of its fields), and in
/// debug builds, which render every page and the index both ways and compare them.
fn runbook_pages(
    model: &Model,
    templates: &Templates,
    environment: &Environment<'_>,
    sink: &mut dyn FnMut(Artifact),
) -> Result<String, TemplateError> {
    let runbook = template(environment, RUNBOOK)?;
    let own_runbook = templates.overrides.contains_key(RUNBOOK);
    let own_index = templates.overrides.contains_key(ALERTS);
    let mut values = Vec::new();
    let mut rows = Vec::new();
    runbooks::each_page(model, GENERATED_HEADER, &mut |page| {
        let context = (own_runbook || own_index || cfg!(debug_assertions))
            .then(|| minijinja::Value::from(minijinja::value::Serde(&page)));
        let text = match &context {
            Some(context) if own_runbook => rendered(&runbook, context.clone())?,
            _ => {
                let text = tidy(&runbook_text::text(&page));
                if let Some(context) = context.as_ref().filter(|_| cfg!(debug_assertions)) {
                    let reference = rendered(&runbook, context.clone())?;
                    assert_eq!(text, reference, "runbook_text differs from {RUNBOOK}");
                }
                text
            }
        };
        sink(Artifact::new(conventions::doc_runbook(&page.name), text));
        match context {
            Some(context) if own_index => values.push((page.name, context)),
            _ => rows.push(runbook_page::IndexRow::from(page)),
        }
        Ok(())
    })?;
    // The index lists pages by name; pages were made in the model's order.
    values.sort_by(|a, b| a.0.cmp(&b.0));
    rows.sort_by(|a, b| a.name.cmp(&b.name));
    let values: Vec<minijinja::Value> = values.into_iter().map(|(_, value)| value).collect();
    if own_index {
        return render(
            environment,
            ALERTS,
            &runbook_page::index(values, GENERATED_HEADER),
        );
    }
    let text = tidy(&runbook_text::index(GENERATED_HEADER, &rows));
    if cfg!(debug_assertions) {
        let reference = render(
            environment,
            ALERTS,
            &runbook_page::index(rows, GENERATED_HEADER),
        )?;
        assert_eq!(text, reference, "runbook_text differs from {ALERTS}");
    }
    Ok(text)
}

/// An anchor GitHub-flavoured Markdown generates for a heading.
pub(crate) fn anchor(heading: &str) -> String {
    heading
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            'a'..='z' | '0'..='9' | '-' | '_' => Some(c),
            ' ' => Some('-'),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn lines_are_those_of_str_lines(text in "[a\r\n é]{0,24}") {
            // Each line's end trimmed, as `tidy` reads them: a lone `\r` ending the text
            // is the one difference otherwise.
            let found: Vec<&str> = super::lines(&text).map(str::trim_end).collect();
            let expected: Vec<&str> = text.lines().map(str::trim_end).collect();
            prop_assert_eq!(found, expected);
        }
    }

    #[test]
    fn tidy_keeps_one_blank_line_and_trims_line_ends() {
        assert_eq!(super::tidy("a  \r\n\n\n\nb\t\n\n"), "a\n\nb\n");
        assert_eq!(super::tidy(""), "\n");
    }

    #[test]
    fn cells_cannot_break_tables() {
        assert_eq!(super::cell("a|b\nc <x>"), "a\\|b c &lt;x&gt;");
        assert_eq!(super::cell("a\\|b\r\n"), "a\\\\\\|b  ");
    }

    #[test]
    fn the_cell_filter_escapes_strings_and_refuses_the_rest() {
        use minijinja::Value;
        let clean = Value::from("no escaping needed");
        assert_eq!(super::cell_filter(clean.clone()).ok(), Some(clean));
        assert_eq!(
            super::cell_filter(Value::from("a|b")).ok(),
            Some(Value::from("a\\|b"))
        );
        assert!(super::cell_filter(Value::from(3)).is_err());
    }

    #[test]
    fn anchors() {
        assert_eq!(
            super::anchor("erlmcp_requests_total"),
            "erlmcp_requests_total"
        );
        assert_eq!(super::anchor("tool-call latency"), "tool-call-latency");
    }
}
