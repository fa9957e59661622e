//! Molecule mode: the SMILES field with its gallery, the positioned error of a SMILES that does
//! not read, the drawing, the predictions, the fingerprint's substructures and the share links.

use leptos::{html, prelude::*};
use shared::api::ShareState;

use super::{FingerprintBits, MoleculeDrawing, MoleculeGallery, MoleculePredictions, ShareLinks, SmilesErrorNote};
use crate::molecule::answer::{ranked_bits, task_highlight};
use crate::molecule::drawing::Highlight;
use crate::molecule::view::{MoleculeLinkView, Selection};
use crate::state::{MoleculeModelsStatus, MoleculeState};

#[component]
pub fn MoleculeMode(molecule: MoleculeState, #[prop(into)] server_available: Signal<bool>) -> impl IntoView {
    let input = NodeRef::<html::Input>::new();
    let hover = RwSignal::new(None::<Selection>);
    let show_character = Callback::new(move |position: usize| {
        let Some(el) = input.get_untracked() else { return };
        let start: usize = el.value().chars().take(position).map(char::len_utf16).sum();
        let end = start + el.value().chars().nth(position).map_or(0, char::len_utf16);
        let _ = el.focus();
        let _ = el.set_selection_range(start as u32, end as u32);
    });
    let status = move || match molecule.read.get() {
        None => ("status", "No molecule yet: type or paste a SMILES, or pick one above.".to_string()),
        Some(Ok(m)) => {
            ("status ok", format!("Read {} · {} heavy atoms", m.molecule.formula(), m.molecule.heavy_atom_count()))
        }
        Some(Err(_)) => ("status bad", "Could not read the SMILES".to_string()),
    };
    let highlight = Signal::derive(move || {
        let Some(m) = molecule.molecule() else { return Highlight::default() };
        match hover.get().unwrap_or_else(|| molecule.selection.get()) {
            Selection::Bit { bit } => Highlight::atoms(m.molecule.atoms().len(), m.bit(bit).atoms),
            Selection::Task { name } => molecule
                .answer
                .with(|a| {
                    let predictions = &a.as_ref()?.as_ref().ok()?.predictions;
                    task_highlight(predictions, &name, m.molecule.atoms().len())
                })
                .unwrap_or_default(),
            Selection::None => Highlight::default(),
        }
    });
    // The bits the selected task's model leaned on (all set bits when no task is selected).
    let ranked = Signal::derive(move || {
        let Selection::Task { name } = molecule.selection.get() else { return Vec::new() };
        molecule
            .answer
            .with(|a| a.as_ref().and_then(|a| a.as_ref().ok()).map(|a| ranked_bits(&a.predictions, &name)))
            .unwrap_or_default()
    });
    let what = Signal::derive(move || match hover.get().unwrap_or_else(|| molecule.selection.get()) {
        Selection::Bit { bit } => Some(format!("The highlighted atoms set fingerprint bit {bit}.")),
        Selection::Task { name } => Some(format!("The highlighted atoms drove the {name} prediction.")),
        Selection::None => None,
    });
    let share_state = Signal::derive(move || {
        let smiles = molecule.molecule()?.molecule.smiles().trim().to_string();
        let MoleculeModelsStatus::Ready(models) = molecule.models_status.get() else { return None };
        Some(ShareState {
            version: ShareState::VERSION,
            structure: smiles,
            format: None,
            text: None,
            model: models.ids,
            weights_sha256: models.weights_sha256,
            view: MoleculeLinkView { selection: molecule.selection.get() }.to_value(),
        })
    });

    view! {
        <div id="molecule-mode" class="wrap layout" role="tabpanel" aria-labelledby="tab-molecule">
            <section class="panel input-panel" aria-labelledby="molecule-heading">
                <h2 id="molecule-heading">"Molecule"</h2>
                <MoleculeGallery
                    selected=molecule.example
                    on_pick=Callback::new(move |(name, smiles)| molecule.pick_example(name, smiles))
                />
                <div class="field">
                    <div class="field-head">
                        <label for="smiles-text" class="label">"SMILES"</label>
                        <span id="smiles-hint" class="hint">"e.g. CC(=O)Oc1ccccc1C(=O)O (aspirin); salts with a dot."</span>
                    </div>
                    <input
                        id="smiles-text"
                        class="source smiles"
                        type="text"
                        node_ref=input
                        spellcheck="false"
                        autocomplete="off"
                        autocapitalize="off"
                        aria-describedby="smiles-hint smiles-status smiles-error"
                        aria-invalid=move || matches!(molecule.read.get(), Some(Err(_))).then_some("true")
                        prop:value=move || molecule.smiles.get()
                        on:input=move |ev| molecule.edit(event_target_value(&ev))
                    />
                    <p id="smiles-status" class=move || status().0 role="status" aria-live="polite">{move || status().1}</p>
                    {move || match molecule.read.get() {
                        Some(Err(error)) => Some(view! {
                            <SmilesErrorNote
                                error=error
                                smiles=molecule.smiles.get_untracked().trim().to_string()
                                on_show=show_character
                            />
                        }),
                        _ => None,
                    }}
                </div>
                {move || molecule.molecule().map(|m| view! {
                    <MoleculeDrawing molecule=m highlight=highlight what=what />
                })}
            </section>
            <section class="panel results-panel" aria-labelledby="molecule-results-heading">
                <h2 id="molecule-results-heading">"Predictions"</h2>
                {move || molecule.molecule().is_some().then(|| view! { <MoleculePredictions molecule=molecule hover=hover /> })}
                {move || molecule.molecule().map(|m| view! {
                    <FingerprintBits molecule=m ranked=ranked selection=molecule.selection hover=hover />
                })}
                <ShareLinks
                    state=share_state
                    server_available=server_available
                    waiting="A link appears once the SMILES reads and the molecule models have loaded."
                    what="The SMILES, the models' weights fingerprint and the highlighted selection travel inside the link: it works without any server."
                    id_prefix="molecule-"
                />
            </section>
        </div>
    }
}
