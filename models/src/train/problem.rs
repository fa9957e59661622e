//! What the training loop needs of a network family (crystals, molecules): its network, its
//! batches and loss, and its validation score. The loop itself ([`super::run_loop`]) — AdamW,
//! schedule, clipping, weight average, checkpoints, resume, early stopping, the observer — is
//! the same for every family.

use super::TrainOptions;
use crate::error::Result;
use crate::rng::SplitMix64;
use burn::module::Module;
use burn::prelude::*;

/// A validation pass's result.
pub struct Validation {
    /// Per task, the validation error the epoch report shows (MAE in the task's unit; `None`:
    /// no labels in the split).
    pub per_task: Vec<Option<f64>>,
    /// The early-stopping score (lower is better).
    pub score: f64,
}

/// One training run of one network family: the architecture, the data (train and validation
/// items addressed by index) and how a batch becomes a loss.
pub trait TrainingProblem {
    type Net: Module;

    /// A network with freshly initialised parameters on `device` (or the parts a run starts
    /// from, already trained).
    fn init(&self, device: &Device) -> Result<Self::Net>;
    /// A network with the parameters in `bytes`.
    fn load(&self, bytes: &[u8], device: &Device) -> Result<Self::Net>;
    /// Everything that makes two runs the same run (a resume must match it).
    fn identity(&self) -> serde_json::Value;
    fn options(&self) -> &TrainOptions;
    fn train_len(&self) -> usize;
    fn val_len(&self) -> usize;
    /// A shuffled epoch as batches of training indices.
    fn epoch_batches(&self, batch_size: usize, rng: &mut SplitMix64) -> Vec<Vec<usize>>;
    /// The training loss of the items `batch` (drawing any modality dropout from `rng`).
    fn loss(&self, model: &Self::Net, batch: &[usize], rng: &mut SplitMix64, device: &Device) -> Tensor<1>;
    /// Scores `model` (no autodiff) on the validation items.
    fn validate(&self, model: &Self::Net, device: &Device) -> Validation;
}

/// A shuffled epoch of `len` items cut into batches of `batch_size`. With a `size`, the batches
/// hold items of similar size: shuffle, sort windows of 32 batches by size (less padding in
/// atom-level attention), cut, shuffle the batches; without one, plainly shuffled batches.
pub fn shuffled_epoch(
    len: usize,
    batch_size: usize,
    size: Option<&dyn Fn(usize) -> usize>,
    rng: &mut SplitMix64,
) -> Vec<Vec<usize>> {
    let batch_size = batch_size.max(1);
    let mut order: Vec<usize> = (0..len).collect();
    rng.shuffle(&mut order);
    let Some(size) = size else {
        return order.chunks(batch_size).map(<[usize]>::to_vec).collect();
    };
    let mut batches = Vec::with_capacity(len.div_ceil(batch_size));
    for window in order.chunks_mut(batch_size * 32) {
        window.sort_by_key(|&i| size(i));
        batches.extend(window.chunks(batch_size).map(<[usize]>::to_vec));
    }
    rng.shuffle(&mut batches);
    batches
}
