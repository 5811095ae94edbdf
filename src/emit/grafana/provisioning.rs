//! Provisioning files to mount into Grafana: one dashboard provider per folder (a team,
//! or the shared one), and the Prometheus data source the dashboards default to.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::conventions::{
    GRAFANA_DASHBOARDS_MOUNT, GRAFANA_DATASOURCE_UID, GRAFANA_PROVISIONING_DASHBOARDS,
    GRAFANA_PROVISIONING_DATASOURCES,
};
use crate::emit::Artifact;
use crate::emit::yaml::to_yaml;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DashboardProviders {
    api_version: u8,
    providers: Vec<Provider>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Provider {
    name: String,
    org_id: u8,
    folder: String,
    #[serde(rename = "type")]
    kind: &'static str,
    /// Removing a dashboard from the spec removes it from Grafana.
    disable_deletion: bool,
    /// The spec is the source of truth: edits in the UI are not saved.
    allow_ui_updates: bool,
    update_interval_seconds: u32,
    options: ProviderOptions,
}

#[derive(Serialize)]
struct ProviderOptions {
    path: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DataSources {
    api_version: u8,
    datasources: Vec<DataSource>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DataSource {
    name: &'static str,
    uid: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
    access: &'static str,
    url: &'static str,
    is_default: bool,
    editable: bool,
}

pub(super) fn emit(folders: &BTreeSet<String>) -> Vec<Artifact> {
    let providers = folders
        .iter()
        .map(|folder| Provider {
            name: format!("vigil-{folder}"),
            org_id: 1,
            folder: folder.clone(),
            kind: "file",
            disable_deletion: false,
            allow_ui_updates: false,
            update_interval_seconds: 60,
            options: ProviderOptions {
                path: format!("{GRAFANA_DASHBOARDS_MOUNT}/{folder}"),
            },
        })
        .collect();
    let datasources = DataSources {
        api_version: 1,
        datasources: vec![DataSource {
            name: "Prometheus",
            uid: GRAFANA_DATASOURCE_UID,
            kind: "prometheus",
            access: "proxy",
            // Edit to your Prometheus; the dashboards select it through `$datasource`.
            url: "http://localhost:9090",
            is_default: true,
            editable: false,
        }],
    };
    vec![
        Artifact::new(
            GRAFANA_PROVISIONING_DASHBOARDS,
            to_yaml(&DashboardProviders {
                api_version: 1,
                providers,
            }),
        ),
        Artifact::new(GRAFANA_PROVISIONING_DATASOURCES, to_yaml(&datasources)),
    ]
}
