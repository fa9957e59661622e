//! The molecule on the page: whether molecule mode is shown, the SMILES field's text, the
//! gallery molecule it came from, the molecule read from it (or the positioned error), what
//! the drawing highlights, and the molecule bundles' prediction ([`super::molecule_models`]).

use std::sync::Arc;

use leptos::prelude::*;
use shared::molecule::{Molecule, SmilesError};

use super::StructureState;
use super::molecule_models::{MoleculeAnswerState, MoleculeModelsStatus, predict_molecules};
use crate::molecule::detect::smiles_in;
use crate::molecule::drawing::DrawnMolecule;
use crate::molecule::view::{MoleculeLinkView, Selection};

/// The molecule read from the SMILES field: `None` while it is empty.
pub type MoleculeRead = Option<Result<Arc<DrawnMolecule>, SmilesError>>;

#[derive(Clone, Copy)]
pub struct MoleculeState {
    /// Molecule mode is shown (else the crystal page).
    pub active: RwSignal<bool>,
    /// The SMILES field's text.
    pub smiles: RwSignal<String>,
    /// The gallery molecule in the field while its text is unedited (its name).
    pub example: RwSignal<Option<&'static str>>,
    /// The molecule read from the field (re-read on every edit: reading takes microseconds).
    pub read: Memo<MoleculeRead>,
    /// What the drawing highlights.
    pub selection: RwSignal<Selection>,
    /// The molecule bundles, loaded the first time molecule mode is shown.
    pub models_status: RwSignal<MoleculeModelsStatus>,
    /// Their prediction of the molecule read.
    pub answer: RwSignal<MoleculeAnswerState>,
}

impl MoleculeState {
    /// Crystal mode, an empty field; the bundles load when molecule mode is first shown.
    pub fn new() -> MoleculeState {
        let smiles = RwSignal::new(String::new());
        let read = Memo::new(move |_| {
            smiles.with(|text| {
                let text = text.trim();
                (!text.is_empty()).then(|| Molecule::from_smiles(text).map(|m| Arc::new(DrawnMolecule::new(m))))
            })
        });
        let state = MoleculeState {
            active: RwSignal::new(false),
            smiles,
            example: RwSignal::new(None),
            read,
            selection: RwSignal::new(Selection::None),
            models_status: RwSignal::new(MoleculeModelsStatus::NotRequested),
            answer: RwSignal::new(None),
        };
        predict_molecules(state);
        state
    }

    /// The molecule read, when the field reads (tracked).
    pub fn molecule(self) -> Option<Arc<DrawnMolecule>> {
        self.read.get().and_then(Result::ok)
    }

    /// Shows molecule mode with `smiles` (pasted into the crystal editor, or from a link).
    pub fn open(self, smiles: String) {
        self.example.set(None);
        self.show(smiles, MoleculeLinkView::default());
    }

    /// Shows a gallery molecule.
    pub fn pick_example(self, name: &'static str, smiles: &'static str) {
        self.show(smiles.to_string(), MoleculeLinkView::default());
        self.example.set(Some(name));
    }

    /// Shows a shared molecule view.
    pub fn open_shared(self, smiles: String, view: MoleculeLinkView) {
        self.example.set(None);
        self.show(smiles, view);
    }

    /// The user's edit of the SMILES field.
    pub fn edit(self, text: String) {
        self.example.set(None);
        self.selection.set(Selection::None);
        self.smiles.set(text);
    }

    /// Opens molecule mode whenever the crystal editor's text is no structure but one line that
    /// reads as SMILES (checked after each analysis of the editor).
    pub fn take_pasted_smiles(self, structure: StructureState) {
        Effect::new(move |_| {
            let failed = structure.analysis.with(|a| a.as_ref().is_some_and(|a| a.outcome.is_err()));
            if let Some(smiles) =
                failed.then(|| structure.source.with_untracked(|t| smiles_in(t).map(str::to_string))).flatten()
            {
                self.open(smiles);
            }
        });
    }

    /// Switches between molecule mode and the crystal page.
    pub fn set_active(self, active: bool) {
        self.active.set(active);
    }

    fn show(self, smiles: String, view: MoleculeLinkView) {
        self.smiles.set(smiles);
        self.selection.set(view.selection);
        self.active.set(true);
    }
}

impl Default for MoleculeState {
    fn default() -> MoleculeState {
        MoleculeState::new()
    }
}
