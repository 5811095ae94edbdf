//! Sloth specs: `prometheus/v1` files (several documents allowed), Kubernetes
//! `PrometheusServiceLevel` resources, `AlertWindows` catalogs, and the `openslo/v1alpha`
//! SLOs Sloth also reads (handed to the OpenSLO importer).
//!
//! Sloth's SLIs are `PromQL` templates over `{{.window}}`, so they become vigil `query`
//! SLIs with the same expressions. One period applies to the whole import, as in Sloth
//! (`--default-slo-period`); its burn windows come from a catalog given among the inputs,
//! else from Sloth's built-in Google catalogs, which are vigil's defaults.

use std::collections::BTreeMap;
use std::str::FromStr;

use serde::Deserialize;
use serde_saphyr::Spanned;

use super::documents::{Document, documents};
use super::{BurnDraft, Draft, SliDraft, SloDraft, origin, promql_template};
use crate::check::RESERVED_LABELS;
use crate::codes::Code;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::{BurnWindow, Decimal, Duration, Window};
use crate::source::{FileId, Sources, Span};

/// Options matching Sloth's command line.
#[derive(Debug, Clone, Default)]
pub struct SlothOptions {
    /// Sloth's `--default-slo-period` (30d when absent).
    pub period: Option<Duration>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Header {
    version: Option<Spanned<String>>,
    api_version: Option<Spanned<String>>,
    kind: Option<Spanned<String>>,
}

#[derive(Deserialize)]
struct PromSpec {
    service: String,
    #[serde(default)]
    labels: BTreeMap<String, String>,
    #[serde(default, alias = "sloPlugins")]
    slo_plugins: Option<Plugins>,
    #[serde(default)]
    slos: Vec<Spanned<PromSlo>>,
}

#[derive(Deserialize)]
struct K8sResource {
    spec: PromSpec,
}

#[derive(Deserialize)]
struct PromSlo {
    name: String,
    objective: f64,
    description: Option<String>,
    #[serde(default)]
    labels: BTreeMap<String, String>,
    sli: PromSli,
    #[serde(default)]
    alerting: PromAlerting,
    plugins: Option<Plugins>,
}

#[derive(Deserialize)]
struct Plugins {
    #[serde(default)]
    chain: Vec<PluginRef>,
}

#[derive(Deserialize)]
struct PluginRef {
    id: Spanned<String>,
}

#[derive(Deserialize)]
struct PromSli {
    raw: Option<RawSli>,
    events: Option<EventsSli>,
    plugin: Option<PluginRef>,
}

#[derive(Deserialize)]
struct RawSli {
    #[serde(alias = "errorRatioQuery")]
    error_ratio_query: String,
}

#[derive(Deserialize)]
struct EventsSli {
    #[serde(alias = "errorQuery")]
    error_query: String,
    #[serde(alias = "totalQuery")]
    total_query: String,
}

#[derive(Deserialize, Default)]
struct PromAlerting {
    name: Option<String>,
    #[serde(default)]
    labels: BTreeMap<String, String>,
    #[serde(default)]
    annotations: BTreeMap<String, String>,
    #[serde(default, alias = "pageAlert")]
    page_alert: AlertSpec,
    #[serde(default, alias = "ticketAlert")]
    ticket_alert: AlertSpec,
}

#[derive(Deserialize, Default)]
struct AlertSpec {
    #[serde(default)]
    disable: bool,
    #[serde(default)]
    labels: BTreeMap<String, String>,
    #[serde(default)]
    annotations: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct AlertWindows {
    spec: Spanned<WindowsSpec>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WindowsSpec {
    slo_period: String,
    page: WindowPair,
    ticket: WindowPair,
}

#[derive(Deserialize)]
struct WindowPair {
    quick: WindowSpec,
    slow: WindowSpec,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WindowSpec {
    error_budget_percent: f64,
    short_window: String,
    long_window: String,
}

/// Burn windows of one period: page then ticket, fast then slow.
struct Catalog {
    page: Vec<BurnWindow>,
    ticket: Vec<BurnWindow>,
}

pub(crate) fn import(
    sources: &Sources,
    files: &[FileId],
    options: &SlothOptions,
    diagnostics: &mut Diagnostics,
) -> Draft {
    let mut draft = Draft::default();
    let mut specs = Vec::new();
    let mut catalogs: BTreeMap<Duration, Catalog> = BTreeMap::new();
    let mut openslo = Vec::new();
    for &file in files {
        let source = sources.get(file);
        draft
            .header
            .push(format!("imported from {} (Sloth)", source.name));
        for doc in documents(file, &source.text) {
            let header = match doc.parse::<Header>() {
                Ok(header) => header,
                Err(diagnostic) => {
                    diagnostics.push(diagnostic);
                    continue;
                }
            };
            match classify(&header) {
                Kind::Prometheus => collect(doc.parse::<PromSpec>(), doc, &mut specs, diagnostics),
                Kind::Kubernetes => collect(
                    doc.parse::<K8sResource>().map(|k| k.spec),
                    doc,
                    &mut specs,
                    diagnostics,
                ),
                Kind::Windows => match doc.parse::<AlertWindows>() {
                    Ok(windows) => {
                        if let Some((period, catalog)) = catalog(&windows, &doc, diagnostics) {
                            catalogs.insert(period, catalog);
                        }
                    }
                    Err(diagnostic) => diagnostics.push(diagnostic),
                },
                Kind::OpenSlo => openslo.push(doc),
                Kind::Unknown(what) => diagnostics.push(
                    Diagnostic::new(Code::ImportUnsupported, doc.head(), format!("not a Sloth spec: {what}"))
                        .label("unknown document")
                        .help("Sloth reads `version: prometheus/v1`, `kind: PrometheusServiceLevel` (sloth.slok.dev/v1), `kind: AlertWindows` and `openslo/v1alpha` SLOs"),
                ),
            }
        }
    }
    let period = options.period.unwrap_or(Duration::from_days(30));
    let windows = catalogs.remove(&period);
    for (spec, doc) in specs {
        for slo in &spec.slos {
            if let Some(slo) = convert(
                sources,
                &spec,
                slo,
                &doc,
                period,
                windows.as_ref(),
                diagnostics,
            ) {
                draft.slos.push(slo);
            }
        }
    }
    super::openslo::import_documents(sources, &openslo, &mut draft, diagnostics);
    draft
}

enum Kind {
    Prometheus,
    Kubernetes,
    Windows,
    OpenSlo,
    Unknown(String),
}

fn classify(header: &Header) -> Kind {
    let value = |s: &Option<Spanned<String>>| s.as_ref().map(|s| s.value.clone());
    match (
        value(&header.version),
        value(&header.api_version),
        value(&header.kind),
    ) {
        (Some(v), _, _) if v == "prometheus/v1" => Kind::Prometheus,
        (_, Some(api), Some(kind))
            if api == "sloth.slok.dev/v1" && kind == "PrometheusServiceLevel" =>
        {
            Kind::Kubernetes
        }
        (_, Some(api), Some(kind)) if api == "sloth.slok.dev/v1" && kind == "AlertWindows" => {
            Kind::Windows
        }
        (_, Some(api), _) if api.starts_with("openslo/") => Kind::OpenSlo,
        (Some(v), _, _) => Kind::Unknown(format!("version `{v}`")),
        (_, api, kind) => Kind::Unknown(format!(
            "apiVersion `{}`, kind `{}`",
            api.unwrap_or_default(),
            kind.unwrap_or_default()
        )),
    }
}

fn collect<'a>(
    parsed: Result<PromSpec, Diagnostic>,
    doc: Document<'a>,
    specs: &mut Vec<(PromSpec, Document<'a>)>,
    diagnostics: &mut Diagnostics,
) {
    match parsed {
        Ok(spec) => {
            if let Some(plugins) = &spec.slo_plugins {
                report_plugins(plugins, &doc, "the service's SLO plugin", diagnostics);
            }
            specs.push((spec, doc));
        }
        Err(diagnostic) => diagnostics.push(diagnostic),
    }
}

fn report_plugins(
    plugins: &Plugins,
    doc: &Document<'_>,
    what: &str,
    diagnostics: &mut Diagnostics,
) -> bool {
    for plugin in &plugins.chain {
        diagnostics.push(plugin_diagnostic(
            doc.span_of(&plugin.id),
            &plugin.id.value,
            what,
        ));
    }
    !plugins.chain.is_empty()
}

fn plugin_diagnostic(span: Span, id: &str, what: &str) -> Diagnostic {
    Diagnostic::new(
        Code::ImportPlugin,
        span,
        format!("{what} `{id}` is Go code vigil cannot convert"),
    )
    .label("plugin")
}

fn convert(
    sources: &Sources,
    spec: &PromSpec,
    slo: &Spanned<PromSlo>,
    doc: &Document<'_>,
    period: Duration,
    catalog: Option<&Catalog>,
    diagnostics: &mut Diagnostics,
) -> Option<SloDraft> {
    let span = doc.span_of(slo);
    let slo_ref = &slo.value;
    let mut plugin = false;
    if let Some(plugins) = &slo_ref.plugins {
        plugin |= report_plugins(plugins, doc, "the SLO plugin", diagnostics);
    }
    if spec
        .slo_plugins
        .as_ref()
        .is_some_and(|p| !p.chain.is_empty())
    {
        plugin = true;
    }
    let sli = match (&slo_ref.sli.events, &slo_ref.sli.raw, &slo_ref.sli.plugin) {
        (_, _, Some(p)) => {
            diagnostics.push(plugin_diagnostic(
                doc.span_of(&p.id),
                &p.id.value,
                "the SLI plugin",
            ));
            return None;
        }
        (Some(events), None, None) => SliDraft {
            errors: promql_template(&events.error_query),
            total: promql_template(&events.total_query),
        },
        (None, Some(raw), None) => raw_sli(&raw.error_ratio_query),
        _ => {
            diagnostics.push(
                Diagnostic::new(
                    Code::ImportInvalid,
                    span,
                    format!("SLO `{}` needs exactly one SLI kind", slo_ref.name),
                )
                .label("this SLO")
                .help("give the SLI as `events`, `raw` or `plugin`"),
            );
            return None;
        }
    };
    if plugin {
        return None;
    }
    let Some(objective) = decimal(slo_ref.objective) else {
        diagnostics.push(
            Diagnostic::new(
                Code::ImportInvalid,
                span,
                format!("SLO `{}` has no usable objective", slo_ref.name),
            )
            .label("this SLO"),
        );
        return None;
    };
    let mut notes = Vec::new();
    let labels = labels(spec, slo_ref, span, &mut notes, diagnostics);
    let (page, ticket) = alerting(slo_ref, catalog, span, &mut notes, diagnostics);
    if catalog.is_none() && ![30, 28].contains(&(period.as_millis() / 86_400_000)) {
        notes.push(format!("Sloth has no built-in windows for {period}: vigil's default shares of the budget are used"));
    }
    Some(SloDraft {
        name: slo_ref.name.clone(),
        service: spec.service.clone(),
        origin: origin(sources, span),
        description: slo_ref.description.clone(),
        objective,
        window: Window::Rolling(period),
        sli,
        labels,
        page,
        ticket,
        notes,
    })
}

/// A raw error ratio over `{{ window }}`: recorded as the 5m ratio over a total of one per
/// evaluation, so windows average the 5m ratios (Sloth's own period SLI); a NaN ratio
/// (no traffic) is dropped instead of poisoning every window that contains it.
fn raw_sli(query: &str) -> SliDraft {
    let ratio = promql_template(query);
    SliDraft {
        errors: format!("({ratio}) >= 0"),
        total: format!("(({ratio}) >= 0) * 0 + 1"),
    }
}

fn decimal(value: f64) -> Option<Decimal> {
    Decimal::from_str(&value.to_string()).ok()
}

fn labels(
    spec: &PromSpec,
    slo: &PromSlo,
    span: Span,
    notes: &mut Vec<String>,
    diagnostics: &mut Diagnostics,
) -> BTreeMap<String, String> {
    let mut labels = spec.labels.clone();
    labels.extend(slo.labels.clone());
    let reserved: Vec<String> = labels
        .keys()
        .filter(|k| RESERVED_LABELS.contains(&k.as_str()))
        .cloned()
        .collect();
    for key in &reserved {
        let value = labels.remove(key).unwrap_or_default();
        notes.push(format!(
            "label {key}={value:?} dropped: vigil sets `{key}` itself"
        ));
    }
    if !reserved.is_empty() {
        diagnostics.push(
            Diagnostic::new(
                Code::ImportDropped,
                span,
                format!(
                    "SLO `{}`: reserved label {} not carried over",
                    slo.name,
                    quoted(&reserved)
                ),
            )
            .label("this SLO")
            .help("vigil sets these labels itself; rename the label in the source to keep it"),
        );
    }
    labels
}

fn quoted(items: &[String]) -> String {
    items
        .iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn alerting(
    slo: &PromSlo,
    catalog: Option<&Catalog>,
    span: Span,
    notes: &mut Vec<String>,
    diagnostics: &mut Diagnostics,
) -> (Option<BurnDraft>, Option<BurnDraft>) {
    let a = &slo.alerting;
    let burn = |spec: &AlertSpec, windows: Option<&Vec<BurnWindow>>| {
        (!spec.disable).then(|| BurnDraft {
            windows: windows.cloned(),
            for_duration: None,
        })
    };
    let page = burn(&a.page_alert, catalog.map(|c| &c.page));
    let ticket = burn(&a.ticket_alert, catalog.map(|c| &c.ticket));
    let mut dropped = Vec::new();
    if page.is_some() || ticket.is_some() {
        if let Some(name) = &a.name {
            notes.push(format!("Sloth alert name {name}: vigil names the alerts <Slo>BurnRatePage and <Slo>BurnRateTicket"));
            dropped.push(String::from("alert name"));
        }
        for (what, map) in [
            ("alert label", &a.labels),
            ("alert annotation", &a.annotations),
            ("page alert label", &a.page_alert.labels),
            ("page alert annotation", &a.page_alert.annotations),
            ("ticket alert label", &a.ticket_alert.labels),
            ("ticket alert annotation", &a.ticket_alert.annotations),
        ] {
            for (key, value) in map {
                notes.push(format!("{what} {key}={value:?} not carried over"));
            }
            if !map.is_empty() {
                dropped.push(format!("{what}s"));
            }
        }
    }
    if !dropped.is_empty() {
        diagnostics.push(
            Diagnostic::new(
                Code::ImportDropped,
                span,
                format!("SLO `{}`: {} not carried over", slo.name, dropped.join(", ")),
            )
            .label("this SLO")
            .help("vigil names its alerts and routes them by tier; the values are kept as comments in the spec"),
        );
    }
    (page, ticket)
}

fn catalog(
    windows: &AlertWindows,
    doc: &Document<'_>,
    diagnostics: &mut Diagnostics,
) -> Option<(Duration, Catalog)> {
    let span = doc.span_of(&windows.spec);
    let spec = &windows.spec.value;
    let invalid = |what: &str| {
        Diagnostic::new(Code::ImportInvalid, span, format!("alert windows: {what}"))
            .label("this catalog")
            .help("durations are Prometheus durations (`5m`, `1h`, `30d`); budget percents are above 0")
    };
    let Ok(period) = Duration::parse(&spec.slo_period) else {
        diagnostics.push(invalid(&format!("`{}` is not a duration", spec.slo_period)));
        return None;
    };
    let window = |w: &WindowSpec| -> Option<BurnWindow> {
        let long = Duration::parse(&w.long_window).ok()?;
        let short = Duration::parse(&w.short_window).ok()?;
        let budget = decimal(w.error_budget_percent).filter(|b| *b > Decimal::ZERO)?;
        Some(BurnWindow::new(long, short, budget))
    };
    let all = [
        &spec.page.quick,
        &spec.page.slow,
        &spec.ticket.quick,
        &spec.ticket.slow,
    ];
    let parsed: Option<Vec<BurnWindow>> = all.into_iter().map(window).collect();
    let Some(mut parsed) = parsed else {
        diagnostics.push(invalid("a window has an invalid duration or budget"));
        return None;
    };
    let ticket = parsed.split_off(2);
    Some((
        period,
        Catalog {
            page: parsed,
            ticket,
        },
    ))
}
