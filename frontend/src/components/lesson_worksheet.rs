//! The printable worksheet of a lesson: its title, and per step the formula, the structure's
//! text (the 3-D view does not print reliably), the note, the question and room to answer.
//! Hidden on screen; `style.css`'s `@media print` shows it alone.

use leptos::prelude::*;
use shared::lesson::{Lesson, LessonStep};
use shared::task::by_name;

use crate::lesson::guess::GUESSED_TASKS;

/// Structure lines printed per step; the rest is counted.
const PRINTED_LINES: usize = 40;

#[component]
pub fn LessonWorksheet(#[prop(into)] lesson: Signal<Option<Lesson>>) -> impl IntoView {
    move || {
        lesson.get().map(|lesson| {
            let title = if lesson.title.trim().is_empty() { "Lesson".to_string() } else { lesson.title.clone() };
            let guess_first = lesson.guess_first;
            let steps = lesson
                .steps
                .into_iter()
                .enumerate()
                .map(|(i, step)| view! { <WorksheetStep n=i + 1 step=step guess_first=guess_first /> })
                .collect_view();
            view! {
                <section class="worksheet" id="lesson-worksheet" aria-label="Printable worksheet">
                    <h1 class="worksheet-title">{title}</h1>
                    <p class="worksheet-name">"Name: ______________________   Date: ____________"</p>
                    {steps}
                </section>
            }
        })
    }
}

#[component]
fn WorksheetStep(n: usize, step: LessonStep, guess_first: bool) -> impl IntoView {
    let formula = if step.formula.is_empty() { "structure".to_string() } else { step.formula.clone() };
    let lines: Vec<&str> = step.structure.lines().collect();
    let mut text = lines.iter().take(PRINTED_LINES).copied().collect::<Vec<_>>().join("\n");
    if lines.len() > PRINTED_LINES {
        text.push_str(&format!("\n… ({} more lines)", lines.len() - PRINTED_LINES));
    }
    let guesses = guess_first.then(|| {
        GUESSED_TASKS
            .iter()
            .filter_map(|name| by_name(name))
            .map(|task| view! { <p class="worksheet-guess">{format!("My guess, {}: ________ {}", task.title, task.unit)}</p> })
            .collect_view()
    });
    view! {
        <article class="worksheet-step" data-step=n.to_string()>
            <h2>{format!("Step {n}: {formula}")}</h2>
            {(!step.note.is_empty()).then(|| view! { <p class="worksheet-note">{step.note.clone()}</p> })}
            <pre class="worksheet-structure">{text}</pre>
            {guesses}
            {step.question.map(|q| view! { <p class="worksheet-question"><strong>"Question: "</strong>{q}</p> })}
            <div class="answer-space" aria-hidden="true"></div>
        </article>
    }
}
