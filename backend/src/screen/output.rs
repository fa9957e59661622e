//! Result tables on disk: CSV, gzip-compressed CSV or Parquet (with the `parquet` cargo
//! feature), written under a temporary name (`<name>.partial`) and renamed into place only when
//! complete, so a file with the final name is always whole.

use crate::error::{Error, Result};
use flate2::write::GzEncoder;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// How a result table is stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum TableFormat {
    Csv,
    #[value(name = "csv.gz")]
    CsvGz,
    /// Every column as UTF-8 text, snappy-compressed (needs the `parquet` cargo feature).
    Parquet,
}

/// What a matfuse built without Parquet says when asked for it.
pub const NO_PARQUET: &str = "this matfuse was built without Parquet support (build it with --features parquet, \
     as the release image is)";

impl TableFormat {
    pub const ALL: [TableFormat; 3] = [TableFormat::Csv, TableFormat::CsvGz, TableFormat::Parquet];

    /// The file extension, without the leading dot.
    pub fn extension(self) -> &'static str {
        match self {
            TableFormat::Csv => "csv",
            TableFormat::CsvGz => "csv.gz",
            TableFormat::Parquet => "parquet",
        }
    }

    /// The format a file name's extension implies, if any.
    pub fn of_path(path: &Path) -> Option<TableFormat> {
        let name = path.file_name()?.to_str()?.to_ascii_lowercase();
        TableFormat::ALL.into_iter().rev().find(|f| name.ends_with(&format!(".{}", f.extension())))
    }

    /// The file name without this format's extension, if it has it.
    pub fn stem(self, file_name: &str) -> Option<&str> {
        file_name.strip_suffix(self.extension())?.strip_suffix('.')
    }
}

/// The bytes of a result file as they are written.
enum Sink {
    Plain(BufWriter<File>),
    Gzip(GzEncoder<BufWriter<File>>),
}

impl Write for Sink {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        match self {
            Sink::Plain(w) => w.write(bytes),
            Sink::Gzip(w) => w.write(bytes),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Sink::Plain(w) => w.flush(),
            Sink::Gzip(w) => w.flush(),
        }
    }
}

impl Sink {
    /// Ends the stream (gzip's trailer) and returns the file, flushed.
    fn finish(self) -> std::io::Result<File> {
        let buffered = match self {
            Sink::Plain(w) => w,
            Sink::Gzip(w) => w.finish()?,
        };
        buffered.into_inner().map_err(|e| e.into_error())
    }
}

/// A result table being written to `<path>.partial`; [`TableWriter::finish`] renames it to
/// `path`. Dropped unfinished, it leaves only the partial file.
pub struct TableWriter {
    path: PathBuf,
    partial: PathBuf,
    body: Body,
}

/// The writer of a result file's format.
enum Body {
    Csv(csv::Writer<Sink>),
    #[cfg(feature = "parquet")]
    Parquet(super::parquet::ParquetTable),
}

impl TableWriter {
    /// Starts the table `path` (replacing an earlier partial file) with the header `header`.
    pub fn create(path: &Path, format: TableFormat, header: &[String]) -> Result<TableWriter> {
        let mut partial = path.as_os_str().to_owned();
        partial.push(".partial");
        let partial = PathBuf::from(partial);
        let write_err = |source| Error::Write { path: partial.clone(), source };
        let create = || File::create(&partial).map(BufWriter::new).map_err(write_err);
        let csv = |sink| -> Result<Body> {
            let mut csv = csv::Writer::from_writer(sink);
            csv.write_record(header).map_err(|e| write_err(e.into()))?;
            Ok(Body::Csv(csv))
        };
        let body = match format {
            TableFormat::Csv => csv(Sink::Plain(create()?))?,
            TableFormat::CsvGz => csv(Sink::Gzip(GzEncoder::new(create()?, flate2::Compression::default())))?,
            #[cfg(feature = "parquet")]
            TableFormat::Parquet => Body::Parquet(super::parquet::ParquetTable::create(&partial, header)?),
            #[cfg(not(feature = "parquet"))]
            TableFormat::Parquet => return Err(Error::CommandLine(NO_PARQUET.into())),
        };
        Ok(TableWriter { path: path.to_path_buf(), partial, body })
    }

    /// Appends one row.
    pub fn write_row(&mut self, cells: &[String]) -> Result<()> {
        match &mut self.body {
            Body::Csv(csv) => {
                csv.write_record(cells).map_err(|e| Error::Write { path: self.partial.clone(), source: e.into() })
            }
            #[cfg(feature = "parquet")]
            Body::Parquet(table) => table.write_row(cells),
        }
    }

    /// Completes the file, makes it durable and renames it into place.
    pub fn finish(self) -> Result<PathBuf> {
        let partial = self.partial;
        let write_err = |source| Error::Write { path: partial.clone(), source };
        let file = match self.body {
            Body::Csv(csv) => csv.into_inner().map_err(|e| write_err(e.into_error()))?.finish().map_err(write_err)?,
            #[cfg(feature = "parquet")]
            Body::Parquet(table) => table.finish()?,
        };
        file.sync_all().map_err(write_err)?;
        std::fs::rename(&partial, &self.path).map_err(write_err)?;
        Ok(self.path)
    }
}
