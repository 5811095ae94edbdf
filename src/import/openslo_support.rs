//! What the OpenSLO converters share: the objects by kind and name, the problem that
//! stops one SLO, and OpenSLO's numbers as decimals.

use std::collections::BTreeMap;
use std::str::FromStr;

use super::openslo_schema::Located;
use crate::codes::Code;
use crate::model::Decimal;

/// Every accepted object, by kind and name.
#[derive(Default)]
pub(super) struct Pool {
    pub(super) by_kind: BTreeMap<String, BTreeMap<String, Located>>,
    /// The period of an SLO that names no time window: Sloth's `--default-slo-period` when
    /// Sloth reads the documents; `vigil import openslo` requires a window.
    pub(super) default_period: Option<crate::model::Duration>,
}

impl Pool {
    pub(super) fn get(&self, kind: &str, name: &str) -> Option<&Located> {
        self.by_kind.get(kind)?.get(name)
    }
}

/// The problem that stops one SLO from importing.
pub(super) struct Problem {
    pub(super) code: Code,
    pub(super) message: String,
    pub(super) help: &'static str,
}

pub(super) fn problem(code: Code, message: impl Into<String>, help: &'static str) -> Problem {
    Problem {
        code,
        message: message.into(),
        help,
    }
}

pub(super) type Result<T> = std::result::Result<T, Problem>;

pub(super) const INVALID_HELP: &str =
    "the document does not follow the OpenSLO specification; fix it upstream";

/// An OpenSLO number as the decimal it reads as.
pub(super) fn decimal(value: f64) -> Option<Decimal> {
    Decimal::from_str(&value.to_string()).ok()
}
