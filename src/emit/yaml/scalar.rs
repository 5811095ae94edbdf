//! How serde-saphyr (with its default options) writes a string scalar, decided in one
//! pass for the strings vigil's YAML files are made of. Anything outside that set is
//! [`Unsupported`], and the caller lets serde-saphyr write the whole document, so the
//! output never depends on which path wrote it (`tests` compare the two on every file).

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

/// The one answer when the fast path cannot be sure: serialize with serde-saphyr.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Unsupported;

/// How a string is written.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Scalar<'a> {
    Plain(&'a str),
    /// Double-quoted; only `\` and `"` need escaping in the strings that get here.
    Quoted(&'a str),
    /// A folded block scalar (`>-`), wrapped at [`WRAP`] columns.
    Folded(&'a str),
    /// serde-saphyr's own rendering of a short string, as one line (shared with the cache
    /// of renderings, so that handing it out does not copy it).
    Delegated(Rc<str>),
}

/// serde-saphyr folds single-line strings longer than this into `>-` blocks.
pub(super) const WRAP: usize = 80;

/// YAML 1.1 words that would read as booleans, null or special floats.
const KEYWORDS: &[&str] = &[
    "null", "true", "false", "nan", "inf", "yes", "y", "on", "no", "n", "off",
];

fn is_keyword(s: &str) -> bool {
    // No keyword is longer than five letters, and most strings are.
    s.len() <= 5 && KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(s))
}

/// What a scan of a string finds: every string of every rule and test file is
/// classified.
struct Scan {
    /// Printable ASCII only: no control character, nothing that needs an escape but
    /// `\`/`"`.
    printable: bool,
    /// `: ` somewhere, which would start a mapping.
    colon_space: bool,
    /// ` #` somewhere: `#` after whitespace starts a comment.
    space_hash: bool,
}

fn scan(s: &str) -> Scan {
    let bytes = s.as_bytes();
    if bytes.len() < SHORT {
        return scan_short(bytes);
    }
    // One vectorised pass per question (each pair found from its rarer byte) is faster
    // than one byte-wise pass asking all three.
    Scan {
        // No early exit, so the loop is vectorised.
        printable: bytes
            .iter()
            .fold(true, |printable, b| printable & (0x20..=0x7e).contains(b)),
        colon_space: memchr::memchr_iter(b':', bytes).any(|i| bytes.get(i + 1) == Some(&b' ')),
        space_hash: memchr::memchr_iter(b'#', bytes).any(|i| i > 0 && bytes[i - 1] == b' '),
    }
}

/// Below this length one byte-wise pass beats setting up three vectorised ones (most
/// label values and names are this short).
const SHORT: usize = 24;

fn scan_short(bytes: &[u8]) -> Scan {
    let mut found = Scan {
        printable: true,
        colon_space: false,
        space_hash: false,
    };
    let mut previous = 0;
    for &byte in bytes {
        found.printable &= (0x20..=0x7e).contains(&byte);
        found.colon_space |= previous == b':' && byte == b' ';
        found.space_hash |= previous == b' ' && byte == b'#';
        previous = byte;
    }
    found
}

/// Whether a printable string with a [`classifiable`] first byte stays a string when
/// written plain.
fn plain_safe(s: &str, found: &Scan) -> bool {
    let bytes = s.as_bytes();
    if bytes.last() == Some(&b' ') || is_keyword(s) || s == "<<" {
        return false;
    }
    match bytes {
        [b'?', b' ', ..]
        | [
            b',' | b':' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>'
            | b'\'' | b'"' | b'%' | b'@' | b'`' | b' ',
            ..,
        ] => return false,
        _ => {}
    }
    !(found.colon_space || found.space_hash || s.trim_end().ends_with(':'))
}

/// Whether the first byte lets the string be classified here: numbers, timestamps, the
/// special floats and document markers all start with one of the bytes excluded, and
/// serde-saphyr writes one-character strings its own way.
fn classifiable(s: &str) -> bool {
    s.len() > 1
        && !matches!(
            s.as_bytes()[0],
            b'0'..=b'9' | b'+' | b'-' | b'.' | b'_' | b'~'
        )
}

/// A string in value position.
pub(super) fn value(s: &str) -> Result<Scalar<'_>, Unsupported> {
    let found = scan(s);
    if !found.printable && s.contains('\n') {
        return Err(Unsupported);
    }
    if !found.printable || !classifiable(s) || (s.len() > WRAP && s.ends_with(' ')) {
        if s.len() > WRAP {
            return Err(Unsupported);
        }
        return delegated(s).map(Scalar::Delegated);
    }
    let plain = plain_safe(s, &found);
    Ok(match (plain, s.len() > WRAP) {
        (true, true) => Scalar::Folded(s),
        (true, false) => Scalar::Plain(s),
        (false, _) => Scalar::Quoted(s),
    })
}

/// A string in key position: identifiers that start with a letter (`_0` would read as a
/// number in YAML 1.1, which drops underscores from numbers).
pub(super) fn key(s: &str) -> Result<&str, Unsupported> {
    let identifier = s.as_bytes().first().is_some_and(u8::is_ascii_alphabetic)
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if identifier && !is_keyword(s) {
        Ok(s)
    } else {
        Err(Unsupported)
    }
}

thread_local! {
    /// serde-saphyr's rendering of short strings the fast path does not classify (most
    /// are durations and numbers in strings, `5m`, `0.25`: few, and repeated in every file).
    static RENDERED: RefCell<HashMap<String, Rc<str>>> = RefCell::new(HashMap::new());
}

/// Enough for every distinct duration and number of a large spec; cleared beyond.
const RENDERED_LIMIT: usize = 4096;

fn delegated(s: &str) -> Result<Rc<str>, Unsupported> {
    if let Some(known) = RENDERED.with(|cache| cache.borrow().get(s).cloned()) {
        return Ok(known);
    }
    let rendered = serde_saphyr::to_string(&s).map_err(|_| Unsupported)?;
    let line = rendered.strip_suffix('\n').ok_or(Unsupported)?;
    // Block scalars span lines: only the whole-document path writes those.
    if line.contains('\n') || line.starts_with(['|', '>']) {
        return Err(Unsupported);
    }
    let line: Rc<str> = Rc::from(line);
    RENDERED.with(|cache| {
        let mut cache = cache.borrow_mut();
        if cache.len() >= RENDERED_LIMIT {
            cache.clear();
        }
        cache.insert(s.to_owned(), Rc::clone(&line));
    });
    Ok(line)
}

/// Writes `s` double-quoted.
pub(super) fn write_quoted(out: &mut String, s: &str) {
    out.push('"');
    let mut written = 0;
    for at in memchr::memchr2_iter(b'\\', b'"', s.as_bytes()) {
        out.push_str(&s[written..at]);
        out.push('\\');
        written = at;
    }
    out.push_str(&s[written..]);
    out.push('"');
}

/// Writes the body of a folded block scalar: each line indented by `indent` spaces,
/// broken at a space once a line passes [`WRAP`] characters. As serde-saphyr does: the
/// count restarts at each break (the word carried over is not counted), and a line with
/// no space before the limit is not broken at all.
pub(super) fn write_folded(out: &mut String, s: &str, indent: usize) {
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut column = 0;
    // The last run of spaces that a non-space followed: (start, end).
    let mut last_run: Option<(usize, usize)> = None;
    let mut run_start: Option<usize> = None;
    for (i, &byte) in bytes.iter().enumerate() {
        if byte == b' ' {
            run_start.get_or_insert(i);
        } else if let Some(run) = run_start.take() {
            last_run = Some((run, i));
        }
        column += 1;
        if column > WRAP {
            let Some((run, end)) = last_run else {
                break;
            };
            push_indent(out, indent);
            out.push_str(&s[start..run]);
            // A run of n spaces keeps n - 1 of them before the break, which folds to one.
            for _ in 1..end - run {
                out.push(' ');
            }
            out.push('\n');
            start = end;
            column = 0;
            last_run = None;
        }
    }
    push_indent(out, indent);
    out.push_str(&s[start..]);
    out.push('\n');
}

pub(super) fn push_indent(out: &mut String, indent: usize) {
    const SPACES: &str = "                                                                ";
    let mut left = indent;
    while left > 0 {
        let step = left.min(SPACES.len());
        out.push_str(&SPACES[..step]);
        left -= step;
    }
}
