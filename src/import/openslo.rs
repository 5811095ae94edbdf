//! OpenSLO v1 and v1alpha: `Service`, `SLI`, `SLO`, `AlertPolicy`, `AlertCondition`,
//! `AlertNotificationTarget` and `DataSource` objects, inline or referenced by name across
//! all input files. Only what has an exact vigil meaning is imported (Prometheus queries,
//! Occurrences budgeting, rolling windows and UTC calendar weeks and months, burn-rate
//! conditions); everything else is a coded diagnostic, never a guess.

use serde_saphyr::Spanned;

use super::documents::{Document, documents};
use super::openslo_map as map;
use super::openslo_schema::{Located, Object};
use super::openslo_support::Pool;
use super::{Draft, origin};
use crate::codes::Code;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::source::{FileId, Sources};

const KINDS: &[&str] = &[
    "Service",
    "SLI",
    "SLO",
    "AlertPolicy",
    "AlertCondition",
    "AlertNotificationTarget",
    "DataSource",
];

pub(crate) fn import(sources: &Sources, files: &[FileId], diagnostics: &mut Diagnostics) -> Draft {
    let mut draft = Draft::default();
    let mut docs = Vec::new();
    for &file in files {
        let source = sources.get(file);
        draft
            .header
            .push(format!("imported from {} (OpenSLO)", source.name));
        docs.extend(documents(file, &source.text));
    }
    import_documents(sources, &docs, None, &mut draft, diagnostics);
    draft
}

/// Reads every object of `docs` into one pool (references resolve across files), then
/// maps each SLO.
pub(crate) fn import_documents(
    sources: &Sources,
    docs: &[Document<'_>],
    default_period: Option<crate::model::Duration>,
    draft: &mut Draft,
    diagnostics: &mut Diagnostics,
) {
    let mut objects = Vec::new();
    for doc in docs {
        let parsed = if doc.is_sequence() {
            doc.parse_keys::<Vec<Spanned<Object>>>()
        } else {
            doc.parse_keys::<Spanned<Object>>()
                .map(|(o, keys)| (vec![o], keys))
        };
        match parsed {
            Ok((list, unknown)) => {
                // Objects of other versions are refused whole: their keys are not judged.
                let kinds: Vec<Option<String>> = list
                    .iter()
                    .map(|o| {
                        let api = o.value.api_version.as_deref();
                        matches!(api, Some("openslo/v1" | "openslo/v1alpha"))
                            .then(|| o.value.kind.clone().unwrap_or_default())
                    })
                    .collect();
                super::openslo_keys::report(doc, &kinds, &unknown, diagnostics);
                objects.extend(list.into_iter().map(|o| Located {
                    span: doc.span_of(&o),
                    object: o.value,
                }));
            }
            Err(diagnostic) => diagnostics.push(diagnostic),
        }
    }
    let mut pool = Pool {
        default_period,
        ..Pool::default()
    };
    for located in objects {
        if let Some(kind) = accept(&located, diagnostics) {
            let name = located.object.metadata.name.clone().unwrap_or_default();
            let objects = pool.by_kind.entry(kind.clone()).or_default();
            if let Some(first) = objects.get(&name) {
                diagnostics.push(
                    Diagnostic::new(
                        Code::ImportInvalid,
                        located.span,
                        format!("{kind} `{name}` is declared twice"),
                    )
                    .label("second declaration")
                    .note(first.span, "first declared here")
                    .help("names are unique per kind; remove or rename one"),
                );
                continue;
            }
            objects.insert(name, located);
        }
    }
    let slos: Vec<&Located> = pool
        .by_kind
        .get("SLO")
        .map(|m| m.values().collect())
        .unwrap_or_default();
    for slo in slos {
        let converted = map::slo(&pool, slo, diagnostics);
        for mut draft_slo in converted {
            draft_slo.origin = origin(sources, slo.span);
            draft.slos.push(draft_slo);
        }
    }
}

/// Checks the version and kind; returns the kind of an object the importer keeps.
fn accept(located: &Located, diagnostics: &mut Diagnostics) -> Option<String> {
    let object = &located.object;
    let (Some(api), Some(kind)) = (&object.api_version, &object.kind) else {
        diagnostics.push(
            Diagnostic::new(
                Code::ImportInvalid,
                located.span,
                "an OpenSLO object needs `apiVersion` and `kind`",
            )
            .label("this object"),
        );
        return None;
    };
    if api != "openslo/v1" && api != "openslo/v1alpha" {
        diagnostics.push(
            Diagnostic::new(
                Code::ImportUnsupported,
                located.span,
                format!("apiVersion `{api}` is not supported"),
            )
            .label("this object")
            .help("vigil imports `openslo/v1` and `openslo/v1alpha`"),
        );
        return None;
    }
    if !KINDS.contains(&kind.as_str()) {
        diagnostics.push(
            Diagnostic::new(
                Code::ImportInvalid,
                located.span,
                format!("`{kind}` is not an OpenSLO kind"),
            )
            .label("this object")
            .help(format!("the kinds are {}", KINDS.join(", "))),
        );
        return None;
    }
    if object.metadata.name.as_deref().is_none_or(str::is_empty) {
        diagnostics.push(
            Diagnostic::new(
                Code::ImportInvalid,
                located.span,
                format!("the {kind} has no `metadata.name`"),
            )
            .label("this object"),
        );
        return None;
    }
    Some(kind.clone())
}
