//! The bundle of a finished run: manifest (network, standardisation, calibration, test metrics,
//! provenance), weights in f16, vocabulary and model card, written by [`models::Bundle::write`].

use super::config::TrainConfig;
use super::data::Data;
use super::evaluate::Evaluation;
use crate::error::{Error, Result};
use models::bundle::{EncoderRef, FileRef, Manifest, PropertySpec, Provenance, SCHEMA_VERSION, sha256_hex};
use models::nn::{FusionNet, NetConfig};
use std::path::Path;

/// Where a trained bundle came from, as its manifest records it.
pub struct BundleProvenance {
    /// The training tables (paths, or a description of an upload).
    pub data: Vec<String>,
    /// What produced it (a command line, or the server job).
    pub command: String,
    pub best_epoch: usize,
}

/// Writes the bundle of `model` into `out`.
pub fn write_bundle(
    out: &Path,
    config: &TrainConfig,
    net: &NetConfig,
    training: &Data,
    model: &FusionNet,
    evaluation: &Evaluation,
    provenance: &BundleProvenance,
) -> Result<()> {
    let BundleProvenance { data, command, best_epoch } = provenance;
    let Evaluation { tasks, stats, metrics } = evaluation;
    let weights = models::weights::to_bytes(model, true)?;
    let vocab_text = training.vocab.to_text();
    let text_encoder = training.encoder.clone().unwrap_or_else(|| EncoderRef {
        name: "matfuse-light (all-MiniLM-L6-v2 WordPiece vocabulary, pruned)".into(),
        hidden_size: net.text.hidden,
        sha256: sha256_hex(vocab_text.as_bytes()),
    });
    let manifest = Manifest {
        schema_version: SCHEMA_VERSION,
        id: config.id.clone(),
        version: format!("{}+epoch{best_epoch}", env!("CARGO_PKG_VERSION")),
        fusion: net.fusion,
        text_encoder,
        properties: tasks
            .iter()
            .enumerate()
            .map(|(p, task)| PropertySpec {
                name: task.name.into(),
                unit: task.unit.into(),
                mean: stats.mean[p],
                std: stats.std[p],
                sigma_scale: stats.sigma_scale[p],
                z95: stats.z95[p],
                platt: None,
            })
            .collect(),
        training: Provenance {
            data: data.clone(),
            split: "fixed `split` column (mp2018; mp2022_ehull agrees)".into(),
            command: command.clone(),
            seed: Some(config.train.seed),
            split_kind: None,
            split_seed: None,
        },
        metrics: metrics.clone(),
        trained: true,
        weights: FileRef { file: String::new(), sha256: String::new() },
        vocabulary: Vec::new(),
        caveats: models::bundle::standard_caveats(),
        network: Some(net.clone()),
        kind: models::bundle::BundleKind::Crystal,
        molecule_network: None,
    };
    let card = super::model_card::render(&manifest);
    models::Bundle::write(out, manifest, &weights, Some(vocab_text.as_str()))?;
    std::fs::write(out.join("MODEL_CARD.md"), card)
        .map_err(|source| Error::Write { path: out.join("MODEL_CARD.md"), source })
}
