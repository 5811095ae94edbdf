//! Retention settings for the storage behind Prometheus, from the spec's `retention` block:
//! Prometheus TSDB flags, Thanos compactor flags, Mimir limits and `VictoriaMetrics` flags.
//! Plain flag files (one flag per line) so they can be pasted into a unit file, a Helm
//! value or a container's arguments.

use serde::Serialize;

use super::Artifact;
use super::yaml::to_yaml;
use crate::conventions::{self, GENERATED_HEADER};
use crate::model::{Duration, Model, Retention};

pub fn emit(model: &Model) -> Vec<Artifact> {
    let Some(retention) = &model.retention else {
        return Vec::new();
    };
    vec![
        Artifact::new(conventions::RETENTION_PROMETHEUS, prometheus(retention)),
        Artifact::new(conventions::RETENTION_THANOS, thanos(retention)),
        Artifact::new(conventions::RETENTION_MIMIR, mimir(retention)),
        Artifact::new(
            conventions::RETENTION_VICTORIAMETRICS,
            victoriametrics(retention),
        ),
    ]
}

/// Prometheus' size flag takes B, KB, MB, GB, TB, PB in powers of 1024.
fn size(bytes: u64) -> String {
    let units = ["B", "KB", "MB", "GB", "TB", "PB"];
    let mut value = bytes;
    let mut unit = 0;
    while unit + 1 < units.len() && value >= 1024 && value.is_multiple_of(1024) {
        value /= 1024;
        unit += 1;
    }
    format!("{value}{}", units[unit])
}

fn prometheus(retention: &Retention) -> String {
    let mut text = format!(
        "# {GENERATED_HEADER}\n# Prometheus server flags: how long its own TSDB keeps samples (rule evaluation reads these).\n--storage.tsdb.retention.time={}\n",
        retention.local_or_raw()
    );
    if let Some(bytes) = retention.size_bytes {
        text.push_str(&format!("--storage.tsdb.retention.size={}\n", size(bytes)));
    }
    text
}

/// Thanos keeps raw, 5m and 1h data; every downsample tier lands on the coarsest of
/// those not finer than it, each Thanos resolution kept as long as any tier asks.
fn thanos(retention: &Retention) -> String {
    let five_minutes = Duration::from_secs(300);
    let hour = Duration::from_secs(3600);
    let mut keep_5m: Option<Duration> = None;
    let mut keep_1h: Option<Duration> = None;
    let mut notes = Vec::new();
    for tier in &retention.downsamples {
        let slot = if tier.resolution >= hour {
            &mut keep_1h
        } else if tier.resolution >= five_minutes {
            &mut keep_5m
        } else {
            continue;
        };
        *slot = Some(slot.map_or(tier.keep, |k| k.max(tier.keep)));
        if tier.resolution != five_minutes && tier.resolution != hour {
            let mapped = if tier.resolution >= hour { "1h" } else { "5m" };
            notes.push(format!("# {} kept {} maps to Thanos' {mapped} resolution (Thanos downsamples to 5m and 1h only).\n", tier.resolution, tier.keep));
        }
    }
    // A resolution the spec does not ask for is still produced by the compactor; keeping
    // it no longer than raw data avoids paying for it.
    let raw = retention.raw;
    let mut text = format!("# {GENERATED_HEADER}\n# Thanos compactor flags.\n");
    for note in notes {
        text.push_str(&note);
    }
    // The compactor builds 1h blocks from 5m blocks once they are 10 days old: 5m data
    // deleted earlier would leave the 1h tier empty.
    let mut keep_5m = keep_5m.unwrap_or(raw);
    if keep_1h.is_some() && keep_5m < Duration::from_days(10) {
        keep_5m = Duration::from_days(10);
        text.push_str("# 5m data is kept 10d: the compactor makes 1h blocks from 5m blocks older than 10 days.\n");
    }
    text.push_str(&format!("--retention.resolution-raw={raw}\n"));
    text.push_str(&format!("--retention.resolution-5m={keep_5m}\n"));
    text.push_str(&format!(
        "--retention.resolution-1h={}\n",
        keep_1h.unwrap_or(keep_5m)
    ));
    text
}

/// Mimir does not downsample: blocks are kept whole for the longest period asked.
/// Mimir's runtime configuration, as much of it as the spec decides.
#[derive(Serialize)]
struct MimirLimits {
    limits: CompactorLimits,
}

#[derive(Serialize)]
struct CompactorLimits {
    compactor_blocks_retention_period: Duration,
}

fn mimir(retention: &Retention) -> String {
    let longest = retention
        .downsamples
        .iter()
        .map(|d| d.keep)
        .fold(retention.raw, Duration::max);
    let yaml = to_yaml(&MimirLimits {
        limits: CompactorLimits {
            compactor_blocks_retention_period: longest,
        },
    });
    // Where the limits go, under the generated-file header.
    let (header, body) = yaml.split_once('\n').unwrap_or((&yaml, ""));
    format!(
        "{header}\n# Mimir runtime limits (overrides.yaml `overrides.<tenant>` or `limits`). Mimir keeps\n# full-resolution blocks, so the longest retention the spec asks for applies.\n{body}"
    )
}

fn victoriametrics(retention: &Retention) -> String {
    let longest = retention
        .downsamples
        .iter()
        .map(|d| d.keep)
        .fold(retention.local_or_raw(), Duration::max);
    format!(
        "# {GENERATED_HEADER}\n# VictoriaMetrics single-node flags. Without the enterprise downsampling feature every\n# sample is kept for the longest retention the spec asks for.\n-retentionPeriod={longest}\n"
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn sizes() {
        assert_eq!(super::size(100 * 1024 * 1024 * 1024), "100GB");
        assert_eq!(super::size(1536), "1536B");
        assert_eq!(super::size(0), "0B");
    }
}
