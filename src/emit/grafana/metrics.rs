//! The service metrics dashboard: every catalog metric of a service by kind, then the
//! spec's threshold alerts, capacity and anomaly declarations for it.

use super::Context;
use super::dashboard::{Grid, Item};
use super::panels::{PanelSpec, number, rate_unit, severity_color, value_unit};
use crate::conventions::{
    LABEL_ANOMALY, LABEL_CAPACITY, LABEL_INSTANCE, LABEL_JOB, LABEL_SERVICE, matcher_equal,
    ops_rules,
};
use crate::model::{
    Alert, Anomaly, Capacity, Comparison, Condition, LabelName, Metric, MetricKind, PromQl,
    Service, ServiceName, TierName, TierSeverity, Unit, format_decimal, format_value,
};
use promql_parser::label::Matcher;
use promql_parser::parser::token::T_EQL_REGEX;
use promql_parser::parser::{Expr, VectorSelector};

/// The matchers every raw query of a service carries: its selector plus the dashboard's
/// `job` and `instance` variables.
pub(super) fn matchers(service: &Service) -> String {
    let mut parts: Vec<String> = service
        .selector
        .iter()
        .map(|(label, value)| crate::conventions::matcher_equal(label.as_str(), value))
        .collect();
    parts.extend(variable_matchers(service).map(|(label, value)| format!("{label}=~\"{value}\"")));
    parts.join(", ")
}

/// The dashboard variables a raw query is filtered by: `$instance`, and `$job` unless the
/// service's selector already fixes the job (then the variable has one value and the
/// matcher would only repeat the selector).
pub(super) fn variable_matchers(
    service: &Service,
) -> impl Iterator<Item = (&'static str, &'static str)> {
    let job_fixed = service
        .selector
        .keys()
        .any(|label| label.as_str() == LABEL_JOB);
    [(LABEL_JOB, "$job"), (LABEL_INSTANCE, "$instance")]
        .into_iter()
        .filter(move |(label, _)| !(job_fixed && *label == LABEL_JOB))
}

/// The aggregation clause: `sum by (a, b) `, or plain `sum` when there are no labels.
fn aggregate(operator: &str, labels: &[&LabelName]) -> String {
    if labels.is_empty() {
        return operator.to_owned();
    }
    let names: Vec<&str> = labels.iter().map(|l| l.as_str()).collect();
    format!("{operator} by ({}) ", names.join(", "))
}

fn legend(labels: &[&LabelName]) -> String {
    if labels.is_empty() {
        return String::from("{{job}}");
    }
    labels
        .iter()
        .map(|l| format!("{{{{{l}}}}}"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn metric_panels(grid: &mut Grid, metric: &Metric, select: &str) -> Vec<Item> {
    let name = metric.name.as_str();
    let labels: Vec<&LabelName> = metric.labels.iter().map(|l| &l.name).collect();
    let sum = aggregate("sum", &labels);
    let help = metric.help.trim_end_matches('.');
    match &metric.kind {
        MetricKind::Counter => vec![
            PanelSpec::new(name, format!("{help}: per-second rate."), rate_unit(metric))
                .query(
                    format!("{sum}(rate({name}{{{select}}}[$__rate_interval]))"),
                    legend(&labels),
                )
                .timeseries(grid, 12, 8, false),
        ],
        MetricKind::Gauge => {
            let mut series = labels.clone();
            let instance = LabelName::new(LABEL_INSTANCE);
            series.insert(0, &instance);
            vec![
                PanelSpec::new(name, format!("{help}."), value_unit(metric.unit.as_ref()))
                    .query(
                        format!("{}({name}{{{select}}})", aggregate("max", &series)),
                        legend(&series),
                    )
                    .timeseries(grid, 12, 8, false),
            ]
        }
        MetricKind::Summary => vec![
            PanelSpec::new(
                name,
                format!("{help}: quantiles the client computed."),
                value_unit(metric.unit.as_ref()),
            )
            .query(
                format!("max by (quantile) ({name}{{{select}}})"),
                "p{{quantile}}",
            )
            .timeseries(grid, 12, 8, false),
        ],
        MetricKind::Histogram { native, .. } => histogram_panels(grid, metric, select, *native),
    }
}

/// p50/p95/p99 and a heatmap of the distribution.
fn histogram_panels(grid: &mut Grid, metric: &Metric, select: &str, native: bool) -> Vec<Item> {
    let name = metric.name.as_str();
    let unit = value_unit(metric.unit.as_ref());
    let help = metric.help.trim_end_matches('.');
    let (rates, heat) = if native {
        let rate = format!("sum(rate({name}{{{select}}}[$__rate_interval]))");
        (rate.clone(), rate)
    } else {
        (
            format!("sum by (le) (rate({name}_bucket{{{select}}}[$__rate_interval]))"),
            format!("sum by (le) (increase({name}_bucket{{{select}}}[$__rate_interval]))"),
        )
    };
    let mut quantiles = PanelSpec::new(
        format!("{name}: p50 / p95 / p99"),
        format!("{help}: median, 95th and 99th percentile."),
        unit,
    );
    for quantile in ["0.5", "0.95", "0.99"] {
        let percentile = &quantile[2..];
        let label = format!("p{percentile:0<2}");
        quantiles = quantiles.query(format!("histogram_quantile({quantile}, {rates})"), label);
    }
    vec![
        quantiles.timeseries(grid, 12, 8, false),
        PanelSpec::new(
            format!("{name}: distribution"),
            format!("{help}: observations per bucket over time."),
            unit,
        )
        .query(heat, "{{le}}")
        .heatmap(grid, 12, 8),
    ]
}

/// The metrics rows of a service.
pub(super) fn catalog(grid: &mut Grid, service: &Service, metrics: &[&Metric]) -> Vec<Item> {
    let select = matchers(service);
    let mut items = Vec::new();
    for (title, kind) in [
        ("Counters", "counter"),
        ("Histograms", "histogram"),
        ("Gauges", "gauge"),
        ("Summaries", "summary"),
    ] {
        let of_kind: Vec<&&Metric> = metrics.iter().filter(|m| m.kind.as_str() == kind).collect();
        if of_kind.is_empty() {
            continue;
        }
        items.push(grid.row(title));
        for metric in of_kind {
            items.extend(metric_panels(grid, metric, &select));
        }
    }
    items
}

fn tier_color(context: &Context, tier: &TierName) -> &'static str {
    severity_color(
        context
            .model
            .tier(tier)
            .map_or(TierSeverity::None, |tier| tier.severity),
    )
}

/// Grafana's unit for what an alert's expression computes.
fn alert_unit(unit: Option<&Unit>) -> &'static str {
    match unit {
        Some(Unit::Other(unit)) => match unit.as_str() {
            "per second" => "ops",
            "bytes per second" => "Bps",
            "seconds per second" => "percentunit",
            _ => "short",
        },
        other => value_unit(other),
    }
}

/// The alert's expression with every raw selector filtered by the dashboard's variables,
/// so the panel follows the chosen jobs and instances; series vigil records are left
/// as they are.
fn filtered(expression: &PromQl, service: Option<&Service>) -> String {
    let (Some(service), Some(parsed)) = (service, expression.parsed()) else {
        return expression.to_string();
    };
    let mut parsed = parsed.clone();
    let added: Vec<(&str, &str)> = variable_matchers(service).collect();
    filter_selectors(&mut parsed, &added);
    parsed.to_string()
}

fn filter_selectors(expr: &mut Expr, added: &[(&str, &str)]) {
    let add = |selector: &mut VectorSelector| {
        let recorded = selector
            .name
            .as_deref()
            .is_some_and(crate::conventions::is_recorded_by_vigil);
        for (label, value) in added {
            if !recorded
                && selector.matchers.find_matchers(label).is_empty()
                && let Ok(regex) =
                    Matcher::new_matcher(T_EQL_REGEX, (*label).to_owned(), (*value).to_owned())
            {
                selector.matchers.matchers.push(regex);
            }
        }
    };
    match expr {
        Expr::VectorSelector(selector) => add(selector),
        Expr::MatrixSelector(matrix) => add(&mut matrix.vs),
        Expr::Aggregate(aggregate) => {
            filter_selectors(&mut aggregate.expr, added);
            if let Some(parameter) = aggregate.param.as_mut() {
                filter_selectors(parameter, added);
            }
        }
        Expr::Unary(unary) => filter_selectors(&mut unary.expr, added),
        Expr::Binary(binary) => {
            filter_selectors(&mut binary.lhs, added);
            filter_selectors(&mut binary.rhs, added);
        }
        Expr::Paren(paren) => filter_selectors(&mut paren.expr, added),
        Expr::Subquery(subquery) => filter_selectors(&mut subquery.expr, added),
        Expr::Call(call) => {
            for argument in &mut call.args.args {
                filter_selectors(argument, added);
            }
        }
        Expr::NumberLiteral(_) | Expr::StringLiteral(_) | Expr::Extension(_) => {}
    }
}

/// Each threshold alert's own expression with its thresholds drawn: exactly what the
/// alert compares, so the lines are in the right unit.
pub(super) fn alerts(context: &Context, grid: &mut Grid, alerts: &[&Alert]) -> Vec<Item> {
    let mut items = Vec::new();
    for alert in alerts {
        let Condition::Thresholds(thresholds) = &alert.condition else {
            continue;
        };
        if items.is_empty() {
            items.push(grid.row("Alert conditions"));
        }
        let described: Vec<String> = thresholds
            .iter()
            .map(|t| {
                format!(
                    "{} {} {}",
                    t.tier,
                    t.comparison.operator(),
                    format_value(t.value, alert.unit.as_ref())
                )
            })
            .collect();
        let below = thresholds.iter().any(|t| t.comparison == Comparison::Below);
        let steps = thresholds
            .iter()
            .map(|t| (number(t.value), tier_color(context, &t.tier)))
            .collect();
        let url = context.runbook_url(alert.name.as_str());
        let service = alert
            .service
            .as_ref()
            .and_then(|s| context.model.service(s));
        items.push(
            PanelSpec::new(
                alert.name.as_str(),
                format!("{} Fires at {}.", alert.summary, described.join(", ")),
                alert_unit(alert.unit.as_ref()),
            )
            .query(filtered(&alert.expr, service), alert.name.as_str())
            .thresholds(if below { "red" } else { "green" }, steps)
            .link(super::dashboard::Link::document(
                format!("Runbook: {}", alert.name),
                url,
            ))
            .timeseries(grid, 12, 8, true),
        );
    }
    items
}

/// `{capacity="memory",service="erlmcp"}`: the recorded series of one item.
fn recorded(rule: &str, service: Option<&ServiceName>, kind: &str, item: &str) -> String {
    let mut matchers = vec![matcher_equal(kind, item)];
    if let Some(service) = service {
        matchers.push(matcher_equal(LABEL_SERVICE, service.as_str()));
    }
    format!("{rule}{{{}}}", matchers.join(", "))
}

/// The capacity rules' own recorded series: the usage share and the days to exhaustion,
/// so panel and alert agree.
pub(super) fn capacities(
    context: &Context,
    grid: &mut Grid,
    capacities: &[&Capacity],
) -> Vec<Item> {
    let mut items = Vec::new();
    for capacity in capacities {
        if items.is_empty() {
            items.push(grid.row("Capacity"));
        }
        let (usage, limit) = (capacity.usage.as_str(), capacity.limit.as_str());
        let name = capacity.name.as_str();
        let service = capacity.service.as_ref();
        let headroom = number(capacity.headroom_percent) / 100.0;
        items.push(
            PanelSpec::new(
                format!("{}: usage of limit", capacity.name),
                format!(
                    "`{usage}` as a share of `{limit}` (`{}`); the dashed line is the {} % headroom threshold.",
                    ops_rules::CAPACITY_USAGE,
                    format_decimal(capacity.headroom_percent)
                ),
                "percentunit",
            )
            .query(
                recorded(ops_rules::CAPACITY_USAGE, service, LABEL_CAPACITY, name),
                "{{instance}}",
            )
            .thresholds("green", vec![(headroom, tier_color(context, &capacity.tier))])
            .timeseries(grid, 12, 8, true),
        );
        items.push(
            PanelSpec::new(
                format!("{}: days to exhaustion", capacity.name),
                format!(
                    "Days until usage reaches the limit at the trend of the last {} (`{}`); empty when usage is flat or falling.",
                    capacity.lookback,
                    ops_rules::CAPACITY_EXHAUSTION
                ),
                "d",
            )
            .query(
                recorded(ops_rules::CAPACITY_EXHAUSTION, service, LABEL_CAPACITY, name),
                "{{instance}}",
            )
            .thresholds(
                "red",
                vec![(
                    capacity
                        .forecast
                        .map_or(0.0, |f| number(f.as_decimal_secs()) / 86_400.0),
                    "green",
                )],
            )
            .stat(grid, 12, 8),
        );
    }
    items
}

/// The anomaly rules' recorded level and band, so the panel shows exactly what the
/// alert compares.
pub(super) fn anomalies(grid: &mut Grid, anomalies: &[&Anomaly]) -> Vec<Item> {
    let mut items = Vec::new();
    for anomaly in anomalies {
        if items.is_empty() {
            items.push(grid.row("Anomalies"));
        }
        let name = anomaly.name.as_str();
        let service = anomaly.service.as_ref();
        let series = |rule: &str| recorded(rule, service, LABEL_ANOMALY, name);
        let k = format_decimal(anomaly.sensitivity);
        let seasons: Vec<String> = anomaly
            .seasonality
            .iter()
            .map(ToString::to_string)
            .collect();
        let seasonal = if seasons.is_empty() {
            String::new()
        } else {
            format!(", shaped like the same time {} ago", seasons.join(" and "))
        };
        let panel = PanelSpec::new(
            format!("{}: level and band", anomaly.name),
            format!(
                "`{}`: its 5-minute level against the band the alert uses — the median of the last {}{seasonal}, ± {k} robust standard deviations.",
                anomaly.expr, anomaly.window
            ),
            "short",
        )
        .query(series(ops_rules::ANOMALY_LEVEL), "level")
        .query(series(ops_rules::ANOMALY_BASELINE), "expected")
        .query(series(ops_rules::ANOMALY_UPPER), "upper band")
        .query(series(ops_rules::ANOMALY_LOWER), "lower band");
        items.push(panel.timeseries(grid, 24, 8, false));
    }
    items
}
