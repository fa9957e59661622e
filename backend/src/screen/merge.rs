//! `matfuse screen merge`: checks that every shard 0..N of a screen has its result file, then
//! writes them as one table, sorted by a chosen column (numbers in numeric order, then text,
//! empty cells last whichever the direction; ties and the unsorted table in input order).
//! The merged table is held in memory (about its unpacked size) while it is sorted.

use super::input::read_cells;
use super::output::{TableFormat, TableWriter};
use super::shard::Shard;
use super::{ROW_COLUMN, shard_path};
use crate::error::{Error, Result};
use std::cmp::Ordering;
use std::path::{Path, PathBuf};

/// What to merge and how.
#[derive(Debug, Clone)]
pub struct MergeOptions {
    /// Directory of the shards' result files.
    pub dir: PathBuf,
    /// Column to sort by (`None`: input order).
    pub sort_by: Option<String>,
    pub descending: bool,
    /// The merged table's path (CSV or CSV.gz by its extension).
    pub output: PathBuf,
}

/// What a merge wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct Merged {
    pub path: PathBuf,
    pub shards: usize,
    pub rows: usize,
}

/// The result files of a screen in `dir`, in shard order; refused unless every shard 0..N of
/// one shard count N is there exactly once (the error names the missing shards).
pub fn shard_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries = std::fs::read_dir(dir).map_err(|source| Error::Read { path: dir.to_path_buf(), source })?;
    let mut found: Vec<(Shard, TableFormat)> = Vec::new();
    for entry in entries {
        let name = entry.map_err(|source| Error::Read { path: dir.to_path_buf(), source })?.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some(format) = TableFormat::of_path(Path::new(name)) else { continue };
        if let Some(shard) = format.stem(name).and_then(Shard::from_file_stem) {
            found.push((shard, format));
        }
    }
    found.sort_by_key(|(shard, _)| (shard.count, shard.index));
    let Some(&(last, _)) = found.last() else {
        return Err(Error::CommandLine(format!(
            "{} holds no shard results (shard-*-of-*.csv, .csv.gz or .parquet)",
            dir.display()
        )));
    };
    if let Some((other, _)) = found.iter().find(|(s, _)| s.count != last.count) {
        return Err(Error::CommandLine(format!(
            "{} holds results of screens in {} and in {} shards; keep one",
            dir.display(),
            other.count,
            last.count
        )));
    }
    if let Some(pair) = found.windows(2).find(|w| w[0].0 == w[1].0) {
        return Err(Error::CommandLine(format!(
            "{} holds shard {} twice (as .{} and .{}); keep one",
            dir.display(),
            pair[0].0.file_stem(),
            pair[0].1.extension(),
            pair[1].1.extension()
        )));
    }
    let missing: Vec<usize> = (0..last.count).filter(|&i| !found.iter().any(|(s, _)| s.index == i)).collect();
    if !missing.is_empty() {
        return Err(Error::MissingShards {
            dir: dir.to_path_buf(),
            count: last.count,
            missing: missing.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "),
        });
    }
    Ok(found.into_iter().map(|(shard, format)| shard_path(dir, shard, format)).collect())
}

/// Merges the screen's shards in `options.dir` into `options.output`.
pub fn merge(options: &MergeOptions) -> Result<Merged> {
    let files = shard_files(&options.dir)?;
    let mut header: Option<Vec<String>> = None;
    let mut rows: Vec<(u64, Vec<String>)> = Vec::new();
    for path in &files {
        let (this_header, records) = read_cells(path)?;
        match &header {
            None => header = Some(this_header),
            Some(first) if *first != this_header => {
                return Err(Error::Table { path: path.clone(), message: "its header differs from shard 0's".into() });
            }
            Some(_) => {}
        }
        for record in records {
            let record = record?;
            let position = record.first().and_then(|p| p.parse().ok()).ok_or_else(|| Error::Table {
                path: path.clone(),
                message: format!("a row without its `{ROW_COLUMN}`"),
            })?;
            rows.push((position, record));
        }
    }
    let header = header.unwrap_or_default();
    if header.first().map(String::as_str) != Some(ROW_COLUMN) {
        return Err(Error::Table {
            path: files[0].clone(),
            message: format!("not a shard result (no `{ROW_COLUMN}`)"),
        });
    }
    rows.sort_by_key(|(position, _)| *position);
    check_each_row_once(&rows, &options.dir)?;
    if let Some(name) = &options.sort_by {
        let column = header
            .iter()
            .position(|h| h == name)
            .or_else(|| header.iter().position(|h| h.eq_ignore_ascii_case(name)))
            .ok_or_else(|| {
                Error::CommandLine(format!(
                    "--sort-by {name}: the results have no such column (they have {})",
                    header.join(", ")
                ))
            })?;
        rows.sort_by(|(pa, a), (pb, b)| {
            compare_cells(
                a.get(column).map_or("", String::as_str),
                b.get(column).map_or("", String::as_str),
                options.descending,
            )
            .then(pa.cmp(pb))
        });
    }
    let format = TableFormat::of_path(&options.output).unwrap_or(TableFormat::Csv);
    let mut writer = TableWriter::create(&options.output, format, &header)?;
    for (_, record) in &rows {
        writer.write_row(record)?;
    }
    Ok(Merged { path: writer.finish()?, shards: files.len(), rows: rows.len() })
}

/// Refuses positions (sorted) that repeat or skip a row: shards of screens with different
/// inputs or `--batch`.
fn check_each_row_once(rows: &[(u64, Vec<String>)], dir: &Path) -> Result<()> {
    for (expected, (position, _)) in rows.iter().enumerate() {
        if *position != expected as u64 {
            let what = if *position < expected as u64 { "twice" } else { "in no shard" };
            let row = if *position < expected as u64 { *position } else { expected as u64 };
            return Err(Error::CommandLine(format!(
                "{}: input row {row} is {what}; were the shards run with different inputs or --batch?",
                dir.display()
            )));
        }
    }
    Ok(())
}

/// Orders two cells: numbers (ascending, or descending) before text (likewise), empty last.
fn compare_cells(a: &str, b: &str, descending: bool) -> Ordering {
    let rank = |cell: &str| match (cell.trim().is_empty(), cell.trim().parse::<f64>()) {
        (true, _) => 2,
        (false, Ok(x)) if !x.is_nan() => 0,
        _ => 1,
    };
    let (ra, rb) = (rank(a), rank(b));
    let within = match (ra, rb) {
        (0, 0) => a.trim().parse::<f64>().unwrap_or(0.0).total_cmp(&b.trim().parse::<f64>().unwrap_or(0.0)),
        (1, 1) => a.cmp(b),
        _ => return ra.cmp(&rb),
    };
    if descending { within.reverse() } else { within }
}
