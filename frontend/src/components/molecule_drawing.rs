//! The molecule's drawing: shared's SVG inline (element colours, charges), highlighted atoms
//! as discs behind them, and a caption that says the same in words.

use std::sync::Arc;

use leptos::prelude::*;

use crate::molecule::drawing::{DrawnMolecule, Highlight};

/// `highlight` are the atoms to mark (empty: a plain drawing); `what` says why they are.
#[component]
pub fn MoleculeDrawing(
    molecule: Arc<DrawnMolecule>,
    #[prop(into)] highlight: Signal<Highlight>,
    #[prop(into)] what: Signal<Option<String>>,
) -> impl IntoView {
    let drawn = molecule.clone();
    let svg = move || highlight.with(|h| drawn.svg((!h.is_empty()).then(|| h.weights.clone())));
    let summary = {
        let molecule = molecule.clone();
        move || highlight.with(|h| molecule.summary(&h.atoms))
    };
    let caption = move || {
        let summary = highlight.with(|h| molecule.summary(&h.atoms));
        match what.get() {
            Some(what) => format!("{summary} {what}"),
            None => summary,
        }
    };
    view! {
        <figure class="molecule-figure">
            <div
                class="molecule-drawing"
                role="img"
                aria-label=summary
                data-highlighted=move || highlight.with(|h| h.weights.iter().filter(|&&w| w != 0.0).count())
                inner_html=svg
            ></div>
            <figcaption class="muted" aria-live="polite">
                {caption}
            </figcaption>
        </figure>
    }
}
