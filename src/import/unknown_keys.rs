//! Keys an imported document has that its format does not. serde skips them silently, so
//! a misspelled `ticker_alert:` or `disabled: true` would leave paging alerts on that the
//! author switched off. `serde_ignored` names each skipped key by its path; the key's
//! position is then found in the YAML events, and the format's structs (read through
//! serde's own field lists) give the keys that would have been valid there.

use saphyr_parser::{Event, Parser};
use serde::de::{Deserialize, Deserializer, Visitor};

/// A key the format does not have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UnknownKey {
    pub(crate) key: String,
    /// The keys leading to it (sequence indices left out): `["slos", "alerting"]`.
    pub(crate) parent: Vec<String>,
    /// Where it is, for messages: `slos[0].alerting`.
    pub(crate) place: String,
    /// Byte range of the key in the document's text.
    pub(crate) range: Option<(usize, usize)>,
    /// The item it is in, when the document is a list.
    pub(crate) item: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Key(String),
    Index(usize),
}

/// The path `serde_ignored` reports, without the wrappers that are no YAML: `Option`'s
/// `Some` and serde-saphyr's `Spanned` (a newtype around a map with a `value` key).
fn segments(path: &serde_ignored::Path<'_>) -> Option<Vec<Segment>> {
    use serde_ignored::Path;
    let mut reversed = Vec::new();
    let mut current = path;
    loop {
        current = match current {
            Path::Root => break,
            Path::Seq { parent, index } => {
                reversed.push(Segment::Index(*index));
                parent
            }
            Path::Map { parent, key } => {
                if key == "__serde_saphyr_private_spanned" {
                    return None;
                }
                reversed.push(Segment::Key(key.clone()));
                parent
            }
            Path::NewtypeStruct { parent } => {
                // The `value` key of the spanned map is the one just pushed.
                if matches!(reversed.last(), Some(Segment::Key(k)) if k == "value") {
                    reversed.pop();
                }
                parent
            }
            Path::Some { parent } | Path::NewtypeVariant { parent } => parent,
        };
    }
    reversed.reverse();
    Some(reversed)
}

/// Deserialises `text` as `T`, collecting every key `T` has no field for.
pub(crate) fn parse<T: serde::de::DeserializeOwned>(
    text: &str,
) -> Result<(T, Vec<UnknownKey>), serde_saphyr::Error> {
    let mut paths = Vec::new();
    let value = serde_saphyr::with_deserializer_from_str(text, |deserializer| {
        serde_ignored::deserialize(deserializer, |path| {
            if let Some(segments) = segments(&path) {
                paths.push(segments);
            }
        })
    })?;
    let unknown = paths
        .into_iter()
        .filter_map(|path| {
            let (Segment::Key(key), parent) = path.split_last()? else {
                return None;
            };
            Some(UnknownKey {
                key: key.clone(),
                parent: parent
                    .iter()
                    .filter_map(|s| match s {
                        Segment::Key(k) => Some(k.clone()),
                        Segment::Index(_) => None,
                    })
                    .collect(),
                place: place(parent),
                item: match path.first() {
                    Some(Segment::Index(index)) => Some(*index),
                    _ => None,
                },
                range: key_range(text, &path),
            })
        })
        .collect();
    Ok((value, unknown))
}

fn place(path: &[Segment]) -> String {
    let mut out = String::new();
    for segment in path {
        match segment {
            Segment::Key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Index(index) => out.push_str(&format!("[{index}]")),
        }
    }
    if out.is_empty() {
        out.push_str("the document");
    }
    out
}

/// One open collection while walking the events.
enum Frame {
    Mapping { key: Option<String> },
    Sequence { index: usize },
}

/// The byte range of the key at `path`, walking the document's YAML events.
fn key_range(text: &str, path: &[Segment]) -> Option<(usize, usize)> {
    let mut frames: Vec<Frame> = Vec::new();
    for event in Parser::new_from_str(text) {
        let (event, span) = event.ok()?;
        let is_key = matches!(frames.last(), Some(Frame::Mapping { key: None }));
        match event {
            Event::Scalar(value, ..) if is_key => {
                if let Some(Frame::Mapping { key }) = frames.last_mut() {
                    *key = Some(value.to_string());
                }
                if current(&frames) == path {
                    let start = byte_offset(text, span.start.index());
                    let end = byte_offset(text, span.end.index());
                    return Some((start, end));
                }
                continue;
            }
            Event::MappingStart(..) => {
                frames.push(Frame::Mapping { key: None });
                continue;
            }
            Event::SequenceStart(..) => {
                frames.push(Frame::Sequence { index: 0 });
                continue;
            }
            Event::MappingEnd | Event::SequenceEnd => {
                frames.pop();
            }
            Event::Scalar(..) | Event::Alias(_) => {}
            _ => continue,
        }
        // A value ended: the mapping awaits its next key, the sequence its next item.
        match frames.last_mut() {
            Some(Frame::Mapping { key }) => *key = None,
            Some(Frame::Sequence { index }) => *index += 1,
            None => {}
        }
    }
    None
}

fn current(frames: &[Frame]) -> Vec<Segment> {
    frames
        .iter()
        .filter_map(|frame| match frame {
            Frame::Mapping { key } => key.clone().map(Segment::Key),
            Frame::Sequence { index } => Some(Segment::Index(*index)),
        })
        .collect()
}

fn byte_offset(text: &str, char_index: usize) -> usize {
    text.char_indices()
        .nth(char_index)
        .map_or(text.len(), |(byte, _)| byte)
}

/// A value the importer does not read but whose key the format defines: unlike serde's
/// `IgnoredAny`, which `serde_ignored` reports as skipped, it reads the value through.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Unread;

impl<'de> Deserialize<'de> for Unread {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(UnreadVisitor)
    }
}

struct UnreadVisitor;

impl<'de> Visitor<'de> for UnreadVisitor {
    type Value = Unread;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Unread, E> {
        Ok(Unread)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Unread, E> {
        Ok(Unread)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Unread, E> {
        Ok(Unread)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Unread, E> {
        Ok(Unread)
    }

    fn visit_str<E>(self, _: &str) -> Result<Unread, E> {
        Ok(Unread)
    }

    fn visit_unit<E>(self) -> Result<Unread, E> {
        Ok(Unread)
    }

    fn visit_none<E>(self) -> Result<Unread, E> {
        Ok(Unread)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Unread, D::Error> {
        Unread::deserialize(deserializer)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Unread, A::Error> {
        while seq.next_element::<Unread>()?.is_some() {}
        Ok(Unread)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Unread, A::Error> {
        while map.next_entry::<Unread, Unread>()?.is_some() {}
        Ok(Unread)
    }
}

/// The keys a struct accepts (aliases included), from the field list serde's derive hands
/// to the deserializer.
pub(crate) fn fields<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    let mut probe = FieldProbe(&[]);
    let _ = T::deserialize(&mut probe);
    probe.0
}

struct FieldProbe(&'static [&'static str]);

#[derive(Debug)]
struct Stop;

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("field probe")
    }
}

impl std::error::Error for Stop {}

impl serde::de::Error for Stop {
    fn custom<M: std::fmt::Display>(_: M) -> Self {
        Stop
    }
}

impl<'de> Deserializer<'de> for &mut FieldProbe {
    type Error = Stop;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
        Err(Stop)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Stop> {
        self.0 = fields;
        Err(Stop)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_saphyr::Spanned;

    use super::{fields, parse};

    #[derive(Deserialize)]
    #[allow(dead_code, reason = "only the keys matter")]
    struct Top {
        slos: Vec<Spanned<Slo>>,
        extra: Option<Slo>,
        #[serde(default)]
        metadata: super::Unread,
    }

    #[derive(Deserialize)]
    #[allow(dead_code, reason = "only the keys matter")]
    struct Slo {
        name: String,
        #[serde(alias = "pageAlert")]
        page_alert: Option<Alert>,
    }

    #[derive(Deserialize)]
    #[allow(dead_code, reason = "only the keys matter")]
    struct Alert {
        #[serde(default)]
        disable: bool,
    }

    #[test]
    fn unknown_keys_are_found_with_their_place_and_position() {
        let text = "metadata: {labels: {a: [1, {2: x}]}, n: ~}\nslos:\n  - name: a\n  - name: b\n    pageAlert:\n      disabled: true\n    nmae: c\nextra:\n  name: d\n  bad: 1\n";
        let (_, unknown) = parse::<Top>(text).expect("parses");
        let found: Vec<(String, String, &str)> = unknown
            .iter()
            .map(|u| {
                let (start, end) = u.range.expect("a position");
                (u.key.clone(), u.place.clone(), &text[start..end])
            })
            .collect();
        assert_eq!(
            found,
            [
                ("disabled".into(), "slos[1].pageAlert".into(), "disabled"),
                ("nmae".into(), "slos[1]".into(), "nmae"),
                ("bad".into(), "extra".into(), "bad"),
            ]
        );
        assert_eq!(unknown[0].parent, ["slos", "pageAlert"]);
    }

    #[test]
    fn fields_include_aliases() {
        assert_eq!(fields::<Slo>(), ["name", "pageAlert", "page_alert"]);
    }
}
