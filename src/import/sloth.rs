//! Sloth specs: `prometheus/v1` files (several documents allowed), Kubernetes
//! `PrometheusServiceLevel` resources, `AlertWindows` catalogs, and the `openslo/v1alpha`
//! SLOs Sloth also reads (handed to the OpenSLO importer).
//!
//! Sloth's SLIs are `PromQL` templates over `{{.window}}`, so they become vigil `query`
//! SLIs with the same expressions. One period applies to the whole import, as in Sloth
//! (`--default-slo-period`); its burn windows come from a catalog given among the inputs,
//! else from Sloth's built-in Google catalogs, which are vigil's defaults.

use std::collections::BTreeMap;

use serde_saphyr::Spanned;

use super::Draft;
use super::documents::{Document, documents};
use super::sloth_keys::Shape;
use super::sloth_schema::{AlertWindows, Catalog, Header, K8sResource, PromSpec, report_plugins};
use crate::codes::Code;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::Duration;
use crate::source::{FileId, Sources, Span};

/// Options matching Sloth's command line.
#[derive(Debug, Clone, Default)]
pub struct SlothOptions {
    /// Sloth's `--default-slo-period` (30d when absent).
    pub period: Option<Duration>,
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
                Kind::Prometheus => {
                    let parsed = checked::<PromSpec>(&doc, Shape::Prometheus, diagnostics);
                    collect(parsed, doc, &mut specs, diagnostics);
                }
                Kind::Kubernetes => {
                    let parsed = checked::<K8sResource>(&doc, Shape::Kubernetes, diagnostics);
                    collect(parsed.map(|k| k.spec), doc, &mut specs, diagnostics);
                }
                Kind::Windows => match checked::<AlertWindows>(&doc, Shape::Windows, diagnostics) {
                    Ok(windows) => {
                        if let Some((period, catalog)) = super::sloth_convert::catalog(&windows, &doc, diagnostics) {
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
    let mut seen: BTreeMap<(String, String), Span> = BTreeMap::new();
    let mut alert_names: BTreeMap<String, Span> = BTreeMap::new();
    for (spec, doc) in specs {
        if spec.service.trim().is_empty() {
            diagnostics.push(
                Diagnostic::new(Code::ImportInvalid, doc.head(), "the spec has no `service`")
                    .label("this document")
                    .help("Sloth requires a service name"),
            );
            continue;
        }
        for slo in &spec.slos {
            let span = doc.span_of(slo);
            let key = (spec.service.clone(), slo.value.name.clone());
            if let Some(first) = seen.get(&key) {
                diagnostics.push(
                    Diagnostic::new(
                        Code::ImportInvalid,
                        span,
                        format!("SLO `{}` of service `{}` is declared twice", key.1, key.0),
                    )
                    .label("second declaration")
                    .note(*first, "first declared here")
                    .help("Sloth refuses duplicate SLOs; remove or rename one"),
                );
                continue;
            }
            seen.insert(key, span);
            if let Some(slo) = super::sloth_convert::convert(
                sources,
                &spec,
                slo,
                &doc,
                period,
                windows.as_ref(),
                diagnostics,
            ) {
                draft.slos.push(super::sloth_alerts::unique_names(
                    slo,
                    span,
                    &mut alert_names,
                    diagnostics,
                ));
            }
        }
    }
    super::openslo::import_documents(sources, &openslo, Some(period), &mut draft, diagnostics);
    draft
}

/// Parses a document, reporting every key Sloth does not define.
#[allow(
    clippy::result_large_err,
    reason = "one diagnostic per failed document, never on a hot path"
)]
fn checked<T: serde::de::DeserializeOwned>(
    doc: &Document<'_>,
    shape: Shape,
    diagnostics: &mut Diagnostics,
) -> Result<T, Diagnostic> {
    let (value, unknown) = doc.parse_keys::<T>()?;
    super::sloth_keys::report(shape, doc, &unknown, diagnostics);
    Ok(value)
}

pub(super) enum Kind {
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
