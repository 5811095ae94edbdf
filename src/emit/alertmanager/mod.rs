//! Alertmanager: `alertmanager.yml` (receivers, routing tree, inhibitions, time
//! intervals) and the route tests that prove where each tier's alerts go.
//! See `docs/alertmanager.md` for the routing design and its conventions.

mod config;
mod receivers;
mod route_tests;
mod routes;

use super::Artifact;
use super::yaml::to_yaml;
use crate::conventions::{
    ALERTMANAGER_CONFIG, ALERTMANAGER_ROUTE_TESTS_SCRIPT, ALERTMANAGER_ROUTE_TESTS_TABLE,
};
use crate::model::{Model, Version};
use config::Config;

/// Where alerts go: the generated routing tree, evaluated the way Alertmanager does (for
/// `vigil diff`, which compares who is notified before and after a change).
pub(crate) struct Router {
    root: config::Route,
    cases: Vec<route_tests::Case>,
}

impl Router {
    /// `None` when the spec declares no routing.
    pub(crate) fn new(model: &Model) -> Option<Self> {
        let routing = model.routing.as_ref()?;
        let root = routes::root(model, routing);
        let cases = route_tests::cases(model, routing, &root);
        Some(Self { root, cases })
    }

    /// The receivers an alert with these labels reaches, in order.
    pub(crate) fn receivers(
        &self,
        labels: &std::collections::BTreeMap<String, String>,
    ) -> Vec<String> {
        self.root.receivers(labels)
    }

    /// The label sets the route tests check (tier × service, and routes on other labels)
    /// with the receivers each reaches.
    pub(crate) fn cases(
        &self,
    ) -> impl Iterator<Item = (&std::collections::BTreeMap<String, String>, &[String])> {
        self.cases
            .iter()
            .map(|c| (&c.labels, c.receivers.as_slice()))
    }
}

/// Nothing when the spec declares no routing: there is no tree to write.
pub(super) fn emit(model: &Model) -> Vec<Artifact> {
    let Some(routing) = &model.routing else {
        return Vec::new();
    };
    let global = receivers::global(model);
    let root = routes::root(model, routing);
    let cases = route_tests::cases(model, routing, &root);
    let intervals = routes::time_intervals(model);
    let renamed = model.targets.alertmanager >= Version::new(0, 24);
    let (time_intervals, mute_time_intervals) = if renamed {
        (intervals, Vec::new())
    } else {
        (Vec::new(), intervals)
    };
    let config = Config {
        receivers: receivers::receivers(model, global.as_ref()),
        inhibit_rules: routes::inhibit_rules(model, routing),
        global,
        route: root,
        mute_time_intervals,
        time_intervals,
    };
    vec![
        Artifact::new(ALERTMANAGER_CONFIG, to_yaml(&config)),
        Artifact::new(ALERTMANAGER_ROUTE_TESTS_TABLE, route_tests::table(&cases)),
        Artifact::new(ALERTMANAGER_ROUTE_TESTS_SCRIPT, route_tests::script(&cases)),
    ]
}
