//! Warm starts: a network begins from single-view networks trained on the same split — each
//! one's view encoder, and the first one's head where the new network's head reads one view —
//! with `cross`'s gate starting on the first one's view (whose head it took) and `late`'s view
//! weights on every warm view (each with its own trained head: an ensemble to start from). A fusion then
//! starts as good as its best view and learns what the other views add, rather than learning
//! every view from scratch while one of them (in practice the fingerprint) does all the work.

use super::config::MoleculeNetConfig;
use super::single::SingleView;
use super::{MoleculeFusion, MoleculeNet};
use burn::module::Param;
use burn::prelude::*;

/// The gate logit a warm view starts with (the others 0): `cross`'s first warm view takes
/// e³/(e³ + 3) ≈ 87 % of its four parts' weight.
pub const WARM_GATE_LOGIT: f32 = 3.0;

/// Why `from` (a trained network's architecture) cannot warm-start `target`, if it cannot:
/// `from` must be a single-view network whose view (and head, when `target` takes it) has the
/// same shape and reads the same descriptors, fitted on the same training molecules.
pub fn warm_start_mismatch(target: &MoleculeNetConfig, from: &MoleculeNetConfig) -> Option<String> {
    let view = match from.fusion {
        MoleculeFusion::Graph | MoleculeFusion::Smiles | MoleculeFusion::Fingerprint => from.fusion,
        other => return Some(format!("is a {other:?} fusion; a warm start takes single-view networks")),
    };
    let reads = match view {
        MoleculeFusion::Graph => target.fusion.reads_graph(),
        MoleculeFusion::Smiles => target.fusion.reads_smiles(),
        _ => target.fusion.reads_fingerprint(),
    };
    if !reads {
        return Some(format!("is a {view:?} network, a view the {:?} network does not read", target.fusion));
    }
    let same = |what: &str, equal: bool| (!equal).then(|| format!("has another {what}"));
    let encoder = match view {
        MoleculeFusion::Graph => same("graph encoder (model.graph)", from.graph == target.graph),
        MoleculeFusion::Smiles => same("SMILES encoder (model.smiles)", from.smiles == target.smiles),
        _ => same("fingerprint encoder (model.fingerprint)", from.fingerprint == target.fingerprint),
    };
    encoder
        .or_else(|| same("fusion width (model.fused)", from.fused == target.fused))
        .or_else(|| same("head (model.head, model.tasks, model.ffn)", head_shape(from) == head_shape(target)))
        .or_else(|| {
            same(
                "descriptor input (model.descriptors, fitted on the training molecules: another split?)",
                from.descriptors == target.descriptors,
            )
        })
}

fn head_shape(config: &MoleculeNetConfig) -> (super::HeadKind, usize, super::FfnConfig) {
    (config.head, config.tasks, config.ffn.clone())
}

impl MoleculeNet {
    /// `self` with the view encoder of each network in `from` (single-view networks that passed
    /// [`warm_start_mismatch`], none reading the same view) and the first one's head where this
    /// network's head reads one view's embedding (`cross`, `late`, a single view); the gate
    /// starts at [`WARM_GATE_LOGIT`] on `cross`'s first warm view and on each of `late`'s, 0
    /// elsewhere.
    /// `frozen` keeps the view encoders taken as they are (no gradient; heads still learn).
    pub fn warm_started(self, from: &[MoleculeNet], frozen: bool) -> MoleculeNet {
        let mut net = self;
        let mut warm = [false; 3];
        let mut first = [false; 3];
        for (k, donor) in from.iter().enumerate() {
            let MoleculeNet::Single(donor) = donor else { continue };
            let index = donor.view.index();
            let view = if frozen { donor.view.clone().no_grad() } else { donor.view.clone() };
            warm[index] = true;
            if k == 0 {
                first[index] = true;
            }
            net = match net {
                MoleculeNet::Single(mut single) => {
                    if single.view.index() == index {
                        single.view = view;
                        single.head = donor.head.clone();
                    }
                    MoleculeNet::Single(single)
                }
                MoleculeNet::Concat(mut concat) => {
                    concat.views.take(view);
                    MoleculeNet::Concat(concat)
                }
                MoleculeNet::Late(mut late) => {
                    late.views.take(view);
                    late.heads[index] = donor.head.clone();
                    MoleculeNet::Late(late)
                }
                MoleculeNet::Cross(mut cross) => {
                    cross.views.take(view);
                    if k == 0 {
                        cross.head = donor.head.clone();
                    }
                    MoleculeNet::Cross(cross)
                }
            };
        }
        match net {
            MoleculeNet::Late(mut late) => {
                let device = late.logits.val().device();
                late.logits = Param::from_tensor(Tensor::from_floats(gate_logits(&warm, 3).as_slice(), &device));
                MoleculeNet::Late(late)
            }
            MoleculeNet::Cross(mut cross) if warm.contains(&true) => {
                let [inputs, parts] = cross.gate.weight.dims();
                let device = cross.gate.weight.val().device();
                cross.gate.weight = Param::from_tensor(Tensor::zeros([inputs, parts], &device));
                cross.gate.bias =
                    Some(Param::from_tensor(Tensor::from_floats(gate_logits(&first, parts).as_slice(), &device)));
                MoleculeNet::Cross(cross)
            }
            other => other,
        }
    }
}

/// [`WARM_GATE_LOGIT`] for each warm view among the first three parts, 0 elsewhere.
fn gate_logits(warm: &[bool; 3], parts: usize) -> Vec<f32> {
    (0..parts).map(|i| if warm.get(i).copied().unwrap_or(false) { WARM_GATE_LOGIT } else { 0.0 }).collect()
}

impl SingleView {
    /// The view's place in {graph, SMILES, fingerprint}.
    fn index(&self) -> usize {
        match self {
            SingleView::Graph(_) => 0,
            SingleView::Smiles(_) => 1,
            SingleView::Fingerprint(_) => 2,
        }
    }
}

impl super::views::ViewEncoders {
    /// Replaces the encoder of `view`'s kind with `view`.
    fn take(&mut self, view: SingleView) {
        match view {
            SingleView::Graph(v) => self.graph = v,
            SingleView::Smiles(v) => self.smiles = v,
            SingleView::Fingerprint(v) => self.fingerprint = v,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::molecule_batch::{MoleculeBatch, MoleculeInputs, MoleculeSample, Views};
    use crate::nn::molecule::HeadKind;
    use shared::molecule::Molecule;

    fn values<const D: usize>(t: Tensor<D>) -> Vec<f32> {
        t.into_data().convert::<f32>().try_to_vec::<f32>().unwrap()
    }

    fn batch(inputs: &[MoleculeInputs], views: Views, device: &Device) -> MoleculeBatch {
        let samples: Vec<MoleculeSample<'_>> = inputs.iter().map(|i| MoleculeSample::new(i, vec![Some(0.0)])).collect();
        MoleculeBatch::new(&samples, &vec![views; samples.len()], device)
    }

    #[test]
    fn a_warm_fusion_without_its_other_views_predicts_what_its_graph_donor_predicts() {
        let device = Device::flex();
        let inputs: Vec<MoleculeInputs> = ["CCO", "c1ccccc1O", "CC(=O)[O-].[Na+]"]
            .iter()
            .map(|s| MoleculeInputs::new(&Molecule::from_smiles(s).unwrap(), 32, 128, true))
            .collect();
        let graph_only = Views { graph: true, smiles: false, fingerprint: false };
        for head in [HeadKind::Regression, HeadKind::Classification] {
            let donor_config = MoleculeNetConfig::tiny(MoleculeFusion::Graph, 1, head);
            let donor = donor_config.init(&device);
            let expected = values(donor.forward(&batch(&inputs, Views::ALL, &device)).raw);
            for fusion in [MoleculeFusion::Cross, MoleculeFusion::Late] {
                let config = MoleculeNetConfig::tiny(fusion, 1, head);
                assert_eq!(warm_start_mismatch(&config, &donor_config), None);
                let cold = config.init(&device);
                let cold_out = values(cold.forward(&batch(&inputs, graph_only, &device)).raw);
                let warm = config.init(&device).warm_started(std::slice::from_ref(&donor), false);
                let out = values(warm.forward(&batch(&inputs, graph_only, &device)).raw);
                assert!(cold_out.iter().zip(&expected).any(|(a, b)| (a - b).abs() > 1e-4), "{fusion:?} cold");
                for (a, b) in out.iter().zip(&expected) {
                    assert!((a - b).abs() < 1e-5, "{fusion:?} {head:?}: {a} against the donor's {b}");
                }
                // Every view present: the gate starts on the warm view for every molecule.
                let gate = values(warm.forward(&batch(&inputs, Views::ALL, &device)).gate.unwrap());
                let parts = gate.len() / inputs.len();
                let share = WARM_GATE_LOGIT.exp() / (WARM_GATE_LOGIT.exp() + (parts - 1) as f32);
                for row in gate.chunks(parts) {
                    assert!((row[0] - share).abs() < 1e-5, "{fusion:?}: {row:?}");
                }
            }
        }
    }

    #[test]
    fn frozen_views_stay_as_trained_through_training_and_a_resume() {
        use crate::train::{MoleculeTrainRun, Standardizer, TrainOptions, TrainingProblem, WarmStart, train_molecules};
        let device = Device::flex();
        let smiles = ["C", "CC", "CCC", "CCCC", "CO", "CCO", "CCCO", "c1ccccc1", "Cc1ccccc1", "CC(=O)O", "CN", "ClCCl"];
        let inputs: Vec<MoleculeInputs> =
            smiles.iter().map(|s| MoleculeInputs::new(&Molecule::from_smiles(s).unwrap(), 32, 128, true)).collect();
        let samples: Vec<MoleculeSample<'_>> =
            inputs.iter().map(|i| MoleculeSample::new(i, vec![Some(i.graph.num_atoms() as f32 - 3.0)])).collect();
        let donor_config = MoleculeNetConfig::tiny(MoleculeFusion::Graph, 1, HeadKind::Regression);
        let donor = donor_config.init(&device);
        let graph_embedding = |net: &MoleculeNet| {
            let batch = batch(&inputs, Views::ALL, &device);
            values(match net {
                MoleculeNet::Single(single) => match &single.view {
                    SingleView::Graph(view) => view.embed(&batch).pooled,
                    _ => unreachable!(),
                },
                MoleculeNet::Cross(cross) => cross.views.graph.embed(&batch).pooled,
                _ => unreachable!(),
            })
        };
        let expected = graph_embedding(&donor);
        let warm = [WarmStart {
            source: "donor".into(),
            net: donor_config,
            weights: crate::weights::to_bytes(&donor, false).unwrap(),
        }];
        let net = MoleculeNetConfig::tiny(MoleculeFusion::Cross, 1, HeadKind::Regression);
        let options = TrainOptions { epochs: 2, batch_size: 4, lr: 1e-2, ..TrainOptions::default() };
        let stats = Standardizer::fit(&[], 1);
        let dir = std::env::temp_dir().join(format!("matfuse-warm-frozen-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for frozen in [true, false] {
            let run = MoleculeTrainRun {
                net: &net,
                options: &options,
                train: &samples[..8],
                val: &samples[8..],
                smiles_variants: &[],
                stats: &stats,
                dir: &dir.join(frozen.to_string()),
                control: crate::train::RunControl { stop_after: Some(1), ..Default::default() },
                warm: &warm,
                warm_frozen: frozen,
            };
            assert!(!train_molecules(&run, &device, &mut ()).unwrap().finished);
            let resumed =
                MoleculeTrainRun { control: crate::train::RunControl { resume: true, ..Default::default() }, ..run };
            assert!(train_molecules(&resumed, &device, &mut ()).unwrap().finished);
            let last = std::fs::read(crate::train::RunDir(dir.join(frozen.to_string())).checkpoint_model()).unwrap();
            let trained = graph_embedding(&resumed.load(&last, &device).unwrap());
            let moved = trained.iter().zip(&expected).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
            if frozen {
                assert!(moved < 1e-6, "a frozen graph encoder moved by {moved}");
            } else {
                assert!(moved > 1e-4, "an unfrozen graph encoder did not train");
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_donor_of_another_shape_view_or_split_is_refused_by_name() {
        let target = MoleculeNetConfig::tiny(MoleculeFusion::Cross, 1, HeadKind::Regression);
        let donor = |fusion| MoleculeNetConfig::tiny(fusion, 1, HeadKind::Regression);
        assert_eq!(warm_start_mismatch(&target, &donor(MoleculeFusion::Fingerprint)), None);
        let fusion = warm_start_mismatch(&target, &donor(MoleculeFusion::Late)).unwrap();
        assert!(fusion.contains("single-view"), "{fusion}");
        let graph_target = MoleculeNetConfig::tiny(MoleculeFusion::Graph, 1, HeadKind::Regression);
        let unread = warm_start_mismatch(&graph_target, &donor(MoleculeFusion::Smiles)).unwrap();
        assert!(unread.contains("does not read"), "{unread}");
        let mut wider = donor(MoleculeFusion::Graph);
        wider.fused += 8;
        assert!(warm_start_mismatch(&target, &wider).unwrap().contains("model.fused"));
        let mut deeper = donor(MoleculeFusion::Graph);
        deeper.graph.depth += 1;
        assert!(warm_start_mismatch(&target, &deeper).unwrap().contains("model.graph"));
        let mut other_split = donor(MoleculeFusion::Graph);
        other_split.descriptors.enabled = true;
        other_split.descriptors.mean = vec![1.0; 13];
        assert!(warm_start_mismatch(&target, &other_split).unwrap().contains("another split"));
        let classifier = MoleculeNetConfig::tiny(MoleculeFusion::Graph, 1, HeadKind::Classification);
        assert!(warm_start_mismatch(&target, &classifier).unwrap().contains("model.head"));
    }
}
