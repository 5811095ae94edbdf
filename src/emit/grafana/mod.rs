//! Grafana: the SLO overview (whole spec and per team), per service an SLO detail and a
//! metrics dashboard, and the provisioning files that load them. Dashboards are typed
//! structs serialized with `serde_json`; `targets { grafana }` picks the schema version.

use std::collections::HashMap;

mod dashboard;
mod metrics;
mod options;
mod overview;
mod panels;
mod provisioning;
mod slo;

use dashboard::{
    Annotations, Dashboard, DataSource, Grid, Item, Link, Panel, Templating, TimeRange, Variable,
    VariableOption,
};

use super::Artifact;
use crate::conventions::{
    self, GRAFANA_SHARED_FOLDER, UID_METRICS, UID_SLO_DETAIL, UID_SLO_OVERVIEW, UID_SLO_TEAM,
    dashboard_uid,
};
use crate::model::{
    Alert, Anomaly, Capacity, Metric, Model, Service, ServiceName, Slo, TeamName, Version,
};

/// What every dashboard builder needs besides its own subject.
pub(super) struct Context<'a> {
    model: &'a Model,
    version: Version,
}

impl Context<'_> {
    fn runbook_url(&self, alert: &str) -> String {
        conventions::runbook_url(self.model.settings.runbook_base_url.as_deref(), alert)
    }
}

/// The dashboard JSON schema version Grafana writes for a release: 11.6 and 12.0–12.1
/// write 41, 12.2 and later 42, earlier 11.x releases 39.
fn schema_version(version: Version) -> u32 {
    match (version.major, version.minor) {
        (major, _) if major > 12 => 42,
        (12, minor) if minor >= 2 => 42,
        (12, _) | (11, 6..) => 41,
        _ => 39,
    }
}

/// Every dashboard and provisioning file, each handed to `sink` as soon as it is made (a
/// large spec's dashboards are the biggest part of its output).
pub(crate) fn emit(model: &Model, sink: &mut dyn FnMut(Artifact)) {
    let mut folders = std::collections::BTreeSet::new();
    dashboards(model, &mut |folder, dashboard| {
        folders.insert(folder.to_owned());
        sink(Artifact::new(
            conventions::grafana_dashboard_path(folder, &dashboard.uid),
            to_json(&dashboard),
        ));
    });
    provisioning::emit(&folders).into_iter().for_each(sink);
}

/// What `vigil diff` compares of a dashboard.
pub(crate) struct Outline {
    pub(crate) uid: String,
    pub(crate) title: String,
    /// In the order Grafana shows them, the panels of rows included (rows only group).
    pub(crate) panels: Vec<PanelOutline>,
}

pub(crate) struct PanelOutline {
    pub(crate) title: String,
    pub(crate) queries: Vec<String>,
    pub(crate) unit: String,
}

/// Each dashboard's [`Outline`], read from the dashboards as they are built rather than
/// from their JSON: the diff builds two versions' dashboards and needs a small part of them.
pub(crate) fn outlines(model: &Model, visit: &mut dyn FnMut(Outline)) {
    let panel = |panel: Panel| PanelOutline {
        title: panel.title,
        queries: panel.targets.into_iter().map(|t| t.expr).collect(),
        unit: panel.field_config.defaults.unit,
    };
    dashboards(model, &mut |_, dashboard| {
        let mut panels = Vec::new();
        for item in dashboard.panels {
            match item {
                Item::Panel(one) => panels.push(panel(*one)),
                Item::Row(row) => panels.extend(row.panels.into_iter().map(panel)),
            }
        }
        visit(Outline {
            uid: dashboard.uid,
            title: dashboard.title,
            panels,
        });
    });
}

/// Every dashboard with the folder it goes in, each handed to `visit` as soon as it is
/// built.
fn dashboards(model: &Model, visit: &mut dyn FnMut(&str, Dashboard)) {
    let context = Context {
        model,
        version: model.targets.grafana,
    };
    let mut push = |folder: &str, dashboard: Dashboard| visit(folder, dashboard);
    // Grouped once: filtering every SLO per service is quadratic at thousands of services.
    let mut slos_of: HashMap<&ServiceName, Vec<&Slo>> = HashMap::new();
    for slo in &model.slos {
        slos_of.entry(&slo.service).or_default().push(slo);
    }
    let slos: Vec<&Slo> = model.slos.iter().collect();
    if !slos.is_empty() {
        let services: Vec<&Service> = model.services.iter().collect();
        push(
            GRAFANA_SHARED_FOLDER,
            overview::dashboard_of(&context, None, &services, &slos),
        );
    }
    for team in model.teams() {
        let owned: Vec<&Service> = model
            .services
            .iter()
            .filter(|s| s.team.as_ref() == Some(team) && slos_of.contains_key(&s.name))
            .collect();
        let owned_slos: Vec<&Slo> = owned
            .iter()
            .flat_map(|s| slos_of[&s.name].iter().copied())
            .collect();
        if !owned_slos.is_empty() {
            push(
                team.as_str(),
                overview::dashboard_of(&context, Some(team), &owned, &owned_slos),
            );
        }
    }
    let mut owned = owned_by_service(model);
    for service in &model.services {
        let folder = service
            .team
            .as_ref()
            .map_or(GRAFANA_SHARED_FOLDER, TeamName::as_str);
        if let Some(owned) = slos_of.get(&service.name) {
            push(folder, detail(&context, service, owned));
        }
        let catalog = owned.remove(&service.name).unwrap_or_default();
        let has_slos = slos_of.contains_key(&service.name);
        push(
            folder,
            metrics_dashboard(&context, service, &catalog, has_slos),
        );
    }
}

fn to_json(dashboard: &Dashboard) -> String {
    crate::emit::json::pretty(dashboard)
}

fn detail(context: &Context, service: &Service, slos: &[&Slo]) -> Dashboard {
    let mut grid = Grid::default();
    let panels = slo::detail(context, &mut grid, service, slos);
    let name = service.name.as_str();
    let mut links = vec![
        Link::dashboard("SLOs: overview", &dashboard_uid(UID_SLO_OVERVIEW, "slos")),
        Link::dashboard(format!("{name} metrics"), &dashboard_uid(UID_METRICS, name)),
    ];
    if let Some(team) = &service.team {
        links.insert(
            1,
            Link::dashboard(
                format!("SLOs: team {team}"),
                &dashboard_uid(UID_SLO_TEAM, team.as_str()),
            ),
        );
    }
    let identity = (
        dashboard_uid(UID_SLO_DETAIL, name),
        format!("{name} SLOs"),
        format!(
            "SLIs per window, burn rates against their alert thresholds and error budget of {name}."
        ),
    );
    let annotations = vec![slo::burn_annotation(context, service)];
    let mut dashboard = dashboard(
        context,
        identity,
        vec![datasource_variable()],
        annotations,
        links,
        panels,
    );
    dashboard.tags = conventions::GRAFANA_SLO_TAGS
        .iter()
        .map(|&tag| tag.to_owned())
        .collect();
    dashboard
}

/// What one service's metrics dashboard shows.
#[derive(Default)]
struct Owned<'a> {
    metrics: Vec<&'a Metric>,
    alerts: Vec<&'a Alert>,
    capacities: Vec<&'a Capacity>,
    anomalies: Vec<&'a Anomaly>,
}

/// Everything of the model grouped by the service it belongs to, in one pass.
fn owned_by_service(model: &Model) -> HashMap<&ServiceName, Owned<'_>> {
    let mut owned: HashMap<&ServiceName, Owned> = HashMap::new();
    for metric in &model.metrics {
        if let Some(service) = &metric.service {
            owned.entry(service).or_default().metrics.push(metric);
        }
    }
    for alert in &model.alerts {
        if let Some(service) = &alert.service {
            owned.entry(service).or_default().alerts.push(alert);
        }
    }
    for capacity in &model.capacities {
        if let Some(service) = &capacity.service {
            owned.entry(service).or_default().capacities.push(capacity);
        }
    }
    for anomaly in &model.anomalies {
        if let Some(service) = &anomaly.service {
            owned.entry(service).or_default().anomalies.push(anomaly);
        }
    }
    owned
}

fn metrics_dashboard(
    context: &Context,
    service: &Service,
    owned: &Owned,
    has_slos: bool,
) -> Dashboard {
    let mut grid = Grid::default();
    let mut panels = metrics::catalog(&mut grid, service, &owned.metrics);
    panels.extend(metrics::alerts(context, &mut grid, &owned.alerts));
    panels.extend(metrics::capacities(context, &mut grid, &owned.capacities));
    panels.extend(metrics::anomalies(&mut grid, &owned.anomalies));
    let name = service.name.as_str();
    let mut links = vec![Link::dashboard(
        "SLOs: overview",
        &dashboard_uid(UID_SLO_OVERVIEW, "slos"),
    )];
    if has_slos {
        links.push(Link::dashboard(
            format!("{name} SLOs"),
            &dashboard_uid(UID_SLO_DETAIL, name),
        ));
    }
    let identity = (
        dashboard_uid(UID_METRICS, name),
        format!("{name} metrics"),
        format!("The metric catalog of {name}, its alert thresholds, capacity and anomaly bands."),
    );
    let variables = vec![
        datasource_variable(),
        job_variable(service),
        instance_variable(service),
    ];
    dashboard(context, identity, variables, Vec::new(), links, panels)
}

fn dashboard(
    context: &Context,
    (uid, title, description): (String, String, String),
    variables: Vec<Variable>,
    annotations: Vec<dashboard::Annotation>,
    links: Vec<Link>,
    panels: Vec<Item>,
) -> Dashboard {
    Dashboard {
        uid,
        title,
        description,
        tags: conventions::GRAFANA_TAGS
            .iter()
            .map(|&tag| tag.to_owned())
            .collect(),
        timezone: "utc",
        editable: false,
        graph_tooltip: 1,
        time: TimeRange {
            from: String::from("now-24h"),
            to: "now",
        },
        refresh: "1m",
        schema_version: schema_version(context.version),
        templating: Templating { list: variables },
        annotations: Annotations { list: annotations },
        links,
        panels,
    }
}

fn datasource_variable() -> Variable {
    Variable {
        kind: "datasource",
        name: "datasource",
        label: "Data source",
        description: String::from("The Prometheus the panels query."),
        query: String::from("prometheus"),
        datasource: None,
        current: Some(VariableOption {
            text: String::from(DataSource::PROVISIONED.uid),
            value: String::from(DataSource::PROVISIONED.uid),
        }),
        multi: false,
        include_all: false,
        all_value: None,
        refresh: 1,
        sort: 0,
    }
}

/// The service's selector as a series matcher for variable queries.
fn selector_of(service: &Service) -> String {
    service
        .selector
        .iter()
        .map(|(label, value)| conventions::matcher_equal(label.as_str(), value))
        .collect::<Vec<_>>()
        .join(", ")
}

fn query_variable(
    name: &'static str,
    label: &'static str,
    description: String,
    query: String,
) -> Variable {
    Variable {
        kind: "query",
        name,
        label,
        description,
        query,
        datasource: Some(DataSource::VARIABLE),
        current: None,
        multi: true,
        include_all: true,
        all_value: Some(".+"),
        refresh: 2,
        sort: 1,
    }
}

fn job_variable(service: &Service) -> Variable {
    query_variable(
        "job",
        "Job",
        format!("Scrape jobs of {}.", service.name),
        format!("label_values(up{{{}}}, job)", selector_of(service)),
    )
}

fn instance_variable(service: &Service) -> Variable {
    let mut matchers = selector_of(service);
    if !matchers.is_empty() {
        matchers.push_str(", ");
    }
    query_variable(
        "instance",
        "Instance",
        format!("Instances of {} in the selected jobs.", service.name),
        format!("label_values(up{{{matchers}job=~\"$job\"}}, instance)"),
    )
}

#[cfg(test)]
mod tests {
    use super::schema_version;
    use crate::model::Version;

    #[test]
    fn schema_version_follows_the_target() {
        assert_eq!(schema_version(Version::new(11, 0)), 39);
        assert_eq!(schema_version(Version::new(11, 6)), 41);
        assert_eq!(schema_version(Version::new(12, 0)), 41);
        assert_eq!(schema_version(Version::new(12, 3)), 42);
    }
}
