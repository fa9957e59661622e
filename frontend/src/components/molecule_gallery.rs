//! The gallery of ten well-known molecules ([`shared::molecule::gallery::GALLERY`]).

use leptos::prelude::*;
use shared::molecule::gallery::GALLERY;

/// One toggle button per molecule; the pressed one is the molecule in the SMILES field.
#[component]
pub fn MoleculeGallery(
    #[prop(into)] selected: Signal<Option<&'static str>>,
    on_pick: Callback<(&'static str, &'static str)>,
) -> impl IntoView {
    let items = GALLERY
        .iter()
        .map(|&(name, smiles)| {
            let pressed = move || selected.get() == Some(name);
            view! {
                <li>
                    <button
                        type="button"
                        class="example"
                        class:selected=pressed
                        aria-pressed=move || pressed().to_string()
                        title=format!("{name}: {smiles}")
                        data-molecule=name
                        on:click=move |_| on_pick.run((name, smiles))
                    >
                        <span class="example-name">{name}</span>
                    </button>
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="gallery" role="group" aria-labelledby="molecule-gallery-heading">
            <h3 id="molecule-gallery-heading" class="label">"Well-known molecules"</h3>
            <ul class="gallery-list">{items}</ul>
        </div>
    }
}
