//! The page: its state and layout.
//!
//! State is the source text in the textarea, the gallery example it came from (if unedited), the
//! last [`Analysis`], the model's status and the prediction for the analysed structure. Typing
//! re-analyses after a short pause; picking an example, opening a deep link, the Analyse button
//! and Ctrl+Enter analyse at once. The model loads once, in the background; every analysed
//! structure is then predicted (a newer analysis discards an older prediction).

use std::rc::Rc;
use std::time::Duration;

use leptos::{ev, prelude::*, task::spawn_local};
use shared::gallery::Example;

use crate::{
    analysis::{Analysis, analyse, now_ms},
    components::{Gallery, Results, StructureInput},
    model::{self, LocalModel, ModelStatus, PredictionState, fetch::BUNDLE_URL},
    route::{Route, find_example, replace_fragment},
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
    load_model(model_status, local_model);
    predict_each_analysis(analysis, model_status, local_model, prediction);

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
        example.set(Some(ex));
        source.set(ex.cif.to_string());
        analyse_now();
    };
    let open_route = move |route: Route| match route {
        Route::Example(key) => match find_example(&key) {
            Some(ex) => open_example(ex),
            None => leptos::logging::warn!("no gallery example {key:?}"),
        },
        Route::Structure(text) => {
            example.set(None);
            source.set(text);
            analyse_now();
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
        source.set(text);
        if example.get_untracked().is_some() {
            example.set(None);
            replace_fragment(None);
        }
        analyse_soon();
    });
    let on_submit = Callback::new(move |()| analyse_now());
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
            </section>
            <section class="panel results-panel" aria-labelledby="results-heading">
                <h2 id="results-heading">"Analysis"</h2>
                <Results analysis=analysis example=example model=model_status prediction=prediction />
            </section>
        </div>
        <footer class="site-footer wrap">
            <p>"Reads CIF, POSCAR/CONTCAR and extended XYZ. Everything runs in this page; no structure leaves your computer."</p>
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
            }
            Err(message) => {
                let _ = status.try_set(ModelStatus::Failed(message));
            }
        }
    });
}

/// Predicts the analysed structure whenever the analysis or the model changes; only the latest
/// request's result is kept.
fn predict_each_analysis(
    analysis: RwSignal<Option<Analysis>>,
    status: RwSignal<ModelStatus>,
    slot: StoredValue<Option<Rc<LocalModel>>, LocalStorage>,
    prediction: RwSignal<PredictionState>,
) {
    let latest = StoredValue::new(0u64);
    Effect::new(move |_| {
        let ready = matches!(*status.read(), ModelStatus::Ready(_));
        let target = analysis.with(|a| {
            let a = a.as_ref()?;
            Some((a.structure.clone()?, a.outcome.as_ref().ok()?.description.clone()?))
        });
        latest.update_value(|n| *n += 1);
        let request = latest.get_value();
        prediction.set(None);
        let (true, Some((structure, description)), Some(model)) = (ready, target, slot.get_value()) else { return };
        spawn_local(async move {
            let result = model.predict(&structure, description).await;
            if latest.try_get_value() == Some(request) {
                let _ = prediction.try_set(Some(result));
                record_prediction_shown();
            }
        });
    });
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
