//! The two modes of the page as tabs: crystal structures and molecules (SMILES).

use leptos::prelude::*;

/// `molecule` is true while molecule mode is shown; picking a tab calls `on_pick(molecule)`.
#[component]
pub fn ModeTabs(#[prop(into)] molecule: Signal<bool>, on_pick: Callback<bool>) -> impl IntoView {
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
                on:click=move |_| on_pick.run(is_molecule)
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
