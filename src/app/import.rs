//! `vigil import sloth|openslo|pyrra`: another tool's SLO documents turned into a vigil spec.

use super::{
    Compiled, Context, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, Outcome, diagnostics_outcome, render,
};
use crate::cli::{Import, ImportOptions, MessageFormat, SpecFormat};
use crate::diagnostic::Severity;
use crate::report::plural;
use crate::source::Sources;

/// `vigil import sloth|openslo`: convert, report, then print the spec or write it.
pub(super) fn import(import: &Import, context: &Context) -> Outcome {
    let options = match import {
        Import::Sloth { options, .. } | Import::Openslo { options } | Import::Pyrra { options } => {
            options
        }
    };
    let mut sources = Sources::default();
    let (files, mut diagnostics) = crate::spec::load_import_inputs(&options.paths, &mut sources);
    let format = match options.to {
        SpecFormat::Kdl => crate::import::Format::Kdl,
        SpecFormat::Yaml => crate::import::Format::Yaml,
    };
    let imported = match import {
        Import::Sloth { period, .. } => {
            let period = match crate::model::Duration::parse(period) {
                Ok(period) => period,
                Err(message) => {
                    return Outcome {
                        stderr: format!("error: --period {period}: {message}\n"),
                        code: EXIT_USAGE,
                        ..Outcome::default()
                    };
                }
            };
            let sloth = crate::import::SlothOptions {
                period: Some(period),
            };
            crate::import::sloth(&sources, &files, &sloth, format)
        }
        Import::Openslo { .. } => crate::import::openslo(&sources, &files, format),
        Import::Pyrra { .. } => crate::import::pyrra(&sources, &files, format),
    };
    diagnostics.extend(imported.diagnostics);
    diagnostics.sort();
    let warnings_fail = context.deny_warnings && diagnostics.count(Severity::Warning) > 0;
    let spec = imported
        .spec
        .filter(|_| !diagnostics.has_errors() && !warnings_fail);
    let compiled = Compiled {
        failed: spec.is_none(),
        model: None,
        report: render(&diagnostics, &sources, context),
    };
    let Some(spec) = spec else {
        let mut outcome = diagnostics_outcome(&compiled, context, EXIT_FAILURE);
        if context.format == MessageFormat::Human {
            outcome.stderr.push_str("nothing was imported\n");
        }
        return outcome;
    };
    let mut outcome = diagnostics_outcome(&compiled, context, EXIT_OK);
    if options.out.is_none() && context.format != MessageFormat::Human {
        // The spec takes stdout: one document per stream, the report on stderr.
        outcome.stderr = std::mem::take(&mut outcome.stdout);
    }
    write_import(options, format, &spec, imported.slos, &mut outcome);
    outcome
}

fn write_import(
    options: &ImportOptions,
    format: crate::import::Format,
    spec: &str,
    slos: usize,
    outcome: &mut Outcome,
) {
    let Some(out) = &options.out else {
        outcome.stdout.push_str(spec);
        return;
    };
    let path = out.join(format.file_name());
    match crate::write::replace_file(&path, spec) {
        Ok(()) => outcome.stderr.push_str(&format!(
            "imported {} into {}\n",
            plural(slos, "SLO"),
            path.display()
        )),
        Err(error) => {
            outcome.stderr.push_str(&format!("error: {error}\n"));
            outcome.code = EXIT_FAILURE;
        }
    }
}
