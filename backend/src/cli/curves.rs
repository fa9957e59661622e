//! `matfuse curves`: learning curves of training runs (their `checkpoint/state.json`) as one SVG.

use crate::error::{Error, Result};
use crate::training::curves::{Curve, draw};
use models::train::{RunDir, TrainState};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct CurvesArgs {
    /// A run to draw, as `LABEL=RUN_DIR` (the `--run-dir` of `matfuse train`); repeat for each.
    #[arg(long = "run", required = true, value_parser = parse_run)]
    pub runs: Vec<(String, PathBuf)>,
    /// The runs' properties in their output order (default: the four crystal tasks).
    #[arg(long, value_delimiter = ',')]
    pub properties: Vec<String>,
    /// The SVG file to write.
    #[arg(long)]
    pub out: PathBuf,
}

fn parse_run(raw: &str) -> std::result::Result<(String, PathBuf), String> {
    match raw.split_once('=') {
        Some((label, dir)) if !label.is_empty() && !dir.is_empty() => Ok((label.to_string(), PathBuf::from(dir))),
        _ => Err(format!("expected LABEL=RUN_DIR, got '{raw}'")),
    }
}

pub fn run(args: &CurvesArgs) -> Result<()> {
    let names: Vec<String> = if args.properties.is_empty() {
        shared::task::CRYSTAL_TASKS.iter().map(|n| n.to_string()).collect()
    } else {
        args.properties.clone()
    };
    let properties = names
        .iter()
        .map(|name| match shared::task::by_name(name) {
            Some(task) => Ok((task.title.to_string(), task.unit.to_string())),
            None => Err(Error::CommandLine(format!("--properties: unknown property '{name}'"))),
        })
        .collect::<Result<Vec<_>>>()?;
    let mut curves = Vec::with_capacity(args.runs.len());
    for (label, dir) in &args.runs {
        let path = RunDir(dir.clone()).state();
        let bytes = std::fs::read(&path).map_err(|source| Error::Read { path: path.clone(), source })?;
        let state: TrainState = serde_json::from_slice(&bytes)
            .map_err(|e| Error::CommandLine(format!("--run {label}={}: {}: {e}", dir.display(), path.display())))?;
        if let Some(first) = state.history.first()
            && first.val_mae.len() != properties.len()
        {
            return Err(Error::CommandLine(format!(
                "--run {label}: the run has {} properties, not the {} of --properties",
                first.val_mae.len(),
                properties.len()
            )));
        }
        curves.push(Curve { label: label.clone(), history: state.history });
    }
    let svg = draw(&curves, &properties)?;
    std::fs::write(&args.out, svg).map_err(|source| Error::Write { path: args.out.clone(), source })?;
    eprintln!("wrote {}", args.out.display());
    Ok(())
}
