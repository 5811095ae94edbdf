//! The running Alertmanager's configuration against the generated one. Alertmanager
//! answers with its configuration as it printed it back, defaults filled in, so the
//! generated file must be contained in it: every key vigil writes has the same value
//! there, and the receivers are the same set.

use serde_json::Value;

use super::{Api, ApiError, Run, Unreachable, finding};
use crate::codes::Code;
use crate::conventions::ALERTMANAGER_CONFIG;
use crate::diagnostic::Diagnostic;
use crate::emit::{Backend, Options};

/// How many differences one diagnostic lists.
const SHOWN: usize = 8;

pub(super) fn check(run: &mut Run<'_>, alertmanager: &dyn Api) -> Result<(), Unreachable> {
    let Some(generated) = generated(run) else {
        return Ok(());
    };
    let running = match alertmanager.get("/api/v2/status", &[]) {
        Ok(status) => status["config"]["original"]
            .as_str()
            .and_then(|text| serde_saphyr::from_str::<Value>(text).ok()),
        Err(ApiError::Rejected(reason)) => {
            run.report(Diagnostic::unplaced(
                Code::VerifyQueryFailed,
                format!("Alertmanager refused `/api/v2/status`: {reason}"),
            ));
            return Ok(());
        }
        Err(ApiError::Unreachable(cause)) => {
            return Err(Unreachable {
                server: "Alertmanager",
                address: alertmanager.address().to_owned(),
                cause,
            });
        }
    };
    let Some(running) = running else {
        run.report(Diagnostic::unplaced(
            Code::VerifyQueryFailed,
            "Alertmanager's `/api/v2/status` holds no readable `config.original`",
        ));
        return Ok(());
    };
    compare_receivers(run, &generated, &running);
    for section in ["route", "inhibit_rules", "time_intervals"] {
        let mut found = Vec::new();
        differences(section, &generated[section], &running[section], &mut found);
        if !found.is_empty() {
            let place = run.places.block("routing");
            run.report(
                finding(
                    Code::VerifyAlertmanager,
                    place,
                    format!(
                        "the running Alertmanager's `{section}` differs from the generated one: {}",
                        shown(&found)
                    ),
                )
                .label("generated from here"),
            );
        }
    }
    Ok(())
}

/// The generated `alertmanager.yml`, parsed; `None` when the spec declares no routing.
fn generated(run: &Run<'_>) -> Option<Value> {
    let artifacts = Backend::Alertmanager
        .emit(run.model, &Options::default())
        .ok()?;
    let config = artifacts.iter().find(|a| a.path == ALERTMANAGER_CONFIG)?;
    serde_saphyr::from_str(&config.contents).ok()
}

fn compare_receivers(run: &mut Run<'_>, generated: &Value, running: &Value) {
    let named = |config: &Value| -> Vec<(String, Value)> {
        config["receivers"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| Some((r["name"].as_str()?.to_owned(), r.clone())))
            .collect()
    };
    let (ours, theirs) = (named(generated), named(running));
    for (name, receiver) in &ours {
        let place = run.places.receiver(name);
        let message = match theirs.iter().find(|(n, _)| n == name) {
            None => format!("receiver `{name}` is not in the running Alertmanager"),
            Some((_, live)) => {
                let mut found = Vec::new();
                differences(name, receiver, live, &mut found);
                if found.is_empty() {
                    continue;
                }
                format!(
                    "receiver `{name}` differs from the generated one: {}",
                    shown(&found)
                )
            }
        };
        run.report(finding(Code::VerifyAlertmanager, place, message).label("generated from here"));
    }
    for (name, _) in theirs
        .iter()
        .filter(|(n, _)| !ours.iter().any(|(o, _)| o == n))
    {
        let place = run.places.block("routing");
        run.report(
            finding(
                Code::VerifyAlertmanager,
                place,
                format!("the running Alertmanager has receiver `{name}`, which the spec does not generate"),
            )
            .label("the routing vigil generates"),
        );
    }
}

/// Where `generated` is not contained in `running`, as `path: runs X, generated Y`.
fn differences(path: &str, generated: &Value, running: &Value, found: &mut Vec<String>) {
    match (generated, running) {
        (Value::Null, _) => {}
        (Value::Object(ours), Value::Object(theirs)) => {
            for (key, value) in ours {
                let at = format!("{path}.{key}");
                match theirs.get(key) {
                    Some(live) => differences(&at, value, live, found),
                    None if value.is_null() => {}
                    None => found.push(format!("{at} is missing")),
                }
            }
        }
        // Alertmanager sorts matchers; lists of plain values (matchers, `group_by`, `equal`)
        // mean the same in any order.
        (Value::Array(ours), Value::Array(theirs)) if all_scalar(ours) && all_scalar(theirs) => {
            let mut ours: Vec<String> = ours.iter().map(scalar).collect();
            let mut theirs: Vec<String> = theirs.iter().map(scalar).collect();
            ours.sort();
            theirs.sort();
            if ours != theirs {
                found.push(format!(
                    "{path}: runs [{}], generated [{}]",
                    theirs.join(", "),
                    ours.join(", ")
                ));
            }
        }
        (Value::Array(ours), Value::Array(theirs)) if ours.len() == theirs.len() => {
            for (index, (value, live)) in ours.iter().zip(theirs).enumerate() {
                differences(&format!("{path}[{index}]"), value, live, found);
            }
        }
        (Value::Array(ours), Value::Array(theirs)) => found.push(format!(
            "{path}: runs {} entries, generated {}",
            theirs.len(),
            ours.len()
        )),
        // Alertmanager may print a number or a boolean where the file had a string, and
        // prints secrets it holds as `<secret>`.
        (ours, theirs) if scalar(ours) == scalar(theirs) || scalar(theirs) == "<secret>" => {}
        (ours, theirs) => found.push(format!(
            "{path}: runs {}, generated {}",
            scalar(theirs),
            scalar(ours)
        )),
    }
}

fn all_scalar(values: &[Value]) -> bool {
    values.iter().all(|v| !v.is_array() && !v.is_object())
}

fn scalar(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

fn shown(found: &[String]) -> String {
    let mut text = found
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join("; ");
    if found.len() > SHOWN {
        text.push_str(&format!("; and {} more", found.len() - SHOWN));
    }
    text
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::differences;

    fn found(generated: &serde_json::Value, running: &serde_json::Value) -> Vec<String> {
        let mut found = Vec::new();
        differences("route", generated, running, &mut found);
        found
    }

    #[test]
    fn defaults_order_and_masked_secrets_are_not_differences() {
        let generated = json!({
            "receiver": "team",
            "matchers": ["tier=\"page\"", "slo=~\".+\""],
            "url": "http://hooks/x",
        });
        let running = json!({
            "receiver": "team",
            "continue": false,
            "matchers": ["slo=~\".+\"", "tier=\"page\""],
            "url": "<secret>",
        });
        assert_eq!(found(&generated, &running), Vec::<String>::new());
    }

    #[test]
    fn changed_missing_and_reordered_routes_are() {
        let generated =
            json!({"receiver": "team", "routes": [{"receiver": "a"}, {"receiver": "b"}]});
        let running = json!({"routes": [{"receiver": "b"}, {"receiver": "a"}]});
        assert_eq!(
            found(&generated, &running),
            [
                "route.receiver is missing",
                "route.routes[0].receiver: runs b, generated a",
                "route.routes[1].receiver: runs a, generated b",
            ]
        );
    }
}
