//! A KDL spec in its YAML form, as a JSON value: the inverse of the YAML reader's fixed
//! mapping (scalars are properties, lists arguments, mappings children, plural keys
//! collections). Written here, independently of the reader, so that a test can hold the
//! two against each other: the YAML form must compile to the model the KDL does.

use serde_json::{Map, Number, Value as Json};
use vigil::spec::{Dialect, Node, Scalar, Value, yaml_plural};

/// The YAML form of a document's top-level nodes, or why a node has none (a node with
/// both arguments and a body outside a collection).
pub(crate) fn document(root: &Node) -> Result<Json, String> {
    body(root)
}

fn scalar(value: &Value) -> Json {
    match &value.scalar {
        Scalar::String(text) => Json::String(text.clone()),
        Scalar::Number(text) => text
            .parse::<Number>()
            .map_or_else(|_| Json::String(text.clone()), Json::Number),
        Scalar::Bool(flag) => Json::Bool(*flag),
        Scalar::Null => Json::Null,
    }
}

/// A node's properties and children as one mapping.
fn body(node: &Node) -> Result<Json, String> {
    let mut map = Map::new();
    for property in &node.props {
        insert(
            &mut map,
            &spelled(&property.key),
            scalar(&property.value),
            node,
        )?;
    }
    let mut names: Vec<&str> = node.children.iter().map(|c| c.name.as_str()).collect();
    names.dedup();
    let mut seen = Vec::new();
    for name in names {
        if seen.contains(&name) {
            continue;
        }
        seen.push(name);
        let group: Vec<&Node> = node.children.iter().filter(|c| c.name == name).collect();
        let key = spelled(name);
        // Collections are always written plural, as the schema documents them; an SLO's
        // `window` is its period, not a collection of burn windows.
        let plural = yaml_plural(&key).filter(|_| !(key == "window" && node.name == "slo"));
        match (plural, group.as_slice()) {
            (Some(plural), _) => insert(&mut map, plural, collection(&group)?, node)?,
            (None, [one]) => insert(&mut map, &key, item(one)?, node)?,
            (None, _) => {
                let items = group
                    .iter()
                    .map(|child| match item(child)? {
                        mapping @ Json::Object(_) => Ok(mapping),
                        _ => Err(format!("`{name}` repeats with arguments")),
                    })
                    .collect::<Result<Vec<_>, String>>()?;
                insert(&mut map, &key, Json::Array(items), node)?;
            }
        }
    }
    Ok(Json::Object(map))
}

/// A KDL name as YAML spells it (`group-wait` → `group_wait`).
fn spelled(name: &str) -> String {
    Dialect::Yaml.spell(name)
}

fn insert(map: &mut Map<String, Json>, key: &str, value: Json, node: &Node) -> Result<(), String> {
    match map.insert(key.to_owned(), value) {
        Some(_) => Err(format!("`{}` holds `{key}` twice", node.name)),
        None => Ok(()),
    }
}

/// Nodes of one plural key: a list of values when each is one value, a mapping by name
/// when each has a name and more, else a list.
fn collection(group: &[&Node]) -> Result<Json, String> {
    let values = group
        .iter()
        .all(|n| n.args.len() == 1 && n.props.is_empty() && n.children.is_empty());
    if values {
        return Ok(Json::Array(
            group.iter().map(|n| scalar(&n.args[0])).collect(),
        ));
    }
    let named = group.iter().all(|n| !n.args.is_empty());
    let mut names: Vec<String> = group
        .iter()
        .filter_map(|n| n.args.first())
        .map(key_text)
        .collect();
    names.sort();
    names.dedup();
    if named && names.len() == group.len() {
        let mut map = Map::new();
        for node in group {
            let rest = Node {
                args: node.args[1..].to_vec(),
                ..(*node).clone()
            };
            map.insert(key_text(&node.args[0]), item(&rest)?);
        }
        return Ok(Json::Object(map));
    }
    let items = group
        .iter()
        .map(|node| listed(node))
        .collect::<Result<Vec<_>, String>>()?;
    Ok(Json::Array(items))
}

/// A collection's item in a list: a named one with a body gives its name as `name:`.
fn listed(node: &Node) -> Result<Json, String> {
    let has_body = !node.props.is_empty() || !node.children.is_empty();
    match (node.args.as_slice(), has_body) {
        ([name], true) => {
            let Json::Object(mut map) = body(node)? else {
                unreachable!("a body is a mapping")
            };
            map.insert(String::from("name"), scalar(name));
            Ok(Json::Object(map))
        }
        _ => item(node),
    }
}

fn key_text(value: &Value) -> String {
    match &value.scalar {
        Scalar::String(text) | Scalar::Number(text) => text.clone(),
        Scalar::Bool(flag) => flag.to_string(),
        Scalar::Null => String::from("null"),
    }
}

/// One node's value: its arguments (one as a scalar, more as a list) or its body.
fn item(node: &Node) -> Result<Json, String> {
    let has_body = !node.props.is_empty() || !node.children.is_empty();
    match (node.args.as_slice(), has_body) {
        ([], false) => Ok(Json::Null),
        ([], true) => body(node),
        ([one], false) => Ok(scalar(one)),
        (many, false) => Ok(Json::Array(many.iter().map(scalar).collect())),
        (_, true) => Err(format!("`{}` has both arguments and a body", node.name)),
    }
}
