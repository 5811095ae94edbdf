//! `vigil verify`: holds the spec against what runs. The metric catalog, the SLIs and the
//! generated rules are compared with a live Prometheus (and the generated routing with a
//! live Alertmanager) through their HTTP APIs, read-only.
//!
//! The comparison sees the servers only through [`Api`], so every check is tested on
//! canned answers; [`client`] is the one implementation that talks HTTP.

mod alertmanager;
mod catalog;
pub mod client;
mod loaded;
mod rules;
mod slos;
pub(crate) mod spans;

use std::collections::BTreeMap;

use serde_json::Value;

use crate::codes::Code;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::Model;
use crate::source::Span;
use crate::spec::RawSpec;
use spans::Places;

/// A server's read-only API.
pub trait Api {
    /// The JSON answer to `GET path?params`.
    fn get(&self, path: &str, params: &[(&str, &str)]) -> Result<Value, ApiError>;
    /// The same answer as text, for a caller that reads large answers into types of its own.
    fn get_text(&self, path: &str, params: &[(&str, &str)]) -> Result<String, ApiError> {
        self.get(path, params).map(|answer| answer.to_string())
    }
    /// Where the server is, for messages.
    fn address(&self) -> &str;
}

/// Why a request got no usable answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// Nothing usable answers there (refused, timed out, not this API, not authorised):
    /// verification cannot go on.
    Unreachable(String),
    /// The server refused this one request (a query it could not run).
    Rejected(String),
}

/// Verification could not run at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot reach {server} at {address}: {cause}")]
pub struct Unreachable {
    pub server: &'static str,
    pub address: String,
    pub cause: String,
}

/// The servers to verify against.
pub struct Servers<'a> {
    pub prometheus: &'a dyn Api,
    pub alertmanager: Option<&'a dyn Api>,
}

/// Every difference between the spec and the servers, as diagnostics placed in the spec.
pub fn verify(
    model: &Model,
    spec: &RawSpec,
    servers: &Servers<'_>,
) -> Result<Diagnostics, Unreachable> {
    let mut run = Run {
        model,
        places: Places::new(spec),
        prometheus: servers.prometheus,
        diagnostics: Diagnostics::default(),
    };
    // One cheap request first, so that a wrong address fails before anything is judged.
    run.data("/api/v1/status/buildinfo", &[])?;
    catalog::check(&mut run)?;
    slos::check(&mut run)?;
    rules::check(&mut run)?;
    if let Some(alertmanager) = servers.alertmanager {
        alertmanager::check(&mut run, alertmanager)?;
    }
    let mut diagnostics = run.diagnostics;
    diagnostics.sort();
    Ok(diagnostics)
}

/// One verification: what is checked, where it is declared, what was found.
pub(crate) struct Run<'a> {
    model: &'a Model,
    places: Places<'a>,
    prometheus: &'a dyn Api,
    diagnostics: Diagnostics,
}

/// One series of an instant vector and its value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Sample {
    pub(crate) labels: BTreeMap<String, String>,
    pub(crate) value: f64,
}

impl Run<'_> {
    fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// The `data` of a Prometheus answer. A refused request becomes a diagnostic and
    /// `None`, so one bad query does not hide the other findings.
    fn data(&mut self, path: &str, params: &[(&str, &str)]) -> Result<Option<Value>, Unreachable> {
        match self.prometheus.get(path, params) {
            Ok(mut answer) if answer["status"] == "success" => Ok(Some(answer["data"].take())),
            Ok(answer) => {
                let reason = answer["error"].as_str().unwrap_or("no reason given");
                self.refused(path, params, reason);
                Ok(None)
            }
            Err(ApiError::Rejected(reason)) => {
                self.refused(path, params, &reason);
                Ok(None)
            }
            Err(ApiError::Unreachable(cause)) => Err(Unreachable {
                server: "Prometheus",
                address: self.prometheus.address().to_owned(),
                cause,
            }),
        }
    }

    fn refused(&mut self, path: &str, params: &[(&str, &str)], reason: &str) {
        let asked: Vec<String> = params.iter().map(|(k, v)| format!("{k}={v}")).collect();
        self.report(Diagnostic::unplaced(
            Code::VerifyQueryFailed,
            format!(
                "Prometheus refused `{path}` ({}): {reason}",
                asked.join(" ")
            ),
        ));
    }

    /// An instant query's vector; `None` when it was refused (already reported).
    fn query(&mut self, expr: &str) -> Result<Option<Vec<Sample>>, Unreachable> {
        let Some(data) = self.data("/api/v1/query", &[("query", expr)])? else {
            return Ok(None);
        };
        Ok(Some(samples(&data)))
    }
}

/// The samples of a `vector` result (a scalar or matrix has none).
fn samples(data: &Value) -> Vec<Sample> {
    let Some(result) = data["result"].as_array() else {
        return Vec::new();
    };
    result
        .iter()
        .map(|series| Sample {
            labels: series["metric"]
                .as_object()
                .map(|labels| {
                    labels
                        .iter()
                        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                        .collect()
                })
                .unwrap_or_default(),
            // Prometheus writes values as strings: "1.5", "NaN", "+Inf".
            value: series["value"][1]
                .as_str()
                .and_then(|v| v.parse().ok())
                .unwrap_or(f64::NAN),
        })
        .collect()
}

/// A diagnostic at `span` when the spec has a place for it.
fn finding(code: Code, span: Option<Span>, message: String) -> Diagnostic {
    match span {
        Some(span) => Diagnostic::new(code, span, message),
        None => Diagnostic::unplaced(code, message),
    }
}

/// `{a="x",b="y"}` matchers for a label map, values escaped as `PromQL` strings.
fn matchers(labels: &BTreeMap<String, String>) -> Vec<String> {
    labels
        .iter()
        .map(|(name, value)| format!("{name}=\"{}\"", escape(value)))
        .collect()
}

fn escape(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"")
}

/// `a`, `b` and `c` in backticks, at most `limit` of them, then how many more.
fn listed<'n>(names: impl IntoIterator<Item = &'n str>, limit: usize) -> String {
    let names: Vec<&str> = names.into_iter().collect();
    let mut shown: Vec<String> = names.iter().take(limit).map(|n| format!("`{n}`")).collect();
    if names.len() > limit {
        shown.push(format!("and {} more", names.len() - limit));
    }
    shown.join(", ")
}
