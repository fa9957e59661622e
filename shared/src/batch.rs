//! Batches of structures, the same in the backend (`POST /api/v1/predict/batch`) and the page:
//! reading a structure table (a CSV with a `cif` or `poscar` column and an optional
//! `name`/`material_id`/`id` column), the format a file name implies, and the result table's
//! CSV layout (name, formula, space group, each property's value and σ, error).

use crate::Format;
use crate::api::Predictions;

/// One row of a structure table: its name and the structure text, or why the row is unusable.
#[derive(Debug, Clone, PartialEq)]
pub struct TableItem {
    pub name: String,
    pub structure: Result<(String, Format), String>,
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
                            .map(|s| (s.to_string(), format))
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
    } else if base.ends_with(".vasp") || base.ends_with(".poscar") || base.starts_with("poscar") || base.starts_with("contcar") {
        Some(Format::Poscar)
    } else {
        None
    }
}

/// Whether a file is a structure table rather than one structure.
pub fn is_table(file_name: &str) -> bool {
    file_name.to_ascii_lowercase().ends_with(".csv")
}

/// Column names of the result table.
pub fn result_header() -> Vec<String> {
    let mut cells = vec!["name".to_string(), "formula".into(), "space_group".into()];
    for name in Predictions::NAMES {
        cells.push(name.to_string());
        cells.push(format!("{name}_sigma"));
    }
    cells.push("error".into());
    cells
}

/// One result row: the structure's formula, space-group symbol and predictions, or the error.
pub fn result_row(name: &str, outcome: Result<(&str, &str, &Predictions), &str>) -> Vec<String> {
    let mut cells = vec![name.to_string()];
    match outcome {
        Ok((formula, space_group, predictions)) => {
            cells.push(formula.to_string());
            cells.push(space_group.to_string());
            for (_, p) in predictions.iter() {
                cells.push(p.value.to_string());
                cells.push(p.sigma.to_string());
            }
            cells.push(String::new());
        }
        Err(message) => {
            cells.extend(std::iter::repeat_n(String::new(), 2 + 2 * Predictions::NAMES.len()));
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
        let items = read_structure_table("material_id,cif\nmp-1,\"data_a\n_cell_length_a 1\"\n,data_b\n", "t.csv").unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].name, "mp-1");
        assert_eq!(items[1].name, "row-3");
        assert!(items[0].structure.as_ref().unwrap().0.contains("_cell_length_a"));
        let err = read_structure_table("a,b\n1,2\n", "t.csv").unwrap_err();
        assert!(err.contains("no `cif` or `poscar` column"), "{err}");
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
        let p = Predictions::from_arrays([1.0; 4], [0.5; 4], ["eV/atom", "eV", "eV/atom", "eV"]);
        let ok = result_row("a, b", Ok(("NaCl", "Fm-3m", &p)));
        let bad = result_row("c", Err("no atoms"));
        assert_eq!(ok.len(), result_header().len());
        assert_eq!(bad.len(), result_header().len());
        assert_eq!(csv_record(&ok[..2]), "\"a, b\",NaCl\n");
        assert_eq!(bad.last().unwrap(), "no atoms");
    }
}
