//! Sharing the lesson being built: one link with the whole lesson in its fragment while it fits
//! [`FRAGMENT_LINK_LIMIT`], else (and on request) a short `/s/{id}` link from the server, which
//! stores the lesson in a share's `view`. Also the draft's worksheet.

use leptos::prelude::*;
use shared::api::ShareState;

use super::share::{copy_text, link_notes, make_short_link, page_address};
use crate::lesson::codec::{FRAGMENT_LINK_LIMIT, LessonLink};
use crate::model::ModelStatus;
use crate::state::LessonState;

#[component]
pub fn LessonShare(
    lesson: LessonState,
    #[prop(into)] model: Signal<ModelStatus>,
    #[prop(into)] server_available: Signal<bool>,
) -> impl IntoView {
    let link = Memo::new(move |_| lesson.draft.with(|l| l.check().map(|()| LessonLink::of(&page_address(), l))));
    let (short, copied) = link_notes(link);
    // What the server stores: the lesson in `view`, its first structure and the page's model.
    let stored = move || -> Option<ShareState> {
        let ModelStatus::Ready(summary) = model.get() else { return None };
        let draft = lesson.draft.get();
        draft.check().ok()?;
        Some(ShareState {
            version: ShareState::VERSION,
            structure: draft.steps[0].structure.clone(),
            format: None,
            text: None,
            model: summary.id,
            weights_sha256: summary.weights_sha256,
            view: draft.to_view(),
        })
    };
    let make_short = move |_| {
        if let Some(state) = stored() {
            make_short_link(state, short);
        }
    };
    let link_view = move || {
        match link.get() {
        Err(problem) => view! { <p class="muted" id="lesson-not-ready">"No link yet: " {problem} "."</p> }.into_any(),
        Ok(LessonLink::Fragment(url)) => {
            let (for_copy, length) = (url.clone(), url.len());
            view! {
                <div class="share-row">
                    <label for="lesson-link">"Lesson link"</label>
                    <input id="lesson-link" type="text" readonly prop:value=url.clone() />
                    <button type="button" on:click=move |_| copy_text(for_copy.clone(), "the lesson link", copied)>"Copy lesson link"</button>
                    <a id="lesson-open-link" href=url>"Open the lesson as a student"</a>
                </div>
                <p class="muted">{format!("{length} characters: the whole lesson travels inside the link.")}</p>
            }
            .into_any()
        }
        Ok(LessonLink::TooLong { chars }) => view! {
            <p class="status warning" id="lesson-too-long">
                {format!(
                    "As one link this lesson would be {chars} characters, over the {FRAGMENT_LINK_LIMIT} a link can safely carry. "
                )}
                {move || if server_available.get() {
                    "Make a short link: the server keeps the lesson."
                } else {
                    "Shorten the notes or remove steps (this page has no server to keep it)."
                }}
            </p>
        }
        .into_any(),
    }
    };
    view! {
        <section class="lesson-share" aria-labelledby="lesson-share-heading">
            <h3 id="lesson-share-heading">"Share the lesson"</h3>
            {link_view}
            {move || server_available.get().then(|| view! {
                <div class="share-row">
                    <button type="button" id="lesson-short" on:click=make_short disabled=move || stored().is_none()>
                        "Make a short lesson link"
                    </button>
                    {move || match short.get() {
                        None => ().into_any(),
                        Some(Ok(url)) => {
                            let for_copy = url.clone();
                            view! {
                                <a id="lesson-short-link" href=url.clone()>{url.clone()}</a>
                                <button type="button" on:click=move |_| copy_text(for_copy.clone(), "the short lesson link", copied)>"Copy"</button>
                            }
                            .into_any()
                        }
                        Some(Err(e)) => view! { <span class="status bad" role="alert">{e}</span> }.into_any(),
                    }}
                </div>
            })}
            <div class="share-row">
                <button type="button" id="lesson-print-draft" on:click=move |_| lesson.print(true)
                    disabled=move || lesson.draft.with(|l| l.steps.is_empty())>"Print worksheet"</button>
            </div>
            {move || copied.get().map(|what| view! { <p class="muted" role="status">"Copied " {what} "."</p> })}
        </section>
    }
}
