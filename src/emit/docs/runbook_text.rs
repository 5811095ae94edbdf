//! Runbook pages and the alert index written as the embedded `runbook.md.j2` and
//! `alerts.md.j2` render them, without the template engine: there are tens of thousands of
//! pages at scale, and interpreting the template costs several times what writing the
//! page directly does. Each is used only while its
//! embedded template is (a user folder's template is rendered by minijinja), and debug
//! builds (every test) render both ways and compare them, as the YAML writer does with
//! serde-saphyr.
//!
//! It follows the template line by line, blank lines included, and its text goes through
//! the same `tidy` as the template's.

use super::push_cell;
use super::runbook_page::{IndexRow, RunbookPage};

/// The page's text before `tidy`, as the embedded template writes it.
pub(super) fn text(page: &RunbookPage) -> String {
    let mut out = String::with_capacity(4096);
    header(&mut out, page);
    what_fired(&mut out, page);
    out.push_str("## Impact\n\n");
    push_cell(&mut out, &page.impact);
    out.push_str("\n\n## Diagnosis\n\n");
    diagnosis(&mut out, page);
    follow_up(&mut out, page);
    out.push_str("[All alerts](../alerts.md) · [On-call handbook](../on-call.md)");
    out
}

fn header(out: &mut String, page: &RunbookPage) {
    out.push_str("<!-- ");
    out.push_str(page.header);
    out.push_str(" -->\n# ");
    out.push_str(&page.name);
    out.push_str("\n\n**");
    push_cell(out, &page.summary);
    out.push_str("**\n\n| | |\n|---|---|\n");
    for tier in &page.tiers {
        out.push_str("| tier | ");
        out.push_str(&tier.tier);
        out.push_str(" (severity ");
        out.push_str(&tier.severity);
        out.push(')');
        if !tier.when.is_empty() {
            out.push_str(" when the value is ");
            out.push_str(&tier.when);
        }
        out.push_str(" |\n");
    }
    out.push_str("| service | ");
    push_cell(out, &page.service);
    out.push_str(" |\n");
    if let Some(slo) = page.slo.as_deref().filter(|slo| !slo.is_empty()) {
        out.push_str("| SLO | [");
        out.push_str(slo);
        out.push_str("](../slos.md#");
        out.push_str(&page.slo_anchor);
        out.push_str(") |\n");
    }
    out.push_str("| kind | ");
    out.push_str(page.kind);
    out.push_str(" |\n\n## What fired and why it matters\n\n");
}

fn what_fired(out: &mut String, page: &RunbookPage) {
    for line in &page.what {
        out.push('\n');
        push_cell(out, line);
        out.push('\n');
    }
    out.push('\n');
    if !page.windows.is_empty() {
        out.push_str("\n| window pair | burn-rate factor | error-ratio threshold | budget consumed when it fires | budget gone at this rate in |\n|---|---|---|---|---|\n");
        for window in &page.windows {
            for (before, value) in [
                ("| ", &window.long),
                (" / ", &window.short),
                (" | ", &window.factor),
                (" | ", &window.threshold),
                (" | ", &window.share),
                (" % | ", &window.exhaustion),
            ] {
                out.push_str(before);
                out.push_str(value);
            }
            out.push_str(" |\n");
        }
        out.push('\n');
    }
    out.push('\n');
    if let Some(expr) = page.expr.as_deref().filter(|expr| !expr.is_empty()) {
        out.push_str("\nCondition:\n\n```promql\n");
        out.push_str(expr);
        out.push_str("\n```\n");
    }
    out.push('\n');
}

fn diagnosis(out: &mut String, page: &RunbookPage) {
    if page.default_steps {
        out.push_str("<!-- vigil's default steps: a `runbook { step \"…\" }` block in the spec replaces them -->\n");
    }
    for (index, step) in page.steps.iter().enumerate() {
        out.push_str(itoa::Buffer::new().format(index + 1));
        out.push_str(". ");
        push_cell(out, step);
        out.push('\n');
    }
    out.push('\n');
    if !page.decisions.is_empty() {
        out.push_str("\n### Decision tree\n\n| if you see | then |\n|---|---|\n");
        for decision in &page.decisions {
            out.push_str("| ");
            push_cell(out, &decision.when);
            out.push_str(" | ");
            push_cell(out, &decision.then);
            out.push_str(" |\n");
        }
        out.push('\n');
    }
    out.push('\n');
}

fn follow_up(out: &mut String, page: &RunbookPage) {
    if !page.links.is_empty() {
        out.push_str("\n## Dashboards and links\n\n");
        for link in &page.links {
            out.push_str("- [");
            out.push_str(&link.title);
            out.push_str("](");
            out.push_str(&link.url);
            out.push_str(")\n");
        }
        out.push('\n');
    }
    out.push_str("\n## Escalation\n\n");
    for line in &page.escalation {
        out.push_str("- ");
        push_cell(out, line);
        out.push('\n');
    }
    out.push('\n');
    if !page.related.is_empty() {
        out.push_str("\n## Related alerts\n\n");
        for line in &page.related {
            out.push_str("- ");
            out.push_str(line);
            out.push('\n');
        }
        out.push('\n');
    }
    out.push('\n');
}

/// The alert index's text before `tidy`, as the embedded `alerts.md.j2` writes it.
pub(super) fn index(header: &str, rows: &[IndexRow]) -> String {
    let mut out = String::with_capacity(256 + rows.len() * 160);
    out.push_str("<!-- ");
    out.push_str(header);
    out.push_str(" -->\n# Alert index\n\nEvery alert vigil generates, with its tier and a link to its runbook.\n\n| alert | tier | severity | service | kind | summary |\n|---|---|---|---|---|---|\n");
    for row in rows {
        for (before, value) in [
            ("| [", &row.name),
            ("](runbooks/", &row.name),
            (".md) | ", &row.tier),
            (" | ", &row.severity),
        ] {
            out.push_str(before);
            out.push_str(value);
        }
        out.push_str(" | ");
        push_cell(&mut out, &row.service);
        out.push_str(" | ");
        out.push_str(row.kind);
        out.push_str(" | ");
        push_cell(&mut out, &row.summary);
        out.push_str(" |\n");
    }
    out
}
