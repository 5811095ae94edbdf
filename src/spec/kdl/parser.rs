//! Nodes, entries, children blocks and slashdash comments, straight into `tree::Node`s.
//!
//! The grammar is KDL 2 as kdl-rs 6 accepts it (the differential test holds the two
//! together), written so that every choice is decided by a bounded lookahead: the only
//! re-reads are of whitespace and of slashdashed entries, each at most twice.

use super::MAX_DEPTH;
use super::cursor::Cursor;
use super::error::{Fail, Kind, Result, found};
use crate::source::Span;
use crate::spec::tree::{Dialect, Node, Property, Scalar, Value};

enum Entry {
    Argument(Value),
    Property(Property),
}

impl Cursor<'_> {
    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end)
    }

    /// A whole document: an optional byte order mark, nodes, then the end of the text.
    pub(super) fn document(&mut self) -> Result<Vec<Node>> {
        self.eat("\u{feff}");
        let nodes = self.nodes()?;
        if self.stopped() {
            return Ok(nodes);
        }
        if self.at("}") {
            return Err(self
                .fail_here("this `}` closes no block", "no `{` before it is still open")
                .help("remove it, or add the `{` it was meant to close")
                .boxed());
        }
        if !self.at_end() {
            return Err(self.unexpected());
        }
        Ok(nodes)
    }

    /// `nodes`: the nodes of a document or block, up to `}` or the end of the text.
    pub(super) fn nodes(&mut self) -> Result<Vec<Node>> {
        let mut nodes = Vec::new();
        loop {
            self.skip_blank_and_slashdashed()?;
            if self.at_end() || self.at("}") || self.stopped() {
                break;
            }
            nodes.push(self.node()?);
            if !self.eat_node_terminator() {
                self.skip_blank_and_slashdashed()?;
                break;
            }
        }
        Ok(nodes)
    }

    /// What may stand between nodes: whitespace, newlines, comments, `/-` nodes.
    fn skip_blank_and_slashdashed(&mut self) -> Result<()> {
        loop {
            if self.eat_line_space()? {
                continue;
            }
            if !self.at("/-") {
                return Ok(());
            }
            let start = self.pos;
            self.slashdash()?;
            if self.at_end() || self.at("}") {
                return Err(Fail::new(start, start + 2, "`/-` comments out nothing here", "no node after `/-`")
                    .help("`/-` comments out the node, argument, property or block that follows it; remove it")
                    .boxed());
            }
            self.node()?;
        }
    }

    /// `base-node`: `(type)? name entries* children?`, up to (not including) its
    /// terminator. The span runs to the end of the whitespace before the terminator.
    pub(super) fn node(&mut self) -> Result<Node> {
        let start = self.pos;
        if self.at("{") {
            return Err(self
                .fail_here("found a `{` block where a node name was expected", "block without a node")
                .help("a block belongs to the node before it on the same line: add the node name, or join the lines")
                .boxed());
        }
        if self.at("(") {
            self.type_annotation()?;
        }
        self.node_space()?;
        let name_start = self.pos;
        let Some(name) = self.string()? else {
            return Err(self
                .fail_here(
                    format!("expected a node name, found {}", found(self.peek())),
                    "not a node name",
                )
                .help("a node name is a bare identifier (`slo`) or a quoted string (`\"my node\"`)")
                .boxed());
        };
        let name_span = self.span(name_start, self.pos);
        let mut node = Node::new(name, name_span, name_span, Dialect::Kdl);
        self.entries(&mut node)?;
        self.before_children()?;
        if self.at("{") {
            node.children = self.children()?;
            self.slashdashed_children()?;
            self.node_space()?;
        }
        node.span = self.span(start, self.pos);
        Ok(node)
    }

    fn entries(&mut self, node: &mut Node) -> Result<()> {
        loop {
            let before = self.pos;
            if !self.node_space()? {
                return Ok(());
            }
            self.leading_slashdashed_entries()?;
            match self.entry()? {
                Some(Entry::Argument(value)) => node.args.push(value),
                Some(Entry::Property(property)) => node.props.push(property),
                None => {
                    self.pos = before;
                    return Ok(());
                }
            }
        }
    }

    /// `(slashdashed-entries node-space+)?` before an entry.
    fn leading_slashdashed_entries(&mut self) -> Result<()> {
        let before = self.pos;
        if self.at("/-") && !(self.slashdashed_entries()? && self.node_space()?) {
            self.pos = before;
        }
        Ok(())
    }

    /// `/-entry (node-space+ /-entry)*`, discarded. False when it does not match (the
    /// caller restores the position).
    fn slashdashed_entries(&mut self) -> Result<bool> {
        if self.slashdashes >= MAX_DEPTH {
            return Err(self
                .fail_here("too many `/-` in a row", "nesting limit reached here")
                .help("one `/-` per entry is enough")
                .boxed());
        }
        self.slashdashes += 1;
        let matched = self.slashdashed_entry()?;
        if matched {
            loop {
                let before = self.pos;
                if !(self.node_space()? && self.slashdashed_entry()?) {
                    self.pos = before;
                    break;
                }
            }
        }
        self.slashdashes -= 1;
        Ok(matched)
    }

    pub(super) fn slashdashed_entry(&mut self) -> Result<bool> {
        if !self.at("/-") {
            return Ok(false);
        }
        self.slashdash()?;
        self.node_space()?;
        self.leading_slashdashed_entries()?;
        Ok(self.entry()?.is_some())
    }

    /// An argument or `key=value` property; `None` (nothing consumed) if neither starts.
    fn entry(&mut self) -> Result<Option<Entry>> {
        let start = self.pos;
        if let Some(key) = self.string()? {
            let key_end = self.pos;
            self.node_space()?;
            if !self.eat("=") {
                self.pos = key_end;
                let span = self.span(start, key_end);
                return Ok(Some(Entry::Argument(Value {
                    scalar: Scalar::String(key),
                    span,
                })));
            }
            self.node_space()?;
            let Some(scalar) = self.value()? else {
                return Err(self
                    .fail_here(
                        format!("expected a value after `=`, found {}", found(self.peek())),
                        "missing value",
                    )
                    .help("a property is `key=value`, e.g. `service=\"api\"` or `window=\"30d\"`")
                    .boxed());
            };
            let end = self.pos;
            return Ok(Some(Entry::Property(Property {
                key,
                key_span: self.span(start, key_end),
                // As kdl-rs reports it: from just after the key's end.
                value: Value {
                    scalar,
                    span: self.span((key_end + 1).min(end), end),
                },
            })));
        }
        Ok(self.value()?.map(|scalar| {
            Entry::Argument(Value {
                scalar,
                span: self.span(start, self.pos),
            })
        }))
    }

    /// `(type)? (keyword | number | string)`; `None` (nothing consumed) if no value
    /// starts here.
    fn value(&mut self) -> Result<Option<Scalar>> {
        let start = self.pos;
        let typed = self.at("(");
        if typed {
            self.type_annotation()?;
            self.node_space()?;
        }
        if let Some(scalar) = self.keyword()? {
            return Ok(Some(scalar));
        }
        if let Some(number) = self.number()? {
            return Ok(Some(Scalar::Number(number)));
        }
        if let Some(string) = self.string()? {
            return Ok(Some(Scalar::String(string)));
        }
        if typed {
            return Err(self
                .fail_here(
                    format!(
                        "expected a value after the type annotation, found {}",
                        found(self.peek())
                    ),
                    "missing value",
                )
                .help("a type annotation such as `(u8)` must be followed by the value it annotates")
                .boxed());
        }
        self.pos = start;
        Ok(None)
    }

    /// `(name)`; vigil ignores types, so only the syntax is checked.
    fn type_annotation(&mut self) -> Result<()> {
        let open = self.pos;
        self.pos += 1;
        self.node_space()?;
        if self.string()?.is_none() {
            return Err(self
                .fail_here(
                    format!(
                        "expected a type name inside `( )`, found {}",
                        found(self.peek())
                    ),
                    "not a type name",
                )
                .help("a type annotation is a name in parentheses, e.g. `(u8)`")
                .boxed());
        }
        self.node_space()?;
        if !self.eat(")") {
            return Err(Fail::new(
                open,
                self.pos,
                format!(
                    "this type annotation is not closed: expected `)`, found {}",
                    found(self.peek())
                ),
                "type annotation",
            )
            .help("a type annotation is a name in parentheses, e.g. `(u8)`")
            .boxed());
        }
        Ok(())
    }

    /// Slashdashed entries and blocks between the last entry and the children block.
    fn before_children(&mut self) -> Result<()> {
        let before = self.pos;
        if self.node_space()? && self.at("/-") && self.slashdashed_entries()? {
            let after = self.pos;
            if !(self.node_space()? && self.slashdashed_children()?) {
                self.pos = after;
            }
        } else {
            self.pos = before;
            if !(self.node_space()? && self.slashdashed_children()?) {
                self.pos = before;
            }
        }
        self.node_space()?;
        Ok(())
    }

    /// `/-{…} (node-space+ /-{…})*`, discarded; restores the position when absent.
    fn slashdashed_children(&mut self) -> Result<bool> {
        let before = self.pos;
        self.node_space()?;
        if !self.slashdashed_block()? {
            self.pos = before;
            return Ok(false);
        }
        loop {
            let next = self.pos;
            if !(self.node_space()? && self.slashdashed_block()?) {
                self.pos = next;
                return Ok(true);
            }
        }
    }

    pub(super) fn slashdashed_block(&mut self) -> Result<bool> {
        let before = self.pos;
        if !self.at("/-") {
            return Ok(false);
        }
        self.slashdash()?;
        if !self.at("{") {
            self.pos = before;
            return Ok(false);
        }
        self.children()?;
        Ok(true)
    }

    /// `{ nodes }`, at most [`MAX_DEPTH`] deep.
    fn children(&mut self) -> Result<Vec<Node>> {
        let open = self.pos;
        if self.depth >= MAX_DEPTH {
            let mut fail = Fail::new(
                open,
                open + 1,
                "blocks nested more than 64 levels deep are not supported",
                "nesting limit reached here",
            )
            .help("flatten the spec; vigil's language never needs more than a few levels");
            fail.kind = Kind::TooDeep;
            return Err(fail.boxed());
        }
        self.pos += 1;
        self.depth += 1;
        let nodes = self.nodes()?;
        if self.at_end() {
            return Err(Fail::new(
                open,
                open + 1,
                "this block is never closed",
                "`{` without a matching `}`",
            )
            .help("add the missing `}` where the block should end")
            .boxed());
        }
        if !self.eat("}") {
            return Err(self.unexpected());
        }
        self.depth -= 1;
        Ok(nodes)
    }

    /// Something after a node that cannot continue it.
    fn unexpected(&self) -> Box<Fail> {
        self.fail_here(
            format!(
                "expected an argument, a property, a `{{` block, a new line or `;`, found {}",
                found(self.peek())
            ),
            "unexpected here",
        )
        .boxed()
    }
}
