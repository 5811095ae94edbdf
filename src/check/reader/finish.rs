//! The end of reading a node: what no accessor asked for is reported as unknown, and a
//! required property found missing is reported once, as a positional value written
//! without its key when there is one.

use super::Reader;
use crate::codes::Code;
use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::spec::{Scalar, Value};

impl Reader<'_, '_> {
    /// Reports every argument, property and child that no accessor asked for.
    pub(crate) fn finish(self) {
        let asked = self.asked.borrow();
        let spelled: Vec<String> = asked.iter().map(|k| self.spelled(k)).collect();
        let candidates = || spelled.iter().map(String::as_str);
        let mut unread = self.node.args.iter().skip(self.args_read.get()).peekable();
        let pending = std::mem::take(&mut *self.pending.borrow_mut());
        let mut pending = pending.into_iter();
        if let (Some(value), Some((keyword, _))) = (unread.peek(), pending.clone().next()) {
            self.positional_for(value, keyword);
            unread.next();
            pending.next();
        }
        for (keyword, what) in pending {
            self.missing(keyword, &what);
        }
        for value in unread {
            self.cx.report(
                Diagnostic::new(
                    Code::UnknownProperty,
                    value.span,
                    format!("unexpected argument to `{}`", self.node.name),
                )
                .label("not expected here")
                .help("remove it, or give it as a `key=value` property"),
            );
        }
        for (prop, read) in self.node.props.iter().zip(&self.props_read) {
            if !read.get() {
                self.cx.report(
                    Diagnostic::new(
                        Code::UnknownProperty,
                        prop.key_span,
                        format!(
                            "unknown property `{}` on `{}`",
                            prop.key,
                            self.display_name()
                        ),
                    )
                    .label("not a property of this node")
                    .help(did_you_mean(&prop.key, candidates(), "property")),
                );
            }
        }
        for (child, read) in self.node.children.iter().zip(&self.children_read) {
            if !read.get() {
                let place = if self.node.name.is_empty() {
                    String::from("the top level")
                } else {
                    format!("`{}`", self.display_name())
                };
                self.cx.report(
                    Diagnostic::new(
                        Code::UnknownNode,
                        child.name_span,
                        format!("unknown node `{}` in {place}", child.name),
                    )
                    .label("not known here")
                    .help(did_you_mean(&child.name, candidates(), "node")),
                );
            }
        }
    }

    /// One diagnostic for a required property written as a positional value
    /// (`budget-consumed 70` for `budget-consumed percent=70`).
    fn positional_for(&self, value: &Value, keyword: &str) {
        let key = self.spelled(keyword);
        let written = match &value.scalar {
            Scalar::String(text) => format!("{text:?}"),
            Scalar::Number(text) => text.clone(),
            other => other.type_name().to_owned(),
        };
        let fixed = match self.node.dialect {
            crate::spec::Dialect::Kdl => format!("{key}={written}"),
            crate::spec::Dialect::Yaml => format!("{key}: {written}"),
        };
        self.cx.report(
            Diagnostic::new(
                Code::Missing,
                value.span,
                format!("`{}` takes `{key}` by name", self.display_name()),
            )
            .label(format!("write `{fixed}`"))
            .help(format!("name the value: `{} {fixed}`", self.node.name)),
        );
    }
}

/// A reader dropped without `finish` (a builder that gave up early) still reports the
/// required properties it found missing.
impl Drop for Reader<'_, '_> {
    fn drop(&mut self) {
        for (keyword, what) in std::mem::take(self.pending.get_mut()) {
            self.missing(keyword, &what);
        }
    }
}
