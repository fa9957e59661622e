//! Structure tables: CSV or gzip-compressed CSV files with one structure per row (a `cif` or
//! `poscar` column), an optional id (`material_id` or `id`), `split`, and label columns.

use crate::error::{Error, Result};
use shared::dataset::LABEL_COLUMNS;
use std::io::Read;
use std::path::Path;

/// One row of a structure table.
#[derive(Debug, Clone)]
pub struct TableRow {
    pub row: u32,
    pub id: String,
    pub structure: String,
    pub split: Option<String>,
    pub labels: [Option<f32>; 4],
}

/// Reads every row of `path` (`.gz` is decompressed).
pub fn read_table(path: &Path) -> Result<Vec<TableRow>> {
    let file = std::fs::File::open(path).map_err(|source| Error::Read { path: path.into(), source })?;
    let reader: Box<dyn Read> = if path.extension().is_some_and(|e| e == "gz") {
        Box::new(flate2::read::MultiGzDecoder::new(std::io::BufReader::new(file)))
    } else {
        Box::new(std::io::BufReader::new(file))
    };
    let table_err = |message: String| Error::Table { path: path.into(), message };
    let mut csv = csv::ReaderBuilder::new().flexible(false).from_reader(reader);
    let headers = csv.headers().map_err(|e| table_err(e.to_string()))?.clone();
    let column = |names: &[&str]| names.iter().find_map(|n| headers.iter().position(|h| h == *n));
    let structure_col = column(&["cif", "poscar", "structure"])
        .ok_or_else(|| table_err("no `cif`, `poscar` or `structure` column".into()))?;
    let id_col = column(&["material_id", "id"]);
    let split_col = column(&["split"]);
    let label_cols = LABEL_COLUMNS.map(|(name, _)| column(&[name]));

    let mut rows = Vec::new();
    for (row, record) in csv.records().enumerate() {
        let record = record.map_err(|e| table_err(e.to_string()))?;
        let field = |c: Option<usize>| c.and_then(|c| record.get(c)).map(str::trim).filter(|s| !s.is_empty());
        let mut labels = [None; 4];
        for (k, col) in label_cols.iter().enumerate() {
            if let Some(text) = field(*col) {
                let value: f32 = text.parse().map_err(|_| {
                    table_err(format!("row {}: `{}` is '{text}', not a number", row + 2, LABEL_COLUMNS[k].0))
                })?;
                labels[k] = value.is_finite().then_some(value);
            }
        }
        rows.push(TableRow {
            row: row as u32,
            id: field(id_col).map_or_else(|| row.to_string(), str::to_string),
            structure: record.get(structure_col).unwrap_or_default().to_string(),
            split: field(split_col).map(str::to_string),
            labels,
        });
    }
    Ok(rows)
}
