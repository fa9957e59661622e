//! Screening a structure set too large for one process: `matfuse screen` predicts shard *i* of
//! *N* of the input tables ([`screen_shard`]) and `matfuse screen merge` joins the shards' result
//! tables ([`merge::merge`]). One job per file: which shard ([`shard`]), which rows
//! ([`partition`]), reading the inputs ([`input`]), writing results ([`output`]), merging
//! ([`merge`]).
//!
//! A shard's result holds, per row of its share of the inputs, the row's position among all the
//! inputs ([`ROW_COLUMN`]), every input cell, then the one result CSV's columns
//! (`shared::batch::ResultCsv`; a name already used by an input column gets the prefix
//! `predicted_`). A row that cannot be read or predicted carries its error in the `error` column.
//! Memory stays bounded: the inputs are read twice as streams (atom counts, then one block of
//! rows at a time).

pub mod input;
pub mod merge;
pub mod output;
#[cfg(feature = "parquet")]
pub mod parquet;
pub mod partition;
pub mod shard;

use crate::error::{Error, Result};
use input::{InputRecord, Inputs};
use output::{TableFormat, TableWriter};
use rayon::prelude::*;
use shard::Shard;
use shared::batch::{ResultCsv, TableItem};
use std::path::{Path, PathBuf};

/// The first column of a shard's result: the row's 0-based position among all the inputs' rows.
pub const ROW_COLUMN: &str = "input_row";

/// Prefix of a prediction column whose name an input column already has.
const PREDICTED_PREFIX: &str = "predicted_";

/// Records counted for atoms at a time (bounds memory in the first pass).
const COUNT_CHUNK: usize = 1024;

/// Predicts structures into rows of the one result CSV (`matfuse predict`'s path).
pub trait RowPredictor {
    /// The result table the rows belong to.
    fn table(&self) -> &ResultCsv;
    /// One row of [`RowPredictor::table`] per item, in order; an item that fails is a row with
    /// its error.
    fn predict(&self, items: &[TableItem]) -> Vec<Vec<String>>;
}

/// What a shard's run is asked to do.
#[derive(Debug, Clone)]
pub struct ScreenOptions {
    pub shard: Shard,
    /// Directory of the shards' result files.
    pub out_dir: PathBuf,
    pub format: TableFormat,
    /// Rows per block: one model batch, and the unit shards are dealt in (every shard of a
    /// screen must use the same).
    pub batch: usize,
}

/// What a shard's run did.
#[derive(Debug, Clone, PartialEq)]
pub enum ShardOutcome {
    /// The shard's result was already there (a finished shard is not redone).
    Finished { path: PathBuf },
    /// The shard was screened: `rows` rows of its share, `failed` of them with an error.
    Written { path: PathBuf, rows: u64, failed: u64, atoms: u64 },
}

/// The path of `shard`'s result in `dir`.
pub fn shard_path(dir: &Path, shard: Shard, format: TableFormat) -> PathBuf {
    dir.join(format!("{}.{}", shard.file_stem(), format.extension()))
}

/// The header of a shard's result: [`ROW_COLUMN`], the inputs' columns, the prediction
/// columns (prefixed with `predicted_` where an input column has the name).
pub fn result_header(input: &[String], predicted: &[String]) -> Vec<String> {
    let taken = |name: &str| name == ROW_COLUMN || input.iter().any(|c| c.trim().eq_ignore_ascii_case(name));
    let mut header = vec![ROW_COLUMN.to_string()];
    header.extend(input.iter().cloned());
    header.extend(
        predicted.iter().map(|name| if taken(name) { format!("{PREDICTED_PREFIX}{name}") } else { name.clone() }),
    );
    header
}

/// Screens `options.shard` of `inputs` with `predictor` into its result file, unless that file
/// is already there. The file appears (by rename) only once every row of the shard is written.
pub fn screen_shard(inputs: &Inputs, options: &ScreenOptions, predictor: &impl RowPredictor) -> Result<ShardOutcome> {
    let path = shard_path(&options.out_dir, options.shard, options.format);
    if path.is_file() {
        return Ok(ShardOutcome::Finished { path });
    }
    std::fs::create_dir_all(&options.out_dir)
        .map_err(|source| Error::Write { path: options.out_dir.clone(), source })?;
    let batch = options.batch.max(1);
    let block_of = |position: u64| (position / batch as u64) as usize;
    let blocks = partition::block_atoms(row_atoms(inputs)?, batch);
    let shard_of = partition::assign_blocks(&blocks, options.shard.count);
    let mine = |block: usize| shard_of.get(block).is_some_and(|&s| s as usize == options.shard.index);
    let atoms = (0..blocks.len()).filter(|&b| mine(b)).map(|b| blocks[b]).sum();

    let table = predictor.table();
    let width = inputs.header().len();
    let mut writer =
        TableWriter::create(&path, options.format, &result_header(inputs.header(), &table.header_cells()))?;
    let (mut rows, mut failed) = (0u64, 0u64);
    let mut block: Vec<InputRecord> = Vec::with_capacity(batch);
    let mut write_block = |block: &mut Vec<InputRecord>, writer: &mut TableWriter| -> Result<()> {
        for (cells, ok) in predict_block(block, table, predictor, width) {
            failed += u64::from(!ok);
            rows += 1;
            writer.write_row(&cells)?;
        }
        block.clear();
        Ok(())
    };
    for record in inputs.records() {
        let record = record?;
        if !mine(block_of(record.position)) {
            continue;
        }
        if block.first().is_some_and(|first| block_of(first.position) != block_of(record.position)) {
            write_block(&mut block, &mut writer)?;
        }
        block.push(record);
    }
    write_block(&mut block, &mut writer)?;
    Ok(ShardOutcome::Written { path: writer.finish()?, rows, failed, atoms })
}

/// Each input row's atom count, in order (0 for a row that cannot be read).
fn row_atoms(inputs: &Inputs) -> Result<Vec<u32>> {
    let mut atoms = Vec::new();
    let mut chunk = Vec::with_capacity(COUNT_CHUNK);
    let mut records = inputs.records();
    loop {
        chunk.clear();
        for record in records.by_ref().take(COUNT_CHUNK) {
            chunk.push(record?.record);
        }
        if chunk.is_empty() {
            return Ok(atoms);
        }
        atoms.par_extend(chunk.par_iter().map(input::atom_count));
    }
}

/// The result rows of one block of records: position, input cells (padded or cut to the
/// header's `width`), prediction cells; each with whether it has no error.
fn predict_block(
    block: &[InputRecord],
    table: &ResultCsv,
    predictor: &impl RowPredictor,
    width: usize,
) -> Vec<(Vec<String>, bool)> {
    let error_at = table.header_cells().iter().position(|h| h == "error");
    let items: Vec<TableItem> = block
        .iter()
        .filter_map(|r| r.record.row.as_ref().ok())
        .map(|row| TableItem { name: row.display_name(), structure: Ok((row.structure.clone(), row.format)) })
        .collect();
    let mut predicted = predictor.predict(&items).into_iter();
    block
        .iter()
        .map(|r| {
            let prediction = match &r.record.row {
                Ok(_) => predicted.next().unwrap_or_else(|| table.row_cells("", Err("the model returned no row"))),
                Err(e) => table.row_cells("", Err(&e.to_string())),
            };
            let ok = error_at.and_then(|i| prediction.get(i)).is_none_or(String::is_empty);
            let mut cells = Vec::with_capacity(1 + width + prediction.len());
            cells.push(r.position.to_string());
            let mut input = r.record.cells.clone();
            input.resize(width, String::new());
            cells.extend(input);
            cells.extend(prediction);
            (cells, ok)
        })
        .collect()
}
