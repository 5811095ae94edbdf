//! Importers: Sloth, OpenSLO and Pyrra documents → one vigil spec text plus diagnostics.
//!
//! Import is a pure function of the input texts (already loaded into [`Sources`], so
//! diagnostics point into them); the app layer reads the files and writes the result.
//! Each importer reads its format with serde into typed structs, maps what vigil can
//! express onto a [`Draft`], and reports everything else with a coded diagnostic instead
//! of guessing. The draft renders as KDL or YAML (`render.rs`).

mod alerts;
mod calendar;
mod documents;
mod grouping;
mod openslo;
mod openslo_alerts;
mod openslo_keys;
mod openslo_labels;
mod openslo_map;
mod openslo_schema;
mod openslo_sli;
mod openslo_support;
mod openslo_window;
mod pyrra;
mod pyrra_alerts;
mod pyrra_convert;
mod pyrra_keys;
mod pyrra_schema;
mod render;
mod sloth;
mod sloth_alerts;
mod sloth_convert;
mod sloth_keys;
mod sloth_schema;
mod unknown_keys;
mod unknown_report;

use std::collections::{BTreeMap, BTreeSet};

use crate::check::{Read, metrics_read};
use crate::diagnostic::Diagnostics;
use crate::model::{BurnWindow, CalendarPeriod, Decimal, Duration, Window, format_decimal};
use crate::source::{FileId, Sources};
use render::{Node, Value};

pub use sloth::SlothOptions;

/// The syntax of the written spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Kdl,
    Yaml,
}

impl Format {
    /// The file name the spec is written to under `--out`.
    pub fn file_name(self) -> &'static str {
        match self {
            Format::Kdl => "imported.kdl",
            Format::Yaml => "imported.yaml",
        }
    }
}

/// The result of an import: the spec text (absent when nothing could be imported) and
/// every problem found.
#[derive(Debug, Default)]
pub struct Imported {
    pub spec: Option<String>,
    pub diagnostics: Diagnostics,
    /// How many SLOs the spec holds.
    pub slos: usize,
}

/// Imports Sloth specs (`prometheus/v1`, `PrometheusServiceLevel`, `AlertWindows`, and the
/// `openslo/v1alpha` SLOs Sloth reads).
pub fn sloth(
    sources: &Sources,
    files: &[FileId],
    options: &SlothOptions,
    format: Format,
) -> Imported {
    let mut diagnostics = Diagnostics::default();
    let draft = sloth::import(sources, files, options, &mut diagnostics);
    finish(&draft, diagnostics, format)
}

/// Imports OpenSLO v1 and v1alpha documents.
pub fn openslo(sources: &Sources, files: &[FileId], format: Format) -> Imported {
    let mut diagnostics = Diagnostics::default();
    let draft = openslo::import(sources, files, &mut diagnostics);
    finish(&draft, diagnostics, format)
}

/// Imports Pyrra `ServiceLevelObjective`s (`pyrra.dev/v1alpha1`).
pub fn pyrra(sources: &Sources, files: &[FileId], format: Format) -> Imported {
    let mut diagnostics = Diagnostics::default();
    let draft = pyrra::import(sources, files, &mut diagnostics);
    finish(&draft, diagnostics, format)
}

fn finish(draft: &Draft, mut diagnostics: Diagnostics, format: Format) -> Imported {
    diagnostics.sort();
    let slos = draft.slos.len();
    let spec = (slos > 0).then(|| draft.render(format));
    Imported {
        spec,
        diagnostics,
        slos,
    }
}

/// What an importer found that vigil can express, before it is written out.
#[derive(Debug, Default)]
pub(crate) struct Draft {
    pub(crate) header: Vec<String>,
    pub(crate) slos: Vec<SloDraft>,
}

#[derive(Debug)]
pub(crate) struct SloDraft {
    /// The name as the source gave it; made unique and valid when rendering.
    pub(crate) name: String,
    pub(crate) service: String,
    /// `file:line` of the source object.
    pub(crate) origin: String,
    pub(crate) description: Option<String>,
    pub(crate) objective: Decimal,
    pub(crate) window: Window,
    pub(crate) sli: SliDraft,
    /// The labels the source's queries keep a series per combination of.
    pub(crate) group_by: Vec<String>,
    pub(crate) labels: BTreeMap<String, String>,
    /// Labels and annotations of every alert of the SLO.
    pub(crate) alert_labels: BTreeMap<String, String>,
    pub(crate) alert_annotations: BTreeMap<String, String>,
    pub(crate) page: Option<BurnDraft>,
    pub(crate) ticket: Option<BurnDraft>,
    /// The source alerts when the SLI's series vanish: vigil's absent alert stays on.
    pub(crate) absent: bool,
    /// Comment lines: what the source said that the spec does not carry.
    pub(crate) notes: Vec<String>,
}

/// The SLI, as `PromQL` templates over `{{ window }}` for errors and for all events.
#[derive(Debug)]
pub(crate) struct SliDraft {
    pub(crate) errors: String,
    pub(crate) total: String,
    /// `errors` and `total` are series selectors of counters (a vigil `ratio` SLI, which
    /// vigil rates, watches for absence and writes unit tests for), not query templates.
    pub(crate) selectors: bool,
}

impl SliDraft {
    /// Query templates over `{{ window }}`.
    pub(crate) fn query(errors: String, total: String) -> Self {
        Self {
            errors,
            total,
            selectors: false,
        }
    }

    /// Selectors of the error and total counters.
    pub(crate) fn ratio(errors: String, total: String) -> Self {
        Self {
            errors,
            total,
            selectors: true,
        }
    }

    /// The templates the SLI reads, as PromQL over `{{ window }}`.
    fn templates(&self) -> [String; 2] {
        [&self.errors, &self.total].map(|sli| {
            if self.selectors {
                format!("rate({sli}[{{{{ window }}}}])")
            } else {
                sli.clone()
            }
        })
    }
}

/// A burn-rate alert: `None` windows keep vigil's defaults (which equal Sloth's for 30d).
#[derive(Debug, Default, Clone)]
pub(crate) struct BurnDraft {
    pub(crate) windows: Option<Vec<BurnWindow>>,
    pub(crate) for_duration: Option<Duration>,
    /// The alert's own name, as the source named it.
    pub(crate) name: Option<String>,
    /// The source's `severity` label: the tier's severity, so routes keep matching.
    pub(crate) severity: Option<String>,
    pub(crate) labels: BTreeMap<String, String>,
    pub(crate) annotations: BTreeMap<String, String>,
}

impl Draft {
    fn render(&self, format: Format) -> String {
        let tiers = alerts::Tiers::of(&self.slos);
        let mut nodes = tiers.nodes();
        let names = self.names();
        let services: BTreeSet<String> = self.slos.iter().map(|s| identifier(&s.service)).collect();
        nodes.extend(
            services
                .into_iter()
                .map(|s| Node::new("service").arg(Value::Text(s))),
        );
        nodes.extend(self.metrics());
        for (slo, name) in self.slos.iter().zip(names) {
            nodes.push(slo.node(&name, &tiers));
        }
        match format {
            Format::Kdl => render::kdl(&self.header, &nodes),
            Format::Yaml => render::yaml(&self.header, &nodes),
        }
    }

    /// A catalog entry for every metric the SLIs read, declared `external`: the source
    /// has no catalog, so the labels are left for the owner to declare, while names and
    /// types are checked from the start.
    fn metrics(&self) -> Vec<Node> {
        let mut read: BTreeMap<String, Read> = BTreeMap::new();
        for slo in &self.slos {
            for template in slo.sli.templates() {
                let text = crate::model::substitute_window(&template, "5m");
                let Ok(expr) = promql_parser::parser::parse(&text) else {
                    continue;
                };
                for (name, how) in metrics_read(&expr) {
                    // Buckets are only ever a histogram's: declare the histogram.
                    let (name, how) = match name.strip_suffix("_bucket") {
                        Some(base) => (base.to_owned(), Read::Buckets),
                        None => (name, how),
                    };
                    let entry = read.entry(name).or_insert(how);
                    *entry = (*entry).max(how);
                }
            }
        }
        let histograms: BTreeSet<String> = read
            .iter()
            .filter(|(_, how)| **how == Read::Buckets)
            .map(|(name, _)| name.clone())
            .collect();
        let of_histogram = |name: &str| {
            ["_count", "_sum"].iter().any(|suffix| {
                name.strip_suffix(suffix)
                    .is_some_and(|base| histograms.contains(base))
            })
        };
        read.into_iter()
            .filter(|(name, _)| {
                !crate::conventions::is_recorded_by_vigil(name) && !of_histogram(name)
            })
            .map(|(name, how)| {
                let node = Node::new("metric").arg(Value::text(name));
                let node = match how {
                    Read::Buckets => node
                        .prop("type", Value::text("histogram"))
                        .prop("native", Value::Bool(true)),
                    Read::Counter => node.prop("type", Value::text("counter")),
                    Read::Value => node.prop("type", Value::text("gauge")),
                };
                node.prop("external", Value::Bool(true))
                    .child(Node::new("help").arg(Value::text(
                        "Read by an imported SLI; declare its labels to have its selectors checked",
                    )))
            })
            .collect()
    }

    /// Valid SLO names, unique within their service as in Sloth and OpenSLO.
    fn names(&self) -> Vec<String> {
        let mut seen = BTreeSet::new();
        self.slos
            .iter()
            .map(|slo| {
                let mut name = identifier(&slo.name);
                let base = name.clone();
                let mut n = 2;
                while !seen.insert((identifier(&slo.service), name.clone())) {
                    name = format!("{base}-{n}");
                    n += 1;
                }
                name
            })
            .collect()
    }
}

impl SloDraft {
    fn node(&self, name: &str, tiers: &alerts::Tiers) -> Node {
        let mut node = Node::new("slo")
            .arg(Value::text(name))
            .prop("service", Value::text(identifier(&self.service)))
            .comment(format!("from {}", self.origin));
        if name != self.name {
            node = node.comment(format!("named `{}` there", self.name));
        }
        for note in &self.notes {
            node = node.comment(note.clone());
        }
        if let Some(description) = &self.description {
            node = node.child(Node::new("description").arg(Value::text(description.trim())));
        }
        node = node
            .child(Node::new("objective").arg(Value::Number(format_decimal(self.objective))))
            .child(window_node(self.window));
        if !self.group_by.is_empty() {
            let mut group_by = Node::new("group-by");
            for label in &self.group_by {
                group_by = group_by.arg(Value::text(label.clone()));
            }
            node = node.child(group_by);
        }
        for (label, value) in &self.labels {
            node = node.child(
                Node::new("label")
                    .arg(Value::text(label.clone()))
                    .arg(Value::text(value.clone())),
            );
        }
        let kind = if self.sli.selectors { "ratio" } else { "query" };
        let query = Node::new(kind)
            .prop("errors", Value::text(self.sli.errors.clone()))
            .prop("total", Value::text(self.sli.total.clone()));
        node = node.child(Node::new("sli").child(query));
        node.child(alerts::alerting(self, tiers))
    }
}

fn window_node(window: Window) -> Node {
    match window {
        Window::Rolling(duration) => Node::new("window").arg(Value::Text(duration.to_string())),
        Window::Calendar(period) => Node::new("window").prop(
            "calendar",
            Value::text(match period {
                CalendarPeriod::Month => "month",
                CalendarPeriod::Week => "week",
            }),
        ),
    }
}

/// A vigil identifier from a foreign name: invalid characters become `-`, a leading
/// non-letter gets a prefix, and the result is cut to 63 characters.
pub(crate) fn identifier(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if !out.starts_with(|c: char| c.is_ascii_alphabetic()) {
        out.insert_str(0, "x-");
    }
    out.truncate(63);
    out
}

/// `PromQL` with runs of whitespace outside string literals collapsed to one space, and
/// Sloth's `{{.window}}` spelled as vigil's `{{ window }}`.
pub(crate) fn promql_template(text: &str) -> String {
    let text = crate::model::substitute_window(text, "{{ window }}");
    let mut out = String::with_capacity(text.len());
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut space = false;
    for c in text.trim().chars() {
        if let Some(q) = quote {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            continue;
        }
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        if matches!(c, '"' | '\'' | '`') {
            quote = Some(c);
        }
        out.push(c);
    }
    out
}

/// `file:line` of a span, for origin comments.
pub(crate) fn origin(sources: &Sources, span: crate::source::Span) -> String {
    let file = sources.get(span.file);
    format!("{}:{}", file.name, file.line_col(span.start).0)
}

#[cfg(test)]
mod tests {
    use super::{identifier, promql_template};

    #[test]
    fn templates_are_normalised() {
        assert_eq!(
            promql_template("sum(\n  rate(x{a=\"b  c\"}[{{.window}}])\n)\n"),
            "sum( rate(x{a=\"b  c\"}[{{ window }}]) )"
        );
    }

    #[test]
    fn identifiers() {
        assert_eq!(identifier("requests.availability"), "requests-availability");
        assert_eq!(identifier("9lives"), "x-9lives");
    }
}
