//! `matfuse bench …`: measured figures written into BENCHMARKS.md with the command and machine.

use crate::error::{Error, Result};
use crate::table::read_table;
use rayon::prelude::*;
use shared::describe::{DescribeOptions, describe};
use shared::graph::CrystalGraph;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(clap::Subcommand, Debug)]
pub enum BenchCommand {
    /// Structures per second for parse, parse + graph, and parse + graph + symmetry + description.
    Featurize {
        /// Structure table to featurise.
        #[arg(long, default_value = "../shared/data/mp2018/mp2018.csv.gz")]
        data: PathBuf,
        /// Only the first N rows.
        #[arg(long)]
        limit: Option<usize>,
        /// Worker threads (default: all cores).
        #[arg(long)]
        threads: Option<usize>,
        /// Markdown file whose `featurize` section is replaced with the table.
        #[arg(long, default_value = "BENCHMARKS.md")]
        out: PathBuf,
    },
    /// Inference latency (batch 1 and 256), training throughput and peak memory of a model.
    Model {
        /// Model bundle directory.
        #[arg(long, default_value = "models/weights/browser")]
        model: PathBuf,
        /// Structures to measure on (test split rows are used).
        #[arg(long, default_value = "../shared/data/mp2018/mp2018.csv.gz")]
        data: PathBuf,
        /// Markdown file whose `model-<id>` section (`model-<id>-<device>` off the CPU) is
        /// replaced with the table.
        #[arg(long, default_value = "BENCHMARKS.md")]
        out: PathBuf,
        /// Where the network runs: cpu, wgpu or cuda (the GPU ones need a build with that feature).
        #[arg(long, default_value = "cpu", env = "MATFUSE_DEVICE")]
        device: models::device::DeviceChoice,
    },
    /// Load test of `POST /api/v1/predict` over loopback: p50/p99 latency and throughput.
    Api(super::bench_api::ApiBenchArgs),
    /// Screening throughput of a model: one process, and N shards side by side.
    Screen(super::bench_screen::ScreenBenchArgs),
    /// Molecule prediction latency of each molecule bundle over the classroom gallery.
    Molecules(super::bench_molecules::MoleculeBenchArgs),
}

pub fn run(cmd: BenchCommand) -> Result<()> {
    match cmd {
        BenchCommand::Api(args) => super::bench_api::run(&args),
        BenchCommand::Screen(args) => super::bench_screen::run(&args),
        BenchCommand::Molecules(args) => super::bench_molecules::run(&args),
        BenchCommand::Featurize { data, limit, threads, out } => featurize(&data, limit, threads, &out),
        BenchCommand::Model { model, data, out, device } => super::bench_model::run(&model, &data, &out, device),
    }
}

fn featurize(data: &Path, limit: Option<usize>, threads: Option<usize>, out: &Path) -> Result<()> {
    let mut rows = read_table(data)?;
    rows.truncate(limit.unwrap_or(usize::MAX));
    let texts: Vec<&str> = rows.iter().map(|r| r.structure.as_str()).collect();
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads.unwrap_or(0)).build()?;
    let nthreads = pool.current_num_threads();
    let symprec = shared::symmetry::DEFAULT_SYMPREC;

    let stage = |name: &str, work: &(dyn Fn(&str) -> usize + Sync)| {
        let start = Instant::now();
        let failed: usize = pool.install(|| texts.par_iter().map(|t| work(t)).sum());
        let secs = start.elapsed().as_secs_f64();
        let rate = texts.len() as f64 / secs;
        eprintln!("{name}: {rate:.0} structures/s ({secs:.2} s, {failed} failed)");
        (name.to_string(), rate, secs, failed)
    };
    let results = [
        stage("parse", &|t| shared::io::parse(t).is_err() as usize),
        stage("parse + graph", &|t| match shared::io::parse(t) {
            Ok(s) => {
                std::hint::black_box(CrystalGraph::from_structure(&s));
                0
            }
            Err(_) => 1,
        }),
        stage("parse + graph + symmetry + description", &|t| {
            let Ok(s) = shared::io::parse(t) else { return 1 };
            std::hint::black_box(CrystalGraph::from_structure(&s));
            let Ok(sym) = shared::symmetry::analyze(&s, symprec) else { return 1 };
            std::hint::black_box(describe(&s, &sym, &DescribeOptions::default()));
            0
        }),
    ];

    let command = format!(
        "matfuse bench featurize --data {}{}{}",
        data.display(),
        limit.map(|l| format!(" --limit {l}")).unwrap_or_default(),
        threads.map(|t| format!(" --threads {t}")).unwrap_or_default()
    );
    let mut table = format!(
        "Command: `{command}` (release build)\n\nMachine: {}, {nthreads} threads. {} structures from `{}`.\n\n\
         | stage | structures/s | wall time (s) | failed |\n|---|---:|---:|---:|\n",
        machine_description(),
        texts.len(),
        data.display()
    );
    for (name, rate, secs, failed) in &results {
        table.push_str(&format!("| {name} | {rate:.0} | {secs:.2} | {failed} |\n"));
    }
    replace_section(out, "featurize", &table)?;
    eprintln!("wrote the table into {}", out.display());
    Ok(())
}

/// CPU model and core count, for benchmark tables.
pub fn machine_description() -> String {
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| std::env::consts::ARCH.to_string());
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    format!("{model}, {cores} cores")
}

/// Replaces (or appends) the part of a Markdown file between `<!-- bench:NAME -->` and
/// `<!-- /bench:NAME -->`, leaving the rest of the file as it is.
pub fn replace_section(path: &Path, name: &str, body: &str) -> Result<()> {
    let (open, close) = (format!("<!-- bench:{name} -->"), format!("<!-- /bench:{name} -->"));
    let old = std::fs::read_to_string(path).unwrap_or_else(|_| "# Benchmarks\n".to_string());
    let block = format!("{open}\n{body}{close}");
    let new = match (old.find(&open), old.find(&close)) {
        (Some(a), Some(b)) if b > a => format!("{}{}{}", &old[..a], block, &old[b + close.len()..]),
        _ => format!("{}\n{}\n", old.trim_end(), block),
    };
    std::fs::write(path, new).map_err(|source| Error::Write { path: path.into(), source })
}
