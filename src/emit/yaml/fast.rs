//! A YAML writer for the shapes of vigil's own files (structs, maps with identifier keys,
//! lists, strings, numbers), writing what serde-saphyr writes with its default options,
//! byte for byte, in a fraction of the time. Whatever it is not sure of ends in
//! [`Unsupported`], and the document is written by serde-saphyr instead.

use std::fmt::Write as _;

use serde::ser::{self, Serialize};

use super::key::KeyText;
use super::scalar::{self, Scalar, Unsupported, push_indent};

impl std::fmt::Display for Unsupported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not a shape the fast YAML writer knows")
    }
}

impl std::error::Error for Unsupported {}

impl ser::Error for Unsupported {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Unsupported
    }
}

thread_local! {
    /// The text of a value written through its `Display`, reused.
    static SCRATCH: std::cell::Cell<String> = const { std::cell::Cell::new(String::new()) };
}

/// Appends `value` to `out` as a YAML document.
pub(super) fn write<T: Serialize + ?Sized>(out: &mut String, value: &T) -> Result<(), Unsupported> {
    value.serialize(Node {
        out,
        at: Place::Root,
    })
}

/// Where the node being written starts.
#[derive(Clone, Copy)]
enum Place {
    /// The document itself: a mapping at column 0.
    Root,
    /// After `key:` of a mapping whose keys are at this column.
    Value(usize),
    /// After `- ` of a list whose dashes are at this column.
    Item(usize),
}

struct Node<'o> {
    out: &'o mut String,
    at: Place,
}

impl<'o> Node<'o> {
    fn scalar(self, text: &str) {
        if let Place::Value(_) = self.at {
            self.out.push(' ');
        }
        self.out.push_str(text);
        self.out.push('\n');
    }

    fn mapping(self) -> Mapping<'o> {
        let column = match self.at {
            Place::Root => 0,
            Place::Value(column) | Place::Item(column) => column + 2,
        };
        Mapping {
            out: self.out,
            column,
            at: self.at,
            entries: 0,
        }
    }

    fn list(self) -> Result<List<'o>, Unsupported> {
        let column = match self.at {
            // Lists under a key are not indented further (serde-saphyr's compact lists).
            Place::Value(column) => column,
            Place::Root | Place::Item(_) => return Err(Unsupported),
        };
        Ok(List {
            out: self.out,
            column,
            items: 0,
        })
    }
}

struct Mapping<'o> {
    out: &'o mut String,
    /// The column of every key.
    column: usize,
    /// Where the mapping itself starts: its first key goes on the next line after a key,
    /// on the dash's line in a list.
    at: Place,
    entries: usize,
}

impl Mapping<'_> {
    fn key(&mut self, key: &str) -> Result<(), Unsupported> {
        let key = scalar::key(key)?;
        match (self.entries, self.at) {
            (0, Place::Item(_)) => {}
            (0, Place::Value(_)) => {
                self.out.push('\n');
                push_indent(self.out, self.column);
            }
            _ => push_indent(self.out, self.column),
        }
        self.out.push_str(key);
        self.out.push(':');
        self.entries += 1;
        Ok(())
    }

    fn value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unsupported> {
        value.serialize(Node {
            out: self.out,
            at: Place::Value(self.column),
        })
    }

    fn finish(self) -> Result<(), Unsupported> {
        match (self.entries, self.at) {
            (0, Place::Value(_)) => self.out.push_str(" {}\n"),
            (0, _) => return Err(Unsupported),
            _ => {}
        }
        Ok(())
    }
}

struct List<'o> {
    out: &'o mut String,
    column: usize,
    items: usize,
}

impl ser::SerializeSeq for List<'_> {
    type Ok = ();
    type Error = Unsupported;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unsupported> {
        if self.items == 0 {
            self.out.push('\n');
        }
        push_indent(self.out, self.column);
        self.out.push_str("- ");
        self.items += 1;
        value.serialize(Node {
            out: self.out,
            at: Place::Item(self.column),
        })
    }

    fn end(self) -> Result<(), Unsupported> {
        if self.items == 0 {
            self.out.push_str(" []\n");
        }
        Ok(())
    }
}

impl ser::SerializeMap for Mapping<'_> {
    type Ok = ();
    type Error = Unsupported;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Unsupported> {
        key.serialize(KeyText(|text: &str| self.key(text)))
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unsupported> {
        self.value(value)
    }

    fn end(self) -> Result<(), Unsupported> {
        self.finish()
    }
}

impl ser::SerializeStruct for Mapping<'_> {
    type Ok = ();
    type Error = Unsupported;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), Unsupported> {
        self.key(name)?;
        self.value(value)
    }

    fn end(self) -> Result<(), Unsupported> {
        self.finish()
    }
}

/// Renders a string scalar in its place.
fn string(node: Node<'_>, text: &str) -> Result<(), Unsupported> {
    match scalar::value(text)? {
        Scalar::Plain(plain) => node.scalar(plain),
        Scalar::Delegated(line) => node.scalar(&line),
        Scalar::Quoted(quoted) => {
            let mut line = String::with_capacity(quoted.len() + 2);
            scalar::write_quoted(&mut line, quoted);
            node.scalar(&line);
        }
        Scalar::Folded(folded) => {
            // The body sits one step past the key; after a dash it would depend on
            // serde-saphyr's list layout, which the whole-document path handles.
            let Place::Value(column) = node.at else {
                return Err(Unsupported);
            };
            node.out.push_str(" >-\n");
            scalar::write_folded(node.out, folded, column + 2);
        }
    }
    Ok(())
}

impl<'o> ser::Serializer for Node<'o> {
    type Ok = ();
    type Error = Unsupported;
    type SerializeSeq = List<'o>;
    type SerializeTuple = ser::Impossible<(), Unsupported>;
    type SerializeTupleStruct = ser::Impossible<(), Unsupported>;
    type SerializeTupleVariant = ser::Impossible<(), Unsupported>;
    type SerializeMap = Mapping<'o>;
    type SerializeStruct = Mapping<'o>;
    type SerializeStructVariant = ser::Impossible<(), Unsupported>;

    fn serialize_bool(self, v: bool) -> Result<(), Unsupported> {
        self.scalar(if v { "true" } else { "false" });
        Ok(())
    }

    fn serialize_i64(self, v: i64) -> Result<(), Unsupported> {
        let mut text = String::new();
        let _ = write!(text, "{v}");
        self.scalar(&text);
        Ok(())
    }

    fn serialize_u64(self, v: u64) -> Result<(), Unsupported> {
        let mut text = String::new();
        let _ = write!(text, "{v}");
        self.scalar(&text);
        Ok(())
    }

    fn serialize_i32(self, v: i32) -> Result<(), Unsupported> {
        self.serialize_i64(i64::from(v))
    }

    fn serialize_u32(self, v: u32) -> Result<(), Unsupported> {
        self.serialize_u64(u64::from(v))
    }

    fn serialize_f64(self, v: f64) -> Result<(), Unsupported> {
        // Shortest round-trip digits in serde-saphyr's spelling (`1.0e+20`, `.nan`).
        let text = serde_saphyr::to_string(&v).map_err(|_| Unsupported)?;
        self.scalar(text.trim_end_matches('\n'));
        Ok(())
    }

    fn serialize_str(self, v: &str) -> Result<(), Unsupported> {
        string(self, v)
    }

    fn collect_str<T: std::fmt::Display + ?Sized>(self, value: &T) -> Result<(), Unsupported> {
        // Durations are written this way in every rule and test: one buffer for all of them
        // instead of a new string each.
        SCRATCH.with(|scratch| {
            let mut text = scratch.take();
            text.clear();
            let _ = write!(text, "{value}");
            let written = string(self, &text);
            scratch.set(text);
            written
        })
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Unsupported> {
        value.serialize(self)
    }

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Unsupported> {
        string(self, variant)
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<List<'o>, Unsupported> {
        self.list()
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Mapping<'o>, Unsupported> {
        Ok(self.mapping())
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Mapping<'o>, Unsupported> {
        Ok(self.mapping())
    }

    unsupported! {
        serialize_i8(i8) -> ();
        serialize_i16(i16) -> ();
        serialize_u8(u8) -> ();
        serialize_u16(u16) -> ();
        serialize_f32(f32) -> ();
        serialize_char(char) -> ();
        serialize_bytes(&[u8]) -> ();
        serialize_none() -> ();
        serialize_unit() -> ();
        serialize_unit_struct(&'static str) -> ();
        serialize_tuple(usize) -> Self::SerializeTuple;
        serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct;
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant;
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant;
    }

    // serde-saphyr marks its styles (flow lists, literal blocks) with newtype structs.
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: &T,
    ) -> Result<(), Unsupported> {
        Err(Unsupported)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Unsupported> {
        Err(Unsupported)
    }
}
