//! The one structure-table reader: a CSV (or gzip-compressed CSV) file with one structure per
//! row in a `cif`, `poscar` or `structure` column, an optional `name`, `material_id`/`id` and
//! `split` column, and any label columns the caller asks for. Training data, `matfuse
//! eval`/`predict`, the API's batch and the page's batch all read tables here.
//!
//! Column names are matched without regard to case or surrounding spaces. A row that cannot be
//! read is an [`Error::Table`] naming its line and column, never a panic; the caller decides
//! whether it fails the table (training data) or becomes one failed item (a batch).

use crate::error::{Error, Format};
use std::io::Read;

/// The structure columns, in the order they are looked for, and the format each implies
/// (`structure`: detected from the text).
const STRUCTURE_COLUMNS: [(&str, Option<Format>); 3] =
    [("cif", Some(Format::Cif)), ("poscar", Some(Format::Poscar)), ("structure", None)];

/// One readable row of a structure table.
#[derive(Debug, Clone, PartialEq)]
pub struct TableRow {
    /// 0-based position among the table's rows.
    pub index: usize,
    /// 1-based line of the file the row starts on (the header is line 1).
    pub line: usize,
    /// The `name` column, if the table has one and the cell is not empty.
    pub name: Option<String>,
    /// The `material_id` (else `id`) column, if present and not empty.
    pub id: Option<String>,
    pub structure: String,
    /// The format the structure column implies (`None`: detect from the text).
    pub format: Option<Format>,
    /// The `split` column (`train`, `val`, `test`), if present and not empty.
    pub split: Option<String>,
    /// One entry per requested label column: the value, `None` when the column or the cell is
    /// missing or the value is not finite.
    pub labels: Vec<Option<f32>>,
}

impl TableRow {
    /// What a batch calls the row: its `name`, else its id, else [`row_name`].
    pub fn display_name(&self) -> String {
        self.name.clone().or_else(|| self.id.clone()).unwrap_or_else(|| row_name(self.index))
    }
}

/// The name of the table's row `index` (0-based) when it has none: `row-<n>`, counting the
/// header as row 1 (a multi-line cell does not shift the count).
pub fn row_name(index: usize) -> String {
    format!("row-{}", index + 2)
}

/// A table's rows in file order, each readable or the error that names its line and column.
pub type TableRows = Vec<Result<TableRow, Error>>;

/// Reads the table `bytes` (gzip-compressed when they start with gzip's magic number, then
/// unpacked to at most `max_unpacked_bytes`), named `table` in messages, with the label columns
/// `labels` (absent columns give `None` labels). Fails as a whole only when the table is
/// unusable: not gzip or UTF-8 where it should be, no header, no structure column.
pub fn read_table(bytes: &[u8], table: &str, labels: &[&str], max_unpacked_bytes: u64) -> Result<TableRows, Error> {
    let text = unpacked(bytes, table, max_unpacked_bytes)?;
    Ok(TableStream::new(text.as_ref(), table, labels)?.map(|record| record.row).collect())
}

/// One record of a [`TableStream`]: every cell as written (for carrying the row through) and
/// the row read from them, or the error naming its line and column.
#[derive(Debug, Clone)]
pub struct TableRecord {
    /// The record's cells in header order (empty when the CSV record itself is unreadable).
    pub cells: Vec<String>,
    pub row: Result<TableRow, Error>,
}

/// A structure table read one record at a time from any reader (plain CSV text; unpack gzip
/// before), so a table of millions of rows is never held whole. [`read_table`] collects one.
pub struct TableStream<R: Read> {
    records: csv::StringRecordsIntoIter<R>,
    layout: TableLayout,
    next_index: usize,
}

impl<R: Read> TableStream<R> {
    /// Reads the header of `reader` (named `table` in messages), with the label columns `labels`.
    pub fn new(reader: R, table: &str, labels: &[&str]) -> Result<TableStream<R>, Error> {
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(reader);
        let header = read_header(&mut reader, table)?;
        let layout = TableLayout::new(header, table, labels)?;
        Ok(TableStream { records: reader.into_records(), layout, next_index: 0 })
    }

    /// The header's cells as written.
    pub fn header(&self) -> &[String] {
        &self.layout.header
    }
}

impl<R: Read> Iterator for TableStream<R> {
    type Item = TableRecord;

    fn next(&mut self) -> Option<TableRecord> {
        let record = self.records.next()?;
        let index = self.next_index;
        self.next_index += 1;
        let fallback_line = index + 2;
        Some(match record {
            Ok(record) => {
                let line = record.position().map_or(fallback_line, |p| p.line() as usize);
                let cells: Vec<String> = record.iter().map(str::to_string).collect();
                let row = self.layout.row(&cells, index, line);
                TableRecord { cells, row }
            }
            Err(e) => TableRecord {
                cells: Vec::new(),
                row: Err(Error::Table {
                    table: self.layout.table.clone(),
                    line: e.position().map_or(fallback_line, |p| p.line() as usize),
                    column: None,
                    message: format!("unreadable CSV row: {e}"),
                }),
            },
        })
    }
}

/// Where a table's fields are, found from its header: what turns one record's cells into a
/// [`TableRow`], whatever the records come from (a CSV stream, a Parquet file's columns).
#[derive(Debug, Clone)]
pub struct TableLayout {
    table: String,
    header: Vec<String>,
    columns: Columns,
}

impl TableLayout {
    /// The layout of the header `header` of the table named `table`, with the label columns
    /// `labels`; fails when no column holds structures.
    pub fn new(header: Vec<String>, table: &str, labels: &[&str]) -> Result<TableLayout, Error> {
        let column = |name: &str| header.iter().position(|h| h.trim().eq_ignore_ascii_case(name));
        let (structure_column, format) = STRUCTURE_COLUMNS
            .iter()
            .find_map(|&(name, format)| column(name).map(|c| (c, format)))
            .ok_or_else(|| Error::Table {
                table: table.to_string(),
                line: 0,
                column: None,
                message: "the table has no `cif`, `poscar` or `structure` column".into(),
            })?;
        let columns = Columns {
            structure: structure_column,
            format,
            name: column("name"),
            id: column("material_id").or_else(|| column("id")),
            split: column("split"),
            labels: labels.iter().map(|&name| (name.to_string(), column(name))).collect(),
            width: header.len(),
        };
        Ok(TableLayout { table: table.to_string(), header, columns })
    }

    /// The header's cells as written.
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// The record `cells`, the table's row `index` (0-based) starting on line `line`, as a row,
    /// or the error naming its line and column.
    pub fn row(&self, cells: &[String], index: usize, line: usize) -> Result<TableRow, Error> {
        self.columns.row(cells, index, line, &self.header).map_err(|(column, message)| Error::Table {
            table: self.table.clone(),
            line,
            column,
            message,
        })
    }
}

/// Whether a table with the header `header` has a structure column (`cif`, `poscar` or
/// `structure`).
pub(crate) fn has_structure_column(header: &[String]) -> bool {
    STRUCTURE_COLUMNS.iter().any(|(name, _)| header.iter().any(|h| h.trim().eq_ignore_ascii_case(name)))
}

/// The header cells of the CSV text `text` (named `table` in messages), as written.
pub(crate) fn header_cells(text: &[u8], table: &str) -> Result<Vec<String>, Error> {
    read_header(&mut csv::ReaderBuilder::new().flexible(true).from_reader(text), table)
}

/// The header cells `reader` starts with (the table named `table` in messages), as written.
fn read_header<R: Read>(reader: &mut csv::Reader<R>, table: &str) -> Result<Vec<String>, Error> {
    let headers = reader.headers().map_err(|e| Error::Table {
        table: table.to_string(),
        line: 0,
        column: None,
        message: format!("unreadable CSV header: {e}"),
    })?;
    Ok(headers.iter().map(str::to_string).collect())
}

/// `bytes` as they are, or gunzipped (to at most `max_unpacked_bytes`) when they start with
/// gzip's magic number.
pub(crate) fn unpacked<'a>(
    bytes: &'a [u8],
    table: &str,
    max_unpacked_bytes: u64,
) -> Result<std::borrow::Cow<'a, [u8]>, Error> {
    let whole = |message: String| Error::Table { table: table.to_string(), line: 0, column: None, message };
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return Ok(std::borrow::Cow::Borrowed(bytes));
    }
    let mut text = Vec::new();
    flate2::read::MultiGzDecoder::new(bytes)
        .take(max_unpacked_bytes.saturating_add(1))
        .read_to_end(&mut text)
        .map_err(|e| whole(format!("not a readable gzip file: {e}")))?;
    if text.len() as u64 > max_unpacked_bytes {
        return Err(whole(format!("unpacks to more than {max_unpacked_bytes} bytes")));
    }
    Ok(std::borrow::Cow::Owned(text))
}

/// Where each of a table's fields is.
#[derive(Debug, Clone)]
struct Columns {
    structure: usize,
    format: Option<Format>,
    name: Option<usize>,
    id: Option<usize>,
    split: Option<usize>,
    /// Each requested label column's name and position.
    labels: Vec<(String, Option<usize>)>,
    /// Fields in the header.
    width: usize,
}

impl Columns {
    /// One record as a row, or the column (if one) and the problem.
    fn row(
        &self,
        record: &[String],
        index: usize,
        line: usize,
        headers: &[String],
    ) -> Result<TableRow, (Option<String>, String)> {
        if record.len() != self.width {
            return Err((None, format!("{} fields where the header has {}", record.len(), self.width)));
        }
        let cell = |c: Option<usize>| c.and_then(|c| record.get(c)).map(|s| s.trim()).filter(|s| !s.is_empty());
        let labels = self
            .labels
            .iter()
            .map(|(name, c)| match cell(*c) {
                None => Ok(None),
                Some(text) => match text.parse::<f32>() {
                    Ok(value) => Ok(value.is_finite().then_some(value)),
                    Err(_) => Err((Some(name.clone()), format!("'{text}' is not a number"))),
                },
            })
            .collect::<Result<Vec<_>, _>>()?;
        let structure = record.get(self.structure).map_or("", String::as_str);
        if structure.trim().is_empty() {
            return Err((headers.get(self.structure).map(|h| h.trim().to_string()), "no structure in the cell".into()));
        }
        Ok(TableRow {
            index,
            line,
            name: cell(self.name).map(str::to_string),
            id: cell(self.id).map(str::to_string),
            structure: structure.to_string(),
            format: self.format,
            split: cell(self.split).map(str::to_string),
            labels,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str, labels: &[&str]) -> Result<TableRows, Error> {
        read_table(text.as_bytes(), "t.csv", labels, u64::MAX)
    }

    #[test]
    fn rows_carry_names_ids_splits_and_labels() {
        let rows = read(
            " Material_ID ,split,band_gap,CIF\nmp-1,train,1.5,\"data_a\n_x 1\"\nmp-2,,nan,data_b\n",
            &["band_gap", "efermi"],
        )
        .unwrap();
        let first = rows[0].as_ref().unwrap();
        assert_eq!((first.index, first.line, first.id.as_deref()), (0, 2, Some("mp-1")));
        assert_eq!((first.split.as_deref(), first.format), (Some("train"), Some(Format::Cif)));
        assert_eq!(first.labels, [Some(1.5), None]);
        assert!(first.structure.contains("_x 1"));
        let second = rows[1].as_ref().unwrap();
        assert_eq!((second.line, second.split.as_deref(), &second.labels[..]), (4, None, &[None, None][..]));
        assert_eq!(second.display_name(), "mp-2");
    }

    #[test]
    fn bad_rows_name_their_line_and_column() {
        let rows = read("name,poscar,band_gap\na,P1,x\nb,,1\nc,P3\n\"d,P4,2\n", &["band_gap"]).unwrap();
        let message = |i: usize| rows[i].as_ref().unwrap_err().to_string();
        assert_eq!(message(0), "t.csv, line 2, column `band_gap`: 'x' is not a number");
        assert_eq!(message(1), "t.csv, line 3, column `poscar`: no structure in the cell");
        assert_eq!(message(2), "t.csv, line 4: 2 fields where the header has 3");
        assert!(message(3).starts_with("t.csv, line 5"), "{}", message(3));
        let whole = read("a,b\n1,2\n", &[]).unwrap_err().to_string();
        assert_eq!(whole, "t.csv: the table has no `cif`, `poscar` or `structure` column");
    }

    #[test]
    fn streams_carry_every_cell_with_the_row() {
        let text = "id,note,poscar\nx,\"a, b\",P1\ny,c\n";
        let mut stream = TableStream::new(text.as_bytes(), "t.csv", &[]).unwrap();
        assert_eq!(stream.header(), ["id", "note", "poscar"]);
        let first = stream.next().unwrap();
        assert_eq!(first.cells, ["x", "a, b", "P1"]);
        assert_eq!(first.row.unwrap().display_name(), "x");
        let second = stream.next().unwrap();
        assert_eq!(second.cells, ["y", "c"]);
        assert_eq!(second.row.unwrap_err().to_string(), "t.csv, line 3: 2 fields where the header has 3");
        assert!(stream.next().is_none());
    }

    #[test]
    fn gzip_tables_are_unpacked_within_the_limit() {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(b"id,structure\nx,POSCAR text\n").unwrap();
        let bytes = gz.finish().unwrap();
        let rows = read_table(&bytes, "t.csv.gz", &[], 1 << 20).unwrap();
        let row = rows[0].as_ref().unwrap();
        assert_eq!((row.display_name(), row.format), ("x".to_string(), None));
        let too_big = read_table(&bytes, "t.csv.gz", &[], 10).unwrap_err().to_string();
        assert_eq!(too_big, "t.csv.gz: unpacks to more than 10 bytes");
        assert!(read_table(&bytes[..12], "cut.gz", &[], 1 << 20).unwrap_err().to_string().contains("gzip"));
    }
}
