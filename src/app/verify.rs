//! `vigil verify`: compile the spec, ask the servers, report the differences as
//! diagnostics placed in the spec.

use std::time::Duration;

use super::{Context, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, Outcome, finish, render};
use crate::cli::{MessageFormat, ServerArguments, VerifyArguments};
use crate::diagnostic::{Diagnostics, Severity};
use crate::source::Sources;
use crate::verify::client::HttpApi;
use crate::verify::{Api, Servers};

pub(super) fn verify(arguments: &VerifyArguments, context: &Context) -> Outcome {
    let (headers, timeout) = match connection(&arguments.server, arguments.alertmanager.as_ref()) {
        Ok(connection) => connection,
        Err(message) => return usage(&message),
    };
    let mut sources = Sources::default();
    let (spec, loaded) = crate::spec::load(&arguments.inputs.paths, &mut sources);
    let (model, checked) = finish(&spec, loaded, &mut sources);
    let Some(model) = model else {
        return report(&checked, &sources, context, EXIT_FAILURE);
    };
    let prometheus = HttpApi::new(&arguments.server.prometheus, headers.clone(), timeout);
    let alertmanager = arguments
        .alertmanager
        .as_deref()
        .map(|url| HttpApi::new(url, headers.clone(), timeout));
    let servers = Servers {
        prometheus: &prometheus,
        alertmanager: alertmanager.as_ref().map(|a| a as &dyn Api),
    };
    // The spec's own warnings are `vigil validate`'s business; this reports what runs.
    match crate::verify::verify(&model, &spec, &servers) {
        Err(unreachable) => usage(&unreachable.to_string()),
        Ok(found) => {
            let failed =
                found.has_errors() || (context.deny_warnings && found.count(Severity::Warning) > 0);
            let code = if failed { EXIT_FAILURE } else { EXIT_OK };
            let mut outcome = report(&found, &sources, context, code);
            if found.is_empty() && context.format == MessageFormat::Human {
                outcome.stderr.push_str(&format!(
                    "Prometheus at {} runs what the spec declares\n",
                    arguments.server.prometheus
                ));
            }
            outcome
        }
    }
}

/// The headers every request carries, and the timeout of one request.
pub(super) fn connection(
    arguments: &ServerArguments,
    alertmanager: Option<&String>,
) -> Result<(Vec<(String, String)>, Duration), String> {
    for url in std::iter::once(&arguments.prometheus).chain(alertmanager) {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(format!("`{url}` is not an http:// or https:// address"));
        }
    }
    let mut headers = Vec::new();
    for header in &arguments.headers {
        let Some((name, value)) = header.split_once(':') else {
            return Err(format!("--header `{header}` is not `NAME:VALUE`"));
        };
        headers.push((name.trim().to_owned(), value.trim().to_owned()));
    }
    if let Some(path) = &arguments.bearer_token_file {
        let token = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read --bearer-token-file {}: {e}", path.display()))?;
        headers.push((
            String::from("Authorization"),
            format!("Bearer {}", token.trim()),
        ));
    }
    let timeout = crate::model::Duration::parse(&arguments.timeout)
        .map_err(|e| format!("--timeout `{}`: {e}", arguments.timeout))?;
    if timeout.as_millis() == 0 {
        return Err(String::from("--timeout must be longer than 0s"));
    }
    Ok((headers, Duration::from_millis(timeout.as_millis())))
}

pub(super) fn usage(message: &str) -> Outcome {
    Outcome {
        stderr: format!("error: {message}\n"),
        code: EXIT_USAGE,
        ..Outcome::default()
    }
}

/// Diagnostics go to stderr in human form and to stdout in the machine forms.
pub(super) fn report(
    diagnostics: &Diagnostics,
    sources: &Sources,
    context: &Context,
    code: u8,
) -> Outcome {
    let text = render(diagnostics, sources, context);
    match context.format {
        MessageFormat::Human => Outcome {
            stderr: text,
            code,
            ..Outcome::default()
        },
        MessageFormat::Json | MessageFormat::Sarif | MessageFormat::Github => Outcome {
            stdout: text,
            code,
            ..Outcome::default()
        },
    }
}
