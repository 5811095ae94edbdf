//! The dashboard JSON model, as typed structs. Field order is declaration order, so the
//! output is stable; only fields vigil sets exist, and every one is in Grafana's published
//! dashboard schema (checked by `tests/grafana.rs`).

use std::collections::BTreeMap;

use serde::Serialize;

use super::options::{Custom, Options};
use crate::conventions::GRAFANA_DATASOURCE_UID;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Dashboard {
    pub(super) uid: String,
    pub(super) title: String,
    pub(super) description: String,
    pub(super) tags: Vec<String>,
    pub(super) timezone: &'static str,
    /// Generated dashboards are changed in the spec, not in the UI.
    pub(super) editable: bool,
    /// Shared crosshair: the panels of one incident line up.
    pub(super) graph_tooltip: u8,
    pub(super) time: TimeRange,
    pub(super) refresh: &'static str,
    pub(super) schema_version: u32,
    pub(super) templating: Templating,
    pub(super) annotations: Annotations,
    pub(super) links: Vec<Link>,
    pub(super) panels: Vec<Item>,
}

#[derive(Debug, Serialize)]
pub(super) struct TimeRange {
    pub(super) from: String,
    pub(super) to: &'static str,
}

#[derive(Debug, Serialize)]
pub(super) struct Templating {
    pub(super) list: Vec<Variable>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Variable {
    #[serde(rename = "type")]
    pub(super) kind: &'static str,
    pub(super) name: &'static str,
    pub(super) label: &'static str,
    pub(super) description: String,
    pub(super) query: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) datasource: Option<DataSource>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) current: Option<VariableOption>,
    pub(super) multi: bool,
    pub(super) include_all: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) all_value: Option<&'static str>,
    /// 2: reload the values when the time range changes.
    pub(super) refresh: u8,
    /// 1: alphabetical.
    pub(super) sort: u8,
}

#[derive(Debug, Serialize)]
pub(super) struct VariableOption {
    pub(super) text: String,
    pub(super) value: String,
}

#[derive(Debug, Serialize)]
pub(super) struct Annotations {
    pub(super) list: Vec<Annotation>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Annotation {
    pub(super) name: String,
    pub(super) datasource: DataSource,
    pub(super) enable: bool,
    pub(super) icon_color: &'static str,
    pub(super) expr: String,
    /// Only Grafana 12's schema knows the formatting fields.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) title_format: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) tag_keys: Option<String>,
}

/// A dashboard or panel link (the schema uses one type for both).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Link {
    pub(super) title: String,
    #[serde(rename = "type")]
    pub(super) kind: &'static str,
    pub(super) icon: &'static str,
    pub(super) tooltip: String,
    pub(super) url: String,
    pub(super) tags: Vec<String>,
    pub(super) as_dropdown: bool,
    pub(super) target_blank: bool,
    pub(super) include_vars: bool,
    pub(super) keep_time: bool,
}

impl Link {
    /// A link to another generated dashboard, keeping the time range and data source.
    pub(super) fn dashboard(title: impl Into<String>, uid: &str) -> Self {
        let title = title.into();
        Self {
            tooltip: format!("Open {title}"),
            title,
            kind: "link",
            icon: "dashboard",
            url: format!("/d/{uid}"),
            tags: Vec::new(),
            as_dropdown: false,
            target_blank: false,
            include_vars: true,
            keep_time: true,
        }
    }

    /// A link to a document outside Grafana (runbook, SLO catalog), in a new tab.
    /// A drop-down of every dashboard carrying all of `tags`.
    pub(super) fn tagged(title: impl Into<String>, tags: &[&str]) -> Self {
        let title = title.into();
        Self {
            tooltip: format!("Open {title}"),
            title,
            kind: "dashboards",
            icon: "external link",
            url: String::new(),
            tags: tags.iter().map(|&tag| tag.to_owned()).collect(),
            as_dropdown: true,
            target_blank: false,
            include_vars: true,
            keep_time: true,
        }
    }

    pub(super) fn document(title: impl Into<String>, url: String) -> Self {
        let title = title.into();
        Self {
            tooltip: format!("Open {title}"),
            title,
            kind: "link",
            icon: "doc",
            url,
            tags: Vec::new(),
            as_dropdown: false,
            target_blank: true,
            include_vars: false,
            keep_time: false,
        }
    }
}

/// A dashboard's data-source reference: always the `datasource` variable, so one
/// dashboard works against any Prometheus.
#[derive(Debug, Clone, Serialize)]
pub(super) struct DataSource {
    #[serde(rename = "type")]
    pub(super) kind: &'static str,
    pub(super) uid: &'static str,
}

impl DataSource {
    pub(super) const VARIABLE: DataSource = DataSource {
        kind: "prometheus",
        uid: "${datasource}",
    };
    pub(super) const PROVISIONED: DataSource = DataSource {
        kind: "prometheus",
        uid: GRAFANA_DATASOURCE_UID,
    };
}

/// An entry of `panels`: a panel or a row header.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub(super) enum Item {
    Panel(Box<Panel>),
    Row(Row),
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Row {
    #[serde(rename = "type")]
    pub(super) kind: &'static str,
    pub(super) id: u32,
    pub(super) title: String,
    pub(super) collapsed: bool,
    pub(super) grid_pos: GridPos,
    pub(super) panels: Vec<Panel>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Panel {
    #[serde(rename = "type")]
    pub(super) kind: &'static str,
    pub(super) id: u32,
    pub(super) title: String,
    pub(super) description: String,
    pub(super) datasource: DataSource,
    pub(super) grid_pos: GridPos,
    pub(super) targets: Vec<Target>,
    pub(super) links: Vec<Link>,
    pub(super) field_config: FieldConfigSource,
    pub(super) options: Options,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) transformations: Vec<serde_json::Value>,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub(super) struct GridPos {
    pub(super) h: u32,
    pub(super) w: u32,
    pub(super) x: u32,
    pub(super) y: u32,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Target {
    pub(super) datasource: DataSource,
    pub(super) ref_id: String,
    pub(super) expr: String,
    pub(super) legend_format: String,
    pub(super) range: bool,
    pub(super) instant: bool,
    /// `time_series`, `table` or `heatmap`.
    pub(super) format: &'static str,
}

#[derive(Debug, Serialize)]
pub(super) struct FieldConfigSource {
    pub(super) defaults: FieldConfig,
    pub(super) overrides: Vec<serde_json::Value>,
}

#[derive(Debug, Serialize)]
pub(super) struct FieldConfig {
    pub(super) unit: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) decimals: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) min: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) max: Option<f64>,
    pub(super) color: FieldColor,
    pub(super) thresholds: Thresholds,
    pub(super) mappings: Vec<ValueMap>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) custom: Option<Custom>,
}

#[derive(Debug, Serialize)]
pub(super) struct FieldColor {
    pub(super) mode: &'static str,
}

#[derive(Debug, Serialize)]
pub(super) struct Thresholds {
    pub(super) mode: &'static str,
    pub(super) steps: Vec<Step>,
}

/// One threshold step. The schema requires a number even for the base step (which
/// Grafana saves as `null` for −∞); Grafana treats the first step as the base whatever
/// its value, so the base carries the lowest value the panel can show.
#[derive(Debug, Serialize)]
pub(super) struct Step {
    pub(super) value: f64,
    pub(super) color: &'static str,
}

/// A value-to-text mapping (status panels: 0 met, 1 at risk, 2 breached).
#[derive(Debug, Serialize)]
pub(super) struct ValueMap {
    #[serde(rename = "type")]
    pub(super) kind: &'static str,
    pub(super) options: BTreeMap<String, MappingResult>,
}

#[derive(Debug, Serialize)]
pub(super) struct MappingResult {
    pub(super) text: &'static str,
    pub(super) color: &'static str,
    pub(super) index: u32,
}

/// Places panels on Grafana's 24-column grid left to right, wrapping to a new line, so
/// no two panels overlap by construction.
#[derive(Debug, Default)]
pub(super) struct Grid {
    x: u32,
    y: u32,
    line_height: u32,
    next_id: u32,
}

pub(super) const GRID_COLUMNS: u32 = 24;

impl Grid {
    pub(super) fn place(&mut self, w: u32, h: u32) -> GridPos {
        let w = w.clamp(1, GRID_COLUMNS);
        if self.x + w > GRID_COLUMNS {
            self.new_line();
        }
        let position = GridPos {
            h,
            w,
            x: self.x,
            y: self.y,
        };
        self.x += w;
        self.line_height = self.line_height.max(h);
        position
    }

    /// A full-width row header on a line of its own.
    pub(super) fn row(&mut self, title: impl Into<String>) -> Item {
        self.new_line();
        let grid_pos = self.place(GRID_COLUMNS, 1);
        self.new_line();
        Item::Row(Row {
            kind: "row",
            id: self.id(),
            title: title.into(),
            collapsed: false,
            grid_pos,
            panels: Vec::new(),
        })
    }

    pub(super) fn id(&mut self) -> u32 {
        self.next_id += 1;
        self.next_id
    }

    fn new_line(&mut self) {
        if self.x > 0 || self.line_height > 0 {
            self.y += self.line_height;
        }
        self.x = 0;
        self.line_height = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::Grid;

    #[test]
    fn panels_wrap_and_rows_start_lines() {
        let mut grid = Grid::default();
        let a = grid.place(16, 8);
        let b = grid.place(16, 6);
        assert_eq!((a.x, a.y, b.x, b.y), (0, 0, 0, 8));
        let super::Item::Row(row) = grid.row("r") else {
            panic!("a row")
        };
        assert_eq!((row.grid_pos.x, row.grid_pos.y), (0, 14));
        assert_eq!(grid.place(4, 4).y, 15);
    }
}
