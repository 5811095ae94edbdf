//! An SLO's burn-rate, budget and absent alerts, their defaults from the tiers, and the
//! tiers that can never fire at its objective.

use super::SloScope;
use crate::check::catalog::{tier_ref, user_labels};
use crate::check::gate::{Tool, supported};
use crate::check::names::check_alert_name;
use crate::check::reader::Reader;
use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::model::{
    AbsentAlert, AlertExtras, AlertName, AlertNames, Alerting, BudgetAlert, BurnAlert, BurnWindow,
    Decimal, Duration, Slo, Tier, TierName, Version, format_decimal,
};
use crate::source::Span;
use crate::spec::{Node, Scalar};

/// `keep_firing_for` arrived in Prometheus 2.42.
const KEEP_FIRING_FOR: Version = Version::new(2, 42);

/// What an SLO's alerts are called unless the spec names them: the stem vigil derives
/// from the SLO's service and name, and where the SLO's name is.
pub(super) struct Naming {
    pub(super) stem: String,
    pub(super) span: Span,
}

/// Each alert name of an SLO and where it is decided (an override, or the SLO's name),
/// in the order of [`AlertNames::all`].
pub(crate) type NameSpans = [Span; 5];

pub(super) fn alerting(
    parent: &Reader<'_, '_>,
    s: &SloScope<'_>,
    naming: &Naming,
) -> (Alerting, NameSpans) {
    let scope = s.scope;
    let Some(node) = parent.child("alerting") else {
        let names = AlertNames::from_stem(&naming.stem);
        return (default_alerting(s.tiers, names), [naming.span; 5]);
    };
    let r = Reader::new(node, scope.cx);
    let (stem, stem_span) = match r.string("name") {
        Some((stem, span)) if check_alert_name(r.cx(), &stem, span, "alert name stem") => {
            (stem, span)
        }
        _ => (naming.stem.clone(), naming.span),
    };
    let page = r
        .child("page")
        .map(|n| burn_alert(n, s, BurnWindow::page_defaults()));
    let ticket = r
        .child("ticket")
        .map(|n| burn_alert(n, s, BurnWindow::ticket_defaults()));
    let budget_consumed = r.child("budget-consumed").map(|n| budget_alert(n, s, true));
    let budget_exhausted = r
        .child("budget-exhausted")
        .map(|n| budget_alert(n, s, false));
    let absent = r.child("absent").map(|n| absent_alert(n, s));
    let own = |read: Option<&Option<(AlertName, Span)>>| read.cloned().flatten();
    let given = [
        own(page.as_ref().map(|a| &a.1)),
        own(ticket.as_ref().map(|a| &a.1)),
        own(budget_consumed.as_ref().map(|a| &a.1)),
        own(budget_exhausted.as_ref().map(|a| &a.1)),
        own(absent.as_ref().map(|a| &a.1)),
    ];
    let spans = std::array::from_fn(|i| given[i].as_ref().map_or(stem_span, |(_, span)| *span));
    let [
        page_name,
        ticket_name,
        consumed_name,
        exhausted_name,
        absent_name,
    ] = given.map(|given| given.map(|(name, _)| name));
    let from_stem = AlertNames::from_stem(&stem);
    let names = AlertNames {
        page: page_name.unwrap_or(from_stem.page),
        ticket: ticket_name.unwrap_or(from_stem.ticket),
        budget_consumed: consumed_name.unwrap_or(from_stem.budget_consumed),
        budget_exhausted: exhausted_name.unwrap_or(from_stem.budget_exhausted),
        absent: absent_name.unwrap_or(from_stem.absent),
    };
    let page = page.and_then(|a| a.0);
    let ticket = ticket.and_then(|a| a.0);
    let absent = match absent {
        Some((absent, _)) => absent,
        None => default_absent(page.as_ref(), ticket.as_ref()),
    };
    let min_events = r.count("min-events");
    let extras = extras(&r);
    r.finish();
    let alerting = Alerting {
        page,
        ticket,
        budget_consumed: budget_consumed.and_then(|a| a.0),
        budget_exhausted: budget_exhausted.and_then(|a| a.0),
        absent,
        min_events,
        extras,
        names,
    };
    (alerting, spans)
}

/// An alert's own name (`page name="CheckoutDown"`), replacing the one from the stem.
fn own_name(r: &Reader<'_, '_>) -> Option<(AlertName, Span)> {
    let (name, span) = r.string("name")?;
    check_alert_name(r.cx(), &name, span, "alert name").then(|| (AlertName::new(name), span))
}

/// The `kind` child whose first argument is `name`.
fn named_child<'n>(r: &Reader<'n, '_>, kind: &str, name: &str) -> Option<&'n Node> {
    r.node
        .children
        .iter()
        .filter(|c| c.name == kind)
        .find(|c| matches!(c.args.first().map(|a| &a.scalar), Some(Scalar::String(n)) if n == name))
}

/// `label NAME VALUE` and `annotation NAME TEXT` children: added to the alerts of the
/// node they are in. Labels vigil sets are refused; an annotation replaces vigil's of the
/// same name, except `runbook_url`, which `settings { runbook-base-url }` decides.
fn extras(r: &Reader<'_, '_>) -> AlertExtras {
    let mut labels = user_labels(r, "label");
    // The window labels of burn-rate alerts are vigil's too.
    for window_label in [
        crate::conventions::LABEL_LONG,
        crate::conventions::LABEL_SHORT,
    ] {
        if let Some(node) = named_child(r, "label", window_label) {
            r.cx().report(
                Diagnostic::new(Code::ReservedLabel, node.args[0].span, format!("the `{window_label}` label is vigil's"))
                    .label("set by vigil")
                    .help("burn-rate alerts carry `long` and `short`, the window pair that fired; name the label otherwise"),
            );
            labels.retain(|name, _| name.as_str() != window_label);
        }
    }
    let annotations = crate::check::alerts::annotations(r);
    AlertExtras {
        labels,
        annotations,
    }
}

/// With no `alerting` block: page on the first paging tier, ticket on the next
/// notifying tier, absent alerts on the ticket tier.
fn default_alerting(tiers: &[Tier], names: AlertNames) -> Alerting {
    let page_tier = tiers.iter().find(|t| t.page);
    let ticket_tier = tiers
        .iter()
        .find(|t| t.notify && !t.page && page_tier.is_none_or(|p| t.level > p.level));
    let burn = |tier: &Tier, windows| BurnAlert {
        tier: tier.name.clone(),
        extras: AlertExtras::default(),
        for_duration: None,
        keep_firing_for: None,
        windows,
    };
    let page = page_tier.map(|t| burn(t, BurnWindow::page_defaults()));
    let ticket = ticket_tier.map(|t| burn(t, BurnWindow::ticket_defaults()));
    let absent = default_absent(page.as_ref(), ticket.as_ref());
    Alerting {
        page,
        ticket,
        budget_consumed: None,
        budget_exhausted: None,
        absent,
        min_events: None,
        extras: AlertExtras::default(),
        names,
    }
}

fn default_absent(page: Option<&BurnAlert>, ticket: Option<&BurnAlert>) -> Option<AbsentAlert> {
    let tier: TierName = ticket.or(page)?.tier.clone();
    Some(AbsentAlert {
        tier,
        for_duration: Duration::from_secs(600),
        extras: AlertExtras::default(),
    })
}

/// An alert of an SLO, and its own name if the spec gives one.
type Read<T> = (Option<T>, Option<(AlertName, Span)>);

fn burn_alert(node: &Node, s: &SloScope<'_>, defaults: Vec<BurnWindow>) -> Read<BurnAlert> {
    let cx = s.scope.cx;
    let r = Reader::new(node, cx);
    let name = own_name(&r);
    let tier = tier_ref(&r, s.scope, "the tier this alert fires at");
    let for_duration = r.duration("for");
    let keep_firing_for = keep_firing_for(&r, s);
    let mut windows = Vec::new();
    for w in r.children("window") {
        let wr = Reader::new(w, cx);
        let long = wr.positive_duration("long");
        let short = wr.positive_duration("short");
        let budget = wr.decimal("budget");
        for (key, given) in [
            ("long", long.is_some()),
            ("short", short.is_some()),
            ("budget", budget.is_some()),
        ] {
            if !given && wr.value(key).is_none() {
                wr.missing(key, "long and short windows and the budget percent consumed, e.g. `window long=\"1h\" short=\"5m\" budget=2`");
            }
        }
        wr.finish();
        let (Some(long), Some(short), Some((budget, budget_span))) = (long, short, budget) else {
            continue;
        };
        if short >= long {
            cx.report(
                Diagnostic::new(
                    Code::Duration,
                    w.name_span,
                    format!(
                        "the short window ({short}) must be shorter than the long one ({long})"
                    ),
                )
                .label("here")
                .help("the short window is usually 1/12 of the long one"),
            );
            continue;
        }
        if budget <= Decimal::ZERO || budget > Decimal::ONE_HUNDRED {
            cx.report(
                Diagnostic::new(
                    Code::InvalidValue,
                    budget_span,
                    "a budget share is a percentage above 0 and at most 100",
                )
                .label("out of range"),
            );
            continue;
        }
        windows.push(BurnWindow::new(long, short, budget));
    }
    let extras = extras(&r);
    r.finish();
    let alert = tier.map(|tier| BurnAlert {
        tier,
        extras,
        for_duration,
        keep_firing_for,
        windows: if windows.is_empty() {
            defaults
        } else {
            windows
        },
    });
    (alert, name)
}

fn keep_firing_for(r: &Reader<'_, '_>, s: &SloScope<'_>) -> Option<Duration> {
    let value = r.value("keep-firing-for")?;
    let duration = r.as_duration(value)?;
    if let Err(diagnostic) = supported(
        s.scope.targets,
        Tool::Prometheus,
        KEEP_FIRING_FOR,
        "keep-firing-for",
        value.span,
    ) {
        r.cx().report(*diagnostic);
        return None;
    }
    Some(duration)
}

fn budget_alert(node: &Node, s: &SloScope<'_>, with_percent: bool) -> Read<BudgetAlert> {
    let cx = s.scope.cx;
    let r = Reader::new(node, cx);
    let name = own_name(&r);
    let tier = tier_ref(&r, s.scope, "the tier this alert fires at");
    let percent = if with_percent {
        let value = r.required("percent", "the share of the budget consumed, e.g. 70");
        value.and_then(|v| {
            let p = r.as_decimal(v)?;
            if p <= Decimal::ZERO || p >= Decimal::ONE_HUNDRED {
                cx.report(
                    Diagnostic::new(
                        Code::InvalidValue,
                        v.span,
                        "a consumed share is a percentage strictly between 0 and 100",
                    )
                    .label("out of range")
                    .help("use `budget-exhausted` for 100 %"),
                );
                return None;
            }
            Some(p)
        })
    } else {
        Some(Decimal::ONE_HUNDRED)
    };
    let for_duration = r.duration("for");
    let extras = extras(&r);
    r.finish();
    let alert = tier.zip(percent).map(|(tier, percent)| BudgetAlert {
        tier,
        percent,
        for_duration,
        extras,
    });
    (alert, name)
}

/// `(None, _)` when the absent alert is switched off (`enabled=#false`) or invalid.
fn absent_alert(node: &Node, s: &SloScope<'_>) -> Read<AbsentAlert> {
    let r = Reader::new(node, s.scope.cx);
    let name = own_name(&r);
    let enabled = r.bool("enabled").unwrap_or(true);
    let tier = if enabled {
        tier_ref(&r, s.scope, "the tier this alert fires at")
    } else {
        None
    };
    let for_duration = r
        .positive_duration("for")
        .unwrap_or(Duration::from_secs(600));
    let extras = extras(&r);
    r.finish();
    let alert = tier.map(|tier| AbsentAlert {
        tier,
        for_duration,
        extras,
    });
    (alert, name)
}

pub(super) fn impossible_tiers(slo: &Slo, cx: &crate::check::reader::Cx, span: Span) {
    let alerts = [
        ("page", &slo.alerting.page),
        ("ticket", &slo.alerting.ticket),
    ];
    for (which, alert) in alerts {
        let Some(alert) = alert else { continue };
        for window in &alert.windows {
            let threshold = slo.burn_threshold(window);
            if threshold >= Decimal::ONE || window.long > slo.window.period() {
                let factor = slo.burn_factor(window).round_dp(3);
                cx.report(
                    Diagnostic::new(Code::ImpossibleTier, span, format!("the {which} alert over {} can never fire", window.long))
                        .label(format!("burn factor {} × error budget {} ≥ 1", format_decimal(factor), format_decimal(slo.objective.error_budget())))
                        .help(format!("with objective {}%, the {which} window {}/{} needs an error ratio above 100 %; lower the objective, or disable or reconfigure this alert", slo.objective, window.long, window.short)),
                );
            }
        }
    }
}
