//! OpenSLO `metadata.labels` onto the SLO's labels: every rule of the SLO carries them,
//! as Sloth's labels do. Labels vigil sets, names Prometheus refuses, and values that are
//! not one string are reported and kept as comments.

use std::collections::BTreeMap;

use serde::Deserialize;

/// A label's value as OpenSLO writes it: a string, or (v1) a list of strings.
#[derive(Deserialize, Clone)]
#[serde(untagged)]
pub(super) enum LabelValue {
    One(String),
    Many(Vec<String>),
    Other(serde::de::IgnoredAny),
}

/// The labels carried over, and a sentence for each one that is not.
pub(super) fn labels(
    given: &BTreeMap<String, LabelValue>,
) -> (BTreeMap<String, String>, Vec<String>) {
    let mut labels = BTreeMap::new();
    let mut dropped = Vec::new();
    for (name, value) in given {
        let value = match value {
            LabelValue::One(value) => value.clone(),
            LabelValue::Many(values) if values.len() == 1 => values[0].clone(),
            LabelValue::Many(values) => {
                dropped.push(format!(
                    "label {name} has {} values; a Prometheus label has one",
                    values.len()
                ));
                continue;
            }
            LabelValue::Other(_) => {
                dropped.push(format!("label {name} is not a string"));
                continue;
            }
        };
        if crate::conventions::RESERVED_LABELS.contains(&name.as_str()) {
            dropped.push(format!(
                "label {name}={value:?} dropped: vigil sets `{name}` itself"
            ));
        } else if !crate::check::valid_label_name(name) {
            dropped.push(format!(
                "label {name}={value:?} dropped: not a Prometheus label name"
            ));
        } else {
            labels.insert(name.clone(), value);
        }
    }
    (labels, dropped)
}
