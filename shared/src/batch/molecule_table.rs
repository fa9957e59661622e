//! The molecule-table reader: a CSV (or gzip-compressed CSV) file with one molecule per row in a
//! `smiles` column, an optional `name` (else `iupac`) column and any label columns the caller
//! asks for (the MoleculeNet files as they come). Column names are matched without regard to
//! case or surrounding spaces; a row that cannot be read — its SMILES included — is an
//! [`Error::Table`] naming its line and column. [`read_smiles_table`] leaves the SMILES unread
//! for a caller that reads them itself.

use super::table::{row_name, unpacked};
use crate::error::Error;
use crate::molecule::Molecule;

/// One readable row of a molecule table: its molecule read (`M` = [`Molecule`],
/// [`read_molecule_table`]) or its SMILES as written ([`SmilesRow`], [`read_smiles_table`]).
#[derive(Debug, Clone, PartialEq)]
pub struct MoleculeRow<M = Molecule> {
    /// 0-based position among the table's rows.
    pub index: usize,
    /// 1-based line of the file the row starts on (the header is line 1).
    pub line: usize,
    /// The `name` (else `iupac`) column, if present and not empty.
    pub name: Option<String>,
    pub molecule: M,
    /// One entry per requested label column: the value, `None` when the column or the cell is
    /// missing or the value is not finite.
    pub labels: Vec<Option<f32>>,
}

/// A molecule-table row whose `smiles` cell is not read yet (surrounding spaces removed, never
/// empty).
pub type SmilesRow = MoleculeRow<String>;

impl<M> MoleculeRow<M> {
    /// What a batch calls the row: its `name`, else [`row_name`].
    pub fn display_name(&self) -> String {
        self.name.clone().unwrap_or_else(|| row_name(self.index))
    }
}

/// A molecule table's rows with their SMILES as written.
#[derive(Debug, Clone, PartialEq)]
pub struct SmilesTable {
    /// The `smiles` column's header as written (spaces trimmed), for messages.
    pub smiles_column: String,
    /// The rows in file order, each readable or the error that names its line and column.
    pub rows: Vec<Result<SmilesRow, Error>>,
}

/// Reads the molecule table `bytes` (gzip-compressed when they start with gzip's magic number,
/// then unpacked to at most `max_unpacked_bytes`), named `table` in messages, with the label
/// columns `labels`. Fails as a whole only when the table is unusable (unreadable, no header,
/// no `smiles` column); otherwise each row is read or the error that names its line and column.
pub fn read_molecule_table(
    bytes: &[u8],
    table: &str,
    labels: &[&str],
    max_unpacked_bytes: u64,
) -> Result<Vec<Result<MoleculeRow, Error>>, Error> {
    let SmilesTable { smiles_column, rows } = read_smiles_table(bytes, table, labels, max_unpacked_bytes)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let MoleculeRow { index, line, name, molecule: smiles, labels } = row?;
            let molecule = Molecule::from_smiles(&smiles).map_err(|e| Error::Table {
                table: table.to_string(),
                line,
                column: Some(smiles_column.clone()),
                message: format!("cannot read '{smiles}': {e}"),
            })?;
            Ok(MoleculeRow { index, line, name, molecule, labels })
        })
        .collect())
}

/// [`read_molecule_table`] without reading the SMILES: each row's `smiles` cell as written, for
/// a caller that reads it itself (the API's batch, whose rows answer like single requests).
pub fn read_smiles_table(
    bytes: &[u8],
    table: &str,
    labels: &[&str],
    max_unpacked_bytes: u64,
) -> Result<SmilesTable, Error> {
    let error = |line: usize, column: Option<&str>, message: String| Error::Table {
        table: table.to_string(),
        line,
        column: column.map(str::to_string),
        message,
    };
    let text = unpacked(bytes, table, max_unpacked_bytes)?;
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_ref());
    let headers = reader.headers().map_err(|e| error(0, None, format!("unreadable CSV header: {e}")))?.clone();
    let column = |name: &str| headers.iter().position(|h| h.trim().eq_ignore_ascii_case(name));
    let smiles_column = column("smiles").ok_or_else(|| error(0, None, "the table has no `smiles` column".into()))?;
    let smiles_header = headers.get(smiles_column).map_or("smiles", str::trim);
    let name_column = column("name").or_else(|| column("iupac"));
    let label_columns: Vec<(&str, Option<usize>)> = labels.iter().map(|&l| (l, column(l))).collect();
    let width = headers.len();
    let rows = reader
        .records()
        .enumerate()
        .map(|(index, record)| {
            let fallback_line = index + 2;
            let record = record.map_err(|e| {
                let line = e.position().map_or(fallback_line, |p| p.line() as usize);
                error(line, None, format!("unreadable CSV row: {e}"))
            })?;
            let line = record.position().map_or(fallback_line, |p| p.line() as usize);
            if record.len() != width {
                return Err(error(line, None, format!("{} fields where the header has {width}", record.len())));
            }
            let cell = |c: Option<usize>| c.and_then(|c| record.get(c)).map(str::trim).filter(|s| !s.is_empty());
            let labels = label_columns
                .iter()
                .map(|&(name, c)| match cell(c) {
                    None => Ok(None),
                    Some(text) => text
                        .parse::<f32>()
                        .map(|value| value.is_finite().then_some(value))
                        .map_err(|_| error(line, Some(name), format!("'{text}' is not a number"))),
                })
                .collect::<Result<Vec<_>, _>>()?;
            let smiles = cell(Some(smiles_column))
                .ok_or_else(|| error(line, Some(smiles_header), "no SMILES in the cell".into()))?;
            Ok(MoleculeRow {
                index,
                line,
                name: cell(name_column).map(str::to_string),
                molecule: smiles.to_string(),
                labels,
            })
        })
        .collect();
    Ok(SmilesTable { smiles_column: smiles_header.to_string(), rows })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str, labels: &[&str]) -> Result<Vec<Result<MoleculeRow, Error>>, Error> {
        read_molecule_table(text.as_bytes(), "m.csv", labels, u64::MAX)
    }

    #[test]
    fn rows_carry_molecules_names_and_labels() {
        let rows = read("iupac,SMILES,expt\n\"ethanol, absolute\",CCO ,-5.0\nwater,O,\n", &["expt", "calc"]).unwrap();
        let first = rows[0].as_ref().unwrap();
        assert_eq!((first.index, first.line, first.name.as_deref()), (0, 2, Some("ethanol, absolute")));
        assert_eq!((first.molecule.heavy_atom_count(), &first.labels[..]), (3, &[Some(-5.0), None][..]));
        let second = rows[1].as_ref().unwrap();
        assert_eq!((second.line, &second.labels[..]), (3, &[None, None][..]));
    }

    #[test]
    fn bad_rows_name_their_line_and_column() {
        let rows = read("smiles,exp\nC1CC,1\nCC,x\n,2\nCC\n", &["exp"]).unwrap();
        let message = |i: usize| rows[i].as_ref().unwrap_err().to_string();
        assert!(message(0).starts_with("m.csv, line 2, column `smiles`: cannot read 'C1CC': "), "{}", message(0));
        assert_eq!(message(1), "m.csv, line 3, column `exp`: 'x' is not a number");
        assert_eq!(message(2), "m.csv, line 4, column `smiles`: no SMILES in the cell");
        assert_eq!(message(3), "m.csv, line 5: 1 fields where the header has 2");
        let whole = read("cif,exp\n", &[]).unwrap_err().to_string();
        assert_eq!(whole, "m.csv: the table has no `smiles` column");
    }

    #[test]
    fn smiles_rows_keep_the_text_as_written_and_fall_back_to_row_names() {
        let table = read_smiles_table(b" Smiles ,name\n C1CC ,ring\nCCO,\n,x\n", "m.csv", &[], u64::MAX).unwrap();
        assert_eq!(table.smiles_column, "Smiles");
        let first = table.rows[0].as_ref().unwrap();
        assert_eq!((first.molecule.as_str(), first.display_name()), ("C1CC", "ring".to_string()));
        assert_eq!(table.rows[1].as_ref().unwrap().display_name(), "row-3");
        let empty = table.rows[2].as_ref().unwrap_err().to_string();
        assert_eq!(empty, "m.csv, line 4, column `Smiles`: no SMILES in the cell");
    }
}
