//! The page: its state and layout.
//!
//! State is the source text in the textarea, the gallery example it came from (if unedited), the
//! last [`Analysis`], the model's status and the prediction for the analysed structure. Typing
//! re-analyses after a short pause; picking an example, opening a deep link, the Analyse button
//! and Ctrl+Enter analyse at once. The model loads once, in the background; every analysed
//! structure is then predicted (a newer analysis discards an older prediction).

use std::future::Future;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use leptos::{ev, prelude::*, task::spawn_local};
use shared::api::{ShareState, SharedState};
use shared::{Element, Structure, gallery::Example};

use crate::{
    analysis::{Analysis, analyse, now_ms},
    backend,
    components::{BatchPanel, Gallery, Results, SharePanel, StructureInput, StructureViewer, WhatIf},
    model::{
        self, FullFusionModel, FullFusionState, FullFusionStatus, LocalModel, ModelStatus, PredictionState,
        fetch::BUNDLE_URL,
    },
    route::{Route, find_example, replace_fragment},
    share::{self, View},
};

/// Pause after the last keystroke before the text is analysed.
const DEBOUNCE: Duration = Duration::from_millis(350);

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    let source = RwSignal::new(String::new());
    let example = RwSignal::new(None::<&'static Example>);
    let analysis = RwSignal::new(None::<Analysis>);
    let pending = RwSignal::new(None::<TimeoutHandle>);
    let model_status = RwSignal::new(ModelStatus::Loading);
    let local_model = StoredValue::new_local(None::<Rc<LocalModel>>);
    let prediction = RwSignal::new(None as PredictionState);
    let view = RwSignal::new(View::default());
    // What-if edits start from `original` (the last structure typed, pasted, picked or opened).
    let original = RwSignal::new(None::<Arc<Structure>>);
    let substitution = RwSignal::new(None::<(Element, Element)>);
    let strain = RwSignal::new(0.0_f64);
    // The model and weights a shared link was made with, and a problem opening it.
    let pinned = RwSignal::new(None::<(String, String)>);
    let link_problem = RwSignal::new(None::<String>);
    let backend_available = RwSignal::new(false);
    // The backend's full-fusion model, run beside the local one when the backend serves it.
    let full_status = RwSignal::new(FullFusionStatus::NoBackend);
    let full_model = StoredValue::new_local(None::<Rc<FullFusionModel>>);
    let full_prediction = RwSignal::new(None as FullFusionState);
    load_model(model_status, local_model);
    let local_ready = Signal::derive(move || matches!(*model_status.read(), ModelStatus::Ready(_)));
    let predict_local = |model: Rc<LocalModel>, structure: Arc<Structure>, description| async move {
        model.predict(&structure, description).await
    };
    predict_each_analysis(analysis, local_ready, local_model, prediction, predict_local, record_prediction_shown);
    load_full_fusion(backend_available, local_ready, local_model, full_status, full_model);
    let full_ready = Signal::derive(move || matches!(*full_status.read(), FullFusionStatus::Ready(_)));
    let predict_full = |model: Rc<FullFusionModel>, structure: Arc<Structure>, description| async move {
        model.predict(&structure, description).await
    };
    predict_each_analysis(analysis, full_ready, full_model, full_prediction, predict_full, || {});
    spawn_local(async move {
        let _ = backend_available.try_set(backend::available().await);
    });
    // Until a what-if edit is made, the analysed structure is the original.
    Effect::new(move |_| {
        let edited = substitution.with(Option::is_some) || strain.get() != 0.0;
        if !edited {
            original.set(analysis.with(|a| a.as_ref().and_then(|a| a.structure.clone())));
        }
    });
    let forget_edits = move || {
        substitution.set(None);
        strain.set(0.0);
    };

    let cancel_pending = move || {
        if let Some(handle) = pending.get_untracked() {
            handle.clear();
            pending.set(None);
        }
    };
    let analyse_now = move || {
        cancel_pending();
        let text = source.get_untracked();
        analysis.set((!text.trim().is_empty()).then(|| analyse(&text)));
    };
    let analyse_soon = move || {
        cancel_pending();
        pending.set(set_timeout_with_handle(analyse_now, DEBOUNCE).ok());
    };

    let open_example = move |ex: &'static Example| {
        forget_edits();
        example.set(Some(ex));
        source.set(ex.cif.to_string());
        analyse_now();
    };
    let open_state = move |state: ShareState| {
        forget_edits();
        example.set(None);
        view.set(share::view_of(&state));
        pinned.set(Some((state.model.clone(), state.weights_sha256.clone())));
        source.set(state.structure);
        analyse_now();
    };
    let open_route = move |route: Route| {
        link_problem.set(None);
        match route {
            Route::Example(key) => match find_example(&key) {
                Some(ex) => open_example(ex),
                None => link_problem
                    .set(Some(format!("The link names a gallery example {key:?} that this page does not have."))),
            },
            Route::Structure(text) => {
                forget_edits();
                example.set(None);
                source.set(text);
                analyse_now();
            }
            Route::State(encoded) => match share::decode(&encoded) {
                Ok(state) => open_state(state),
                Err(e) => link_problem.set(Some(format!("This share link cannot be opened: {e}."))),
            },
            Route::Share(id) => spawn_local(async move {
                match backend::get_json::<SharedState>(&format!("api/v1/share/{}", crate::route::percent_encode(&id)))
                    .await
                {
                    Ok(shared) => {
                        if let Some(notice) = shared.notice {
                            link_problem.set(Some(notice));
                        }
                        open_state(shared.state);
                    }
                    Err(e) => link_problem.set(Some(format!("The shared view {id:?} could not be fetched ({e})."))),
                }
            }),
        }
    };

    if let Some(route) = location_hash().and_then(|hash| Route::from_fragment(&hash)) {
        open_route(route);
    }
    let listener = window_event_listener(ev::hashchange, move |_| {
        if let Some(route) = location_hash().and_then(|hash| Route::from_fragment(&hash)) {
            open_route(route);
        }
    });
    on_cleanup(move || listener.remove());

    let on_pick = Callback::new(move |ex: &'static Example| {
        open_example(ex);
        replace_fragment(Some(&Route::Example(ex.id.to_string())));
    });
    let on_edit = Callback::new(move |text: String| {
        forget_edits();
        source.set(text);
        if example.get_untracked().is_some() {
            example.set(None);
            replace_fragment(None);
        }
        analyse_soon();
    });
    let on_submit = Callback::new(move |()| analyse_now());
    // A what-if edit rewrites the editor's text; the original stays the edits' starting point.
    let on_whatif = Callback::new(move |cif: String| {
        source.set(cif);
        if example.get_untracked().is_some() {
            example.set(None);
            replace_fragment(None);
        }
        analyse_soon();
    });
    let on_whatif_reset = Callback::new(move |()| {
        let Some(structure) = original.get_untracked() else { return };
        forget_edits();
        source.set(shared::io::write_cif(&structure));
        analyse_now();
    });
    let pin_notice = move || {
        let (model, sha) = pinned.get()?;
        let ModelStatus::Ready(summary) = model_status.get() else { return None };
        (summary.id != model || summary.weights_sha256 != sha).then(|| {
            format!(
                "This link was made with model {model} (weights {}…); this page runs {} (weights {}…), so its numbers may differ from the shared ones.",
                &sha[..sha.len().min(12)],
                summary.id,
                &summary.weights_sha256[..summary.weights_sha256.len().min(12)]
            )
        })
    };
    let has_structure = move || original.with(Option::is_some);
    // The viewer shows the analysed structure (the last readable one while the text is broken).
    let shown_structure = Signal::derive(move || {
        analysis.with(|a| a.as_ref().and_then(|a| a.structure.clone())).or_else(|| original.get())
    });
    let shown_formula = Signal::derive(move || {
        analysis
            .with(|a| a.as_ref().and_then(|a| a.outcome.as_ref().ok()).map(|r| r.formula.clone()))
            .unwrap_or_default()
    });
    // The attention of the prediction for the shown structure (site order).
    let atom_weights = Signal::derive(move || {
        let natoms = shown_structure.with(|s| s.as_ref().map_or(0, |s| s.len()));
        prediction.get().and_then(Result::ok).map(|p| p.atoms.clone()).filter(|w| w.len() == natoms)
    });
    let waiting = Signal::derive(move || pending.with(Option::is_some));

    view! {
        <header class="site-header">
            <div class="wrap">
                <h1 class="brand">"matfuse"</h1>
                <p class="tagline">"Read a crystal structure and see what it is."</p>
            </div>
        </header>
        <div class="wrap layout">
            <section class="panel input-panel" aria-labelledby="input-heading">
                <h2 id="input-heading">"Structure"</h2>
                <Gallery selected=example on_pick=on_pick />
                <StructureInput
                    source=source
                    analysis=analysis
                    waiting=waiting
                    on_edit=on_edit
                    on_submit=on_submit
                />
                <Show when=has_structure>
                    <StructureViewer structure=shown_structure formula=shown_formula atom_weights=atom_weights view=view />
                </Show>
            </section>
            <section class="panel results-panel" aria-labelledby="results-heading">
                <h2 id="results-heading">"Analysis"</h2>
                {move || link_problem.get().map(|p| view! { <p class="status bad notice" id="link-problem" role="alert">{p}</p> })}
                {move || pin_notice().map(|p| view! { <p class="status warning notice" id="pin-notice" role="status">{p}</p> })}
                <Results
                    analysis=analysis
                    example=example
                    model=model_status
                    prediction=prediction
                    full_status=full_status
                    full_prediction=full_prediction
                />
                <Show when=has_structure>
                    <WhatIf original=original substitution=substitution strain=strain on_edit=on_whatif on_reset=on_whatif_reset />
                    <SharePanel source=source model=model_status view=view backend_available=backend_available />
                </Show>
            </section>
        </div>
        <div class="wrap">
            <BatchPanel model=local_model backend_available=backend_available />
        </div>
        <footer class="site-footer wrap">
            <p>"Reads CIF, POSCAR/CONTCAR and extended XYZ. The model runs in this page; a structure leaves your computer only if you make a short share link."</p>
        </footer>
    }
}

/// Loads the `browser` model in the background (WebGPU unless the URL says `?device=cpu`).
fn load_model(status: RwSignal<ModelStatus>, slot: StoredValue<Option<Rc<LocalModel>>, LocalStorage>) {
    spawn_local(async move {
        match model::load(BUNDLE_URL, cpu_only()).await {
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

/// Once the backend answers and the local model is ready, loads the backend's full-fusion
/// model on the local model's device (WebGPU or the CPU).
fn load_full_fusion(
    backend_available: RwSignal<bool>,
    local_ready: Signal<bool>,
    local: StoredValue<Option<Rc<LocalModel>>, LocalStorage>,
    status: RwSignal<FullFusionStatus>,
    slot: StoredValue<Option<Rc<FullFusionModel>>, LocalStorage>,
) {
    Effect::new(move |_| {
        if !backend_available.get() || !local_ready.get() || status.get_untracked() != FullFusionStatus::NoBackend {
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
    slot: StoredValue<Option<Rc<M>>, LocalStorage>,
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

/// `?device=cpu` in the page's URL.
fn cpu_only() -> bool {
    window().location().search().is_ok_and(|q| q.trim_start_matches('?').split('&').any(|kv| kv == "device=cpu"))
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
