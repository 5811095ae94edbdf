//! The rules of one SLO: base rates and window ratios ([`rules`]), from the SLI's
//! expressions ([`sli`]), and its alerts ([`alerts`]).

mod alerts;
mod context;
pub(crate) mod rules;
pub(crate) mod sli;

pub(crate) use context::SloContext;

use super::rule::{RuleGroup, split};
use crate::model::{Model, Slo};

/// The rule groups of one SLO, each at most [`crate::conventions::rule_groups::MAX_RULES`] long.
pub(crate) fn slo_groups(model: &Model, slo: &Slo) -> Vec<RuleGroup> {
    let cx = SloContext { model, slo };
    let mut groups = rules::groups(&cx);
    groups.extend(alerts::group(&cx));
    groups.into_iter().flat_map(split).collect()
}
