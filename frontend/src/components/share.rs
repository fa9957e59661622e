//! Share the current view: a link that carries the whole state in its fragment (works from a
//! static host, no server), and, when the matfuse server is there, a short `/s/{id}` link.
//! [`SharePanel`] shares the crystal view; [`ShareLinks`] makes the links of any state (molecule
//! mode's too).

use leptos::{prelude::*, task::spawn_local};
use shared::api::{ShareCreated, ShareState};

use crate::{model::ModelStatus, server_api, share};

#[component]
pub fn SharePanel(
    #[prop(into)] source: Signal<String>,
    #[prop(into)] model: Signal<ModelStatus>,
    #[prop(into)] view: Signal<share::View>,
    #[prop(into)] server_available: Signal<bool>,
) -> impl IntoView {
    let state = Signal::derive(move || -> Option<ShareState> {
        let ModelStatus::Ready(summary) = model.get() else { return None };
        let structure = source.get();
        (!structure.trim().is_empty()).then(|| ShareState {
            version: ShareState::VERSION,
            structure,
            format: None,
            text: None,
            model: summary.id,
            weights_sha256: summary.weights_sha256,
            view: serde_json::to_value(view.get()).unwrap_or_default(),
        })
    });
    view! {
        <ShareLinks
            state=state
            server_available=server_available
            waiting="A link appears once the model has loaded."
            what="The structure, the model's weights fingerprint and the view travel inside the link: it works without any server."
            id_prefix=""
        />
    }
}

/// The links of `state` (none while it is `None`, saying `waiting` instead); `what` says what
/// the link carries; element ids start with `id_prefix` (`share-link`, `share-short`,
/// `share-short-link`), so that two panels on one page keep distinct ids.
#[component]
pub fn ShareLinks(
    #[prop(into)] state: Signal<Option<ShareState>>,
    #[prop(into)] server_available: Signal<bool>,
    waiting: &'static str,
    what: &'static str,
    id_prefix: &'static str,
) -> impl IntoView {
    let link = Memo::new(move |_| state.get().map(|s| format!("{}#state={}", page_address(), share::encode(&s))));
    let (short, copied) = link_notes(link);
    let copy = move |text: String, what: &'static str| copy_text(text, what, copied);
    let make_short = move |_| {
        if let Some(state) = state.get_untracked() {
            make_short_link(state, short);
        }
    };

    view! {
        <section class="block share" aria-labelledby=format!("{id_prefix}share-heading")>
            <h3 id=format!("{id_prefix}share-heading")>"Share this view"</h3>
            {move || match link.get() {
                None => view! { <p class="muted">{waiting}</p> }.into_any(),
                Some(url) => {
                    let length = url.len();
                    let for_copy = url.clone();
                    view! {
                        <div class="share-row">
                            <label for=format!("{id_prefix}share-link") class="visually-hidden">"Link with the whole view"</label>
                            <input id=format!("{id_prefix}share-link") type="text" readonly prop:value=url.clone() on:focus=move |ev| {
                                use wasm_bindgen::JsCast;
                                if let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                                    input.select();
                                }
                            } />
                            <button type="button" on:click=move |_| copy(for_copy.clone(), "the link")>"Copy link"</button>
                        </div>
                        <p class="muted">
                            {format!("{length} characters. ")}
                            {what}
                        </p>
                    }
                    .into_any()
                }
            }}
            {move || server_available.get().then(|| view! {
                <div class="share-row">
                    <button type="button" id=format!("{id_prefix}share-short") on:click=make_short>"Make a short link"</button>
                    {move || match short.get() {
                        None => ().into_any(),
                        Some(Ok(url)) => {
                            let for_copy = url.clone();
                            view! {
                                <a id=format!("{id_prefix}share-short-link") href=url.clone()>{url.clone()}</a>
                                <button type="button" on:click=move |_| copy(for_copy.clone(), "the short link")>"Copy"</button>
                            }
                            .into_any()
                        }
                        Some(Err(e)) => view! { <span class="status bad">{e}</span> }.into_any(),
                    }}
                </div>
            })}
            {move || copied.get().map(|what| view! { <p class="muted" role="status">"Copied " {what} "."</p> })}
        </section>
    }
}

/// The page's address without its fragment (origin + path): what links start with.
pub fn page_address() -> String {
    let location = window().location();
    format!("{}{}", location.origin().unwrap_or_default(), location.pathname().unwrap_or_default())
}

/// Copies `text` to the clipboard and says in `copied` what was copied (`what`), or that the
/// browser refused.
pub fn copy_text(text: String, what: &'static str, copied: RwSignal<Option<&'static str>>) {
    let clipboard = window().navigator().clipboard();
    spawn_local(async move {
        let done = wasm_bindgen_futures::JsFuture::from(clipboard.write_text(&text)).await.is_ok();
        copied.set(Some(if done { what } else { "nothing (the browser refused; select the link and copy it)" }));
    });
}

/// Stores `state` on the server (`POST /api/v1/share`) and puts its short link, or why there
/// is none, in `short`.
pub fn make_short_link(state: ShareState, short: RwSignal<Option<Result<String, String>>>) {
    spawn_local(async move {
        let made = server_api::post_json::<_, ShareCreated>("api/v1/share", &state).await;
        short.set(Some(made.map(|c| format!("{}{}", window().location().origin().unwrap_or_default(), c.url))));
    });
}

/// A link's short link (or why there is none) and its "copied" note, both forgotten when `link`
/// changes: a new state invalidates the short link made for the old one.
pub fn link_notes(
    link: impl Track + 'static,
) -> (RwSignal<Option<Result<String, String>>>, RwSignal<Option<&'static str>>) {
    let short = RwSignal::new(None);
    let copied = RwSignal::new(None);
    Effect::new(move |_| {
        link.track();
        short.set(None);
        copied.set(None);
    });
    (short, copied)
}
