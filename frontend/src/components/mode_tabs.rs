//! The two modes of the page as tabs: crystal structures and molecules (SMILES).

use leptos::{ev, prelude::*};
use wasm_bindgen::JsCast;

/// `molecule` is true while molecule mode is shown; picking a tab calls `on_pick(molecule)`.
/// Keyboard as in the WAI-ARIA tabs pattern: the selected tab is the one Tab stop, and the
/// arrow keys, Home and End select and focus another.
#[component]
pub fn ModeTabs(#[prop(into)] molecule: Signal<bool>, on_pick: Callback<bool>) -> impl IntoView {
    let on_keydown = move |e: ev::KeyboardEvent| {
        let to_molecule = match e.key().as_str() {
            "ArrowLeft" | "ArrowRight" => !molecule.get_untracked(),
            "Home" => false,
            "End" => true,
            _ => return,
        };
        e.prevent_default();
        on_pick.run(to_molecule);
        let id = if to_molecule { "tab-molecule" } else { "tab-crystal" };
        if let Some(tab) = document().get_element_by_id(id).and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = tab.focus();
        }
    };
    let tab = move |is_molecule: bool, id: &'static str, panel: &'static str, label: &'static str| {
        let selected = move || molecule.get() == is_molecule;
        view! {
            <button
                type="button"
                role="tab"
                id=id
                class="mode-tab"
                class:selected=selected
                aria-selected=move || selected().to_string()
                aria-controls=panel
                tabindex=move || if selected() { "0" } else { "-1" }
                on:click=move |_| on_pick.run(is_molecule)
                on:keydown=on_keydown
            >
                {label}
            </button>
        }
    };
    view! {
        <div class="wrap mode-tabs" role="tablist" aria-label="What to read">
            {tab(false, "tab-crystal", "crystal-mode", "Crystal")}
            {tab(true, "tab-molecule", "molecule-mode", "Molecule (SMILES)")}
        </div>
    }
}
