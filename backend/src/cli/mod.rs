//! Command-line interface: a thin layer over library functions.

mod ablate;
mod bench;
mod bench_api;
mod bench_model;
mod bench_molecules;
mod bench_screen;
mod calibrate;
mod curves;
mod eval;
pub mod featurize;
mod hull_eval;
mod inspect;
mod molecule;
mod ood;
mod ood_check;
pub mod overrides;
mod phases;
mod predict_output;
mod progress;
mod screen;
mod serve;
mod suggest;
pub(crate) mod train;
mod tsne_map;

use crate::error::{Error, Result};
use clap::{Parser, Subcommand};
use serve::ServeArgs;
use std::io::Read;
use std::path::{Path, PathBuf};

#[derive(Parser, Debug)]
#[command(
    name = "matfuse",
    version,
    about = "Crystal property prediction by multimodal fusion of crystal graphs and text"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Options shared by the commands that read one structure file.
#[derive(clap::Args, Debug)]
struct StructureArgs {
    /// Structure file (CIF, POSCAR/CONTCAR, extended XYZ, pymatgen or OPTIMADE JSON); `-` reads
    /// standard input.
    file: PathBuf,
    /// Force the format instead of detecting it.
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// CIF data block to read (default: the first); for a JSON file listing several structures
    /// (an OPTIMADE or Materials Project response, an array of pymatgen structures), the entry's
    /// id or `material_id`, or its 0-based index.
    #[arg(long)]
    block: Option<String>,
    /// Symmetry tolerance in Å (0.1 suits DFT-relaxed cells; use ~0.01 for precise experimental data).
    #[arg(long, default_value_t = shared::symmetry::DEFAULT_SYMPREC)]
    symprec: f64,
    /// Refuse the file's defects instead of repairing them with a warning (a CIF tag given
    /// twice, an unclosed quote, symmetry images of an atom slightly apart).
    #[arg(long)]
    strict: bool,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
enum FormatArg {
    Cif,
    Poscar,
    Xyz,
    /// pymatgen's `Structure.as_dict()` (the Materials Project API's structures).
    PymatgenJson,
    /// An OPTIMADE structures entry or response.
    OptimadeJson,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Print the generated text description of a structure.
    Describe(StructureArgs),
    /// Formula, lattice, space group and sites of a structure.
    Inspect {
        #[command(flatten)]
        input: StructureArgs,
        /// Print one JSON object (a stable contract, see ARCHITECTURE.md).
        #[arg(long)]
        json: bool,
        /// Also list every atom's graph neighbours (12 nearest within 8 Å).
        #[arg(long)]
        neighbors: bool,
    },
    /// Featurise a structure table (CSV or CSV.gz with a `cif` or `poscar` column) into a cache
    /// of crystal graphs and descriptions for training.
    Featurize(featurize::FeaturizeArgs),
    /// Train a model from a configuration (see configs/), with checkpoints and early stopping.
    Train(train::TrainArgs),
    /// Train all six fusion variants with the same budget and write RESULTS.md (tables 1-4).
    Ablate(ablate::AblateArgs),
    /// Evaluate a model on a labelled table: MAE, RMSE, R² and Spearman ρ per property.
    Eval(eval::EvalArgs),
    /// Predict the four properties (value, σ, 95 % interval) of structure files or a table, as
    /// CSV, with each structure's out-of-distribution level and elements unseen in training.
    Predict(eval::PredictArgs),
    /// Benchmarks that write their table into BENCHMARKS.md.
    #[command(subcommand)]
    Bench(bench::BenchCommand),
    /// Screen shard i of N of large structure tables (Slurm array / Kubernetes Indexed Job
    /// task), or `screen merge` the shards' results (README: Screening at scale).
    Screen(screen::ScreenArgs),
    /// Serve the web app and the prediction API (README: API).
    Serve(ServeArgs),
    /// Out-of-distribution statistics and the nearest-neighbour index of a model's training data (writes ood.json and neighbours.bin into the bundle).
    Ood(ood::OodArgs),
    /// Draw learning curves (validation MAE per property against epoch and training time) of
    /// training runs as one SVG.
    Curves(curves::CurvesArgs),
    /// Energy above hull from the convex hull of the predicted formation energy vs the model's
    /// direct head on mp2022_ehull rows (`--record` on val writes the choice into phases.json).
    HullEval(hull_eval::HullEvalArgs),
    /// Build the reference phase table for energy above hull from the training split's formation
    /// energies (writes phases.bin.gz and phases.json).
    Phases(phases::PhasesArgs),
    /// Fit a bundle's σ factors on the validation split and record the test coverage (bundles
    /// trained before `train` did this itself).
    Calibrate(calibrate::CalibrateArgs),
    /// What to compute next: rank a pool of unlabelled structures by the disagreement of the
    /// model's views (fused, graph only, text only), with σ and the out-of-distribution score
    /// beside it; `--evaluate` compares the top-k's errors with random picks on labelled data.
    Suggest(suggest::SuggestArgs),
}

pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Describe(input) => {
            let structure = read_structure(&input)?;
            let symmetry = shared::symmetry::analyze(&structure, input.symprec)?;
            let options = shared::describe::DescribeOptions { symprec: input.symprec, ..Default::default() };
            print_stdout(&format!("{}\n", shared::describe::describe(&structure, &symmetry, &options).text))
        }
        Command::Inspect { input, json, neighbors } => inspect::run(&input, json, neighbors),
        Command::Featurize(args) => featurize::run(&args),
        Command::Train(args) => train::run(&args),
        Command::Eval(args) => eval::eval(&args),
        Command::Ablate(args) => ablate::run(&args),
        Command::Predict(args) => eval::predict(&args),
        Command::Bench(cmd) => bench::run(cmd),
        Command::Screen(args) => screen::run(&args),
        Command::Serve(args) => crate::server::serve(args.config()),
        Command::Ood(args) => ood::run(&args),
        Command::Calibrate(args) => calibrate::run(&args),
        Command::Phases(args) => phases::run(&args),
        Command::HullEval(args) => hull_eval::run(&args),
        Command::Curves(args) => curves::run(&args),
        Command::Suggest(args) => suggest::run(&args),
    }
}

/// Writes to standard output; a reader that went away (`matfuse inspect … | head`) is not an error.
fn print_stdout(text: &str) -> Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Error::Write { path: PathBuf::from("<standard output>"), source: e })
        }
        _ => Ok(()),
    }
}

fn read_text(path: &Path) -> Result<String> {
    let read_err = |source| Error::Read { path: path.to_path_buf(), source };
    if path == Path::new("-") {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map_err(read_err)?;
        Ok(text)
    } else {
        std::fs::read_to_string(path).map_err(read_err)
    }
}

fn read_structure(input: &StructureArgs) -> Result<shared::Structure> {
    let text = read_text(&input.file)?;
    let options = shared::io::ParseOptions {
        format: input.format.map(|f| match f {
            FormatArg::Cif => shared::Format::Cif,
            FormatArg::Poscar => shared::Format::Poscar,
            FormatArg::Xyz => shared::Format::Xyz,
            FormatArg::PymatgenJson => shared::Format::PymatgenJson,
            FormatArg::OptimadeJson => shared::Format::OptimadeJson,
        }),
        block: input.block.clone(),
        strict: input.strict,
        ..Default::default()
    };
    let parsed = shared::io::parse_with_warnings(&text, &options)?;
    for warning in &parsed.warnings {
        eprintln!("warning: {}: {warning}", input.file.display());
    }
    Ok(parsed.structure)
}
