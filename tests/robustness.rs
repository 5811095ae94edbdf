//! Hostile inputs get coded diagnostics, never a panic. Mutations of every valid spec are
//! exercised by the smoke fuzzer in `tests/adversarial_fuzz.rs`.

use crate::support::pipeline;

use pipeline::{assert_diagnostics_sound, compile_text};

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
        let (model, diagnostics, sources) = compile_text(name, &text);
        let legitimate = name == "bom.kdl";
        assert_eq!(
            model.is_some(),
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
        assert_diagnostics_sound(name, &diagnostics, &sources);
    }
}
