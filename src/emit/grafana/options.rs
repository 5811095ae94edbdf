//! A panel's `options` and its field defaults' `custom` settings, per visualisation, as
//! typed values rather than maps built per panel. Fields are declared in alphabetical
//! order of their names, so their keys are sorted as every other map in a dashboard is.

use serde::Serialize;

/// A panel's `options`.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub(super) enum Options {
    Stat(Stat),
    Table(Table),
    Timeseries(Timeseries),
    Heatmap(Box<Heatmap>),
}

/// The field defaults' `custom` settings.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub(super) enum Custom {
    Timeseries(TimeseriesCustom),
    Heatmap(HeatmapCustom),
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Stat {
    pub(super) color_mode: &'static str,
    pub(super) graph_mode: &'static str,
    pub(super) justify_mode: &'static str,
    pub(super) orientation: &'static str,
    pub(super) percent_change_color_mode: &'static str,
    pub(super) reduce_options: ReduceOptions,
    pub(super) show_percent_change: bool,
    pub(super) text_mode: &'static str,
    pub(super) wide_layout: bool,
}

#[derive(Debug, Serialize)]
pub(super) struct ReduceOptions {
    pub(super) calcs: &'static [&'static str],
    pub(super) fields: &'static str,
    pub(super) values: bool,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Table {
    pub(super) cell_height: &'static str,
    pub(super) frame_index: u32,
    pub(super) show_header: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) sort_by: Option<[SortBy; 1]>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct SortBy {
    pub(super) desc: bool,
    pub(super) display_name: String,
}

#[derive(Debug, Serialize)]
pub(super) struct Timeseries {
    pub(super) legend: Legend,
    pub(super) tooltip: Tooltip,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Legend {
    pub(super) calcs: &'static [&'static str],
    pub(super) display_mode: &'static str,
    pub(super) placement: &'static str,
    #[serde(rename = "showLegend")]
    pub(super) show: bool,
}

#[derive(Debug, Serialize)]
pub(super) struct Tooltip {
    pub(super) mode: &'static str,
    pub(super) sort: &'static str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Heatmap {
    pub(super) calculate: bool,
    pub(super) cell_gap: u32,
    pub(super) color: HeatmapColor,
    pub(super) exemplars: Exemplars,
    pub(super) legend: HeatmapLegend,
    pub(super) rows_frame: RowsFrame,
    pub(super) show_value: &'static str,
    pub(super) tooltip: HeatmapTooltip,
    pub(super) y_axis: YAxis,
}

#[derive(Debug, Serialize)]
pub(super) struct HeatmapColor {
    pub(super) exponent: f64,
    pub(super) fill: &'static str,
    pub(super) mode: &'static str,
    pub(super) reverse: bool,
    pub(super) scheme: &'static str,
    pub(super) steps: u32,
}

#[derive(Debug, Serialize)]
pub(super) struct Exemplars {
    pub(super) color: &'static str,
}

#[derive(Debug, Serialize)]
pub(super) struct HeatmapLegend {
    pub(super) show: bool,
}

#[derive(Debug, Serialize)]
pub(super) struct RowsFrame {
    pub(super) layout: &'static str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct HeatmapTooltip {
    pub(super) mode: &'static str,
    pub(super) show_color_scale: bool,
    pub(super) y_histogram: bool,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct YAxis {
    pub(super) axis_placement: &'static str,
    pub(super) reverse: bool,
    pub(super) unit: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct TimeseriesCustom {
    pub(super) draw_style: &'static str,
    pub(super) fill_opacity: u32,
    pub(super) line_width: u32,
    pub(super) show_points: &'static str,
    pub(super) span_nulls: bool,
    pub(super) thresholds_style: ThresholdsStyle,
}

#[derive(Debug, Serialize)]
pub(super) struct ThresholdsStyle {
    pub(super) mode: &'static str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct HeatmapCustom {
    pub(super) hide_from: HideFrom,
    pub(super) scale_distribution: ScaleDistribution,
}

#[derive(Debug, Serialize)]
pub(super) struct HideFrom {
    pub(super) legend: bool,
    pub(super) tooltip: bool,
    pub(super) viz: bool,
}

#[derive(Debug, Serialize)]
pub(super) struct ScaleDistribution {
    #[serde(rename = "type")]
    pub(super) kind: &'static str,
}
