//! The Markdown pages: snapshots of the flagship's, every link resolves (files and
//! anchors), every metric is in the reference, and a template folder changes the output.

use crate::support::anchors;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use vigil::emit::{Artifact, Options, docs::Templates};
use vigil::source::Sources;

fn flagship(options: &Options) -> (vigil::model::Model, Vec<Artifact>) {
    let mut sources = Sources::default();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (model, diagnostics) = vigil::app::compile(&[root.join("specs")], &mut sources);
    assert!(!diagnostics.has_errors());
    let model = model.expect("flagship compiles");
    let artifacts = vigil::emit::emit(&model, options).expect("emits");
    (model, artifacts)
}

/// Where the flagship's output folder is published, as links to it start.
fn published(model: &vigil::model::Model) -> String {
    let base = model
        .settings
        .runbook_base_url
        .as_deref()
        .expect("the flagship sets runbook-base-url");
    format!("{base}/")
}

fn pages(artifacts: &[Artifact]) -> BTreeMap<&str, &str> {
    artifacts
        .iter()
        .filter(|a| {
            Path::new(&a.path)
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("md"))
        })
        .map(|a| (a.path.as_str(), a.contents.as_str()))
        .collect()
}

fn anchors(page: &str) -> BTreeSet<String> {
    page.lines()
        .filter_map(|l| l.strip_prefix('#'))
        .map(|h| anchors::anchor(h.trim_start_matches('#').trim()))
        .collect()
}

fn links(page: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = page;
    while let Some(start) = rest.find("](") {
        let after = &rest[start + 2..];
        let Some(end) = after.find(')') else { break };
        found.push(after[..end].to_owned());
        rest = &after[end..];
    }
    found
}

fn normalise(base: &Path, target: &str) -> String {
    let mut parts: Vec<String> = Vec::new();
    for component in base.join(target).components() {
        match component {
            std::path::Component::ParentDir => {
                parts.pop();
            }
            std::path::Component::Normal(p) => parts.push(p.to_string_lossy().into_owned()),
            _ => {}
        }
    }
    parts.join("/")
}

#[test]
fn flagship_pages_snapshot() {
    let (_, artifacts) = flagship(&Options::default());
    let chosen = [
        "runbooks/ErlmcpAvailabilityBurnRatePage.md",
        "runbooks/ErlmcpAvailabilityBurnRateTicket.md",
        "runbooks/ErlmcpMemoryHigh.md",
    ];
    for (path, contents) in pages(&artifacts) {
        if path.contains("/runbooks/") && !chosen.iter().any(|c| path.ends_with(c)) {
            continue;
        }
        insta::assert_snapshot!(path.replace('/', "__"), contents);
    }
}

#[test]
fn every_link_resolves() {
    let (_, artifacts) = flagship(&Options::default());
    let pages = pages(&artifacts);
    let all: BTreeSet<&str> = artifacts.iter().map(|a| a.path.as_str()).collect();
    let mut checked = 0;
    for (path, contents) in &pages {
        let base: PathBuf = Path::new(path)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        for link in links(contents) {
            if link.starts_with("http://") || link.starts_with("https://") {
                continue;
            }
            let (file, fragment) = link
                .split_once('#')
                .map_or((link.as_str(), None), |(f, a)| (f, Some(a)));
            let target = if file.is_empty() {
                (*path).to_owned()
            } else {
                normalise(&base, file)
            };
            assert!(
                all.contains(target.as_str()),
                "{path}: link `{link}` points at a file vigil does not generate"
            );
            if let (Some(fragment), Some(page)) = (fragment, pages.get(target.as_str())) {
                assert!(
                    anchors(page).contains(fragment),
                    "{path}: link `{link}` has no such anchor in {target}"
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 20, "only {checked} links checked");
}

#[test]
fn every_metric_is_in_the_reference() {
    let (model, artifacts) = flagship(&Options::default());
    let reference = &artifacts
        .iter()
        .find(|a| a.path == "docs/metrics.md")
        .expect("metrics.md")
        .contents;
    for metric in &model.metrics {
        assert!(
            reference.contains(&format!("## {}\n", metric.name)),
            "{} missing from docs/metrics.md",
            metric.name
        );
    }
}

#[test]
fn a_template_folder_changes_the_output() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/templates");
    let mut templates = Templates::default();
    for name in Templates::names() {
        if let Ok(text) = std::fs::read_to_string(folder.join(name)) {
            templates.overrides.insert(name.to_owned(), text);
        }
    }
    let (_, custom) = flagship(&Options { templates });
    let metrics = &custom
        .iter()
        .find(|a| a.path == "docs/metrics.md")
        .expect("metrics.md")
        .contents;
    assert!(
        metrics.starts_with("<!-- generated by vigil — do not edit -->\n# Our metrics (21)\n"),
        "{metrics}"
    );
    let (_, default) = flagship(&Options::default());
    let slos = |a: &[Artifact]| {
        a.iter()
            .find(|a| a.path == "docs/slos.md")
            .map(|a| a.contents.clone())
    };
    assert_eq!(
        slos(&custom),
        slos(&default),
        "templates not overridden stay embedded"
    );
}

#[test]
fn an_overridden_runbook_template_renders_every_runbook() {
    let runbooks = |artifacts: &[Artifact]| -> BTreeMap<String, String> {
        artifacts
            .iter()
            .filter(|a| a.path.starts_with("docs/runbooks/"))
            .map(|a| (a.path.clone(), a.contents.clone()))
            .collect()
    };
    let with_runbook_template = |text: &str| {
        let mut templates = Templates::default();
        templates
            .overrides
            .insert(String::from("runbook.md.j2"), text.to_owned());
        runbooks(&flagship(&Options { templates }).1)
    };
    let own = with_runbook_template("# {{ name }} at {{ tier }}\n");
    assert!(own.len() > 10, "{}", own.len());
    for (path, text) in &own {
        assert!(
            text.starts_with("# ") && text.contains(" at "),
            "{path}: {text}"
        );
        assert!(!text.contains("## Diagnosis"), "{path}: {text}");
    }
    // The embedded template given as a user's is rendered by the template engine, and
    // reads exactly as the pages written without it.
    let embedded = with_runbook_template(include_str!("../templates/runbook.md.j2"));
    assert_eq!(embedded, runbooks(&flagship(&Options::default()).1));
}

#[test]
fn an_overridden_alert_index_reads_whole_pages() {
    let index = |text: &str| {
        let mut templates = Templates::default();
        templates
            .overrides
            .insert(String::from("alerts.md.j2"), text.to_owned());
        let (_, artifacts) = flagship(&Options { templates });
        artifacts
            .into_iter()
            .find(|a| a.path == "docs/alerts.md")
            .expect("the alert index")
            .contents
    };
    // `impact` is not in the embedded index: a user's template sees every field of a page.
    let own = index("{% for a in alerts %}{{ a.name }}: {{ a.impact }}\n{% endfor %}");
    assert!(own.lines().count() > 10, "{own}");
    assert!(own.lines().all(|line| line.contains(": ")), "{own}");
    let embedded = index(include_str!("../templates/alerts.md.j2"));
    let default = flagship(&Options::default())
        .1
        .into_iter()
        .find(|a| a.path == "docs/alerts.md")
        .expect("the alert index")
        .contents;
    assert_eq!(embedded, default);
}

#[test]
fn a_broken_template_is_an_error_not_a_panic() {
    let mut templates = Templates::default();
    templates
        .overrides
        .insert(String::from("metrics.md.j2"), String::from("{% for %}"));
    let mut sources = Sources::default();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (model, _) = vigil::app::compile(&[root.join("specs")], &mut sources);
    let error = vigil::emit::emit(&model.expect("compiles"), &Options { templates })
        .expect_err("broken template");
    assert!(error.to_string().contains("metrics.md.j2"), "{error}");
}

#[test]
fn every_generated_alert_has_a_runbook() {
    let (model, artifacts) = flagship(&Options::default());
    let base = published(&model);
    let paths: BTreeSet<&str> = artifacts.iter().map(|a| a.path.as_str()).collect();
    let mut alerts = 0;
    for artifact in artifacts.iter().filter(|a| {
        Path::new(&a.path)
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("yaml"))
            && a.path.contains("rules/")
    }) {
        for line in artifact.contents.lines() {
            let Some(name) = line
                .trim_start()
                .strip_prefix("- alert: ")
                .or_else(|| line.trim_start().strip_prefix("alert: "))
            else {
                continue;
            };
            let runbook = format!("docs/runbooks/{}.md", name.trim());
            assert!(
                paths.contains(runbook.as_str()),
                "{}: alert {name} has no {runbook}",
                artifact.path
            );
            assert!(
                artifact.contents.contains(&format!("{base}{runbook}")),
                "{}: alert {name} does not link {runbook}",
                artifact.path
            );
            alerts += 1;
        }
    }
    assert!(alerts > 40, "only {alerts} alerts found");
}

#[test]
fn dashboard_links_to_docs_resolve() {
    let (model, artifacts) = flagship(&Options::default());
    let prefix = format!("\"url\": \"{}docs/", published(&model));
    let paths: BTreeSet<&str> = artifacts.iter().map(|a| a.path.as_str()).collect();
    let mut checked = 0;
    for dashboard in artifacts
        .iter()
        .filter(|a| a.path.starts_with("grafana/dashboards/"))
    {
        for line in dashboard.contents.lines() {
            let Some(url) = line.trim().strip_prefix(prefix.as_str()) else {
                continue;
            };
            let target = format!(
                "docs/{}",
                url.trim_end_matches([',', '"'])
                    .split('#')
                    .next()
                    .unwrap_or_default()
            );
            assert!(
                paths.contains(target.as_str()),
                "{}: link to {target}, which is not generated",
                dashboard.path
            );
            checked += 1;
        }
    }
    // Three SLO overview tables link the catalog; the metrics dashboards' alert panels
    // link their runbooks.
    assert!(
        checked >= 9,
        "only {checked} dashboard links to docs checked"
    );
}

/// Every burn-rate alert's runbook is one click from a dashboard (the SLO detail's
/// burn-rate panel).
#[test]
fn every_burn_rate_runbook_is_linked_from_a_dashboard() {
    let (model, artifacts) = flagship(&Options::default());
    let base = published(&model);
    let dashboards: String = artifacts
        .iter()
        .filter(|a| a.path.starts_with("grafana/dashboards/"))
        .map(|a| a.contents.as_str())
        .collect();
    let burn_rate_runbooks: Vec<&str> = artifacts
        .iter()
        .map(|a| a.path.as_str())
        .filter(|p| p.starts_with("docs/runbooks/") && p.contains("BurnRate"))
        .collect();
    assert!(burn_rate_runbooks.len() > 10, "{burn_rate_runbooks:?}");
    for runbook in burn_rate_runbooks {
        assert!(
            dashboards.contains(&format!("\"url\": \"{base}{runbook}\"")),
            "no dashboard links {runbook}"
        );
    }
}

/// Missing data and a spent budget have steps of their own, not the SLO's failure steps;
/// a page the spec gives no steps has vigil's, and only the spec's author is told.
#[test]
fn every_alert_kind_has_steps_that_fit_it() {
    let (_, artifacts) = flagship(&Options::default());
    let pages = pages(&artifacts);
    let page = |name: &str| {
        pages
            .get(format!("docs/runbooks/{name}.md").as_str())
            .copied()
            .unwrap_or_else(|| panic!("no runbook for {name}"))
    };
    let slo_step = "Check recent deployments of erlmcp";
    let burn = page("ErlmcpAvailabilityBurnRatePage");
    let absent = page("ErlmcpAvailabilitySliAbsent");
    assert!(burn.contains(slo_step), "{burn}");
    assert!(!absent.contains(slo_step), "{absent}");
    assert!(
        absent.contains("scrape targets of erlmcp are up"),
        "{absent}"
    );
    for (name, page) in &pages {
        assert!(
            !page.contains("The spec gives no diagnosis steps"),
            "{name} tells the on-call to edit the spec"
        );
        if page.contains("vigil's default steps") {
            assert!(page.contains("<!-- vigil's default steps"), "{name}");
        }
    }
}

/// Checks that each operational or threshold alert's runbook opens with the alert's own
/// summary; the number of alerts checked.
fn runbooks_quote_summaries(artifacts: &[Artifact]) -> usize {
    let pages = pages(artifacts);
    let mut checked = 0;
    for file in artifacts
        .iter()
        .filter(|a| a.path.starts_with("prometheus/rules/alerts-"))
    {
        let rules: serde_json::Value =
            serde_saphyr::from_str(&file.contents).expect("a rule file parses");
        for rule in rules["groups"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|g| g["rules"].as_array().into_iter().flatten())
        {
            let Some(alert) = rule["alert"].as_str() else {
                continue;
            };
            let summary = rule["annotations"]["summary"].as_str().expect("a summary");
            let page = pages
                .get(format!("docs/runbooks/{alert}.md").as_str())
                .unwrap_or_else(|| panic!("no runbook for {alert}"));
            assert!(
                page.contains(&format!("**{summary}**")),
                "{alert}: the runbook does not open with `{summary}`"
            );
            checked += 1;
        }
    }
    checked
}

/// An operational or threshold alert's runbook opens with the alert's own summary: the
/// page and the notification say the same thing, whoever wrote the sentence.
#[test]
fn runbooks_quote_their_alerts_summaries() {
    let (_, artifacts) = flagship(&Options::default());
    // Thresholds, anomalies, regressions, capacity and cardinality alerts of the flagship.
    let checked = runbooks_quote_summaries(&artifacts);
    assert!(checked >= 15, "only {checked} alerts checked");

    let mut sources = Sources::default();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let spec = root.join("tests/fixtures/ok/ops-own-summary");
    let (model, _) = vigil::app::compile(&[spec], &mut sources);
    let artifacts =
        vigil::emit::emit(&model.expect("compiles"), &Options::default()).expect("emits");
    assert_eq!(runbooks_quote_summaries(&artifacts), 2);
    let own = "API traffic left its usual band: check the load balancer first.";
    let rules = artifacts
        .iter()
        .find(|a| a.path == "prometheus/rules/alerts-api.yaml")
        .expect("the service's rule file");
    assert!(rules.contents.contains(own), "{}", rules.contents);
}
