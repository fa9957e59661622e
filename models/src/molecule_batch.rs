//! Many molecules (graph + SMILES tokens + fingerprint + labels) as one set of tensors: atoms and
//! directed edges concatenated with global indices (and each edge's reverse), atoms and tokens
//! padded per molecule with masks, the fingerprints as one matrix.

use burn::prelude::*;
use shared::molecule::Molecule;
use shared::molecule::features::{ATOM_FEATURES, BOND_FEATURES};
use shared::molecule::fingerprint::MorganFingerprint;
use shared::molecule::graph::MolecularGraph;
use shared::molecule::tokens::SmilesTokens;

/// Width of a directed edge's input row: its source atom's features then its bond's.
pub const EDGE_INPUTS: usize = ATOM_FEATURES + BOND_FEATURES;

/// What a molecule network reads of one molecule, computed once per molecule.
#[derive(Clone, Debug, PartialEq)]
pub struct MoleculeInputs {
    pub graph: MolecularGraph,
    /// Token ids framed by `[CLS]` … `[SEP]`, cut to at most the network's token positions.
    pub tokens: Vec<u32>,
    /// Morgan fingerprint (radius 2): bits (0/1) or counts, one value per bit.
    pub fingerprint: Vec<f32>,
    /// Standardised molecular descriptors (empty unless the network reads them).
    pub descriptors: Vec<f32>,
}

impl MoleculeInputs {
    /// The inputs of `molecule`: at most `max_tokens` tokens, a `bits`-bit fingerprint of
    /// counts (`counts`) or of bits.
    pub fn new(molecule: &Molecule, max_tokens: usize, bits: usize, counts: bool) -> MoleculeInputs {
        let tokens = SmilesTokens::from_molecule(molecule);
        let length = tokens.ids.len().min(max_tokens);
        let fingerprint = MorganFingerprint::with(molecule, shared::molecule::fingerprint::DEFAULT_RADIUS, bits);
        MoleculeInputs {
            graph: MolecularGraph::from_molecule(molecule),
            tokens: tokens.padded_ids(length),
            fingerprint: if counts { fingerprint.count_vector() } else { fingerprint.bit_vector() },
            descriptors: Vec::new(),
        }
    }
}

/// Token ids of `count` random writings of `molecule`'s SMILES
/// ([`shared::molecule::writer::write_smiles`], the order drawn from `seed`), each framed and
/// cut to `max_tokens` as [`MoleculeInputs::tokens`]; a writing that does not read back (none
/// should) is left out.
pub fn smiles_variants(molecule: &Molecule, count: usize, max_tokens: usize, seed: u64) -> Vec<Vec<u32>> {
    let mut rng = crate::rng::SplitMix64::new(seed);
    let mut pick = |n: usize| rng.below(n.max(1));
    (0..count)
        .filter_map(|_| {
            let written = shared::molecule::writer::write_smiles(molecule, &mut pick);
            let tokens = SmilesTokens::from_molecule(&Molecule::from_smiles(&written).ok()?);
            Some(tokens.padded_ids(tokens.ids.len().min(max_tokens)))
        })
        .collect()
}

/// One molecule's inputs and its standardised targets (one per task; `None` = no label;
/// classification labels are 0/1).
#[derive(Clone, Debug)]
pub struct MoleculeSample<'a> {
    pub inputs: &'a MoleculeInputs,
    /// Token ids read instead of `inputs.tokens` (a random writing of the SMILES in training).
    pub rewritten_tokens: Option<&'a [u32]>,
    pub targets: Vec<Option<f32>>,
}

impl<'a> MoleculeSample<'a> {
    /// `inputs` as computed, with `targets`.
    pub fn new(inputs: &'a MoleculeInputs, targets: Vec<Option<f32>>) -> MoleculeSample<'a> {
        MoleculeSample { inputs, rewritten_tokens: None, targets }
    }

    /// The token ids the SMILES view reads.
    pub fn tokens(&self) -> &'a [u32] {
        self.rewritten_tokens.unwrap_or(&self.inputs.tokens)
    }
}

/// Which views of a molecule a network sees (modality dropout, missing-view evaluation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Views {
    pub graph: bool,
    pub smiles: bool,
    pub fingerprint: bool,
}

impl Views {
    pub const ALL: Views = Views { graph: true, smiles: true, fingerprint: true };

    /// Every view but one: `index` 0 = graph, 1 = SMILES, 2 = fingerprint.
    pub fn without(index: usize) -> Views {
        Views { graph: index != 0, smiles: index != 1, fingerprint: index != 2 }
    }
}

#[derive(Clone, Debug)]
pub struct MoleculeBatch {
    pub size: usize,
    pub max_atoms: usize,
    pub max_tokens: usize,
    /// Atom features, `[atoms, ATOM_FEATURES]`.
    pub atom_features: Tensor<2>,
    /// Source atom's then bond's features per directed edge, `[edges, EDGE_INPUTS]`.
    pub edge_inputs: Tensor<2>,
    /// Global source and target atom of each directed edge, `[edges]` each.
    pub edge_source: Tensor<1, Int>,
    pub edge_target: Tensor<1, Int>,
    /// Global index of each edge's reverse, `[edges]`.
    pub edge_reverse: Tensor<1, Int>,
    /// Molecule index per atom, `[atoms]`.
    pub atom_molecule: Tensor<1, Int>,
    /// `1 / atoms` per molecule, `[batch, 1]`.
    pub inv_atom_counts: Tensor<2>,
    /// For each padded atom slot, its atom index (`atoms` = the zero padding row), `[batch * max_atoms]`.
    pub padded_index: Tensor<1, Int>,
    /// True where an atom slot is padding, `[batch, max_atoms]`.
    pub atom_pad: Tensor<2, Bool>,
    /// Token ids, `[batch, max_tokens]` (0 = padding).
    pub tokens: Tensor<2, Int>,
    /// True where a token slot is padding, `[batch, max_tokens]`.
    pub token_pad: Tensor<2, Bool>,
    /// `1 / tokens` per molecule (0 without SMILES), `[batch, 1]`.
    pub inv_token_counts: Tensor<2>,
    /// Fingerprints (zero rows where the view is missing), `[batch, bits]`.
    pub fingerprint: Tensor<2>,
    /// Standardised descriptors, `[batch, descriptors]`; `None` when the inputs carry none.
    pub descriptors: Option<Tensor<2>>,
    /// 1 where the molecule's graph / SMILES / fingerprint is present, `[batch, 1]` each.
    pub has_graph: Tensor<2>,
    pub has_smiles: Tensor<2>,
    pub has_fingerprint: Tensor<2>,
    /// Targets (0 where missing), `[batch, tasks]`.
    pub targets: Tensor<2>,
    /// 1 where a label exists, `[batch, tasks]`.
    pub label_mask: Tensor<2>,
}

impl MoleculeBatch {
    /// Builds the tensors for `samples`; `views[i]` says what sample `i` contributes (a missing
    /// SMILES is an empty token list, a missing fingerprint a zero row; a missing graph is still
    /// encoded but weighted 0). Every sample has one target per task and fingerprints of one
    /// width.
    pub fn new(samples: &[MoleculeSample<'_>], views: &[Views], device: &Device) -> MoleculeBatch {
        assert_eq!(samples.len(), views.len());
        assert!(!samples.is_empty(), "a batch needs at least one molecule");
        let size = samples.len();
        let tasks = samples[0].targets.len();
        let bits = samples[0].inputs.fingerprint.len();
        assert!(samples.iter().all(|s| s.targets.len() == tasks), "every sample needs one target per task");
        assert!(samples.iter().all(|s| s.inputs.fingerprint.len() == bits), "fingerprints of one width");
        let descriptor_width = samples[0].inputs.descriptors.len();
        assert!(samples.iter().all(|s| s.inputs.descriptors.len() == descriptor_width), "descriptors of one width");
        let max_atoms = samples.iter().map(|s| s.inputs.graph.num_atoms()).max().unwrap_or(1).max(1);
        let max_tokens = samples
            .iter()
            .zip(views)
            .map(|(s, v)| if v.smiles { s.tokens().len() } else { 0 })
            .max()
            .unwrap_or(0)
            .max(1);
        let total_atoms: usize = samples.iter().map(|s| s.inputs.graph.num_atoms()).sum();

        let mut atom_features = Vec::with_capacity(total_atoms * ATOM_FEATURES);
        let mut edge_inputs = Vec::new();
        let (mut edge_source, mut edge_target, mut edge_reverse) = (Vec::new(), Vec::new(), Vec::new());
        let mut atom_molecule = Vec::with_capacity(total_atoms);
        let mut inv_atoms = Vec::with_capacity(size);
        let mut padded_index = vec![total_atoms as i64; size * max_atoms];
        let mut atom_pad = vec![true; size * max_atoms];
        let mut tokens = vec![0i64; size * max_tokens];
        let mut token_pad = vec![true; size * max_tokens];
        let mut inv_tokens = Vec::with_capacity(size);
        let mut fingerprint = vec![0.0f32; size * bits];
        let (mut has_graph, mut has_smiles, mut has_fingerprint) = (vec![], vec![], vec![]);
        let mut targets = Vec::with_capacity(size * tasks);
        let mut label_mask = Vec::with_capacity(size * tasks);

        for (b, (sample, view)) in samples.iter().zip(views).enumerate() {
            let graph = &sample.inputs.graph;
            let atom_offset = atom_molecule.len() as i64;
            let edge_offset = edge_source.len() as i64;
            atom_features.extend_from_slice(&graph.atom_features);
            for a in 0..graph.num_atoms() {
                atom_molecule.push(b as i64);
                padded_index[b * max_atoms + a] = atom_offset + a as i64;
                atom_pad[b * max_atoms + a] = false;
            }
            inv_atoms.push(1.0 / graph.num_atoms().max(1) as f32);
            for edge in 0..graph.num_edges() {
                edge_inputs.extend_from_slice(graph.atom(graph.edge_source[edge] as usize));
                edge_inputs.extend_from_slice(graph.edge_bond(edge));
                edge_source.push(atom_offset + i64::from(graph.edge_source[edge]));
                edge_target.push(atom_offset + i64::from(graph.edge_target[edge]));
                edge_reverse.push(edge_offset + MolecularGraph::reverse_edge(edge) as i64);
            }

            let text: &[u32] = if view.smiles { sample.tokens() } else { &[] };
            for (t, &id) in text.iter().enumerate() {
                tokens[b * max_tokens + t] = i64::from(id);
                token_pad[b * max_tokens + t] = false;
            }
            inv_tokens.push(if text.is_empty() { 0.0 } else { 1.0 / text.len() as f32 });
            if view.fingerprint {
                fingerprint[b * bits..(b + 1) * bits].copy_from_slice(&sample.inputs.fingerprint);
            }
            has_graph.push(f32::from(u8::from(view.graph && graph.num_atoms() > 0)));
            has_smiles.push(f32::from(u8::from(!text.is_empty())));
            has_fingerprint.push(f32::from(u8::from(view.fingerprint)));
            for &target in &sample.targets {
                targets.push(target.unwrap_or(0.0));
                label_mask.push(if target.is_some() { 1.0f32 } else { 0.0 });
            }
        }

        let edges = edge_source.len();
        let ints = |v: Vec<i64>| Tensor::<1, Int>::from_data(TensorData::new(v.clone(), [v.len()]), device);
        let column = |v: Vec<f32>| Tensor::<2>::from_data(TensorData::new(v, [size, 1]), device);
        MoleculeBatch {
            size,
            max_atoms,
            max_tokens,
            atom_features: Tensor::from_data(TensorData::new(atom_features, [total_atoms, ATOM_FEATURES]), device),
            edge_inputs: Tensor::from_data(TensorData::new(edge_inputs, [edges, EDGE_INPUTS]), device),
            edge_source: ints(edge_source),
            edge_target: ints(edge_target),
            edge_reverse: ints(edge_reverse),
            atom_molecule: ints(atom_molecule),
            inv_atom_counts: column(inv_atoms),
            padded_index: ints(padded_index),
            atom_pad: Tensor::from_data(TensorData::new(atom_pad, [size, max_atoms]), device),
            tokens: Tensor::from_data(TensorData::new(tokens, [size, max_tokens]), device),
            token_pad: Tensor::from_data(TensorData::new(token_pad, [size, max_tokens]), device),
            inv_token_counts: column(inv_tokens),
            fingerprint: Tensor::from_data(TensorData::new(fingerprint, [size, bits]), device),
            descriptors: (descriptor_width > 0).then(|| {
                let values: Vec<f32> = samples.iter().flat_map(|s| s.inputs.descriptors.iter().copied()).collect();
                Tensor::from_data(TensorData::new(values, [size, descriptor_width]), device)
            }),
            has_graph: column(has_graph),
            has_smiles: column(has_smiles),
            has_fingerprint: column(has_fingerprint),
            targets: Tensor::from_data(TensorData::new(targets, [size, tasks]), device),
            label_mask: Tensor::from_data(TensorData::new(label_mask, [size, tasks]), device),
        }
    }

    /// Number of directed edges.
    pub fn edges(&self) -> usize {
        self.edge_source.dims()[0]
    }

    /// Scatters atom rows `[atoms, d]` into `[batch, max_atoms, d]` (padding rows zero).
    pub fn pad_atoms(&self, atoms: Tensor<2>) -> Tensor<3> {
        let d = atoms.dims()[1];
        let device = atoms.device();
        let with_zero = Tensor::cat(vec![atoms, Tensor::zeros([1, d], &device)], 0);
        with_zero.select(0, self.padded_index.clone()).reshape([self.size, self.max_atoms, d])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs(smiles: &str) -> MoleculeInputs {
        MoleculeInputs::new(&Molecule::from_smiles(smiles).unwrap(), 64, 2048, true)
    }

    #[test]
    fn concatenates_atoms_and_edges_with_global_reverse_indices() {
        let (a, b) = (inputs("CCO"), inputs("c1ccccc1"));
        let samples = [MoleculeSample::new(&a, vec![Some(1.0)]), MoleculeSample::new(&b, vec![None])];
        let batch = MoleculeBatch::new(&samples, &[Views::ALL, Views::without(1)], &Device::flex());
        assert_eq!((batch.size, batch.max_atoms, batch.edges()), (2, 6, 4 + 12));
        assert_eq!(batch.atom_features.dims(), [9, ATOM_FEATURES]);
        assert_eq!(batch.edge_inputs.dims(), [16, EDGE_INPUTS]);
        let reverse = batch.edge_reverse.clone().into_data().convert::<i64>().try_to_vec::<i64>().unwrap();
        assert_eq!(&reverse[..6], &[1, 0, 3, 2, 5, 4]);
        let source = batch.edge_source.clone().into_data().convert::<i64>().try_to_vec::<i64>().unwrap();
        assert_eq!(&source[4..6], &[3, 4], "the second molecule's atoms start at 3");
        let pad = batch.atom_pad.clone().into_data().try_to_vec::<bool>().unwrap();
        assert_eq!(&pad[..6], &[false, false, false, true, true, true]);
        assert_eq!(batch.tokens.dims(), [2, a.tokens.len()]);
        let has_smiles = batch.has_smiles.clone().into_data().try_to_vec::<f32>().unwrap();
        assert_eq!(has_smiles, vec![1.0, 0.0]);
        let mask = batch.label_mask.clone().into_data().try_to_vec::<f32>().unwrap();
        assert_eq!(mask, vec![1.0, 0.0]);
    }

    #[test]
    fn a_missing_fingerprint_is_a_zero_row() {
        let a = inputs("CCCCCC");
        let samples = [MoleculeSample::new(&a, vec![Some(0.0)])];
        let batch = MoleculeBatch::new(&samples, &[Views::without(2)], &Device::flex());
        let fp = batch.fingerprint.clone().into_data().try_to_vec::<f32>().unwrap();
        assert!(fp.iter().all(|&v| v == 0.0));
        assert!(a.fingerprint.iter().any(|&v| v > 1.0), "counts, not bits");
        assert_eq!(batch.has_fingerprint.into_data().try_to_vec::<f32>().unwrap(), vec![0.0]);
    }
}
