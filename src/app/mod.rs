//! From a command line to text and an exit code. Nothing here prints: `main.rs` does.

mod backtest;
mod diff;
mod explain;
mod generate;
mod import;
mod select;
mod tools;
mod verify;

use std::ffi::OsString;
use std::path::PathBuf;

use clap::Parser as _;

use crate::cli::{Cli, Color, Command, Inputs, MessageFormat};
use crate::codes::Code;
use crate::diagnostic::{Diagnostics, Severity};
use crate::model::Model;
use crate::report::{self, Style};
use crate::source::Sources;

/// What the process should do at exit.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    pub stdout: String,
    pub stderr: String,
    pub code: u8,
}

/// Facts about the process environment the app needs (so tests can fix them).
#[derive(Debug, Clone, Copy)]
pub struct Environment {
    pub stderr_is_terminal: bool,
    pub no_color: bool,
    pub terminal_width: usize,
}

pub const EXIT_OK: u8 = 0;
pub const EXIT_FAILURE: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

pub fn run(args: impl IntoIterator<Item = OsString>, environment: Environment) -> Outcome {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            let code = if error.use_stderr() {
                EXIT_USAGE
            } else {
                EXIT_OK
            };
            let text = error.render().to_string();
            return if error.use_stderr() {
                Outcome {
                    stderr: text,
                    code,
                    ..Outcome::default()
                }
            } else {
                Outcome {
                    stdout: text,
                    code,
                    ..Outcome::default()
                }
            };
        }
    };
    let color = match cli.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => environment.stderr_is_terminal && !environment.no_color,
    };
    let context = Context {
        format: cli.message_format,
        deny_warnings: cli.deny_warnings,
        style: Style {
            color,
            width: environment.terminal_width,
        },
    };
    match &cli.command {
        Command::Generate(build) => generate::generate(build, &context),
        Command::Check(build) => generate::check(build, &context),
        Command::Validate(inputs) => validate(inputs, &context),
        Command::Explain { code, paths } => explain::explain(code, paths),
        Command::Init { dir } => tools::init(dir),
        Command::Fmt { check, inputs } => fmt(&inputs.paths, *check),
        Command::Import(import) => import::import(import, &context),
        Command::Completions { shell } => tools::completions(*shell),
        Command::Man => tools::man(),
        Command::Diff(arguments) => diff::diff(arguments, &context),
        Command::Verify(arguments) => verify::verify(arguments, &context),
        Command::Backtest(arguments) => backtest::backtest(arguments, &context),
    }
}

#[derive(Debug)]
struct Context {
    format: MessageFormat,
    deny_warnings: bool,
    style: Style,
}

/// The result of loading and checking: a model when the spec is usable.
struct Compiled {
    model: Option<Model>,
    report: String,
    failed: bool,
}

/// Load and check; the model survives only if there is no error (and no warning under
/// `--deny-warnings`).
pub fn compile(paths: &[PathBuf], sources: &mut Sources) -> (Option<Model>, Diagnostics) {
    let (spec, diagnostics) = crate::spec::load(paths, sources);
    finish(&spec, diagnostics, sources)
}

/// [`compile`] for files already in memory: `(name, text)` pairs.
pub fn compile_texts(
    files: &[(String, String)],
    sources: &mut Sources,
) -> (Option<Model>, Diagnostics) {
    let mut diagnostics = Diagnostics::default();
    let mut spec = crate::spec::RawSpec::default();
    for (name, text) in files {
        if let Some(document) = crate::spec::parse_text(name, text, sources, &mut diagnostics) {
            spec.documents.push(document);
        }
    }
    finish(&spec, diagnostics, sources)
}

fn finish(
    spec: &crate::spec::RawSpec,
    mut diagnostics: Diagnostics,
    sources: &mut Sources,
) -> (Option<Model>, Diagnostics) {
    // A file that did not parse would make the checker report its declarations as
    // undefined elsewhere; shape errors inside parsed files do not, so checking goes on.
    let unparsed = diagnostics.iter().any(|d| {
        d.is_error()
            && matches!(
                d.code,
                Code::Io | Code::Syntax | Code::Unsupported | Code::DuplicateKey
            )
    });
    if unparsed {
        diagnostics.sort();
        return (None, diagnostics);
    }
    let (model, checked) = crate::check::check(spec);
    for secret in checked.iter().filter(|d| d.code == Code::LiteralSecret) {
        if let Some(span) = secret.span {
            sources.redact(span);
        }
    }
    diagnostics.extend(checked);
    diagnostics.sort();
    (model, diagnostics)
}

fn compile_and_report(inputs: &Inputs, context: &Context) -> Compiled {
    let mut sources = Sources::default();
    let (model, diagnostics) = compile(&inputs.paths, &mut sources);
    let warnings_fail = context.deny_warnings && diagnostics.count(Severity::Warning) > 0;
    let failed = model.is_none() || warnings_fail;
    let report = render(&diagnostics, &sources, context);
    Compiled {
        model: if failed { None } else { model },
        report,
        failed,
    }
}

fn render(diagnostics: &Diagnostics, sources: &Sources, context: &Context) -> String {
    match context.format {
        MessageFormat::Json => report::json(diagnostics, sources),
        MessageFormat::Sarif => report::sarif(diagnostics, sources),
        MessageFormat::Github => report::github(diagnostics, sources),
        MessageFormat::Human => {
            let mut text = report::human(diagnostics, sources, context.style);
            let warnings = diagnostics.count(Severity::Warning);
            if context.deny_warnings && warnings > 0 {
                let verb = if warnings == 1 { "fails" } else { "fail" };
                text.push_str(&format!(
                    "warnings are denied (--deny-warnings): {} {verb} the run\n",
                    report::plural(warnings, "warning")
                ));
            }
            text
        }
    }
}

/// Diagnostics go to stderr in human form and to stdout in the machine forms.
fn diagnostics_outcome(compiled: &Compiled, context: &Context, code: u8) -> Outcome {
    match context.format {
        MessageFormat::Json | MessageFormat::Sarif | MessageFormat::Github => Outcome {
            stdout: compiled.report.clone(),
            code,
            ..Outcome::default()
        },
        MessageFormat::Human => Outcome {
            stderr: compiled.report.clone(),
            code,
            ..Outcome::default()
        },
    }
}

fn validate(inputs: &Inputs, context: &Context) -> Outcome {
    let compiled = compile_and_report(inputs, context);
    let code = if compiled.failed {
        EXIT_FAILURE
    } else {
        EXIT_OK
    };
    let mut outcome = diagnostics_outcome(&compiled, context, code);
    if !compiled.failed && context.format == MessageFormat::Human {
        outcome.stderr.push_str("the spec is valid\n");
    }
    outcome
}

fn fmt(paths: &[PathBuf], check_only: bool) -> Outcome {
    let (files, problems) = crate::spec::spec_files(paths);
    let mut outcome = Outcome::default();
    for problem in &problems {
        outcome
            .stderr
            .push_str(&format!("error: {}\n", problem.message));
        outcome.code = EXIT_FAILURE;
    }
    let mut unformatted = 0;
    let kdl: Vec<&PathBuf> = files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "kdl"))
        .collect();
    for path in &kdl {
        let shown = path.display();
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) => {
                outcome
                    .stderr
                    .push_str(&format!("error: {shown}: {error}\n"));
                outcome.code = EXIT_FAILURE;
                continue;
            }
        };
        let Some(formatted) = crate::format::format_kdl(&text) else {
            outcome.stderr.push_str(&format!(
                "error: {shown}: not valid KDL; run `vigil validate` for details\n"
            ));
            outcome.code = EXIT_FAILURE;
            continue;
        };
        if formatted == text {
            continue;
        }
        unformatted += 1;
        if check_only {
            outcome
                .stderr
                .push_str(&format!("would reformat {shown}\n"));
            outcome.code = EXIT_FAILURE;
        } else if let Err(error) = crate::write::replace_file(path, &formatted) {
            outcome.stderr.push_str(&format!("error: {error}\n"));
            outcome.code = EXIT_FAILURE;
        } else {
            outcome.stderr.push_str(&format!("formatted {shown}\n"));
        }
    }
    if unformatted == 0 && outcome.code == EXIT_OK {
        outcome.stderr.push_str(if kdl.is_empty() {
            "no KDL specs to format (YAML specs are left as they are)\n"
        } else {
            "all KDL specs are formatted\n"
        });
    }
    outcome
}
