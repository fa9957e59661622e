//! `matfuse ood`: the training data's embeddings for the out-of-distribution score and the
//! materials like a query, written into the model's bundle: `ood.json` (the centre distance's
//! statistics, see `models::ood`) and `neighbours.bin` (the nearest-neighbour index, its score
//! read against the validation split, see `models::neighbours`), with `--full-index` also the
//! backend's full-dimension `neighbours_full.bin`, and with `--map tsne` a t-SNE training map
//! stored in `neighbours.bin` ([`super::tsne_map`]). With `--compare`, also how well the scores
//! tell the test split from other data ([`super::ood_check`]).

use crate::dataset::{default_cache, union};
use crate::error::{Error, Result};
use crate::training::data::frozen_states;
use crate::training::featurise::load_cached;
use models::neighbours::{IndexFile, IndexOptions, IndexedMaterial, NeighbourIndex};
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
    /// Also write the backend's index of every dimension (`neighbours_full.bin`, which the
    /// backend prefers and the page never downloads) beside the `--dims` one.
    #[arg(long, requires = "dims")]
    pub full_index: bool,
    /// The training map stored for the page: `pca` (the index's first two principal
    /// components, nothing stored) or `tsne` (a Barnes–Hut t-SNE, stored in f16).
    #[arg(long, value_enum, default_value_t = MapKind::Pca)]
    pub map: MapKind,
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

/// The training map `--map` selects.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum MapKind {
    Pca,
    Tsne,
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
    let materials = || training.iter().map(|(r, _)| indexed_material(r)).collect::<Vec<_>>();
    let mut index = NeighbourIndex::build(&embeddings, materials(), &validation, options.clone())?;
    let standardised: Vec<Vec<f32>> = embeddings.iter().map(|e| index.standardised(e)).collect();
    if let Some(pca) = models::training_map::map_points(&index) {
        report_preservation("first 2 principal components", &standardised, &pca);
        if args.map == MapKind::Tsne {
            eprintln!("t-SNE of {} structures…", standardised.len());
            let started = std::time::Instant::now();
            let map = super::tsne_map::tsne_map(&standardised, &pca);
            eprintln!("t-SNE took {:.0} s", started.elapsed().as_secs_f64());
            let method = super::tsne_map::method(map.len(), standardised[0].len());
            index = index.with_map(&map, &method)?;
            let stored = index.stored_map().unwrap_or_default();
            report_preservation("t-SNE, as stored (f16)", &standardised, &stored);
        }
    } else if args.map == MapKind::Tsne {
        return Err(Error::CommandLine("--map tsne starts from the PCA map: give --dims".into()));
    }
    write_index(&index, &args.model, IndexFile::Page, &args.validation_split)?;
    let full = if args.full_index || (args.dims.is_some() && !args.compare.is_empty()) {
        let full =
            NeighbourIndex::build(&embeddings, materials(), &validation, IndexOptions { dims: None, ..options })?;
        if args.full_index {
            write_index(&full, &args.model, IndexFile::Full, &args.validation_split)?;
        }
        Some(full)
    } else {
        None
    };
    if args.compare.is_empty() {
        return Ok(());
    }
    let index = Arc::new(index);
    let test = super::ood_check::test_rows(&predictor, &of_split(&args.test_split))?;
    let stats = stats.with_neighbours(Some(index));
    let mut groups = Vec::new();
    for path in &args.compare {
        groups.push((path.display().to_string(), super::ood_check::embed_structures(&predictor, path)?));
    }
    println!("{}", super::ood_check::report(&stats, full.as_ref(), &test, &groups));
    Ok(())
}

/// Writes `index` into the bundle as `which` and says what it holds.
fn write_index(index: &NeighbourIndex, dir: &std::path::Path, which: IndexFile, validation_split: &str) -> Result<()> {
    index.write(dir, which)?;
    let path = dir.join(which.file());
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    eprintln!(
        "wrote {} ({} structures, {} dimensions, k = {}, {:.2} MB; percentiles from {} {validation_split} structures)",
        path.display(),
        index.len(),
        index.dims(),
        index.k(),
        size as f64 / 1e6,
        index.validation_len(),
    );
    Ok(())
}

/// Prints how well `map` keeps the neighbourhoods of `standardised` (the training embeddings).
fn report_preservation(name: &str, standardised: &[Vec<f32>], map: &[[f32; 2]]) {
    let map: Vec<Vec<f32>> = map.iter().map(|p| p.to_vec()).collect();
    let kept = models::training_map::neighbour_preservation(standardised, &map, MAP_NEIGHBOURS, MAP_QUERIES);
    eprintln!(
        "map ({name}): {:.1} % of the {} nearest kept, trustworthiness {:.3} ({} training structures queried against all {})",
        kept.kept * 100.0,
        kept.k,
        kept.trustworthiness,
        kept.queries,
        map.len()
    );
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
