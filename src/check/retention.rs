//! Retention: raw and downsampled tiers, their size limit, and what each store can keep.

use super::Scope;
use super::reader::{Cx, Reader};
use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::model::{Downsample, Duration, Retention};
use crate::spec::Node;

pub(crate) fn retention(node: &Node, scope: &Scope<'_>) -> Option<Retention> {
    let cx = scope.cx;
    let r = Reader::new(node, cx);
    let raw = r.positive_duration("raw");
    if raw.is_none() && r.value("raw").is_none() {
        r.missing("raw", "how long raw samples are kept, e.g. `raw \"30d\"`");
    }
    let local = r.positive_duration("local");
    let size_bytes = r.text("size").and_then(|(text, span)| {
        let bytes = parse_size(&text);
        if bytes.is_none() {
            cx.report(Diagnostic::new(Code::InvalidValue, span, format!("`{text}` is not a size")).label("expected a size").help("write a size such as \"100GB\" (units B, KB, MB, GB, TB, PB; powers of 1024 as in Prometheus)"));
        }
        bytes
    });
    let mut downsamples: Vec<Downsample> = r
        .children("downsample")
        .into_iter()
        .filter_map(|d| {
            let dr = Reader::new(d, cx);
            let resolution = dr.positive_duration("resolution");
            if dr.value("resolution").is_none() {
                dr.missing("resolution", "the downsampled resolution, e.g. \"1h\"");
            }
            let keep = dr.positive_duration("keep");
            if dr.value("keep").is_none() {
                dr.missing("keep", "how long that resolution is kept, e.g. \"90d\"");
            }
            dr.finish();
            Some(Downsample {
                resolution: resolution?,
                keep: keep?,
            })
        })
        .collect();
    downsamples.sort_by_key(|d| d.resolution);
    for node in r.children("downsample") {
        thanos_resolution(node, cx);
    }
    r.finish();
    Some(Retention {
        raw: raw?,
        local,
        downsamples,
        size_bytes,
    })
}

/// Thanos downsamples to 5m and 1h only; say what becomes of any other resolution.
fn thanos_resolution(node: &Node, cx: &Cx) {
    let Some(prop) = node.props.iter().find(|p| p.key == "resolution") else {
        return;
    };
    let crate::spec::Scalar::String(text) = &prop.value.scalar else {
        return;
    };
    let Ok(resolution) = Duration::parse(text) else {
        return;
    };
    if resolution == Duration::from_secs(300) || resolution == Duration::from_secs(3600) {
        return;
    }
    let mapped = if resolution < Duration::from_secs(300) {
        "raw"
    } else if resolution < Duration::from_secs(3600) {
        "5m"
    } else {
        "1h"
    };
    cx.report(
        Diagnostic::new(
            Code::ThanosResolution,
            prop.value.span,
            format!("Thanos has no {resolution} resolution; this tier is kept at {mapped}"),
        )
        .label(format!("mapped to Thanos' {mapped} resolution")),
    );
}

fn parse_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number.parse().ok()?;
    let power = ["B", "KB", "MB", "GB", "TB", "PB"]
        .iter()
        .position(|u| u.eq_ignore_ascii_case(unit.trim()))?;
    number.checked_mul(1024u64.checked_pow(u32::try_from(power).ok()?)?)
}

#[cfg(test)]
mod tests {
    #[test]
    fn sizes() {
        assert_eq!(super::parse_size("100GB"), Some(100 * 1024 * 1024 * 1024));
        assert_eq!(super::parse_size("512MB"), Some(512 * 1024 * 1024));
        assert_eq!(super::parse_size("10"), None);
        assert_eq!(super::parse_size("GB"), None);
        assert_eq!(super::parse_size("99999999999PB"), None);
    }
}
