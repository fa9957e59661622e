//! What the page knows besides the structure and the models: the structure viewer's view (part
//! of what a share link carries), the model a shared link was made with, a link that could not
//! be opened, and whether a matfuse server answers beside the page.

use leptos::{prelude::*, task::spawn_local};

use crate::model::ModelStatus;
use crate::server_api;
use crate::share::View;

#[derive(Clone, Copy)]
pub struct PageState {
    /// The structure viewer's orientation, zoom and toggles.
    pub view: RwSignal<View>,
    /// The model id and weights sha256 of the shared link the page was opened with.
    pub pinned: RwSignal<Option<(String, String)>>,
    /// Why the link the page was opened with could not be followed (or the server's notice).
    pub link_problem: RwSignal<Option<String>>,
    /// Whether the matfuse server serves the page (false on a static host, and until it answers).
    pub server_available: RwSignal<bool>,
}

impl PageState {
    /// The default view; asks in the background whether the server is there.
    pub fn new() -> PageState {
        let server_available = RwSignal::new(false);
        spawn_local(async move {
            let _ = server_available.try_set(server_api::available().await);
        });
        PageState {
            view: RwSignal::new(View::default()),
            pinned: RwSignal::new(None),
            link_problem: RwSignal::new(None),
            server_available,
        }
    }

    /// A warning when the page runs another model or other weights than the shared link was
    /// made with (tracked; `None` until the model is ready).
    pub fn pin_notice(self, model: RwSignal<ModelStatus>) -> Option<String> {
        let (id, sha) = self.pinned.get()?;
        let ModelStatus::Ready(summary) = model.get() else { return None };
        (summary.id != id || summary.weights_sha256 != sha).then(|| {
            format!(
                "This link was made with model {id} (weights {}…); this page runs {} (weights {}…), so its numbers may differ from the shared ones.",
                &sha[..sha.len().min(12)],
                summary.id,
                &summary.weights_sha256[..summary.weights_sha256.len().min(12)]
            )
        })
    }
}

impl Default for PageState {
    fn default() -> PageState {
        PageState::new()
    }
}
