//! Checks on the routing tree as a whole, run on the built model: routes that can never
//! match, tiers nothing routes, routes for tiers that never notify, and email
//! integrations Alertmanager would refuse. Spans come from the raw nodes, which are in
//! the same order as the model's routes.

use super::gate::{Tool, supported};
use super::reader::Cx;
use super::{Decls, Scope};
use crate::codes::Code;
use crate::conventions::{LABEL_SERVICE, LABEL_SLO};
use crate::diagnostic::Diagnostic;
use crate::model::{
    Integration, Matchers, Receiver, Route, Routing, ServiceName, Slo, TeamName, Tier, TierName,
    Version,
};
use crate::source::Span;
use crate::spec::{Node, Scalar};

pub(super) fn lint(
    decls: &Decls<'_>,
    routing: Option<&Routing>,
    tiers: &[Tier],
    receivers: &[Receiver],
    scope: &Scope<'_>,
) {
    let (Some(node), Some(routing)) = (decls.routing, routing) else {
        return;
    };
    let cx = scope.cx;
    let route_nodes: Vec<&Node> = node.children.iter().filter(|c| c.name == "route").collect();
    if route_nodes.len() == routing.routes.len() {
        shadowed_routes(&routing.routes, &route_nodes, cx);
        silent_tier_routes(&routing.routes, &route_nodes, tiers, receivers, cx);
        active_intervals(&routing.routes, &route_nodes, scope);
    }
    unrouted_tiers(routing, tiers, node, &decls.tiers, cx);
    incomplete_emails(receivers, &decls.receivers, cx);
}

/// An inhibition that picks alerts by an SLO name several services share, without tying
/// source and target to one service.
pub(super) fn ambiguous_slo_inhibitions(routing: Option<&Node>, slos: &[Slo], cx: &Cx) {
    let Some(routing) = routing else { return };
    for inhibit in routing.children.iter().filter(|c| c.name == "inhibit") {
        let equal_service = inhibit.children.iter().any(|n| {
            n.name == "equal"
                && n.args
                    .iter()
                    .any(|a| a.scalar == Scalar::String(LABEL_SERVICE.to_owned()))
        });
        if equal_service {
            continue;
        }
        for side in inhibit
            .children
            .iter()
            .filter(|c| c.name == "source" || c.name == "target")
        {
            let prop = |key: &str| side.props.iter().find(|p| p.key == key);
            let (Some(slo), None) = (prop(LABEL_SLO), prop(LABEL_SERVICE)) else {
                continue;
            };
            let Scalar::String(name) = &slo.value.scalar else {
                continue;
            };
            let services: Vec<&str> = slos
                .iter()
                .filter(|s| s.name.as_str() == name)
                .map(|s| s.service.as_str())
                .collect();
            if services.len() < 2 {
                continue;
            }
            cx.report(
                Diagnostic::new(
                    Code::AmbiguousSlo,
                    slo.value.span,
                    format!(
                        "`{name}` names SLOs of {} services ({}): this inhibition ties none of them to its own service",
                        services.len(),
                        services.join(", ")
                    ),
                )
                .label(format!("any service's `{name}` SLO"))
                .note(inhibit.name_span, "no `service` in `equal`")
                .help(format!(
                    "add `service=\"…\"` beside `slo=\"{name}\"`, or `service` to `equal`"
                )),
            );
        }
    }
}

/// Every alert `later` matches is also matched by `earlier`.
fn covers(earlier: &Matchers, later: &Matchers) -> bool {
    let same = |a: Option<&str>, b: Option<&str>| a.is_none() || a == b;
    same(
        earlier.tier.as_ref().map(TierName::as_str),
        later.tier.as_ref().map(TierName::as_str),
    ) && same(
        earlier.team.as_ref().map(TeamName::as_str),
        later.team.as_ref().map(TeamName::as_str),
    ) && same(
        earlier.service.as_ref().map(ServiceName::as_str),
        later.service.as_ref().map(ServiceName::as_str),
    ) && earlier
        .labels
        .iter()
        .all(|(label, value)| later.labels.get(label) == Some(value))
}

fn shadowed_routes(routes: &[Route], nodes: &[&Node], cx: &Cx) {
    for (later, later_route) in routes.iter().enumerate() {
        let shadow = routes[..later].iter().position(|earlier| {
            !earlier.continue_matching && covers(&earlier.matchers, &later_route.matchers)
        });
        let Some(earlier) = shadow else { continue };
        cx.report(
            Diagnostic::new(
                Code::ShadowedRoute,
                nodes[later].name_span,
                format!(
                    "the route to `{}` is never reached: the earlier route to `{}` takes all its alerts",
                    later_route.receiver, routes[earlier].receiver
                ),
            )
            .label("unreachable route")
            .note(nodes[earlier].name_span, "this route matches first and has no `continue`"),
        );
    }
}

fn silent_tier_routes(
    routes: &[Route],
    nodes: &[&Node],
    tiers: &[Tier],
    receivers: &[Receiver],
    cx: &Cx,
) {
    for (route, node) in routes.iter().zip(nodes) {
        let Some(tier) = route
            .matchers
            .tier
            .as_ref()
            .and_then(|name| tiers.iter().find(|t| &t.name == name))
        else {
            continue;
        };
        let notifies = receivers
            .iter()
            .find(|r| r.name == route.receiver)
            .is_some_and(|r| !r.integrations.is_empty());
        if !tier.notify && notifies {
            cx.report(
                Diagnostic::new(
                    Code::SilentTierRoute,
                    node.name_span,
                    format!(
                        "tier `{}` never notifies, so this route to `{}` is left out",
                        tier.name, route.receiver
                    ),
                )
                .label("ignored route"),
            );
        }
    }
}

fn unrouted_tiers(
    routing: &Routing,
    tiers: &[Tier],
    routing_node: &Node,
    tier_nodes: &[&Node],
    cx: &Cx,
) {
    // No routes at all is an explicit choice: everything goes to the default receiver.
    let catch_all = routing.routes.is_empty()
        || routing
            .routes
            .iter()
            .any(|r| !r.continue_matching && r.matchers == Matchers::default());
    for tier in tiers.iter().filter(|t| t.notify) {
        let named = routing
            .routes
            .iter()
            .any(|r| r.matchers.tier.as_ref() == Some(&tier.name));
        if named || catch_all {
            continue;
        }
        let mut diagnostic = Diagnostic::new(
            Code::UnroutedTier,
            routing_node.name_span,
            format!(
                "tier `{}` has no route: its alerts go to the default receiver `{}`",
                tier.name, routing.default
            ),
        )
        .label(format!("no `route tier=\"{}\"`", tier.name))
        .help(format!(
            "add `route tier=\"{}\" receiver=\"…\"` to decide who hears of it, or declare the tier `notify=#false`",
            tier.name
        ));
        if let Some(span) = declared_at(tier_nodes, tier.name.as_str()) {
            diagnostic = diagnostic.note(span, "tier declared here");
        }
        cx.report(diagnostic);
    }
}

fn incomplete_emails(receivers: &[Receiver], receiver_nodes: &[&Node], cx: &Cx) {
    for receiver in receivers {
        let incomplete = receiver.integrations.iter().any(|i| {
            matches!(i, Integration::Email(email) if email.from.is_none() || email.smarthost.is_none())
        });
        // Looked up only when reported: a scan of every declaration per receiver was
        // quadratic in the number of receivers.
        let span = incomplete
            .then(|| declared_at(receiver_nodes, receiver.name.as_str()))
            .flatten();
        if let Some(span) = span {
            cx.report(
                Diagnostic::new(
                    Code::EmailSmtp,
                    span,
                    format!(
                        "an email integration of `{}` lacks `from` or `smarthost`",
                        receiver.name
                    ),
                )
                .label("Alertmanager would refuse this receiver"),
            );
        }
    }
}

/// Routes gained `active_time_intervals` in Alertmanager 0.24; older versions refuse the
/// whole file.
fn active_intervals(routes: &[Route], nodes: &[&Node], scope: &Scope<'_>) {
    let since = Version::new(0, 24);
    for (_, node) in routes
        .iter()
        .zip(nodes)
        .filter(|(r, _)| !r.active.is_empty())
    {
        if let Err(diagnostic) = supported(
            scope.targets,
            Tool::Alertmanager,
            since,
            "active",
            node.name_span,
        ) {
            scope.cx.report(diagnostic.help(format!(
                "raise `targets {{ alertmanager \"{since}\" }}`, or use `mute` with the complementary interval"
            )));
        }
    }
}

/// The span of the name argument of the declaration called `name`.
fn declared_at(nodes: &[&Node], name: &str) -> Option<Span> {
    nodes
        .iter()
        .filter_map(|n| n.args.first())
        .find(|arg| matches!(&arg.scalar, Scalar::String(text) if text == name))
        .map(|arg| arg.span)
}
