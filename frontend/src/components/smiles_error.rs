//! A SMILES that does not read: what is wrong, the SMILES with a caret under the character the
//! error names (`SmilesError::position`, 0-based; the page counts from 1), and a button that
//! selects that character in the field.

use leptos::prelude::*;
use shared::molecule::SmilesError;

#[component]
pub fn SmilesErrorNote(error: SmilesError, smiles: String, on_show: Callback<usize>) -> impl IntoView {
    let position = error.position;
    view! {
        <div id="smiles-error" class="error-note" data-position=position role="alert">
            <p class="error-title">{format!("Could not read this SMILES — character {}", position + 1)}</p>
            <p class="error-message">{error.kind.to_string()}</p>
            <pre class="excerpt" aria-hidden="true">{format!("{smiles}\n{}^", " ".repeat(position))}</pre>
            <button type="button" class="link-button" on:click=move |_| on_show.run(position)>
                {format!("Select character {} in the field", position + 1)}
            </button>
        </div>
    }
}
