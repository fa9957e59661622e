//! What-if controls: replace an element everywhere it occurs (Sr → Ba in SrTiO3) and strain the
//! cell with a slider. Each change rewrites the editor's text from the original structure, so
//! the usual analysis → prediction pipeline updates the page live; "Back to the original"
//! restores it.

use leptos::prelude::*;
use shared::Element;

use crate::state::StructureState;
use crate::whatif::{self, MAX_STRAIN_PERCENT};

/// Edits `structure.original` (the last structure typed, pasted or picked) with
/// `structure.substitution` and `structure.strain`, showing each result in the editor.
#[component]
pub fn WhatIf(structure: StructureState) -> impl IntoView {
    let StructureState { original, substitution, strain, .. } = structure;
    let failure = RwSignal::new(None::<String>);
    let apply = move || {
        let Some(start) = original.get_untracked() else { return };
        match whatif::apply(&start, substitution.get_untracked(), strain.get_untracked()) {
            Ok(cif) => {
                failure.set(None);
                structure.show_edited(cif);
            }
            Err(e) => failure.set(Some(e)),
        }
    };
    let species = move || {
        original.with(|s| {
            let mut list: Vec<Element> = s.as_ref().map(|s| s.species().collect()).unwrap_or_default();
            list.sort();
            list.dedup();
            list
        })
    };
    let from = RwSignal::new(None::<Element>);
    let to_text = RwSignal::new(String::new());
    let substitute = move || {
        let Some(from) = from.get_untracked().or_else(|| species().first().copied()) else { return };
        match Element::from_symbol(to_text.get_untracked().trim()) {
            Some(to) => {
                substitution.set(Some((from, to)));
                apply();
            }
            None => failure
                .set(Some(format!("{:?} is not an element symbol (e.g. Ba, Zr, O)", to_text.get_untracked().trim()))),
        }
    };
    let edited = move || structure.is_edited();

    view! {
        <section class="block whatif" aria-labelledby="whatif-heading">
            <h3 id="whatif-heading">"What if…"</h3>
            <div class="whatif-row">
                <label for="whatif-from">"Replace"</label>
                <select id="whatif-from" on:change=move |ev| from.set(Element::from_symbol(&event_target_value(&ev)))>
                    {move || species().into_iter().map(|e| view! { <option value=e.symbol()>{e.symbol()}</option> }).collect_view()}
                </select>
                <label for="whatif-to">"with"</label>
                <input
                    id="whatif-to"
                    type="text"
                    size="3"
                    maxlength="3"
                    placeholder="Ba"
                    autocomplete="off"
                    prop:value=move || to_text.get()
                    on:input=move |ev| to_text.set(event_target_value(&ev))
                    on:keydown=move |ev| if ev.key() == "Enter" { ev.prevent_default(); substitute(); }
                />
                <button type="button" on:click=move |_| substitute()>"Substitute"</button>
            </div>
            <div class="whatif-row">
                <label for="whatif-strain">"Strain"</label>
                <input
                    id="whatif-strain"
                    type="range"
                    min=(-MAX_STRAIN_PERCENT).to_string()
                    max=MAX_STRAIN_PERCENT.to_string()
                    step="0.5"
                    prop:value=move || strain.get().to_string()
                    aria-valuetext=move || format!("{:+.1} percent", strain.get())
                    on:input=move |ev| {
                        strain.set(event_target_value(&ev).parse().unwrap_or(0.0));
                        apply();
                    }
                />
                <output class="strain-value" id="strain-value">{move || format!("{:+.1} %", strain.get())}</output>
            </div>
            <p class="muted">
                {move || match substitution.get() {
                    Some((a, b)) => format!("Showing {} → {} ", a.symbol(), b.symbol()),
                    None => String::new(),
                }}
                {move || if strain.get() != 0.0 { format!("with the cell scaled by {:+.1} % along each axis.", strain.get()) } else { String::new() }}
                {move || (!edited()).then_some("Edits rewrite the structure in the editor; the predictions follow.")}
            </p>
            {move || failure.get().map(|e| view! { <p class="whatif-error" role="alert">{e}</p> })}
            <button type="button" prop:disabled=move || !edited() on:click=move |_| { failure.set(None); structure.reset_edits() }>
                "Back to the original"
            </button>
        </section>
    }
}
