//! Batches of structures, the same in the backend (`POST /api/v1/predict/batch`) and the page:
//! reading a structure table (a CSV with a `cif` or `poscar` column and an optional
//! `name`/`material_id`/`id` column), the format a file name implies, and the result table's
//! CSV layout (name, formula, space group, each property's value, σ and 95 % interval, the
//! out-of-distribution level, error). A batch file is
//! one structure, a structure table or a zip archive of either ([`items_from_file`]).

mod archive;

pub use archive::{Member, UnpackLimits, is_zip, read_zip};

use crate::Format;
use crate::api::{OodReport, Predictions};

/// One structure of a batch: its name and text (with the format its file name or table column
/// implies; `None` = detect from the text), or why it is unusable.
#[derive(Debug, Clone, PartialEq)]
pub struct TableItem {
    pub name: String,
    pub structure: Result<(String, Option<Format>), String>,
}

impl TableItem {
    fn failed(name: impl Into<String>, error: String) -> TableItem {
        TableItem { name: name.into(), structure: Err(error) }
    }
}

/// The structures of one uploaded file named `name`: a zip archive (by content) gives the
/// items of each member, a `.csv` table one item per row, any other file one structure. Nothing
/// here fails the batch: an unusable file or member becomes an item carrying its error.
pub fn items_from_file(name: &str, bytes: &[u8], limits: UnpackLimits) -> Vec<TableItem> {
    if is_zip(bytes) {
        return match read_zip(bytes, name, limits) {
            Ok(members) => members
                .into_iter()
                .flat_map(|member| match member.bytes {
                    Ok(bytes) => items_from_plain_file(&member.path, &bytes),
                    Err(e) => vec![TableItem::failed(member.path, e)],
                })
                .collect(),
            Err(e) => vec![TableItem::failed(name, e)],
        };
    }
    items_from_plain_file(name, bytes)
}

fn items_from_plain_file(name: &str, bytes: &[u8]) -> Vec<TableItem> {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => return vec![TableItem::failed(name, format!("{name}: not UTF-8 text ({e})"))],
    };
    if is_table(name) {
        match read_structure_table(text, name) {
            Ok(rows) => rows,
            Err(e) => vec![TableItem::failed(name, e)],
        }
    } else {
        vec![TableItem { name: name.to_string(), structure: Ok((text.to_string(), format_of(name))) }]
    }
}

/// The rows of a structure table read from `source` (named in messages). Fails only when the
/// table as a whole is unusable (no header, no structure column); a broken row becomes an item
/// with its error, naming its line.
pub fn read_structure_table(text: &str, source: &str) -> Result<Vec<TableItem>, String> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| format!("{source}: unreadable CSV header: {e}"))?.clone();
    let column = |name: &str| headers.iter().position(|h| h.trim().eq_ignore_ascii_case(name));
    let (structure_col, format) = match (column("cif"), column("poscar")) {
        (Some(c), _) => (c, Format::Cif),
        (None, Some(c)) => (c, Format::Poscar),
        (None, None) => return Err(format!("{source}: the CSV has no `cif` or `poscar` column")),
    };
    let name_col = column("name").or_else(|| column("material_id")).or_else(|| column("id"));
    Ok(reader
        .records()
        .enumerate()
        .map(|(i, record)| {
            let fallback = format!("row-{}", i + 2);
            match record {
                Ok(record) => {
                    let line = record.position().map_or(i as u64 + 2, |p| p.line());
                    TableItem {
                        name: name_col
                            .and_then(|c| record.get(c))
                            .map(str::trim)
                            .filter(|n| !n.is_empty())
                            .map_or(fallback, str::to_string),
                        structure: record
                            .get(structure_col)
                            .map(|s| (s.to_string(), Some(format)))
                            .ok_or_else(|| format!("{source}, line {line}: the row has no structure column")),
                    }
                }
                Err(e) => TableItem { name: fallback, structure: Err(format!("{source}: {e}")) },
            }
        })
        .collect())
}

/// The format a file's name implies (`.cif`, `.xyz`/`.extxyz`, `.vasp`/`.poscar`, `POSCAR*`,
/// `CONTCAR*`), if any.
pub fn format_of(file_name: &str) -> Option<Format> {
    let lower = file_name.to_ascii_lowercase();
    let base = lower.rsplit(['/', '\\']).next().unwrap_or(&lower);
    if base.ends_with(".cif") {
        Some(Format::Cif)
    } else if base.ends_with(".xyz") || base.ends_with(".extxyz") {
        Some(Format::Xyz)
    } else if base.ends_with(".vasp")
        || base.ends_with(".poscar")
        || base.starts_with("poscar")
        || base.starts_with("contcar")
    {
        Some(Format::Poscar)
    } else {
        None
    }
}

/// Whether a file is a structure table rather than one structure.
pub fn is_table(file_name: &str) -> bool {
    file_name.to_ascii_lowercase().ends_with(".csv")
}

/// Columns that say how far a structure is from the model's training data: the level
/// (`typical`, `unusual`, `out_of_distribution`, `unknown`), the share of training structures
/// that are closer to the training data's centre, and the elements no training structure has.
pub const OOD_COLUMNS: [&str; 3] = ["ood", "ood_training_quantile", "unseen_elements"];

/// The [`OOD_COLUMNS`] cells of one report (empty quantile when the model has no statistics;
/// unseen elements separated by spaces).
pub fn ood_cells(report: &OodReport) -> [String; 3] {
    [
        report.level.as_str().to_string(),
        report.training_quantile.map(|q| format!("{q:.3}")).unwrap_or_default(),
        report.unseen_elements.join(" "),
    ]
}

/// Column names of the result table.
pub fn result_header() -> Vec<String> {
    let mut cells = vec!["name".to_string(), "formula".into(), "space_group".into()];
    for name in Predictions::NAMES {
        cells.push(name.to_string());
        cells.push(format!("{name}_sigma"));
        cells.push(format!("{name}_low95"));
        cells.push(format!("{name}_high95"));
    }
    cells.extend(OOD_COLUMNS.map(String::from));
    cells.push("error".into());
    cells
}

/// What a result row holds for a structure that was predicted.
#[derive(Clone, Copy, Debug)]
pub struct RowValues<'a> {
    pub formula: &'a str,
    pub space_group: &'a str,
    pub predictions: &'a Predictions,
    pub ood: &'a OodReport,
}

/// One result row: the structure's formula, space-group symbol, predictions and
/// out-of-distribution level, or the error.
pub fn result_row(name: &str, outcome: Result<RowValues<'_>, &str>) -> Vec<String> {
    let mut cells = vec![name.to_string()];
    match outcome {
        Ok(row) => {
            cells.push(row.formula.to_string());
            cells.push(row.space_group.to_string());
            for (_, p) in row.predictions.iter() {
                cells.push(p.value.to_string());
                cells.push(p.sigma.to_string());
                cells.push(p.interval_95[0].to_string());
                cells.push(p.interval_95[1].to_string());
            }
            cells.extend(ood_cells(row.ood));
            cells.push(String::new());
        }
        Err(message) => {
            cells.extend(std::iter::repeat_n(String::new(), 2 + 4 * Predictions::NAMES.len() + OOD_COLUMNS.len()));
            cells.push(message.to_string());
        }
    }
    cells
}

/// One CSV record (quoted as needed), ending in a newline.
pub fn csv_record(cells: &[String]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record(cells);
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_become_named_items() {
        let items =
            read_structure_table("material_id,cif\nmp-1,\"data_a\n_cell_length_a 1\"\n,data_b\n", "t.csv").unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].name, "mp-1");
        assert_eq!(items[1].name, "row-3");
        assert!(items[0].structure.as_ref().unwrap().0.contains("_cell_length_a"));
        let err = read_structure_table("a,b\n1,2\n", "t.csv").unwrap_err();
        assert!(err.contains("no `cif` or `poscar` column"), "{err}");
    }

    #[test]
    fn files_tables_and_archives_become_items() {
        let limits = UnpackLimits::default();
        let single = items_from_file("POSCAR", b"Si\n", limits);
        assert_eq!(single, [TableItem { name: "POSCAR".into(), structure: Ok(("Si\n".into(), Some(Format::Poscar))) }]);
        let bytes = archive::tests::zip_of(&[
            ("a.cif", b"data_a"),
            ("t.csv", b"name,poscar\nx,P1\ny,P2\n"),
            ("bad.cif", &[0xff, 0xfe]),
            ("notes.txt", b"text"),
        ]);
        let items = items_from_file("set.zip", &bytes, limits);
        let names: Vec<&str> = items.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["set.zip/a.cif", "x", "y", "set.zip/bad.cif", "set.zip/notes.txt"]);
        assert_eq!(items[2].structure, Ok(("P2".into(), Some(Format::Poscar))));
        assert!(items[3].structure.as_ref().unwrap_err().starts_with("set.zip/bad.cif: not UTF-8 text"));
        assert_eq!(items[4].structure, Ok(("text".into(), None)));
        let broken = items_from_file("cut.zip", b"PK\x03\x04", limits);
        assert!(broken[0].structure.as_ref().unwrap_err().starts_with("cut.zip: not a readable zip archive"));
    }

    #[test]
    fn file_names_imply_formats() {
        assert_eq!(format_of("NaCl.CIF"), Some(Format::Cif));
        assert_eq!(format_of("dir/POSCAR"), Some(Format::Poscar));
        assert_eq!(format_of("x.extxyz"), Some(Format::Xyz));
        assert_eq!(format_of("structure.txt"), None);
        assert!(is_table("Batch.CSV"));
    }

    #[test]
    fn result_rows_line_up_with_the_header() {
        let p = Predictions::from_arrays([1.0; 4], [0.5; 4], [3.0; 4], ["eV/atom", "eV", "eV/atom", "eV"]);
        let ood = OodReport {
            score: Some(4.2),
            training_quantile: Some(0.99731),
            level: crate::api::OodLevel::OutOfDistribution,
            unseen_elements: vec!["Po".into(), "Rn".into()],
            method: "test".into(),
        };
        let values = RowValues { formula: "NaCl", space_group: "Fm-3m", predictions: &p, ood: &ood };
        let ok = result_row("a, b", Ok(values));
        let bad = result_row("c", Err("no atoms"));
        assert_eq!(ok.len(), result_header().len());
        assert_eq!(bad.len(), result_header().len());
        assert_eq!(csv_record(&ok[..2]), "\"a, b\",NaCl\n");
        // value, σ, then the 95 % interval (band gap's low end clipped at 0).
        assert_eq!(ok[3..7], ["1", "0.5", "-0.5", "2.5"]);
        assert_eq!(ok[7..11], ["1", "0.5", "0", "2.5"]);
        let header = result_header();
        assert_eq!(header[19..22], OOD_COLUMNS);
        assert_eq!(ok[19..22], ["out_of_distribution", "0.997", "Po Rn"]);
        assert_eq!(ok.last().unwrap(), "");
        assert!(bad[1..22].iter().all(String::is_empty));
        assert_eq!(bad.last().unwrap(), "no atoms");
    }

    #[test]
    fn ood_levels_are_named_as_serialised() {
        use crate::api::OodLevel;
        for level in [OodLevel::Typical, OodLevel::Unusual, OodLevel::OutOfDistribution, OodLevel::Unknown] {
            assert_eq!(serde_json::to_string(&level).unwrap(), format!("\"{}\"", level.as_str()));
        }
    }
}
