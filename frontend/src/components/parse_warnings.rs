//! What the reader repaired or assumed in the structure file (a tag given twice, operations
//! generated from the space-group symbol…), shown under the editor; each warning that names a
//! line has a button that selects it.

use std::sync::Arc;

use leptos::prelude::*;
use shared::io::ParseWarning;

#[component]
pub fn ParseWarningsNote(warnings: Arc<[ParseWarning]>, on_show_line: Callback<usize>) -> impl IntoView {
    let title = match warnings.len() {
        1 => "Read with 1 warning".to_owned(),
        n => format!("Read with {n} warnings"),
    };
    let items = warnings
        .iter()
        .map(|w| {
            let at = w.line.map(|n| {
                view! {
                    <button type="button" class="link-button" on:click=move |_| on_show_line.run(n)>
                        {format!("Line {n}")}
                    </button>
                    ": "
                }
            });
            view! { <li data-line=w.line>{at}{w.message.clone()}</li> }
        })
        .collect_view();
    view! {
        <div id="structure-warnings" class="warning-note" role="note">
            <p class="warning-title">{title}</p>
            <ul class="warning-list">{items}</ul>
        </div>
    }
}
