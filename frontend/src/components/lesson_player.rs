//! Stepping through an open lesson: its title, "step k of n", the step's note and question,
//! previous/next (each loads the step's structure, predicted as usual), the guess-first switch,
//! the worksheet, and turning the lesson into a draft to change it.

use leptos::prelude::*;

use crate::state::{LessonState, StructureState};

#[component]
pub fn LessonPlayer(lesson: LessonState, structure: StructureState) -> impl IntoView {
    let title = move || {
        lesson
            .open
            .with(|l| l.as_ref().map(|l| l.title.trim().to_string()).filter(|t| !t.is_empty()))
            .unwrap_or_else(|| "Lesson".into())
    };
    let step = move || {
        let (index, count, step) = lesson.current()?;
        let formula = (!step.formula.is_empty()).then(|| format!(": {}", step.formula)).unwrap_or_default();
        Some(view! {
            <p class="lesson-progress" id="lesson-progress" data-step={(index + 1).to_string()} data-steps=count.to_string() aria-live="polite">
                {format!("Step {} of {count}{formula}", index + 1)}
            </p>
            {(!step.note.is_empty()).then(|| view! { <p class="lesson-note" id="lesson-note">{step.note.clone()}</p> })}
            {step.question.clone().map(|q| view! {
                <p class="lesson-question" id="lesson-question"><strong>"Question: "</strong>{q}</p>
            })}
            <div class="step-buttons">
                <button type="button" id="lesson-prev" disabled={index == 0}
                    on:click=move |_| lesson.go(index.saturating_sub(1), structure)>"Previous step"</button>
                <button type="button" id="lesson-next" disabled={index + 1 == count}
                    on:click=move |_| lesson.go(index + 1, structure)>"Next step"</button>
            </div>
        })
    };
    view! {
        <section class="panel lesson-player" id="lesson-player" aria-labelledby="lesson-player-title">
            <h2 id="lesson-player-title">{title}</h2>
            {step}
            <div class="step-buttons">
                <label class="check">
                    <input id="lesson-guess-toggle" type="checkbox" prop:checked=move || lesson.guess_first.get()
                        on:change=move |ev| lesson.guess_first.set(event_target_checked(&ev)) />
                    " Guess first (hide each prediction until I have guessed)"
                </label>
                <button type="button" id="lesson-print" on:click=move |_| lesson.print(false)>"Print worksheet"</button>
                <button type="button" id="lesson-edit" on:click=move |_| lesson.edit_open_lesson()>"Edit a copy of this lesson"</button>
                <button type="button" id="lesson-close" on:click=move |_| lesson.close()>"Close the lesson"</button>
            </div>
        </section>
    }
}
