//! The format-neutral raw spec: KDL and YAML both become this tree of spanned nodes.
//!
//! The shape is KDL's: a node has a name, positional arguments, `key=value` properties
//! and child nodes. YAML maps onto it by fixed rules (see `yaml.rs`), so one checker
//! serves both formats and the KDL ≡ YAML equivalence holds by construction.

use crate::source::{FileId, Span};

/// Which surface syntax a node came from; it decides only how keywords are spelled
/// (`api-url-file` in KDL, `api_url_file` in YAML).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Kdl,
    Yaml,
}

impl Dialect {
    /// The keyword as the user must write it in this dialect.
    pub fn spell(self, keyword: &str) -> String {
        match self {
            Dialect::Kdl => keyword.to_owned(),
            Dialect::Yaml => keyword.replace('-', "_"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scalar {
    String(String),
    /// The literal as written, so `99.9` stays exactly `99.9`.
    Number(String),
    Bool(bool),
    Null,
}

impl Scalar {
    pub fn type_name(&self) -> &'static str {
        match self {
            Scalar::String(_) => "a string",
            Scalar::Number(_) => "a number",
            Scalar::Bool(_) => "a boolean",
            Scalar::Null => "null",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    pub scalar: Scalar,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Property {
    pub key: String,
    pub key_span: Span,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub name: String,
    pub name_span: Span,
    /// The whole node, children included.
    pub span: Span,
    pub dialect: Dialect,
    pub args: Vec<Value>,
    pub props: Vec<Property>,
    pub children: Vec<Node>,
}

impl Node {
    pub fn new(name: impl Into<String>, name_span: Span, span: Span, dialect: Dialect) -> Self {
        Self {
            name: name.into(),
            name_span,
            span,
            dialect,
            args: Vec::new(),
            props: Vec::new(),
            children: Vec::new(),
        }
    }
}

/// One parsed file: its top-level entries live in `root` (a node with an empty name).
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub file: FileId,
    pub root: Node,
    /// The file's text, so that a place inside a string value (a selector inside a PromQL
    /// expression) can be mapped back to the bytes the user wrote.
    pub text: std::sync::Arc<str>,
}
