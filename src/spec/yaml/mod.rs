//! YAML → raw tree, through saphyr's event parser so every key and value keeps its span.
//!
//! Mapping rules (the YAML form mirrors KDL with `snake_case` keys):
//! - a scalar `key: value` becomes a property `key=value`;
//! - a list of scalars `key: [a, b]` becomes a child node `key a b`;
//! - a mapping `key: {…}` becomes a child node `key {…}`;
//! - a plural collection key (`slos`, `routes`, `steps`, …) holds either a mapping of
//!   name → body (`slos: {availability: {…}}` ≡ `slo availability {…}`) or a list of bodies
//!   (`routes: [{…}]` ≡ `route …` repeated); a list of mappings under any other key
//!   repeats that node.
//!
//! Anchors, aliases, tags and multi-document streams are refused: they add nothing a spec
//! needs and aliases allow exponential expansion ("billion laughs").

use saphyr_parser::{Event, Parser, ScalarStyle};

use super::tree::{Dialect, Document, Node, Scalar, Value};
use crate::codes::Code;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::source::{FileId, Span};

mod shape;

use shape::fill_body;
pub use shape::plural;

const MAX_DEPTH: usize = 64;

/// A YAML value with its spans, before it is shaped into nodes.
enum Yaml {
    Scalar(Value),
    Sequence(Vec<Yaml>, Span),
    Mapping(Vec<(Value, Yaml)>, Span),
}

impl Yaml {
    fn span(&self) -> Span {
        match self {
            Yaml::Scalar(v) => v.span,
            Yaml::Sequence(_, s) | Yaml::Mapping(_, s) => *s,
        }
    }
}

pub(crate) fn parse(
    file: FileId,
    text: &std::sync::Arc<str>,
    diagnostics: &mut Diagnostics,
) -> Option<Document> {
    let mut reader = Reader {
        file,
        text,
        events: Parser::new_from_str(text),
        cursor: (0, 0),
    };
    let tree = match reader.stream() {
        Ok(tree) => tree,
        Err(diagnostic) => {
            diagnostics.push(*diagnostic);
            return None;
        }
    };
    let whole = Span::new(file, 0, text.len());
    let mut root = Node::new("", Span::new(file, 0, 0), whole, Dialect::Yaml);
    match tree {
        None => {}
        Some(Yaml::Mapping(entries, _)) => fill_body(&mut root, entries, diagnostics),
        Some(other) => diagnostics.push(
            Diagnostic::new(
                Code::WrongType,
                other.span(),
                "a YAML spec must be a mapping",
            )
            .label("expected `key: value` entries")
            .help("start the file with `vigil: 1` and top-level keys such as `slos:`"),
        ),
    }
    Some(Document {
        file,
        root,
        text: text.clone(),
    })
}

struct Reader<'a> {
    file: FileId,
    text: &'a str,
    events: Parser<'a, saphyr_parser::StrInput<'a>>,
    /// (char index, byte index) of the last conversion; events arrive mostly in order.
    cursor: (usize, usize),
}

type Next<'a> = (Event<'a>, Span);

impl<'a> Reader<'a> {
    fn byte_offset(&mut self, char_index: usize) -> usize {
        if char_index < self.cursor.0 {
            self.cursor = (0, 0);
        }
        let (mut chars, mut bytes) = self.cursor;
        let rest = &self.text[bytes..];
        for c in rest.chars() {
            if chars == char_index {
                break;
            }
            chars += 1;
            bytes += c.len_utf8();
        }
        self.cursor = (chars, bytes);
        bytes
    }

    fn next(&mut self) -> Result<Next<'a>, Box<Diagnostic>> {
        match self.events.next() {
            Some(Ok((event, span))) => {
                let start = self.byte_offset(span.start.index());
                let end = self.byte_offset(span.end.index());
                Ok((event, Span::new(self.file, start, end)))
            }
            Some(Err(error)) => {
                let start = self.byte_offset(error.marker().index());
                let end = (start + 1).min(self.text.len());
                fail(
                    Diagnostic::new(
                        Code::Syntax,
                        Span::new(self.file, start, end),
                        format!("invalid YAML: {}", error.info()),
                    )
                    .help("fix the YAML syntax at the marked position"),
                )
            }
            None => fail(Diagnostic::new(
                Code::Syntax,
                Span::new(self.file, self.text.len(), self.text.len()),
                "unexpected end of YAML",
            )),
        }
    }

    fn stream(&mut self) -> Result<Option<Yaml>, Box<Diagnostic>> {
        let mut document = None;
        loop {
            let (event, span) = self.next()?;
            match event {
                Event::StreamStart | Event::DocumentEnd | Event::Nothing => {}
                Event::StreamEnd => return Ok(document),
                Event::DocumentStart(_) => {
                    if document.is_some() {
                        return fail(
                            unsupported(span, "several YAML documents in one file")
                                .help("put each spec in its own file; a folder of files is merged"),
                        );
                    }
                    let (event, span) = self.next()?;
                    document = Some(self.value(event, span, 0)?);
                }
                other => {
                    let value = self.value(other, span, 0)?;
                    document = Some(value);
                }
            }
        }
    }

    fn value(
        &mut self,
        event: Event<'a>,
        span: Span,
        depth: usize,
    ) -> Result<Yaml, Box<Diagnostic>> {
        if depth > MAX_DEPTH {
            return fail(unsupported(span, "YAML nested more than 64 levels deep"));
        }
        match event {
            Event::Alias(_) => fail(unsupported(span, "YAML aliases")),
            Event::Scalar(text, style, anchor, tag) => {
                refuse_anchor_or_tag(span, anchor, tag.is_some())?;
                Ok(Yaml::Scalar(Value {
                    scalar: resolve(&text, style),
                    span,
                }))
            }
            Event::SequenceStart(anchor, tag) => {
                refuse_anchor_or_tag(span, anchor, tag.is_some())?;
                let mut items = Vec::new();
                loop {
                    let (event, item_span) = self.next()?;
                    if let Event::SequenceEnd = event {
                        return Ok(Yaml::Sequence(
                            items,
                            Span::new(self.file, span.start, item_span.end),
                        ));
                    }
                    items.push(self.value(event, item_span, depth + 1)?);
                }
            }
            Event::MappingStart(anchor, tag) => {
                refuse_anchor_or_tag(span, anchor, tag.is_some())?;
                let mut entries: Vec<(Value, Yaml)> = Vec::new();
                // Key → index in `entries`, so that a 32 MiB mapping is read in linear time.
                let mut seen: std::collections::HashMap<Scalar, usize> =
                    std::collections::HashMap::new();
                loop {
                    let (event, key_span) = self.next()?;
                    if let Event::MappingEnd = event {
                        return Ok(Yaml::Mapping(
                            entries,
                            Span::new(self.file, span.start, key_span.end),
                        ));
                    }
                    let Yaml::Scalar(key) = self.value(event, key_span, depth + 1)? else {
                        return fail(Diagnostic::new(
                            Code::WrongType,
                            key_span,
                            "YAML keys must be plain strings",
                        ));
                    };
                    let (event, value_span) = self.next()?;
                    let value = self.value(event, value_span, depth + 1)?;
                    if let Some((first, _)) = seen.get(&key.scalar).map(|&i| &entries[i]) {
                        return fail(
                            Diagnostic::new(
                                Code::DuplicateKey,
                                key.span,
                                "duplicate key in a YAML mapping",
                            )
                            .label("repeated here")
                            .note(first.span, "first given here"),
                        );
                    }
                    seen.insert(key.scalar.clone(), entries.len());
                    entries.push((key, value));
                }
            }
            _ => fail(Diagnostic::new(
                Code::Syntax,
                span,
                "unexpected YAML structure",
            )),
        }
    }
}

/// Errors stop the YAML reader; boxed because a diagnostic is large.
fn fail<T>(diagnostic: Diagnostic) -> Result<T, Box<Diagnostic>> {
    Err(Box::new(diagnostic))
}

fn unsupported(span: Span, what: &str) -> Diagnostic {
    Diagnostic::new(
        Code::Unsupported,
        span,
        format!("{what} are not supported in vigil specs"),
    )
}

fn refuse_anchor_or_tag(span: Span, anchor: usize, tagged: bool) -> Result<(), Box<Diagnostic>> {
    if anchor != 0 {
        return fail(unsupported(span, "YAML anchors"));
    }
    if tagged {
        return fail(unsupported(span, "YAML tags"));
    }
    Ok(())
}

/// YAML 1.2 core schema for plain scalars; quoted scalars are always strings.
fn resolve(text: &str, style: ScalarStyle) -> Scalar {
    if style != ScalarStyle::Plain {
        return Scalar::String(text.to_owned());
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => Scalar::Null,
        "true" | "True" | "TRUE" => Scalar::Bool(true),
        "false" | "False" | "FALSE" => Scalar::Bool(false),
        _ if is_number(text) => Scalar::Number(text.replace('_', "")),
        _ => Scalar::String(text.to_owned()),
    }
}

fn is_number(text: &str) -> bool {
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    if matches!(body, ".inf" | ".Inf" | ".INF" | ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit() || c == '_');
    let mantissa_ok = match mantissa.split_once('.') {
        Some((int, frac)) => {
            (digits(int) || int.is_empty())
                && (digits(frac) || frac.is_empty())
                && !(int.is_empty() && frac.is_empty())
        }
        None => digits(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e)));
    mantissa_ok && exponent_ok
}
