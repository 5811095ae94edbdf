//! How an SLI's selectors read a service's series: scoped by the service's selector labels,
//! and latency buckets by their `le` values. The rules, their promtool tests and `vigil
//! verify` all select series this way.

use std::collections::BTreeMap;

use promql_parser::label::{MatchOp, Matcher};
use promql_parser::parser::VectorSelector;

use super::catalog::Service;
use super::values::{Decimal, LabelName, Selector, format_decimal};

impl Selector {
    /// The selector with the service's selector labels it does not set itself.
    pub fn scoped(&self, service: Option<&Service>) -> VectorSelector {
        let mut parsed = self.parsed().clone();
        for (label, value) in service.map(|s| &s.selector).into_iter().flatten() {
            if parsed.matchers.find_matchers(label.as_str()).is_empty() {
                parsed
                    .matchers
                    .matchers
                    .push(Matcher::new(MatchOp::Equal, label.as_str(), value));
            }
        }
        parsed
    }

    /// [`scoped`](Self::scoped) as `PromQL` text; the selector as written when the service
    /// adds nothing.
    pub fn scoped_text(&self, service: Option<&Service>) -> String {
        match service.filter(|s| !s.selector.is_empty()) {
            Some(service) => self.scoped(Some(service)).to_string(),
            None => self.as_str().to_owned(),
        }
    }
}

/// Label matchers of a latency SLI: its own, then the service's.
pub fn latency_labels(
    matchers: &BTreeMap<LabelName, String>,
    service: Option<&Service>,
) -> BTreeMap<String, String> {
    let mut labels: BTreeMap<String, String> =
        service.map(Service::selector_labels).unwrap_or_default();
    for (label, value) in matchers {
        labels.insert(label.to_string(), value.clone());
    }
    labels
}

/// The `le` label value client libraries write for a bucket bound.
pub fn le_value(seconds: Decimal) -> String {
    format_decimal(seconds)
}
