//! What every rule of one SLO is built from, and the labels all of them carry.

use std::collections::BTreeMap;

use crate::conventions::{LABEL_SERVICE, LABEL_SEVERITY, LABEL_SLO, LABEL_TEAM, LABEL_TIER};
use crate::emit::prometheus::rule::Rule;
use crate::model::{Model, Slo, TierName};

/// What every rule of one SLO is built from.
pub(crate) struct SloContext<'a> {
    pub(crate) model: &'a Model,
    pub(crate) slo: &'a Slo,
}

impl SloContext<'_> {
    /// `{service="erlmcp",slo="availability"}`: selects this SLO's recorded series.
    pub(crate) fn selector(&self) -> String {
        [
            "{",
            LABEL_SERVICE,
            "=\"",
            self.slo.service.as_str(),
            "\",",
            LABEL_SLO,
            "=\"",
            self.slo.name.as_str(),
            "\"}",
        ]
        .concat()
    }

    pub(crate) fn record(&self, name: &str, expr: String) -> Rule {
        Rule {
            record: Some(name.to_owned()),
            expr,
            labels: self.identity(),
            ..Rule::default()
        }
    }

    pub(crate) fn alert(&self, name: &str, expr: String, tier: &TierName) -> Rule {
        let mut labels = self.identity();
        labels.extend(self.tier_labels(tier));
        Rule {
            alert: Some(name.to_owned()),
            expr,
            labels,
            ..Rule::default()
        }
    }

    /// Labels every recorded series of an SLO carries, before the `group_by` labels.
    pub(crate) fn identity(&self) -> BTreeMap<String, String> {
        let mut labels: BTreeMap<String, String> = self
            .model
            .settings
            .labels
            .iter()
            .chain(&self.slo.labels)
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        labels.insert(LABEL_SERVICE.to_owned(), self.slo.service.to_string());
        labels.insert(LABEL_SLO.to_owned(), self.slo.name.to_string());
        labels
    }

    /// Labels of an alert at `tier`: severity, tier, and the team owning the service.
    pub(crate) fn tier_labels(&self, tier: &TierName) -> BTreeMap<String, String> {
        let mut labels = BTreeMap::new();
        if let Some(tier) = self.model.tier(tier) {
            labels.insert(LABEL_SEVERITY.to_owned(), tier.severity.as_str().to_owned());
        }
        labels.insert(LABEL_TIER.to_owned(), tier.to_string());
        if let Some(team) = self
            .model
            .service(&self.slo.service)
            .and_then(|s| s.team.as_ref())
        {
            labels.insert(LABEL_TEAM.to_owned(), team.to_string());
        }
        labels
    }
}
