//! The molecule-table reader: a CSV (or gzip-compressed CSV) file with one molecule per row in a
//! `smiles` column, an optional `name` (else `iupac`) column and any label columns the caller
//! asks for (the MoleculeNet files as they come). Column names are matched without regard to
//! case or surrounding spaces; a row that cannot be read — its SMILES included — is an
//! [`Error::Table`] naming its line and column.

use super::table::unpacked;
use crate::error::Error;
use crate::molecule::Molecule;

/// One readable row of a molecule table.
#[derive(Debug, Clone, PartialEq)]
pub struct MoleculeRow {
    /// 0-based position among the table's rows.
    pub index: usize,
    /// 1-based line of the file the row starts on (the header is line 1).
    pub line: usize,
    /// The `name` (else `iupac`) column, if present and not empty.
    pub name: Option<String>,
    pub molecule: Molecule,
    /// One entry per requested label column: the value, `None` when the column or the cell is
    /// missing or the value is not finite.
    pub labels: Vec<Option<f32>>,
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
    let name_column = column("name").or_else(|| column("iupac"));
    let label_columns: Vec<(&str, Option<usize>)> = labels.iter().map(|&l| (l, column(l))).collect();
    let width = headers.len();
    Ok(reader
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
            let smiles_header = headers.get(smiles_column).map(str::trim);
            let smiles =
                cell(Some(smiles_column)).ok_or_else(|| error(line, smiles_header, "no SMILES in the cell".into()))?;
            let molecule = Molecule::from_smiles(smiles)
                .map_err(|e| error(line, smiles_header, format!("cannot read '{smiles}': {e}")))?;
            Ok(MoleculeRow { index, line, name: cell(name_column).map(str::to_string), molecule, labels })
        })
        .collect())
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
}
