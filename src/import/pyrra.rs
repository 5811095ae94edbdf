//! Pyrra `ServiceLevelObjective`s (`pyrra.dev/v1alpha1`): the Kubernetes resources and
//! the plain files Pyrra's filesystem mode reads, several `---` documents per file.
//!
//! Each indicator becomes a vigil `query` SLI over the same series Pyrra's rules read
//! (`ratio`, `latency`, `latencyNative`, `bool_gauge`), `grouping` becomes `group-by`, and
//! Pyrra's four burn-rate windows (scaled to the SLO's window) become the windows of the
//! page tier (Pyrra's `critical`) and the ticket tier (`warning`).

use std::collections::BTreeMap;

use serde_saphyr::Spanned;

use super::Draft;
use super::documents::{Document, documents};
use super::pyrra_schema::Resource;
use crate::codes::Code;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::source::{FileId, Sources, Span};

const API_VERSION: &str = "pyrra.dev/v1alpha1";
/// The version alone, as some generated files write it: Pyrra's filesystem mode reads them,
/// since it checks neither the version nor the kind.
const BARE_VERSION: &str = "v1alpha1";
const KIND: &str = "ServiceLevelObjective";

pub(crate) fn import(sources: &Sources, files: &[FileId], diagnostics: &mut Diagnostics) -> Draft {
    let mut draft = Draft::default();
    let mut seen: BTreeMap<(String, String), Span> = BTreeMap::new();
    for &file in files {
        let source = sources.get(file);
        draft
            .header
            .push(format!("imported from {} (Pyrra)", source.name));
        for doc in documents(file, &source.text) {
            let (resource, unknown) = match doc.parse_keys::<Spanned<Resource>>() {
                Ok(parsed) => parsed,
                Err(diagnostic) => {
                    diagnostics.push(diagnostic);
                    continue;
                }
            };
            let span = doc.span_of(&resource);
            let resource = resource.value;
            if !accept(&resource, &doc, diagnostics) {
                continue;
            }
            super::pyrra_keys::report(&doc, &unknown, diagnostics);
            let name = resource.metadata.name.clone().unwrap_or_default();
            let namespace = resource
                .metadata
                .namespace
                .clone()
                .unwrap_or_else(|| String::from("default"));
            let key = (namespace.clone(), name.clone());
            if let Some(first) = seen.get(&key) {
                diagnostics.push(
                    Diagnostic::new(
                        Code::ImportInvalid,
                        span,
                        format!("SLO `{name}` of namespace `{namespace}` is declared twice"),
                    )
                    .label("second declaration")
                    .note(*first, "first declared here")
                    .help("names are unique per namespace; remove or rename one"),
                );
                continue;
            }
            seen.insert(key, span);
            if let Some(slo) =
                super::pyrra_convert::convert(sources, &resource, &doc, span, diagnostics)
            {
                draft.slos.push(slo);
            }
        }
    }
    draft
}

/// Whether a document is a Pyrra SLO with a name and a spec; reports it when not.
fn accept(resource: &Resource, doc: &Document<'_>, diagnostics: &mut Diagnostics) -> bool {
    let (api, kind) = (resource.api_version.as_deref(), resource.kind.as_deref());
    if !matches!(api, Some(API_VERSION | BARE_VERSION)) || kind != Some(KIND) {
        diagnostics.push(
            Diagnostic::new(
                Code::ImportUnsupported,
                doc.head(),
                format!(
                    "not a Pyrra SLO: apiVersion `{}`, kind `{}`",
                    api.unwrap_or_default(),
                    kind.unwrap_or_default()
                ),
            )
            .label("this document")
            .help(format!(
                "vigil imports `apiVersion: {API_VERSION}`, `kind: {KIND}`"
            )),
        );
        return false;
    }
    let problem = if resource.metadata.name.as_deref().is_none_or(str::is_empty) {
        Some("the SLO has no `metadata.name`")
    } else if resource.spec.is_none() {
        Some("the SLO has no `spec`")
    } else {
        None
    };
    if let Some(message) = problem {
        diagnostics.push(
            Diagnostic::new(Code::ImportInvalid, doc.head(), message)
                .label("this document")
                .help("Pyrra requires it too"),
        );
    }
    problem.is_none()
}
