//! Featurising: a structure table → the cache of crystal graphs and descriptions
//! (`<cache>/<table stem>/records.bin`, `failures.csv`, `manifest.json`), reused while it was
//! made from the same file by the same cache version.

use super::observer::{Event, Observer, Task};
use crate::error::{Error, Result};
use crate::table::{TableRow, read_table};
use rayon::prelude::*;
use shared::dataset::{FeaturizedRecord, RECORDS_FILE, read_records, write_header, write_record};
use shared::describe::{DescribeOptions, describe};
use shared::graph::CrystalGraph;
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

/// How a table is featurised.
#[derive(Clone, Copy, Debug)]
pub struct FeaturiseOptions {
    /// Symmetry tolerance in Å for the descriptions.
    pub symprec: f64,
    /// Worker threads (`None`: all cores).
    pub threads: Option<usize>,
    /// Only the first N rows (smoke tests).
    pub limit: Option<usize>,
}

impl Default for FeaturiseOptions {
    fn default() -> Self {
        FeaturiseOptions { symprec: shared::symmetry::DEFAULT_SYMPREC, threads: None, limit: None }
    }
}

/// The featurised records of `table`, from `cache/<file stem>/` when that cache was made from
/// the same file, else featurised now (and cached).
pub fn load_cached(table: &Path, cache: &Path, observer: &dyn Observer) -> Result<Vec<FeaturizedRecord>> {
    let table = &std::fs::canonicalize(table).map_err(|source| Error::Read { path: table.to_path_buf(), source })?;
    let stem = table.file_name().and_then(|n| n.to_str()).unwrap_or("table").trim_end_matches(".gz");
    let dir = cache.join(stem.trim_end_matches(".csv"));
    let manifest = dir.join("manifest.json");
    let fresh = std::fs::read(&manifest)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
        .is_some_and(|m| {
            m["source"].as_str() == Some(&table.display().to_string())
                && m["cache_version"].as_u64() == Some(u64::from(shared::dataset::CACHE_VERSION))
        });
    if !fresh {
        featurise_table(table, &dir, &FeaturiseOptions::default(), observer)?;
    }
    let path = dir.join(RECORDS_FILE);
    let file = std::fs::File::open(&path).map_err(|source| Error::Read { path: path.clone(), source })?;
    read_records(&mut std::io::BufReader::new(file)).map_err(|source| Error::Read { path, source })
}

/// Parses, builds the graph and describes one row.
pub fn featurize_row(row: &TableRow, symprec: f64) -> shared::Result<FeaturizedRecord> {
    let structure = shared::io::parse(&row.structure)?;
    let symmetry = shared::symmetry::analyze(&structure, symprec)?;
    let description = describe(&structure, &symmetry, &DescribeOptions { symprec, ..Default::default() });
    Ok(FeaturizedRecord {
        row: row.row,
        id: row.id.clone(),
        split: row.split.clone(),
        formula: shared::composition::reduced_formula(&structure),
        space_group: symmetry.number,
        graph: CrystalGraph::from_structure(&structure),
        description: description.text,
        labels: row.labels.clone(),
    })
}

/// Featurises every row of `table` (in parallel, reporting progress) into the cache directory
/// `out`; rows that fail are listed in `failures.csv` and left out.
pub fn featurise_table(table: &Path, out: &Path, options: &FeaturiseOptions, observer: &dyn Observer) -> Result<()> {
    let mut rows = read_table(table)?;
    if let Some(limit) = options.limit {
        rows.truncate(limit);
    }
    let pool = rayon::ThreadPoolBuilder::new().num_threads(options.threads.unwrap_or(0)).build()?;
    let (done, total) = (AtomicUsize::new(0), rows.len());
    observer.event(&Event::Progress { task: Task::Featurise, done: 0, total });
    let results: Vec<_> = pool.install(|| {
        rows.par_iter()
            .map(|row| {
                let r = featurize_row(row, options.symprec);
                let done = done.fetch_add(1, Ordering::Relaxed) + 1;
                observer.event(&Event::Progress { task: Task::Featurise, done, total });
                r
            })
            .collect()
    });

    std::fs::create_dir_all(out).map_err(|source| Error::Write { path: out.to_path_buf(), source })?;
    // Written under a name of this process's own and renamed into place once complete, so a
    // reader (or another process featurising the same table at the same time) never sees half
    // a file; the manifest that marks the cache fresh comes last.
    let records_path = out.join(RECORDS_FILE);
    let partial_path = out.join(format!("{RECORDS_FILE}.{}.partial", std::process::id()));
    let failures_path = out.join("failures.csv");
    let write_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Write { path, source }
    };
    let mut records = std::io::BufWriter::new(std::fs::File::create(&partial_path).map_err(write_err(&partial_path))?);
    let mut failures = csv::Writer::from_path(&failures_path)
        .map_err(|e| Error::Write { path: failures_path.clone(), source: e.into() })?;
    failures
        .write_record(["row", "id", "error"])
        .map_err(|e| Error::Write { path: failures_path.clone(), source: e.into() })?;
    write_header(&mut records).map_err(write_err(&partial_path))?;
    let (mut ok, mut failed) = (0usize, 0usize);
    for (row, result) in rows.iter().zip(&results) {
        match result {
            Ok(record) => {
                write_record(&mut records, record).map_err(write_err(&partial_path))?;
                ok += 1;
            }
            Err(e) => {
                failures
                    .write_record([row.row.to_string(), row.id.clone(), e.to_string()])
                    .map_err(|e| Error::Write { path: failures_path.clone(), source: e.into() })?;
                failed += 1;
            }
        }
    }
    records.flush().map_err(write_err(&partial_path))?;
    drop(records);
    failures.flush().map_err(write_err(&failures_path))?;
    std::fs::rename(&partial_path, &records_path).map_err(write_err(&records_path))?;
    let manifest = serde_json::json!({
        "source": table,
        "rows": rows.len(),
        "featurized": ok,
        "failed": failed,
        "symprec": options.symprec,
        "cache_version": shared::dataset::CACHE_VERSION,
        "matfuse_version": env!("CARGO_PKG_VERSION"),
    });
    let manifest_path = out.join("manifest.json");
    std::fs::write(&manifest_path, serde_json::to_string_pretty(&manifest).expect("json"))
        .map_err(write_err(&manifest_path))?;
    observer.event(&Event::Featurised {
        table: table.to_path_buf(),
        featurised: ok,
        failed,
        failures: failures_path,
        records: records_path,
    });
    Ok(())
}
