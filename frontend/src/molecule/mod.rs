//! Molecule mode: a SMILES read in the page with `shared::molecule`, drawn, predicted by the
//! shipped molecule bundles and shared as a link. Plain logic here (tested natively); the
//! signals are `state::MoleculeState`'s and the views `components::molecule*`.
//!
//! - [`detect`]: whether the crystal editor's text is a SMILES;
//! - [`drawing`]: the 2-D drawing with highlighted atoms, and its words for a screen reader;
//! - [`answer`]: which atoms and fingerprint bits drove a task (from the bundles' answers);
//! - [`view`]: what a molecule share link carries besides the SMILES (the selection).

pub mod answer;
pub mod detect;
pub mod drawing;
pub mod view;
