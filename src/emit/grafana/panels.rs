//! Panel constructors. Every panel gets a title, a description, a unit, the templated
//! data source on the panel and on each target — the dashboard linter's rules hold by
//! construction because no panel can be built without them.

use rust_decimal::prelude::ToPrimitive;
use serde_json::json;

use super::dashboard::{
    DataSource, FieldColor, FieldConfig, FieldConfigSource, Grid, Item, Link, MappingResult, Panel,
    Step, Target, Thresholds, ValueMap,
};
use super::options::{self, Custom, Options};
use crate::model::{Decimal, Metric, MetricKind, TierSeverity, Unit};

/// What a panel shows; the visualisation is picked by the method that places it.
#[derive(Debug)]
pub(super) struct PanelSpec {
    title: String,
    description: String,
    unit: String,
    queries: Vec<(String, String)>,
    steps: Vec<Step>,
    links: Vec<Link>,
    instant: bool,
    overrides: Vec<serde_json::Value>,
    transformations: Vec<serde_json::Value>,
}

impl PanelSpec {
    pub(super) fn new(
        title: impl Into<String>,
        description: impl Into<String>,
        unit: &str,
    ) -> Self {
        Self {
            title: title.into(),
            description: description.into(),
            unit: unit.to_owned(),
            queries: Vec::new(),
            steps: vec![Step {
                value: 0.0,
                color: "green",
            }],
            links: Vec::new(),
            instant: false,
            overrides: Vec::new(),
            transformations: Vec::new(),
        }
    }

    /// Adds a query with its legend (`{{label}}` placeholders allowed).
    pub(super) fn query(mut self, expr: impl Into<String>, legend: impl Into<String>) -> Self {
        self.queries.push((expr.into(), legend.into()));
        self
    }

    /// Colours from `base` up to each `(value, color)` step, in ascending value order.
    pub(super) fn thresholds(
        mut self,
        base: &'static str,
        steps: Vec<(f64, &'static str)>,
    ) -> Self {
        let mut steps = steps;
        steps.sort_by(|a, b| a.0.total_cmp(&b.0));
        let lowest = steps.first().map_or(0.0, |(value, _)| value.min(0.0));
        self.steps = std::iter::once(Step {
            value: lowest,
            color: base,
        })
        .chain(
            steps
                .into_iter()
                .map(|(value, color)| Step { value, color }),
        )
        .collect();
        self
    }

    pub(super) fn link(mut self, link: Link) -> Self {
        self.links.push(link);
        self
    }

    /// Properties of the column (table) or field named `name`, over the defaults.
    pub(super) fn column(mut self, name: &str, properties: &[serde_json::Value]) -> Self {
        self.overrides.push(json!({
            "matcher": { "id": "byName", "options": name },
            "properties": properties,
        }));
        self
    }

    /// A Grafana transformation applied to the query results, in order.
    pub(super) fn transformation(mut self, transformation: serde_json::Value) -> Self {
        self.transformations.push(transformation);
        self
    }

    /// One value per series now, not a range (tables of firing alerts).
    pub(super) fn instant(mut self) -> Self {
        self.instant = true;
        self
    }

    /// A big number, coloured by the thresholds.
    pub(super) fn stat(self, grid: &mut Grid, w: u32, h: u32) -> Item {
        let options = Options::Stat(options::Stat {
            color_mode: "value",
            graph_mode: "none",
            justify_mode: "auto",
            orientation: "auto",
            percent_change_color_mode: "standard",
            reduce_options: options::ReduceOptions {
                calcs: &["lastNotNull"],
                fields: "",
                values: false,
            },
            show_percent_change: false,
            text_mode: "value",
            wide_layout: true,
        });
        self.build(grid, (w, h), "stat", options, None, "time_series")
    }

    /// Lines over time; the thresholds are drawn as dashed lines when `draw` is set.
    pub(super) fn timeseries(self, grid: &mut Grid, w: u32, h: u32, draw: bool) -> Item {
        let options = Options::Timeseries(options::Timeseries {
            legend: options::Legend {
                calcs: &[],
                display_mode: "list",
                placement: "bottom",
                show: true,
            },
            tooltip: options::Tooltip {
                mode: "multi",
                sort: "desc",
            },
        });
        let custom = Custom::Timeseries(options::TimeseriesCustom {
            draw_style: "line",
            fill_opacity: 10,
            line_width: 1,
            show_points: "never",
            span_nulls: false,
            thresholds_style: options::ThresholdsStyle {
                mode: if draw { "dashed" } else { "off" },
            },
        });
        self.build(
            grid,
            (w, h),
            "timeseries",
            options,
            Some(custom),
            "time_series",
        )
    }

    /// Bucket counts over time, from pre-computed histogram buckets.
    pub(super) fn heatmap(self, grid: &mut Grid, w: u32, h: u32) -> Item {
        let options = Options::Heatmap(Box::new(options::Heatmap {
            calculate: false,
            cell_gap: 1,
            color: options::HeatmapColor {
                exponent: 0.5,
                fill: "dark-orange",
                mode: "scheme",
                reverse: false,
                scheme: "Oranges",
                steps: 64,
            },
            exemplars: options::Exemplars {
                color: "rgba(255,0,255,0.7)",
            },
            legend: options::HeatmapLegend { show: true },
            rows_frame: options::RowsFrame { layout: "le" },
            show_value: "never",
            tooltip: options::HeatmapTooltip {
                mode: "single",
                show_color_scale: false,
                y_histogram: false,
            },
            y_axis: options::YAxis {
                axis_placement: "left",
                reverse: false,
                unit: self.unit.clone(),
            },
        }));
        let custom = Custom::Heatmap(options::HeatmapCustom {
            hide_from: options::HideFrom {
                legend: false,
                tooltip: false,
                viz: false,
            },
            scale_distribution: options::ScaleDistribution { kind: "linear" },
        });
        self.build(grid, (w, h), "heatmap", options, Some(custom), "heatmap")
    }

    /// One line per series, read now.
    pub(super) fn table(self, grid: &mut Grid, w: u32, h: u32) -> Item {
        let options = table_options(None);
        self.instant()
            .build(grid, (w, h), "table", options, None, "table")
    }

    /// A table sorted ascending by the column `by`.
    pub(super) fn sorted_table(self, grid: &mut Grid, (w, h): (u32, u32), by: &str) -> Item {
        let options = table_options(Some(options::SortBy {
            desc: false,
            display_name: by.to_owned(),
        }));
        self.instant()
            .build(grid, (w, h), "table", options, None, "table")
    }

    fn build(
        self,
        grid: &mut Grid,
        (w, h): (u32, u32),
        kind: &'static str,
        options: Options,
        custom: Option<Custom>,
        format: &'static str,
    ) -> Item {
        let instant = self.instant || kind == "stat";
        let targets = self
            .queries
            .into_iter()
            .zip('A'..='Z')
            .map(|((expr, legend), ref_id)| Target {
                datasource: DataSource::VARIABLE,
                ref_id: ref_id.to_string(),
                expr,
                legend_format: legend,
                range: !instant,
                instant,
                format,
            })
            .collect();
        Item::Panel(Box::new(Panel {
            kind,
            id: grid.id(),
            title: self.title,
            description: self.description,
            datasource: DataSource::VARIABLE,
            grid_pos: grid.place(w, h),
            targets,
            links: self.links,
            field_config: FieldConfigSource {
                defaults: FieldConfig {
                    unit: self.unit,
                    decimals: None,
                    min: None,
                    max: None,
                    color: FieldColor { mode: "thresholds" },
                    thresholds: Thresholds {
                        mode: "absolute",
                        steps: self.steps,
                    },
                    mappings: Vec::new(),
                    custom,
                },
                overrides: self.overrides,
            },
            options,
            transformations: self.transformations,
        }))
    }
}

fn table_options(sort_by: Option<options::SortBy>) -> Options {
    Options::Table(options::Table {
        cell_height: "sm",
        frame_index: 0,
        show_header: true,
        sort_by: sort_by.map(|by| [by]),
    })
}

/// Status values (0 met, 1 at risk, 2 breached) as words in their colours.
pub(super) fn status_map() -> ValueMap {
    let result = |text, color, index| MappingResult { text, color, index };
    ValueMap {
        kind: "value",
        options: [
            ("0".to_owned(), result("met", "green", 0)),
            ("1".to_owned(), result("at risk", "orange", 1)),
            ("2".to_owned(), result("breached", "red", 2)),
        ]
        .into_iter()
        .collect(),
    }
}

/// Grafana's unit for a metric's values.
pub(super) fn value_unit(unit: Option<&Unit>) -> &'static str {
    match unit {
        Some(Unit::Seconds) => "s",
        Some(Unit::Bytes) => "bytes",
        Some(Unit::Ratio) => "percentunit",
        Some(Unit::Other(_)) | None => "short",
    }
}

/// Grafana's unit for a counter's per-second rate.
pub(super) fn rate_unit(metric: &Metric) -> &'static str {
    debug_assert!(matches!(metric.kind, MetricKind::Counter));
    match metric.unit {
        // Seconds per second: the share of time spent, as a ratio.
        Some(Unit::Seconds) => "percentunit",
        Some(Unit::Bytes) => "Bps",
        _ if metric.name.as_str().contains("request") => "reqps",
        _ => "ops",
    }
}

/// The colour a tier's threshold is drawn in.
pub(super) fn severity_color(severity: TierSeverity) -> &'static str {
    match severity {
        TierSeverity::Critical => "red",
        TierSeverity::Warning => "orange",
        TierSeverity::Info => "blue",
        TierSeverity::None => "purple",
    }
}

/// A spec number as a JSON number (thresholds are display values, f64 is exact enough).
pub(super) fn number(value: Decimal) -> f64 {
    value.to_f64().unwrap_or_default()
}
