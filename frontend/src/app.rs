//! The page: its state and layout.
//!
//! State is three signals: the source text in the textarea, the gallery example it came from (if
//! unedited) and the last [`Analysis`]. Typing re-analyses after a short pause; picking an example,
//! opening a deep link, the Analyse button and Ctrl+Enter analyse at once.

use std::time::Duration;

use leptos::{ev, prelude::*};
use shared::gallery::Example;

use crate::{
    analysis::{Analysis, analyse},
    components::{Gallery, Results, StructureInput},
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
                <Results analysis=analysis example=example />
            </section>
        </div>
        <footer class="site-footer wrap">
            <p>"Reads CIF, POSCAR/CONTCAR and extended XYZ. Everything runs in this page; no structure leaves your computer."</p>
        </footer>
    }
}
