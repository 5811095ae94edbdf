//! YAML output shared by the backends: typed values through serde, behind the header.

use serde::Serialize;

use crate::conventions::GENERATED_HEADER;

/// Serialises `value` as a YAML document starting with the generated-file header.
///
/// # Panics
/// Only if a backend's own types cannot be represented in YAML, which is a bug.
pub fn to_yaml<T: Serialize>(value: &T) -> String {
    let body = serde_saphyr::to_string(value).expect("backend types always serialise to YAML");
    format!("# {GENERATED_HEADER}\n{body}")
}
