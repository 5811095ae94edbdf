//! No input may crash vigil. Deterministic mutations of every valid spec (deleted ranges,
//! inserted tokens, duplicated and swapped lines, truncation) must each yield either a
//! model or coded diagnostics that render — never a panic. Plus hostile inputs.

use std::path::Path;

use vigil::diagnostic::Diagnostics;
use vigil::report::{self, Style};
use vigil::source::Sources;
use vigil::spec::RawSpec;

/// xorshift64*: a tiny deterministic generator so failures reproduce.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % (n.max(1) as u64)).unwrap_or(0)
    }
}

const TOKENS: &[&str] = &[
    "\"",
    "{",
    "}",
    "=",
    "#true",
    "\n",
    "-",
    ":",
    "[",
    "]",
    "0",
    "1e309",
    "NaN",
    "-0",
    "100",
    "\"0s\"",
    "\"99999999999y\"",
    "{{ window }}",
    "\u{202e}",
    "\0",
    "\r\n",
    "../../x",
    "&a",
    "*a",
    "!!str",
    "  ",
    "slo",
    "tier",
    "window",
    "objective",
    "route",
    "receiver",
];

fn mutate(text: &str, random: &mut Random) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    match random.below(5) {
        0 => {
            let start = random.below(chars.len());
            let end = (start + 1 + random.below(12)).min(chars.len());
            chars.drain(start..end);
            chars.into_iter().collect()
        }
        1 => {
            let at = random.below(chars.len() + 1);
            let token: Vec<char> = TOKENS[random.below(TOKENS.len())].chars().collect();
            chars.splice(at..at, token);
            chars.into_iter().collect()
        }
        2 if !lines.is_empty() => {
            let line = random.below(lines.len());
            let copy = lines[line].clone();
            lines.insert(line, copy);
            lines.join("\n")
        }
        3 if lines.len() > 1 => {
            let (a, b) = (random.below(lines.len()), random.below(lines.len()));
            lines.swap(a, b);
            lines.join("\n")
        }
        _ => chars[..random.below(chars.len() + 1)].iter().collect(),
    }
}

fn compile_text(name: &str, text: &str) -> (bool, Diagnostics, Sources) {
    let mut sources = Sources::default();
    let mut diagnostics = Diagnostics::default();
    let mut spec = RawSpec::default();
    if let Some(document) = vigil::spec::parse_text(name, text, &mut sources, &mut diagnostics) {
        spec.documents.push(document);
    }
    let (model, checked) = vigil::check::check(&spec);
    diagnostics.extend(checked);
    (
        model.is_some() && !diagnostics.has_errors(),
        diagnostics,
        sources,
    )
}

fn assert_sound(name: &str, text: &str) {
    let (compiled, diagnostics, sources) = compile_text(name, text);
    if !compiled {
        assert!(
            diagnostics.has_errors() || diagnostics.iter().next().is_none(),
            "{name}: no model and no error"
        );
    }
    for diagnostic in &diagnostics {
        if let Some(span) = diagnostic.span {
            let file = sources.get(span.file);
            assert!(
                span.end <= file.text.len(),
                "{name}: span past the end for {}",
                diagnostic.code
            );
        }
    }
    // Rendering must not panic either, whatever the spans point at.
    let _ = report::human(
        &diagnostics,
        &sources,
        Style {
            color: false,
            width: 100,
        },
    );
    let _ = report::json(&diagnostics, &sources);
}

fn seeds() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut seeds = Vec::new();
    for folder in ["specs", "tests/fixtures/ok"] {
        for entry in std::fs::read_dir(root.join(folder)).expect("folder") {
            let path = entry.expect("entry").path();
            if path.is_file() {
                let name = path
                    .file_name()
                    .expect("name")
                    .to_string_lossy()
                    .into_owned();
                seeds.push((name, std::fs::read_to_string(&path).expect("text")));
            }
        }
    }
    seeds.sort();
    seeds
}

#[test]
fn mutated_specs_never_panic() {
    let mut random = Random(0x5EED_1234_ABCD_0001);
    let mut runs = 0;
    for (name, text) in seeds() {
        for _ in 0..150 {
            let mutant = mutate(&text, &mut random);
            assert_sound(&name, &mutant);
            runs += 1;
        }
    }
    assert!(runs >= 1000, "only {runs} mutants ran");
}

#[test]
fn hostile_inputs_get_coded_diagnostics() {
    let deep_kdl = format!("a {}{}", "{ b ".repeat(10_000), "}".repeat(10_000));
    let deep_yaml = format!("a: {}{}", "[".repeat(10_000), "]".repeat(10_000));
    let mut bomb = String::from(
        "a: &a [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n",
    );
    for level in 1..10 {
        let previous = if level == 1 {
            String::from("a")
        } else {
            format!("a{}", level - 1)
        };
        bomb.push_str(&format!("a{level}: &a{level} [*{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}]\n"));
    }
    let cases = [
        ("deep.kdl", deep_kdl),
        ("deep.yaml", deep_yaml),
        ("bomb.yaml", bomb),
        ("nul.kdl", String::from("vigil 1\0\n")),
        (
            "objective.kdl",
            String::from(
                "vigil 1\nservice a\nslo s service=a { objective 1e309; window \"30d\"; sli { availability metric=\"up\" } }\n",
            ),
        ),
        (
            "nan.yaml",
            String::from(
                "vigil: 1\nservices: {a: {}}\nslos: {s: {service: a, objective: .nan, window: 30d, sli: {availability: {metric: up}}}}\n",
            ),
        ),
        (
            "negative-zero.kdl",
            String::from(
                "vigil 1\nservice a\nslo s service=a { objective -0; window \"30d\"; sli { availability metric=\"up\" } }\n",
            ),
        ),
        (
            "zero-window.kdl",
            String::from(
                "vigil 1\nservice a\nslo s service=a { objective 99; window \"0s\"; sli { availability metric=\"up\" } }\n",
            ),
        ),
        (
            "huge-duration.kdl",
            String::from(
                "vigil 1\nservice a\nslo s service=a { objective 99; window \"99999999999y\"; sli { availability metric=\"up\" } }\n",
            ),
        ),
        (
            "traversal.kdl",
            String::from("vigil 1\nservice \"../../x\"\n"),
        ),
        (
            "quotes.kdl",
            String::from("vigil 1\nservice \"a\\\"b\\nc{{ x }}\u{202e}\"\n"),
        ),
        ("bom.kdl", String::from("\u{feff}vigil 1\r\nservice a\r\n")),
        ("duplicate.yaml", String::from("vigil: 1\nvigil: 1\n")),
    ];
    for (name, text) in cases {
        let (compiled, diagnostics, _) = compile_text(name, &text);
        let legitimate = name == "bom.kdl";
        assert_eq!(
            compiled,
            legitimate,
            "{name}: {:?}",
            diagnostics
                .iter()
                .map(|d| d.code.as_str())
                .collect::<Vec<_>>()
        );
        if !legitimate {
            assert!(diagnostics.has_errors(), "{name}: no error reported");
        }
        assert_sound(name, &text);
    }
}
