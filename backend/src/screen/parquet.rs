//! Parquet tables for `matfuse screen` (the `parquet` cargo feature): inputs are read one record
//! batch (1,024 rows) at a time, each cell as text — text, integer, float and boolean columns
//! (nulls as empty cells) — and handed to the one table layout (`shared::batch::TableLayout`);
//! results are written as Parquet with every column as UTF-8 text, the cells of the CSV layout.

use super::input::CellRows;
use crate::error::{Error, Result};
use arrow_array::cast::AsArray;
use arrow_array::types::{
    Float16Type, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type, UInt16Type,
    UInt32Type, UInt64Type,
};
use arrow_array::{Array, ArrayRef, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Rows per record batch, read or written.
const BATCH_ROWS: usize = 1024;

/// The header and the rows (as text cells) of the Parquet file `path`, read as needed.
pub fn read(path: &Path) -> Result<(Vec<String>, CellRows)> {
    let table_err = |message: String| Error::Table { path: path.to_path_buf(), message };
    let file = File::open(path).map_err(|source| Error::Read { path: path.to_path_buf(), source })?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file)
        .map_err(|e| table_err(format!("not a readable Parquet file: {e}")))?;
    let header: Vec<String> = builder.schema().fields().iter().map(|f| f.name().clone()).collect();
    let batches = builder
        .with_batch_size(BATCH_ROWS)
        .build()
        .map_err(|e| table_err(format!("not a readable Parquet file: {e}")))?;
    let owner = path.to_path_buf();
    let rows = batches.flat_map(move |batch| -> CellRows {
        let rows = batch
            .map_err(|e| Error::Table { path: owner.clone(), message: format!("unreadable record batch: {e}") })
            .and_then(|batch| batch_rows(&batch, &owner));
        match rows {
            Ok(rows) => Box::new(rows.into_iter().map(Ok)),
            Err(e) => Box::new(std::iter::once(Err(e))),
        }
    });
    Ok((header, Box::new(rows)))
}

/// A record batch's rows as text cells.
fn batch_rows(batch: &RecordBatch, path: &Path) -> Result<Vec<Vec<String>>> {
    let columns = batch
        .schema()
        .fields()
        .iter()
        .zip(batch.columns())
        .map(|(field, array)| {
            column_text(array).ok_or_else(|| Error::Table {
                path: path.to_path_buf(),
                message: format!(
                    "column `{}` holds {}; screen reads text, integer, float and boolean columns",
                    field.name(),
                    field.data_type()
                ),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok((0..batch.num_rows()).map(|row| columns.iter().map(|column| column[row].clone()).collect()).collect())
}

/// Each cell of `array` as text (empty for null), or `None` for a type read as no text.
fn column_text(array: &ArrayRef) -> Option<Vec<String>> {
    fn cells<T: ToString>(array: &dyn Array, value: impl Fn(usize) -> T) -> Vec<String> {
        (0..array.len()).map(|i| if array.is_null(i) { String::new() } else { value(i).to_string() }).collect()
    }
    let a = array.as_ref();
    Some(match array.data_type() {
        DataType::Utf8 => cells(a, |i| array.as_string::<i32>().value(i)),
        DataType::LargeUtf8 => cells(a, |i| array.as_string::<i64>().value(i)),
        DataType::Utf8View => cells(a, |i| array.as_string_view().value(i)),
        DataType::Boolean => cells(a, |i| array.as_boolean().value(i)),
        DataType::Int8 => cells(a, |i| array.as_primitive::<Int8Type>().value(i)),
        DataType::Int16 => cells(a, |i| array.as_primitive::<Int16Type>().value(i)),
        DataType::Int32 => cells(a, |i| array.as_primitive::<Int32Type>().value(i)),
        DataType::Int64 => cells(a, |i| array.as_primitive::<Int64Type>().value(i)),
        DataType::UInt8 => cells(a, |i| array.as_primitive::<UInt8Type>().value(i)),
        DataType::UInt16 => cells(a, |i| array.as_primitive::<UInt16Type>().value(i)),
        DataType::UInt32 => cells(a, |i| array.as_primitive::<UInt32Type>().value(i)),
        DataType::UInt64 => cells(a, |i| array.as_primitive::<UInt64Type>().value(i)),
        DataType::Float16 => cells(a, |i| array.as_primitive::<Float16Type>().value(i)),
        DataType::Float32 => cells(a, |i| array.as_primitive::<Float32Type>().value(i)),
        DataType::Float64 => cells(a, |i| array.as_primitive::<Float64Type>().value(i)),
        DataType::Null => vec![String::new(); array.len()],
        _ => return None,
    })
}

/// A Parquet result table being written (snappy-compressed, every column UTF-8 text), a record
/// batch at a time.
pub struct ParquetTable {
    path: PathBuf,
    schema: SchemaRef,
    writer: ArrowWriter<File>,
    pending: Vec<Vec<String>>,
}

impl ParquetTable {
    /// Starts the file `path` with the columns `header`.
    pub fn create(path: &Path, header: &[String]) -> Result<ParquetTable> {
        let write_err = |source| Error::Write { path: path.to_path_buf(), source };
        let schema = Arc::new(Schema::new(
            header.iter().map(|name| Field::new(name, DataType::Utf8, false)).collect::<Vec<_>>(),
        ));
        let file = File::create(path).map_err(write_err)?;
        let properties = WriterProperties::builder().set_compression(Compression::SNAPPY).build();
        let writer = ArrowWriter::try_new(file, schema.clone(), Some(properties))
            .map_err(|e| write_err(std::io::Error::other(e)))?;
        Ok(ParquetTable { path: path.to_path_buf(), schema, writer, pending: Vec::with_capacity(BATCH_ROWS) })
    }

    /// Appends one row (cells lined up with the header).
    pub fn write_row(&mut self, cells: &[String]) -> Result<()> {
        self.pending.push(cells.to_vec());
        if self.pending.len() >= BATCH_ROWS { self.flush_rows() } else { Ok(()) }
    }

    /// Writes the pending rows as one record batch.
    fn flush_rows(&mut self) -> Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let columns: Vec<ArrayRef> = (0..self.schema.fields().len())
            .map(|c| {
                Arc::new(StringArray::from_iter_values(
                    self.pending.iter().map(|row| row.get(c).map_or("", String::as_str)),
                )) as ArrayRef
            })
            .collect();
        let write_err = |e: String| Error::Write { path: self.path.clone(), source: std::io::Error::other(e) };
        let batch = RecordBatch::try_new(self.schema.clone(), columns).map_err(|e| write_err(e.to_string()))?;
        self.writer.write(&batch).map_err(|e| write_err(e.to_string()))?;
        self.pending.clear();
        Ok(())
    }

    /// Writes what is pending and the footer; returns the file.
    pub fn finish(mut self) -> Result<File> {
        self.flush_rows()?;
        let path = self.path;
        self.writer.into_inner().map_err(|e| Error::Write { path, source: std::io::Error::other(e) })
    }
}
