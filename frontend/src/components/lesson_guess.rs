//! Guess first: at each step of an open lesson in guess-first mode, the student types a guess
//! for each of [`GUESSED_TASKS`] (in its unit) before the predictions show; then each guess is
//! shown beside the model's value ± σ and 95 % interval, and whether it fell inside.

use leptos::{ev, prelude::*};
use shared::task::by_name;

use crate::format::fixed;
use crate::lesson::guess::{Compared, GUESSED_TASKS, compare, read_guess};
use crate::model::PredictionState;
use crate::state::LessonState;

#[component]
pub fn LessonGuess(lesson: LessonState, #[prop(into)] prediction: Signal<PredictionState>) -> impl IntoView {
    let body = move || {
        lesson.step.track();
        if lesson.awaiting_guess() {
            view! { <GuessForm lesson=lesson /> }.into_any()
        } else {
            let guesses = lesson.current_guesses();
            match prediction.get() {
                Some(Ok(p)) => view! { <Comparison rows=compare(&guesses, &p.predictions) /> }.into_any(),
                Some(Err(_)) => {
                    view! { <p class="muted">"The model could not predict this structure (see below)."</p> }.into_any()
                }
                None => {
                    view! { <p class="muted">"Your guesses: the model's answer appears once it has predicted."</p> }
                        .into_any()
                }
            }
        }
    };
    view! {
        <Show when=move || lesson.open.with(Option::is_some) && lesson.guess_first.get()>
            <section class="block lesson-guess" id="lesson-guess" aria-labelledby="lesson-guess-heading">
                <h3 id="lesson-guess-heading">"Your guess"</h3>
                {body}
            </section>
        </Show>
    }
}

/// One field per guessed property, and the button that shows the model's answer.
#[component]
fn GuessForm(lesson: LessonState) -> impl IntoView {
    let tasks: Vec<_> = GUESSED_TASKS.iter().filter_map(|name| by_name(name)).collect();
    let texts: Vec<RwSignal<String>> = tasks.iter().map(|_| RwSignal::new(String::new())).collect();
    let problem = RwSignal::new(None::<String>);
    let fields = tasks
        .iter()
        .zip(&texts)
        .map(|(task, &text)| {
            let id = format!("guess-{}", task.name);
            view! {
                <div class="guess-field">
                    <label for=id.clone()>{format!("{} ({})", task.title, task.unit)}</label>
                    <input id=id type="text" inputmode="decimal" autocomplete="off" data-task=task.name
                        on:input=move |e| text.set(event_target_value(&e)) />
                </div>
            }
        })
        .collect_view();
    let submit = {
        let (tasks, texts) = (tasks.clone(), texts.clone());
        move |e: ev::SubmitEvent| {
            e.prevent_default();
            let mut guesses = Vec::new();
            for (task, text) in tasks.iter().zip(&texts) {
                match read_guess(&text.get_untracked()) {
                    Ok(Some(value)) => guesses.push((task.name.to_string(), value)),
                    Ok(None) => {}
                    Err(e) => return problem.set(Some(format!("{}: {e}.", task.title))),
                }
            }
            if guesses.is_empty() {
                problem.set(Some("Enter a guess for at least one property first.".into()));
            } else {
                problem.set(None);
                lesson.record_guesses(guesses);
            }
        }
    };
    view! {
        <form class="guess-form" on:submit=submit>
            <p class="muted">"The predictions stay hidden until you have guessed."</p>
            {fields}
            <button type="submit" id="lesson-reveal">"Show the model's answer"</button>
            {move || problem.get().map(|p| view! { <p class="status bad" id="guess-problem" role="alert">{p}</p> })}
        </form>
    }
}

/// Each guess beside the model's value, σ and 95 % interval.
#[component]
fn Comparison(rows: Vec<Compared>) -> impl IntoView {
    let rows = rows
        .into_iter()
        .map(|c| {
            let d = c.task.decimals;
            let unit = c.model.unit.clone();
            let verdict = if c.inside { "inside the interval" } else { "outside the interval" };
            view! {
                <tr data-task=c.task.name data-guess={c.guess.to_string()} data-inside={c.inside.to_string()}>
                    <th scope="row">{c.task.title}</th>
                    <td>{format!("{} {unit}", fixed(c.guess, d))}</td>
                    <td>{format!("{} ± {} {unit}", fixed(c.model.value, d), fixed(c.model.sigma, d))}</td>
                    <td data-low95={c.model.interval_95[0].to_string()} data-high95={c.model.interval_95[1].to_string()}>
                        {format!("{} to {} {unit}", fixed(c.model.interval_95[0], d), fixed(c.model.interval_95[1], d))}
                    </td>
                    <td class={if c.inside { "status ok" } else { "status warning" }}>{verdict}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="lesson-comparison" id="lesson-comparison">
            <caption>"Your guess beside the model's prediction (95 % interval: where the model expects the true value 95 % of the time)"</caption>
            <thead><tr><th scope="col">"Property"</th><th scope="col">"Your guess"</th><th scope="col">"Model"</th><th scope="col">"95 % interval"</th><th scope="col">"Your guess is"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
}
