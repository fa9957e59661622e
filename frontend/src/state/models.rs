//! The page's models and their predictions: the shipped `browser` model loads once, in the
//! background; when the matfuse server answers, its full-fusion `server` model loads beside it
//! on the same compute device. Every analysed structure is then predicted by both (a newer
//! analysis discards an older prediction).

use std::future::Future;
use std::rc::Rc;
use std::sync::Arc;

use leptos::{prelude::*, task::spawn_local};
use shared::Structure;

use super::neighbours::NeighbourState;
use crate::analysis::{Analysis, now_ms};
use crate::model::{
    self, DeviceKind, DeviceRequest, FullFusionModel, FullFusionState, FullFusionStatus, LocalModel, ModelStatus,
    PhasesStatus, PredictionState, fetch::BUNDLE_URL,
};
use models::phases::ReferencePhases;
use shared::api::Stability;

/// A model once it is loaded (kept out of the reactive system: it holds device memory).
type Slot<M> = StoredValue<Option<Rc<M>>, LocalStorage>;

#[derive(Clone, Copy)]
pub struct ModelState {
    /// The `browser` model: loading, ready or failed.
    pub status: RwSignal<ModelStatus>,
    /// The loaded `browser` model.
    pub local: Slot<LocalModel>,
    /// Its prediction for the analysed structure.
    pub prediction: RwSignal<PredictionState>,
    /// The server's full-fusion model: none, loading, unavailable or ready.
    pub full_status: RwSignal<FullFusionStatus>,
    full_model: Slot<FullFusionModel>,
    /// Its prediction for the analysed structure.
    pub full_prediction: RwSignal<FullFusionState>,
    /// The reference phases for energy above hull, fetched after the first prediction.
    pub phases_status: RwSignal<PhasesStatus>,
    /// The `browser` prediction's energy above hull and decomposition, once the phases are here.
    pub stability: Signal<Option<Stability>>,
    /// The training materials' neighbour index, fetched after the first prediction.
    pub neighbours: NeighbourState,
}

impl ModelState {
    /// Starts loading the models (the full-fusion one once `server_available`) and predicts
    /// each `analysis` with every model that is ready.
    pub fn start(analysis: RwSignal<Option<Analysis>>, server_available: Signal<bool>) -> ModelState {
        let status = RwSignal::new(ModelStatus::Loading);
        let prediction = RwSignal::new(None);
        let phases_status = RwSignal::new(PhasesStatus::NotRequested);
        let phases: Slot<ReferencePhases> = StoredValue::new_local(None);
        load_phases_after_first_prediction(prediction, phases_status, phases);
        let local = StoredValue::new_local(None);
        let state = ModelState {
            status,
            local,
            prediction,
            full_status: RwSignal::new(FullFusionStatus::NoServer),
            full_model: StoredValue::new_local(None),
            full_prediction: RwSignal::new(None),
            phases_status,
            stability: stability(analysis, status, prediction, phases_status, phases),
            neighbours: NeighbourState::start(analysis, local, prediction),
        };
        load_local(state.status, state.local, device_request());
        let local_ready = Signal::derive(move || matches!(*state.status.read(), ModelStatus::Ready(_)));
        let predict_local = |model: Rc<LocalModel>, structure: Arc<Structure>, description| async move {
            model.predict(&structure, description).await
        };
        predict_each_analysis(
            analysis,
            local_ready,
            state.local,
            state.prediction,
            predict_local,
            record_prediction_shown,
        );
        load_full_fusion(server_available, local_ready, state.local, state.full_status, state.full_model);
        let full_ready = Signal::derive(move || matches!(*state.full_status.read(), FullFusionStatus::Ready(_)));
        let predict_full = |model: Rc<FullFusionModel>, structure: Arc<Structure>, description| async move {
            model.predict(&structure, description).await
        };
        predict_each_analysis(analysis, full_ready, state.full_model, state.full_prediction, predict_full, || {});
        state
    }

    /// Reloads the `browser` model on `kind` (the device switch), remembering the pick; the
    /// analysed structure is predicted again once it is ready.
    pub fn use_device(self, kind: DeviceKind) {
        self.status.set(ModelStatus::Loading);
        self.local.set_value(None);
        load_local(self.status, self.local, DeviceRequest::Picked(kind));
    }

    /// The attention the `browser` model's prediction paid each site of `shown` (site order),
    /// when that prediction is for it.
    pub fn atom_weights(self, shown: Signal<Option<Arc<Structure>>>) -> Signal<Option<Vec<f64>>> {
        Signal::derive(move || {
            let natoms = shown.with(|s| s.as_ref().map_or(0, |s| s.len()));
            self.prediction.get().and_then(Result::ok).map(|p| p.atoms.clone()).filter(|w| w.len() == natoms)
        })
    }
}

/// Loads the `browser` model in the background, on the device `request` leads to.
fn load_local(status: RwSignal<ModelStatus>, slot: Slot<LocalModel>, request: DeviceRequest) {
    spawn_local(async move {
        match model::load(BUNDLE_URL, request).await {
            Ok((model, summary)) => {
                let _ = slot.try_set_value(Some(Rc::new(model)));
                let _ = status.try_set(ModelStatus::Ready(summary));
                mark_model_state("ready");
            }
            Err(message) => {
                let _ = status.try_set(ModelStatus::Failed(message));
                mark_model_state("failed");
            }
        }
    });
}

/// Fetches the reference phases once, when the first prediction has been shown (so they are no
/// part of the first visit).
fn load_phases_after_first_prediction(
    prediction: RwSignal<PredictionState>,
    status: RwSignal<PhasesStatus>,
    slot: Slot<ReferencePhases>,
) {
    Effect::new(move |_| {
        let shown = prediction.with(|p| matches!(p, Some(Ok(_))));
        if !shown || status.get_untracked() != PhasesStatus::NotRequested {
            return;
        }
        status.set(PhasesStatus::Loading);
        spawn_local(async move {
            let next = match model::phases::reference_phases().await {
                Ok(phases) => {
                    let _ = slot.try_set_value(Some(Rc::new(phases)));
                    PhasesStatus::Ready
                }
                Err(message) => PhasesStatus::Failed(message),
            };
            let _ = status.try_set(next);
        });
    });
}

/// The stability of the analysed structure given the `browser` model's prediction of it (a
/// prediction is only ever that of the current analysis: a new analysis clears it).
fn stability(
    analysis: RwSignal<Option<Analysis>>,
    model: RwSignal<ModelStatus>,
    prediction: RwSignal<PredictionState>,
    status: RwSignal<PhasesStatus>,
    slot: Slot<ReferencePhases>,
) -> Signal<Option<Stability>> {
    Signal::derive(move || {
        if status.get() != PhasesStatus::Ready {
            return None;
        }
        let ModelStatus::Ready(summary) = model.get() else { return None };
        let phases = slot.get_value()?;
        let prediction = prediction.get()?.ok()?;
        let structure = analysis.with(|a| a.as_ref()?.structure.clone())?;
        phases.structure_stability(&summary.id, &structure, &prediction.predictions)
    })
}

/// Once the server answers and the local model is ready, loads the server's full-fusion model
/// on the local model's compute device (WebGPU or the CPU).
fn load_full_fusion(
    server_available: Signal<bool>,
    local_ready: Signal<bool>,
    local: Slot<LocalModel>,
    status: RwSignal<FullFusionStatus>,
    slot: Slot<FullFusionModel>,
) {
    Effect::new(move |_| {
        if !server_available.get() || !local_ready.get() || status.get_untracked() != FullFusionStatus::NoServer {
            return;
        }
        let Some(local) = local.get_value() else { return };
        status.set(FullFusionStatus::Loading);
        spawn_local(async move {
            let loaded = FullFusionModel::load(&local.compute).await;
            let next = match loaded {
                Ok((model, summary)) => {
                    let _ = slot.try_set_value(Some(Rc::new(model)));
                    FullFusionStatus::Ready(summary)
                }
                Err(unavailable) => unavailable,
            };
            let _ = status.try_set(next);
        });
    });
}

/// Predicts the analysed structure with the model in `slot` whenever the analysis changes or
/// the model becomes `ready`; only the latest request's result is kept (and then `shown` runs).
fn predict_each_analysis<M, T, F>(
    analysis: RwSignal<Option<Analysis>>,
    ready: Signal<bool>,
    slot: Slot<M>,
    out: RwSignal<Option<T>>,
    predict: impl Fn(Rc<M>, Arc<Structure>, String) -> F + Copy + 'static,
    shown: fn(),
) where
    M: 'static,
    T: Send + Sync + 'static,
    F: Future<Output = T> + 'static,
{
    let latest = StoredValue::new(0u64);
    Effect::new(move |_| {
        let target = analysis.with(|a| {
            let a = a.as_ref()?;
            Some((a.structure.clone()?, a.outcome.as_ref().ok()?.description.clone()?))
        });
        latest.update_value(|n| *n += 1);
        let request = latest.get_value();
        out.set(None);
        let (true, Some((structure, description)), Some(model)) = (ready.get(), target, slot.get_value()) else {
            return;
        };
        spawn_local(async move {
            let result = predict(model, structure, description).await;
            if latest.try_get_value() == Some(request) {
                let _ = out.try_set(Some(result));
                shown();
            }
        });
    });
}

/// `<html data-model="ready|failed">`: what tests and benchmarks wait for.
fn mark_model_state(state: &str) {
    if let Some(root) = document().document_element() {
        let _ = root.set_attribute("data-model", state);
    }
}

/// What the page's URL asks for (`?device=cpu`, `?device=webgpu`), else the page's own choice.
fn device_request() -> DeviceRequest {
    DeviceRequest::from_query(&window().location().search().unwrap_or_default())
}

/// Counts shown predictions on `<html data-predictions>` and records when the first appeared on
/// `<html data-first-prediction-ms>` (ms since the page started loading): what the end-to-end
/// tests and the cold-load benchmark wait for.
fn record_prediction_shown() {
    let Some(root) = document().document_element() else { return };
    let shown: u64 = root.get_attribute("data-predictions").and_then(|n| n.parse().ok()).unwrap_or(0);
    let _ = root.set_attribute("data-predictions", &(shown + 1).to_string());
    if shown == 0 {
        let _ = root.set_attribute("data-first-prediction-ms", &format!("{:.1}", now_ms()));
    }
}
