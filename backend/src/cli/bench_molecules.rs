//! `matfuse bench molecules`: what a molecule prediction costs on this machine's CPU — reading
//! the SMILES, the prediction alone, and the whole answer the page and the API give (prediction,
//! atoms, fingerprint bits and each view removed) — for each bundle, over the classroom gallery.

use super::bench::{machine_description, replace_section};
use super::bench_model::median_seconds;
use crate::error::{Error, Result};
use models::bundle::Bundle;
use models::molecule_batch::Views;
use models::predictor::MoleculePredictor;
use shared::molecule::Molecule;
use shared::molecule::gallery::GALLERY;
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct MoleculeBenchArgs {
    /// Molecule bundle directories (default: the four shipped ones).
    #[arg(long = "model")]
    models: Vec<PathBuf>,
    /// Timed calls per molecule after one warm-up call.
    #[arg(long, default_value_t = 20)]
    runs: usize,
    /// Markdown file whose `molecules` section is replaced with the table.
    #[arg(long, default_value = "BENCHMARKS.md")]
    out: PathBuf,
}

/// Median milliseconds of `runs` calls of `f` after one warm-up call.
fn median_ms(runs: usize, f: impl FnMut()) -> f64 {
    median_seconds(runs.max(1), f) * 1e3
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Median over the gallery of each molecule's median, and the slowest molecule's median (ms,
/// to `digits` decimals).
fn over_gallery(per_molecule: Vec<f64>, digits: usize) -> String {
    let slowest = per_molecule.iter().copied().fold(0.0, f64::max);
    format!("{:.digits$} / {slowest:.digits$}", median(per_molecule))
}

pub fn run(args: &MoleculeBenchArgs) -> Result<()> {
    let models: Vec<PathBuf> = if args.models.is_empty() {
        ["esol", "freesolv", "lipo", "bace"].iter().map(|id| Path::new("models/weights/molecules").join(id)).collect()
    } else {
        args.models.clone()
    };
    let molecules: Vec<Molecule> = GALLERY
        .iter()
        .map(|(name, s)| Molecule::from_smiles(s).map_err(|e| Error::CommandLine(format!("gallery {name}: {e}"))))
        .collect::<Result<_>>()?;
    let read_ms = over_gallery(
        GALLERY
            .iter()
            .map(|(_, s)| median_ms(args.runs, || drop(std::hint::black_box(Molecule::from_smiles(s)))))
            .collect(),
        3,
    );
    let mut lines = vec![
        format!("{}, CPU (burn flex backend), one thread of work per call.", machine_description()),
        format!(
            "Command: `matfuse bench molecules{}`. Each cell: the median over the ten gallery molecules \
             ({}) of each molecule's median of {} warm calls / the slowest molecule's median, in ms.",
            args.models.iter().map(|m| format!(" --model {}", m.display())).collect::<String>(),
            GALLERY.iter().map(|(name, _)| *name).collect::<Vec<_>>().join(", "),
            args.runs
        ),
        String::new(),
        format!("Reading a SMILES (parse, rings, aromaticity, hydrogens): {read_ms} ms."),
        String::new(),
        "| bundle | network | weights (f16) | prediction (inputs + forward) | the page's whole answer (`explain`) |"
            .into(),
        "|---|---|---:|---:|---:|".into(),
    ];
    let device = burn::prelude::Device::flex();
    for dir in &models {
        let bundle = Bundle::load(dir)?;
        let predictor = MoleculePredictor::new(&bundle, &device)?;
        let predict = molecules
            .iter()
            .map(|m| {
                median_ms(args.runs, || {
                    let inputs = predictor.inputs(m);
                    std::hint::black_box(predictor.predict(std::slice::from_ref(&inputs), Views::ALL));
                })
            })
            .collect();
        let explain = molecules
            .iter()
            .map(|m| median_ms(args.runs, || drop(std::hint::black_box(predictor.explain(m)))))
            .collect();
        lines.push(format!(
            "| `{}` ({}) | {} | {:.2} MB | {} | {} |",
            dir.display(),
            bundle.manifest.version,
            format!(
                "{}, width {}",
                models::predictor::molecule::fusion_name(&predictor.network),
                predictor.network.fused
            ),
            bundle.weights.len() as f64 / 1e6,
            over_gallery(predict, 2),
            over_gallery(explain, 2)
        ));
    }
    let body = lines.join("\n") + "\n";
    eprintln!("{body}");
    replace_section(&args.out, "molecules", &body)
}
