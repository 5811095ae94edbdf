//! Renders an imported spec, held as a small node tree, as KDL or YAML text. The tree
//! mirrors vigil's own spec tree (name, arguments, properties, children), so the YAML form
//! follows the same fixed mapping `spec/yaml/` reads back: scalars become properties,
//! lists arguments, blocks mappings, and named declarations plural collections.

use std::fmt::Write as _;

/// One scalar of the written spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Value {
    Text(String),
    /// A number, written exactly as given (`99.9`).
    Number(String),
    Bool(bool),
}

impl Value {
    pub(crate) fn text(text: impl Into<String>) -> Self {
        Value::Text(text.into())
    }
}

/// One node of the written spec, with the comment lines written above it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Node {
    pub(crate) name: String,
    pub(crate) args: Vec<Value>,
    pub(crate) props: Vec<(String, Value)>,
    pub(crate) children: Vec<Node>,
    pub(crate) comments: Vec<String>,
}

impl Node {
    pub(crate) fn new(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            ..Self::default()
        }
    }

    #[must_use]
    pub(crate) fn arg(mut self, value: Value) -> Self {
        self.args.push(value);
        self
    }

    #[must_use]
    pub(crate) fn prop(mut self, key: &str, value: Value) -> Self {
        self.props.push((key.to_owned(), value));
        self
    }

    #[must_use]
    pub(crate) fn child(mut self, child: Node) -> Self {
        self.children.push(child);
        self
    }

    #[must_use]
    pub(crate) fn comment(mut self, line: impl Into<String>) -> Self {
        self.comments.push(line.into());
        self
    }
}

// ---------------------------------------------------------------------------------------
// KDL

pub(crate) fn kdl(header: &[String], nodes: &[Node]) -> String {
    let mut out = String::new();
    for line in header {
        push_comment(&mut out, "//", line, 0);
    }
    out.push_str("vigil 1\n");
    for node in nodes {
        out.push('\n');
        kdl_node(&mut out, node, 0);
    }
    // The layout is `vigil fmt`'s already. Debug builds hold it to the formatter, whose
    // kdl-rs parse took half of a 10,000-SLO import.
    debug_assert_eq!(
        crate::format::format_kdl(&out).as_deref(),
        Some(out.as_str()),
        "an imported spec is not in `vigil fmt` layout"
    );
    out
}

/// Comment lines at an indentation (`//` and four spaces for KDL, `#` and two for YAML).
fn push_comment(out: &mut String, marker: &str, line: &str, depth: usize) {
    let unit = if marker == "#" { "  " } else { "    " };
    for part in line.lines() {
        let _ = writeln!(out, "{}{marker} {part}", unit.repeat(depth));
    }
}

fn kdl_node(out: &mut String, node: &Node, depth: usize) {
    for line in &node.comments {
        push_comment(out, "//", line, depth);
    }
    out.push_str(&"    ".repeat(depth));
    out.push_str(&node.name);
    for arg in &node.args {
        out.push(' ');
        out.push_str(&kdl_value(arg));
    }
    for (key, value) in &node.props {
        let _ = write!(out, " {key}={}", kdl_value(value));
    }
    if node.children.is_empty() {
        out.push('\n');
        return;
    }
    out.push_str(" {\n");
    for child in &node.children {
        kdl_node(out, child, depth + 1);
    }
    out.push_str(&"    ".repeat(depth));
    out.push_str("}\n");
}

fn kdl_value(value: &Value) -> String {
    match value {
        Value::Number(number) => number.clone(),
        Value::Bool(true) => String::from("#true"),
        Value::Bool(false) => String::from("#false"),
        Value::Text(text) => crate::spec::kdl::string_literal(text).into_owned(),
    }
}

// ---------------------------------------------------------------------------------------
// YAML

pub(crate) fn yaml(header: &[String], nodes: &[Node]) -> String {
    let mut out = String::new();
    for line in header {
        push_comment(&mut out, "#", line, 0);
    }
    out.push_str("vigil: 1\n");
    yaml_children(&mut out, nodes, 0);
    out
}

fn yaml_key(name: &str) -> String {
    name.replace('-', "_")
}

fn yaml_children(out: &mut String, nodes: &[Node], depth: usize) {
    let indent = "  ".repeat(depth);
    let mut index = 0;
    while index < nodes.len() {
        let node = &nodes[index];
        let same = nodes[index..]
            .iter()
            .take_while(|n| n.name == node.name)
            .count();
        let group = &nodes[index..index + same];
        index += same;
        let Some(plural) = collection_key(group, depth) else {
            for item in group {
                for line in &item.comments {
                    push_comment(out, "#", line, depth);
                }
                yaml_entry(out, &yaml_key(&item.name), item, depth);
            }
            continue;
        };
        let _ = writeln!(out, "{indent}{plural}:");
        if group.iter().any(|n| n.args.is_empty()) || names_repeat(group) {
            yaml_list(out, group, depth + 1);
            continue;
        }
        for item in group {
            for line in &item.comments {
                push_comment(out, "#", line, depth + 1);
            }
            let mut args = item.args.iter();
            let name = args.next().map_or_else(String::new, yaml_scalar);
            let rest = Node {
                args: args.cloned().collect(),
                comments: Vec::new(),
                ..item.clone()
            };
            yaml_entry(out, &name, &rest, depth + 1);
        }
    }
}

/// The plural key a group of same-named nodes is written under, from the reader's
/// grammar (`spec::yaml::plural`). Declarations at the top level, nodes that repeat and
/// name–value pairs (`label owner team`) are collections; a node its block holds once
/// with one value (an SLO's `window "30d"`) keeps its own key.
fn collection_key(group: &[Node], depth: usize) -> Option<&'static str> {
    let plural = crate::spec::yaml::plural(&group[0].name)?;
    (depth == 0 || group.len() > 1 || group[0].args.len() > 1).then_some(plural)
}

/// `key: …` for one node: a scalar, a list, or a block mapping of its properties and
/// children (`match`-like maps and labels included).
fn yaml_entry(out: &mut String, key: &str, node: &Node, depth: usize) {
    let indent = "  ".repeat(depth);
    let body_empty = node.props.is_empty() && node.children.is_empty();
    match node.args.as_slice() {
        [one] if body_empty => {
            let _ = writeln!(out, "{indent}{key}: {}", yaml_scalar(one));
            return;
        }
        [] | [_] if body_empty => {
            let _ = writeln!(out, "{indent}{key}: {{}}");
            return;
        }
        [] => {}
        args => {
            let list: Vec<String> = args.iter().map(yaml_scalar).collect();
            let _ = writeln!(out, "{indent}{key}: [{}]", list.join(", "));
            return;
        }
    }
    let _ = writeln!(out, "{indent}{key}:");
    yaml_body(out, node, depth + 1);
}

/// A node's properties and children, one level below its key.
fn yaml_body(out: &mut String, node: &Node, depth: usize) {
    let indent = "  ".repeat(depth);
    for (prop, value) in &node.props {
        let _ = writeln!(out, "{indent}{}: {}", yaml_key(prop), yaml_scalar(value));
    }
    yaml_children(out, &node.children, depth);
}

/// Whether two declarations of a group share a name (SLOs of different services): a
/// mapping cannot hold them, a list can.
fn names_repeat(group: &[Node]) -> bool {
    let mut names: Vec<Option<&Value>> = group.iter().map(|n| n.args.first()).collect();
    names.sort_by_key(|name| name.map(yaml_scalar));
    names.windows(2).any(|pair| pair[0] == pair[1])
}

/// A group as a list: nodes of properties alone as flow mappings (`- {long: "1h", …}`),
/// others as blocks, each named by a `name:` key (`- name: availability`) when it has one.
fn yaml_list(out: &mut String, group: &[Node], depth: usize) {
    let indent = "  ".repeat(depth);
    for item in group {
        if item.args.is_empty() && item.children.is_empty() && !item.props.is_empty() {
            let _ = writeln!(out, "{indent}- {}", yaml_flow(item));
            continue;
        }
        for line in &item.comments {
            push_comment(out, "#", line, depth);
        }
        let mut body = String::new();
        if let Some(name) = item.args.first() {
            let _ = writeln!(body, "{indent}  name: {}", yaml_scalar(name));
        }
        yaml_body(&mut body, item, depth + 1);
        match body.get(indent.len() + 2..) {
            // The item's first key goes on the dash's line.
            Some(rest) if !rest.is_empty() => {
                let _ = write!(out, "{indent}- {rest}");
            }
            _ => {
                let _ = writeln!(out, "{indent}- {{}}");
            }
        }
    }
}

fn yaml_flow(node: &Node) -> String {
    let fields: Vec<String> = node
        .props
        .iter()
        .map(|(key, value)| format!("{}: {}", yaml_key(key), yaml_scalar(value)))
        .collect();
    format!("{{{}}}", fields.join(", "))
}

fn yaml_scalar(value: &Value) -> String {
    match value {
        Value::Number(number) => number.clone(),
        Value::Bool(flag) => flag.to_string(),
        Value::Text(text) => yaml_string(text),
    }
}

/// A string as serde-saphyr writes it: words (`checkout`, `myorg/api`) bare where it
/// writes them bare, anything else double-quoted with YAML's escapes. Only words are left
/// bare, so that every scalar, in block or flow position, reads as the string it is.
fn yaml_string(text: &str) -> String {
    let word = text.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/'));
    if word
        && serde_saphyr::to_string(&text).is_ok_and(|plain| plain.strip_suffix('\n') == Some(text))
    {
        return text.to_owned();
    }
    // A string always serializes; the double-quoted style is one line.
    let quoted = serde_saphyr::to_string(&serde_saphyr::DoubleQuoted(text))
        .expect("a string serializes to YAML");
    quoted.trim_end_matches('\n').to_owned()
}

#[cfg(test)]
mod tests {
    use super::{Node, Value, kdl, yaml, yaml_string};
    use crate::diagnostic::Diagnostics;
    use crate::source::Sources;
    use crate::spec::Scalar;

    fn sample() -> Vec<Node> {
        vec![
            Node::new("tier")
                .arg(Value::text("page"))
                .prop("level", Value::Number("1".into()))
                .prop("page", Value::Bool(true)),
            Node::new("slo")
                .arg(Value::text("a-b"))
                .comment("from x.yml:3")
                .prop("service", Value::text("svc"))
                .child(Node::new("objective").arg(Value::Number("99.9".into())))
                .child(Node::new("window").arg(Value::text("30d")))
                .child(
                    Node::new("sli").child(
                        Node::new("query")
                            .prop("errors", Value::text("sum(rate(x{a=\"b\"}[{{ window }}]))"))
                            .prop("total", Value::text("1")),
                    ),
                )
                .child(
                    Node::new("alerting").child(
                        Node::new("page").prop("tier", Value::text("page")).child(
                            Node::new("window")
                                .prop("long", Value::text("1h"))
                                .prop("budget", Value::Number("2".into())),
                        ),
                    ),
                ),
        ]
    }

    #[test]
    fn kdl_text() {
        insta::assert_snapshot!(kdl(&["header".into()], &sample()));
    }

    #[test]
    fn yaml_text() {
        insta::assert_snapshot!(yaml(&["header".into()], &sample()));
    }

    /// Strings every YAML reader must get back unchanged: keywords of YAML 1.1 and 1.2,
    /// number-like words, indicators, comment and key separators, escapes, controls.
    #[test]
    fn yaml_strings_read_back_as_themselves_in_block_and_flow_position() {
        let awkward = [
            "plain",
            "myorg/api",
            "a.b-c_d",
            "yes",
            "No",
            "on",
            "y",
            "null",
            "True",
            "inf",
            "nan",
            "30d",
            "0x1f",
            "1e3",
            "-",
            "- a",
            "#x",
            "a #b",
            "a: b",
            "a:b",
            "[a]",
            "{a}",
            "a, b",
            "*a",
            "&a",
            "!a",
            "|",
            ">",
            "%a",
            "@a",
            "`a",
            "'a'",
            "\"a\"",
            "back\\slash",
            "",
            " lead",
            "trail ",
            "line\nbreak",
            "tab\t",
            "bell \u{7}",
            "nul \0",
            "esc \u{1b}",
            "\u{85}\u{2028}\u{2029}",
            "\u{feff}",
            "ünï 日本 🚨",
        ];
        for value in awkward {
            let scalar = yaml_string(value);
            let text = format!("vigil: 1\nk: {scalar}\nl: [{scalar}, {scalar}]\n");
            let mut diagnostics = Diagnostics::default();
            let document =
                crate::spec::parse_text("t.yaml", &text, &mut Sources::default(), &mut diagnostics)
                    .unwrap_or_else(|| panic!("{text:?}: {diagnostics:?}"));
            let expected = Scalar::String(value.to_owned());
            let root = &document.root;
            assert_eq!(root.props[1].value.scalar, expected, "{text:?}");
            let list = &root.children[0].args;
            assert!(list.iter().all(|v| v.scalar == expected), "{text:?}");
        }
    }
}
