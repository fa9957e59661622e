//! `matfuse featurize`: structure table → cache of crystal graphs and descriptions
//! ([`crate::training::featurise`], rendered by [`super::progress::Terminal`]).

use crate::error::Result;
use crate::training::featurise::{FeaturiseOptions, featurise_table};
use std::path::PathBuf;

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

pub fn run(args: &FeaturizeArgs) -> Result<()> {
    let options = FeaturiseOptions { symprec: args.symprec, threads: args.threads, limit: args.limit };
    featurise_table(&args.data, &args.out, &options, &super::progress::Terminal::default())
}
