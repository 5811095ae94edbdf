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
