//! The page: its groups of state ([`crate::state`]) and its layout.

use leptos::prelude::*;

use crate::{
    components::{
        BatchPanel, Gallery, LessonBuilder, LessonGuess, LessonPlayer, LessonWorksheet, ModeTabs, MoleculeMode,
        Results, SharePanel, StructureInput, StructureViewer, WhatIf,
    },
    state::{LessonState, ModelState, MoleculeState, PageState, StructureState, links::follow_links},
};

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    let structure = StructureState::new();
    let page = PageState::new();
    let models = ModelState::start(structure.analysis, page.server_available.into());
    let molecule = MoleculeState::new();
    molecule.take_pasted_smiles(structure);
    let lesson = LessonState::new();
    follow_links(structure, page, molecule, lesson);

    // What the viewer shows: the analysed structure, and the attention on its atoms.
    let shown = structure.shown();
    let formula = structure.formula();
    let atom_weights = models.atom_weights(shown);
    let has_structure = move || structure.has_structure();
    let pin_notice = move || page.pin_notice(models.status);

    view! {
        <header class="site-header">
            <div class="wrap">
                <h1 class="brand">"matfuse"</h1>
                <p class="tagline">"Read a crystal structure or a molecule and see what it is."</p>
            </div>
        </header>
        <ModeTabs molecule=molecule.active on_pick=Callback::new(move |on| molecule.set_active(on)) />
        // Hidden, not unmounted, in molecule mode: the crystal view keeps its canvas and state.
        <div id="crystal-mode" role="tabpanel" aria-labelledby="tab-crystal" hidden=move || molecule.active.get()>
        <Show when=move || lesson.open.with(Option::is_some)>
            <div class="wrap"><LessonPlayer lesson=lesson structure=structure /></div>
        </Show>
        <div class="wrap layout">
            <section class="panel input-panel" aria-labelledby="input-heading">
                <h2 id="input-heading">"Structure"</h2>
                <Gallery selected=structure.example on_pick=Callback::new(move |ex| structure.pick_example(ex)) />
                <StructureInput
                    source=structure.source
                    analysis=structure.analysis
                    waiting=structure.waiting()
                    on_edit=Callback::new(move |text| structure.edit(text))
                    on_submit=Callback::new(move |()| structure.analyse_now())
                />
                <Show when=has_structure>
                    <StructureViewer
                        structure=shown
                        formula=formula
                        atom_weights=atom_weights
                        view=page.view
                    />
                </Show>
            </section>
            // In guess-first mode the predictions (and what-if's) hide until the student has guessed.
            <section class="panel results-panel" class:guessing=move || lesson.awaiting_guess() aria-labelledby="results-heading">
                <h2 id="results-heading">"Analysis"</h2>
                <LessonGuess lesson=lesson prediction=models.prediction />
                {move || page.link_problem.get().map(|p| view! { <p class="status bad notice" id="link-problem" role="alert">{p}</p> })}
                {move || pin_notice().map(|p| view! { <p class="status warning notice" id="pin-notice" role="status">{p}</p> })}
                <Results analysis=structure.analysis example=structure.example models=models />
                <Show when=has_structure>
                    <WhatIf structure=structure />
                    <SharePanel
                        source=structure.source
                        model=models.status
                        view=page.view
                        server_available=page.server_available
                    />
                </Show>
            </section>
        </div>
        <div class="wrap">
            <LessonBuilder lesson=lesson structure=structure model=models.status server_available=page.server_available />
            <BatchPanel model=models.local server_available=page.server_available />
        </div>
        </div>
        <Show when=move || molecule.active.get()>
            <MoleculeMode molecule=molecule server_available=page.server_available />
        </Show>
        <LessonWorksheet lesson=Signal::derive(move || lesson.printed()) />
        <footer class="site-footer wrap">
            <p>"Reads CIF, POSCAR/CONTCAR, extended XYZ and pymatgen or OPTIMADE JSON. The model runs in this page; a structure leaves your computer only if you make a short share link."</p>
        </footer>
    }
}
