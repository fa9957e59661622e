//! The molecule bundles and their predictions: loaded the first time molecule mode is shown,
//! then every molecule read is predicted at once (milliseconds on the CPU) and explained right
//! after the predictions are painted.

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
    // Counts the molecules predicted, so that an explanation of one no longer shown is dropped.
    let generation = StoredValue::new(0u64);
    Effect::new(move |_| {
        let ready = matches!(*state.models_status.read(), MoleculeModelsStatus::Ready(_));
        let molecule = state.molecule();
        generation.update_value(|g| *g += 1);
        let (Some(molecule), Some(models), true) = (molecule, slot.get_value(), ready) else {
            state.answer.set(None);
            return;
        };
        let answer = models.predict(&molecule.molecule);
        let predict_ms = answer.predict_ms;
        state.answer.set(Some(Ok(Arc::new(answer))));
        // The explanation's larger batches run after the browser has painted the predictions:
        // a timeout set from an animation frame fires after that frame.
        let current = generation.get_value();
        request_animation_frame(move || {
            set_timeout(
                move || {
                    if generation.try_get_value() != Some(current) {
                        return;
                    }
                    let explained = models.explain(&molecule.molecule, predict_ms);
                    let _ = state.answer.try_set(Some(Ok(Arc::new(explained))));
                },
                std::time::Duration::ZERO,
            );
        });
    });
}
