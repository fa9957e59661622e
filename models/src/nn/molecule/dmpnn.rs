//! The directed message-passing graph encoder of chemprop (Yang et al. 2019), messages on
//! directed bonds:
//!
//! - `h⁰_vw = ReLU(W_i [x_v ‖ e_vw])`
//! - `m_vw = Σ_{k→v, k≠w} h_kv` (the sum into `v` minus the reverse edge `w→v`)
//! - `h_vw = ReLU(h⁰_vw + W_h m_vw)`, `depth − 1` times
//! - atom `v`: `ReLU(W_o [x_v ‖ Σ_{k→v} h_kv])`, pooled by mean or sum over each molecule.

use crate::molecule_batch::{EDGE_INPUTS, MoleculeBatch};
use burn::nn::{Linear, LinearConfig};
use burn::prelude::*;
use burn::tensor::IndexingUpdateOp;
use burn::tensor::activation::relu;
use serde::{Deserialize, Serialize};
use shared::molecule::features::ATOM_FEATURES;

/// How atom states become a molecule's embedding.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pooling {
    /// chemprop's default.
    #[default]
    Mean,
    Sum,
    /// The sum divided by 100 (chemprop v2's `norm` aggregation).
    Norm,
}

/// The divisor of [`Pooling::Norm`].
const NORM_POOLING_DIVISOR: f32 = 100.0;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DmpnnConfig {
    pub hidden: usize,
    /// Message-passing steps counting the initial message (chemprop's `depth`).
    pub depth: usize,
    pub pooling: Pooling,
}

impl Default for DmpnnConfig {
    fn default() -> Self {
        DmpnnConfig { hidden: 300, depth: 3, pooling: Pooling::Mean }
    }
}

#[derive(Module, Debug)]
pub struct Dmpnn {
    input: Linear,
    message: Linear,
    output: Linear,
    depth: usize,
    hidden: usize,
    sum_pooling: bool,
    /// Divide the sum by [`NORM_POOLING_DIVISOR`] (with `sum_pooling`).
    norm_pooling: bool,
}

/// What the graph encoder hands to fusion.
pub struct MoleculeEncoding {
    /// Atom states, `[atoms, hidden]`.
    pub atoms: Tensor<2>,
    /// Pooled over each molecule's atoms, `[batch, hidden]`.
    pub pooled: Tensor<2>,
}

impl DmpnnConfig {
    pub fn init(&self, device: &Device) -> Dmpnn {
        let h = self.hidden;
        Dmpnn {
            input: LinearConfig::new(EDGE_INPUTS, h).with_bias(false).init(device),
            message: LinearConfig::new(h, h).with_bias(false).init(device),
            output: LinearConfig::new(ATOM_FEATURES + h, h).init(device),
            depth: self.depth.max(1),
            hidden: h,
            sum_pooling: self.pooling != Pooling::Mean,
            norm_pooling: self.pooling == Pooling::Norm,
        }
    }
}

impl Dmpnn {
    pub fn hidden(&self) -> usize {
        self.hidden
    }

    pub fn forward(&self, batch: &MoleculeBatch) -> MoleculeEncoding {
        let device = batch.atom_features.device();
        let atoms = batch.atom_features.dims()[0];
        let incoming = if batch.edges() == 0 {
            Tensor::zeros([atoms, self.hidden], &device)
        } else {
            let initial = relu(self.input.forward(batch.edge_inputs.clone()));
            let mut h = initial.clone();
            for _ in 1..self.depth {
                let into_source = self.sum_into_atoms(h.clone(), batch, atoms).select(0, batch.edge_source.clone());
                let message = into_source - h.clone().select(0, batch.edge_reverse.clone());
                h = relu(initial.clone() + self.message.forward(message));
            }
            self.sum_into_atoms(h, batch, atoms)
        };
        let atom_states = relu(self.output.forward(Tensor::cat(vec![batch.atom_features.clone(), incoming], 1)));
        let sums = Tensor::zeros([batch.size, self.hidden], &device).select_assign(
            0,
            batch.atom_molecule.clone(),
            atom_states.clone(),
            IndexingUpdateOp::Add,
        );
        let pooled = match (self.sum_pooling, self.norm_pooling) {
            (false, _) => sums * batch.inv_atom_counts.clone(),
            (true, false) => sums,
            (true, true) => sums.div_scalar(NORM_POOLING_DIVISOR),
        };
        MoleculeEncoding { atoms: atom_states, pooled }
    }

    /// `Σ_{k→v} h_kv` per atom `v`, `[atoms, hidden]`.
    fn sum_into_atoms(&self, h: Tensor<2>, batch: &MoleculeBatch, atoms: usize) -> Tensor<2> {
        Tensor::zeros([atoms, self.hidden], &h.device()).select_assign(
            0,
            batch.edge_target.clone(),
            h,
            IndexingUpdateOp::Add,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::molecule_batch::{MoleculeInputs, MoleculeSample, Views};
    use shared::molecule::Molecule;
    use shared::molecule::graph::MolecularGraph;

    fn encode(encoder: &Dmpnn, inputs: &[&MoleculeInputs]) -> Vec<f32> {
        let samples: Vec<MoleculeSample<'_>> = inputs.iter().map(|i| MoleculeSample::new(i, vec![None])).collect();
        let batch = MoleculeBatch::new(&samples, &vec![Views::ALL; samples.len()], &Device::flex());
        encoder.forward(&batch).pooled.into_data().try_to_vec::<f32>().unwrap()
    }

    /// `graph` with atom `a` renamed `order[a]` and bond `b` moved to `bonds[b]`.
    fn permuted(graph: &MolecularGraph, order: &[usize], bonds: &[usize]) -> MolecularGraph {
        let mut out = graph.clone();
        for (a, &to) in order.iter().enumerate() {
            out.atom_features[to * ATOM_FEATURES..(to + 1) * ATOM_FEATURES].copy_from_slice(graph.atom(a));
        }
        let width = shared::molecule::features::BOND_FEATURES;
        for (b, &to) in bonds.iter().enumerate() {
            out.bond_features[to * width..(to + 1) * width].copy_from_slice(graph.edge_bond(2 * b));
            for side in 0..2 {
                out.edge_source[2 * to + side] = order[graph.edge_source[2 * b + side] as usize] as u32;
                out.edge_target[2 * to + side] = order[graph.edge_target[2 * b + side] as usize] as u32;
            }
        }
        out
    }

    #[test]
    fn pooled_embedding_ignores_atom_and_bond_order() {
        let encoder = DmpnnConfig { hidden: 16, ..DmpnnConfig::default() }.init(&Device::flex());
        let molecule = Molecule::from_smiles("CC(=O)Nc1ccc(O)cc1").unwrap();
        let inputs = MoleculeInputs::new(&molecule, 64, 64, false);
        let atoms = inputs.graph.num_atoms();
        let order: Vec<usize> = (0..atoms).map(|a| (a * 5 + 3) % atoms).collect();
        let bond_count = inputs.graph.num_edges() / 2;
        let bonds: Vec<usize> = (0..bond_count).rev().collect();
        let shuffled = MoleculeInputs { graph: permuted(&inputs.graph, &order, &bonds), ..inputs.clone() };
        assert_ne!(shuffled.graph, inputs.graph);
        let (a, b) = (encode(&encoder, &[&inputs]), encode(&encoder, &[&shuffled]));
        assert!(a.iter().any(|&v| v != 0.0));
        for (x, y) in a.iter().zip(&b) {
            assert!((x - y).abs() < 1e-5, "{x} vs {y}");
        }
    }

    #[test]
    fn a_molecule_is_encoded_the_same_alone_and_in_a_batch() {
        let encoder = DmpnnConfig { hidden: 8, pooling: Pooling::Sum, ..DmpnnConfig::default() }.init(&Device::flex());
        let inputs = |s: &str| MoleculeInputs::new(&Molecule::from_smiles(s).unwrap(), 64, 64, false);
        let (ion, ethanol) = (inputs("[Na+]"), inputs("CCO"));
        let alone = encode(&encoder, &[&ethanol]);
        let together = encode(&encoder, &[&ion, &ethanol]);
        for (x, y) in alone.iter().zip(&together[8..]) {
            assert!((x - y).abs() < 1e-5);
        }
        let ion_alone = encode(&encoder, &[&ion]);
        assert!(ion_alone.iter().zip(&together[..8]).all(|(x, y)| (x - y).abs() < 1e-5), "an ion without bonds");
    }
}
