//! The JSON Schema of the YAML form of a spec, generated from the mirror types below.
//!
//! These types describe what the YAML looks like (plural collection keys, snake_case
//! keywords), not the model: the checker in `check/` stays the source of truth, and this
//! schema only helps editors complete and flag keys. `schemas/vigil.schema.json` is
//! [`schema_json`]'s output, kept fresh by `tests/schema.rs`.
//!
//! Collections are written in their plural, idiomatic form (`slos: {name: {…}}`,
//! `routes: [{…}]`); the checker also accepts the singular KDL-like spellings, which the
//! schema does not list.

// Doc comments here become the schema's user-facing descriptions, not rustdoc.
#![allow(clippy::doc_markdown)]

use std::borrow::Cow;
use std::collections::BTreeMap;

use schemars::{JsonSchema, Schema, SchemaGenerator, generate::SchemaSettings, json_schema};
use serde_json::Value;

mod alerting;
mod notify;
mod slo;

pub use alerting::{
    Alert, Anomaly, Capacity, Direction, Downsample, Regression, Retention, Threshold,
};
pub use notify::{
    DefaultReceiver, DefaultRoute, Email, Inhibition, MsTeams, OpsGenie, PagerDuty, Receiver,
    Responder, ResponderKind, Route, Routing, Slack, TimeInterval, Webhook,
};
pub use slo::{
    Absent, Alerting, AvailabilitySli, BudgetConsumed, BudgetExhausted, BurnAlert, BurnWindow,
    CalendarPeriod, CalendarWindow, Decision, LatencySli, Link, QuerySli, RatioSli, Runbook, Sli,
    Slo, SloWindow,
};

/// The schema, pretty-printed, with a trailing newline. Deterministic.
pub fn schema_json() -> String {
    let schema = SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<Spec>();
    let mut value = schema.to_value();
    drop_null(&mut value);
    let mut text = serde_json::to_string_pretty(&value).expect("a schema serialises");
    text.push('\n');
    text
}

/// An optional key may be left out, but not set to `null` (the checker reports a null
/// where a value is expected), so the `null` alternatives schemars adds for `Option` go.
fn drop_null(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types.remove(0);
                    map.insert("type".into(), only);
                }
            }
            if let Some(Value::Array(any)) = map.get_mut("anyOf") {
                any.retain(|s| s.get("type").and_then(Value::as_str) != Some("null"));
                if any.len() == 1 {
                    let only = any.remove(0);
                    map.remove("anyOf");
                    if let Value::Object(inner) = only {
                        for (k, v) in inner {
                            map.entry(k).or_insert(v);
                        }
                    }
                }
            }
            map.values_mut().for_each(drop_null);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_null),
        _ => {}
    }
}

/// A declaration that may have nothing to say: its body, or nothing at all (`name:`), as
/// the checker reads a service or a receiver without settings. The `null` here is meant,
/// so it is written as a constant, which [`drop_null`] leaves alone.
pub struct MaybeEmpty<T>(pub Option<T>);

impl<T: JsonSchema> JsonSchema for MaybeEmpty<T> {
    fn schema_name() -> Cow<'static, str> {
        format!("MaybeEmpty_{}", T::schema_name()).into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let body = generator.subschema_for::<T>();
        json_schema!({ "anyOf": [body, { "const": null }] })
    }
}

/// Declares a string-typed newtype with a hand-written schema.
macro_rules! scalar {
    ($(#[$doc:meta])* $name:ident, $schema:tt) => {
        $(#[$doc])*
        pub struct $name(pub Value);
        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!($schema)
            }
        }
    };
}

scalar!(
    /// A duration such as `30s`, `5m`, `1h30m`, `30d`, `2y`.
    Duration,
    {
        "type": "string",
        "pattern": "^([0-9]+(y|w|d|h|ms|m|s))+$",
        "description": "A duration: a number and a unit (y, w, d, h, m, s, ms), largest unit first, e.g. \"5m\", \"1h30m\", \"30d\"."
    }
);
scalar!(
    /// A tool version, `major.minor`.
    ToolVersion,
    {
        "type": ["string", "number"],
        "pattern": "^v?[0-9]+(\\.[0-9]+){0,2}$",
        "description": "A version, major.minor (quote it: \"2.53\")."
    }
);
scalar!(
    /// A label value or a free-form map value.
    LabelValue,
    {
        "type": ["string", "number", "boolean"],
        "description": "A label value (numbers and booleans are taken as written)."
    }
);
scalar!(
    /// A list of values; a single value counts as a one-element list.
    Labels,
    {
        "anyOf": [
            {"type": "string"},
            {"type": "array", "items": {"type": "string"}}
        ],
        "description": "Label names: a list, or a single name."
    }
);
scalar!(
    /// Time-interval entries.
    Strings,
    {
        "anyOf": [
            {"type": "string"},
            {"type": "array", "items": {"type": "string"}}
        ]
    }
);

/// A free-form `label: value` map (selectors, matchers).
type Matchers = BTreeMap<String, LabelValue>;

/// One vigil spec file in the YAML form. A folder of files is merged into one namespace;
/// `targets`, `settings`, `retention` and `routing` may appear in only one of them.
#[derive(JsonSchema)]
#[schemars(title = "vigil spec (YAML form)", deny_unknown_fields)]
pub struct Spec {
    /// The language version; only 1 exists.
    #[schemars(range(min = 1, max = 1))]
    pub vigil: Option<u8>,
    pub targets: Option<Targets>,
    pub settings: Option<Settings>,
    /// Alert tiers by name (`critical`, `warning`, …).
    pub tiers: Option<BTreeMap<String, Tier>>,
    /// Services by name (a service with nothing to say is `name:` or `name: {}`).
    pub services: Option<BTreeMap<String, MaybeEmpty<Service>>>,
    /// The metric catalog, by metric name.
    pub metrics: Option<BTreeMap<String, Metric>>,
    /// Service level objectives: by name, or a list of SLOs each with its `name` (names are
    /// unique within a service; the list form lets services share them).
    pub slos: Option<Slos>,
    /// Plain alerts, by CamelCase name.
    pub alerts: Option<BTreeMap<String, Alert>>,
    /// Anomaly-band alerts, by name.
    pub anomalies: Option<BTreeMap<String, Anomaly>>,
    /// Regression-against-a-baseline alerts, by name.
    pub regressions: Option<BTreeMap<String, Regression>>,
    /// Capacity headroom and forecast alerts, by name.
    pub capacities: Option<BTreeMap<String, Capacity>>,
    pub retention: Option<Retention>,
    /// Alertmanager receivers, by name (`name:` alone: no integration, alerts dropped).
    pub receivers: Option<BTreeMap<String, MaybeEmpty<Receiver>>>,
    pub routing: Option<Routing>,
    /// Alertmanager time intervals, by name.
    pub time_intervals: Option<BTreeMap<String, TimeInterval>>,
}

/// The tools and versions the output must load into; versions gate features.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Targets {
    /// Prometheus version (default 2.53).
    pub prometheus: Option<ToolVersion>,
    /// Alertmanager version (default 0.27).
    pub alertmanager: Option<ToolVersion>,
    /// Grafana version (default 11.6).
    pub grafana: Option<ToolVersion>,
    /// Rule-file flavours to write (default `prometheus`).
    pub rules: Option<OneOrMany<RuleDialect>>,
}

/// A value or a list of values.
#[derive(JsonSchema)]
#[schemars(untagged)]
pub enum OneOrMany<T> {
    One(T),
    Many(Vec<T>),
}

#[derive(JsonSchema)]
#[schemars(rename_all = "kebab-case")]
pub enum RuleDialect {
    Prometheus,
    PrometheusOperator,
    Mimir,
    Thanos,
}

/// Output settings that do not change what is monitored.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Settings {
    /// Base URL of the published runbooks; links are relative when absent.
    pub runbook_base_url: Option<String>,
    /// Base URL of Grafana, for links from alerts and runbooks.
    pub grafana_url: Option<String>,
    /// A folder of templates overriding the embedded Markdown templates.
    pub templates: Option<String>,
    /// `sloth`: also emit Sloth's label names and metadata series.
    pub compat: Option<Compat>,
    /// Extra labels put on every generated rule (reserved names refused).
    pub labels: Option<BTreeMap<String, LabelValue>>,
    /// Global budget of series per target across all declared metrics.
    pub series_budget: Option<u64>,
    /// The runtime alert on metrics with more live series than their budget.
    pub cardinality_alert: Option<CardinalityAlert>,
    /// Labels every scraped series carries (`namespace`, `cluster`): selectors may match
    /// on them.
    pub target_labels: Option<OneOrMany<String>>,
}

/// Fires when a declared metric has more live series per target than its budget.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CardinalityAlert {
    pub tier: String,
    /// Default 15m.
    #[schemars(rename = "for")]
    pub for_duration: Option<Duration>,
}

#[derive(JsonSchema)]
#[schemars(rename_all = "lowercase")]
pub enum Compat {
    Sloth,
}

/// Alertmanager timing: `group_wait`, `group_interval`, `repeat_interval`.
#[derive(JsonSchema)]
pub struct Timing {
    /// How long to wait to batch the first notification of a group.
    pub group_wait: Option<Duration>,
    /// How long to wait before notifying about new alerts in a group.
    pub group_interval: Option<Duration>,
    /// How long to wait before repeating a notification.
    pub repeat_interval: Option<Duration>,
}

/// An alert tier: how urgent, at which severity, and whether it pages or notifies.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Tier {
    /// 1 is the most urgent, up to 9.
    #[schemars(range(min = 1, max = 9))]
    pub level: u8,
    pub severity: TierSeverity,
    /// Alerts of this tier page someone (default false).
    pub page: Option<bool>,
    /// Alerts of this tier are notified (default: unless severity is `none`).
    pub notify: Option<bool>,
    pub description: Option<String>,
    #[schemars(flatten)]
    pub timing: Timing,
}

#[derive(JsonSchema)]
#[schemars(rename_all = "lowercase")]
pub enum TierSeverity {
    Critical,
    Warning,
    Info,
    None,
}

/// A monitored service.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Service {
    /// The owning team.
    pub team: Option<String>,
    pub description: Option<String>,
    /// Label matchers selecting the service's series, e.g. `{job: erlmcp}`.
    pub selector: Option<Matchers>,
    /// The scrape snippet keeps only the declared metrics (default false).
    pub drop_undeclared_metrics: Option<bool>,
    /// Labels service discovery or relabelling puts on every series of the service's
    /// targets: selectors may match on them.
    pub target_labels: Option<OneOrMany<String>>,
}

/// A metric in the catalog.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Metric {
    #[schemars(rename = "type")]
    pub kind: MetricKind,
    /// `seconds`, `bytes`, `ratio` or any other unit name.
    pub unit: Option<String>,
    /// The service exporting it.
    pub service: Option<String>,
    /// One sentence saying what the metric measures.
    pub help: String,
    /// Histogram bucket boundaries (required for classic histograms).
    pub buckets: Option<OneOrMany<f64>>,
    /// A native histogram (default false).
    pub native: Option<bool>,
    /// The expected maximum number of series.
    pub max_series: Option<u64>,
    /// Owned by another team or exporter: its labels are not declared, so selectors on it
    /// are not checked label by label (default false).
    pub external: Option<bool>,
    /// Labels by name: their list of values, or `{unbounded: true}`.
    pub labels: Option<BTreeMap<String, MetricLabel>>,
}

#[derive(JsonSchema)]
#[schemars(rename_all = "lowercase")]
pub enum MetricKind {
    Counter,
    Gauge,
    Histogram,
    Summary,
}

/// A metric label: its values, or `{unbounded: true}`.
#[derive(JsonSchema)]
#[schemars(untagged)]
pub enum MetricLabel {
    Values(OneOrMany<LabelValue>),
    Unbounded(UnboundedLabel),
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct UnboundedLabel {
    /// The label takes values that cannot be listed.
    pub unbounded: bool,
}

/// SLOs by name, or as a list whose items carry their `name`.
#[derive(JsonSchema)]
#[schemars(untagged)]
pub enum Slos {
    ByName(BTreeMap<String, Slo>),
    List(Vec<Slo>),
}
