//! Following deep links ([`Route`]): the URL fragment the page opens with and every later
//! `hashchange` open an example, a structure text, a shared view (a crystal's or a molecule's)
//! or a lesson (in the fragment, or stored by the server like a shared view).

use leptos::{ev, prelude::*, task::spawn_local};
use shared::api::{ShareState, SharedState};
use shared::lesson::Lesson;

use super::{LessonState, MoleculeState, PageState, StructureState};
use crate::molecule::view::MoleculeLinkView;
use crate::route::{Route, find_example, percent_encode};
use crate::{lesson::codec, server_api, share};

/// Opens the current fragment's route now and each new one when the fragment changes (for the
/// lifetime of the calling component).
pub fn follow_links(structure: StructureState, page: PageState, molecule: MoleculeState, lesson: LessonState) {
    let states = States { structure, page, molecule, lesson };
    let open_current = move || {
        if let Some(route) = location_hash().and_then(|hash| Route::from_fragment(&hash)) {
            open(route, states);
        }
    };
    open_current();
    let listener = window_event_listener(ev::hashchange, move |_| open_current());
    on_cleanup(move || listener.remove());
}

/// What a link may open.
#[derive(Clone, Copy)]
struct States {
    structure: StructureState,
    page: PageState,
    molecule: MoleculeState,
    lesson: LessonState,
}

/// Opens what `route` names; a problem with it is shown, not thrown.
fn open(route: Route, states: States) {
    let States { structure, page, molecule, lesson } = states;
    page.link_problem.set(None);
    molecule.set_active(false);
    lesson.close();
    match route {
        Route::Example(key) => match find_example(&key) {
            Some(example) => structure.open_example(example),
            None => page
                .link_problem
                .set(Some(format!("The link names a gallery example {key:?} that this page does not have."))),
        },
        Route::Structure(text) => structure.open_text(text),
        Route::State(encoded) => match share::decode(&encoded) {
            Ok(state) => open_state(state, states),
            Err(e) => page.link_problem.set(Some(format!("This share link cannot be opened: {e}."))),
        },
        Route::Lesson(encoded) => match codec::decode(&encoded) {
            Ok(opened) => lesson.open_lesson(opened, structure),
            Err(e) => page.link_problem.set(Some(format!("This lesson link cannot be opened: {e}."))),
        },
        Route::Share(id) => spawn_local(async move {
            match server_api::get_json::<SharedState>(&format!("api/v1/share/{}", percent_encode(&id))).await {
                Ok(shared) => {
                    // A molecule link pins all the molecule bundles at once ("esol+…"), which the
                    // server's check of one installed model cannot match, and a lesson pins none:
                    // the notice is a crystal's.
                    let crystal = MoleculeLinkView::of(&shared.state).is_none()
                        && Lesson::from_view(&shared.state.view).is_none();
                    if let Some(notice) = shared.notice.filter(|_| crystal) {
                        page.link_problem.set(Some(notice));
                    }
                    open_state(shared.state, states);
                }
                Err(e) => page.link_problem.set(Some(format!("The shared view {id:?} could not be fetched ({e})."))),
            }
        }),
    }
}

/// A shared view: a lesson, a molecule's SMILES and selection, or a structure, its viewer
/// settings and the model it was made with.
fn open_state(state: ShareState, states: States) {
    let States { structure, page, molecule, lesson } = states;
    match Lesson::from_view(&state.view) {
        Some(Ok(opened)) => return lesson.open_lesson(opened, structure),
        Some(Err(e)) => return page.link_problem.set(Some(format!("This lesson link cannot be opened: {e}."))),
        None => {}
    }
    if let Some(view) = MoleculeLinkView::of(&state) {
        molecule.open_shared(state.structure, view);
        return;
    }
    page.view.set(share::view_of(&state));
    page.pinned.set(Some((state.model.clone(), state.weights_sha256.clone())));
    structure.open_text(state.structure);
}
