//! The parse error, shown under the editor: the library's message, the offending line with its
//! neighbours, and a button that selects that line in the editor.

use leptos::prelude::*;

use crate::text::line_text;

/// Lines of context shown on each side of the offending line.
const CONTEXT: usize = 1;

#[component]
pub fn ParseErrorNote(
    error: shared::Error,
    #[prop(into)] source: Signal<String>,
    on_show_line: Callback<usize>,
) -> impl IntoView {
    let line = error.line();
    let excerpt = line.map(|n| {
        let rows = source.with_untracked(|text| {
            (n.saturating_sub(CONTEXT).max(1)..=n + CONTEXT)
                .filter_map(|i| line_text(text, i).map(|t| (i, t.to_owned())))
                .collect::<Vec<_>>()
        });
        let rows = rows
            .into_iter()
            .map(|(i, t)| {
                view! {
                    <span class="excerpt-row" class:current=i == n>
                        <span class="excerpt-no" aria-hidden="true">{i}</span>
                        <span class="excerpt-text">{t}"\n"</span>
                    </span>
                }
            })
            .collect_view();
        view! {
            <pre class="excerpt" aria-label=format!("Line {n} and its neighbours")>{rows}</pre>
            <button type="button" class="link-button" on:click=move |_| on_show_line.run(n)>
                {format!("Select line {n} in the editor")}
            </button>
        }
    });
    view! {
        <div id="structure-error" class="error-note" data-line=line>
            <p class="error-title">
                {match line {
                    Some(n) => format!("Could not read this structure — line {n}"),
                    None => "Could not read this structure".to_owned(),
                }}
            </p>
            <p class="error-message">{error.to_string()}</p>
            {excerpt}
        </div>
    }
}
