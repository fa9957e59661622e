//! `matfuse ood`: the training data's embedding statistics for the out-of-distribution score,
//! written as `ood.json` into the model's bundle (see `models::ood`).

use crate::dataset::{default_cache, union};
use crate::error::Result;
use crate::training::data::frozen_states;
use crate::training::featurise::load_cached;
use models::ood::{OOD_FILE, OodStatistics};
use models::predictor::{ModelInput, Predictor};
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct OodArgs {
    /// Model bundle directory (ood.json is written there).
    #[arg(long)]
    pub model: PathBuf,
    /// mp2018-layout training table (CSV or CSV.gz with `cif`, `split`).
    #[arg(long, default_value = "../shared/data/mp2018/mp2018.csv.gz")]
    pub data: PathBuf,
    /// The mp2022_ehull table whose extra rows the model also trained on.
    #[arg(long)]
    pub ehull: Option<PathBuf>,
    /// Rows of this split (`split` column).
    #[arg(long, default_value = "train")]
    pub split: String,
    /// Featurise cache directory.
    #[arg(long)]
    pub cache: Option<PathBuf>,
}

pub fn run(args: &OodArgs) -> Result<()> {
    let device = burn::prelude::Device::flex();
    let predictor = Predictor::load(&args.model, &device)?;
    let cache = args.cache.clone().unwrap_or_else(default_cache);
    let terminal = super::progress::Terminal::default();
    let mut records = load_cached(&args.data, &cache, &terminal)?;
    if let Some(ehull) = &args.ehull {
        records = union(records, load_cached(ehull, &cache, &terminal)?);
    }
    records.retain(|r| r.split.as_deref() == Some(args.split.as_str()));
    let inputs: Vec<ModelInput> = match &predictor.network.frozen_text {
        // A server model reads the frozen encoder's token states from the cache `train` filled
        // (encoding ~30,000 descriptions afresh would take hours on a CPU).
        Some(frozen) => {
            let all: Vec<usize> = (0..records.len()).collect();
            let encoder_dir = models::encoder::default_encoder_dir();
            let (states, _) = frozen_states(&encoder_dir, frozen, &records, &all, &cache, &device, &terminal)?;
            records
                .iter()
                .zip(states)
                .map(|(r, cached)| ModelInput {
                    graph: r.graph.clone(),
                    description: r.description.clone(),
                    tokens: cached.ids,
                    states: Some(cached.states),
                })
                .collect()
        }
        None => records
            .par_iter()
            .map(|r| predictor.input_from_parts(r.graph.clone(), r.description.clone()))
            .collect::<models::Result<_>>()?,
    };
    let elements: BTreeSet<&str> = records
        .iter()
        .flat_map(|r| r.graph.atomic_numbers.iter())
        .filter_map(|&z| shared::Element::from_z(z).map(shared::Element::symbol))
        .collect();
    eprintln!("embedding {} {} structures…", inputs.len(), args.split);
    let embeddings = predictor.embeddings(&inputs);
    let manifest = &predictor.manifest;
    let mut stats = OodStatistics::fit(
        &embeddings,
        elements.into_iter().map(String::from).collect(),
        &manifest.id,
        &manifest.weights.sha256,
    );
    stats.command = std::env::args().collect::<Vec<_>>().join(" ");
    stats.write(&args.model)?;
    eprintln!(
        "wrote {} ({} structures, {} elements; median score {:.3}, 99th percentile {:.3})",
        args.model.join(OOD_FILE).display(),
        stats.n,
        stats.elements.len(),
        stats.score_quantiles.get(50).copied().unwrap_or(0.0),
        stats.score_quantiles.get(99).copied().unwrap_or(0.0)
    );
    Ok(())
}
