//! Batches of structures, the same in the backend (`POST /api/v1/predict/batch`, `matfuse
//! predict`) and the page: a batch file is one structure, a structure table ([`read_table`], CSV or
//! CSV.gz) or a zip archive of either ([`items_from_file`]); the results are written in one CSV
//! layout ([`ResultCsv`]). A table with a `smiles` column instead holds molecules
//! ([`read_batch_table`]); their results have their own layout ([`MoleculeResultCsv`]).

mod archive;
mod molecule_results;
mod molecule_table;
mod results;
mod table;

pub use archive::{Member, UnpackLimits, is_zip, read_zip};
pub use molecule_results::MoleculeResultCsv;
pub use molecule_table::{MoleculeRow, SmilesRow, SmilesTable, read_molecule_table, read_smiles_table};
pub use results::{OOD_COLUMNS, ResultCsv, RowValues, csv_record};
pub use table::{TableLayout, TableRecord, TableRow, TableRows, TableStream, read_table, row_name};

use crate::Format;

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
/// items of each member, a table ([`is_table`]) one item per row, a JSON text listing several
/// structures (an OPTIMADE or Materials Project response, an array of pymatgen structures) one
/// item per entry (named by its `id` or `material_id`, else `name/data[i]` or `name/[i]`), any other file
/// one structure.
/// Nothing here fails the batch: an unusable file, member or row becomes an item carrying its
/// error.
pub fn items_from_file(name: &str, bytes: &[u8], limits: UnpackLimits) -> Vec<TableItem> {
    if is_zip(bytes) {
        return match read_zip(bytes, name, limits) {
            Ok(members) => members
                .into_iter()
                .flat_map(|member| match member.bytes {
                    Ok(bytes) => items_from_plain_file(&member.path, &bytes, limits),
                    Err(e) => vec![TableItem::failed(member.path, e)],
                })
                .collect(),
            Err(e) => vec![TableItem::failed(name, e)],
        };
    }
    items_from_plain_file(name, bytes, limits)
}

fn items_from_plain_file(name: &str, bytes: &[u8], limits: UnpackLimits) -> Vec<TableItem> {
    if is_table(name) {
        return table_items(bytes, name, limits).unwrap_or_else(|e| vec![TableItem::failed(name, e.to_string())]);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => match crate::io::json_entries(text) {
            Some(entries) => entries
                .into_iter()
                .map(|entry| TableItem {
                    name: entry.id.unwrap_or_else(|| format!("{name}/{}", entry.path)),
                    structure: Ok((entry.text, Some(entry.format))),
                })
                .collect(),
            None => vec![TableItem { name: name.to_string(), structure: Ok((text.to_string(), format_of(name))) }],
        },
        Err(e) => vec![TableItem::failed(name, format!("{name}: not UTF-8 text ({e})"))],
    }
}

/// The rows of the structure table `bytes` (named `source` in messages) as items named by
/// [`TableRow::display_name`]. Fails only when the table as a whole is unusable; a broken row
/// becomes an item with its error, naming its line and column.
pub fn table_items(bytes: &[u8], source: &str, limits: UnpackLimits) -> crate::Result<Vec<TableItem>> {
    Ok(read_table(bytes, source, &[], limits.max_unpacked_bytes)?
        .into_iter()
        .enumerate()
        .map(|(index, row)| match row {
            Ok(row) => TableItem { name: row.display_name(), structure: Ok((row.structure, row.format)) },
            Err(e) => TableItem::failed(table::row_name(index), e.to_string()),
        })
        .collect())
}

/// What a batch table holds: structures (it has a `cif`, `poscar` or `structure` column) or
/// molecules (it has a `smiles` column and no structure column).
#[derive(Debug, Clone, PartialEq)]
pub enum BatchTable {
    Structures(Vec<TableItem>),
    Molecules(SmilesTable),
}

/// The rows of the batch table `bytes` (named `source` in messages): [`table_items`] when it has
/// a structure column, else [`read_smiles_table`]'s rows when it has a `smiles` column. Fails
/// when the table as a whole is unusable, or has neither column (the error names the columns
/// it has).
pub fn read_batch_table(bytes: &[u8], source: &str, limits: UnpackLimits) -> crate::Result<BatchTable> {
    let text = table::unpacked(bytes, source, limits.max_unpacked_bytes)?;
    let header = table::header_cells(&text, source)?;
    if table::has_structure_column(&header) {
        return table_items(&text, source, limits).map(BatchTable::Structures);
    }
    if header.iter().any(|h| h.trim().eq_ignore_ascii_case("smiles")) {
        return read_smiles_table(&text, source, &[], limits.max_unpacked_bytes).map(BatchTable::Molecules);
    }
    let columns = header.iter().map(|h| format!("`{}`", h.trim())).collect::<Vec<_>>().join(", ");
    Err(crate::Error::Table {
        table: source.to_string(),
        line: 0,
        column: None,
        message: format!(
            "the table has no structure column (`cif`, `poscar` or `structure`) and no `smiles` column; its columns are {columns}"
        ),
    })
}

/// The format a file's name implies (`.cif`, `.xyz`/`.extxyz`, `.vasp`/`.poscar`, `POSCAR*`,
/// `CONTCAR*`), if any. A `.json` file is one of two formats, told apart by its keys.
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

/// Whether a file is a structure table (`.csv` or `.csv.gz`) rather than one structure.
pub fn is_table(file_name: &str) -> bool {
    let lower = file_name.to_ascii_lowercase();
    lower.ends_with(".csv") || lower.ends_with(".csv.gz")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_become_named_items() {
        let limits = UnpackLimits::default();
        let table = b"material_id,cif\nmp-1,\"data_a\n_cell_length_a 1\"\n,data_b\nmp-3,\n";
        let items = table_items(table, "t.csv", limits).unwrap();
        assert_eq!(items.len(), 3);
        assert_eq!(items[0].name, "mp-1");
        assert_eq!(items[1].name, "row-3");
        assert!(items[0].structure.as_ref().unwrap().0.contains("_cell_length_a"));
        assert_eq!(items[2].name, "row-4");
        assert_eq!(items[2].structure, Err("t.csv, line 5, column `cif`: no structure in the cell".into()));
        let err = table_items(b"a,b\n1,2\n", "t.csv", limits).unwrap_err().to_string();
        assert!(err.contains("no `cif`, `poscar` or `structure` column"), "{err}");
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
        let entry = |id: &str| format!(r#"{{"id": "{id}", "type": "structures", "attributes": {{}}}}"#);
        let response = format!(r#"{{"data": [{}, {{"attributes": {{}}}}], "meta": {{}}}}"#, entry("mp-149"));
        let items = items_from_file("q.json", response.as_bytes(), limits);
        let names: Vec<&str> = items.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["mp-149", "q.json/data[1]"]);
        assert_eq!(items[0].structure.as_ref().unwrap().1, Some(Format::OptimadeJson));
        let single = format!(r#"{{"data": [{}]}}"#, entry("mp-1"));
        assert_eq!(items_from_file("one.json", single.as_bytes(), limits)[0].name, "one.json");
        let dict = r#"{"lattice": {"matrix": [[3, 0, 0], [0, 3, 0], [0, 0, 3]]}, "sites": []}"#;
        let items = items_from_file("set.json", format!("[{dict}, {dict}]").as_bytes(), limits);
        let names: Vec<&str> = items.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["set.json/[0]", "set.json/[1]"]);
        assert_eq!(items[1].structure.as_ref().unwrap().1, Some(Format::PymatgenJson));
    }

    #[test]
    fn batch_tables_hold_structures_or_molecules() {
        let limits = UnpackLimits::default();
        let structures = read_batch_table(b"smiles,poscar\nC,P1\n", "t.csv", limits).unwrap();
        assert!(
            matches!(&structures, BatchTable::Structures(items) if items[0].structure == Ok(("P1".into(), Some(Format::Poscar))))
        );
        let BatchTable::Molecules(molecules) =
            read_batch_table(b"name,SMILES\nethanol,CCO\n", "t.csv", limits).unwrap()
        else {
            panic!("a `smiles` table holds molecules")
        };
        assert_eq!(molecules.rows[0].as_ref().unwrap().molecule, "CCO");
        let neither = read_batch_table(b"name, formula \nx,NaCl\n", "t.csv", limits).unwrap_err().to_string();
        assert_eq!(
            neither,
            "t.csv: the table has no structure column (`cif`, `poscar` or `structure`) and no `smiles` column; its columns are `name`, `formula`"
        );
    }

    #[test]
    fn file_names_imply_formats() {
        assert_eq!(format_of("NaCl.CIF"), Some(Format::Cif));
        assert_eq!(format_of("dir/POSCAR"), Some(Format::Poscar));
        assert_eq!(format_of("x.extxyz"), Some(Format::Xyz));
        assert_eq!(format_of("structure.txt"), None);
        assert_eq!(format_of("mp-149.json"), None);
        assert!(is_table("Batch.CSV"));
    }
}
