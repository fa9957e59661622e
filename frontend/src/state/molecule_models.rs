//! The molecule bundles and their predictions: loaded the first time molecule mode is shown,
//! then every molecule read is predicted at once (a few milliseconds on the CPU).

use std::rc::Rc;
use std::sync::Arc;

use leptos::{prelude::*, task::spawn_local};

use super::MoleculeState;
use crate::model::molecules::{MoleculeAnswer, MoleculeModels, MoleculeModelsSummary};

/// Where the molecule bundles stand.
#[derive(Clone, Debug, PartialEq)]
pub enum MoleculeModelsStatus {
    /// Molecule mode not used yet.
    NotRequested,
    Loading,
    Ready(MoleculeModelsSummary),
    Failed(String),
}

/// The prediction of the molecule read: `None` while there is none.
pub type MoleculeAnswerState = Option<Result<Arc<MoleculeAnswer>, String>>;

/// Loads the bundles when molecule mode is first shown and predicts each molecule read.
pub fn predict_molecules(state: MoleculeState) {
    let slot: StoredValue<Option<Rc<MoleculeModels>>, LocalStorage> = StoredValue::new_local(None);
    Effect::new(move |_| {
        if !state.active.get() || state.models_status.get_untracked() != MoleculeModelsStatus::NotRequested {
            return;
        }
        state.models_status.set(MoleculeModelsStatus::Loading);
        spawn_local(async move {
            match MoleculeModels::load().await {
                Ok((models, summary)) => {
                    let _ = slot.try_set_value(Some(Rc::new(models)));
                    let _ = state.models_status.try_set(MoleculeModelsStatus::Ready(summary));
                }
                Err(message) => {
                    let _ = state.models_status.try_set(MoleculeModelsStatus::Failed(message));
                }
            }
        });
    });
    Effect::new(move |_| {
        let ready = matches!(*state.models_status.read(), MoleculeModelsStatus::Ready(_));
        let molecule = state.molecule();
        let answer = match (ready, molecule, slot.get_value()) {
            (true, Some(molecule), Some(models)) => Some(Ok(Arc::new(models.predict(&molecule.molecule)))),
            _ => None,
        };
        state.answer.set(answer);
    });
}
