//! The single-view baselines: `graph` (D-MPNN, as chemprop), `smiles` (the SMILES transformer)
//! and `fingerprint` (the fingerprint MLP), each with its head.

use super::head::MoleculeHead;
use super::views::{FingerprintView, GraphView, SmilesView};
use super::{MoleculeNetConfig, MoleculeOutput};
use crate::molecule_batch::MoleculeBatch;
use burn::prelude::*;

/// The one view a [`SingleViewNet`] reads.
#[derive(Module, Debug)]
pub enum SingleView {
    Graph(GraphView),
    Smiles(SmilesView),
    Fingerprint(FingerprintView),
}

#[derive(Module, Debug)]
pub struct SingleViewNet {
    pub(super) view: SingleView,
    pub(super) head: MoleculeHead,
}

impl SingleViewNet {
    pub fn new(view: SingleView, config: &MoleculeNetConfig, device: &Device) -> Self {
        SingleViewNet { view, head: super::head_of(config, config.fused, device) }
    }

    pub fn forward(&self, batch: &MoleculeBatch) -> MoleculeOutput {
        let embedding = match &self.view {
            SingleView::Graph(view) => view.pooled(batch),
            SingleView::Smiles(view) => view.pooled(batch),
            SingleView::Fingerprint(view) => view.embed(batch),
        };
        MoleculeOutput::plain(embedding, &self.head, batch)
    }
}
