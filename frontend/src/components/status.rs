//! One-line status under the editor: waiting, result in brief and how long the analysis took.

use leptos::prelude::*;

use crate::{analysis::Analysis, format::millis};

/// A polite live region, so screen readers hear the outcome of each analysis.
#[component]
pub fn Status(#[prop(into)] analysis: Signal<Option<Analysis>>, #[prop(into)] waiting: Signal<bool>) -> impl IntoView {
    let message = Memo::new(move |_| {
        if waiting.get() {
            return ("status", "Analysing when you pause typing…".to_owned());
        }
        match analysis.get() {
            None => ("status", "Nothing analysed yet.".to_owned()),
            Some(Analysis { outcome: Ok(report), elapsed_ms, .. }) => {
                ("status ok", format!("Read {} · analysed in {}", atoms(report.natoms), millis(elapsed_ms)))
            }
            Some(Analysis { outcome: Err(_), elapsed_ms, .. }) => {
                ("status bad", format!("Could not read the structure · {}", millis(elapsed_ms)))
            }
        }
    });
    view! {
        <p id="structure-status" class=move || message.read().0 role="status" aria-live="polite">
            {move || message.read().1.clone()}
        </p>
    }
}

/// "1 atom", "8 atoms".
fn atoms(n: usize) -> String {
    if n == 1 { "1 atom".to_owned() } else { format!("{n} atoms") }
}
