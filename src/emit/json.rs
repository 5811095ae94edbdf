//! Pretty-printed JSON, byte for byte as `serde_json::to_string_pretty` writes it (two-space
//! indents, `": "` after keys, `[]` and `{}` for empty containers), but with each line break
//! and its indent written at once: `serde_json`'s pretty printer writes an indent one level
//! at a time, and dashboards nest ten levels deep over a hundred megabytes at scale.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::{Formatter, Serializer};

/// A line break followed by the deepest indent written in one piece; deeper lines take
/// more pieces.
const BREAK: &[u8; 129] = b"\n                                                                                                                                ";

/// `value` as pretty JSON, ending in a newline.
pub(crate) fn pretty<T: Serialize + ?Sized>(value: &T) -> String {
    let mut bytes = Vec::with_capacity(4096);
    let mut serializer = Serializer::with_formatter(&mut bytes, Pretty::default());
    // Typed structs of strings, numbers, lists and maps with string keys cannot fail to
    // serialise, and the writer is memory.
    value
        .serialize(&mut serializer)
        .expect("typed values serialise to JSON");
    bytes.push(b'\n');
    String::from_utf8(bytes).expect("serde_json writes UTF-8")
}

#[derive(Default)]
struct Pretty {
    depth: usize,
    has_value: bool,
}

impl Pretty {
    fn line_break<W: ?Sized + Write>(&self, writer: &mut W) -> io::Result<()> {
        let mut width = self.depth * 2;
        let first = width.min(BREAK.len() - 1);
        writer.write_all(&BREAK[..=first])?;
        width -= first;
        while width > 0 {
            let piece = width.min(BREAK.len() - 1);
            writer.write_all(&BREAK[1..=piece])?;
            width -= piece;
        }
        Ok(())
    }

    fn open<W: ?Sized + Write>(&mut self, writer: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        writer.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, writer: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.line_break(writer)?;
        }
        writer.write_all(bracket)
    }

    fn item<W: ?Sized + Write>(&self, writer: &mut W, first: bool) -> io::Result<()> {
        if !first {
            writer.write_all(b",")?;
        }
        self.line_break(writer)
    }
}

impl Formatter for Pretty {
    fn begin_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open(writer, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.close(writer, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.item(writer, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open(writer, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.close(writer, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.item(writer, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    /// The same bytes as `serde_json`'s own pretty printer, deep nesting and empty
    /// containers included.
    #[test]
    fn writes_what_serde_json_writes() {
        let mut deep = json!("bottom");
        for level in 0..80 {
            deep = if level % 2 == 0 {
                json!([deep, 1, {}])
            } else {
                json!({"a": deep, "b": [], "c": "q\"uote\n"})
            };
        }
        for value in [
            json!(null),
            json!([]),
            json!({}),
            json!({"a": [1, 2.5, {"b": null}], "c": {"d": [[]]}}),
            deep,
        ] {
            let expected = serde_json::to_string_pretty(&value).expect("a JSON value") + "\n";
            assert_eq!(super::pretty(&value), expected);
        }
    }
}
