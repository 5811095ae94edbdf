//! The SLO overviews (every SLO, and one per team): one table with a row per SLO, read
//! from the `slo:*` recording rules. Its size does not grow with the number of SLOs, so a
//! spec of thousands of SLOs still yields a dashboard Grafana can open (five stat panels
//! per SLO made the overview of 1,000 SLOs an 11 MB JSON document).

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::dashboard::{Dashboard, Grid, Link};
use super::panels::{PanelSpec, status_map};
use super::slo::{at_risk_below, breached_below};
use super::{Context, dashboard, datasource_variable};
use crate::conventions::{
    self, DOC_SLOS, LABEL_SERVICE, LABEL_SLO, SLO_CURRENT_BURN_RATE_RULE, SLO_ERROR_BUDGET_RULE,
    SLO_OBJECTIVE_RULE, SLO_PERIOD_BUDGET_REMAINING_RULE, SLO_PERIOD_BURN_RATE_RULE,
    UID_SLO_DETAIL, UID_SLO_OVERVIEW, UID_SLO_TEAM, dashboard_uid, matcher_equal,
};
use crate::model::{Decimal, Service, Slo, TeamName, format_decimal};

/// The table's columns: the query's `Value #X` field, its header, unit and decimals.
const COLUMNS: [(&str, &str, &str, u32); 5] = [
    ("Value #A", "Objective", "percentunit", 3),
    ("Value #B", "SLI over the period", "percentunit", 3),
    ("Value #C", "Error budget remaining", "percentunit", 1),
    ("Value #D", "Current burn rate", "short", 2),
    ("Value #E", "Status", "short", 0),
];

/// The overview of `slos` (all of them, or those of `team`'s `services`).
pub(super) fn dashboard_of(
    context: &Context,
    team: Option<&TeamName>,
    services: &[&Service],
    slos: &[&Slo],
) -> Dashboard {
    let overview_uid = dashboard_uid(UID_SLO_OVERVIEW, "slos");
    let (uid, title, scope, links) = if let Some(team) = team {
        let mut links = vec![Link::dashboard("SLOs: overview", &overview_uid)];
        links.extend(services.iter().map(|service| {
            Link::dashboard(
                format!("{} SLOs", service.name),
                &dashboard_uid(UID_SLO_DETAIL, service.name.as_str()),
            )
        }));
        let uid = dashboard_uid(UID_SLO_TEAM, team.as_str());
        (
            uid,
            format!("SLOs: team {team}"),
            format!("team {team}"),
            links,
        )
    } else {
        // One drop-down of every service's SLO detail, however many services there are.
        let links = vec![Link::tagged("Service SLOs", conventions::GRAFANA_SLO_TAGS)];
        let scope = String::from("every service");
        (overview_uid, String::from("SLOs: overview"), scope, links)
    };
    let filter = team.map(|_| service_filter(services));
    let mut grid = Grid::default();
    let rows = u32::try_from(slos.len()).unwrap_or(u32::MAX);
    let table = table(context, filter.as_deref(), services, slos).sorted_table(
        &mut grid,
        (24, rows.saturating_add(3).clamp(8, 30)),
        "Error budget remaining",
    );
    let description = format!(
        "Every SLO of {scope}, one row each: objective, SLI over its period, budget left, burn rate and status."
    );
    dashboard(
        context,
        (uid, title, description),
        vec![datasource_variable()],
        Vec::new(),
        links,
        vec![table],
    )
}

/// `service="a"` or `service=~"a|b"`: the services a team overview shows. Service names
/// are identifiers, so they need no regex escaping.
fn service_filter(services: &[&Service]) -> String {
    if let [one] = services {
        matcher_equal(LABEL_SERVICE, one.name.as_str())
    } else {
        let names: Vec<&str> = services.iter().map(|s| s.name.as_str()).collect();
        format!("{LABEL_SERVICE}=~\"{}\"", names.join("|"))
    }
}

/// Series selected by `filter`, reduced to one per SLO so that the five queries join
/// row by row whatever extra labels an SLO's series carry.
fn per_slo(expr: &str) -> String {
    format!("max by ({LABEL_SERVICE}, {LABEL_SLO}) ({expr})")
}

fn table(
    context: &Context,
    filter: Option<&str>,
    services: &[&Service],
    slos: &[&Slo],
) -> PanelSpec {
    let select = filter.map_or_else(String::new, |f| format!("{{{f}}}"));
    let description = "One row per SLO. Status: met, at risk (budget consumed past the SLO's \
         budget-consumed alert, 50 % without one) or breached (past its budget-exhausted \
         alert, 100 % without one). Burn rate 1 spends exactly the budget over the period.";
    let mut panel = PanelSpec::new("SLOs", description, "short")
        .query(per_slo(&format!("{SLO_OBJECTIVE_RULE}{select}")), "")
        .query(
            per_slo(&format!(
                "1 - {SLO_PERIOD_BURN_RATE_RULE}{select} * {SLO_ERROR_BUDGET_RULE}{select}"
            )),
            "",
        )
        .query(
            per_slo(&format!("{SLO_PERIOD_BUDGET_REMAINING_RULE}{select}")),
            "",
        )
        .query(
            per_slo(&format!("{SLO_CURRENT_BURN_RATE_RULE}{select}")),
            "",
        )
        .query(status(&select, slos), "")
        .transformation(json!({ "id": "merge", "options": {} }))
        .transformation(organize());
    for (_, header, unit, decimals) in COLUMNS {
        panel = panel.column(header, &column_properties(header, unit, decimals));
    }
    panel.column(LABEL_SLO, &[links(context, services)])
}

/// 0 met, 1 at risk, 2 breached. SLOs whose thresholds differ from the most common
/// pair are listed one by one in front (`or` keeps the left side's series); the rest
/// share one expression over `select`.
fn status(select: &str, slos: &[&Slo]) -> String {
    let mut groups: BTreeMap<(Decimal, Decimal), Vec<&Slo>> = BTreeMap::new();
    for slo in slos {
        groups
            .entry((breached_below(slo), at_risk_below(slo)))
            .or_default()
            .push(slo);
    }
    let common = groups
        .iter()
        .max_by_key(|(_, members)| members.len())
        .map(|(levels, _)| *levels);
    let compare = |remaining: &str, (breached, at_risk): (Decimal, Decimal)| {
        let remaining = per_slo(remaining);
        format!(
            "({remaining} <= bool {}) + ({remaining} < bool {})",
            format_decimal(breached),
            format_decimal(at_risk)
        )
    };
    let mut parts: Vec<String> = groups
        .iter()
        .filter(|(levels, _)| Some(**levels) != common)
        .map(|(levels, members)| {
            let selectors: Vec<String> = members
                .iter()
                .map(|slo| {
                    format!(
                        "{SLO_PERIOD_BUDGET_REMAINING_RULE}{{{}, {}}}",
                        matcher_equal(LABEL_SERVICE, slo.service.as_str()),
                        matcher_equal(LABEL_SLO, slo.name.as_str())
                    )
                })
                .collect();
            format!("({})", compare(&selectors.join(" or "), *levels))
        })
        .collect();
    if let Some(levels) = common {
        let all = format!("{SLO_PERIOD_BUDGET_REMAINING_RULE}{select}");
        parts.push(format!("({})", compare(&all, levels)));
    }
    parts.join(" or ")
}

/// Joined rows get readable headers, `service` and `slo` first, no time column.
fn organize() -> Value {
    let mut rename = serde_json::Map::new();
    let mut order = serde_json::Map::new();
    order.insert(LABEL_SERVICE.to_owned(), json!(0));
    order.insert(LABEL_SLO.to_owned(), json!(1));
    for (index, (field, header, _, _)) in COLUMNS.into_iter().enumerate() {
        rename.insert(field.to_owned(), json!(header));
        order.insert(field.to_owned(), json!(index + 2));
    }
    json!({
        "id": "organize",
        "options": {
            "excludeByName": { "Time": true },
            "indexByName": order,
            "renameByName": rename,
        },
    })
}

fn column_properties(header: &str, unit: &str, decimals: u32) -> Vec<Value> {
    let mut properties = vec![
        json!({ "id": "unit", "value": unit }),
        json!({ "id": "decimals", "value": decimals }),
    ];
    let steps = match header {
        "Current burn rate" => Some(json!([
            { "color": "green", "value": null },
            { "color": "orange", "value": 1 },
        ])),
        "Status" => Some(json!([
            { "color": "green", "value": null },
            { "color": "orange", "value": 1 },
            { "color": "red", "value": 2 },
        ])),
        _ => None,
    };
    if let Some(steps) = steps {
        properties
            .push(json!({ "id": "thresholds", "value": { "mode": "absolute", "steps": steps } }));
        properties.push(json!({ "id": "custom.cellOptions", "value": { "type": "color-text" } }));
    }
    if header == "Status" {
        properties.push(json!({ "id": "mappings", "value": [status_map()] }));
    }
    properties
}

/// A row's SLO name links to its service's detail dashboard and its catalog entry.
/// The detail link is built from the row's `service` field, which works while the
/// dashboard uid is the plain `vigil-slo-<service>`; a longer name gets a hashed uid,
/// so then the link searches for the service's dashboards instead.
fn links(context: &Context, services: &[&Service]) -> Value {
    let plain = services.iter().all(|s| {
        dashboard_uid(UID_SLO_DETAIL, s.name.as_str())
            == format!("vigil-{UID_SLO_DETAIL}-{}", s.name)
    });
    let detail = if plain {
        format!(
            "/d/vigil-{UID_SLO_DETAIL}-${{__data.fields.{LABEL_SERVICE}}}?${{__url_time_range}}"
        )
    } else {
        format!("/dashboards?query=${{__data.fields.{LABEL_SERVICE}}}&tag=vigil")
    };
    let base = context.model.settings.runbook_base_url.as_deref();
    let catalog = match base {
        Some(base) => format!("{}/{DOC_SLOS}", base.trim_end_matches('/')),
        None => String::from(DOC_SLOS),
    };
    json!({ "id": "links", "value": [
        { "title": format!("SLO detail of ${{__data.fields.{LABEL_SERVICE}}}"), "url": detail },
        {
            "title": "SLO catalog entry",
            // The anchor of the heading `conventions::slo_heading` makes: `slo (service)`.
            "url": format!("{catalog}#${{__data.fields.{LABEL_SLO}}}-${{__data.fields.{LABEL_SERVICE}}}"),
            "targetBlank": true,
        },
    ] })
}
