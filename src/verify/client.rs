//! The HTTP side of `vigil verify`: read-only `GET`s against Prometheus' and
//! Alertmanager's APIs, with the caller's headers and a timeout. TLS by rustls.

use std::time::Duration;

use serde_json::Value;

use super::{Api, ApiError};

/// The largest answer read: a series listing of a big metric is large, but an answer
/// beyond this is a wrong query, not something to hold in memory.
const BODY_LIMIT: u64 = 256 * 1024 * 1024;

/// One server's API over HTTP(S).
pub struct HttpApi {
    agent: ureq::Agent,
    base: String,
    /// The address as the user wrote it, for messages.
    shown: String,
    headers: Vec<(String, String)>,
    timeout: Duration,
}

impl HttpApi {
    /// `base` is the server's address (`http://prometheus:9090/`, with any path prefix);
    /// every request carries `headers` and ends within `timeout`.
    pub fn new(base: &str, headers: Vec<(String, String)>, timeout: Duration) -> Self {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            // Error answers carry Prometheus' reason in their body; read it.
            .http_status_as_error(false)
            .build()
            .into();
        Self {
            agent,
            base: base.trim_end_matches('/').to_owned(),
            shown: base.to_owned(),
            headers,
            timeout,
        }
    }

    fn cause(&self, error: &ureq::Error) -> String {
        match error {
            ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
                String::from("connection refused")
            }
            ureq::Error::Io(io) => io.to_string(),
            ureq::Error::Timeout(_) => format!("no answer within {:?}", self.timeout),
            ureq::Error::HostNotFound => String::from("host not found"),
            other => other.to_string(),
        }
    }
}

impl HttpApi {
    /// The answer's body when the server accepted the request; its reason otherwise.
    fn body(&self, path: &str, params: &[(&str, &str)]) -> Result<String, ApiError> {
        let mut request = self
            .agent
            .get(format!("{}{path}", self.base))
            .query_pairs(params.iter().copied());
        for (name, value) in &self.headers {
            request = request.header(name, value);
        }
        let mut response = request
            .call()
            .map_err(|e| ApiError::Unreachable(self.cause(&e)))?;
        let status = response.status();
        let body = response
            .body_mut()
            .with_config()
            .limit(BODY_LIMIT)
            .read_to_string()
            .map_err(|e| match e {
                ureq::Error::BodyExceedsLimit(_) => ApiError::Rejected(format!(
                    "{path}: the answer is larger than {BODY_LIMIT} bytes"
                )),
                other => ApiError::Unreachable(self.cause(&other)),
            })?;
        if status.is_success() {
            return Ok(body);
        }
        // Prometheus explains a refused query in `error`; anything else is shown by status.
        let json: Option<Value> = serde_json::from_str(&body).ok();
        let reason = json
            .as_ref()
            .and_then(|j| j.get("error"))
            .and_then(Value::as_str)
            .map_or_else(|| status.to_string(), str::to_owned);
        match status.as_u16() {
            401 | 403 | 404 => Err(ApiError::Unreachable(format!(
                "{path} answered {status}{}",
                if status.as_u16() == 404 {
                    ": is this the right address?"
                } else {
                    ": check --header and --bearer-token-file"
                }
            ))),
            _ => Err(ApiError::Rejected(reason)),
        }
    }
}

impl Api for HttpApi {
    fn get(&self, path: &str, params: &[(&str, &str)]) -> Result<Value, ApiError> {
        let body = self.body(path, params)?;
        serde_json::from_str(&body).map_err(|_| {
            ApiError::Unreachable(format!(
                "{path} did not answer JSON: is this the right address?"
            ))
        })
    }

    fn get_text(&self, path: &str, params: &[(&str, &str)]) -> Result<String, ApiError> {
        self.body(path, params)
    }

    fn address(&self) -> &str {
        &self.shown
    }
}
