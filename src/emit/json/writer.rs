//! The serializer behind [`super::pretty`].

use std::fmt::Display;

use serde::Serialize;
use serde::ser;

use super::key::Key;

/// A line break followed by the deepest indent written in one piece; deeper lines take
/// more pieces.
const BREAK: &str = "\n                                                                                                                                ";

/// A shape this writer leaves to `serde_json`.
#[derive(Debug)]
pub(super) struct Unsupported;

impl Display for Unsupported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not a shape the JSON writer knows")
    }
}

impl std::error::Error for Unsupported {}

impl ser::Error for Unsupported {
    fn custom<T: Display>(_: T) -> Self {
        Unsupported
    }
}

/// Appends `value` to `out` as pretty JSON (no final newline).
pub(super) fn write<T: Serialize + ?Sized>(out: &mut String, value: &T) -> Result<(), Unsupported> {
    value.serialize(Writer { out, depth: 0 })
}

/// Writes one value whose containers' members go at `depth + 1`.
struct Writer<'o> {
    out: &'o mut String,
    depth: usize,
}

fn line_break(out: &mut String, depth: usize) {
    let mut width = depth * 2;
    let first = width.min(BREAK.len() - 1);
    out.push_str(&BREAK[..=first]);
    width -= first;
    while width > 0 {
        let piece = width.min(BREAK.len() - 1);
        out.push_str(&BREAK[1..=piece]);
        width -= piece;
    }
}

/// `text` as a JSON string, escaped as `serde_json` escapes it: `"`, `\` and control
/// characters, nothing else.
pub(super) fn push_string(out: &mut String, text: &str) {
    out.reserve(text.len() + 2);
    out.push('"');
    let escape = |b: u8| u8::from(b < 0x20) | u8::from(b == b'"') | u8::from(b == b'\\');
    // Short strings are checked byte by byte; from a few vectors long, without an early
    // exit, so that the check is vectorised.
    let needs_escape = if text.len() < 32 {
        text.bytes().any(|b| escape(b) != 0)
    } else {
        text.bytes().fold(0, |found, b| found | escape(b)) != 0
    };
    if needs_escape {
        push_escaped(out, text);
    } else {
        out.push_str(text);
    }
    out.push('"');
}

fn push_escaped(out: &mut String, text: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut start = 0;
    for (index, byte) in text.bytes().enumerate() {
        let escape = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0x00..=0x1f => "",
            _ => continue,
        };
        // Every byte escaped is ASCII, so `index` is a character boundary.
        out.push_str(&text[start..index]);
        if escape.is_empty() {
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0xf)]));
        } else {
            out.push_str(escape);
        }
        start = index + 1;
    }
    out.push_str(&text[start..]);
}

/// A number as `serde_json` writes it (floats: shortest round trip, non-finite `null`).
fn push_number<T: Serialize>(out: &mut String, number: T) -> Result<(), Unsupported> {
    out.push_str(&serde_json::to_string(&number).map_err(|_| Unsupported)?);
    Ok(())
}

/// An array or object being written: its members are at `depth`.
struct Compound<'o> {
    out: &'o mut String,
    depth: usize,
    members: usize,
    /// What closes it: `]` or `}`, then `}` for an enum variant's wrapping object.
    close: &'static str,
}

impl<'o> Compound<'o> {
    fn open(out: &'o mut String, depth: usize, open: &str, close: &'static str) -> Self {
        out.push_str(open);
        Self {
            out,
            depth: depth + 1,
            members: 0,
            close,
        }
    }

    fn next_member(&mut self) {
        if self.members > 0 {
            self.out.push(',');
        }
        self.members += 1;
        line_break(self.out, self.depth);
    }

    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unsupported> {
        self.next_member();
        self.value(value)
    }

    /// A field name of one of vigil's own types, written as it is (see the module notes).
    fn field<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), Unsupported> {
        self.next_member();
        self.out.push('"');
        self.out.push_str(name);
        self.out.push_str("\": ");
        self.value(value)
    }

    fn value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unsupported> {
        value.serialize(Writer {
            out: self.out,
            depth: self.depth,
        })
    }

    fn close(self) {
        let (bracket, wrapper) = self.close.split_at(1);
        if self.members > 0 {
            line_break(self.out, self.depth - 1);
        }
        self.out.push_str(bracket);
        if !wrapper.is_empty() {
            line_break(self.out, self.depth - 2);
            self.out.push_str(wrapper);
        }
    }
}

impl<'o> Writer<'o> {
    /// `{ "variant": ` before a variant's content, which then closes both.
    fn variant(self, variant: &str) -> (&'o mut String, usize) {
        self.out.push('{');
        line_break(self.out, self.depth + 1);
        push_string(self.out, variant);
        self.out.push_str(": ");
        (self.out, self.depth + 1)
    }
}

impl<'o> ser::Serializer for Writer<'o> {
    type Ok = ();
    type Error = Unsupported;
    type SerializeSeq = Compound<'o>;
    type SerializeTuple = Compound<'o>;
    type SerializeTupleStruct = Compound<'o>;
    type SerializeTupleVariant = Compound<'o>;
    type SerializeMap = Compound<'o>;
    type SerializeStruct = Compound<'o>;
    type SerializeStructVariant = Compound<'o>;

    fn serialize_bool(self, v: bool) -> Result<(), Unsupported> {
        self.out.push_str(if v { "true" } else { "false" });
        Ok(())
    }

    fn serialize_i8(self, v: i8) -> Result<(), Unsupported> {
        self.serialize_i64(i64::from(v))
    }

    fn serialize_i16(self, v: i16) -> Result<(), Unsupported> {
        self.serialize_i64(i64::from(v))
    }

    fn serialize_i32(self, v: i32) -> Result<(), Unsupported> {
        self.serialize_i64(i64::from(v))
    }

    fn serialize_i64(self, v: i64) -> Result<(), Unsupported> {
        self.out.push_str(itoa::Buffer::new().format(v));
        Ok(())
    }

    fn serialize_u8(self, v: u8) -> Result<(), Unsupported> {
        self.serialize_u64(u64::from(v))
    }

    fn serialize_u16(self, v: u16) -> Result<(), Unsupported> {
        self.serialize_u64(u64::from(v))
    }

    fn serialize_u32(self, v: u32) -> Result<(), Unsupported> {
        self.serialize_u64(u64::from(v))
    }

    fn serialize_u64(self, v: u64) -> Result<(), Unsupported> {
        self.out.push_str(itoa::Buffer::new().format(v));
        Ok(())
    }

    fn serialize_i128(self, v: i128) -> Result<(), Unsupported> {
        push_number(self.out, v)
    }

    fn serialize_u128(self, v: u128) -> Result<(), Unsupported> {
        push_number(self.out, v)
    }

    fn serialize_f32(self, v: f32) -> Result<(), Unsupported> {
        push_number(self.out, v)
    }

    fn serialize_f64(self, v: f64) -> Result<(), Unsupported> {
        push_number(self.out, v)
    }

    fn serialize_char(self, v: char) -> Result<(), Unsupported> {
        push_string(self.out, v.encode_utf8(&mut [0; 4]));
        Ok(())
    }

    fn serialize_str(self, v: &str) -> Result<(), Unsupported> {
        push_string(self.out, v);
        Ok(())
    }

    fn serialize_bytes(self, _: &[u8]) -> Result<(), Unsupported> {
        Err(Unsupported)
    }

    fn serialize_none(self) -> Result<(), Unsupported> {
        self.serialize_unit()
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Unsupported> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), Unsupported> {
        self.out.push_str("null");
        Ok(())
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Unsupported> {
        self.serialize_unit()
    }

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Unsupported> {
        self.serialize_str(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Unsupported> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Unsupported> {
        let depth = self.depth;
        let (out, inner) = self.variant(variant);
        value.serialize(Writer { out, depth: inner })?;
        line_break(out, depth);
        out.push('}');
        Ok(())
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Compound<'o>, Unsupported> {
        Ok(Compound::open(self.out, self.depth, "[", "]"))
    }

    fn serialize_tuple(self, len: usize) -> Result<Compound<'o>, Unsupported> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        len: usize,
    ) -> Result<Compound<'o>, Unsupported> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Compound<'o>, Unsupported> {
        let (out, depth) = self.variant(variant);
        Ok(Compound::open(out, depth, "[", "]}"))
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Compound<'o>, Unsupported> {
        Ok(Compound::open(self.out, self.depth, "{", "}"))
    }

    fn serialize_struct(self, _: &'static str, len: usize) -> Result<Compound<'o>, Unsupported> {
        self.serialize_map(Some(len))
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Compound<'o>, Unsupported> {
        let (out, depth) = self.variant(variant);
        Ok(Compound::open(out, depth, "{", "}}"))
    }
}

/// The element and field methods of every kind of compound, each written as one.
macro_rules! compound {
    ($($kind:ident: $method:ident;)*) => {$(
        impl ser::$kind for Compound<'_> {
            type Ok = ();
            type Error = Unsupported;

            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unsupported> {
                self.element(value)
            }

            fn end(self) -> Result<(), Unsupported> {
                self.close();
                Ok(())
            }
        }
    )*};
}

compound! {
    SerializeSeq: serialize_element;
    SerializeTuple: serialize_element;
    SerializeTupleStruct: serialize_field;
    SerializeTupleVariant: serialize_field;
}

macro_rules! fields {
    ($($kind:ident;)*) => {$(
        impl ser::$kind for Compound<'_> {
            type Ok = ();
            type Error = Unsupported;

            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                name: &'static str,
                value: &T,
            ) -> Result<(), Unsupported> {
                self.field(name, value)
            }

            fn end(self) -> Result<(), Unsupported> {
                self.close();
                Ok(())
            }
        }
    )*};
}

fields! {
    SerializeStruct;
    SerializeStructVariant;
}

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = Unsupported;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Unsupported> {
        self.next_member();
        key.serialize(Key::new(self.out))?;
        self.out.push_str(": ");
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unsupported> {
        self.value(value)
    }

    fn end(self) -> Result<(), Unsupported> {
        self.close();
        Ok(())
    }
}
