//! The one batch-result CSV layout, written by `matfuse predict`, the API's
//! `POST /api/v1/predict/batch?format=csv` and the page's download: `name`, `formula`,
//! `space_group`, then for each of the model's properties its value, `_sigma`, `_low95` and
//! `_high95` (in the property's unit), then the [`OOD_COLUMNS`], `error` and `warnings` (what
//! the structure reader repaired, `; `-separated, each with its line).

use crate::api::{OodReport, Predictions};
use crate::io::ParseWarning;

/// Columns that say how far a structure is from the model's training data: the level
/// (`typical`, `unusual`, `out_of_distribution`, `unknown`), the share of training structures
/// that are closer to the training data's centre, and the elements no training structure has.
pub const OOD_COLUMNS: [&str; 3] = ["ood", "ood_training_quantile", "unseen_elements"];

/// Cells per property: value, σ, and the 95 % interval's two ends.
const CELLS_PER_PROPERTY: usize = 4;

/// What a result row holds for a structure that was predicted.
#[derive(Clone, Copy, Debug)]
pub struct RowValues<'a> {
    pub formula: &'a str,
    pub space_group: &'a str,
    pub predictions: &'a Predictions,
    pub ood: &'a OodReport,
    /// What the reader repaired in this structure's file (empty for a clean file).
    pub warnings: &'a [ParseWarning],
}

/// The result table of a model predicting `properties` (in the model's output order).
#[derive(Clone, Debug, PartialEq)]
pub struct ResultCsv {
    properties: Vec<String>,
}

impl ResultCsv {
    pub fn new<S: Into<String>>(properties: impl IntoIterator<Item = S>) -> ResultCsv {
        ResultCsv { properties: properties.into_iter().map(Into::into).collect() }
    }

    /// The header's cells.
    pub fn header_cells(&self) -> Vec<String> {
        let mut cells = vec!["name".to_string(), "formula".into(), "space_group".into()];
        for name in &self.properties {
            cells.extend([name.clone(), format!("{name}_sigma"), format!("{name}_low95"), format!("{name}_high95")]);
        }
        cells.extend(OOD_COLUMNS.map(String::from));
        cells.extend(["error".into(), "warnings".into()]);
        cells
    }

    /// The header as one CSV line.
    pub fn header(&self) -> String {
        csv_record(&self.header_cells())
    }

    /// One row's cells: the structure's formula, space-group symbol, each property's value
    /// (empty where the prediction lacks it), out-of-distribution level and the reader's
    /// warnings, or the error.
    pub fn row_cells(&self, name: &str, outcome: Result<RowValues<'_>, &str>) -> Vec<String> {
        let mut cells = vec![name.to_string()];
        match outcome {
            Ok(row) => {
                cells.push(row.formula.to_string());
                cells.push(row.space_group.to_string());
                for property in &self.properties {
                    match row.predictions.get(property) {
                        Some(p) => {
                            cells.extend([p.value, p.sigma, p.interval_95[0], p.interval_95[1]].map(|x| x.to_string()))
                        }
                        None => cells.extend(std::iter::repeat_n(String::new(), CELLS_PER_PROPERTY)),
                    }
                }
                cells.extend(ood_cells(row.ood));
                cells.push(String::new());
                cells.push(row.warnings.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "));
            }
            Err(message) => {
                let empty = 2 + CELLS_PER_PROPERTY * self.properties.len() + OOD_COLUMNS.len();
                cells.extend(std::iter::repeat_n(String::new(), empty));
                cells.push(message.to_string());
                cells.push(String::new());
            }
        }
        cells
    }

    /// One row as one CSV line.
    pub fn row(&self, name: &str, outcome: Result<RowValues<'_>, &str>) -> String {
        csv_record(&self.row_cells(name, outcome))
    }
}

/// The [`OOD_COLUMNS`] cells of one report (empty quantile when the model has no statistics;
/// unseen elements separated by spaces).
fn ood_cells(report: &OodReport) -> [String; 3] {
    [
        report.level.as_str().to_string(),
        report.training_quantile.map(|q| format!("{q:.3}")).unwrap_or_default(),
        report.unseen_elements.join(" "),
    ]
}

/// One CSV record (quoted as needed), ending in a newline.
pub fn csv_record(cells: &[String]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    // Writing to memory cannot fail, and the cells are `String`s, so the bytes are UTF-8.
    let _ = writer.write_record(cells);
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::PropertyValue;

    /// The four crystal tasks, each 1 ± 0.5 with z95 = 3.
    fn crystal_predictions() -> Predictions {
        crate::task::CRYSTAL_TASKS
            .iter()
            .map(|&name| {
                let task = crate::task::by_name(name).expect("a registered task");
                (name.to_string(), PropertyValue::new(task, 1.0, 0.5, 3.0, task.unit))
            })
            .collect()
    }

    #[test]
    fn result_rows_line_up_with_the_header() {
        let p = crystal_predictions();
        let table = ResultCsv::new(p.names());
        let ood = OodReport {
            score: Some(4.2),
            training_quantile: Some(0.99731),
            level: crate::api::OodLevel::OutOfDistribution,
            unseen_elements: vec!["Po".into(), "Rn".into()],
            method: "test".into(),
        };
        let warnings = [
            ParseWarning { line: Some(7), message: "`_cell_length_a` is given twice; the first value is kept".into() },
            ParseWarning { line: None, message: "two sites 0.12 Å apart were merged".into() },
        ];
        let values =
            RowValues { formula: "NaCl", space_group: "Fm-3m", predictions: &p, ood: &ood, warnings: &warnings };
        let ok = table.row_cells("a, b", Ok(values));
        let bad = table.row_cells("c", Err("no atoms"));
        let header = table.header_cells();
        assert_eq!(ok.len(), header.len());
        assert_eq!(bad.len(), header.len());
        assert_eq!(csv_record(&ok[..2]), "\"a, b\",NaCl\n");
        assert_eq!(
            header[3..7],
            [
                "formation_energy_per_atom",
                "formation_energy_per_atom_sigma",
                "formation_energy_per_atom_low95",
                "formation_energy_per_atom_high95"
            ]
        );
        // value, σ, then the 95 % interval (band gap's low end clipped at 0).
        assert_eq!(ok[3..7], ["1", "0.5", "-0.5", "2.5"]);
        assert_eq!(ok[7..11], ["1", "0.5", "0", "2.5"]);
        assert_eq!(header[19..22], OOD_COLUMNS);
        assert_eq!(ok[19..22], ["out_of_distribution", "0.997", "Po Rn"]);
        assert_eq!(header[22..], ["error", "warnings"]);
        assert_eq!(ok[22], "");
        assert_eq!(
            ok[23],
            "line 7: `_cell_length_a` is given twice; the first value is kept; two sites 0.12 Å apart were merged"
        );
        assert!(bad[1..22].iter().all(String::is_empty));
        assert_eq!(bad[22..], ["no atoms", ""]);
    }

    #[test]
    fn columns_follow_the_models_properties() {
        let p = crystal_predictions();
        let ood = OodReport {
            score: None,
            training_quantile: None,
            level: crate::api::OodLevel::Unknown,
            unseen_elements: vec![],
            method: "test".into(),
        };
        let table = ResultCsv::new(["band_gap", "volume_per_atom"]);
        assert_eq!(table.header_cells().len(), 3 + 8 + 3 + 2);
        let values = RowValues { formula: "NaCl", space_group: "Fm-3m", predictions: &p, ood: &ood, warnings: &[] };
        let cells = table.row_cells("x", Ok(values));
        assert_eq!(cells[3..11], ["1", "0.5", "0", "2.5", "", "", "", ""]);
        assert_eq!(cells.last().unwrap(), "");
        assert_eq!(table.row("x", Err("bad")), "x,,,,,,,,,,,,,,bad,\n");
    }

    #[test]
    fn ood_levels_are_named_as_serialised() {
        use crate::api::OodLevel;
        for level in [OodLevel::Typical, OodLevel::Unusual, OodLevel::OutOfDistribution, OodLevel::Unknown] {
            assert_eq!(serde_json::to_string(&level).unwrap(), format!("\"{}\"", level.as_str()));
        }
    }
}
