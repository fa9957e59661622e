//! Making a lesson: a title, whether students guess first, and steps taken from the structure
//! editor (whatever it holds: a gallery example, pasted or uploaded text), each with a note and
//! an optional question; steps move, go, or take the editor's structure again. Shared by
//! [`LessonShare`]; printed by the worksheet.

use leptos::prelude::*;

use super::LessonShare;
use crate::model::ModelStatus;
use crate::state::{LessonState, StructureState};

#[component]
pub fn LessonBuilder(
    lesson: LessonState,
    structure: StructureState,
    #[prop(into)] model: Signal<ModelStatus>,
    #[prop(into)] server_available: Signal<bool>,
) -> impl IntoView {
    // The editor's structure, when it reads: (text, formula).
    let readable = move || {
        let formula = structure.formula().get();
        (!formula.is_empty()).then(|| (structure.source.get(), formula))
    };
    let add = move |_| {
        if let Some((text, formula)) = readable() {
            lesson.add_step(text, formula);
        }
    };
    // Rebuilt when steps change, not while a note is typed (see `LessonState::draft_layout`).
    let form = move || {
        lesson.draft_layout.track();
        let draft = lesson.draft.get_untracked();
        let count = draft.steps.len();
        let steps = draft
            .steps
            .into_iter()
            .enumerate()
            .map(|(i, step)| view! { <StepEditor lesson=lesson structure=structure index=i count=count step=step /> })
            .collect_view();
        view! {
            <div class="lesson-fields">
                <label for="lesson-title">"Lesson title"</label>
                <input id="lesson-title" type="text" maxlength=shared::lesson::MAX_TITLE_CHARS.to_string()
                    placeholder="e.g. Why some crystals conduct"
                    prop:value=draft.title
                    on:input=move |ev| lesson.draft.update(|l| l.title = event_target_value(&ev)) />
                <label class="check">
                    <input id="lesson-guess-first" type="checkbox" prop:checked=draft.guess_first
                        on:change=move |ev| lesson.draft.update(|l| l.guess_first = event_target_checked(&ev)) />
                    " Guess first: students enter a guess before they see each prediction"
                </label>
            </div>
            {(count == 0).then(|| view! { <p class="muted" id="lesson-empty">"No steps yet: open a structure above, then add it."</p> })}
            <ol class="lesson-steps">{steps}</ol>
        }
    };
    view! {
        <details class="block lesson-builder" id="lesson-builder">
            <summary class="lesson-summary">"Make a lesson"</summary>
            <p class="muted">"A lesson is a sequence of structures, each with a note and a question, that students step through from one link."</p>
            {form}
            <div class="share-row">
                <button type="button" id="lesson-add-step" on:click=add disabled=move || readable().is_none()>
                    "Add this structure as a step"
                </button>
                <span class="muted">{move || match readable() {
                    Some((_, formula)) => format!("The editor holds {formula}."),
                    None => "Open a structure that reads to add it.".to_string(),
                }}</span>
            </div>
            <LessonShare lesson=lesson model=model server_available=server_available />
        </details>
    }
}

/// One step of the draft: its formula, note, question and the buttons that change it.
#[component]
fn StepEditor(
    lesson: LessonState,
    structure: StructureState,
    index: usize,
    count: usize,
    step: shared::lesson::LessonStep,
) -> impl IntoView {
    let n = index + 1;
    let formula = if step.formula.is_empty() { "structure".to_string() } else { step.formula.clone() };
    let retake = move |_| {
        let formula = structure.formula().get_untracked();
        if !formula.is_empty() {
            lesson.replace_structure(index, structure.source.get_untracked(), formula);
        }
    };
    let text = step.structure.clone();
    view! {
        <li class="lesson-step-edit" data-step=n.to_string() data-formula=step.formula.clone()>
            <h3 class="step-heading">{format!("Step {n}: {formula}")}</h3>
            <label for=format!("lesson-note-{n}")>{format!("Note for step {n}")}</label>
            <textarea id=format!("lesson-note-{n}") rows="2" maxlength=shared::lesson::MAX_NOTE_CHARS.to_string()
                prop:value=step.note
                on:input=move |ev| lesson.edit_step(index, |s| s.note = event_target_value(&ev))></textarea>
            <label for=format!("lesson-question-{n}")>{format!("Question for step {n} (optional)")}</label>
            <input id=format!("lesson-question-{n}") type="text" maxlength=shared::lesson::MAX_QUESTION_CHARS.to_string()
                prop:value=step.question.unwrap_or_default()
                on:input=move |ev| {
                    let question = event_target_value(&ev);
                    lesson.edit_step(index, |s| s.question = (!question.trim().is_empty()).then_some(question));
                } />
            <div class="step-buttons">
                <button type="button" aria-label=format!("Move step {n} up") disabled={index == 0}
                    on:click=move |_| lesson.move_step(index, index.saturating_sub(1))>"Move up"</button>
                <button type="button" aria-label=format!("Move step {n} down") disabled={n == count}
                    on:click=move |_| lesson.move_step(index, index + 1)>"Move down"</button>
                <button type="button" aria-label=format!("Show step {n} in the editor")
                    on:click=move |_| structure.open_text(text.clone())>"Show in the editor"</button>
                <button type="button" aria-label=format!("Replace step {n}'s structure with the editor's") on:click=retake>
                    "Use the editor's structure"
                </button>
                <button type="button" aria-label=format!("Remove step {n}") on:click=move |_| lesson.remove_step(index)>"Remove"</button>
            </div>
        </li>
    }
}
