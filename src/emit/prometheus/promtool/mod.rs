//! Generated `promtool test rules` files: per SLO, scenarios that prove each alert fires
//! when it should and stays quiet otherwise ([`slo`], [`scenarios`]); per service, tests
//! of the operational alerts ([`ops`], [`thresholds`], [`cardinality`]). Both feed the
//! rules synthetic series ([`inputs`]) and expect alerts whose annotations are rendered as
//! Prometheus would ([`super::gotemplate`]).

mod cardinality;
mod file;
mod inputs;
mod ops;
mod scenarios;
mod slo;
mod subject;
mod thresholds;

pub(super) use ops::emit as operations_files;
pub(super) use slo::artifact as slo_file;
