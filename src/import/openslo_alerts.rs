//! OpenSLO alert policies: one burn-rate condition per policy becomes one window of the
//! page or ticket tier.

use super::BurnDraft;
use super::openslo_schema::{Item, Spec};
use super::openslo_support::{INVALID_HELP, Pool, Result, decimal, problem};
use crate::codes::Code;
use crate::model::{BurnWindow, Decimal, Duration, Window};

/// Alert policies: each holds one burn-rate condition, which becomes a window of the page
/// tier (severity page/critical) or the ticket tier.
pub(super) fn alerting(
    pool: &Pool,
    spec: &Spec,
    window: Window,
) -> Result<(Option<BurnDraft>, Option<BurnDraft>)> {
    let (mut page, mut ticket): (Option<BurnDraft>, Option<BurnDraft>) = (None, None);
    for entry in &spec.alert_policies {
        let item = entry.item();
        let policy = resolve(pool, &item, "AlertPolicy", item.alert_policy_ref.as_ref())?;
        let [condition] = policy.conditions.as_slice() else {
            return Err(problem(
                Code::ImportUnsupported,
                "an alert policy needs exactly one condition",
                "split the policy into one policy per burn-rate condition",
            ));
        };
        let condition = resolve(
            pool,
            condition,
            "AlertCondition",
            condition.condition_ref.as_ref(),
        )?;
        let (is_page, burn_window, for_duration) = burn(&condition, window)?;
        let slot = if is_page { &mut page } else { &mut ticket };
        let draft = slot.get_or_insert_with(|| BurnDraft {
            windows: Some(Vec::new()),
            for_duration,
            ..BurnDraft::default()
        });
        if draft.for_duration != for_duration {
            return Err(problem(
                Code::ImportUnsupported,
                "burn conditions of one tier with different `alertAfter`",
                "give conditions of the same severity the same `alertAfter`",
            ));
        }
        draft.windows.get_or_insert_with(Vec::new).push(burn_window);
    }
    Ok((page, ticket))
}

fn resolve(pool: &Pool, item: &Item, kind: &str, reference: Option<&String>) -> Result<Spec> {
    if let Some(name) = reference {
        let found = pool.get(kind, name).ok_or_else(|| {
            problem(
                Code::ImportInvalid,
                format!("refers to {kind} `{name}`, which is not among the inputs"),
                "import the file that declares it too",
            )
        })?;
        return Ok(found.object.spec.as_deref().cloned().unwrap_or_default());
    }
    item.spec.as_deref().cloned().ok_or_else(|| {
        problem(
            Code::ImportInvalid,
            format!("an inline {kind} needs a `spec`"),
            INVALID_HELP,
        )
    })
}

fn burn(condition: &Spec, window: Window) -> Result<(bool, BurnWindow, Option<Duration>)> {
    let c = condition.condition.as_ref().ok_or_else(|| {
        problem(
            Code::ImportInvalid,
            "an alert condition needs `condition`",
            INVALID_HELP,
        )
    })?;
    if !c
        .kind
        .as_deref()
        .is_some_and(|k| k.eq_ignore_ascii_case("burnrate"))
    {
        return Err(problem(
            Code::ImportUnsupported,
            "only `burnrate` alert conditions can be imported",
            "vigil alerts on burn rates",
        ));
    }
    if !matches!(c.op.as_deref(), Some("gt" | "gte")) {
        return Err(problem(
            Code::ImportUnsupported,
            format!(
                "burn-rate condition with op `{}`",
                c.op.as_deref().unwrap_or("")
            ),
            "a burn-rate alert fires when the burn rate is above the threshold (`gt`)",
        ));
    }
    let duration = |text: &Option<String>| {
        text.as_deref()
            .map(|t| {
                Duration::parse(t).map_err(|_| {
                    problem(
                        Code::ImportInvalid,
                        format!("`{t}` is not a duration"),
                        INVALID_HELP,
                    )
                })
            })
            .transpose()
    };
    let long = duration(&c.lookback_window)?.ok_or_else(|| {
        problem(
            Code::ImportInvalid,
            "a burn-rate condition needs `lookbackWindow`",
            INVALID_HELP,
        )
    })?;
    let for_duration = duration(&c.alert_after)?;
    let threshold = c
        .threshold
        .and_then(decimal)
        .filter(|t| *t > Decimal::ZERO)
        .ok_or_else(|| {
            problem(
                Code::ImportInvalid,
                "a burn-rate condition needs a positive `threshold`",
                INVALID_HELP,
            )
        })?;
    // factor = budget share × period / long window, so the share is factor × long / period.
    let budget = threshold * Decimal::from(long.as_millis()) * Decimal::ONE_HUNDRED
        / Decimal::from(window.period().as_millis());
    if budget > Decimal::ONE_HUNDRED {
        return Err(problem(
            Code::ImportUnsupported,
            "the burn-rate condition would consume more than the whole budget in its window",
            "lower the threshold or shorten `lookbackWindow`",
        ));
    }
    // vigil's windows sum 5-minute rates: a shorter window would read the same 5 minutes.
    let base = crate::model::BASE_WINDOW;
    if long <= base {
        return Err(problem(
            Code::ImportUnsupported,
            format!("a `lookbackWindow` of {long} is no longer than vigil's 5-minute base rate"),
            "give the burn-rate condition a `lookbackWindow` above 5m (an hour is usual for paging)",
        ));
    }
    let short = Duration::from_millis(long.as_millis() / 12).max(base);
    let severity = condition
        .severity
        .as_deref()
        .unwrap_or("")
        .to_ascii_lowercase();
    let is_page = matches!(severity.as_str(), "page" | "critical" | "high");
    Ok((
        is_page,
        BurnWindow::new(long, short, budget.normalize()),
        for_duration,
    ))
}
