//! Molecule networks in the one training loop: [`MoleculeTrainRun`] is the molecule family's
//! [`TrainingProblem`] (per-view modality dropout, evidential or binary cross-entropy loss,
//! validation by MAE or ROC-AUC), [`predict_molecules`] its prediction path.

use super::{
    Observer, Prediction, RunControl, RunIdentity, Standardizer, TrainOptions, TrainState, TrainingProblem, Validation,
    mae_by_task, run_loop, shuffled_epoch, standardised_score,
};
use crate::error::Result;
use crate::metrics::roc_auc;
use crate::molecule_batch::{MoleculeBatch, MoleculeSample, Views};
use crate::nn::evidential::Evidence;
use crate::nn::molecule::head::head_loss;
use crate::nn::molecule::{HeadKind, MoleculeNet, MoleculeNetConfig};
use crate::rng::SplitMix64;
use crate::weights;
use burn::prelude::*;
use burn::tensor::activation::sigmoid;
use std::path::Path;

/// Inputs of one molecule training run.
pub struct MoleculeTrainRun<'a> {
    pub net: &'a MoleculeNetConfig,
    pub options: &'a TrainOptions,
    /// Training and validation samples: standardised targets (regression) or 0/1 labels
    /// (classification).
    pub train: &'a [MoleculeSample<'a>],
    pub val: &'a [MoleculeSample<'a>],
    /// Token ids of random SMILES writings per training sample
    /// ([`crate::molecule_batch::smiles_variants`]; empty: the SMILES as written only).
    pub smiles_variants: &'a [Vec<Vec<u32>>],
    /// Label scale per task (regression; classification keeps mean 0, std 1).
    pub stats: &'a Standardizer,
    pub dir: &'a Path,
    pub control: RunControl,
    /// Trained single-view networks the run starts from (none: a fresh start).
    pub warm: &'a [WarmStart],
    /// Keeps the warm view encoders as trained.
    pub warm_frozen: bool,
}

/// A trained single-view network a run starts from ([`MoleculeNet::warm_started`]), checked
/// against the run's network with [`crate::nn::molecule::warm_start_mismatch`].
pub struct WarmStart {
    /// Where it came from, as the run's identity records it.
    pub source: String,
    pub net: MoleculeNetConfig,
    /// Its weights (a bundle's `model.bpk`).
    pub weights: Vec<u8>,
}

/// Trains a molecule network with the loop crystals use ([`run_loop`]).
pub fn train_molecules(run: &MoleculeTrainRun<'_>, device: &Device, observer: &mut dyn Observer) -> Result<TrainState> {
    run_loop(run, run.dir, run.control, device, observer)
}

impl TrainingProblem for MoleculeTrainRun<'_> {
    type Net = MoleculeNet;

    fn init(&self, device: &Device) -> Result<MoleculeNet> {
        let net = self.net.init(device);
        if self.warm.is_empty() {
            return Ok(net);
        }
        let donors = self
            .warm
            .iter()
            .map(|w| weights::load_into(w.net.init(device), &w.weights))
            .collect::<Result<Vec<MoleculeNet>>>()?;
        Ok(net.warm_started(&donors, self.warm_frozen))
    }

    fn load(&self, bytes: &[u8], device: &Device) -> Result<MoleculeNet> {
        // Into the warm-started network, so frozen views stay frozen after a resume.
        let net = if self.warm_frozen { self.init(device)? } else { self.net.init(device) };
        weights::load_into(net, bytes)
    }

    fn identity(&self) -> serde_json::Value {
        let identity = RunIdentity {
            net: self.net,
            train: self.options,
            train_structures: self.train.len(),
            val_structures: self.val.len(),
        };
        let mut identity = serde_json::to_value(identity).expect("run identity serialises");
        if !self.warm.is_empty() {
            let sources: Vec<&str> = self.warm.iter().map(|w| w.source.as_str()).collect();
            identity["warm_start"] = serde_json::json!({ "bundles": sources, "frozen": self.warm_frozen });
        }
        identity
    }

    fn options(&self) -> &TrainOptions {
        self.options
    }

    fn train_len(&self) -> usize {
        self.train.len()
    }

    fn val_len(&self) -> usize {
        self.val.len()
    }

    fn epoch_batches(&self, batch_size: usize, rng: &mut SplitMix64) -> Vec<Vec<usize>> {
        let atoms = |i: usize| self.train[i].inputs.graph.num_atoms();
        shuffled_epoch(self.train.len(), batch_size, self.options.bucket_by_size.then_some(&atoms as _), rng)
    }

    fn loss(&self, model: &MoleculeNet, batch: &[usize], rng: &mut SplitMix64, device: &Device) -> Tensor<1> {
        let opts = self.options;
        let (dropout, single) =
            if self.net.fusion.is_fusion() { (opts.modality_dropout, opts.single_view) } else { (0.0, 0.0) };
        let samples: Vec<MoleculeSample<'_>> = batch
            .iter()
            .map(|&i| MoleculeSample { rewritten_tokens: self.rewritten_smiles(i, rng), ..self.train[i].clone() })
            .collect();
        let views: Vec<Views> = samples.iter().map(|_| drop_views(rng, dropout, single)).collect();
        let batch = MoleculeBatch::new(&samples, &views, device);
        let raw = model.forward(&batch).raw;
        let loss = head_loss(self.net.head, raw, batch.targets, batch.label_mask, opts);
        if opts.stand_in_weight <= 0.0 {
            return loss;
        }
        let every_view = MoleculeBatch::new(&samples, &vec![Views::ALL; samples.len()], device);
        match model.stand_in_distance(&every_view) {
            Some(distance) => loss + distance.mul_scalar(opts.stand_in_weight),
            None => loss,
        }
    }

    fn validate(&self, model: &MoleculeNet, device: &Device) -> Validation {
        let predictions = predict_molecules(model, self.net.head, self.val, Views::ALL, self.stats, 256, device);
        match self.net.head {
            HeadKind::Regression => {
                let per_task = mae_by_task(self.val.iter().map(|s| s.targets.as_slice()), &predictions, self.stats);
                let score = standardised_score(&per_task, &self.stats.std);
                Validation { per_task, score }
            }
            HeadKind::Classification => {
                let per_task = mae_by_task(self.val.iter().map(|s| s.targets.as_slice()), &predictions, self.stats);
                let aucs: Vec<f64> = (0..self.stats.tasks())
                    .map(|t| {
                        let (labels, scores): (Vec<bool>, Vec<f64>) = self
                            .val
                            .iter()
                            .zip(&predictions)
                            .filter_map(|(s, p)| s.targets[t].map(|y| (y > 0.5, p.value[t])))
                            .unzip();
                        roc_auc(&labels, &scores)
                    })
                    .filter(|auc| auc.is_finite())
                    .collect();
                // 1 − ROC-AUC; the probability's MAE where no split has both classes.
                let score = match aucs.len() {
                    0 => standardised_score(&per_task, &self.stats.std),
                    n => 1.0 - aucs.iter().sum::<f64>() / n as f64,
                };
                Validation { per_task, score }
            }
        }
    }
}

impl MoleculeTrainRun<'_> {
    /// Training row `i`'s SMILES tokens: one of its random writings when the draw picks one
    /// (`None`: the SMILES as written). No draw without writings, so runs without them draw as
    /// before.
    fn rewritten_smiles(&self, i: usize, rng: &mut SplitMix64) -> Option<&[u32]> {
        let writings = self.smiles_variants.get(i).filter(|w| !w.is_empty())?;
        let drawn = rng.below(writings.len() + 1);
        (drawn > 0).then(|| writings[drawn - 1].as_slice())
    }
}

/// With probability `single` one view alone, drawn uniformly; otherwise each view dropped with
/// probability `p` on its own, and a draw that would drop all three keeps them all. No draw
/// for a rate of 0, so runs without single views draw as they did before it existed.
fn drop_views(rng: &mut SplitMix64, p: f64, single: f64) -> Views {
    if single > 0.0 && rng.next_f64() < single {
        let only = (rng.next_f64() * 3.0) as usize;
        return Views { graph: only == 0, smiles: only == 1, fingerprint: only >= 2 };
    }
    if p <= 0.0 {
        return Views::ALL;
    }
    let views = Views { graph: rng.next_f64() >= p, smiles: rng.next_f64() >= p, fingerprint: rng.next_f64() >= p };
    if views.graph || views.smiles || views.fingerprint { views } else { Views::ALL }
}

/// Runs `model` over `samples` in batches with `views`. Regression: values ± σ in task units;
/// classification: the probability of the positive class as the value and its Bernoulli
/// standard deviation `√(p(1 − p))` as σ.
pub fn predict_molecules(
    model: &MoleculeNet,
    head: HeadKind,
    samples: &[MoleculeSample<'_>],
    views: Views,
    stats: &Standardizer,
    batch_size: usize,
    device: &Device,
) -> Vec<Prediction> {
    let mut out = Vec::with_capacity(samples.len());
    for chunk in samples.chunks(batch_size.max(1)) {
        let batch = MoleculeBatch::new(chunk, &vec![views; chunk.len()], device);
        let raw = model.forward(&batch).raw;
        match head {
            HeadKind::Regression => out.extend(stats.predictions(&Evidence::from_raw(raw))),
            HeadKind::Classification => {
                let tasks = raw.dims()[1];
                let p = sigmoid(raw).into_data().convert::<f32>().try_into_vec::<f32>().expect("f32 data");
                out.extend(p.chunks(tasks).map(|row| Prediction {
                    value: row.iter().map(|&v| f64::from(v)).collect(),
                    sigma: row.iter().map(|&v| (f64::from(v) * (1.0 - f64::from(v))).sqrt()).collect(),
                }));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::molecule_batch::MoleculeInputs;
    use crate::nn::molecule::MoleculeFusion;
    use crate::train::Schedule;
    use shared::molecule::Molecule;

    const SMILES: [&str; 12] =
        ["C", "CC", "CCC", "CCCC", "CO", "CCO", "CCCO", "c1ccccc1", "Cc1ccccc1", "CC(=O)O", "CN", "ClCCl"];

    fn tiny(fusion: MoleculeFusion, head: HeadKind) -> MoleculeNetConfig {
        MoleculeNetConfig::tiny(fusion, 1, head)
    }

    #[test]
    fn the_shared_loop_trains_checkpoints_and_refuses_another_configuration_on_resume() {
        let device = Device::flex();
        let inputs: Vec<MoleculeInputs> =
            SMILES.iter().map(|s| MoleculeInputs::new(&Molecule::from_smiles(s).unwrap(), 32, 128, true)).collect();
        let dir = std::env::temp_dir().join(format!("matfuse-molecule-train-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for head in [HeadKind::Regression, HeadKind::Classification] {
            let label = |i: usize| match head {
                HeadKind::Regression => Some(inputs[i].graph.num_atoms() as f32 - 3.0),
                HeadKind::Classification => Some(f32::from(u8::from(i % 2 == 0))),
            };
            let samples: Vec<MoleculeSample<'_>> =
                (0..inputs.len()).map(|i| MoleculeSample::new(&inputs[i], vec![label(i)])).collect();
            let stats = Standardizer::fit(&[], 1);
            let net = tiny(MoleculeFusion::Cross, head);
            let options = TrainOptions { epochs: 2, batch_size: 4, ..TrainOptions::default() };
            let run_dir = dir.join(format!("{head:?}"));
            let run = MoleculeTrainRun {
                net: &net,
                options: &options,
                train: &samples[..8],
                val: &samples[8..],
                smiles_variants: &[],
                stats: &stats,
                dir: &run_dir,
                control: RunControl::default(),
                warm: &[],
                warm_frozen: false,
            };
            let state = train_molecules(&run, &device, &mut ()).unwrap();
            assert_eq!((state.epoch, state.finished, state.history.len()), (2, true, 2));
            assert!(state.history.iter().all(|e| e.train_loss.is_finite() && e.val_score.is_finite()));
            let best = std::fs::read(super::super::RunDir(run_dir.clone()).best()).unwrap();
            let model = run.load(&best, &device).unwrap();
            let predictions = predict_molecules(&model, head, &samples[8..], Views::ALL, &stats, 8, &device);
            assert_eq!(predictions.len(), 4);
            if head == HeadKind::Classification {
                assert!(predictions.iter().all(|p| (0.0..=1.0).contains(&p.value[0])));
            }
            let other = TrainOptions { lr: 1e-2, ..options.clone() };
            let resumed =
                MoleculeTrainRun { options: &other, control: RunControl { resume: true, ..run.control }, ..run };
            let refused = train_molecules(&resumed, &device, &mut ()).unwrap_err().to_string();
            assert!(refused.contains("train.lr"), "{refused}");
            // A time budget no epoch fits ends a longer run, finished, after its first epoch.
            let budgeted = MoleculeTrainRun {
                options: &TrainOptions { epochs: 5, ..options.clone() },
                dir: &run_dir.join("budget"),
                control: RunControl { time_budget: Some(0.0), ..RunControl::default() },
                ..run
            };
            let state = train_molecules(&budgeted, &device, &mut ()).unwrap();
            assert_eq!((state.epoch, state.finished), (1, true));
            // β₁ cycled with the rate: one-cycle trains; another schedule is refused by name.
            let cycled = TrainOptions { schedule: Schedule::OneCycle, cycle_momentum: true, ..options.clone() };
            let cycled_run = MoleculeTrainRun { options: &cycled, dir: &run_dir.join("cycled"), ..run };
            let state = train_molecules(&cycled_run, &device, &mut ()).unwrap();
            assert!(state.finished && state.history.iter().all(|e| e.val_score.is_finite()));
            let uncycled = TrainOptions { cycle_momentum: true, ..options.clone() };
            let refused = MoleculeTrainRun { options: &uncycled, dir: &run_dir.join("refused"), ..run };
            let error = train_molecules(&refused, &device, &mut ()).unwrap_err().to_string();
            assert!(error.contains("train.cycle_momentum"), "{error}");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn view_dropout_never_drops_every_view() {
        let mut rng = SplitMix64::new(7);
        let drawn: Vec<Views> = (0..500).map(|_| drop_views(&mut rng, 0.5, 0.0)).collect();
        assert!(drawn.iter().all(|v| v.graph || v.smiles || v.fingerprint));
        assert!(
            drawn.iter().any(|v| !v.graph) && drawn.iter().any(|v| !v.smiles) && drawn.iter().any(|v| !v.fingerprint)
        );
        assert_eq!(drop_views(&mut rng, 0.0, 0.0), Views::ALL);
    }

    #[test]
    fn single_view_draws_keep_one_view_each_in_about_a_third() {
        let mut rng = SplitMix64::new(11);
        let drawn: Vec<Views> = (0..3000).map(|_| drop_views(&mut rng, 0.0, 0.6)).collect();
        let kept = |v: &Views| [v.graph, v.smiles, v.fingerprint].iter().filter(|&&k| k).count();
        assert!(drawn.iter().all(|v| kept(v) == 1 || *v == Views::ALL));
        let singles = drawn.iter().filter(|v| kept(v) == 1).count() as f64 / 3000.0;
        assert!((singles - 0.6).abs() < 0.04, "{singles}");
        for only in [|v: &Views| v.graph, |v: &Views| v.smiles, |v: &Views| v.fingerprint] {
            let share = drawn.iter().filter(|v| kept(v) == 1 && only(v)).count() as f64 / 3000.0;
            assert!((share - 0.2).abs() < 0.03, "{share}");
        }
        // A rate of 0 draws nothing: the stream is the one runs before the setting saw.
        let (mut a, mut b) = (SplitMix64::new(5), SplitMix64::new(5));
        assert_eq!(drop_views(&mut a, 0.3, 0.0), drop_views(&mut b, 0.3, 0.0));
        assert_eq!(a.next_f64(), b.next_f64());
    }

    #[test]
    fn training_reads_the_written_smiles_or_one_of_its_random_writings() {
        let molecule = Molecule::from_smiles("CC(=O)Oc1ccccc1C(=O)O").unwrap();
        let inputs = [MoleculeInputs::new(&molecule, 64, 64, true)];
        let samples = [MoleculeSample::new(&inputs[0], vec![Some(0.0)])];
        let writings = vec![crate::molecule_batch::smiles_variants(&molecule, 4, 64, 9)];
        assert_eq!(writings[0].len(), 4);
        let framed =
            |w: &Vec<u32>| w[0] == shared::molecule::tokens::CLS && w.last() == Some(&shared::molecule::tokens::SEP);
        assert!(writings[0].iter().all(|w| framed(w) && !w.contains(&shared::molecule::tokens::UNK)));
        let (net, options, stats) =
            (tiny(MoleculeFusion::Smiles, HeadKind::Regression), TrainOptions::default(), Standardizer::fit(&[], 1));
        let run = MoleculeTrainRun {
            net: &net,
            options: &options,
            train: &samples,
            val: &samples,
            smiles_variants: &writings,
            stats: &stats,
            dir: Path::new("unused"),
            control: RunControl::default(),
            warm: &[],
            warm_frozen: false,
        };
        let mut rng = SplitMix64::new(1);
        let read: std::collections::BTreeSet<Vec<u32>> =
            (0..200).map(|_| run.rewritten_smiles(0, &mut rng).unwrap_or(&inputs[0].tokens).to_vec()).collect();
        assert!(read.len() >= 4 && read.contains(&inputs[0].tokens), "{} token sequences", read.len());
        // Without writings nothing is drawn.
        let plain = MoleculeTrainRun { smiles_variants: &[], ..run };
        let (mut a, mut b) = (SplitMix64::new(5), SplitMix64::new(5));
        assert!(plain.rewritten_smiles(0, &mut a).is_none());
        assert_eq!(a.next_u64(), b.next_u64());
    }
}
