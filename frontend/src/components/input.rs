//! The editor: a labelled textarea for the structure file (paste, type, or drop a file on it),
//! a file picker, the Analyse button (also Ctrl+Enter), the status line, the reader's warnings
//! and, when parsing failed, the error note.

use leptos::{ev, html, prelude::*, task::spawn_local};
use wasm_bindgen::JsCast;
use web_sys::{FileList, HtmlTextAreaElement};

use super::{ParseErrorNote, ParseWarningsNote, Status};
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
    let file_note = RwSignal::new(None::<String>);
    let dragging = RwSignal::new(false);
    let open_files = move |files: Option<FileList>| {
        let Some(file) = files.as_ref().and_then(|f| f.get(0)) else { return };
        let others = files.as_ref().map_or(0, |f| f.length().saturating_sub(1));
        let name = file.name();
        spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(file.text()).await.ok().and_then(|t| t.as_string()) {
                Some(text) => {
                    file_note.set(Some(if others > 0 {
                        format!("Opened {name}; {others} more file(s) ignored here (use Batch for many files).")
                    } else {
                        format!("Opened {name}.")
                    }));
                    on_edit.run(text);
                    on_submit.run(());
                }
                None => file_note.set(Some(format!("{name} could not be read as text."))),
            }
        });
    };
    let on_drop = move |e: ev::DragEvent| {
        e.prevent_default();
        dragging.set(false);
        open_files(e.data_transfer().and_then(|d| d.files()));
    };
    let on_pick = move |e: ev::Event| {
        let input = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok());
        open_files(input.as_ref().and_then(|i| i.files()));
        if let Some(input) = input {
            input.set_value(""); // picking the same file again reloads it
        }
    };
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
                <span id="structure-hint" class="hint">"CIF, POSCAR, extended XYZ, pymatgen or OPTIMADE JSON; the format is detected."</span>
            </div>
            <textarea
                id="structure-text"
                class="source"
                class:dragging=move || dragging.get()
                node_ref=textarea
                on:dragover=move |e: ev::DragEvent| { e.prevent_default(); dragging.set(true); }
                on:dragleave=move |_| dragging.set(false)
                on:drop=on_drop
                rows="16"
                wrap="off"
                spellcheck="false"
                autocomplete="off"
                autocapitalize="off"
                placeholder="Paste a CIF, POSCAR, extended XYZ or JSON (pymatgen, OPTIMADE) file here, drop a file on it, or pick an example above."
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
                <label class="file-pick">
                    "Open a file…"
                    <input type="file" id="structure-file" accept=".cif,.vasp,.poscar,.contcar,.xyz,.extxyz,.json,.txt" on:change=on_pick />
                </label>
                <Status analysis=analysis waiting=waiting />
            </div>
            {move || file_note.get().map(|note| view! { <p class="muted" id="file-note" role="status">{note}</p> })}
            {move || {
                let warnings = analysis.get().map(|a| a.warnings).filter(|w| !w.is_empty())?;
                Some(view! { <ParseWarningsNote warnings=warnings on_show_line=show_line /> })
            }}
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
