//! `matfuse screen` (predict one shard of large structure tables) and `matfuse screen merge`
//! (join the shards' results, sorted); the work is `crate::screen`'s.

use super::eval::result_rows;
use crate::error::Result;
use crate::screen::input::Inputs;
use crate::screen::merge::{MergeOptions, merge};
use crate::screen::output::TableFormat;
use crate::screen::shard::Shard;
use crate::screen::{RowPredictor, ScreenOptions, ShardOutcome, screen_shard};
use models::ood::OodStatistics;
use models::predictor::Predictor;
use shared::batch::{ResultCsv, TableItem};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct ScreenArgs {
    #[command(subcommand)]
    command: Option<ScreenCommand>,
    #[command(flatten)]
    shard: ShardArgs,
}

#[derive(clap::Subcommand, Debug)]
enum ScreenCommand {
    /// Check that every shard's result is in --out and write them as one table, sorted.
    Merge(MergeArgs),
}

#[derive(clap::Args, Debug)]
struct ShardArgs {
    /// Model bundle directory (e.g. models/weights/browser).
    #[arg(long, required = true)]
    model: Option<PathBuf>,
    /// Structure tables (CSV, CSV.gz or Parquet with a `cif`, `poscar` or `structure` column;
    /// every file the same columns): paths or quoted glob patterns such as 'shards/*.csv.gz', read
    /// in path order.
    #[arg(long, required = true, num_args = 1..)]
    input: Vec<String>,
    /// Directory of the shards' result files (`shard-0003-of-0016.csv.gz`).
    #[arg(long, required = true)]
    out: Option<PathBuf>,
    /// Which shard to screen, `i/N` with 0 <= i < N. Without it: Slurm's
    /// SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN of SLURM_ARRAY_TASK_COUNT, else Kubernetes'
    /// JOB_COMPLETION_INDEX of --shards, else the whole input.
    #[arg(long)]
    shard: Option<String>,
    /// The shard count under a Kubernetes Indexed Job (its `completions`).
    #[arg(long, env = "MATFUSE_SHARDS")]
    shards: Option<usize>,
    /// How the results are stored.
    #[arg(long, value_enum, default_value = "csv.gz")]
    format: TableFormat,
    /// Rows per model batch and per block dealt to a shard; every shard of a screen must use the
    /// same.
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u64).range(1..=4096))]
    batch: u64,
    /// Refuse a structure's defects instead of repairing them with a warning.
    #[arg(long)]
    strict: bool,
    /// Where to run the model: cpu (default), wgpu or cuda.
    #[arg(long, default_value = "cpu", env = "MATFUSE_DEVICE")]
    device: models::device::DeviceChoice,
}

#[derive(clap::Args, Debug)]
struct MergeArgs {
    /// Directory of the shards' result files.
    #[arg(long)]
    out: PathBuf,
    /// Column to sort by (e.g. e_above_hull); without it, input order.
    #[arg(long)]
    sort_by: Option<String>,
    /// Largest first (empty cells stay last).
    #[arg(long)]
    descending: bool,
    /// The merged table (CSV, CSV.gz or Parquet by its extension); default <out>/merged.csv.gz.
    #[arg(long)]
    merged: Option<PathBuf>,
}

/// The one prediction path of `matfuse predict`, over a loaded bundle.
struct BundlePredictor {
    predictor: Predictor,
    ood: Option<OodStatistics>,
    table: ResultCsv,
    strict: bool,
}

impl RowPredictor for BundlePredictor {
    fn table(&self) -> &ResultCsv {
        &self.table
    }

    fn predict(&self, items: &[TableItem]) -> Vec<Vec<String>> {
        // The reader's repairs are in each row's `warnings` column; millions of rows stay quiet.
        result_rows(&self.predictor, self.ood.as_ref(), &self.table, items, self.strict, |_, _| {})
    }
}

pub fn run(args: &ScreenArgs) -> Result<()> {
    match &args.command {
        Some(ScreenCommand::Merge(merge_args)) => run_merge(merge_args),
        None => run_shard(&args.shard),
    }
}

fn run_shard(args: &ShardArgs) -> Result<()> {
    let (Some(model), Some(out)) = (&args.model, &args.out) else {
        return Err(crate::error::Error::CommandLine("give --model, --input and --out".into()));
    };
    let shard = Shard::resolve(args.shard.as_deref(), args.shards)?;
    let inputs = Inputs::find(&args.input)?;
    let options = ScreenOptions { shard, out_dir: out.clone(), format: args.format, batch: args.batch as usize };
    let finished = crate::screen::shard_path(out, shard, args.format);
    if finished.is_file() {
        eprintln!("{} is already there; shard {}/{} is finished", finished.display(), shard.index, shard.count);
        return Ok(());
    }
    let predictor = Predictor::load(model, &args.device.device()?)?;
    let ood = OodStatistics::load(model, &predictor.manifest.weights.sha256)?;
    let table = ResultCsv::new(predictor.manifest.properties.iter().map(|p| p.name.as_str()));
    let bundle = BundlePredictor { predictor, ood, table, strict: args.strict };
    let started = std::time::Instant::now();
    match screen_shard(&inputs, &options, &bundle)? {
        ShardOutcome::Finished { path } => {
            eprintln!("{} is already there; shard {}/{} is finished", path.display(), shard.index, shard.count)
        }
        ShardOutcome::Written { path, rows, failed, atoms } => eprintln!(
            "shard {}/{}: {rows} rows ({atoms} atoms, {failed} failed) of {} input file(s) in {:.1} s -> {}",
            shard.index,
            shard.count,
            inputs.files().len(),
            started.elapsed().as_secs_f64(),
            path.display()
        ),
    }
    Ok(())
}

fn run_merge(args: &MergeArgs) -> Result<()> {
    let output = args.merged.clone().unwrap_or_else(|| args.out.join("merged.csv.gz"));
    let merged = merge(&MergeOptions {
        dir: args.out.clone(),
        sort_by: args.sort_by.clone(),
        descending: args.descending,
        output,
    })?;
    eprintln!("merged {} shards, {} rows -> {}", merged.shards, merged.rows, merged.path.display());
    Ok(())
}
