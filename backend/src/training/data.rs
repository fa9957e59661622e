//! Training data ready for any variant: the featurised tables (cached) merged and split by the
//! fixed `split` column, the light encoder's pruned vocabulary and token ids, or the frozen large
//! encoder's token states, and the targets' standardisation (fitted on the training split).

use super::config::{DataSources, TrainConfig};
use super::featurise::load_cached;
use super::hull_labels;
use super::observer::{Event, Observer, Task};
use crate::dataset::union;
use crate::error::{Error, Result};
use burn::prelude::Device;
use models::batch::Sample;
use models::bundle::EncoderRef;
use models::nn::frozen_text::FrozenTextConfig;
use models::text_cache::CachedText;
use models::train::Standardizer;
use models::vocab::Vocabulary;
use shared::dataset::FeaturizedRecord;
use std::path::Path;

/// Records split by the fixed `split` column, with token ids.
pub struct Prepared {
    /// The tasks the model learns, in its output order.
    pub tasks: Vec<&'static shared::task::Task>,
    /// The featurised rows; each one's `labels` are those of [`Prepared::tasks`], in that order.
    pub records: Vec<FeaturizedRecord>,
    pub tokens: Vec<Vec<u32>>,
    /// Frozen large-encoder states per record (empty for the light encoder).
    pub frozen: Vec<CachedText>,
    pub train: Vec<usize>,
    pub val: Vec<usize>,
    pub test: Vec<usize>,
}

impl Prepared {
    /// The rows `indices` as model inputs with targets standardised by `stats`.
    pub fn samples(&self, indices: &[usize], stats: &Standardizer) -> Vec<Sample<'_>> {
        indices
            .iter()
            .map(|&i| Sample {
                graph: &self.records[i].graph,
                tokens: &self.tokens[i],
                states: self.frozen.get(i).map(|c| c.states.as_slice()),
                targets: stats.standardize(&self.records[i].labels),
            })
            .collect()
    }

    /// The names of [`Prepared::tasks`].
    pub fn task_names(&self) -> Vec<String> {
        self.tasks.iter().map(|t| t.name.to_string()).collect()
    }
}

/// Training data ready for any variant: records, pruned vocabulary, tokens, standardisation.
pub struct Data {
    pub prepared: Prepared,
    pub vocab: Vocabulary,
    pub stats: Standardizer,
    /// The frozen large encoder the states come from (models with `frozen_text`).
    pub encoder: Option<EncoderRef>,
    /// Where encoding, training and evaluation run.
    pub device: Device,
}

/// Loads (featurising into the cache if needed) the sources' tables, splits them by the fixed
/// `split` column (cut to the configuration's `max_*`) and tokenises them with the vocabulary
/// pruned to the training descriptions, or encodes them with the frozen encoder.
pub fn prepare(config: &TrainConfig, sources: &DataSources, device: &Device, observer: &dyn Observer) -> Result<Data> {
    let tasks = config.data.registered_tasks()?;
    let mut records = load_cached(&sources.mp2018, &sources.cache, observer)?;
    if let Some(ehull) = &sources.ehull {
        records = union(records, load_cached(ehull, &sources.cache, observer)?);
    }
    let split = |name: &str, max: Option<usize>| -> Vec<usize> {
        let all = (0..records.len()).filter(|&i| records[i].split.as_deref() == Some(name));
        all.take(max.unwrap_or(usize::MAX)).collect()
    };
    let (train, val, test) =
        (split("train", config.data.max_train), split("val", config.data.max_val), split("test", config.data.max_test));
    observer.event(&Event::Split { train: train.len(), val: val.len(), test: test.len() });
    if config.train.hull_labels {
        observer.event(&Event::HullLabels(hull_labels::fill(&mut records, &train)?));
    }
    // The cache holds every registry task's label; the model learns the configuration's.
    for record in &mut records {
        record.labels = shared::task::select(&record.labels, &tasks);
    }

    let full = read_vocab(&sources.vocab)?;
    let used: Vec<usize> = train.iter().chain(&val).chain(&test).copied().collect();
    let (vocab, tokens, frozen, encoder) = match &config.model.frozen_text {
        None => {
            let max_tokens = config.model.text.max_tokens;
            let vocab = full.prune(train.iter().map(|&i| records[i].description.as_str()), max_tokens)?;
            let mut tokens = vec![Vec::new(); records.len()];
            for &i in &used {
                tokens[i] = vocab.encode_ids(&records[i].description, max_tokens)?;
            }
            observer.event(&Event::Vocabulary { kept: vocab.len(), of: full.len() });
            (vocab, tokens, Vec::new(), None)
        }
        Some(frozen) => {
            let (frozen, reference) =
                frozen_states(&sources.encoder, frozen, &records, &used, &sources.cache, device, observer)?;
            let tokens = frozen.iter().map(|c| c.ids.clone()).collect();
            (full, tokens, frozen, Some(reference))
        }
    };
    let prepared = Prepared { tasks, records, tokens, frozen, train, val, test };
    let train_labels: Vec<Vec<Option<f32>>> =
        prepared.train.iter().map(|&i| prepared.records[i].labels.clone()).collect();
    let stats = Standardizer::fit(&train_labels, prepared.tasks.len());
    Ok(Data { prepared, vocab, stats, encoder, device: device.clone() })
}

/// The frozen encoder's token states of the `used` records (cut to `max_tokens`), from the
/// text-state cache, computing what it lacks (resumable: interrupting loses one batch).
pub fn frozen_states(
    encoder_dir: &Path,
    frozen: &FrozenTextConfig,
    records: &[FeaturizedRecord],
    used: &[usize],
    cache: &Path,
    device: &Device,
    observer: &dyn Observer,
) -> Result<(Vec<CachedText>, EncoderRef)> {
    let encoder = models::encoder::LargeEncoder::load(encoder_dir, device)?;
    let cache_dir = models::text_cache::cache_dir(cache, encoder.reference(), frozen.max_chunks);
    let items: Vec<(&str, &str)> =
        used.iter().map(|&i| (records[i].id.as_str(), records[i].description.as_str())).collect();
    observer.event(&Event::TextStates { encoder: encoder.reference().to_string(), cache: cache_dir.clone() });
    let mut states = models::text_cache::build(&cache_dir, &encoder, frozen.max_chunks, &items, 16, |done, total| {
        observer.event(&Event::Progress { task: Task::EncodeText, done, total });
    })?;
    let hidden = encoder.hidden();
    let mut out = vec![CachedText { ids: vec![], states: vec![] }; records.len()];
    for &i in used {
        let mut entry = states.remove(&records[i].id).unwrap_or(CachedText { ids: vec![], states: vec![] });
        entry.ids.truncate(frozen.max_tokens);
        entry.states.truncate(frozen.max_tokens * hidden);
        out[i] = entry;
    }
    Ok((out, encoder.reference().clone()))
}

/// A BERT `vocab.txt`.
pub fn read_vocab(path: &Path) -> Result<Vocabulary> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read { path: path.into(), source })?;
    Ok(Vocabulary::from_text(&text)?)
}
