//! The registry of diagnostic codes. Codes are stable: never rename one, only add.
//! Each entry carries its severity, a default help line and the explanation shown by
//! `vigil explain CODE` and documented in `docs/errors.md`.

/// Whether a diagnostic stops generation (an error) or is reported beside it (a warning).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

macro_rules! codes {
    ($( $variant:ident = $code:literal, $severity:ident, $help:literal, $explain:literal; )*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $( $variant, )* }

        impl Code {
            pub const ALL: &'static [Code] = &[ $( Code::$variant, )* ];

            pub fn as_str(self) -> &'static str {
                match self { $( Code::$variant => $code, )* }
            }

            pub fn severity(self) -> Severity {
                match self { $( Code::$variant => Severity::$severity, )* }
            }

            pub fn default_help(self) -> &'static str {
                match self { $( Code::$variant => $help, )* }
            }

            pub fn explanation(self) -> &'static str {
                match self { $( Code::$variant => $explain, )* }
            }
        }
    };
}

impl Code {
    pub fn parse(text: &str) -> Option<Code> {
        let wanted = text.trim();
        let wanted = wanted.strip_prefix("vigil::").unwrap_or(wanted);
        Code::ALL
            .iter()
            .copied()
            .find(|c| c.as_str().strip_prefix("vigil::") == Some(wanted))
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

codes! {
    Io = "vigil::spec::io", Error,
        "check that the path exists and is readable",
        "A spec path could not be read: it does not exist, is not readable, is not valid UTF-8, or is a folder with no `.kdl`, `.yaml` or `.yml` files.";
    Syntax = "vigil::spec::syntax", Error,
        "fix the syntax at the marked position",
        "The file is not valid KDL (version 2) or YAML. The span points at the first character the parser could not accept.";
    EmptySpec = "vigil::spec::empty", Warning,
        "start from `vigil init`, or add tiers, services, metrics and SLOs",
        "The spec files hold no declaration at all (an empty file, or only comments and `vigil 1`), so there is nothing to generate. `vigil init` writes a commented starter spec that compiles.";
    Version = "vigil::spec::version", Error,
        "write `vigil 1` (KDL) or `vigil: 1` (YAML)",
        "The spec declares a language version this vigil does not understand. Only version 1 exists.";
    UnknownNode = "vigil::spec::unknown_node", Error,
        "remove it or fix its name",
        "A node (KDL) or key (YAML) is not part of the language at this place. The help names the closest known one.";
    UnknownProperty = "vigil::spec::unknown_property", Error,
        "remove it or fix its name",
        "A property (`key=value` in KDL, a key in YAML) is not accepted by this node.";
    WrongType = "vigil::spec::wrong_type", Error,
        "write a value of the expected type",
        "A value has the wrong type: a string where a number is expected, a map where a list is expected, and so on.";
    Missing = "vigil::spec::missing", Error,
        "add the missing value",
        "A required argument, property or child node is missing.";
    DuplicateKey = "vigil::spec::duplicate_key", Error,
        "keep only one of them",
        "The same key is given twice in one node or mapping; vigil does not pick one silently.";
    Unsupported = "vigil::spec::unsupported", Error,
        "write the value out in full",
        "A YAML feature vigil refuses on purpose: aliases and anchors (they allow exponential expansion), tags, multiple documents in one file, nesting deeper than 64 levels.";
    OutputStale = "vigil::output::stale", Error,
        "run `vigil generate` and commit the result",
        "`vigil check` found a generated file whose contents differ from what the spec produces: the spec changed and the output was not regenerated, or the file was edited by hand. Generated files are never edited: change the spec and run `vigil generate`.";
    OutputMissing = "vigil::output::missing", Error,
        "run `vigil generate` and commit the result",
        "`vigil check` found a file the spec produces missing from the output folder (a new SLO, alert or receiver whose output was not generated or not committed).";
    OutputExtra = "vigil::output::extra", Error,
        "run `vigil generate` (it removes the file) and commit the result",
        "`vigil check` found a file vigil generated earlier (it is in `.vigil-manifest`) that the spec no longer produces, such as the rules of a removed SLO. Left in place, Prometheus would keep evaluating it.";
    OutputUnowned = "vigil::output::unowned", Error,
        "move the file out of the generated folder, or express it in the spec",
        "`vigil check` found a file in a folder vigil writes (such as `prometheus/rules/`) that vigil neither produces nor ever generated: a hand-added file that would be deployed beside the generated ones without being reviewed as part of the spec. vigil never removes it; the top of the output folder may hold anything.";
    RelativeRunbookUrl = "vigil::settings::runbook_base_url", Warning,
        "set `settings { runbook-base-url \"https://…\" }` to where the output folder is published",
        "Every generated alert carries a `runbook_url` annotation, which Alertmanager puts in its notifications. Without `runbook-base-url` it is a path relative to the output folder (`docs/runbooks/<Alert>.md`), which a Slack message, a page or an email cannot open. With it, `runbook_url` is the base URL followed by `/docs/runbooks/<Alert>.md`: point it at where the output folder is published (a documentation site, or the repository's web view of `generated/`).";
    DuplicateName = "vigil::names::duplicate", Error,
        "rename one of them; names are global across all spec files",
        "Two declarations of the same kind share a name. All spec files form one namespace, so this applies across files too.";
    Undefined = "vigil::names::undefined", Error,
        "declare it, or fix the reference",
        "A reference names a service, tier, metric, receiver or time interval that is not declared anywhere in the spec.";
    InvalidName = "vigil::names::invalid", Error,
        "use letters, digits, `_` and `-`, starting with a letter",
        "A name is not usable: it must start with a letter and contain only ASCII letters, digits, `_` and `-` (metric names follow Prometheus' rules; alert names are CamelCase). Names become file names, label values and rule names, so they are kept portable.";
    InvalidValue = "vigil::value::invalid", Error,
        "see the expected form in the help",
        "A value is out of its allowed set or range (an enumeration, a version, a size, a percentage).";
    Duration = "vigil::value::duration", Error,
        "write a Prometheus duration such as `30s`, `5m`, `1h30m`, `28d`",
        "A duration is malformed, zero where a positive one is needed, or absurdly large (more than 10 years).";
    Objective = "vigil::slo::objective", Error,
        "write a percentage strictly between 0 and 100, such as `99.9`",
        "An SLO objective is a percentage strictly between 0 and 100. 100 leaves no error budget, so every burn-rate alert would divide by zero.";
    Sli = "vigil::slo::sli", Error,
        "declare exactly one of `ratio`, `latency`, `availability`, `query` inside `sli`",
        "An SLO needs exactly one SLI and the SLI needs the fields of its kind: `ratio` takes `errors` or `good` with `total`; `latency` a histogram `metric` and a `threshold`; `availability` a 0/1 `metric`; `query` templated `errors` and `total` with `{{ window }}`.";
    ThresholdNotBucket = "vigil::slo::threshold_not_bucket", Error,
        "use one of the declared bucket boundaries, or add the threshold to `buckets`",
        "A latency SLI on a classic histogram counts the requests below the threshold with the `le` bucket of that exact value. A threshold that is not a bucket boundary has no series, so the SLI would always read 0.";
    ImpossibleTier = "vigil::slo::impossible_tier", Error,
        "lower the objective, lengthen the window, or raise the budget share of this alert",
        "A burn-rate alert fires when the error ratio exceeds factor × (1 − objective). When that product is 1 or more, the error ratio (at most 1) can never reach it, so the alert can never fire.";
    LatencyMetric = "vigil::slo::latency_metric", Error,
        "point the latency SLI at a metric declared with `type=histogram`",
        "A latency SLI reads histogram buckets; the metric it names is not a histogram.";
    QueryTemplate = "vigil::slo::query_template", Error,
        "use `{{ window }}` where the range goes, e.g. `rate(x[{{ window }}])`",
        "A `query` SLI is evaluated over several windows, so each expression must contain the `{{ window }}` placeholder (Sloth's `{{.window}}` is accepted too).";
    ReservedLabel = "vigil::labels::reserved", Error,
        "rename the label; vigil sets it itself",
        "The labels `service`, `slo`, `slo_window`, `severity`, `tier` and `team` are set by vigil on every generated rule and drive routing and inhibition. A user label with one of these names would silently change where alerts go, so it is refused.";
    InvalidLabel = "vigil::labels::invalid", Error,
        "label names match `[a-zA-Z_][a-zA-Z0-9_]*` and do not start with `__`",
        "A label name is not a valid Prometheus label name, or uses the `__` prefix reserved for Prometheus internals.";
    PromQl = "vigil::promql::syntax", Error,
        "fix the expression; it is parsed as Prometheus would",
        "An expression is not valid PromQL. vigil parses every expression at compile time so a broken query never reaches Prometheus.";
    PromQlType = "vigil::promql::type", Error,
        "this field takes a series selector such as `http_requests_total{code=~\"5..\"}`",
        "A field that vigil wraps in `rate(...)` or compares with a bucket must be a plain series selector, not an arbitrary expression.";
    UnknownMetric = "vigil::catalog::unknown_metric", Error,
        "declare the metric in the catalog, fix the name, or mark a metric owned elsewhere `external=#true`",
        "A selector in an expression (an SLI, an alert, an anomaly, a regression, a capacity item) names a metric the catalog does not declare. The catalog is the source of truth: a misspelled name selects nothing, so an SLI built on it records a 0 % error ratio forever and its alerts never fire. Histogram and summary series resolve to their metric (`_bucket`, `_count`, `_sum`); `up` and the other series every scrape writes, `ALERTS`, and the series vigil records itself (`slo:…`, `anomaly:…`, `alert:…:value`…) are known without a declaration. A metric owned by another team can be declared `external=#true`: its labels are then not checked.";
    UnknownLabel = "vigil::catalog::unknown_label", Error,
        "fix the label's name, declare it on the metric, or list it in `target-labels`",
        "A matcher names a label the metric does not carry: not one of its declared labels, not `job` or `instance`, not a label of its service's `selector`, and not one of the `target-labels` the service (or `settings`) declares for labels that service discovery or relabelling adds. A matcher on a label a series does not have matches only the empty value, so a misspelled label silently selects nothing (or everything, for `!=`).";
    UnmatchedValue = "vigil::catalog::unmatched_value", Warning,
        "fix the matcher, or add the value to the label's declared values",
        "A matcher on a label with enumerated values (or an `le` matcher on a histogram's buckets) matches none of the declared values, so the selector can only match series the catalog says do not exist. The label's declaration lists every value it takes; either the matcher or the declaration is wrong.";
    TypeMismatch = "vigil::catalog::type_mismatch", Error,
        "use the function or series that fits the metric's declared type",
        "An expression uses a metric against its declared type: `rate()`, `irate()`, `increase()` or `resets()` of a gauge (they treat every drop as a counter reset), `histogram_quantile()` of something that is not a histogram's `_bucket` series (or a native histogram), an `le` matcher on a series without buckets, or the bare name of a classic histogram, which exposes only `_bucket`, `_count` and `_sum` series.";
    BaseUnit = "vigil::metric::base_unit", Warning,
        "use base units: seconds and bytes, e.g. rename `_ms` to `_seconds`",
        "Prometheus naming conventions use base units (seconds, bytes, ratios 0–1). A metric suffixed `_ms`, `_millis`, `_kb`, `_percent` and the like forces every query to convert.";
    TotalSuffix = "vigil::metric::total_suffix", Warning,
        "counters end in `_total`; other types must not",
        "By Prometheus convention the `_total` suffix marks counters and only counters, so that `rate()` is applied to exactly the right series.";
    UnitSuffix = "vigil::metric::unit_suffix", Warning,
        "end the metric name with its unit, e.g. `_seconds`",
        "A metric declares a unit but its name does not carry it as a suffix (before `_total` for counters), so readers of a query cannot see the unit.";
    WindowExceedsRetention = "vigil::retention::window_exceeds_raw", Warning,
        "keep raw samples at least as long as the longest SLO window (`retention { local 35d }`), or shorten the window",
        "An SLO is evaluated over its whole window from data Prometheus holds locally. When the local retention is shorter than the window, the period SLI, budget and burn rates silently cover only the retained part.";
    AlertName = "vigil::alert::name", Error,
        "use CamelCase, letters and digits only, e.g. `ErlmcpMemoryHigh`",
        "Alert names follow the monitoring-mixin convention: CamelCase, starting with an upper-case letter, letters and digits only. vigil never cuts or hashes a name (people read, grep and silence them); a name may have up to 200 characters, so that its runbook's file name stays within what file systems allow.";
    Summary = "vigil::alert::summary", Warning,
        "write a static sentence that ends with a period; put templated detail in `description`",
        "An alert summary is a short static sentence ending with a period (mixtool's lint); it must not use template actions such as `{{ $labels.x }}`, which belong in `description`.";
    Threshold = "vigil::alert::threshold", Error,
        "give either a boolean `expr` with `tier=`, or a value `expr` with `above`/`below` thresholds",
        "An alert either has a complete condition (`expr \"a > 1\"` and a tier) or a value expression with one or more `above`/`below` thresholds, each with its own tier.";
    RegressionNeverFires = "vigil::regression::never_fires", Error,
        "lower `tolerance` below 100, or watch for the value going `above` its baseline",
        "A regression with `worse \"below\"` fires when the value falls more than `tolerance` percent under its value one baseline earlier (which must be positive). A value that is never negative can fall by at most 100 %, so a tolerance of 100 or more means the alert can never fire.";
    GeneratedAlertName = "vigil::alert::generated_name", Error,
        "rename the alert: the generated alert keeps its name",
        "vigil names the alerts it generates itself: `<Service><Slo>BurnRatePage`, `BurnRateTicket`, `BudgetConsumed`, `BudgetExhausted` and `SliAbsent` per SLO (or the names `alerting` gives), `<Service><Item>Anomaly`, `Regression`, `HeadroomLow` and `ExhaustionForecast` per operational item, `<Service>SeriesOverBudget` with `cardinality-alert`, and `TargetSeriesBudgetExceeded` with `series-budget`. A user alert of the same name would share its runbook page, its inhibitions and its silences.";
    LiteralSecret = "vigil::receiver::literal_secret", Error,
        "store the secret in a file and reference it with the `*-file` property",
        "A receiver holds a secret (a webhook URL with a token, an API key, a routing key, a password) inline. Generated configs are committed and reviewed, so secrets are only referenced by file.";
    TargetVersion = "vigil::targets::version", Error,
        "raise the target version in `targets`, or avoid the feature",
        "The spec asks for a feature the declared target version of Prometheus or Alertmanager does not have (for example `keep_firing_for` needs Prometheus 2.42, `api_url_file` on Slack needs Alertmanager 0.22).";
    Routing = "vigil::routing::invalid", Error,
        "see the help for the exact fix",
        "The routing tree is incomplete: it needs exactly one `routing` block with a `default` receiver, and every notifying tier needs a route.";
    UnusedReceiver = "vigil::receiver::unused", Warning,
        "route some alerts to it, or remove it",
        "A receiver is declared but no route sends anything to it.";
    ShadowedRoute = "vigil::routing::shadowed", Warning,
        "move the more specific route above the general one, or give the earlier route `continue=#true`",
        "Alertmanager tries routes top to bottom and stops at the first match unless that route has `continue`. A route whose matchers include every matcher of an earlier route without `continue` can never be reached: every alert it would match was taken by the earlier one.";
    UnroutedTier = "vigil::routing::unrouted_tier", Warning,
        "add `route tier=\"…\" receiver=\"…\"`, or declare the tier `notify=#false`",
        "A tier that notifies has no route that names it, so its alerts reach whoever the default receiver is: a valid Alertmanager configuration, but escalation by tier should be a decision in the spec, not an accident of the default. The warning names the receiver the default route delivers to. A tier declared `notify=#false` needs no route: vigil routes it to a receiver that notifies nobody.";
    AmbiguousSlo = "vigil::routing::ambiguous_slo", Warning,
        "add `service=\"…\"` to the matchers, or `service` to `equal`",
        "SLO names are unique within a service, not across them: an inhibition whose `source` or `target` matches `slo=\"availability\"` while several services have an `availability` SLO, with no `service` matcher beside it and `service` not among its `equal` labels, lets the alerts of one service's SLO mute alerts of another's.";
    SilentTierRoute = "vigil::routing::silent_tier", Warning,
        "remove the route, or drop `notify=#false` from the tier",
        "The route names a tier declared `notify=#false`. Such tiers never notify: vigil routes them to a receiver with no integrations ahead of every other route, so this route is left out of the generated configuration.";
    EmailSmtp = "vigil::receiver::email_smtp", Error,
        "give the email integration `from` and `smarthost`",
        "Alertmanager refuses a configuration with an email integration that has no sender address or no SMTP relay. vigil writes them to `global` when every email integration shares them.";
    Cardinality = "vigil::metric::cardinality", Error,
        "raise `max-series`, or drop label values that are not needed",
        "A metric's estimated series count per target (the product of its labels' value-set sizes, times bucket count + 3 for classic histograms: one `_bucket` per boundary, `+Inf`, `_sum`, `_count`) exceeds the `max-series` budget declared for it. Cardinality is the main cost of a Prometheus metric, so budgets are checked at compile time.";
    UnboundedLabel = "vigil::metric::unbounded_label", Warning,
        "bound the label by listing its values, or declare `max-series` for the metric",
        "A label declared `unbounded=#true` can take any number of values (IDs, paths, user names): the metric's series count has no upper bound. Declare a `max-series` budget so the runtime cardinality alert and the scrape limits have a number to enforce.";
    SeriesBudget = "vigil::metric::series_budget", Error,
        "raise `settings { series-budget … }`, or cut labels from the largest metrics",
        "The estimated series per target of all declared metrics together (using `max-series` for metrics with unbounded labels) exceeds the spec's global `series-budget`.";
    ThanosResolution = "vigil::retention::thanos_resolution", Warning,
        "use `resolution=\"5m\"` or `resolution=\"1h\"`, or accept that Thanos keeps this tier at the next resolution it has",
        "Thanos' compactor downsamples to exactly two resolutions, 5m and 1h. A downsample tier at any other resolution (such as 1d) is mapped to the coarsest Thanos resolution not finer than it, which is kept for the longest period asked of either, so the generated compactor flags may keep more data than the tier suggests.";
    ImportPlugin = "vigil::import::plugin", Error,
        "replace the plugin by the PromQL it generates (an `events` or `raw` SLI), then import again",
        "A Sloth SLI plugin or SLO plugin is Go code that Sloth interprets while generating; vigil cannot know the rules it would produce, so the SLO is not imported. The diagnostic names the plugin id.";
    ImportBudgeting = "vigil::import::unsupported_budgeting", Error,
        "use `Occurrences` budgeting, or keep this SLO outside vigil",
        "vigil's SLOs count good and bad events over the window (OpenSLO `Occurrences`). `Timeslices` and `RatioTimeslices` judge each time slice against a second target, which changes when alerts fire; vigil refuses rather than approximates.";
    ImportSource = "vigil::import::unsupported_source", Error,
        "vigil compiles to Prometheus rules; only Prometheus queries can be imported",
        "The SLI reads a data source other than Prometheus (Datadog, AppDynamics, ...). vigil generates Prometheus rules, so the query cannot be carried over.";
    ImportUnsupported = "vigil::import::unsupported", Error,
        "see the message: the feature has no exact vigil equivalent",
        "The imported document uses something vigil cannot express exactly (a calendar window in a time zone other than UTC, an alert policy with several conditions, an unknown document version). vigil reports it instead of guessing.";
    ImportInvalid = "vigil::import::invalid_upstream", Error,
        "the document does not follow its own specification; fix it at the source",
        "The imported document is invalid by the rules of its own format: a required field is missing, a reference names an object that is not among the inputs, `op` is set on a ratio objective, or a window such as `1m` (one minute) was clearly meant as a month (`1M`). vigil reports it rather than guessing what was meant.";
    ImportDropped = "vigil::import::dropped", Warning,
        "the values are kept as comments in the written spec; vigil sets these itself",
        "Something in the imported document has no place in a vigil spec and is kept only as a comment: labels vigil sets itself (`tier`, `service`, `slo`, `team`, ...), a `severity` that is none of a tier's (`critical`, `warning`, `info`, `none`), a `runbook_url` annotation (vigil links its own runbooks), an alert name that is not CamelCase or that another SLO already has (vigil's alert names are unique; it names those alerts `<Service><Slo>BurnRatePage`/`Ticket`).";
    ImportAssumed = "vigil::import::assumed", Warning,
        "say it in the source (the message names what), then import again",
        "The imported document leaves open something that decides what the generated rules compute, so vigil chose: an OpenSLO ratio whose Prometheus query reads a metric as it is (no `rate()`, no range) and that does not say whether the metric is a counter (`counter`) is read as a counter, as the OpenSLO examples are; a query whose labels cannot be told from its text (`sum without (…)`, no aggregation at all) is summed to one series for the SLO, where the source may have judged each series on its own. The message names the choice and the written spec keeps it as a comment.";
    ImportUnknownKey = "vigil::import::unknown_key", Warning,
        "fix the key's spelling at the source (the help names the closest valid key)",
        "The imported document has a key its format does not define there. The tool it was written for ignores such keys, so whatever the author meant by it never took effect; the import reports it and goes on. Inside alerting, the same mistake is an error (`vigil::import::unknown_alerting_key`).";
    ImportUnknownAlertingKey = "vigil::import::unknown_alerting_key", Error,
        "fix the key's spelling at the source (the help names the closest valid key), then import again",
        "A key inside an SLO's alerting that its format does not define: Sloth's `ticker_alert:` or `disabled: true` (the key is `disable`) is ignored by Sloth, so an alert the author switched off still pages. The import refuses rather than carry the mistake into paging alerts.";
    VerifyQueryFailed = "vigil::verify::query_failed", Error,
        "check the server's log; a query that times out may need a larger `--timeout`",
        "`vigil verify` asked Prometheus (or Alertmanager) something and the server refused: a query it could not run, a timeout on its side, an answer too large. The checks that needed the answer are skipped; the message quotes the request and the server's reason.";
    VerifyMetricAbsent = "vigil::verify::metric_absent", Error,
        "export the metric under the declared name from the service's targets, or fix the catalog",
        "A metric of the catalog has no live series in its service (the service's `selector` plus the metric's name; `_bucket`, `_count` and `_sum` for classic histograms, `_count` and `_sum` for summaries). Rules, dashboards and runbooks built on it read nothing: the metric was renamed, is not exported, or the service's targets are not scraped.";
    VerifyMetricType = "vigil::verify::metric_type", Error,
        "declare the type the exporter reports, or fix the exporter",
        "Prometheus' metadata (`/api/v1/metadata`, from the exporter's `# TYPE` lines) gives the metric another type than the catalog. The generated rules apply `rate()` to counters and bucket arithmetic to histograms, so a wrong type gives wrong numbers. Targets that report no type (`unknown`) are not judged.";
    VerifyUndeclaredLabel = "vigil::verify::undeclared_label", Warning,
        "declare the label (with its values) in the metric, or stop exporting it",
        "Live series of a catalog metric carry a label the catalog does not declare (labels the targets add, such as `job` and `instance`, and `le`/`quantile`, are not counted). Each label multiplies the metric's series, so the catalog's series estimates and budgets no longer hold.";
    VerifyLabelValue = "vigil::verify::label_value", Warning,
        "add the value to the label's declared values, or fix what the exporter writes",
        "An enumerated label of a catalog metric takes values the catalog does not list: cardinality drift. Dashboards and alerts that match the declared values miss the new ones, and the series estimate is exceeded.";
    VerifySeriesBudget = "vigil::verify::series_budget", Warning,
        "raise `max-series`, or cut the labels that grew",
        "A catalog metric has more live series than its budget allows: `max-series` (or the estimate from its labels' values) per target, times the number of the service's targets.";
    VerifySliNoSeries = "vigil::verify::sli_no_series", Error,
        "fix the SLI's selector (metric name, labels) so it matches what the service exports",
        "An SLI selector that counts all events (`total`, `good`, a latency histogram's `_count`, an availability gauge) matches no live series, scoped to the service as the generated rules scope it. The SLO's rules read no data: the SLO measures nothing.";
    VerifySliNoErrors = "vigil::verify::sli_no_errors", Warning,
        "nothing to do if no error has happened yet; otherwise fix the `errors` selector",
        "A ratio SLI's `errors` selector matches no live series. Counters of errors often appear only at the first error, and the generated rules count a missing error series as zero, so this is a warning: but a misspelt selector looks exactly the same and makes the SLO report 100 %.";
    VerifySloRatio = "vigil::verify::slo_ratio", Error,
        "load the generated rules (`prometheus/rules/`) and wait for an evaluation; check their SLI selectors",
        "The SLO's recorded 5-minute error ratio (`slo:sli_error:ratio_rate5m{service,slo}`) has no value, or is NaN or infinite. Without it the SLO is configured but not tracked: no burn rate, no budget, no alert.";
    VerifyUndeclaredMetrics = "vigil::verify::undeclared_metrics", Warning,
        "declare the metrics the service's users need, and drop the rest at scrape (`drop-undeclared-metrics`)",
        "The service's targets expose metrics the catalog does not declare (Prometheus' own `up`, `scrape_*` and `ALERTS` series and recorded `a:b:c` series aside). One warning per service gives the count and the ten largest by series. The catalog is the source of truth: what it does not declare is unreviewed cost.";
    VerifyRuleMissing = "vigil::verify::rule_missing", Error,
        "deploy the generated rule files (`prometheus/rules/`) and reload Prometheus",
        "A rule group or rule the spec generates is not loaded in Prometheus (`/api/v1/rules`). What runs is not what was reviewed: an alert that should page does not exist.";
    VerifyRuleChanged = "vigil::verify::rule_changed", Error,
        "deploy the generated rule files again; change rules in the spec, never in place",
        "A rule Prometheus runs differs from the one the spec generates: its expression (compared after both are parsed and printed the same way), its `for` or `keep_firing_for` duration, its labels or annotations, or its group's own `interval`. Someone edited the deployed file, or an older version is deployed.";
    VerifyRuleExtra = "vigil::verify::rule_extra", Error,
        "remove the rule from the deployed file, or add what it does to the spec",
        "A rule group the spec generates holds, in Prometheus, a rule the spec does not generate; or Prometheus runs a group named as vigil names its groups (`slo-…`, `alerts-…`), read from the folder that holds vigil's rule files, that the spec no longer generates: what a removed SLO or service left deployed. Other groups are left alone.";
    VerifyAlertmanager = "vigil::verify::alertmanager", Error,
        "deploy the generated `alertmanager/alertmanager.yml` and reload Alertmanager",
        "The running Alertmanager's configuration (`/api/v2/status`) does not contain the generated one: a receiver is missing, extra or different, or the routing tree, inhibitions or time intervals differ. Alertmanager prints its configuration with defaults filled in, so only the keys vigil writes are compared.";
    BacktestNoData = "vigil::backtest::no_data", Warning,
        "check the SLI's selectors against what the service exported then (`vigil verify` checks them against what it exports now)",
        "`vigil backtest` asked Prometheus for an SLO's base rates over the range and got no series at all: its SLI matches nothing in that history. A misspelt selector, a metric renamed since, or a range from before the service was scraped all look the same. The SLO is reported with no data, and nothing is replayed for it.";
}
