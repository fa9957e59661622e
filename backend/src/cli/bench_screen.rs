//! `matfuse bench screen`: screening throughput of one model on this machine, featurisation
//! included, as one process and as N shards run side by side (N processes of `matfuse screen
//! --shard i/N` at once), each shard count over the same structures.

use super::bench::{machine_description, replace_section};
use crate::error::{Error, Result};
use crate::screen::merge::{MergeOptions, merge};
use crate::table::read_table;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

#[derive(clap::Args, Debug)]
pub struct ScreenBenchArgs {
    /// Model bundle directory.
    #[arg(long, default_value = "models/weights/browser")]
    pub model: PathBuf,
    /// Structure table; the first --rows rows of its test split are screened.
    #[arg(long, default_value = "../shared/data/mp2018/mp2018.csv.gz")]
    pub data: PathBuf,
    /// Structures screened by every shard count.
    #[arg(long, default_value_t = 2000)]
    pub rows: usize,
    /// Shard counts to run, each as that many processes at once.
    #[arg(long, value_delimiter = ',', default_value = "1,2,4")]
    pub shards: Vec<usize>,
    /// Markdown file whose `screen-<model id>` section is replaced with the table.
    #[arg(long, default_value = "BENCHMARKS.md")]
    pub out: PathBuf,
}

/// One shard count's run: wall time, and the CPU time and peak memory of its processes.
struct ShardRun {
    shards: usize,
    wall_s: f64,
    cpu_s: f64,
    peak_mib: f64,
    load_before: String,
}

pub fn run(args: &ScreenBenchArgs) -> Result<()> {
    if args.shards.is_empty() || args.shards.contains(&0) {
        return Err(Error::CommandLine("--shards: give shard counts of at least 1, e.g. 1,2,4".into()));
    }
    let manifest_path = args.model.join(models::bundle::MANIFEST_FILE);
    let manifest_json =
        std::fs::read(&manifest_path).map_err(|source| Error::Read { path: manifest_path.clone(), source })?;
    let manifest = models::bundle::Manifest::from_json(&manifest_json, &manifest_path)?;
    let scratch = std::env::temp_dir().join(format!("matfuse-bench-screen-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).map_err(|source| Error::Write { path: scratch.clone(), source })?;
    let result = measure(args, &scratch);
    let _ = std::fs::remove_dir_all(&scratch);
    let (structures, atoms, runs) = result?;

    let mut table = format!(
        "Model `{}` ({}), {}. Command: `matfuse bench screen --model {} --rows {} --shards {}` (release \
         build): the first {structures} structures of the test split of `{}` ({:.1} atoms on average) \
         screened by each shard count, its processes started at once and each using every core; \
         featurisation, the atom-count pass and writing the gzip-compressed results included.\n\n\
         | shards (processes at once) | wall s | structures / h | CPU s (user + sys) | cores busy | \
         peak memory per process | speed-up vs 1 shard | load average before |\n\
         |---:|---:|---:|---:|---:|---:|---:|---|\n",
        manifest.id,
        manifest.version,
        machine_description(),
        args.model.display(),
        args.rows,
        args.shards.iter().map(usize::to_string).collect::<Vec<_>>().join(","),
        args.data.display(),
        atoms as f64 / structures.max(1) as f64,
    );
    let base = runs.first().map(|r| r.wall_s).unwrap_or(1.0);
    for r in &runs {
        table.push_str(&format!(
            "| {} | {:.1} | {:.0} | {:.1} | {:.2} | {:.0} MiB | {:.2} | {} |\n",
            r.shards,
            r.wall_s,
            structures as f64 / r.wall_s * 3600.0,
            r.cpu_s,
            r.cpu_s / r.wall_s,
            r.peak_mib,
            base / r.wall_s,
            r.load_before
        ));
    }
    replace_section(&args.out, &format!("screen-{}", manifest.id), &table)?;
    eprintln!("wrote the table into {}", args.out.display());
    Ok(())
}

/// Writes the input table into `scratch`, then screens it with each shard count and checks that
/// the merged result has every row. Returns the structure count, their atoms and the runs.
fn measure(args: &ScreenBenchArgs, scratch: &Path) -> Result<(usize, u64, Vec<ShardRun>)> {
    let rows: Vec<_> =
        read_table(&args.data)?.into_iter().filter(|r| r.split.as_deref() == Some("test")).take(args.rows).collect();
    let atoms: u64 = rows.iter().filter_map(|r| shared::io::parse(&r.structure).ok()).map(|s| s.len() as u64).sum();
    let input = scratch.join("input.csv.gz");
    write_input(&input, rows.iter().map(|r| (r.id.as_str(), r.structure.as_str())))?;
    let exe = std::env::current_exe().map_err(|source| Error::Read { path: "current executable".into(), source })?;
    let mut runs = Vec::new();
    for &count in &args.shards {
        let out = scratch.join(format!("results-{count}"));
        let load_before = std::fs::read_to_string("/proc/loadavg")
            .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
            .unwrap_or_default();
        eprintln!("screening {} structures as {count} shard(s) at once", rows.len());
        let started = Instant::now();
        let children = (0..count)
            .map(|i| {
                Command::new(&exe)
                    .args(["screen", "--model"])
                    .arg(&args.model)
                    .arg("--input")
                    .arg(&input)
                    .arg("--out")
                    .arg(&out)
                    .arg("--shard")
                    .arg(format!("{i}/{count}"))
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .map_err(|source| Error::Read { path: exe.clone(), source })
            })
            .collect::<Result<Vec<_>>>()?;
        let (mut cpu_s, mut peak_mib) = (0.0, 0.0f64);
        for child in children {
            let usage = wait_with_usage(child.id())?;
            cpu_s += usage.cpu_s;
            peak_mib = peak_mib.max(usage.peak_mib);
        }
        let wall_s = started.elapsed().as_secs_f64();
        let merged = merge(&MergeOptions {
            dir: out.clone(),
            sort_by: None,
            descending: false,
            output: out.join("merged.csv.gz"),
        })?;
        if merged.rows != rows.len() {
            return Err(Error::CommandLine(format!(
                "{count} shards gave {} rows of {}; the screen lost rows",
                merged.rows,
                rows.len()
            )));
        }
        runs.push(ShardRun { shards: count, wall_s, cpu_s, peak_mib, load_before });
    }
    Ok((rows.len(), atoms, runs))
}

/// Writes `(material_id, structure)` rows as a gzip-compressed CSV table.
fn write_input<'a>(path: &Path, rows: impl Iterator<Item = (&'a str, &'a str)>) -> Result<()> {
    let write_err = |e: std::io::Error| Error::Write { path: path.into(), source: e };
    let file = std::fs::File::create(path).map_err(write_err)?;
    let mut writer = csv::Writer::from_writer(flate2::write::GzEncoder::new(file, flate2::Compression::fast()));
    let csv_err = |e: csv::Error| write_err(std::io::Error::other(e));
    writer.write_record(["material_id", "structure"]).map_err(csv_err)?;
    for (id, structure) in rows {
        writer.write_record([id, structure]).map_err(csv_err)?;
    }
    writer.into_inner().map_err(|e| write_err(e.into_error()))?.finish().map_err(write_err)?;
    Ok(())
}

/// What one finished child process used.
struct Usage {
    cpu_s: f64,
    peak_mib: f64,
}

/// Waits for child `pid` and returns its CPU time and peak resident memory (`wait4`); a child
/// that failed is an error.
fn wait_with_usage(pid: u32) -> Result<Usage> {
    let mut status: libc::c_int = 0;
    // SAFETY: an all-zero `rusage` is a valid value of the plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own child, not yet waited for (std's `Child` is never waited on); both
    // pointers are to live, writable locals of the right types.
    let waited = unsafe { libc::wait4(pid as libc::pid_t, &mut status, 0, &mut usage) };
    if waited != pid as libc::pid_t {
        return Err(Error::CommandLine(format!(
            "waiting for screen process {pid}: {}",
            std::io::Error::last_os_error()
        )));
    }
    if !libc::WIFEXITED(status) || libc::WEXITSTATUS(status) != 0 {
        return Err(Error::CommandLine(format!(
            "a `matfuse screen` process of the benchmark failed (wait status {status}); run it alone to see why"
        )));
    }
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 * 1e-6;
    Ok(Usage { cpu_s: seconds(usage.ru_utime) + seconds(usage.ru_stime), peak_mib: usage.ru_maxrss as f64 / 1024.0 })
}
