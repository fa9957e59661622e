//! The tables a screen reads: every file the `--input` patterns match, in path order, each read
//! one record at a time through the one structure-table reader (`shared::batch::TableStream` for
//! CSV, or gzip-compressed CSV recognised by its content; `shared::batch::TableLayout` over a
//! Parquet file's rows), with the same header in every file.

use crate::error::{Error, Result};
use shared::batch::{TableLayout, TableRecord, TableStream};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// The input files of a screen and their common header.
#[derive(Debug, Clone)]
pub struct Inputs {
    files: Vec<PathBuf>,
    header: Vec<String>,
}

/// One record of the inputs, numbered across all files.
#[derive(Debug)]
pub struct InputRecord {
    /// 0-based position among all the inputs' rows (files in path order).
    pub position: u64,
    pub record: TableRecord,
}

impl Inputs {
    /// The files `patterns` name (glob patterns such as `shards/*.csv.gz`, or plain paths), sorted
    /// and without repeats; refused when none match or a file's header differs from the first's.
    pub fn find(patterns: &[String]) -> Result<Inputs> {
        let mut files = Vec::new();
        for pattern in patterns {
            let matches = glob::glob(pattern)
                .map_err(|e| Error::CommandLine(format!("--input {pattern}: not a glob pattern ({e})")))?;
            let before = files.len();
            for path in matches {
                let path = path.map_err(|e| Error::Read { path: e.path().to_path_buf(), source: e.into() })?;
                if path.is_file() {
                    files.push(path);
                }
            }
            if files.len() == before {
                return Err(Error::CommandLine(format!("--input {pattern}: no file matches")));
            }
        }
        files.sort();
        files.dedup();
        let Some(first) = files.first() else {
            return Err(Error::CommandLine("no --input given".into()));
        };
        let header = open(first)?.0;
        for path in &files[1..] {
            if open(path)?.0 != header {
                return Err(Error::Table {
                    path: path.clone(),
                    message: format!(
                        "its header differs from {}'s; every input must have the same columns",
                        first.display()
                    ),
                });
            }
        }
        Ok(Inputs { files, header })
    }

    /// The input files in reading order.
    pub fn files(&self) -> &[PathBuf] {
        &self.files
    }

    /// The header every input has.
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// Every record of every file, in order, read as needed (a file that cannot be opened is an
    /// error item; a record that cannot be read is a record whose row is the error).
    pub fn records(&self) -> impl Iterator<Item = Result<InputRecord>> + '_ {
        self.files
            .iter()
            .flat_map(|path| -> Records {
                match open(path) {
                    Ok((_, records)) => records,
                    Err(e) => Box::new(std::iter::once(Err(e))),
                }
            })
            .enumerate()
            .map(|(position, record)| record.map(|record| InputRecord { position: position as u64, record }))
    }
}

/// Atoms in a record's structure as the reader builds it; 0 when it cannot be read.
pub fn atom_count(record: &TableRecord) -> u32 {
    let Ok(row) = &record.row else { return 0 };
    let options = shared::ParseOptions { format: row.format, ..Default::default() };
    shared::io::parse_with_warnings(&row.structure, &options).map_or(0, |p| p.structure.len() as u32)
}

/// A table's records, read as needed.
type Records = Box<dyn Iterator<Item = Result<TableRecord>>>;

/// Rows of text cells, read as needed.
pub(super) type CellRows = Box<dyn Iterator<Item = Result<Vec<String>>>>;

/// The header and records of the table in `path`: CSV (or CSV.gz) through the one table reader,
/// Parquet (by the `.parquet` extension) through its layout.
fn open(path: &Path) -> Result<(Vec<String>, Records)> {
    let name = path.display().to_string();
    if is_parquet(path) {
        let (header, rows) = read_parquet(path)?;
        let layout = TableLayout::new(header.clone(), &name, &[])?;
        let records = rows.enumerate().map(move |(index, cells)| {
            cells.map(|cells| {
                // A Parquet row has no line: number it as a CSV row (header = line 1).
                let row = layout.row(&cells, index, index + 2);
                TableRecord { cells, row }
            })
        });
        return Ok((header, Box::new(records)));
    }
    let stream = TableStream::new(open_unpacked(path)?, &name, &[])?;
    Ok((stream.header().to_vec(), Box::new(stream.map(Ok))))
}

/// The header and rows of any table (a screen's result included): CSV, CSV.gz or Parquet.
pub(super) fn read_cells(path: &Path) -> Result<(Vec<String>, CellRows)> {
    if is_parquet(path) {
        return read_parquet(path);
    }
    let mut reader = csv::Reader::from_reader(open_unpacked(path)?);
    let owner = path.to_path_buf();
    let table_err = move |e: csv::Error| Error::Table { path: owner.clone(), message: e.to_string() };
    let header = reader.headers().map_err(&table_err)?.iter().map(str::to_string).collect();
    let rows = reader
        .into_records()
        .map(move |record| record.map(|r| r.iter().map(str::to_string).collect()).map_err(&table_err));
    Ok((header, Box::new(rows)))
}

/// Whether `path` names a Parquet file (`.parquet`).
pub fn is_parquet(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("parquet"))
}

#[cfg(feature = "parquet")]
fn read_parquet(path: &Path) -> Result<(Vec<String>, CellRows)> {
    super::parquet::read(path)
}

#[cfg(not(feature = "parquet"))]
fn read_parquet(path: &Path) -> Result<(Vec<String>, CellRows)> {
    Err(Error::Table { path: path.to_path_buf(), message: super::output::NO_PARQUET.into() })
}

/// The bytes of the file `path`, unpacked as they are read when it is gzip-compressed (told by
/// its content).
pub(super) fn open_unpacked(path: &Path) -> Result<Box<dyn Read>> {
    let read_err = |source| Error::Read { path: path.to_path_buf(), source };
    let mut file = BufReader::new(std::fs::File::open(path).map_err(read_err)?);
    let gzip = file.fill_buf().map_err(read_err)?.starts_with(&[0x1f, 0x8b]);
    Ok(if gzip { Box::new(flate2::read::MultiGzDecoder::new(file)) } else { Box::new(file) })
}
