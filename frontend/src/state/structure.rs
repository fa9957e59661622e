//! The structure on the page: the editor's text, the gallery example it came from, its
//! analysis and the what-if edits made to it. Typing re-analyses after a short pause; picking
//! an example, opening a link, the Analyse button and Ctrl+Enter analyse at once.

use std::sync::Arc;
use std::time::Duration;

use leptos::prelude::*;
use shared::{Element, Structure, gallery::Example};

use crate::analysis::{Analysis, analyse};
use crate::route::{Route, replace_fragment};

/// Pause after the last keystroke before the text is analysed.
const DEBOUNCE: Duration = Duration::from_millis(350);

#[derive(Clone, Copy)]
pub struct StructureState {
    /// The editor's text.
    pub source: RwSignal<String>,
    /// The gallery example in the editor while its text is unedited (the URL then says
    /// `#example=<id>`).
    pub example: RwSignal<Option<&'static Example>>,
    /// The last analysis of the editor's text; `None` while the editor is empty.
    pub analysis: RwSignal<Option<Analysis>>,
    /// The timer of an analysis waiting for typing to pause.
    pending: RwSignal<Option<TimeoutHandle>>,
    /// Where what-if edits start from: the last structure typed, pasted, picked or opened.
    pub original: RwSignal<Option<Arc<Structure>>>,
    /// The what-if element substitution (from, to).
    pub substitution: RwSignal<Option<(Element, Element)>>,
    /// The what-if isotropic strain, %.
    pub strain: RwSignal<f64>,
}

impl StructureState {
    /// An empty editor. Until a what-if edit is made, the analysed structure is the original.
    pub fn new() -> StructureState {
        let state = StructureState {
            source: RwSignal::new(String::new()),
            example: RwSignal::new(None),
            analysis: RwSignal::new(None),
            pending: RwSignal::new(None),
            original: RwSignal::new(None),
            substitution: RwSignal::new(None),
            strain: RwSignal::new(0.0),
        };
        Effect::new(move |_| {
            if !state.is_edited() {
                state.original.set(state.analysis.with(|a| a.as_ref().and_then(|a| a.structure.clone())));
            }
        });
        state
    }

    /// Whether a what-if edit is in force (tracked).
    pub fn is_edited(self) -> bool {
        self.substitution.with(Option::is_some) || self.strain.get() != 0.0
    }

    /// Whether an analysis waits for typing to pause.
    pub fn waiting(self) -> Signal<bool> {
        Signal::derive(move || self.pending.with(Option::is_some))
    }

    /// Whether any structure has been read (what the viewer, what-if and share panels need).
    pub fn has_structure(self) -> bool {
        self.original.with(Option::is_some)
    }

    /// The structure the viewer shows: the analysed one, else the last readable one while the
    /// text is broken.
    pub fn shown(self) -> Signal<Option<Arc<Structure>>> {
        Signal::derive(move || {
            self.analysis.with(|a| a.as_ref().and_then(|a| a.structure.clone())).or_else(|| self.original.get())
        })
    }

    /// The analysed structure's reduced formula ("" when there is none).
    pub fn formula(self) -> Signal<String> {
        Signal::derive(move || {
            self.analysis
                .with(|a| a.as_ref().and_then(|a| a.outcome.as_ref().ok()).map(|r| r.formula.clone()))
                .unwrap_or_default()
        })
    }

    /// Analyses the editor's text now, cancelling a waiting analysis.
    pub fn analyse_now(self) {
        self.cancel_pending();
        let text = self.source.get_untracked();
        self.analysis.set((!text.trim().is_empty()).then(|| analyse(&text)));
    }

    /// Analyses the editor's text once typing has paused for [`DEBOUNCE`].
    fn analyse_soon(self) {
        self.cancel_pending();
        self.pending.set(set_timeout_with_handle(move || self.analyse_now(), DEBOUNCE).ok());
    }

    fn cancel_pending(self) {
        if let Some(handle) = self.pending.get_untracked() {
            handle.clear();
            self.pending.set(None);
        }
    }

    /// Opens a gallery example (the URL is left as it is).
    pub fn open_example(self, example: &'static Example) {
        self.forget_edits();
        self.example.set(Some(example));
        self.source.set(example.cif.to_string());
        self.analyse_now();
    }

    /// Opens a gallery example the user picked, and says so in the URL.
    pub fn pick_example(self, example: &'static Example) {
        self.open_example(example);
        replace_fragment(Some(&Route::Example(example.id.to_string())));
    }

    /// Opens a structure file's text (from a link) and analyses it at once.
    pub fn open_text(self, text: String) {
        self.forget_edits();
        self.example.set(None);
        self.source.set(text);
        self.analyse_now();
    }

    /// The user's edit of the editor's text: analysed once typing pauses.
    pub fn edit(self, text: String) {
        self.forget_edits();
        self.show_text(text);
    }

    /// A what-if edit's CIF text in the editor; the original stays the edits' starting point.
    pub fn show_edited(self, cif: String) {
        self.show_text(cif);
    }

    /// Back to the original structure, without what-if edits.
    pub fn reset_edits(self) {
        let Some(structure) = self.original.get_untracked() else { return };
        self.forget_edits();
        self.source.set(shared::io::write_cif(&structure));
        self.analyse_now();
    }

    /// `text` in the editor, no longer an example (nor in the URL), analysed soon.
    fn show_text(self, text: String) {
        self.source.set(text);
        if self.example.get_untracked().is_some() {
            self.example.set(None);
            replace_fragment(None);
        }
        self.analyse_soon();
    }

    fn forget_edits(self) {
        self.substitution.set(None);
        self.strain.set(0.0);
    }
}

impl Default for StructureState {
    fn default() -> StructureState {
        StructureState::new()
    }
}
