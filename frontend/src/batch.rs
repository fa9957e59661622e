//! Batches in the page: many files (each a structure, or a CSV table of them) become items,
//! each item is analysed and predicted exactly as a single structure is, and the rows sort and
//! download as the server's batch CSV ([`shared::batch::ResultCsv`], the one layout).

use shared::api::{BatchLine, BatchOutcome, OodReport, Predictions};
use shared::batch::{self, TableItem};
use shared::io::ParseWarning;

/// One result row, in input order `index`.
#[derive(Clone, Debug, PartialEq)]
pub struct BatchRow {
    pub index: usize,
    pub name: String,
    pub outcome: Result<RowResult, String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RowResult {
    pub formula: String,
    pub space_group: String,
    pub predictions: Predictions,
    pub ood: OodReport,
    /// What the reader repaired in the file.
    pub warnings: Vec<ParseWarning>,
}

/// The items of dropped or picked files (`(name, bytes)`): a zip archive adds its members, a
/// `.csv` one item per row, any other file is one structure (format from its name, else
/// detected); see [`batch::items_from_file`].
pub fn items_from_files(files: Vec<(String, Vec<u8>)>) -> Vec<TableItem> {
    files.iter().flat_map(|(name, bytes)| batch::items_from_file(name, bytes, batch::UnpackLimits::default())).collect()
}

/// A `multipart/form-data` body holding `files` as `files` parts (what the server's
/// `POST /api/v1/predict/batch` reads), with its content type.
pub fn multipart_body(files: &[(String, Vec<u8>)]) -> (Vec<u8>, String) {
    let boundary = "matfuse-batch-7d4c1f0e9a2b";
    let mut body = Vec::new();
    for (name, bytes) in files {
        // Quotes and line breaks cannot appear inside the quoted file name.
        let name: String = name.chars().map(|c| if matches!(c, '"' | '\r' | '\n') { '_' } else { c }).collect();
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").bytes());
    (body, format!("multipart/form-data; boundary={boundary}"))
}

/// A row from one NDJSON line of the server's batch answer, and the model that answered.
pub fn row_from_line(line: &str) -> Result<(BatchRow, Option<String>), String> {
    let line: BatchLine =
        serde_json::from_str(line).map_err(|e| format!("the server sent an unreadable line ({e})"))?;
    let (outcome, model) = match line.outcome {
        BatchOutcome::Result(r) => (
            Ok(RowResult {
                formula: r.symmetry.formula.clone(),
                space_group: r.symmetry.space_group.symbol.clone(),
                predictions: r.predictions.clone(),
                ood: r.ood.clone(),
                warnings: r.warnings.clone(),
            }),
            Some(r.model.id.clone()),
        ),
        BatchOutcome::Error(e) => (Err(e.message), None),
    };
    Ok((BatchRow { index: line.index, name: line.name, outcome }, model))
}

/// What the table can be sorted by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortKey {
    Index,
    Name,
    Formula,
    /// A property, by its position in each row's predictions (the model's task order).
    Property(usize),
}

/// Sorts rows by `key`; failed rows and missing values go last either way.
pub fn sort(rows: &mut [BatchRow], key: SortKey, ascending: bool) {
    use std::cmp::Ordering;
    let value = |r: &BatchRow, i: usize| {
        r.outcome.as_ref().ok().and_then(|o| o.predictions.iter().nth(i).map(|(_, p)| p.value))
    };
    rows.sort_by(|a, b| {
        let order = match key {
            SortKey::Index => a.index.cmp(&b.index),
            SortKey::Name => a.name.cmp(&b.name),
            SortKey::Formula => match (&a.outcome, &b.outcome) {
                (Ok(x), Ok(y)) => x.formula.cmp(&y.formula),
                (Ok(_), Err(_)) => return Ordering::Less,
                (Err(_), Ok(_)) => return Ordering::Greater,
                (Err(_), Err(_)) => Ordering::Equal,
            },
            SortKey::Property(i) => match (value(a, i), value(b, i)) {
                (Some(x), Some(y)) => x.total_cmp(&y),
                (Some(_), None) => return Ordering::Less,
                (None, Some(_)) => return Ordering::Greater,
                (None, None) => Ordering::Equal,
            },
        };
        let order = if ascending { order } else { order.reverse() };
        order.then(a.index.cmp(&b.index))
    });
}

/// The rows as CSV, in input order, in the server's batch layout ([`batch::ResultCsv`]): the
/// property columns are those of the first predicted row (the model that answered), else
/// `properties` (the page's model's, when every row failed).
pub fn to_csv<'a>(rows: &[BatchRow], properties: impl IntoIterator<Item = &'a str>) -> String {
    let mut ordered: Vec<&BatchRow> = rows.iter().collect();
    ordered.sort_by_key(|r| r.index);
    let answered = ordered.iter().find_map(|row| row.outcome.as_ref().ok());
    let table = match answered {
        Some(r) => batch::ResultCsv::new(r.predictions.names()),
        None => batch::ResultCsv::new(properties),
    };
    let mut out = table.header();
    for row in ordered {
        out.push_str(&match &row.outcome {
            Ok(r) => table.row(
                &row.name,
                Ok(batch::RowValues {
                    formula: &r.formula,
                    space_group: &r.space_group,
                    predictions: &r.predictions,
                    ood: &r.ood,
                    warnings: &r.warnings,
                }),
            ),
            Err(e) => table.row(&row.name, Err(e)),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(index: usize, name: &str, gap: Option<f64>) -> BatchRow {
        BatchRow {
            index,
            name: name.into(),
            outcome: gap
                .map(|g| RowResult {
                    formula: name.to_uppercase(),
                    space_group: "P1".into(),
                    predictions: shared::task::CRYSTAL_TASKS
                        .iter()
                        .map(|&name| {
                            let task = shared::task::by_name(name).unwrap();
                            let value = if name == "band_gap" { g } else { 0.0 };
                            (name.to_string(), shared::api::PropertyValue::new(task, value, 0.1, 2.0, task.unit))
                        })
                        .collect(),
                    ood: shared::api::OodReport {
                        score: Some(1.0),
                        training_quantile: Some(0.5),
                        level: shared::api::OodLevel::Typical,
                        unseen_elements: vec![],
                        method: "test".into(),
                    },
                    warnings: vec![ParseWarning { line: Some(3), message: "a tag given twice".into() }],
                })
                .ok_or_else(|| "broken".to_string()),
        }
    }

    #[test]
    fn files_and_tables_become_items() {
        let items = items_from_files(vec![
            ("a.cif".into(), b"data_a".to_vec()),
            ("POSCAR".into(), b"x".to_vec()),
            ("t.csv".into(), b"name,cif\nx,data_x\ny,data_y\n".to_vec()),
            ("bad.csv".into(), b"a,b\n".to_vec()),
        ]);
        let names: Vec<&str> = items.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["a.cif", "POSCAR", "x", "y", "bad.csv"]);
        assert_eq!(items[1].structure.as_ref().unwrap().1, Some(shared::Format::Poscar));
        assert!(items[4].structure.is_err());
    }

    #[test]
    fn multipart_bodies_name_each_file() {
        let (body, content_type) =
            multipart_body(&[("a \"b\".cif".into(), b"data_a".to_vec()), ("s.zip".into(), vec![0, 1])]);
        let boundary = content_type.strip_prefix("multipart/form-data; boundary=").unwrap();
        let text = String::from_utf8_lossy(&body);
        assert_eq!(text.matches(&format!("--{boundary}\r\n")).count(), 2);
        assert!(text.contains("filename=\"a _b_.cif\"\r\nContent-Type: application/octet-stream\r\n\r\ndata_a\r\n"));
        assert!(body.ends_with(format!("\r\n--{boundary}--\r\n").as_bytes()));
    }

    #[test]
    fn server_lines_become_rows() {
        let error = r#"{"index":3,"name":"x.cif","error":{"code":"parse_error","message":"CIF, line 2: broken","detail":null}}"#;
        let (row, model) = row_from_line(error).unwrap();
        assert_eq!((row.index, row.name.as_str(), model), (3, "x.cif", None));
        assert_eq!(row.outcome, Err("CIF, line 2: broken".into()));
        assert!(row_from_line("{").unwrap_err().starts_with("the server sent an unreadable line"));
    }

    #[test]
    fn sorting_keeps_failures_last_and_csv_keeps_input_order() {
        let mut rows = vec![row(0, "b", Some(2.0)), row(1, "a", None), row(2, "c", Some(1.0))];
        sort(&mut rows, SortKey::Property(1), true);
        assert_eq!(rows.iter().map(|r| r.index).collect::<Vec<_>>(), [2, 0, 1]);
        sort(&mut rows, SortKey::Property(1), false);
        assert_eq!(rows.iter().map(|r| r.index).collect::<Vec<_>>(), [0, 2, 1]);
        sort(&mut rows, SortKey::Name, true);
        assert_eq!(rows.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), ["a", "b", "c"]);
        let csv = to_csv(&rows, []);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 4);
        assert!(lines[0].starts_with("name,formula,space_group,formation_energy_per_atom,"));
        assert!(lines[1].starts_with("b,B,P1,0,0.1,-0.2,0.2,2,0.1,1.8,2.2,"), "{}", lines[1]);
        assert!(lines[1].ends_with(",typical,0.500,,,line 3: a tag given twice"), "{}", lines[1]);
        assert!(lines[2].starts_with("a,,,") && lines[2].ends_with(",broken,"));
        let failed = to_csv(&rows[..1], ["band_gap"]);
        assert_eq!(
            failed,
            "name,formula,space_group,band_gap,band_gap_sigma,band_gap_low95,band_gap_high95,ood,ood_training_quantile,unseen_elements,error,warnings\na,,,,,,,,,,broken,\n"
        );
    }
}
