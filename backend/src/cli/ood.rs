//! `matfuse ood`: the training data's embeddings for the out-of-distribution score and the
//! materials like a query, written into the model's bundle: `ood.json` (the centre distance's
//! statistics, see `models::ood`) and `neighbours.bin` (the nearest-neighbour index, its score
//! read against the validation split, see `models::neighbours`). With `--compare`, also how well
//! both scores tell the test split from other data ([`super::ood_check`]).

use crate::dataset::{default_cache, union};
use crate::error::{Error, Result};
use crate::training::data::frozen_states;
use crate::training::featurise::load_cached;
use models::neighbours::{IndexOptions, IndexedMaterial, NEIGHBOURS_FILE, NeighbourIndex};
use models::ood::{OOD_FILE, OodStatistics};
use models::predictor::{ModelInput, Predictor};
use models::train::Prediction;
use rayon::prelude::*;
use shared::dataset::FeaturizedRecord;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;

/// Neighbours per point, and points queried, in the map's neighbour preservation.
const MAP_NEIGHBOURS: usize = 10;
const MAP_QUERIES: usize = 1000;

#[derive(clap::Args, Debug)]
pub struct OodArgs {
    /// Model bundle directory (ood.json and neighbours.bin are written there).
    #[arg(long)]
    pub model: PathBuf,
    /// mp2018-layout training table (CSV or CSV.gz with `cif`, `split`).
    #[arg(long, default_value = "../shared/data/mp2018/mp2018.csv.gz")]
    pub data: PathBuf,
    /// The mp2022_ehull table whose extra rows the model also trained on.
    #[arg(long)]
    pub ehull: Option<PathBuf>,
    /// Rows of this split (`split` column) are indexed.
    #[arg(long, default_value = "train")]
    pub split: String,
    /// Rows of this split give the neighbour score's percentiles.
    #[arg(long, default_value = "val")]
    pub validation_split: String,
    /// Nearest training structures the score averages.
    #[arg(long, default_value_t = 8)]
    pub k: usize,
    /// Principal components of the standardised embedding kept in the index (a smaller index,
    /// e.g. for the page); every dimension when absent.
    #[arg(long)]
    pub dims: Option<usize>,
    /// Structure tables (CSV with a `cif`/`poscar`/`structure` column) or directories of
    /// structure files to tell from the test split: prints both scores' ROC-AUC, the test
    /// error by score decile and how often the index's top 5 are a full index's.
    #[arg(long)]
    pub compare: Vec<PathBuf>,
    /// The split `--compare` measures against.
    #[arg(long, default_value = "test")]
    pub test_split: String,
    /// Featurise cache directory.
    #[arg(long)]
    pub cache: Option<PathBuf>,
}

pub fn run(args: &OodArgs) -> Result<()> {
    if args.k == 0 || args.dims == Some(0) {
        return Err(Error::CommandLine("--k and --dims must be positive".into()));
    }
    let device = burn::prelude::Device::flex();
    let predictor = Predictor::load(&args.model, &device)?;
    let cache = args.cache.clone().unwrap_or_else(default_cache);
    let terminal = super::progress::Terminal::default();
    let mut records = load_cached(&args.data, &cache, &terminal)?;
    if let Some(ehull) = &args.ehull {
        records = union(records, load_cached(ehull, &cache, &terminal)?);
    }
    let mut splits = vec![args.split.as_str(), args.validation_split.as_str()];
    if !args.compare.is_empty() {
        splits.push(args.test_split.as_str());
    }
    records.retain(|r| r.split.as_deref().is_some_and(|s| splits.contains(&s)));
    let inputs = model_inputs(&predictor, &records, &cache, &device, &terminal)?;
    eprintln!("embedding {} structures ({})…", inputs.len(), splits.join(", "));
    let outputs = predictor.predict_with_embeddings(&inputs);
    drop(inputs);
    let of_split = |split: &str| -> Vec<(&FeaturizedRecord, &(Prediction, Vec<f32>))> {
        records.iter().zip(&outputs).filter(|(r, _)| r.split.as_deref() == Some(split)).collect()
    };
    let training = of_split(&args.split);
    let embeddings: Vec<Vec<f32>> = training.iter().map(|(_, (_, e))| e.clone()).collect();
    let validation: Vec<Vec<f32>> = of_split(&args.validation_split).iter().map(|(_, (_, e))| e.clone()).collect();

    let elements: BTreeSet<&str> = training
        .iter()
        .flat_map(|(r, _)| r.graph.atomic_numbers.iter())
        .filter_map(|&z| shared::Element::from_z(z).map(shared::Element::symbol))
        .collect();
    let manifest = &predictor.manifest;
    let command = std::env::args().collect::<Vec<_>>().join(" ");
    let mut stats = OodStatistics::fit(
        &embeddings,
        elements.into_iter().map(String::from).collect(),
        &manifest.id,
        &manifest.weights.sha256,
    );
    stats.command = command.clone();
    stats.write(&args.model)?;
    eprintln!(
        "wrote {} ({} structures, {} elements; median score {:.3}, 99th percentile {:.3})",
        args.model.join(OOD_FILE).display(),
        stats.n,
        stats.elements.len(),
        stats.score_quantiles.get(50).copied().unwrap_or(0.0),
        stats.score_quantiles.get(99).copied().unwrap_or(0.0)
    );

    let options = IndexOptions {
        k: args.k,
        dims: args.dims,
        tasks: shared::task::TASKS.iter().map(|t| t.name.to_string()).collect(),
        model: manifest.id.clone(),
        weights_sha256: manifest.weights.sha256.clone(),
        command,
    };
    let materials = training.iter().map(|(r, _)| indexed_material(r)).collect();
    let index = NeighbourIndex::build(&embeddings, materials, &validation, options.clone())?;
    index.write(&args.model)?;
    let size = std::fs::metadata(args.model.join(NEIGHBOURS_FILE)).map(|m| m.len()).unwrap_or(0);
    eprintln!(
        "wrote {} ({} structures, {} dimensions, k = {}, {:.2} MB; percentiles from {} {} structures)",
        args.model.join(NEIGHBOURS_FILE).display(),
        index.len(),
        index.dims(),
        index.k(),
        size as f64 / 1e6,
        index.validation_len(),
        args.validation_split
    );
    if let Some(points) = models::training_map::map_points(&index) {
        let standardised: Vec<Vec<f32>> = embeddings.iter().map(|e| index.standardised(e)).collect();
        let map: Vec<Vec<f32>> = points.iter().map(|p| p.to_vec()).collect();
        let kept = models::training_map::neighbour_preservation(&standardised, &map, MAP_NEIGHBOURS, MAP_QUERIES);
        eprintln!(
            "map (first 2 principal components): {:.1} % of the {} nearest kept, trustworthiness {:.3} ({} training structures queried against all {})",
            kept.kept * 100.0,
            kept.k,
            kept.trustworthiness,
            kept.queries,
            map.len()
        );
    }
    if args.compare.is_empty() {
        return Ok(());
    }
    let index = Arc::new(index);
    let full = match args.dims {
        Some(_) => {
            let materials = training.iter().map(|(r, _)| indexed_material(r)).collect();
            Some(NeighbourIndex::build(&embeddings, materials, &[], IndexOptions { dims: None, ..options })?)
        }
        None => None,
    };
    let test = super::ood_check::test_rows(&predictor, &of_split(&args.test_split))?;
    let stats = stats.with_neighbours(Some(index));
    let mut groups = Vec::new();
    for path in &args.compare {
        groups.push((path.display().to_string(), super::ood_check::embed_structures(&predictor, path)?));
    }
    println!("{}", super::ood_check::report(&stats, full.as_ref(), &test, &groups));
    Ok(())
}

/// What the index keeps of a training row (space-group symbol from its number).
fn indexed_material(record: &FeaturizedRecord) -> IndexedMaterial {
    IndexedMaterial {
        id: record.id.clone(),
        formula: record.formula.clone(),
        space_group: record.space_group,
        symbol: shared::symmetry::space_group_symbol(record.space_group).unwrap_or_default(),
        labels: record.labels.clone(),
    }
}

/// The network's inputs for `records`: a server model reads the frozen encoder's token states
/// from the cache `train` filled (encoding ~30,000 descriptions afresh would take hours on a
/// CPU).
fn model_inputs(
    predictor: &Predictor,
    records: &[FeaturizedRecord],
    cache: &std::path::Path,
    device: &burn::prelude::Device,
    terminal: &super::progress::Terminal,
) -> Result<Vec<ModelInput>> {
    match &predictor.network.frozen_text {
        Some(frozen) => {
            let all: Vec<usize> = (0..records.len()).collect();
            let encoder_dir = models::encoder::default_encoder_dir();
            let (states, _) = frozen_states(&encoder_dir, frozen, records, &all, cache, device, terminal)?;
            Ok(records
                .iter()
                .zip(states)
                .map(|(r, cached)| ModelInput {
                    graph: r.graph.clone(),
                    description: r.description.clone(),
                    tokens: cached.ids,
                    states: Some(cached.states),
                })
                .collect())
        }
        None => Ok(records
            .par_iter()
            .map(|r| predictor.input_from_parts(r.graph.clone(), r.description.clone()))
            .collect::<models::Result<_>>()?),
    }
}
