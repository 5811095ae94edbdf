//! Sloth's documents as vigil reads them (`prometheus/v1`, the Kubernetes
//! `PrometheusServiceLevel`, `AlertWindows`), with the keys it knows but does not read
//! typed as unread, so unknown keys can be reported; and the refusal of plugins, which are
//! Go code.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_saphyr::Spanned;

use super::documents::Document;
use crate::codes::Code;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::BurnWindow;
use crate::source::Span;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Header {
    pub(super) version: Option<Spanned<String>>,
    pub(super) api_version: Option<Spanned<String>>,
    pub(super) kind: Option<Spanned<String>>,
}

/// A key the importer does not read but Sloth knows, so that it is not reported unknown.
type Known = super::unknown_keys::Unread;

#[derive(Deserialize)]
pub(super) struct PromSpec {
    #[serde(default, rename = "version")]
    _version: Known,
    pub(super) service: String,
    #[serde(default)]
    pub(super) labels: BTreeMap<String, String>,
    #[serde(default, alias = "sloPlugins")]
    pub(super) slo_plugins: Option<Plugins>,
    #[serde(default)]
    pub(super) slos: Vec<Spanned<PromSlo>>,
}

#[derive(Deserialize)]
pub(super) struct K8sResource {
    #[serde(default, rename = "apiVersion")]
    _api_version: Known,
    #[serde(default, rename = "kind")]
    _kind: Known,
    #[serde(default, rename = "metadata")]
    _metadata: Known,
    pub(super) spec: PromSpec,
}

#[derive(Deserialize)]
pub(super) struct PromSlo {
    pub(super) name: String,
    pub(super) objective: f64,
    pub(super) description: Option<String>,
    #[serde(default)]
    pub(super) labels: BTreeMap<String, String>,
    pub(super) sli: PromSli,
    #[serde(default)]
    pub(super) alerting: PromAlerting,
    pub(super) plugins: Option<Plugins>,
}

#[derive(Deserialize)]
pub(super) struct Plugins {
    #[serde(default, rename = "overridePrevious", alias = "override_previous")]
    _override_previous: Known,
    #[serde(default)]
    pub(super) chain: Vec<PluginRef>,
}

#[derive(Deserialize)]
pub(super) struct PluginRef {
    pub(super) id: Spanned<String>,
    #[serde(default, rename = "priority")]
    _priority: Known,
    #[serde(default, rename = "config")]
    _config: Known,
    #[serde(default, rename = "options")]
    _options: Known,
}

#[derive(Deserialize)]
pub(super) struct PromSli {
    pub(super) raw: Option<RawSli>,
    pub(super) events: Option<EventsSli>,
    pub(super) plugin: Option<PluginRef>,
}

#[derive(Deserialize)]
pub(super) struct RawSli {
    #[serde(alias = "errorRatioQuery")]
    pub(super) error_ratio_query: Spanned<String>,
}

#[derive(Deserialize)]
pub(super) struct EventsSli {
    #[serde(alias = "errorQuery")]
    pub(super) error_query: Spanned<String>,
    #[serde(alias = "totalQuery")]
    pub(super) total_query: Spanned<String>,
}

#[derive(Deserialize, Default)]
pub(super) struct PromAlerting {
    pub(super) name: Option<String>,
    #[serde(default)]
    pub(super) labels: BTreeMap<String, String>,
    #[serde(default)]
    pub(super) annotations: BTreeMap<String, String>,
    #[serde(default, alias = "pageAlert")]
    pub(super) page_alert: AlertSpec,
    #[serde(default, alias = "ticketAlert")]
    pub(super) ticket_alert: AlertSpec,
}

#[derive(Deserialize, Default)]
pub(super) struct AlertSpec {
    #[serde(default)]
    pub(super) disable: bool,
    #[serde(default)]
    pub(super) labels: BTreeMap<String, String>,
    #[serde(default)]
    pub(super) annotations: BTreeMap<String, String>,
}

#[derive(Deserialize)]
pub(super) struct AlertWindows {
    #[serde(default, rename = "apiVersion")]
    _api_version: Known,
    #[serde(default, rename = "kind")]
    _kind: Known,
    #[serde(default, rename = "metadata")]
    _metadata: Known,
    pub(super) spec: Spanned<WindowsSpec>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct WindowsSpec {
    pub(super) slo_period: String,
    pub(super) page: WindowPair,
    pub(super) ticket: WindowPair,
}

#[derive(Deserialize)]
pub(super) struct WindowPair {
    pub(super) quick: WindowSpec,
    pub(super) slow: WindowSpec,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct WindowSpec {
    pub(super) error_budget_percent: f64,
    pub(super) short_window: String,
    pub(super) long_window: String,
}

/// Burn windows of one period: page then ticket, fast then slow.
pub(super) struct Catalog {
    pub(super) page: Vec<BurnWindow>,
    pub(super) ticket: Vec<BurnWindow>,
}

pub(super) fn report_plugins(
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

pub(super) fn plugin_diagnostic(span: Span, id: &str, what: &str) -> Diagnostic {
    Diagnostic::new(
        Code::ImportPlugin,
        span,
        format!("{what} `{id}` is Go code vigil cannot convert"),
    )
    .label("plugin")
}
