//! Stage 2: raw spec → validated model. Every rule lives here; all problems are collected,
//! the checker never stops at the first.

mod alerts;
mod catalog;
mod gate;
mod metric;
mod names;
mod notify;
mod ops_lint;
mod promql;
mod reader;
mod receivers;
mod retention;
mod routing_lint;
mod selectors;
mod slo;
mod spec_lint;

pub(crate) use names::{valid_alert_name, valid_label_name};
pub(crate) use selectors::{Read, metrics_read};

use crate::codes::Code;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::{Decision, Link, Model, Runbook};
use crate::spec::{Node, RawSpec};
use names::{Kind, Names};
use reader::{Cx, Reader};

/// Checks the whole spec. The model is returned only when there is no error (warnings
/// may be present).
pub fn check(spec: &RawSpec) -> (Option<Model>, Diagnostics) {
    let cx = Cx::default();
    let decls = gather(spec, &cx);
    spec_lint::empty(spec, &decls, &cx);
    let names = declare(&decls, &cx);

    let targets = decls
        .targets
        .map(|n| catalog::targets(n, &cx))
        .unwrap_or_default();
    let scope = Scope {
        cx: &cx,
        names: &names,
        targets: &targets,
        catalog: None,
    };
    let settings = decls
        .settings
        .map(|n| catalog::settings(n, &scope))
        .unwrap_or_default();
    let mut tiers: Vec<_> = decls
        .tiers
        .iter()
        .filter_map(|n| catalog::tier(n, &scope))
        .collect();
    tiers.sort_by(|a, b| (a.level, &a.name).cmp(&(b.level, &b.name)));
    let services = built(&decls.services, &scope, catalog::service, |s| {
        s.name.clone()
    });
    let metrics = built(&decls.metrics, &scope, metric::metric, |m| m.name.clone());
    spec_lint::series_budget(&settings, &metrics, decls.settings, &cx);
    // From here on every expression is held against the catalog.
    let catalog = selectors::Catalog::new(spec, &metrics, &services, &settings);
    let scope = Scope {
        catalog: Some(&catalog),
        ..scope
    };
    let retention = decls
        .retention
        .and_then(|n| retention::retention(n, &scope));
    let slo_scope = slo::SloScope {
        scope: &scope,
        tiers: &tiers,
        metrics: &metrics,
        retention: retention.as_ref(),
    };
    let checked = slos_checked(&decls.slos, &slo_scope);
    spec_lint::slo_names(&checked, &cx);
    let slos = sorted(checked.into_iter().map(|c| c.slo), |s| {
        (s.name.clone(), s.service.clone())
    });
    let operations = operations(&decls, &scope);
    operations.lint(&settings, &services, &slos, &decls.alerts, &cx);
    let Notification {
        receivers,
        time_intervals,
        routing,
    } = notification(&decls, &scope, &settings, &tiers, &slos);
    let Operations {
        alerts,
        anomalies,
        regressions,
        capacities,
    } = operations;

    let model = Model {
        targets,
        settings,
        tiers,
        services,
        metrics,
        slos,
        alerts,
        anomalies,
        regressions,
        capacities,
        retention,
        receivers,
        routing,
        time_intervals,
    };
    let failed = cx.has_errors();
    let mut diagnostics = cx.into_diagnostics();
    diagnostics.sort();
    (if failed { None } else { Some(model) }, diagnostics)
}

/// What `check` makes of `nodes`, in declaration order, worked out in chunks on every
/// core: each chunk reports into a sink of its own, and results and sinks are joined in
/// chunk order, the order one thread would have produced them in. For the declarations
/// a large spec has thousands of, each independent of the others of its kind.
fn in_chunks<T: Send>(
    nodes: &[&Node],
    cx: &Cx,
    check: impl Fn(&[&Node], &Cx) -> Vec<T> + Sync,
) -> Vec<T> {
    const SMALLEST_CHUNK: usize = 256;
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let chunk = nodes.len().div_ceil(threads).max(SMALLEST_CHUNK);
    let chunks: Vec<&[&Node]> = nodes.chunks(chunk).collect();
    if chunks.len() < 2 {
        return check(nodes, cx);
    }
    let results = crate::parallel::map(&chunks, |chunk| {
        let local = Cx::default();
        let checked = check(chunk, &local);
        (checked, local.into_diagnostics())
    });
    let mut checked = Vec::with_capacity(nodes.len());
    for (items, diagnostics) in results {
        checked.extend(items);
        cx.absorb(diagnostics);
    }
    checked
}

/// Each SLO that checks, in declaration order (SLOs are most of a large spec's checking).
fn slos_checked(nodes: &[&Node], s: &slo::SloScope<'_>) -> Vec<slo::Checked> {
    // Everything but the diagnostics sink, which is the one thing each chunk has its own of.
    let Scope {
        names,
        targets,
        catalog,
        ..
    } = *s.scope;
    let slo::SloScope {
        tiers,
        metrics,
        retention,
        ..
    } = *s;
    in_chunks(nodes, s.scope.cx, move |chunk, cx| {
        let scope = Scope {
            cx,
            names,
            targets,
            catalog,
        };
        let local = slo::SloScope {
            scope: &scope,
            tiers,
            metrics,
            retention,
        };
        chunk.iter().filter_map(|n| slo::slo(n, &local)).collect()
    })
}

/// Every declared name, each kind in its own namespace (SLOs per service).
fn declare(decls: &Decls<'_>, cx: &Cx) -> Names {
    let mut names = Names::default();
    names.declare(cx, Kind::Tier, &decls.tiers);
    names.declare(cx, Kind::Service, &decls.services);
    names.declare(cx, Kind::Metric, &decls.metrics);
    names.declare_slos(cx, &decls.slos);
    names.declare(cx, Kind::Alert, &decls.alerts);
    let rules: Vec<&Node> = decls
        .anomalies
        .iter()
        .chain(&decls.regressions)
        .chain(&decls.capacities)
        .copied()
        .collect();
    names.declare(cx, Kind::Rule, &rules);
    names.declare(cx, Kind::Receiver, &decls.receivers);
    names.declare(cx, Kind::Interval, &decls.intervals);
    names
}

/// The operational items beyond SLOs, each kind sorted by name.
struct Operations {
    alerts: Vec<crate::model::Alert>,
    anomalies: Vec<crate::model::Anomaly>,
    regressions: Vec<crate::model::Regression>,
    capacities: Vec<crate::model::Capacity>,
}

impl Operations {
    /// Holds the spec's own alerts against the names and series the others generate.
    fn lint(
        &self,
        settings: &crate::model::Settings,
        services: &[crate::model::Service],
        slos: &[crate::model::Slo],
        alerts: &[&Node],
        cx: &Cx,
    ) {
        ops_lint::Generated {
            settings,
            services: services
                .iter()
                .map(|s| Some(&s.name))
                .chain([None])
                .collect(),
            slos,
            anomalies: &self.anomalies,
            regressions: &self.regressions,
            capacities: &self.capacities,
        }
        .check(cx, alerts);
    }
}

fn operations(decls: &Decls<'_>, scope: &Scope<'_>) -> Operations {
    Operations {
        alerts: built(&decls.alerts, scope, alerts::alert, |a| a.name.clone()),
        anomalies: built(&decls.anomalies, scope, alerts::anomaly, |a| a.name.clone()),
        regressions: built(&decls.regressions, scope, alerts::regression, |a| {
            a.name.clone()
        }),
        capacities: built(&decls.capacities, scope, alerts::capacity, |a| {
            a.name.clone()
        }),
    }
}

/// Who is notified, and how.
struct Notification {
    receivers: Vec<crate::model::Receiver>,
    time_intervals: Vec<crate::model::TimeInterval>,
    routing: Option<crate::model::Routing>,
}

fn notification(
    decls: &Decls<'_>,
    scope: &Scope<'_>,
    settings: &crate::model::Settings,
    tiers: &[crate::model::Tier],
    slos: &[crate::model::Slo],
) -> Notification {
    let receivers = built(&decls.receivers, scope, receivers::receiver, |r| {
        r.name.clone()
    });
    let time_intervals = built(&decls.intervals, scope, notify::time_interval, |t| {
        t.name.clone()
    });
    let routing = decls.routing.and_then(|n| notify::routing(n, scope));
    spec_lint::relative_runbooks(settings, decls.routing, scope.cx);
    notify::unused_receivers(&decls.receivers, routing.as_ref(), scope.cx);
    routing_lint::lint(decls, routing.as_ref(), tiers, &receivers, scope);
    routing_lint::ambiguous_slo_inhibitions(decls.routing, slos, scope.cx);
    Notification {
        receivers,
        time_intervals,
        routing,
    }
}

/// Each node that checks, built (in chunks on every core: see [`in_chunks`]) and sorted
/// by `key`.
fn built<T: Send, K: Ord>(
    nodes: &[&Node],
    scope: &Scope<'_>,
    build: fn(&Node, &Scope<'_>) -> Option<T>,
    key: impl Fn(&T) -> K,
) -> Vec<T> {
    // Everything but the diagnostics sink, which is the one thing each chunk has its own of.
    let Scope {
        names,
        targets,
        catalog,
        ..
    } = *scope;
    let items = in_chunks(nodes, scope.cx, move |chunk, cx| {
        let scope = Scope {
            cx,
            names,
            targets,
            catalog,
        };
        chunk.iter().filter_map(|n| build(n, &scope)).collect()
    });
    sorted(items.into_iter(), key)
}

fn sorted<T, K: Ord>(items: impl Iterator<Item = T>, key: impl Fn(&T) -> K) -> Vec<T> {
    let mut items: Vec<T> = items.collect();
    items.sort_by_key(|item| key(item));
    items
}

/// What every builder needs: the diagnostics sink, the namespace and the targets.
#[derive(Clone, Copy)]
pub(crate) struct Scope<'a> {
    pub(crate) cx: &'a Cx,
    pub(crate) names: &'a Names,
    pub(crate) targets: &'a crate::model::Targets,
    /// The metric catalog, once it is built: expressions read before it are not resolved.
    pub(crate) catalog: Option<&'a selectors::Catalog<'a>>,
}

#[derive(Default)]
struct Decls<'n> {
    targets: Option<&'n Node>,
    settings: Option<&'n Node>,
    retention: Option<&'n Node>,
    routing: Option<&'n Node>,
    tiers: Vec<&'n Node>,
    services: Vec<&'n Node>,
    metrics: Vec<&'n Node>,
    slos: Vec<&'n Node>,
    alerts: Vec<&'n Node>,
    anomalies: Vec<&'n Node>,
    regressions: Vec<&'n Node>,
    capacities: Vec<&'n Node>,
    receivers: Vec<&'n Node>,
    intervals: Vec<&'n Node>,
}

fn gather<'n>(spec: &'n RawSpec, cx: &Cx) -> Decls<'n> {
    let mut decls = Decls::default();
    for document in &spec.documents {
        let root = Reader::new(&document.root, cx);
        if let Some(value) = root.value("vigil")
            && value.scalar != crate::spec::Scalar::Number(String::from("1"))
        {
            cx.report(
                Diagnostic::new(Code::Version, value.span, "unsupported spec version")
                    .label("expected 1"),
            );
        }
        singleton(cx, &mut decls.targets, root.child("targets"));
        singleton(cx, &mut decls.settings, root.child("settings"));
        singleton(cx, &mut decls.retention, root.child("retention"));
        singleton(cx, &mut decls.routing, root.child("routing"));
        decls.tiers.extend(root.children("tier"));
        decls.services.extend(root.children("service"));
        decls.metrics.extend(root.children("metric"));
        decls.slos.extend(root.children("slo"));
        decls.alerts.extend(root.children("alert"));
        decls.anomalies.extend(root.children("anomaly"));
        decls.regressions.extend(root.children("regression"));
        decls.capacities.extend(root.children("capacity"));
        decls.receivers.extend(root.children("receiver"));
        decls.intervals.extend(root.children("time-interval"));
        root.finish();
    }
    decls
}

/// `targets`, `settings`, `retention` and `routing` exist once across all files.
fn singleton<'n>(cx: &Cx, slot: &mut Option<&'n Node>, found: Option<&'n Node>) {
    let Some(node) = found else { return };
    match slot {
        Some(first) => cx.report(
            Diagnostic::new(
                Code::DuplicateName,
                node.name_span,
                format!("`{}` is declared twice", node.name),
            )
            .label("second declaration")
            .note(first.name_span, "first declared here")
            .help(format!(
                "merge them: the spec may hold one `{}` block across all its files",
                node.name
            )),
        ),
        None => *slot = Some(node),
    }
}

/// `runbook { impact "…"; step "…"; decision when="…" then="…"; escalation "…"; link title="…" url="…" }`
pub(crate) fn runbook(parent: &Reader<'_, '_>) -> Runbook {
    let Some(node) = parent.child("runbook") else {
        return Runbook::default();
    };
    let reader = Reader::new(node, parent.cx());
    let impact = reader.string("impact").map(|(s, _)| s);
    let escalation = reader.string("escalation").map(|(s, _)| s);
    let steps = reader
        .children("step")
        .into_iter()
        .filter_map(|step| {
            let r = Reader::new(step, parent.cx());
            let text = r.arg().and_then(|v| r.as_string(v));
            if text.is_none() {
                r.missing("text", "the step, as a sentence");
            }
            r.finish();
            text
        })
        .collect();
    let decisions = reader
        .children("decision")
        .into_iter()
        .filter_map(|decision| {
            let r = Reader::new(decision, parent.cx());
            let when = r
                .required_string("when", "the symptom the operator sees")
                .map(|(s, _)| s);
            let then = r
                .required_string("then", "what to do about it")
                .map(|(s, _)| s);
            r.finish();
            Some(Decision {
                when: when?,
                then: then?,
            })
        })
        .collect();
    let links = reader
        .children("link")
        .into_iter()
        .filter_map(|link| {
            let r = Reader::new(link, parent.cx());
            let title = r.required_string("title", "the link text").map(|(s, _)| s);
            let url = r.required_string("url", "where it points").map(|(s, _)| s);
            r.finish();
            Some(Link {
                title: title?,
                url: url?,
            })
        })
        .collect();
    reader.finish();
    Runbook {
        impact,
        steps,
        decisions,
        escalation,
        links,
    }
}
