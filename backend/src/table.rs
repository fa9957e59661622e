//! Structure tables on disk (training data, `matfuse eval`/`predict --csv`): the file is read
//! and handed to `shared::batch::read_table`, the one table reader, with every task's label
//! column. Training data must be whole: the first unreadable row fails the table, naming its
//! line and column.

use crate::error::{Error, Result};
use std::path::Path;

/// One row of a structure table.
#[derive(Debug, Clone)]
pub struct TableRow {
    /// 0-based position among the table's rows.
    pub row: u32,
    /// The `material_id` (else `id`) column, else the row's position.
    pub id: String,
    pub structure: String,
    pub split: Option<String>,
    /// Labels of every task of `shared::task::TASKS`, in registry order (`None` where missing).
    pub labels: Vec<Option<f32>>,
}

/// Reads every row of `path` (gzip-compressed files are recognised by their content).
pub fn read_table(path: &Path) -> Result<Vec<TableRow>> {
    let bytes = std::fs::read(path).map_err(|source| Error::Read { path: path.into(), source })?;
    let table_err = |e: shared::Error| Error::Table { path: path.into(), message: without_table_name(e) };
    let columns: Vec<&str> = shared::task::TASKS.iter().map(|task| task.column).collect();
    let source = path.display().to_string();
    shared::batch::read_table(&bytes, &source, &columns, u64::MAX)
        .map_err(table_err)?
        .into_iter()
        .map(|row| {
            let row = row.map_err(table_err)?;
            Ok(TableRow {
                row: row.index as u32,
                id: row.id.unwrap_or_else(|| row.index.to_string()),
                structure: row.structure,
                split: row.split,
                labels: row.labels,
            })
        })
        .collect()
}

/// The message of a table error without the table's name (`Error::Table` names the path).
fn without_table_name(e: shared::Error) -> String {
    match e {
        shared::Error::Table { line, column, message, .. } => {
            let at = if line == 0 { String::new() } else { format!("line {line}") };
            let column = column.map(|c| format!("column `{c}`")).unwrap_or_default();
            let place = [at, column].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(", ");
            if place.is_empty() { message } else { format!("{place}: {message}") }
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_read_with_every_task_label_and_bad_cells_are_named() {
        let dir = std::env::temp_dir().join(format!("matfuse-table-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let good = dir.join("good.csv");
        std::fs::write(&good, "material_id,band_gap,split,cif\nmp-1,1.5,train,data_a\n,,val,data_b\n").unwrap();
        let rows = read_table(&good).unwrap();
        assert_eq!((rows[0].id.as_str(), rows[1].id.as_str()), ("mp-1", "1"));
        let gap = shared::task::index("band_gap").unwrap();
        assert_eq!((rows[0].labels.len(), rows[0].labels[gap]), (shared::task::TASKS.len(), Some(1.5)));
        let bad = dir.join("bad.csv");
        std::fs::write(&bad, "cif,band_gap\ndata_a,1\ndata_b,wide\n").unwrap();
        let message = read_table(&bad).unwrap_err().to_string();
        let _ = std::fs::remove_dir_all(&dir);
        assert!(message.ends_with("bad.csv: line 3, column `band_gap`: 'wide' is not a number"), "{message}");
    }
}
