//! Batches in the page: many files (each a structure, or a CSV table of them) become items,
//! each item is analysed and predicted exactly as a single structure is, and the rows sort and
//! download as the backend's batch CSV ([`shared::batch`]).

use shared::api::Predictions;
use shared::batch::{self, TableItem};

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
}

/// The items of dropped or picked files (`(name, text)`): a `.csv` adds one item per row, any
/// other file is one structure (format from its name, else detected).
pub fn items_from_files(files: Vec<(String, String)>) -> Vec<TableItem> {
    let mut items = Vec::new();
    for (name, text) in files {
        if batch::is_table(&name) {
            match batch::read_structure_table(&text, &name) {
                Ok(rows) => items.extend(rows),
                Err(e) => items.push(TableItem { name, structure: Err(e) }),
            }
        } else {
            let format = batch::format_of(&name).unwrap_or(shared::Format::Cif);
            items.push(TableItem { name, structure: Ok((text, format)) });
        }
    }
    items
}

/// What the table can be sorted by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortKey {
    Index,
    Name,
    Formula,
    /// A property, by its index in [`Predictions::NAMES`].
    Property(usize),
}

/// Sorts rows by `key`; failed rows and missing values go last either way.
pub fn sort(rows: &mut [BatchRow], key: SortKey, ascending: bool) {
    use std::cmp::Ordering;
    let value = |r: &BatchRow, i: usize| r.outcome.as_ref().ok().and_then(|o| o.predictions.iter().nth(i).map(|(_, p)| p.value));
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

/// The rows as CSV, in input order, in the backend's batch layout.
pub fn to_csv(rows: &[BatchRow]) -> String {
    let mut ordered: Vec<&BatchRow> = rows.iter().collect();
    ordered.sort_by_key(|r| r.index);
    let mut out = batch::csv_record(&batch::result_header());
    for row in ordered {
        let cells = match &row.outcome {
            Ok(r) => batch::result_row(&row.name, Ok((&r.formula, &r.space_group, &r.predictions))),
            Err(e) => batch::result_row(&row.name, Err(e)),
        };
        out.push_str(&batch::csv_record(&cells));
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
                    predictions: Predictions::from_arrays([0.0, g, 0.0, 0.0], [0.1; 4], ["eV/atom", "eV", "eV/atom", "eV"]),
                })
                .ok_or_else(|| "broken".to_string()),
        }
    }

    #[test]
    fn files_and_tables_become_items() {
        let items = items_from_files(vec![
            ("a.cif".into(), "data_a".into()),
            ("POSCAR".into(), "x".into()),
            ("t.csv".into(), "name,cif\nx,data_x\ny,data_y\n".into()),
            ("bad.csv".into(), "a,b\n".into()),
        ]);
        let names: Vec<&str> = items.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["a.cif", "POSCAR", "x", "y", "bad.csv"]);
        assert_eq!(items[1].structure.as_ref().unwrap().1, shared::Format::Poscar);
        assert!(items[4].structure.is_err());
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
        let csv = to_csv(&rows);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 4);
        assert!(lines[0].starts_with("name,formula,space_group,formation_energy_per_atom,"));
        assert!(lines[1].starts_with("b,B,P1,0,0.1,2,0.1,"));
        assert!(lines[2].starts_with("a,,,") && lines[2].ends_with(",broken"));
    }
}
