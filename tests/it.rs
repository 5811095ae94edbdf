//! vigil's integration tests, one crate (one link) whose modules are the files beside
//! this one, with their helpers in `support/`.
//!
//! `cargo test` runs the fast tier: every unit, snapshot, fixture and CLI test. Tests that
//! need the real tools (promtool, amtool, Prometheus, Alertmanager) or run for long
//! (equivalence with the peers, anomaly measurement, the fuzz smoke) are the slow tier,
//! `#[ignore]`d with the reason; `./scripts/test.sh` runs both tiers
//! (`cargo test -- --include-ignored`).

mod support;

mod adversarial;
mod adversarial_fuzz;
mod adversarial_write;
mod alert_units;
mod alertmanager;
mod alertmanager_e2e;
mod alertmanager_lint;
mod anomaly_detection;
mod backtest;
mod backtest_e2e;
mod backtest_exactness;
mod cli;
mod diagnostics_schema;
mod diff;
mod docs;
mod docs_console;
mod docs_recipes;
mod equivalence;
mod escaping;
mod fixtures;
mod grafana;
mod grafana_prometheus;
mod import;
mod import_equivalence;
mod import_equivalence_pyrra;
mod import_firing;
mod import_real_world;
mod kdl_differential;
mod org;
mod prometheus;
mod prometheus_e2e;
mod prometheus_mutations;
mod properties;
mod robustness;
mod rule_cost;
mod sarif_schema;
mod schema;
mod secrets;
mod verify;
mod verify_client;
mod verify_e2e;
