//! Following deep links ([`Route`]): the URL fragment the page opens with and every later
//! `hashchange` open an example, a structure text or a shared view (a crystal's or a molecule's).

use leptos::{ev, prelude::*, task::spawn_local};
use shared::api::{ShareState, SharedState};

use super::{MoleculeState, PageState, StructureState};
use crate::molecule::view::MoleculeLinkView;
use crate::route::{Route, find_example, percent_encode};
use crate::{server_api, share};

/// Opens the current fragment's route now and each new one when the fragment changes (for the
/// lifetime of the calling component).
pub fn follow_links(structure: StructureState, page: PageState, molecule: MoleculeState) {
    let open_current = move || {
        if let Some(route) = location_hash().and_then(|hash| Route::from_fragment(&hash)) {
            open(route, structure, page, molecule);
        }
    };
    open_current();
    let listener = window_event_listener(ev::hashchange, move |_| open_current());
    on_cleanup(move || listener.remove());
}

/// Opens what `route` names; a problem with it is shown, not thrown.
fn open(route: Route, structure: StructureState, page: PageState, molecule: MoleculeState) {
    page.link_problem.set(None);
    molecule.set_active(false);
    match route {
        Route::Example(key) => match find_example(&key) {
            Some(example) => structure.open_example(example),
            None => page
                .link_problem
                .set(Some(format!("The link names a gallery example {key:?} that this page does not have."))),
        },
        Route::Structure(text) => structure.open_text(text),
        Route::State(encoded) => match share::decode(&encoded) {
            Ok(state) => open_state(state, structure, page, molecule),
            Err(e) => page.link_problem.set(Some(format!("This share link cannot be opened: {e}."))),
        },
        Route::Share(id) => spawn_local(async move {
            match server_api::get_json::<SharedState>(&format!("api/v1/share/{}", percent_encode(&id))).await {
                Ok(shared) => {
                    // A molecule link pins all the molecule bundles at once ("esol+…"), which the
                    // server's check of one installed model cannot match: its notice is a crystal's.
                    let crystal = MoleculeLinkView::of(&shared.state).is_none();
                    if let Some(notice) = shared.notice.filter(|_| crystal) {
                        page.link_problem.set(Some(notice));
                    }
                    open_state(shared.state, structure, page, molecule);
                }
                Err(e) => page.link_problem.set(Some(format!("The shared view {id:?} could not be fetched ({e})."))),
            }
        }),
    }
}

/// A shared view: a molecule's SMILES and selection, or a structure, its viewer settings and the
/// model it was made with.
fn open_state(state: ShareState, structure: StructureState, page: PageState, molecule: MoleculeState) {
    if let Some(view) = MoleculeLinkView::of(&state) {
        molecule.open_shared(state.structure, view);
        return;
    }
    page.view.set(share::view_of(&state));
    page.pinned.set(Some((state.model.clone(), state.weights_sha256.clone())));
    structure.open_text(state.structure);
}
