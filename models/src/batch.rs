//! Many structures (graph + token ids + labels) as one set of tensors, so a mini-batch is a
//! single tensor program with no per-structure loop.

use burn::prelude::*;
use half::f16;
use shared::graph::CrystalGraph;

/// One structure's inputs. `targets` are already standardised, one per task of the model (in
/// its manifest's order); `None` = no label.
#[derive(Clone, Debug)]
pub struct Sample<'a> {
    pub graph: &'a CrystalGraph,
    pub tokens: &'a [u32],
    /// Frozen large-encoder states of `tokens`, row-major `[tokens.len(), hidden]` (networks
    /// with a frozen text encoder); `None` for the light encoder, which reads the ids.
    pub states: Option<&'a [f16]>,
    pub targets: Vec<Option<f32>>,
}

/// Which modalities a structure contributes (modality dropout and missing-modality evaluation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Modalities {
    pub graph: bool,
    pub text: bool,
}

impl Modalities {
    pub const BOTH: Modalities = Modalities { graph: true, text: true };
    pub const GRAPH_ONLY: Modalities = Modalities { graph: true, text: false };
    pub const TEXT_ONLY: Modalities = Modalities { graph: false, text: true };
}

#[derive(Clone, Debug)]
pub struct Batch {
    pub size: usize,
    pub max_atoms: usize,
    pub max_tokens: usize,
    /// Atomic number per node, `[nodes]`.
    pub node_z: Tensor<1, Int>,
    /// Structure index per node, `[nodes]`.
    pub node_graph: Tensor<1, Int>,
    /// `1 / atoms` per structure, `[batch, 1]`.
    pub inv_atom_counts: Tensor<2>,
    /// Centre atom of each edge (global node index), `[edges]`.
    pub edge_src: Tensor<1, Int>,
    /// Neighbour atom of each edge, `[edges]`.
    pub edge_dst: Tensor<1, Int>,
    /// Edge length in Å, `[edges, 1]`.
    pub edge_distance: Tensor<2>,
    /// For each padded atom slot, its node index (`nodes` = the zero padding row), `[batch * max_atoms]`.
    pub padded_index: Tensor<1, Int>,
    /// True where an atom slot is padding, `[batch, max_atoms]`.
    pub atom_pad: Tensor<2, Bool>,
    /// Token ids, `[batch, max_tokens]` (0 = padding).
    pub tokens: Tensor<2, Int>,
    /// Frozen encoder states, `[batch, max_tokens, hidden]` (zeros at padding), when the
    /// samples carry them.
    pub token_states: Option<Tensor<3>>,
    /// True where a token slot is padding, `[batch, max_tokens]`.
    pub token_pad: Tensor<2, Bool>,
    /// `1 / tokens` per structure (0 where there is no text), `[batch, 1]`.
    pub inv_token_counts: Tensor<2>,
    /// 1 where the structure's graph / text is present, `[batch, 1]` each.
    pub has_graph: Tensor<2>,
    pub has_text: Tensor<2>,
    /// Standardised targets (0 where missing), `[batch, tasks]`.
    pub targets: Tensor<2>,
    /// 1 where a label exists, `[batch, tasks]`.
    pub label_mask: Tensor<2>,
}

impl Batch {
    /// Builds the tensors for `samples`; `modalities[i]` says what sample `i` contributes
    /// (a missing text is given as an empty token list to the network). Every sample has one
    /// target per task.
    pub fn new(samples: &[Sample<'_>], modalities: &[Modalities], device: &Device) -> Batch {
        assert_eq!(samples.len(), modalities.len());
        assert!(!samples.is_empty(), "a batch needs at least one structure");
        let size = samples.len();
        let tasks = samples[0].targets.len();
        assert!(samples.iter().all(|s| s.targets.len() == tasks), "every sample needs one target per task");
        let max_atoms = samples.iter().map(|s| s.graph.num_nodes()).max().unwrap_or(1).max(1);
        let max_tokens = samples
            .iter()
            .zip(modalities)
            .map(|(s, m)| if m.text { s.tokens.len() } else { 0 })
            .max()
            .unwrap_or(0)
            .max(1);
        let total_nodes: usize = samples.iter().map(|s| s.graph.num_nodes()).sum();
        let total_edges: usize = samples.iter().map(|s| s.graph.num_edges()).sum();

        let mut node_z = Vec::with_capacity(total_nodes);
        let mut node_graph = Vec::with_capacity(total_nodes);
        let mut inv_atoms = Vec::with_capacity(size);
        let mut edge_src = Vec::with_capacity(total_edges);
        let mut edge_dst = Vec::with_capacity(total_edges);
        let mut edge_distance = Vec::with_capacity(total_edges);
        let mut padded_index = vec![total_nodes as i64; size * max_atoms];
        let mut atom_pad = vec![true; size * max_atoms];
        let mut tokens = vec![0i64; size * max_tokens];
        let mut token_pad = vec![true; size * max_tokens];
        let mut inv_tokens = Vec::with_capacity(size);
        let mut has_graph = Vec::with_capacity(size);
        let mut has_text = Vec::with_capacity(size);
        let mut targets = Vec::with_capacity(size * tasks);
        let mut label_mask = Vec::with_capacity(size * tasks);
        let hidden = samples
            .iter()
            .filter(|s| !s.tokens.is_empty())
            .find_map(|s| s.states.map(|st| st.len() / s.tokens.len()))
            .unwrap_or(0);
        let mut states = if hidden > 0 { vec![0.0f32; size * max_tokens * hidden] } else { vec![] };

        for (b, (sample, modality)) in samples.iter().zip(modalities).enumerate() {
            let offset = node_z.len() as i64;
            let graph = sample.graph;
            for (a, &z) in graph.atomic_numbers.iter().enumerate() {
                node_z.push(i64::from(z));
                node_graph.push(b as i64);
                padded_index[b * max_atoms + a] = offset + a as i64;
                atom_pad[b * max_atoms + a] = false;
            }
            inv_atoms.push(1.0 / graph.num_nodes().max(1) as f32);
            edge_src.extend(graph.edge_src.iter().map(|&i| offset + i64::from(i)));
            edge_dst.extend(graph.edge_dst.iter().map(|&j| offset + i64::from(j)));
            edge_distance.extend_from_slice(&graph.edge_distance);

            let text: &[u32] = if modality.text { sample.tokens } else { &[] };
            for (t, &id) in text.iter().enumerate() {
                tokens[b * max_tokens + t] = i64::from(id);
                token_pad[b * max_tokens + t] = false;
            }
            if let (true, Some(rows)) = (hidden > 0 && modality.text, sample.states) {
                assert_eq!(rows.len(), text.len() * hidden, "token states must be [tokens, hidden]");
                let out = &mut states[b * max_tokens * hidden..][..rows.len()];
                out.iter_mut().zip(rows).for_each(|(o, v)| *o = v.to_f32());
            }
            inv_tokens.push(if text.is_empty() { 0.0 } else { 1.0 / text.len() as f32 });
            has_graph.push(if modality.graph { 1.0f32 } else { 0.0 });
            has_text.push(if modality.text && !text.is_empty() { 1.0f32 } else { 0.0 });
            for &target in &sample.targets {
                targets.push(target.unwrap_or(0.0));
                label_mask.push(if target.is_some() { 1.0f32 } else { 0.0 });
            }
        }

        let ints = |v: Vec<i64>| Tensor::<1, Int>::from_data(TensorData::new(v.clone(), [v.len()]), device);
        let column = |v: Vec<f32>| Tensor::<2>::from_data(TensorData::new(v, [size, 1]), device);
        let edges = edge_distance.len();
        Batch {
            size,
            max_atoms,
            max_tokens,
            node_z: ints(node_z),
            node_graph: ints(node_graph),
            inv_atom_counts: column(inv_atoms),
            edge_src: ints(edge_src),
            edge_dst: ints(edge_dst),
            edge_distance: Tensor::from_data(TensorData::new(edge_distance, [edges, 1]), device),
            padded_index: ints(padded_index),
            atom_pad: Tensor::from_data(TensorData::new(atom_pad, [size, max_atoms]), device),
            tokens: Tensor::from_data(TensorData::new(tokens, [size, max_tokens]), device),
            token_states: (hidden > 0)
                .then(|| Tensor::from_data(TensorData::new(states, [size, max_tokens, hidden]), device)),
            token_pad: Tensor::from_data(TensorData::new(token_pad, [size, max_tokens]), device),
            inv_token_counts: column(inv_tokens),
            has_graph: column(has_graph),
            has_text: column(has_text),
            targets: Tensor::from_data(TensorData::new(targets, [size, tasks]), device),
            label_mask: Tensor::from_data(TensorData::new(label_mask, [size, tasks]), device),
        }
    }
}
