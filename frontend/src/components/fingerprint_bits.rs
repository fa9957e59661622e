//! The molecule's Morgan fingerprint bits (ECFP4), each a button that highlights the atoms of
//! the substructures that set it: on hover or focus while the pointer is there, and kept when
//! pressed. `ranked` puts the bits the prediction leaned on first, with their weight.

use std::sync::Arc;

use leptos::prelude::*;

use crate::molecule::drawing::DrawnMolecule;
use crate::molecule::view::Selection;

/// Bits listed at most (a drug-sized molecule sets 30–60).
const MAX_BITS: usize = 40;

#[component]
pub fn FingerprintBits(
    molecule: Arc<DrawnMolecule>,
    /// (bit, weight) of the bits the prediction leaned on most, strongest first; empty when no
    /// prediction explains them.
    #[prop(into)]
    ranked: Signal<Vec<(usize, f32)>>,
    selection: RwSignal<Selection>,
    hover: RwSignal<Option<Selection>>,
) -> impl IntoView {
    let list = move || {
        let ranked = ranked.get();
        let bits: Vec<(usize, Option<f32>)> = if ranked.is_empty() {
            molecule.fingerprint.on_bits().into_iter().map(|b| (b, None)).collect()
        } else {
            ranked.iter().map(|&(b, w)| (b, Some(w))).collect()
        };
        bits.into_iter()
            .take(MAX_BITS)
            .map(|(bit, weight)| {
                let summary = molecule.bit(bit);
                let this = Selection::Bit { bit };
                let pressed = {
                    let this = this.clone();
                    move || selection.with(|s| *s == this)
                };
                let (enter, focus, click) = (this.clone(), this.clone(), this);
                let label = match weight {
                    Some(w) => format!("{} (weight {w:+.2})", summary.label),
                    None => summary.label.clone(),
                };
                view! {
                    <li>
                        <button
                            type="button"
                            class="bit"
                            class:selected=pressed.clone()
                            aria-pressed=move || pressed().to_string()
                            data-bit=bit
                            data-atoms=summary.atoms.len()
                            on:mouseenter=move |_| hover.set(Some(enter.clone()))
                            on:mouseleave=move |_| hover.set(None)
                            on:focus=move |_| hover.set(Some(focus.clone()))
                            on:blur=move |_| hover.set(None)
                            on:click=move |_| {
                                let this = click.clone();
                                selection.update(|s| *s = if *s == this { Selection::None } else { this });
                            }
                        >
                            {label}
                        </button>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <section class="block fingerprint-bits" aria-labelledby="bits-heading">
            <h3 id="bits-heading">"Fingerprint substructures"</h3>
            <p class="muted">
                {move || if ranked.with(Vec::is_empty) {
                    "The Morgan fingerprint's set bits (radius 2, 2,048 bits). Point at one to see its atoms; press it to keep them highlighted."
                } else {
                    "The bits the prediction leaned on most, strongest first. Point at one to see its atoms; press it to keep them highlighted."
                }}
            </p>
            <ul class="bit-list">{list}</ul>
        </section>
    }
}
