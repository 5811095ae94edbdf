//! The Grafana backend: every generated dashboard of the flagship and of the fixtures is
//! valid against Grafana's published JSON schema (11.6 and 12.3, relaxing only the four
//! documented translation deviations), each panel's `options` and `fieldConfig.defaults.custom`
//! against its panel schema; every query parses as `PromQL` and reads only declared metrics,
//! `slo:*` recording rules or `ALERTS`; the layout stays on the grid without overlaps;
//! and the dashboard-linter rules hold. The flagship's dashboards are snapshotted.

use crate::support::anchors;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use promql_parser::parser::{self, Expr};
use serde_json::{Value, json};
use vigil::emit::Artifact;
use vigil::model::{MetricKind, Model, Version};
use vigil::source::Sources;

fn compile(path: &Path) -> Model {
    let mut sources = Sources::default();
    let (model, diagnostics) = vigil::app::compile(&[path.to_path_buf()], &mut sources);
    model.unwrap_or_else(|| panic!("{} does not compile: {diagnostics:#?}", path.display()))
}

/// The flagship and every ok fixture.
fn specs() -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir("tests/fixtures/ok")
        .expect("tests/fixtures/ok exists")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .collect();
    paths.sort();
    paths.insert(0, PathBuf::from("specs"));
    paths
}

fn grafana_artifacts(model: &Model) -> Vec<Artifact> {
    vigil::emit::emit(model, &vigil::emit::Options::default())
        .expect("emits")
        .into_iter()
        .filter(|a| a.path.starts_with("grafana/"))
        .collect()
}

fn dashboards(model: &Model) -> Vec<(String, Value)> {
    grafana_artifacts(model)
        .into_iter()
        .filter(|a| Path::new(&a.path).extension().is_some_and(|e| e == "json"))
        .map(|a| {
            let json = serde_json::from_str(&a.contents).expect("dashboards are JSON");
            (a.path, json)
        })
        .collect()
}

fn load_schema(version: &str, name: &str) -> Value {
    let path = format!("tests/schemas/grafana/{version}/{name}.jsonschema.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).expect("schemas are JSON")
}

/// The dashboard schema with exactly the four documented deviations relaxed: the CUE
/// translation turned "any" into `{"type": "object"}`.
fn dashboard_validator(version: &str) -> jsonschema::Validator {
    let mut schema = load_schema(version, "dashboard");
    let definitions = &mut schema["definitions"];
    definitions["MatcherConfig"]["properties"]["options"] = json!({});
    definitions["DynamicConfigValue"]["properties"]["value"] = json!({});
    definitions["VariableModel"]["properties"]["query"] = json!({});
    definitions["DataSourceRef"]["properties"]["default"] = json!({ "type": "boolean" });
    jsonschema::validator_for(&schema).expect("the dashboard schema compiles")
}

/// One definition of a panel schema (`Options`, `FieldConfig`) as a validator.
fn panel_validator(version: &str, panel: &str, definition: &str) -> jsonschema::Validator {
    let mut schema = load_schema(version, panel);
    pin_cell_types(&mut schema);
    let wrapped = json!({
        "allOf": [{ "$ref": format!("#/definitions/{definition}") }],
        "definitions": schema["definitions"],
    });
    jsonschema::validator_for(&wrapped).expect("the panel schema compiles")
}

/// In CUE each table cell variant fixes its `type` (`type: "color-text"`); the JSON
/// translation kept only the enum of every mode with the constant as its default, so no
/// cell option could satisfy the variants' `oneOf`. Restore the constants.
fn pin_cell_types(schema: &mut Value) {
    let Some(variants) = schema["definitions"]["TableCellOptions"]["oneOf"]
        .as_array()
        .cloned()
    else {
        return;
    };
    for variant in variants {
        let name = variant["$ref"]
            .as_str()
            .expect("a reference")
            .rsplit('/')
            .next()
            .expect("name");
        let kind = &mut schema["definitions"][name]["properties"]["type"];
        let constant = kind["default"].clone();
        *kind = json!({ "const": constant });
    }
}

/// The schema of one `custom` option of a panel's field config (a column override sets
/// one option, not the whole object).
fn field_option_validator(version: &str, panel: &str, option: &str) -> jsonschema::Validator {
    let mut schema = load_schema(version, panel);
    pin_cell_types(&mut schema);
    let wrapped = json!({
        "allOf": [{ "$ref": format!("#/definitions/FieldConfig") }],
        "definitions": schema["definitions"],
    });
    let field = &wrapped["definitions"]["FieldConfig"];
    let options = match field.get("$ref").and_then(Value::as_str) {
        Some(target) => &wrapped["definitions"][target.rsplit('/').next().expect("name")],
        None => field,
    };
    let option_schema = options["properties"][option].clone();
    assert!(
        !option_schema.is_null(),
        "{panel} has no field option {option}"
    );
    let wrapped = json!({ "allOf": [option_schema], "definitions": schema["definitions"] });
    jsonschema::validator_for(&wrapped).expect("the option schema compiles")
}

fn errors(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// Panels, including those nested in rows.
fn panels(dashboard: &Value) -> Vec<&Value> {
    let mut all = Vec::new();
    for item in dashboard["panels"].as_array().expect("panels") {
        all.push(item);
        if let Some(nested) = item["panels"].as_array() {
            all.extend(nested);
        }
    }
    all
}

/// The specs compiled for the targets they declare, and once more for Grafana 12.3.
fn targeted_models() -> Vec<(String, Model)> {
    let mut models = Vec::new();
    for spec in specs() {
        let model = compile(&spec);
        let mut grafana12 = model.clone();
        grafana12.targets.grafana = Version::new(12, 3);
        models.push((spec.display().to_string(), model));
        models.push((format!("{} (12.3)", spec.display()), grafana12));
    }
    models
}

fn schema_dir(model: &Model) -> &'static str {
    if model.targets.grafana.major >= 12 {
        "grafana-12.3"
    } else {
        "grafana-11.6"
    }
}

#[test]
fn dashboards_are_valid_against_the_grafana_schema() {
    let mut checked = 0;
    for (name, model) in targeted_models() {
        let version = schema_dir(&model);
        let validator = dashboard_validator(version);
        for (path, dashboard) in dashboards(&model) {
            let problems = errors(&validator, &dashboard);
            assert!(
                problems.is_empty(),
                "{name}: {path} ({version}): {problems:#?}"
            );
            checked += 1;
        }
    }
    assert!(checked > 10, "only {checked} dashboards checked");
}

#[test]
fn panel_options_are_valid_against_their_panel_schema() {
    for (name, model) in targeted_models() {
        let version = schema_dir(&model);
        for (path, dashboard) in dashboards(&model) {
            for panel in panels(&dashboard) {
                let kind = panel["type"].as_str().expect("typed panel");
                if kind == "row" {
                    continue;
                }
                let options = panel_validator(version, kind, "Options");
                let problems = errors(&options, &panel["options"]);
                assert!(
                    problems.is_empty(),
                    "{name}: {path}: {kind} options: {problems:#?}"
                );
                let field = || panel_validator(version, kind, "FieldConfig");
                let custom = &panel["fieldConfig"]["defaults"]["custom"];
                if !custom.is_null() {
                    let problems = errors(&field(), custom);
                    assert!(
                        problems.is_empty(),
                        "{name}: {path}: {kind} custom: {problems:#?}"
                    );
                }
                // Column overrides of `custom.*` options obey the same schema.
                let overrides = panel["fieldConfig"]["overrides"]
                    .as_array()
                    .expect("overrides");
                for property in overrides
                    .iter()
                    .flat_map(|o| o["properties"].as_array().expect("properties"))
                {
                    let id = property["id"].as_str().expect("property id");
                    if let Some(option) = id.strip_prefix("custom.") {
                        let validator = field_option_validator(version, kind, option);
                        let problems = errors(&validator, &property["value"]);
                        assert!(
                            problems.is_empty(),
                            "{name}: {path}: {kind} override {id}: {problems:#?}"
                        );
                    }
                }
            }
        }
    }
}

/// Grafana's variables replaced by values a plain `PromQL` parser accepts.
fn substitute(expr: &str) -> String {
    expr.replace("$__rate_interval", "5m")
        .replace("$__interval", "1m")
        .replace("$__range", "1h")
        .replace("$job", "x")
        .replace("$instance", "x")
}

fn selectors(expr: &Expr, names: &mut Vec<String>) {
    match expr {
        Expr::Aggregate(e) => {
            selectors(&e.expr, names);
            if let Some(param) = &e.param {
                selectors(param, names);
            }
        }
        Expr::Unary(e) => selectors(&e.expr, names),
        Expr::Binary(e) => {
            selectors(&e.lhs, names);
            selectors(&e.rhs, names);
        }
        Expr::Paren(e) => selectors(&e.expr, names),
        Expr::Subquery(e) => selectors(&e.expr, names),
        Expr::VectorSelector(vs) => names.push(vs.name.clone().unwrap_or_default()),
        Expr::MatrixSelector(ms) => names.push(ms.vs.name.clone().unwrap_or_default()),
        Expr::Call(call) => {
            for arg in &call.args.args {
                selectors(arg, names);
            }
        }
        _ => {}
    }
}

/// Series names a dashboard may read: declared metrics (with a histogram's and summary's
/// own suffixes), the series the spec's own alert, capacity and anomaly expressions read
/// (their panels plot exactly those expressions), and Prometheus' `ALERTS` and `up`.
/// `slo:*` recording rules are allowed by the caller.
fn known_series(model: &Model) -> BTreeSet<String> {
    let mut known: BTreeSet<String> = ["ALERTS", "up"].map(String::from).into();
    let written = model
        .alerts
        .iter()
        .map(|a| a.expr.as_str())
        .chain(model.anomalies.iter().map(|a| a.expr.as_str()))
        .chain(
            model
                .capacities
                .iter()
                .flat_map(|c| [c.usage.as_str(), c.limit.as_str()]),
        );
    for expr in written {
        let mut names = Vec::new();
        selectors(&parser::parse(expr).expect("checked PromQL"), &mut names);
        known.extend(names);
    }
    for metric in &model.metrics {
        let name = metric.name.as_str();
        known.insert(name.to_owned());
        if matches!(
            metric.kind,
            MetricKind::Histogram { .. } | MetricKind::Summary
        ) {
            for suffix in ["_bucket", "_count", "_sum"] {
                known.insert(format!("{name}{suffix}"));
            }
        }
    }
    known
}

#[test]
fn every_query_parses_and_reads_known_series() {
    for (name, model) in targeted_models() {
        let known = known_series(&model);
        for (path, dashboard) in dashboards(&model) {
            let mut exprs: Vec<String> = Vec::new();
            for panel in panels(&dashboard) {
                for target in panel["targets"].as_array().into_iter().flatten() {
                    exprs.push(target["expr"].as_str().expect("expr").to_owned());
                }
            }
            for annotation in dashboard["annotations"]["list"].as_array().expect("list") {
                exprs.push(annotation["expr"].as_str().expect("expr").to_owned());
            }
            for expr in exprs {
                let parsed = parser::parse(&substitute(&expr))
                    .unwrap_or_else(|e| panic!("{name}: {path}: `{expr}`: {e}"));
                let mut names = Vec::new();
                selectors(&parsed, &mut names);
                for series in names {
                    // Recorded by the SLO, anomaly and capacity rules vigil generates.
                    let recorded = ["slo:", "anomaly:", "capacity:"]
                        .iter()
                        .any(|prefix| series.starts_with(prefix));
                    assert!(
                        recorded || known.contains(&series),
                        "{name}: {path}: `{expr}` reads undeclared `{series}`"
                    );
                }
            }
        }
    }
}

#[test]
fn layout_stays_on_the_grid_without_overlaps() {
    for (name, model) in targeted_models() {
        for (path, dashboard) in dashboards(&model) {
            let mut taken: Vec<(u64, u64, u64, u64)> = Vec::new();
            for panel in panels(&dashboard) {
                let at = &panel["gridPos"];
                let field = |key: &str| at[key].as_u64().expect("grid position");
                let (x, y, w, h) = (field("x"), field("y"), field("w"), field("h"));
                assert!(
                    x + w <= 24 && w > 0 && h > 0,
                    "{name}: {path}: off the grid: {at}"
                );
                for (ox, oy, ow, oh) in &taken {
                    let apart = x + w <= *ox || *ox + ow <= x || y + h <= *oy || *oy + oh <= y;
                    assert!(apart, "{name}: {path}: `{}` overlaps", panel["title"]);
                }
                taken.push((x, y, w, h));
            }
        }
    }
}

/// `_total` series only inside `rate`/`increase`: the text before each `_total` selector
/// must open one of them.
fn total_outside_rate(expr: &str) -> bool {
    let mut rest = expr;
    while let Some(index) = rest.find("_total") {
        let before = &rest[..index];
        let opener = before.rfind('(').map_or("", |open| &before[..open]);
        if !(opener.ends_with("rate") || opener.ends_with("increase")) {
            return true;
        }
        rest = &rest[index + "_total".len()..];
    }
    false
}

#[test]
fn dashboard_linter_rules_hold() {
    for (name, model) in targeted_models() {
        let mut uids = BTreeSet::new();
        for (path, dashboard) in dashboards(&model) {
            let uid = dashboard["uid"].as_str().expect("uid");
            assert!(
                uid.len() <= 40 && uids.insert(uid.to_owned()),
                "{name}: {path}: uid {uid}"
            );
            assert_eq!(dashboard["editable"], json!(false), "{path}");
            assert!(dashboard.get("id").is_none(), "{path}: no numeric id");
            assert!(
                !dashboard["links"].as_array().expect("links").is_empty(),
                "{path}: links"
            );
            let variables = dashboard["templating"]["list"]
                .as_array()
                .expect("variables");
            let variable = |wanted: &str| variables.iter().find(|v| v["name"] == wanted);
            assert_eq!(
                variable("datasource").expect("datasource")["query"],
                "prometheus"
            );
            let mut raw = false;
            for panel in panels(&dashboard) {
                if panel["type"] == "row" {
                    continue;
                }
                let title = panel["title"].as_str().unwrap_or_default();
                assert!(!title.is_empty(), "{path}: untitled panel");
                assert!(
                    panel["description"].as_str().is_some_and(|d| !d.is_empty()),
                    "{path}: {title}: description"
                );
                assert!(
                    panel["fieldConfig"]["defaults"]["unit"]
                        .as_str()
                        .is_some_and(|u| !u.is_empty()),
                    "{path}: {title}: unit"
                );
                assert_eq!(
                    panel["datasource"]["uid"], "${datasource}",
                    "{path}: {title}"
                );
                for target in panel["targets"].as_array().expect("targets") {
                    assert_eq!(
                        target["datasource"]["uid"], "${datasource}",
                        "{path}: {title}"
                    );
                    let expr = target["expr"].as_str().expect("expr");
                    raw |= expr.contains("$job");
                    assert!(!total_outside_rate(expr), "{path}: {title}: `{expr}`");
                    if expr.contains("rate(") && expr.contains("$job") {
                        assert!(
                            expr.contains("[$__rate_interval]"),
                            "{path}: {title}: `{expr}`"
                        );
                    }
                }
            }
            if raw {
                for wanted in ["job", "instance"] {
                    let v = variable(wanted).unwrap_or_else(|| panic!("{path}: no {wanted}"));
                    assert_eq!(
                        (&v["multi"], &v["allValue"], &v["refresh"]),
                        (&json!(true), &json!(".+"), &json!(2))
                    );
                }
            }
        }
    }
}

/// The uid of every dashboard.
fn uids(all: &[(String, Value)]) -> BTreeSet<String> {
    all.iter()
        .map(|(_, d)| d["uid"].as_str().expect("uid").to_owned())
        .collect()
}

fn strings(list: &Value) -> BTreeSet<&str> {
    let list = list.as_array().expect("a list");
    list.iter().map(|t| t.as_str().expect("a string")).collect()
}

#[test]
fn dashboards_link_overview_detail_and_metrics() {
    let model = compile(Path::new("specs"));
    let all = dashboards(&model);
    let uids = uids(&all);
    let tags: Vec<BTreeSet<&str>> = all.iter().map(|(_, d)| strings(&d["tags"])).collect();
    for (path, dashboard) in &all {
        for link in dashboard["links"].as_array().expect("links") {
            let url = link["url"].as_str().expect("url");
            if link["type"] == "dashboards" {
                let wanted = strings(&link["tags"]);
                let listed = tags.iter().filter(|t| wanted.is_subset(t)).count();
                assert_eq!(
                    listed, 2,
                    "{path}: the drop-down lists both services' SLO detail"
                );
                continue;
            }
            let target = url.strip_prefix("/d/").expect("dashboard links");
            assert!(uids.contains(target), "{path}: link to missing {url}");
        }
    }
}

/// The overview table's data links, filled in for every SLO row, open existing dashboards.
#[test]
fn overview_rows_link_to_their_service() {
    let model = compile(Path::new("specs"));
    let catalog_anchors = slo_catalog_anchors(&model);
    let all = dashboards(&model);
    let uids = uids(&all);
    let mut checked = 0;
    for (path, dashboard) in all
        .iter()
        .filter(|(p, _)| p.contains("overview") || p.contains("team"))
    {
        for panel in panels(dashboard) {
            for column in panel["fieldConfig"]["overrides"]
                .as_array()
                .expect("overrides")
            {
                for property in column["properties"].as_array().expect("properties") {
                    if property["id"] != "links" {
                        continue;
                    }
                    for link in property["value"].as_array().expect("links") {
                        let url = link["url"].as_str().expect("url");
                        let Some(target) = url.strip_prefix("/d/") else {
                            let (page, anchor) = url.rsplit_once('#').expect("an anchor");
                            assert!(page.ends_with("docs/slos.md"), "{url}");
                            for slo in &model.slos {
                                let anchor = anchor
                                    .replace("${__data.fields.slo}", slo.name.as_str())
                                    .replace("${__data.fields.service}", slo.service.as_str());
                                assert!(
                                    catalog_anchors.contains(&anchor),
                                    "{path}: row link to missing catalog entry #{anchor}"
                                );
                            }
                            continue;
                        };
                        let target = target.split('?').next().expect("uid");
                        for slo in &model.slos {
                            let uid =
                                target.replace("${__data.fields.service}", slo.service.as_str());
                            assert!(uids.contains(&uid), "{path}: row link to missing {uid}");
                            checked += 1;
                        }
                    }
                }
            }
        }
    }
    assert!(
        checked >= model.slos.len(),
        "only {checked} row links checked"
    );
}

#[test]
fn flagship_snapshots() {
    let model = compile(Path::new("specs"));
    for artifact in grafana_artifacts(&model) {
        let name = artifact.path.replace('/', "__");
        insta::assert_snapshot!(name, artifact.contents);
    }
}

/// Alert-condition panels plot in the unit of what the alert computes and follow the
/// dashboard's variables; no query repeats a job its selector already fixes.
#[test]
fn alert_panels_have_the_alert_unit_and_the_variables() {
    let model = compile(Path::new("specs"));
    let all = dashboards(&model);
    let (_, metrics) = all
        .iter()
        .find(|(path, _)| path.ends_with("vigil-metrics-erlmcp.json"))
        .expect("the erlmcp metrics dashboard");
    let panel = |title: &str| {
        panels(metrics)
            .into_iter()
            .find(|p| p["title"] == title)
            .unwrap_or_else(|| panic!("no panel {title}"))
    };
    for (alert, unit) in [
        ("ErlmcpMemoryHigh", "percentunit"),
        ("ErlmcpErrorRateHigh", "percentunit"),
        ("ErlmcpThroughputLow", "ops"),
    ] {
        let panel = panel(alert);
        assert_eq!(panel["fieldConfig"]["defaults"]["unit"], unit, "{alert}");
        let expr = panel["targets"][0]["expr"].as_str().expect("a query");
        assert!(expr.contains("instance=~\"$instance\""), "{alert}: {expr}");
    }
    for (path, dashboard) in &all {
        for panel in panels(dashboard) {
            for target in panel["targets"].as_array().into_iter().flatten() {
                let expr = target["expr"].as_str().unwrap_or_default();
                assert!(
                    !(expr.contains("job=\"") && expr.contains("job=~\"$job\"")),
                    "{path}: {expr}"
                );
            }
        }
    }
}

/// The anchors GitHub gives the SLO catalog's headings.
fn slo_catalog_anchors(model: &vigil::model::Model) -> Vec<String> {
    let mut pages = Vec::new();
    vigil::emit::Backend::Docs
        .emit_into(model, &vigil::emit::Options::default(), &mut |page| {
            pages.push(page);
        })
        .expect("the docs render");
    let catalog = pages
        .iter()
        .find(|a| a.path == "docs/slos.md")
        .expect("the SLO catalog");
    catalog
        .contents
        .lines()
        .filter_map(|line| line.strip_prefix("## "))
        .map(anchors::anchor)
        .collect()
}
