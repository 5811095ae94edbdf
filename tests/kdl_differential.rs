//! vigil's KDL parser against kdl-rs 6 (the oracle): every `.kdl` file in the repository
//! and generated KDL-ish documents must be accepted or rejected by both, and accepted
//! ones must give the same tree with the same spans (converted from kdl-rs as vigil did
//! before it had its own parser).

use crate::support::kdl_oracle;

use std::path::{Path, PathBuf};

use kdl_oracle::oracle;
use proptest::prelude::*;
use vigil::diagnostic::Diagnostics;
use vigil::source::{FileId, Sources};
use vigil::spec::Node;

/// vigil's tree, or `None` if it rejects the text.
fn vigil_parse(text: &str) -> (FileId, Option<Vec<Node>>) {
    let mut sources = Sources::default();
    let mut diagnostics = Diagnostics::default();
    let document = vigil::spec::parse_text("t.kdl", text, &mut sources, &mut diagnostics);
    let file = sources.iter().next().map(|(id, _)| id).expect("one file");
    (file, document.map(|d| d.root.children))
}

/// Panics with both results when the parsers disagree; true if both accepted. An accepted
/// text is also formatted: `vigil fmt` must keep its tree (it checks that itself, and
/// panics in debug builds when it cannot) and give a text it leaves as it is.
fn compare(text: &str) -> bool {
    let (file, ours) = vigil_parse(text);
    let stripped = text.strip_prefix('\u{feff}').unwrap_or(text);
    let theirs = oracle(file, stripped);
    assert_eq!(
        ours.is_some(),
        theirs.is_some(),
        "accept/reject differs for {text:?}\nvigil: {ours:#?}\nkdl-rs: {theirs:#?}"
    );
    let accepted = ours.is_some();
    assert_eq!(ours, theirs, "trees differ for {text:?}");
    if accepted {
        let once =
            vigil::format::format_kdl(text).unwrap_or_else(|| panic!("{text:?} does not format"));
        let twice = vigil::format::format_kdl(&once);
        assert_eq!(
            twice.as_deref(),
            Some(once.as_str()),
            "formatting {text:?} twice"
        );
    }
    accepted
}

fn kdl_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if !path.ends_with("target") && !path.ends_with(".git") {
                kdl_files(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "kdl") {
            out.push(path);
        }
    }
}

/// Inputs where kdl-rs's error recovery takes seconds: compared by vigil alone.
const SLOW_FOR_KDL_RS: &[&str] = &[
    "fuzz_kdl_timeout.kdl",
    "fuzz_unclosed_blocks.kdl",
    "fuzz_kdl_balanced_slow.kdl",
    "deep_nesting.kdl",
];

#[test]
fn every_kdl_file_in_the_repository_parses_as_kdl_rs_parses_it() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["specs", "tests", "examples", "fuzz", "docs"] {
        kdl_files(&root.join(dir), &mut files);
    }
    files.sort();
    assert!(files.len() > 20, "found only {files:?}");
    for path in files {
        if SLOW_FOR_KDL_RS.iter().any(|name| path.ends_with(name)) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        assert!(
            compare(&text)
                || ["err", "adversarial"]
                    .iter()
                    .any(|d| path.to_string_lossy().contains(d)),
            "{path:?} rejected"
        );
    }
}

/// Hand-picked edge cases of the KDL 2 grammar, each compared with kdl-rs.
#[test]
fn edge_cases_parse_as_kdl_rs_parses_them() {
    let accepted = EDGE_CASES.iter().filter(|text| compare(text)).count();
    // Both sides of the grammar are exercised.
    assert!(
        accepted > 60 && EDGE_CASES.len() - accepted > 60,
        "{accepted} accepted"
    );
}

const EDGE_CASES: &[&str] = &[
    "",
    " ",
    "\n",
    "a",
    "a;",
    "a;b",
    "a;;",
    "a\n;",
    "/-a; b",
    "a; /-b; c",
    "/-a\nb",
    "a {b} /-c",
    "a {b} /-c d",
    "a {b} /-c\nd",
    "a /-{x}",
    "a /-{x} {y}",
    "a /-b /-{x} {y}",
    "a /-1{c}",
    "a /-b",
    "a /-\n b",
    "a /- /-b c d",
    "a /-/-b c",
    "a /-}",
    "a {}",
    "a{}",
    "a x{b}",
    "a #true{b}",
    "a { b }",
    "a { b } c",
    "a {} b",
    "a {b}}",
    "}",
    "{",
    "a {",
    "a { b {",
    "n -inf + - -- .a ..5 \"+.\"",
    "n +.",
    "n -.5",
    "n .5",
    "n +.a",
    "n 1.",
    "n 1.e5",
    "n 1e",
    "n 1.5e5.3",
    "n 1_000 0x_1 0xFF_ 1_e5",
    "n 0x10 -0x10 +0o17 0b101 0B1 0XaF 0O7",
    "n 0x 0b2",
    "n 00x10",
    "n 0e5 1E+5 1e-5_",
    "n 170141183460469231731687303715884105727 -170141183460469231731687303715884105727",
    "n 170141183460469231731687303715884105728",
    "n 0.170141183460469231731687303715884105728",
    "n 1e170141183460469231731687303715884105728",
    "n 0xffffffffffffffffffffffffffffffff",
    "n #true #false #null #inf #-inf #nan",
    "n #truex",
    "n #True",
    "n true",
    "n null",
    "n nan",
    "n inf",
    "n -inf",
    "true",
    "#true",
    "n \"a\\nb\\t\\\\\\\"\\b\\f\\r\\s\\u{1F600}\"",
    "n \"\\u{}\"",
    "n \"\\u{1234567}\"",
    "n \"\\u{D800}\"",
    "n \"\\x\"",
    "n \"a\\   \n   b\"",
    "n \"a\nb\"",
    "n \"\"\"\n  x\n   y\n  \"\"\"",
    "n \"\"\"\nfoo\n  bar\n  \"\"\"",
    "n \"\"\"\n\n    string\t\n    \"\"\"",
    "n \"\"\"x\"\"\"",
    "n \"\"\"\n  a \"\"\" b\n  \"\"\"",
    "n \"\"\"\n\"\"\"",
    "n \"\"\"\n  \\\"\"\"\n  \"\"\"",
    "n \"\"\"\r\n  a\r\n  \"\"\"",
    "n \"\"\"\n \t \\\n    \n \t \"\"\"",
    "n #\"a\\b\"# ##\"x\"#\"##",
    "n #\"\"\"#",
    "n #\"\"\"\"#",
    "n #\"\"#",
    "n #\"\"\"\n  raw\\n\n  \"\"\"#",
    "n #\"\"\"x\"#",
    "n #\"a\nb\"#",
    "n #\"\"\"\n\"\n\"\"\"#",
    "n ##\"\"\"\n  a\n    b\n  \"\"\"##",
    "n #\"\"\"\n  a\n b\n  \"\"\"#",
    "(t)a (u)1 k=(v)\"s\" k2 = 2",
    "(t) a",
    "a (t) 1",
    "a (t)",
    "a ()1",
    "a (t 1",
    "(true)a",
    "a (\"q\")x",
    "a (t)(u)1",
    "a k=1 k=2",
    "a \"k\"=1",
    "a #\"k\"#=1",
    "a k= 1",
    "a k =1",
    "a k=",
    "a =1",
    "a=1",
    "a k=v=1",
    "a \\\n b",
    "a \\ // c\n b",
    "a \\",
    "a \\ x",
    "a \\\n\n b",
    "a // c\nb",
    "a /* c */ b",
    "a /* /* */ */ b",
    "a /* b",
    "a /*/ b */ c",
    "a\u{2028}b",
    "a\u{85}b",
    "a\u{b}b",
    "a\u{c}b",
    "a\rb",
    "a\r\nb",
    "a\u{a0}b",
    "a\u{3000}b\u{205f}c",
    "a \u{1}",
    "a // \u{1}\nb",
    "a /* \u{200e} */ b",
    "\u{feff}a",
    "\u{feff}\u{feff}a",
    "a\u{feff}",
    "a \"\u{202a}\"",
    "a [b]",
    "a b[c]",
    "a b\"c\"",
    "a \"b\"c",
    "a 1\"b\"",
    "a #true\"x\"",
    "a x)",
    "a x(",
    "a b=1{c}",
    "a b;c",
    "a \"x\"/* c */",
    "a \"x\"/-y",
    "a \"x\" /-y",
    "a /-k=1 b",
    "a /- k=1",
    "a /-(t)1 2",
    "a /-\n/-b c",
    "a {\n  b 1\n  /-c {\n    d\n  }\n}\n",
    "a {\n}\n/-b {\n c\n}\n",
    "a { /-b }",
    "a { b; }",
    "a {b;c}",
    "a {;}",
    "a { b } /-{ c }",
    "a { b }/-{ c }",
    "a { b } /-{ c } /-{ d }",
    "a { b } /-{ c } { d }",
    "a\n\n\n",
    "\n\na\n  b 1 2 \"x\" k=v\n",
    "a \"unicode é ✓\" é=1 ✓",
    "é",
    "a.b c-d e_f",
    "a:b",
    "a,b ,c",
];

fn fragment() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "a",
        "node",
        "é",
        "-",
        "+",
        ".",
        "-.",
        "--x",
        ".x",
        "true",
        "x.y",
        "k",
        "1",
        "-2",
        "+3",
        "0.5",
        "1e3",
        "1E-2",
        "0x1F",
        "0o7",
        "0b1",
        "1_0",
        "1.",
        "#true",
        "#false",
        "#null",
        "#inf",
        "#-inf",
        "#nan",
        "#t",
        "\"s\"",
        "\"a b\"",
        "\"\\n\"",
        "\"\\u{41}\"",
        "\"\\q\"",
        "\"\"",
        "#\"r\"#",
        "##\"r\"#\"##",
        "#\"\"\"#",
        "\"\"\"\n  m\n  \"\"\"",
        "\"\"\"\nm\n\"\"\"",
        "#\"\"\"\n r\n \"\"\"#",
        "(t)",
        "(",
        ")",
        "=",
        " = ",
        " ",
        " ",
        " ",
        "  ",
        "\t",
        "\n",
        "\n",
        "\r\n",
        ";",
        "{",
        "}",
        "{ ",
        " }",
        "/-",
        "/- ",
        "// c\n",
        "/* c */",
        "/*",
        "\\\n",
        "\\",
        "[",
        "\u{2028}",
        "\u{a0}",
        "\u{1}",
        "x=1",
        "k=\"v\"",
        "k=#true",
    ])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn generated_documents_parse_as_kdl_rs_parses_them(parts in prop::collection::vec(fragment(), 0..24)) {
        let _ = compare(&parts.concat());
    }

    #[test]
    fn generated_nodes_parse_as_kdl_rs_parses_them(
        nodes in prop::collection::vec((fragment(), prop::collection::vec(fragment(), 0..6), prop::option::of(prop::collection::vec(fragment(), 0..4)), prop::sample::select(vec!["\n", ";", " ;\n", "\n\n", " // c\n"])), 0..6)
    ) {
        let mut text = String::new();
        for (name, entries, children, end) in nodes {
            text.push_str(name);
            for entry in entries {
                text.push(' ');
                text.push_str(entry);
            }
            if let Some(children) = children {
                text.push_str(" {\n");
                for child in children {
                    text.push_str(child);
                    text.push('\n');
                }
                text.push('}');
            }
            text.push_str(end);
        }
        let _ = compare(&text);
    }
}
