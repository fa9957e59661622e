//! The crystal graph (SCIENCE.md §2): atoms as nodes, each atom's 12 nearest neighbours within
//! 8 Å (over periodic images) as directed edges.
//!
//! Stored compactly (atomic numbers and edge distances); the dense node and edge features are
//! expanded on demand, so the featurise cache stays small and features can change without
//! re-running the neighbour search.

use crate::Element;
use crate::features::{CUTOFF, EDGE_FEATURES, MAX_NEIGHBORS, NODE_FEATURES, gaussian_expansion, node_features};
use crate::neighbors::nearest_neighbors;
use crate::structure::Structure;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CrystalGraph {
    /// Atomic number of each node.
    pub atomic_numbers: Vec<u8>,
    /// Centre atom of each edge (the atom being updated).
    pub edge_src: Vec<u32>,
    /// Neighbour atom of each edge.
    pub edge_dst: Vec<u32>,
    /// Edge length, Å.
    pub edge_distance: Vec<f32>,
}

impl CrystalGraph {
    /// Number of distinct elements among the nodes.
    pub fn element_count(&self) -> usize {
        let mut seen = [false; 256];
        self.atomic_numbers.iter().filter(|&&z| !std::mem::replace(&mut seen[usize::from(z)], true)).count()
    }

    /// Builds the graph with the standard cutoff (8 Å) and 12 neighbours.
    pub fn from_structure(structure: &Structure) -> CrystalGraph {
        Self::with_params(structure, CUTOFF, MAX_NEIGHBORS)
    }

    pub fn with_params(structure: &Structure, cutoff: f64, max_neighbors: usize) -> CrystalGraph {
        let lists = nearest_neighbors(structure, cutoff, max_neighbors);
        let nedges = lists.iter().map(Vec::len).sum();
        let mut graph = CrystalGraph {
            atomic_numbers: structure.species().map(|e| e.z()).collect(),
            edge_src: Vec::with_capacity(nedges),
            edge_dst: Vec::with_capacity(nedges),
            edge_distance: Vec::with_capacity(nedges),
        };
        for (i, list) in lists.iter().enumerate() {
            for n in list {
                graph.edge_src.push(i as u32);
                graph.edge_dst.push(n.j as u32);
                graph.edge_distance.push(n.distance as f32);
            }
        }
        graph
    }

    pub fn num_nodes(&self) -> usize {
        self.atomic_numbers.len()
    }

    pub fn num_edges(&self) -> usize {
        self.edge_src.len()
    }

    /// Row-major `num_nodes × NODE_FEATURES` matrix of CGCNN atom features.
    pub fn node_feature_matrix(&self) -> Vec<f32> {
        let mut out = Vec::with_capacity(self.num_nodes() * NODE_FEATURES);
        for &z in &self.atomic_numbers {
            let e = Element::from_z(z).expect("graph nodes hold valid atomic numbers");
            out.extend_from_slice(&node_features(e));
        }
        out
    }

    /// Row-major `num_edges × EDGE_FEATURES` matrix of Gaussian-expanded distances.
    pub fn edge_feature_matrix(&self) -> Vec<f32> {
        let mut out = vec![0.0; self.num_edges() * EDGE_FEATURES];
        for (row, &d) in out.chunks_exact_mut(EDGE_FEATURES).zip(&self.edge_distance) {
            gaussian_expansion(d as f64, row);
        }
        out
    }
}
