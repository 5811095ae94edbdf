//! GitHub's heading anchors, written out independently of vigil's: lower-case, spaces to
//! `-`, other punctuation dropped.

pub(crate) fn anchor(heading: &str) -> String {
    heading
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            'a'..='z' | '0'..='9' | '-' | '_' => Some(c),
            ' ' => Some('-'),
            _ => None,
        })
        .collect()
}
