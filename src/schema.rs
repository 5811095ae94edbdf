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
    /// Services by name.
    pub services: Option<BTreeMap<String, Service>>,
    /// The metric catalog, by metric name.
    pub metrics: Option<BTreeMap<String, Metric>>,
    /// Service level objectives, by name.
    pub slos: Option<BTreeMap<String, Slo>>,
    /// Plain alerts, by CamelCase name.
    pub alerts: Option<BTreeMap<String, Alert>>,
    /// Anomaly-band alerts, by name.
    pub anomalies: Option<BTreeMap<String, Anomaly>>,
    /// Regression-against-a-baseline alerts, by name.
    pub regressions: Option<BTreeMap<String, Regression>>,
    /// Capacity headroom and forecast alerts, by name.
    pub capacities: Option<BTreeMap<String, Capacity>>,
    pub retention: Option<Retention>,
    /// Alertmanager receivers, by name.
    pub receivers: Option<BTreeMap<String, Receiver>>,
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

/// A service level objective.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Slo {
    /// The service this SLO belongs to.
    pub service: String,
    pub description: Option<String>,
    /// The target, a percentage strictly between 0 and 100 (e.g. 99.9).
    #[schemars(extend("exclusiveMinimum" = 0, "exclusiveMaximum" = 100))]
    pub objective: f64,
    /// The compliance period: a rolling duration (at least 1d) or `{calendar: month|week}`.
    pub window: SloWindow,
    pub sli: Sli,
    /// One SLO per combination of these labels' values.
    pub group_by: Option<Labels>,
    /// Extra labels on every rule of this SLO.
    pub labels: Option<BTreeMap<String, LabelValue>>,
    /// Burn-rate and budget alerts; defaults to page + ticket on the first paging and
    /// notifying tiers when absent.
    pub alerting: Option<Alerting>,
    pub runbook: Option<Runbook>,
}

#[derive(JsonSchema)]
#[schemars(untagged)]
pub enum SloWindow {
    Rolling(Duration),
    Calendar(CalendarWindow),
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CalendarWindow {
    pub calendar: CalendarPeriod,
}

#[derive(JsonSchema)]
#[schemars(rename_all = "lowercase")]
pub enum CalendarPeriod {
    Month,
    Week,
}

/// How good and bad events are counted: exactly one kind.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, extend("minProperties" = 1, "maxProperties" = 1))]
pub struct Sli {
    pub ratio: Option<RatioSli>,
    pub latency: Option<LatencySli>,
    pub availability: Option<AvailabilitySli>,
    pub query: Option<QuerySli>,
}

/// Counters of bad (`errors`) or good (`good`) events, and of all events.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RatioSli {
    /// Selector of the bad events (exactly one of `errors` and `good`).
    pub errors: Option<String>,
    /// Selector of the good events.
    pub good: Option<String>,
    /// Selector of all events.
    pub total: String,
}

/// Requests slower than `threshold` are bad.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct LatencySli {
    /// A histogram declared in `metrics`.
    pub metric: String,
    /// Must be one of the histogram's bucket boundaries (classic histograms).
    pub threshold: Duration,
    /// Extra label matchers.
    #[schemars(rename = "match")]
    pub matchers: Option<Matchers>,
}

/// A 0/1 gauge such as `up` or `probe_success`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct AvailabilitySli {
    pub metric: String,
}

/// PromQL templates over `{{ window }}` for the error and total rates.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct QuerySli {
    pub errors: String,
    pub total: String,
}

/// Which alerts an SLO produces.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Alerting {
    /// Fast burn: default windows 1h/5m at 2 % and 6h/30m at 5 %.
    pub page: Option<BurnAlert>,
    /// Slow burn: default windows 1d/2h and 3d/6h at 10 %.
    pub ticket: Option<BurnAlert>,
    /// Fires when this share of the budget is consumed.
    pub budget_consumed: Option<BudgetConsumed>,
    /// Fires when the budget is gone.
    pub budget_exhausted: Option<BudgetExhausted>,
    /// Fires when the SLI's series disappear (default: on the ticket tier, for 10m).
    pub absent: Option<Absent>,
    /// Minimum events in the long window before a burn alert may fire.
    pub min_events: Option<u64>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct BurnAlert {
    pub tier: String,
    #[schemars(rename = "for")]
    pub for_duration: Option<Duration>,
    /// Needs Prometheus 2.42.
    pub keep_firing_for: Option<Duration>,
    /// Custom window pairs, replacing the defaults.
    pub windows: Option<Vec<BurnWindow>>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct BurnWindow {
    pub long: Duration,
    /// Shorter than `long`, usually 1/12 of it.
    pub short: Duration,
    /// Percent of the period's budget consumed over `long`, above 0 and at most 100.
    pub budget: f64,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct BudgetConsumed {
    pub tier: String,
    /// Percent strictly between 0 and 100.
    pub percent: f64,
    #[schemars(rename = "for")]
    pub for_duration: Option<Duration>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct BudgetExhausted {
    pub tier: String,
    #[schemars(rename = "for")]
    pub for_duration: Option<Duration>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Absent {
    /// Required unless `enabled: false`.
    pub tier: Option<String>,
    /// Default 10m.
    #[schemars(rename = "for")]
    pub for_duration: Option<Duration>,
    pub enabled: Option<bool>,
}

/// Content of the generated runbook.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Runbook {
    pub impact: Option<String>,
    pub steps: Option<Vec<String>>,
    pub decisions: Option<Vec<Decision>>,
    pub escalation: Option<String>,
    pub links: Option<Vec<Link>>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Decision {
    /// The symptom the operator sees.
    pub when: String,
    /// What to do about it.
    pub then: String,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Link {
    pub title: String,
    pub url: String,
}

/// A plain alert: `expr` with a `tier`, or `expr` with `thresholds` (not both).
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Alert {
    pub service: Option<String>,
    /// PromQL: the condition (with `tier`) or the value compared (with `thresholds`).
    pub expr: String,
    pub tier: Option<String>,
    /// All `above` or all `below`; one rule per threshold.
    pub thresholds: Option<Vec<Threshold>>,
    #[schemars(rename = "for")]
    pub for_duration: Option<Duration>,
    /// Needs Prometheus 2.42.
    pub keep_firing_for: Option<Duration>,
    /// A static sentence ending with a period.
    pub summary: String,
    /// Templated description.
    pub description: Option<String>,
    pub labels: Option<BTreeMap<String, LabelValue>>,
    pub annotations: Option<BTreeMap<String, String>>,
    pub runbook: Option<Runbook>,
}

/// Exactly one of `above` and `below`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Threshold {
    pub above: Option<f64>,
    pub below: Option<f64>,
    pub tier: String,
}

/// A z-score band around the value's seasonal history.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Anomaly {
    pub service: Option<String>,
    pub tier: String,
    pub expr: String,
    /// Seasonal periods compared, e.g. `[1d, 7d]`.
    pub seasonality: Option<OneOrMany<Duration>>,
    /// Band width in standard deviations (default 3).
    pub sensitivity: Option<f64>,
    /// Minimum band half-width, in the value's unit.
    pub min_band: Option<f64>,
    /// Window of the running median the band is centred on; seasons must be longer
    /// (default 1h).
    pub window: Option<Duration>,
    /// Default 10m.
    #[schemars(rename = "for")]
    pub for_duration: Option<Duration>,
    /// Extra labels on the alert.
    pub labels: Option<BTreeMap<String, LabelValue>>,
    /// Extra annotations on the alert.
    pub annotations: Option<BTreeMap<String, String>>,
    pub runbook: Option<Runbook>,
}

/// Fires when the value is worse than its baseline by more than `tolerance` percent.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Regression {
    pub service: Option<String>,
    pub tier: String,
    pub expr: String,
    /// How far back the baseline is (default 7d).
    pub baseline: Option<Duration>,
    /// Percent, above 0 and at most 1000.
    pub tolerance: f64,
    /// Which direction is worse (default `above`).
    pub worse: Option<Direction>,
    /// Default 15m.
    #[schemars(rename = "for")]
    pub for_duration: Option<Duration>,
    /// Extra labels on the alert.
    pub labels: Option<BTreeMap<String, LabelValue>>,
    /// Extra annotations on the alert.
    pub annotations: Option<BTreeMap<String, String>>,
    pub runbook: Option<Runbook>,
}

#[derive(JsonSchema)]
#[schemars(rename_all = "lowercase")]
pub enum Direction {
    Above,
    Below,
}

/// Fires when usage passes `headroom` percent of `limit`, or is forecast to reach it.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Capacity {
    pub service: Option<String>,
    pub tier: String,
    /// PromQL for what is used.
    pub usage: String,
    /// PromQL for the limit.
    pub limit: String,
    /// Percent of the limit, above 0 and at most 1000.
    pub headroom: f64,
    /// Forecast horizon (linear prediction); no forecast alert when absent.
    pub forecast: Option<Duration>,
    /// History used by the forecast (default 6h).
    pub lookback: Option<Duration>,
    /// Default 15m.
    #[schemars(rename = "for")]
    pub for_duration: Option<Duration>,
    /// Extra labels on the alert.
    pub labels: Option<BTreeMap<String, LabelValue>>,
    /// Extra annotations on the alert.
    pub annotations: Option<BTreeMap<String, String>>,
    pub runbook: Option<Runbook>,
}

/// How long data is kept, and at which resolution.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Retention {
    /// Raw-resolution retention.
    pub raw: Duration,
    /// Prometheus' own retention, which rule evaluation reads (default: `raw`).
    pub local: Option<Duration>,
    pub downsamples: Option<Vec<Downsample>>,
    /// Size cap such as "100GB" (B, KB, MB, GB, TB, PB; powers of 1024).
    #[schemars(regex(pattern = r"^\s*[0-9]+\s*([KkMmGgTtPp]?[Bb])\s*$"))]
    pub size: Option<String>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Downsample {
    pub resolution: Duration,
    pub keep: Duration,
}

/// An Alertmanager receiver: zero or more integrations. Secrets only by `*_file`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Receiver {
    pub slack: Option<OneOrMany<Slack>>,
    pub pagerduty: Option<OneOrMany<PagerDuty>>,
    pub opsgenie: Option<OneOrMany<OpsGenie>>,
    pub email: Option<OneOrMany<Email>>,
    pub webhook: Option<OneOrMany<Webhook>>,
    pub msteams: Option<OneOrMany<MsTeams>>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Slack {
    /// File holding the Slack webhook URL (Alertmanager 0.22).
    pub api_url_file: String,
    pub channel: Option<String>,
    pub title: Option<String>,
    pub text: Option<String>,
    /// Default true.
    pub send_resolved: Option<bool>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct PagerDuty {
    /// File holding the Events v2 routing key (Alertmanager 0.25).
    pub routing_key_file: String,
    pub severity: Option<String>,
    /// Default true.
    pub send_resolved: Option<bool>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct OpsGenie {
    /// File holding the API key (Alertmanager 0.24).
    pub api_key_file: String,
    pub priority: Option<String>,
    pub responders: Option<Vec<Responder>>,
    /// Default true.
    pub send_resolved: Option<bool>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Responder {
    #[schemars(rename = "type")]
    pub kind: ResponderKind,
    pub name: String,
}

#[derive(JsonSchema)]
#[schemars(rename_all = "lowercase")]
pub enum ResponderKind {
    Team,
    User,
    Escalation,
    Schedule,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Email {
    pub to: String,
    pub from: Option<String>,
    pub smarthost: Option<String>,
    pub auth_username: Option<String>,
    /// File holding the SMTP password (Alertmanager 0.25).
    pub auth_password_file: Option<String>,
    pub require_tls: Option<bool>,
    /// Default false.
    pub send_resolved: Option<bool>,
}

/// Exactly one of `url` (no credentials in it) and `url_file`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Webhook {
    pub url: Option<String>,
    /// File holding the URL (Alertmanager 0.26).
    pub url_file: Option<String>,
    pub max_alerts: Option<u64>,
    /// Default true.
    pub send_resolved: Option<bool>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct MsTeams {
    /// File holding the Teams webhook URL (Alertmanager 0.27).
    pub webhook_url_file: String,
    pub title: Option<String>,
    pub text: Option<String>,
    /// Default true.
    pub send_resolved: Option<bool>,
}

/// The Alertmanager routing tree.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Routing {
    /// Default `[alertname, service, slo]`; `...` groups by all labels.
    pub group_by: Option<Labels>,
    #[schemars(flatten)]
    pub timing: Timing,
    /// The receiver for alerts no route matches: a name or `{receiver: name}`.
    pub default: DefaultReceiver,
    /// Tried in order; the first match wins unless it has `continue: true`.
    pub routes: Option<Vec<Route>>,
    pub inhibitions: Option<Vec<Inhibition>>,
}

#[derive(JsonSchema)]
#[schemars(untagged)]
pub enum DefaultReceiver {
    Name(String),
    Receiver(DefaultRoute),
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct DefaultRoute {
    pub receiver: String,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Route {
    pub receiver: String,
    /// Match alerts of this tier.
    pub tier: Option<String>,
    /// Match alerts of this team.
    pub team: Option<String>,
    /// Match alerts of this service.
    pub service: Option<String>,
    /// Other label matchers.
    #[schemars(rename = "match")]
    pub matchers: Option<Matchers>,
    /// Keep matching later routes (default false).
    #[schemars(rename = "continue")]
    pub continue_matching: Option<bool>,
    /// Time intervals during which the route is active.
    pub active: Option<Strings>,
    /// Time intervals during which the route is muted.
    pub mute: Option<Strings>,
    pub group_by: Option<Labels>,
    #[schemars(flatten)]
    pub timing: Timing,
}

/// While an alert matching `source` fires, alerts matching `target` with the same
/// `equal` labels are muted.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Inhibition {
    pub source: Matchers,
    pub target: Matchers,
    pub equal: Labels,
}

/// An Alertmanager time interval.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct TimeInterval {
    /// Weekdays or ranges, e.g. "monday:friday".
    pub weekdays: Option<Strings>,
    /// Time ranges "HH:MM-HH:MM".
    pub times: Option<Strings>,
    pub days_of_month: Option<Strings>,
    pub months: Option<Strings>,
    pub years: Option<Strings>,
    /// IANA time zone, e.g. "UTC".
    pub location: Option<String>,
}
