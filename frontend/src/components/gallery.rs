//! The gallery of textbook structures ([`shared::gallery::examples`]).

use leptos::prelude::*;
use shared::{
    composition::subscripted,
    gallery::{Example, examples},
};

/// One toggle button per example; the pressed one is the example currently in the editor.
#[component]
pub fn Gallery(
    #[prop(into)] selected: Signal<Option<&'static Example>>,
    on_pick: Callback<&'static Example>,
) -> impl IntoView {
    let items = examples()
        .iter()
        .map(|ex| {
            let pressed = move || selected.get().is_some_and(|s| s.id == ex.id);
            view! {
                <li>
                    <button
                        type="button"
                        class="example"
                        class:selected=pressed
                        aria-pressed=move || pressed().to_string()
                        title=format!("{} — {}", ex.name, ex.note)
                        data-example=ex.id
                        on:click=move |_| on_pick.run(ex)
                    >
                        <span class="example-formula">{subscripted(ex.formula)}</span>
                        <span class="example-name">{ex.name}</span>
                    </button>
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="gallery" role="group" aria-labelledby="gallery-heading">
            <h3 id="gallery-heading" class="label">"Textbook examples"</h3>
            <ul class="gallery-list">{items}</ul>
        </div>
    }
}
