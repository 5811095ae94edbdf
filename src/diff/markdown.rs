//! The diff as Markdown for a pull-request comment: one section per kind, one bullet per
//! change, old and new expressions as `diff` blocks. Recording rules, and any section
//! longer than [`FOLD_OVER`] entries, are folded so the comment stays readable.

use std::fmt::Write as _;

use super::{Change, Field, Kind, Report};

const FOLD_OVER: usize = 15;

/// The title every comment starts with (CI recipes look for it to update their comment).
pub const MARKDOWN_TITLE: &str = "### vigil diff";

pub fn markdown(report: &Report) -> String {
    let mut out = format!("{MARKDOWN_TITLE}\n\n");
    let _ = writeln!(out, "Comparing `{}` → `{}`.\n", report.base, report.head);
    if report.is_empty() {
        out.push_str("No changes for operators: the same SLOs, alerts, routes, receivers, recording rules and dashboards.\n");
        return out;
    }
    let counts: Vec<String> = SECTIONS
        .iter()
        .filter_map(|section| {
            let n = report
                .changes
                .iter()
                .filter(|c| c.kind == section.kind)
                .count();
            (n > 0).then(|| counted(n, section.noun))
        })
        .collect();
    let _ = writeln!(
        out,
        "**{}** for operators: {}.\n",
        counted(report.changes.len(), ("change", "changes")),
        counts.join(", ")
    );
    for section in SECTIONS {
        let (derived, primary): (Vec<&Change>, Vec<&Change>) = report
            .changes
            .iter()
            .filter(|c| c.kind == section.kind)
            .partition(|c| c.follows_slo.is_some());
        if section.kind == Kind::RecordingRule || primary.len() > FOLD_OVER {
            let all: Vec<&Change> = primary.into_iter().chain(derived).collect();
            folded(&mut out, section.title, &all);
            continue;
        }
        if !primary.is_empty() {
            let _ = writeln!(out, "#### {}\n", section.title);
            for change in primary {
                bullet(&mut out, change);
            }
            out.push('\n');
        }
        if !derived.is_empty() {
            let title = format!("{} that follow an SLO change above", section.title);
            folded(&mut out, &title, &derived);
        }
    }
    if report.changes.iter().any(|c| c.budget.is_some()) {
        out.push_str("_Error budgets are given as time at a 100% error ratio and per million events: the spec does not hold traffic figures, so no request counts._\n");
    }
    out
}

struct Section {
    kind: Kind,
    title: &'static str,
    noun: (&'static str, &'static str),
}

const SECTIONS: &[Section] = &[
    section(Kind::Slo, "SLOs", "SLO", "SLOs"),
    section(Kind::Alert, "Alerts", "alert", "alerts"),
    section(Kind::Routing, "Who is notified", "route", "routes"),
    section(Kind::Receiver, "Receivers", "receiver", "receivers"),
    section(Kind::Dashboard, "Dashboards", "dashboard", "dashboards"),
    section(
        Kind::RecordingRule,
        "Recording rules",
        "recording rule",
        "recording rules",
    ),
];

const fn section(
    kind: Kind,
    title: &'static str,
    one: &'static str,
    many: &'static str,
) -> Section {
    Section {
        kind,
        title,
        noun: (one, many),
    }
}

fn folded(out: &mut String, title: &str, changes: &[&Change]) {
    if changes.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "<details><summary><b>{title}</b> ({})</summary>\n",
        changes.len()
    );
    for change in changes {
        bullet(out, change);
    }
    out.push_str("\n</details>\n\n");
}

fn bullet(out: &mut String, change: &Change) {
    let _ = writeln!(out, "- {}", change.summary);
    for detail in &change.details {
        let code = matches!(detail.field, Field::Expression | Field::Threshold);
        if code {
            diff_block(out, detail.before.as_deref(), detail.after.as_deref());
        } else if !matches!(detail.field, Field::Name | Field::Integrations)
            && !change.summary.contains(&detail.says)
        {
            let _ = writeln!(out, "  - {}", detail.says);
        }
    }
}

/// Removed lines, then added lines, indented under the bullet.
fn diff_block(out: &mut String, before: Option<&str>, after: Option<&str>) {
    out.push_str("  ```diff\n");
    for (sign, text) in [("-", before), ("+", after)] {
        for line in text.into_iter().flat_map(str::lines) {
            let _ = writeln!(out, "  {sign} {line}");
        }
    }
    out.push_str("  ```\n");
}

fn counted(n: usize, (one, many): (&str, &str)) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}
