//! Typed, consuming access to a raw node. Every accessor marks what it read; `finish`
//! reports whatever was left as unknown, suggesting the closest keyword that was asked for.
//! A value may be written as a property (`window="30d"`, YAML `window: 30d`) or as a child
//! node with one argument (`window "30d"`): both read the same.

use std::cell::{Cell, RefCell};

use crate::codes::Code;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::{Decimal, Duration};
use crate::source::Span;
use crate::spec::{Dialect, Node, Scalar, Value};

mod convert;
mod finish;

pub(crate) use convert::{free_map, wrong_type};

/// The checker's shared state: the diagnostics collected so far.
#[derive(Default)]
pub(crate) struct Cx {
    diagnostics: RefCell<Diagnostics>,
}

impl Cx {
    pub(crate) fn report(&self, diagnostic: Diagnostic) {
        self.diagnostics.borrow_mut().push(diagnostic);
    }

    /// Takes over what another sink collected.
    pub(crate) fn absorb(&self, diagnostics: Diagnostics) {
        self.diagnostics.borrow_mut().extend(diagnostics);
    }

    pub(crate) fn into_diagnostics(self) -> Diagnostics {
        self.diagnostics.into_inner()
    }

    pub(crate) fn has_errors(&self) -> bool {
        self.diagnostics.borrow().has_errors()
    }
}

pub(crate) struct Reader<'n, 'c> {
    pub(crate) node: &'n Node,
    cx: &'c Cx,
    args_read: Cell<usize>,
    props_read: Vec<Cell<bool>>,
    children_read: Vec<Cell<bool>>,
    asked: RefCell<Vec<&'static str>>,
    /// Required properties found missing, reported by `finish` (or on drop): a positional
    /// value left over is then reported as that property written without its key.
    pending: RefCell<Vec<(&'static str, String)>>,
}

impl<'n, 'c> Reader<'n, 'c> {
    pub(crate) fn new(node: &'n Node, cx: &'c Cx) -> Self {
        let reader = Self {
            node,
            cx,
            args_read: Cell::new(0),
            props_read: node.props.iter().map(|_| Cell::new(false)).collect(),
            children_read: node.children.iter().map(|_| Cell::new(false)).collect(),
            asked: RefCell::new(Vec::new()),
            pending: RefCell::new(Vec::new()),
        };
        reader.report_duplicate_props();
        reader
    }

    pub(crate) fn cx(&self) -> &'c Cx {
        self.cx
    }

    /// Where to point when something required is missing: the node's name.
    pub(crate) fn name_span(&self) -> Span {
        self.node.name_span
    }

    fn spelled(&self, keyword: &str) -> String {
        self.node.dialect.spell(keyword)
    }

    fn report_duplicate_props(&self) {
        for (i, prop) in self.node.props.iter().enumerate() {
            if let Some(first) = self.node.props[..i].iter().find(|p| p.key == prop.key) {
                self.cx.report(
                    Diagnostic::new(
                        Code::DuplicateKey,
                        prop.key_span,
                        format!("`{}` is given twice", prop.key),
                    )
                    .label("repeated here")
                    .note(first.key_span, "first given here"),
                );
            }
        }
    }

    // ---- positional arguments -------------------------------------------------------

    /// The next positional argument.
    pub(crate) fn arg(&self) -> Option<&'n Value> {
        let index = self.args_read.get();
        let value = self.node.args.get(index)?;
        self.args_read.set(index + 1);
        Some(value)
    }

    /// All remaining positional arguments.
    pub(crate) fn rest_args(&self) -> &'n [Value] {
        let index = self.args_read.get().min(self.node.args.len());
        self.args_read.set(self.node.args.len());
        &self.node.args[index..]
    }

    /// The node's name argument (`slo availability { … }`).
    pub(crate) fn name_arg(&self, what: &str) -> Option<(String, Span)> {
        let Some(value) = self.arg() else {
            self.cx.report(
                Diagnostic::new(
                    Code::Missing,
                    self.name_span(),
                    format!("this {what} has no name"),
                )
                .label("name expected after this")
                .help(match self.node.dialect {
                    Dialect::Kdl => format!(
                        "write the name right after the node, e.g. `{} my-name {{ … }}`",
                        self.node.name
                    ),
                    // Only SLOs may be listed (their names repeat across services).
                    Dialect::Yaml if self.node.name == "slo" => String::from(
                        "give it `name: my-name`, or write `slos` as a mapping of name → settings",
                    ),
                    Dialect::Yaml => String::from(
                        "write the collection as a mapping of name → settings (`my-name: {…}`)",
                    ),
                }),
            );
            return None;
        };
        self.as_string(value).map(|s| (s, value.span))
    }

    // ---- keyed values -----------------------------------------------------------------

    /// The value of `keyword`, as a property or as a one-argument child node.
    pub(crate) fn value(&self, keyword: &'static str) -> Option<&'n Value> {
        self.asked.borrow_mut().push(keyword);
        let key = self.spelled(keyword);
        let mut found: Option<(&'n Value, Span)> = None;
        for (i, prop) in self.node.props.iter().enumerate() {
            if prop.key == key {
                self.props_read[i].set(true);
                found.get_or_insert((&prop.value, prop.key_span));
            }
        }
        for (i, child) in self.node.children.iter().enumerate() {
            if child.name != key {
                continue;
            }
            self.children_read[i].set(true);
            if let Some((_, first)) = found {
                self.cx.report(
                    Diagnostic::new(
                        Code::DuplicateKey,
                        child.name_span,
                        format!("`{key}` is given twice"),
                    )
                    .label("repeated here")
                    .note(first, "first given here"),
                );
                continue;
            }
            match (
                child.args.as_slice(),
                child.props.is_empty() && child.children.is_empty(),
            ) {
                ([value], true) => found = Some((value, child.name_span)),
                _ => self.cx.report(
                    Diagnostic::new(
                        Code::WrongType,
                        child.span,
                        format!("`{key}` takes exactly one value"),
                    )
                    .label("expected a single value")
                    .help(format!("write `{key} <value>`")),
                ),
            }
        }
        found.map(|(value, _)| value)
    }

    pub(crate) fn required(&self, keyword: &'static str, what: &str) -> Option<&'n Value> {
        let value = self.value(keyword);
        if value.is_none() {
            self.pending.borrow_mut().push((keyword, what.to_owned()));
        }
        value
    }

    pub(crate) fn missing(&self, keyword: &str, what: &str) {
        let key = self.spelled(keyword);
        self.cx.report(
            Diagnostic::new(
                Code::Missing,
                self.name_span(),
                format!("`{}` needs `{key}`", self.display_name()),
            )
            .label(format!("`{key}` missing here"))
            .help(format!("add `{key}`: {what}")),
        );
    }

    fn display_name(&self) -> String {
        match self.node.args.first().map(|a| &a.scalar) {
            Some(Scalar::String(name)) => format!("{} {name}", self.node.name),
            _ if self.node.name.is_empty() => String::from("the spec"),
            _ => self.node.name.clone(),
        }
    }

    pub(crate) fn string(&self, keyword: &'static str) -> Option<(String, Span)> {
        let value = self.value(keyword)?;
        self.as_string(value).map(|s| (s, value.span))
    }

    pub(crate) fn required_string(
        &self,
        keyword: &'static str,
        what: &str,
    ) -> Option<(String, Span)> {
        let value = self.required(keyword, what)?;
        self.as_string(value).map(|s| (s, value.span))
    }

    /// A string or a number literal, as text (versions: `prometheus "2.53"` or `2.53`).
    pub(crate) fn text(&self, keyword: &'static str) -> Option<(String, Span)> {
        let value = self.value(keyword)?;
        match &value.scalar {
            Scalar::String(s) | Scalar::Number(s) => Some((s.clone(), value.span)),
            _ => {
                self.wrong_type(value, "a string");
                None
            }
        }
    }

    pub(crate) fn bool(&self, keyword: &'static str) -> Option<bool> {
        let value = self.value(keyword)?;
        self.as_bool(value)
    }

    pub(crate) fn decimal(&self, keyword: &'static str) -> Option<(Decimal, Span)> {
        let value = self.value(keyword)?;
        self.as_decimal(value).map(|d| (d, value.span))
    }

    pub(crate) fn duration(&self, keyword: &'static str) -> Option<Duration> {
        let value = self.value(keyword)?;
        self.as_duration(value)
    }

    pub(crate) fn positive_duration(&self, keyword: &'static str) -> Option<Duration> {
        let value = self.value(keyword)?;
        let duration = self.as_duration(value)?;
        if duration.as_millis() == 0 {
            self.cx.report(
                Diagnostic::new(
                    Code::Duration,
                    value.span,
                    "this duration must be longer than zero",
                )
                .label("zero"),
            );
            return None;
        }
        Some(duration)
    }

    pub(crate) fn count(&self, keyword: &'static str) -> Option<u64> {
        let (value, span) = self.decimal(keyword)?;
        match u64::try_from(value) {
            Ok(n) if value.fract().is_zero() => Some(n),
            _ => {
                self.cx.report(
                    Diagnostic::new(
                        Code::InvalidValue,
                        span,
                        "expected a whole number of 0 or more",
                    )
                    .label("not a count"),
                );
                None
            }
        }
    }

    // ---- children -------------------------------------------------------------------

    /// Every child node named `keyword`.
    pub(crate) fn children(&self, keyword: &'static str) -> Vec<&'n Node> {
        self.asked.borrow_mut().push(keyword);
        let key = self.spelled(keyword);
        let mut out = Vec::new();
        for (i, child) in self.node.children.iter().enumerate() {
            if child.name == key {
                self.children_read[i].set(true);
                out.push(child);
            }
        }
        out
    }

    /// At most one child node named `keyword`.
    pub(crate) fn child(&self, keyword: &'static str) -> Option<&'n Node> {
        let all = self.children(keyword);
        for extra in all.iter().skip(1) {
            self.cx.report(
                Diagnostic::new(
                    Code::DuplicateKey,
                    extra.name_span,
                    format!("`{}` is given twice", extra.name),
                )
                .label("repeated here")
                .note(all[0].name_span, "first given here"),
            );
        }
        all.first().copied()
    }

    /// A list of values: `group-by a b c` (KDL) or `group_by: [a, b, c]` (YAML); a single
    /// property value counts as a one-element list.
    pub(crate) fn list(&self, keyword: &'static str) -> Option<Vec<&'n Value>> {
        self.asked.borrow_mut().push(keyword);
        let key = self.spelled(keyword);
        for (i, prop) in self.node.props.iter().enumerate() {
            if prop.key == key {
                self.props_read[i].set(true);
                return Some(vec![&prop.value]);
            }
        }
        let child = self.child(keyword)?;
        let nested = Reader::new(child, self.cx);
        let values = nested.rest_args().iter().collect();
        nested.finish();
        Some(values)
    }

    pub(crate) fn string_list(&self, keyword: &'static str) -> Option<Vec<(String, Span)>> {
        let values = self.list(keyword)?;
        Some(
            values
                .into_iter()
                .filter_map(|v| self.as_string(v).map(|s| (s, v.span)))
                .collect(),
        )
    }

    /// A map of free-form keys: `selector job=erlmcp` (KDL) or `selector: {job: erlmcp}`.
    /// Values are strings (numbers and booleans are taken as written).
    pub(crate) fn map(&self, keyword: &'static str) -> Option<Vec<(String, Span, String, Span)>> {
        let child = self.child(keyword)?;
        Some(free_map(child, self.cx))
    }
}
