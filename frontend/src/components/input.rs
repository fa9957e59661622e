//! The editor: a labelled textarea for the structure file, the Analyse button (also Ctrl+Enter),
//! the status line and, when parsing failed, the error note.

use leptos::{html, prelude::*};
use web_sys::HtmlTextAreaElement;

use super::{ParseErrorNote, Status};
use crate::{analysis::Analysis, text::line_range_utf16};

#[component]
pub fn StructureInput(
    #[prop(into)] source: Signal<String>,
    #[prop(into)] analysis: Signal<Option<Analysis>>,
    #[prop(into)] waiting: Signal<bool>,
    on_edit: Callback<String>,
    on_submit: Callback<()>,
) -> impl IntoView {
    let textarea = NodeRef::<html::Textarea>::new();
    let error = move || analysis.get().and_then(|a| a.outcome.err());
    let show_line = Callback::new(move |line: usize| {
        if let Some(el) = textarea.get_untracked() {
            select_line(&el, line);
        }
    });

    view! {
        <div class="field">
            <div class="field-head">
                <label for="structure-text" class="label">"Structure file"</label>
                <span id="structure-hint" class="hint">"CIF, POSCAR or extended XYZ; the format is detected."</span>
            </div>
            <textarea
                id="structure-text"
                class="source"
                node_ref=textarea
                rows="16"
                wrap="off"
                spellcheck="false"
                autocomplete="off"
                autocapitalize="off"
                placeholder="Paste a CIF, POSCAR or extended XYZ file here, or pick an example above."
                aria-describedby="structure-hint structure-status structure-error"
                aria-invalid=move || error().is_some().then_some("true")
                prop:value=move || source.get()
                on:input=move |ev| on_edit.run(event_target_value(&ev))
                on:keydown=move |ev| {
                    if ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) {
                        ev.prevent_default();
                        on_submit.run(());
                    }
                }
            ></textarea>
            <div class="actions">
                <button type="button" class="primary" on:click=move |_| on_submit.run(())>
                    "Analyse"
                </button>
                <span class="shortcut" aria-hidden="true"><kbd>"Ctrl"</kbd>" + "<kbd>"Enter"</kbd></span>
                <Status analysis=analysis waiting=waiting />
            </div>
            {move || error().map(|error| view! {
                <ParseErrorNote error=error source=source on_show_line=show_line />
            })}
        </div>
    }
}

/// Focuses the editor, selects 1-based `line` and scrolls it into view.
fn select_line(el: &HtmlTextAreaElement, line: usize) {
    let Some((start, end)) = line_range_utf16(&el.value(), line) else {
        return;
    };
    let _ = el.focus();
    let _ = el.set_selection_range(start, end);
    let line_height = leptos::prelude::window()
        .get_computed_style(el)
        .ok()
        .flatten()
        .and_then(|style| style.get_property_value("line-height").ok())
        .and_then(|v| v.trim_end_matches("px").parse::<f64>().ok())
        .unwrap_or(20.0);
    let above = (line.saturating_sub(3)) as f64;
    el.set_scroll_top((above * line_height) as i32);
}
