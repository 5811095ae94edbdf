//! The command line, declared with clap.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "vigil",
    version,
    about = "Compile a monitoring spec into Prometheus rules, Alertmanager routing, Grafana dashboards and runbooks"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// How diagnostics are printed.
    #[arg(long, global = true, value_enum, default_value_t = MessageFormat::Human)]
    pub message_format: MessageFormat,
    /// Treat warnings as errors.
    #[arg(long, global = true)]
    pub deny_warnings: bool,
    /// When to colour output; `NO_COLOR` is honoured with `auto`.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compile the spec and write every artefact into the output folder.
    Generate(Build),
    /// Exit 1 when the output folder differs from what the spec produces (the CI gate).
    Check(Build),
    /// Check the spec only; write nothing.
    Validate(Inputs),
    /// Explain a diagnostic code (`vigil explain slo::impossible_tier`), print a generated
    /// alert's runbook (`vigil explain ErlmcpAvailabilityBurnRatePage`) or an SLO's catalog
    /// entry (`vigil explain erlmcp/availability`).
    Explain {
        /// A code such as `vigil::slo::objective` (the `vigil::` prefix is optional), an
        /// alert name, or an SLO as `service/slo` (a bare name when one service has it).
        code: String,
        /// Where the spec is, for alert and SLO names.
        #[arg(default_value = "specs")]
        paths: Vec<PathBuf>,
    },
    /// Show what changes for operators between a base version of the spec and this one:
    /// SLOs and error budgets, alerts, who is notified, receivers, recording rules and
    /// dashboards (Markdown for a pull-request comment, or JSON).
    Diff(DiffArguments),
    /// Check the spec against a running Prometheus (and Alertmanager): catalog metrics,
    /// their types, labels and series budgets, SLIs, undeclared metrics, and the loaded
    /// rules and routing against what the spec generates. Read-only.
    Verify(VerifyArguments),
    /// Replay the SLOs' burn-rate and budget alerts over a Prometheus's recorded history:
    /// when each would have fired, pages and tickets, the error budget left, the worst
    /// hour (Markdown for a pull-request comment, or JSON). Read-only.
    Backtest(BacktestArguments),
    /// Write a commented starter spec that compiles (never overwrites a file).
    Init {
        /// The folder to create the spec in.
        #[arg(long, default_value = "specs")]
        dir: PathBuf,
    },
    /// Format KDL specs canonically, keeping comments (YAML files are left as they are).
    Fmt {
        /// Exit 1 and list the files that are not formatted, instead of rewriting them.
        #[arg(long)]
        check: bool,
        #[command(flatten)]
        inputs: Inputs,
    },
    /// Convert Sloth or OpenSLO documents into a vigil spec (printed, or written to --out).
    #[command(subcommand)]
    Import(Import),
    /// Print a shell completion script.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    Man,
}

#[derive(Debug, Subcommand)]
pub enum Import {
    /// Sloth `prometheus/v1` specs, `PrometheusServiceLevel` resources and `AlertWindows`
    /// catalogs (and the `openslo/v1alpha` SLOs Sloth reads).
    Sloth {
        #[command(flatten)]
        options: ImportOptions,
        /// The SLO period, as Sloth's `--default-slo-period` (an `AlertWindows` catalog
        /// among the inputs supplies its burn windows).
        #[arg(long, default_value = "30d")]
        period: String,
    },
    /// OpenSLO v1 and v1alpha documents (references resolve across all inputs).
    Openslo {
        #[command(flatten)]
        options: ImportOptions,
    },
    /// Pyrra `ServiceLevelObjective`s (`pyrra.dev/v1alpha1`), as Kubernetes resources or
    /// the files of Pyrra's filesystem mode.
    Pyrra {
        #[command(flatten)]
        options: ImportOptions,
    },
}

#[derive(Debug, Args)]
pub struct ImportOptions {
    /// Files or folders (`.yaml`, `.yml`, `.json`), read in name order.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The syntax of the written spec.
    #[arg(long, value_enum, default_value_t = SpecFormat::Kdl)]
    pub to: SpecFormat,
    /// Write the spec into this folder (as `imported.kdl` or `imported.yaml`) instead of
    /// printing it.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SpecFormat {
    Kdl,
    Yaml,
}

#[derive(Debug, Args)]
pub struct Inputs {
    /// Spec files or folders (`.kdl`, `.yaml`, `.yml`), merged into one namespace.
    #[arg(default_value = "specs")]
    pub paths: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct Build {
    #[command(flatten)]
    pub inputs: Inputs,
    /// The output folder.
    #[arg(long, short, default_value = "generated")]
    pub out: PathBuf,
    /// A folder of Markdown templates overriding the embedded ones (same file names as
    /// in the repository's `templates/`); overrides `settings { templates "…" }`.
    #[arg(long)]
    pub templates: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct DiffArguments {
    /// The new version: spec files or folders.
    #[command(flatten)]
    pub inputs: Inputs,
    /// The base version: the same spec paths as they are at this git revision (read with
    /// `git`, nothing is checked out). The default, when `--base-dir` is not given, is `HEAD`.
    #[arg(long, value_name = "GIT_REV", conflicts_with = "base_dir")]
    pub base: Option<String>,
    /// The base version: spec files or a folder on disk.
    #[arg(long, value_name = "DIR")]
    pub base_dir: Option<PathBuf>,
    /// How the changes are printed on stdout.
    #[arg(long, value_enum, default_value_t = DiffFormat::Markdown)]
    pub format: DiffFormat,
    /// Exit 1 when anything changed, like `git diff --exit-code` (spec errors exit 1 too).
    #[arg(long)]
    pub exit_code: bool,
    /// Only the changes to this SLO and its alerts (repeatable): `service/slo`, or a bare
    /// name when one service has it.
    #[arg(long = "slo", value_name = "SERVICE/SLO")]
    pub slos: Vec<String>,
    /// Add a backtest of each SLO whose rules changed, replayed over this Prometheus's
    /// history (`vigil backtest --base`; Markdown only).
    #[arg(long, value_name = "URL")]
    pub backtest: Option<String>,
    /// How far back from now the backtest replays.
    #[arg(
        long,
        value_name = "DURATION",
        default_value = "30d",
        requires = "backtest"
    )]
    pub backtest_range: String,
}

#[derive(Debug, Args)]
pub struct VerifyArguments {
    #[command(flatten)]
    pub inputs: Inputs,
    #[command(flatten)]
    pub server: ServerArguments,
    /// Also compare the running Alertmanager's configuration with the generated one.
    #[arg(long, value_name = "URL")]
    pub alertmanager: Option<String>,
}

/// How to reach Prometheus (and any other server a command reads).
#[derive(Debug, Args)]
pub struct ServerArguments {
    /// Prometheus' address, with any path prefix (`http://prometheus:9090`).
    #[arg(long, value_name = "URL")]
    pub prometheus: String,
    /// An HTTP header sent with every request (repeatable), such as `X-Scope-OrgID:team`.
    #[arg(long = "header", value_name = "NAME:VALUE")]
    pub headers: Vec<String>,
    /// A file holding a bearer token, sent as `Authorization: Bearer …`.
    #[arg(long, value_name = "PATH")]
    pub bearer_token_file: Option<PathBuf>,
    /// How long one request may take (a Prometheus duration).
    #[arg(long, value_name = "DURATION", default_value = "10s")]
    pub timeout: String,
}

#[derive(Debug, Args)]
pub struct BacktestArguments {
    #[command(flatten)]
    pub inputs: Inputs,
    #[command(flatten)]
    pub server: ServerArguments,
    /// How far back from now to replay (a Prometheus duration).
    #[arg(long, value_name = "DURATION", default_value = "30d", conflicts_with_all = ["from", "to"])]
    pub range: String,
    /// The start of the replay (RFC 3339, `2026-11-01T00:00:00Z`); with `--to`.
    #[arg(long, value_name = "TIME", requires = "to")]
    pub from: Option<String>,
    /// The end of the replay (RFC 3339); with `--from`.
    #[arg(long, value_name = "TIME", requires = "from")]
    pub to: Option<String>,
    /// Only this SLO (repeatable): `service/slo`, or a bare name when one service has it.
    #[arg(long = "slo", value_name = "SERVICE/SLO")]
    pub slos: Vec<String>,
    /// Compare with the spec paths as they are at this git revision: each SLO whose
    /// rules differ is replayed in both versions (`before → after`).
    #[arg(long, value_name = "GIT_REV", conflicts_with = "base_dir")]
    pub base: Option<String>,
    /// Compare with the spec files or folder on disk.
    #[arg(long, value_name = "DIR")]
    pub base_dir: Option<PathBuf>,
    /// Write an SVG picture per reported SLO into this folder (burn rate against the
    /// burn thresholds with the firing intervals shaded, and the error budget left); the
    /// Markdown links each by the folder's path as given.
    #[arg(long, value_name = "DIR")]
    pub svg_dir: Option<PathBuf>,
    /// The rule evaluation interval of the Prometheus that runs the rules.
    #[arg(long, value_name = "DURATION", default_value = "1m")]
    pub evaluation_interval: String,
    /// How the report is printed on stdout.
    #[arg(long, value_enum, default_value_t = DiffFormat::Markdown)]
    pub format: DiffFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// Markdown fit for a pull-request comment.
    Markdown,
    /// One JSON document (`schemas/diff.schema.json`, `schemas/backtest.schema.json`).
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MessageFormat {
    /// Graphical report on stderr.
    Human,
    /// One JSON document on stdout (`schemas/diagnostics.schema.json`).
    Json,
    /// SARIF 2.1.0 on stdout, for code-scanning tools.
    Sarif,
    /// GitHub Actions workflow commands on stdout (annotations in pull requests).
    Github,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}
