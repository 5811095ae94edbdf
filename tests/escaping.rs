//! Output safety: spec strings holding quotes, backslashes, newlines, `{{ }}`, `|`, HTML
//! and shell metacharacters cannot break the YAML, the Alertmanager matchers, the
//! route-test shell script or the Markdown tables vigil writes. Each output is parsed
//! back (serde-saphyr, `amtool check-config` and the route tests, `promtool check rules`,
//! a column count for every Markdown table).

use crate::support::alertmanager::amtool;
use crate::support::deadline;
use crate::support::prometheus::promtool;

use std::path::PathBuf;
use std::process::Command;

/// Every free-text field the spec has, filled with hostile text. `{{ }}` in a summary is
/// only a warning, so this spec compiles.
const HOSTILE: &str = r##"vigil 1
tier page level=1 severity=critical page=#true { description "H1 a\"b\\c|d\n{{ .Status }}</td><b>`x`</b> [l](javascript:x) *e*"; }
tier ticket level=2 severity=warning
service shop { team web; selector job="sh\"op\\x|y"; }
metric shop_requests_total type=counter service=shop {
    help "H2 a\"b\\c|d\n{{ .Status }}</td><b>`x`</b> | *e*"
    label code "ok" "err\"or|x"
}
slo availability service=shop {
    description "H11 <i>x</i> | y\nz"
    objective 99.9
    window "30d"
    sli { ratio errors="shop_requests_total{code=\"error\"}" total="shop_requests_total" }
    alerting { page tier=page; ticket tier=ticket; }
    runbook {
        impact "H3 a\"b\\c|d\n{{ .Status }}</td> | x"
        step "H4 a\"b\\c|d\n{{ .Status }}`` | x"
        decision when="H5 a|b\n{{ x }}" then="H6 c|d\n\"e\""
        escalation "H7 a|b\n{{ x }}"
    }
}
alert ShopDown service=shop tier=page {
    expr "up{job=\"shop\"} == 0"
    for "1m"
    summary "H8 the shop \"is\" down | {{ $value }}."
    description "H9 {{ $labels.instance }} a|b\n\"c\"\\d"
    label component "H10 a\"b|c"
    annotation dashboard "https://grafana.example/d/a?x=\"1\"|2"
}
receiver chat { slack channel="#sh\"op|x" api-url-file="/etc/am/sl\"ack" title="T {{ .Status }}" text="a\"b\\c|d\n"; }
receiver canary { webhook url="http://127.0.0.1:9099/canary"; }
routing {
    route receiver=canary { match environment="can'a\"ry $(touch pwned) `touch pwned` \\ x|y"; }
    route tier=page receiver=chat
    route tier=ticket receiver=chat
    default receiver=chat
}
"##;

struct Generated {
    dir: tempfile::TempDir,
}

impl Generated {
    fn out(&self) -> PathBuf {
        self.dir.path().join("generated")
    }

    fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.out().join(path)).expect(path)
    }

    fn files(&self, extension: &str) -> Vec<PathBuf> {
        walkdir::WalkDir::new(self.out())
            .into_iter()
            .map(|e| e.expect("entry").into_path())
            .filter(|p| p.extension().is_some_and(|e| e == extension))
            .collect()
    }
}

fn generate() -> Generated {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("hostile.kdl"), HOSTILE).expect("spec");
    let output = deadline::vigil(
        dir.path(),
        &["generate", "hostile.kdl", "--out", "generated"],
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    Generated { dir }
}

/// Every string leaf of a parsed YAML document.
fn strings(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                out.push(k.clone());
                strings(v, out);
            }
        }
        _ => {}
    }
}

#[test]
fn yaml_outputs_parse_back_to_the_exact_spec_strings() {
    let generated = generate();
    let files = generated.files("yml");
    assert!(!files.is_empty());
    for file in files {
        let text = std::fs::read_to_string(&file).expect("yaml");
        let value: serde_json::Value = serde_saphyr::from_str(&text)
            .unwrap_or_else(|e| panic!("{} does not parse: {e}", file.display()));
        let mut leaves = Vec::new();
        strings(&value, &mut leaves);
        if file.ends_with("alertmanager/alertmanager.yml") {
            for exact in [
                "#sh\"op|x",
                "/etc/am/sl\"ack",
                "T {{ .Status }}",
                "a\"b\\c|d\n",
            ] {
                assert!(
                    leaves.iter().any(|l| l == exact),
                    "{exact:?} did not survive the round trip"
                );
            }
            // The matcher is one string; its value is quoted with `\` and `"` escaped.
            let matcher = r#"environment="can'a\"ry $(touch pwned) `touch pwned` \\ x|y""#;
            assert!(
                leaves.iter().any(|l| l == matcher),
                "matcher not escaped: {leaves:?}"
            );
        }
    }
}

#[test]
#[ignore = "slow tier: needs amtool"]
fn alertmanager_accepts_the_config_and_the_route_tests_pass() {
    let amtool = amtool();
    let generated = generate();
    let config = generated.out().join("alertmanager/alertmanager.yml");
    let check = Command::new(&amtool)
        .arg("check-config")
        .arg(&config)
        .output()
        .expect("amtool");
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    // The route-test script: quoted for the shell (nothing runs) and for amtool (the
    // hostile matcher value reaches `canary`, not the default).
    let script = Command::new("sh")
        .arg(generated.out().join("alertmanager/route-tests.sh"))
        .current_dir(generated.dir.path())
        .output()
        .expect("sh");
    assert!(
        script.status.success(),
        "{}{}",
        String::from_utf8_lossy(&script.stdout),
        String::from_utf8_lossy(&script.stderr)
    );
    assert!(
        !generated.dir.path().join("pwned").exists(),
        "a spec string ran as a shell command"
    );
    assert!(
        generated
            .read("alertmanager/route-tests.sh")
            .contains("canary"),
        "no route test for the hostile matcher"
    );
}

#[test]
fn a_summary_stays_static() {
    let generated = generate();
    let rules = generated.read("prometheus/rules/alerts-shop.yaml");
    // `{{` in a summary is printed, not executed: Go's `{{"{{"}}` escape.
    assert!(
        rules.contains(r#"{{"{{"}} $value }}."#),
        "summary not escaped:\n{rules}"
    );
}

#[test]
#[ignore = "slow tier: needs promtool"]
fn prometheus_accepts_the_rules() {
    let generated = generate();
    for file in generated.files("yaml") {
        if !file.to_string_lossy().contains("/rules/") {
            continue;
        }
        let check = promtool()
            .args(["check", "rules"])
            .arg(&file)
            .output()
            .expect("promtool");
        assert!(
            check.status.success(),
            "{}: {}{}",
            file.display(),
            String::from_utf8_lossy(&check.stdout),
            String::from_utf8_lossy(&check.stderr)
        );
    }
}

/// The cells of one Markdown table row: split on `|` not escaped by a backslash.
fn cells(row: &str) -> usize {
    let mut count = 0;
    let mut escaped = false;
    for c in row.trim().chars() {
        match c {
            '\\' if !escaped => escaped = true,
            '|' if !escaped => count += 1,
            _ => escaped = false,
        }
        if c != '\\' {
            escaped = false;
        }
    }
    count
}

#[test]
fn markdown_tables_keep_their_shape_and_html_stays_text() {
    let generated = generate();
    let files = generated.files("md");
    assert!(files.len() >= 3);
    let mut tables = 0;
    for file in files {
        let text = std::fs::read_to_string(&file).expect("md");
        let name = file.display();
        let mut header: Option<usize> = None;
        for (number, line) in text.lines().enumerate() {
            if line.trim_start().starts_with('|') {
                let count = cells(line);
                match header {
                    None => {
                        header = Some(count);
                        tables += 1;
                    }
                    Some(expected) => assert_eq!(
                        count,
                        expected,
                        "{name}:{}: row breaks its table: {line}",
                        number + 1
                    ),
                }
            } else {
                header = None;
            }
        }
        for raw in ["<b>", "</td>", "<script"] {
            assert!(!text.contains(raw), "{name}: raw HTML {raw} from the spec");
        }
    }
    assert!(tables >= 3, "only {tables} tables checked");
    // Template syntax in spec text is data: rendered literally, never evaluated.
    let metrics = generated.read("docs/metrics.md");
    assert!(metrics.contains("{{ .Status }}"), "{metrics}");
}
