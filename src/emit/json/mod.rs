//! Pretty-printed JSON, byte for byte as `serde_json::to_string_pretty` writes it (two-space
//! indents, `": "` after keys, `[]` and `{}` for empty containers, the same escapes and
//! numbers), written straight into a `String` by [`writer`].
//!
//! Dashboards are over a hundred megabytes of JSON at scale, and half of their strings are
//! the field names of vigil's own types: `serde_json` checks every byte of each of them
//! against its escape table, and writes an indent one level at a time. This writer copies
//! a field name as it is, checks other strings in one pass, and writes each line break with
//! its indent at once. A shape it does not write (byte arrays, map keys that are not
//! strings) is handed to `serde_json` whole. Debug builds (every test) write each document
//! both ways and compare them, which is also what holds the field names to needing no
//! escape.

mod key;
mod writer;

use serde::Serialize;

/// `value` as pretty JSON, ending in a newline.
pub(crate) fn pretty<T: Serialize + ?Sized>(value: &T) -> String {
    let mut text = String::with_capacity(4096);
    if writer::write(&mut text, value).is_err() {
        text = with_serde_json(value);
    } else if cfg!(debug_assertions) {
        assert_eq!(
            text,
            with_serde_json(value),
            "the JSON writer differs from serde_json"
        );
    }
    text.push('\n');
    text
}

fn with_serde_json<T: Serialize + ?Sized>(value: &T) -> String {
    // Typed structs of strings, numbers, lists and maps with string keys cannot fail to
    // serialise, and the writer is memory.
    serde_json::to_string_pretty(value).expect("typed values serialise to JSON")
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde::Serialize;
    use serde_json::{Value, json};

    fn reference<T: Serialize + ?Sized>(value: &T) -> String {
        serde_json::to_string_pretty(value).expect("a JSON value") + "\n"
    }

    /// The same bytes as `serde_json`'s own pretty printer, deep nesting and empty
    /// containers included.
    #[test]
    fn writes_what_serde_json_writes() {
        let mut deep = json!("bottom");
        for level in 0..80 {
            deep = if level % 2 == 0 {
                json!([deep, 1, {}])
            } else {
                json!({"a": deep, "b": [], "c": "q\"uote\n\u{1}\u{7f}é\\"})
            };
        }
        for value in [
            json!(null),
            json!([]),
            json!({}),
            json!({"a": [1, -2, 2.5, 1e300, 0.1, {"b": null, "t": true}], "c": {"d": [[]]}}),
            deep,
        ] {
            assert_eq!(super::pretty(&value), reference(&value));
        }
    }

    #[derive(Serialize)]
    enum Variant {
        Unit,
        Newtype(Vec<u8>),
        Tuple(u8, String),
        Empty {},
        Struct { a: Option<u8>, b: char },
    }

    #[derive(Serialize)]
    struct Fields {
        #[serde(rename = "type")]
        kind: &'static str,
        #[serde(skip_serializing_if = "Option::is_none")]
        skipped: Option<u8>,
        nested: Vec<Fields>,
    }

    #[test]
    fn writes_structs_enums_tuples_and_odd_keys_as_serde_json_does() {
        let variants = [
            Variant::Unit,
            Variant::Newtype(vec![1, 2]),
            Variant::Newtype(vec![]),
            Variant::Tuple(7, "x".into()),
            Variant::Empty {},
            Variant::Struct { a: None, b: '"' },
        ];
        assert_eq!(super::pretty(&variants), reference(&variants));
        let fields = Fields {
            kind: "timeseries",
            skipped: None,
            nested: vec![Fields {
                kind: "row",
                skipped: Some(1),
                nested: vec![],
            }],
        };
        assert_eq!(super::pretty(&fields), reference(&fields));
        let keyed: std::collections::BTreeMap<u8, (u8, f32)> = [(1, (2, 0.5))].into();
        assert_eq!(super::pretty(&keyed), reference(&keyed));
    }

    fn value() -> impl Strategy<Value = Value> {
        let text = prop_oneof![".*", "[a-z\"\\\\\n\t\u{0}-\u{1f} é]{0,12}"];
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            text.clone().prop_map(Value::from),
        ];
        leaf.prop_recursive(6, 64, 6, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
                prop::collection::btree_map(text.clone(), inner, 0..6)
                    .prop_map(|map| Value::Object(map.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn any_value_is_written_as_serde_json_writes_it(value in value()) {
            let mut text = String::new();
            prop_assert!(super::writer::write(&mut text, &value).is_ok());
            prop_assert_eq!(text + "\n", reference(&value));
        }
    }
}
