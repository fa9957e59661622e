//! Molecule networks (SCIENCE.md §7): three views of a molecule — its graph (a D-MPNN, as
//! chemprop), its SMILES read by a small transformer, its Morgan fingerprint through an MLP —
//! and six ways to predict from them: each view alone (`graph`, `smiles`, `fingerprint`) and the
//! fusions `concat`, `late` and `cross` (MCMPP-style cross-attention with a masked gate).
//!
//! A variant is a struct holding exactly its parts with `new` and `forward`; [`MoleculeNet`]
//! names it and [`MoleculeNetConfig::init`] builds it. Every variant ends in a
//! [`head::MoleculeHead`]: evidential regression or a binary classifier.

mod concat;
mod config;
mod cross;
pub mod dmpnn;
mod fingerprint;
pub mod head;
mod late;
mod single;
mod views;
mod warm;

pub use config::{
    DescriptorInput, FfnActivation, FfnConfig, FingerprintConfig, HeadKind, MoleculeNetConfig, SmilesConfig,
};

use crate::molecule_batch::MoleculeBatch;
use burn::prelude::*;
use head::MoleculeHead;
use serde::{Deserialize, Serialize};
pub use warm::{WARM_GATE_LOGIT, warm_start_mismatch};

use single::{SingleView, SingleViewNet};
use views::{FingerprintView, GraphView, SmilesView};

/// The molecule fusion variants, as configurations and manifests name them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MoleculeFusion {
    Graph,
    Smiles,
    Fingerprint,
    Concat,
    Late,
    Cross,
}

impl MoleculeFusion {
    pub const ALL: [MoleculeFusion; 6] = [
        MoleculeFusion::Graph,
        MoleculeFusion::Smiles,
        MoleculeFusion::Fingerprint,
        MoleculeFusion::Concat,
        MoleculeFusion::Late,
        MoleculeFusion::Cross,
    ];

    /// Reads more than one view (modality dropout and view removal apply).
    pub fn is_fusion(self) -> bool {
        matches!(self, MoleculeFusion::Concat | MoleculeFusion::Late | MoleculeFusion::Cross)
    }

    /// Reads the molecular graph (the D-MPNN is part of the network).
    pub fn reads_graph(self) -> bool {
        !matches!(self, MoleculeFusion::Smiles | MoleculeFusion::Fingerprint)
    }

    /// Reads the SMILES tokens (the SMILES transformer is part of the network).
    pub fn reads_smiles(self) -> bool {
        !matches!(self, MoleculeFusion::Graph | MoleculeFusion::Fingerprint)
    }

    /// Reads the Morgan fingerprint (so clearing one of its bits can change a prediction).
    pub fn reads_fingerprint(self) -> bool {
        !matches!(self, MoleculeFusion::Graph | MoleculeFusion::Smiles)
    }
}

/// A molecule network: one variant with exactly the parts it uses.
#[derive(Module, Debug)]
pub enum MoleculeNet {
    Single(SingleViewNet),
    Concat(concat::ConcatNet),
    Late(late::LateNet),
    Cross(cross::CrossNet),
}

/// A forward pass's outputs: raw head outputs plus what explains them.
pub struct MoleculeOutput {
    /// `[batch, 4 × tasks]` NIG parameters (regression) or `[batch, tasks]` logits.
    pub raw: Tensor<2>,
    /// View weights: `[batch, 4]` over {graph, SMILES, fingerprint, cross} (`cross`), `[batch, 3]`
    /// over {graph, SMILES, fingerprint} (`late`).
    pub gate: Option<Tensor<2>>,
    /// Atoms attending to the SMILES tokens then the fingerprint, `[batch, heads, atoms, tokens + 1]`.
    pub attention: Option<Tensor<4>>,
    /// The embedding the head reads, `[batch, d]` (`[batch, 3d]` for `concat` and `late`).
    pub embedding: Tensor<2>,
}

impl MoleculeOutput {
    fn plain(embedding: Tensor<2>, head: &MoleculeHead, batch: &MoleculeBatch) -> MoleculeOutput {
        MoleculeOutput { raw: head.read(embedding.clone(), batch), gate: None, attention: None, embedding }
    }
}

/// The head every variant ends in, reading `input` features plus the descriptors when on.
fn head_of(config: &MoleculeNetConfig, input: usize, device: &Device) -> MoleculeHead {
    MoleculeHead::new(config, input + config.descriptors.width(), device)
}

impl MoleculeNet {
    pub fn new(config: &MoleculeNetConfig, device: &Device) -> MoleculeNet {
        let single = |view| MoleculeNet::Single(SingleViewNet::new(view, config, device));
        match config.fusion {
            MoleculeFusion::Graph => single(SingleView::Graph(GraphView::new(config, device))),
            MoleculeFusion::Smiles => single(SingleView::Smiles(SmilesView::new(config, device))),
            MoleculeFusion::Fingerprint => single(SingleView::Fingerprint(FingerprintView::new(config, device))),
            MoleculeFusion::Concat => MoleculeNet::Concat(concat::ConcatNet::new(config, device)),
            MoleculeFusion::Late => MoleculeNet::Late(late::LateNet::new(config, device)),
            MoleculeFusion::Cross => MoleculeNet::Cross(cross::CrossNet::new(config, device)),
        }
    }

    pub fn forward(&self, batch: &MoleculeBatch) -> MoleculeOutput {
        match self {
            MoleculeNet::Single(net) => net.forward(batch),
            MoleculeNet::Concat(net) => net.forward(batch),
            MoleculeNet::Late(net) => net.forward(batch),
            MoleculeNet::Cross(net) => net.forward(batch),
        }
    }

    /// `cross`'s [`cross::CrossNet::stand_in_distance`] (`train.stand_in_weight`); the other
    /// variants have no fused embedding for the views to stand in for.
    pub fn stand_in_distance(&self, batch: &MoleculeBatch) -> Option<Tensor<1>> {
        match self {
            MoleculeNet::Cross(net) => Some(net.stand_in_distance(batch)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::molecule_batch::{MoleculeInputs, MoleculeSample, Views};
    use burn::module::{ModuleVisitor, Param};
    use shared::molecule::Molecule;

    const SMILES: [&str; 3] = ["CCO", "c1ccccc1C(=O)O", "[NH3+]CC(=O)[O-]"];

    fn small(fusion: MoleculeFusion, head: HeadKind) -> MoleculeNetConfig {
        MoleculeNetConfig::tiny(fusion, 2, head)
    }

    fn inputs() -> Vec<MoleculeInputs> {
        SMILES.iter().map(|s| MoleculeInputs::new(&Molecule::from_smiles(s).unwrap(), 32, 128, true)).collect()
    }

    fn batch(inputs: &[MoleculeInputs], views: &[Views], device: &Device) -> MoleculeBatch {
        let samples: Vec<MoleculeSample<'_>> =
            inputs.iter().map(|i| MoleculeSample::new(i, vec![Some(1.0), None])).collect();
        MoleculeBatch::new(&samples, views, device)
    }

    fn values<const D: usize>(t: Tensor<D>) -> Vec<f32> {
        t.into_data().convert::<f32>().try_to_vec::<f32>().unwrap()
    }

    #[test]
    fn every_variant_gives_head_outputs_of_the_right_shape() {
        let device = Device::flex();
        let inputs = inputs();
        let batch = batch(&inputs, &[Views::ALL; 3], &device);
        for fusion in MoleculeFusion::ALL {
            for (head, width) in [(HeadKind::Regression, 8), (HeadKind::Classification, 2)] {
                let out = small(fusion, head).init(&device).forward(&batch);
                assert_eq!(out.raw.dims(), [3, width], "{fusion:?} {head:?}");
                assert!(values(out.raw).iter().all(|v| v.is_finite()));
                let gate_width = match fusion {
                    MoleculeFusion::Cross => Some(4),
                    MoleculeFusion::Late => Some(3),
                    _ => None,
                };
                assert_eq!(out.gate.map(|g| g.dims()[1]), gate_width);
            }
        }
    }

    #[test]
    fn the_gate_is_zero_on_a_dropped_view_and_other_molecules_do_not_notice() {
        let device = Device::flex();
        let inputs = inputs();
        for fusion in [MoleculeFusion::Cross, MoleculeFusion::Late] {
            let net = small(fusion, HeadKind::Regression).init(&device);
            let full = net.forward(&batch(&inputs, &[Views::ALL; 3], &device));
            for dropped in 0..3 {
                let views = [Views::ALL, Views::without(dropped), Views::ALL];
                let out = net.forward(&batch(&inputs, &views, &device));
                let gate = values(out.gate.unwrap());
                let width = gate.len() / 3;
                assert_eq!(gate[width + dropped], 0.0, "{fusion:?} without view {dropped}");
                if fusion == MoleculeFusion::Cross && dropped == 0 {
                    assert_eq!(gate[width + 3], 0.0, "cross needs the graph");
                }
                assert!((gate[width..2 * width].iter().sum::<f32>() - 1.0).abs() < 1e-5);
                let (a, b) = (values(full.raw.clone()), values(out.raw));
                for row in [0, 2] {
                    for k in 0..8 {
                        assert!((a[row * 8 + k] - b[row * 8 + k]).abs() < 1e-5, "{fusion:?} row {row}");
                    }
                }
                assert_ne!(a[8..16], b[8..16], "{fusion:?}: dropping view {dropped} changes its molecule");
            }
        }
    }

    #[test]
    fn a_single_view_network_ignores_the_other_views() {
        let device = Device::flex();
        let inputs = inputs();
        for (fusion, unused) in
            [(MoleculeFusion::Graph, 1), (MoleculeFusion::Smiles, 2), (MoleculeFusion::Fingerprint, 0)]
        {
            let net = small(fusion, HeadKind::Regression).init(&device);
            let full = values(net.forward(&batch(&inputs, &[Views::ALL; 3], &device)).raw);
            let without = values(net.forward(&batch(&inputs, &[Views::without(unused); 3], &device)).raw);
            for (a, b) in full.iter().zip(&without) {
                assert!((a - b).abs() < 1e-5, "{fusion:?}");
            }
        }
    }

    /// Sums |gradient| over every trainable parameter.
    struct GradientMass<'a>(&'a burn::tensor::Gradients, f32, usize);

    impl ModuleVisitor for GradientMass<'_> {
        fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
            if let Some(grad) = param.val().grad(self.0) {
                let mass = grad.abs().sum().into_scalar::<f32>();
                self.1 += mass;
                self.2 += usize::from(mass > 0.0);
            }
        }
    }

    #[test]
    fn gradients_reach_every_view() {
        let device = Device::flex().autodiff();
        let inputs = inputs();
        for head in [HeadKind::Regression, HeadKind::Classification] {
            let net = small(MoleculeFusion::Cross, head).init(&device);
            let batch = batch(&inputs, &[Views::ALL; 3], &device);
            let out = net.forward(&batch);
            let loss =
                head::head_loss(head, out.raw, batch.targets.clone(), batch.label_mask.clone(), &Default::default());
            let grads = loss.backward();
            let MoleculeNet::Cross(cross) = &net else { unreachable!() };
            let views = cross.views();
            for (name, mass) in [
                ("graph", gradient_mass(&views.graph, &grads)),
                ("smiles", gradient_mass(&views.smiles, &grads)),
                ("fingerprint", gradient_mass(&views.fingerprint, &grads)),
            ] {
                assert!(mass.0 > 0.0 && mass.1 > 0, "{head:?}: no gradient reaches the {name} view");
            }
        }
    }

    #[test]
    fn the_stand_in_term_trains_the_smiles_and_fingerprint_views_alone() {
        let device = Device::flex().autodiff();
        let inputs = inputs();
        let batch = batch(&inputs, &[Views::ALL; 3], &device);
        for fusion in [MoleculeFusion::Graph, MoleculeFusion::Concat, MoleculeFusion::Late] {
            assert!(
                small(fusion, HeadKind::Regression).init(&device).stand_in_distance(&batch).is_none(),
                "{fusion:?}"
            );
        }
        let net = small(MoleculeFusion::Cross, HeadKind::Regression).init(&device);
        let distance = net.stand_in_distance(&batch).expect("cross has a fused embedding");
        let value = distance.clone().into_scalar::<f32>();
        assert!(value.is_finite() && value > 0.0, "{value}");
        let grads = distance.backward();
        let MoleculeNet::Cross(cross) = &net else { unreachable!() };
        let views = cross.views();
        assert!(gradient_mass(&views.smiles, &grads).0 > 0.0, "the SMILES view moves towards the fused embedding");
        assert!(gradient_mass(&views.fingerprint, &grads).0 > 0.0, "so does the fingerprint view");
        assert_eq!(gradient_mass(&views.graph, &grads).0, 0.0, "the fused embedding is the fixed target");
    }

    fn gradient_mass<M: Module>(module: &M, grads: &burn::tensor::Gradients) -> (f32, usize) {
        let mut visitor = GradientMass(grads, 0.0, 0);
        module.visit(&mut visitor);
        (visitor.1, visitor.2)
    }
}
