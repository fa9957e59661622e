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
    let whole = |message: String| Error::Table { table: table.to_string(), line: 0, column: None, message };
    let text = unpacked(bytes, table, max_unpacked_bytes)?;
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_ref());
    let headers = reader.headers().map_err(|e| whole(format!("unreadable CSV header: {e}")))?.clone();
    let column = |name: &str| headers.iter().position(|h| h.trim().eq_ignore_ascii_case(name));
    let (structure_column, format) = STRUCTURE_COLUMNS
        .iter()
        .find_map(|&(name, format)| column(name).map(|c| (c, format)))
        .ok_or_else(|| whole("the table has no `cif`, `poscar` or `structure` column".into()))?;
    let columns = Columns {
        structure: structure_column,
        format,
        name: column("name"),
        id: column("material_id").or_else(|| column("id")),
        split: column("split"),
        labels: labels.iter().map(|&name| (name.to_string(), column(name))).collect(),
        width: headers.len(),
    };
    Ok(reader
        .records()
        .enumerate()
        .map(|(index, record)| {
            let fallback_line = index + 2;
            let record = record.map_err(|e| Error::Table {
                table: table.to_string(),
                line: e.position().map_or(fallback_line, |p| p.line() as usize),
                column: None,
                message: format!("unreadable CSV row: {e}"),
            })?;
            let line = record.position().map_or(fallback_line, |p| p.line() as usize);
            columns.row(&record, index, line, &headers).map_err(|(column, message)| Error::Table {
                table: table.to_string(),
                line,
                column,
                message,
            })
        })
        .collect())
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
        record: &csv::StringRecord,
        index: usize,
        line: usize,
        headers: &csv::StringRecord,
    ) -> Result<TableRow, (Option<String>, String)> {
        if record.len() != self.width {
            return Err((None, format!("{} fields where the header has {}", record.len(), self.width)));
        }
        let cell = |c: Option<usize>| c.and_then(|c| record.get(c)).map(str::trim).filter(|s| !s.is_empty());
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
        let structure = record.get(self.structure).unwrap_or_default();
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
