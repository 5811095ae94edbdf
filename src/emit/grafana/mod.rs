//! Grafana: the SLO overview (whole spec and per team), per service an SLO detail and a
//! metrics dashboard, and the provisioning files that load them. Dashboards are typed
//! structs serialized with `serde_json`; `targets { grafana }` picks the schema version.

mod dashboard;
mod metrics;
mod panels;
mod provisioning;
mod slo;

use dashboard::{
    Annotations, Dashboard, DataSource, Grid, Item, Link, Templating, TimeRange, Variable,
    VariableOption,
};

use super::Artifact;
use crate::conventions::{
    self, GRAFANA_SHARED_FOLDER, UID_METRICS, UID_SLO_DETAIL, UID_SLO_OVERVIEW, UID_SLO_TEAM,
    dashboard_uid,
};
use crate::model::{Model, Service, Slo, TeamName, Version};

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

pub(super) fn emit(model: &Model) -> Vec<Artifact> {
    let context = Context {
        model,
        version: model.targets.grafana,
    };
    let mut artifacts = Vec::new();
    let mut folders = std::collections::BTreeSet::new();
    let mut push = |folder: &str, dashboard: &Dashboard| {
        folders.insert(folder.to_owned());
        artifacts.push(Artifact::new(
            conventions::grafana_dashboard_path(folder, &dashboard.uid),
            to_json(dashboard),
        ));
    };
    let services: Vec<&Service> = model.services.iter().collect();
    let slos: Vec<&Slo> = model.slos.iter().collect();
    if !slos.is_empty() {
        push(
            GRAFANA_SHARED_FOLDER,
            &overview(&context, None, &services, &slos),
        );
    }
    for team in model.teams() {
        let owned: Vec<&Service> = services
            .iter()
            .copied()
            .filter(|s| s.team.as_ref() == Some(team))
            .collect();
        let owned_slos: Vec<&Slo> = slos
            .iter()
            .copied()
            .filter(|s| owned.iter().any(|o| o.name == s.service))
            .collect();
        if !owned_slos.is_empty() {
            push(
                team.as_str(),
                &overview(&context, Some(team), &owned, &owned_slos),
            );
        }
    }
    for service in &services {
        let folder = service
            .team
            .as_ref()
            .map_or(GRAFANA_SHARED_FOLDER, TeamName::as_str);
        let owned: Vec<&Slo> = slos
            .iter()
            .copied()
            .filter(|s| s.service == service.name)
            .collect();
        if !owned.is_empty() {
            push(folder, &detail(&context, service, &owned));
        }
        push(folder, &service_metrics(&context, service));
    }
    artifacts.extend(provisioning::emit(&folders));
    artifacts
}

fn to_json(dashboard: &Dashboard) -> String {
    // Typed structs of strings, numbers and lists cannot fail to serialize.
    let mut json = serde_json::to_string_pretty(dashboard).expect("dashboards serialize to JSON");
    json.push('\n');
    json
}

fn overview(
    context: &Context,
    team: Option<&TeamName>,
    services: &[&Service],
    slos: &[&Slo],
) -> Dashboard {
    let mut grid = Grid::default();
    let panels = slo::overview(
        &mut grid,
        services,
        slos,
        context.model.settings.runbook_base_url.as_deref(),
    );
    let (uid, title, scope) = match team {
        Some(team) => (
            dashboard_uid(UID_SLO_TEAM, team.as_str()),
            format!("SLOs: team {team}"),
            format!("team {team}"),
        ),
        None => (
            dashboard_uid(UID_SLO_OVERVIEW, "slos"),
            String::from("SLOs: overview"),
            String::from("every service"),
        ),
    };
    let mut links = Vec::new();
    if team.is_some() {
        links.push(Link::dashboard(
            "SLOs: overview",
            &dashboard_uid(UID_SLO_OVERVIEW, "slos"),
        ));
    }
    for service in services {
        if slos.iter().any(|s| s.service == service.name) {
            links.push(Link::dashboard(
                format!("{} SLOs", service.name),
                &dashboard_uid(UID_SLO_DETAIL, service.name.as_str()),
            ));
        }
    }
    let description = format!(
        "Every SLO of {scope}: objective, SLI over its period, budget left, burn rate and status."
    );
    dashboard(
        context,
        (uid, title, description),
        vec![datasource_variable()],
        Vec::new(),
        links,
        panels,
    )
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
    dashboard(
        context,
        identity,
        vec![datasource_variable()],
        annotations,
        links,
        panels,
    )
}

fn service_metrics(context: &Context, service: &Service) -> Dashboard {
    let mut grid = Grid::default();
    let model = context.model;
    let owned = |s: Option<&crate::model::ServiceName>| s == Some(&service.name);
    let catalog: Vec<_> = model
        .metrics
        .iter()
        .filter(|m| owned(m.service.as_ref()))
        .collect();
    let alerts: Vec<_> = model
        .alerts
        .iter()
        .filter(|a| owned(a.service.as_ref()))
        .collect();
    let capacities: Vec<_> = model
        .capacities
        .iter()
        .filter(|c| owned(c.service.as_ref()))
        .collect();
    let anomalies: Vec<_> = model
        .anomalies
        .iter()
        .filter(|a| owned(a.service.as_ref()))
        .collect();
    let mut panels = metrics::catalog(&mut grid, service, &catalog);
    panels.extend(metrics::alerts(context, &mut grid, &alerts));
    panels.extend(metrics::capacities(context, &mut grid, &capacities));
    panels.extend(metrics::anomalies(&mut grid, &anomalies));
    let name = service.name.as_str();
    let mut links = vec![Link::dashboard(
        "SLOs: overview",
        &dashboard_uid(UID_SLO_OVERVIEW, "slos"),
    )];
    if model.slos.iter().any(|s| s.service == service.name) {
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
        tags: vec![String::from("vigil")],
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
