//! `matfuse featurize`: structure table → cache of crystal graphs and descriptions.

use crate::error::{Error, Result};
use crate::table::{TableRow, read_table};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use shared::dataset::{FeaturizedRecord, RECORDS_FILE, write_header, write_record};
use shared::describe::{DescribeOptions, describe};
use shared::graph::CrystalGraph;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct FeaturizeArgs {
    /// CSV or CSV.gz with a `cif` (or `poscar`) column; `material_id`, `split` and label columns
    /// are carried into the cache.
    pub data: PathBuf,
    /// Output directory (created if missing).
    #[arg(long)]
    pub out: PathBuf,
    /// Symmetry tolerance in Å for the descriptions.
    #[arg(long, default_value_t = shared::symmetry::DEFAULT_SYMPREC)]
    pub symprec: f64,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Only the first N rows (for smoke tests).
    #[arg(long)]
    pub limit: Option<usize>,
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
        labels: row.labels,
    })
}

pub fn run(args: &FeaturizeArgs) -> Result<()> {
    let mut rows = read_table(&args.data)?;
    if let Some(limit) = args.limit {
        rows.truncate(limit);
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build()
        .map_err(|e| Error::Usage(e.to_string()))?;
    let bar = ProgressBar::new(rows.len() as u64).with_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} {per_sec} ETA {eta}")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.set_message("featurising");
    let results: Vec<_> = pool.install(|| {
        rows.par_iter()
            .map(|row| {
                let r = featurize_row(row, args.symprec);
                bar.inc(1);
                r
            })
            .collect()
    });
    bar.finish();

    std::fs::create_dir_all(&args.out).map_err(|source| Error::Write { path: args.out.clone(), source })?;
    // Written under a name of this process's own and renamed into place once complete, so a
    // reader (or another process featurising the same table at the same time) never sees half
    // a file; the manifest that marks the cache fresh comes last.
    let records_path = args.out.join(RECORDS_FILE);
    let partial_path = args.out.join(format!("{RECORDS_FILE}.{}.partial", std::process::id()));
    let failures_path = args.out.join("failures.csv");
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
        "source": args.data,
        "rows": rows.len(),
        "featurized": ok,
        "failed": failed,
        "symprec": args.symprec,
        "cache_version": shared::dataset::CACHE_VERSION,
        "matfuse_version": env!("CARGO_PKG_VERSION"),
    });
    let manifest_path = args.out.join("manifest.json");
    std::fs::write(&manifest_path, serde_json::to_string_pretty(&manifest).expect("json"))
        .map_err(write_err(&manifest_path))?;
    eprintln!(
        "featurised {ok} structures ({failed} failed, listed in {}) into {}",
        failures_path.display(),
        records_path.display()
    );
    Ok(())
}
