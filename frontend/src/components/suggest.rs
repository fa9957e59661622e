//! "What to compute next" (with the matfuse server only): pick a pool of structures (a CSV table,
//! structure files or a zip), the number to suggest and the property; the server ranks the pool
//! by how much the model's views disagree (`POST /api/v1/suggest`) and the ranking shows as a
//! table that downloads as CSV.

use leptos::{prelude::*, task::spawn_local};
use shared::api::SuggestResponse;
use shared::task::{CRYSTAL_TASKS, by_name};
use wasm_bindgen::JsCast;

use super::batch::save_text;
use crate::{format::fixed, server_api, suggest};

#[component]
pub fn SuggestPanel() -> impl IntoView {
    let files = StoredValue::new_local(Vec::<web_sys::File>::new());
    let k = RwSignal::new(50usize);
    let property = RwSignal::new(CRYSTAL_TASKS[0].to_string());
    let busy = RwSignal::new(false);
    let answer = RwSignal::new(None::<Result<SuggestResponse, String>>);
    // Answers received (for whoever waits for the next one, e.g. the browser tests).
    let answers = RwSignal::new(0u32);

    let rank = move |_| {
        let chosen = files.get_value();
        if chosen.is_empty() {
            answer.set(Some(Err(
                "Choose a pool of structures first (a CSV with a cif column, structure files or a zip).".into(),
            )));
            return;
        }
        let (k, property) = (k.get_untracked(), property.get_untracked());
        busy.set(true);
        answer.set(None);
        spawn_local(async move {
            let mut contents = Vec::with_capacity(chosen.len());
            for file in chosen {
                let bytes = wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await;
                contents.push((file.name(), bytes.map(|b| js_sys::Uint8Array::new(&b).to_vec()).unwrap_or_default()));
            }
            let (body, content_type) = suggest::pool_body(&contents);
            let result = server_api::suggest(body, &content_type, k, &property)
                .await
                .map_err(|e| format!("The server could not rank this pool: {e}"));
            busy.set(false);
            answer.set(Some(result));
            answers.update(|n| *n += 1);
        });
    };
    let download = move |_| {
        let Some(Ok(a)) = answer.get_untracked() else { return };
        if let Err(e) = save_text("matfuse-suggestions.csv", &suggest::ranking_csv(&a)) {
            answer.set(Some(Err(format!("The CSV could not be saved: {e}"))));
        }
    };

    view! {
        <section class="suggest" id="suggest" aria-labelledby="suggest-heading" data-answers=move || answers.get().to_string()>
            <h3 id="suggest-heading">"What to compute next"</h3>
            <p class="muted">"Rank a pool of unlabelled structures by how much the model's views disagree about a property: the most disputed are where a DFT calculation would teach the model most. Runs on the server."</p>
            <div class="suggest-controls">
                <label><span>"Pool (CSV with a "<code>"cif"</code>" column, structure files or a zip)"</span>
                    <input type="file" id="suggest-files" multiple accept=".csv,.cif,.vasp,.poscar,.xyz,.extxyz,.json,.zip,.txt"
                        on:change=move |e: leptos::ev::Event| {
                            let list = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()).and_then(|i| i.files());
                            let chosen: Vec<web_sys::File> = list.map(|l| (0..l.length()).filter_map(|i| l.get(i)).collect()).unwrap_or_default();
                            files.set_value(chosen);
                        } />
                </label>
                <label>"How many to suggest"
                    <input type="number" id="suggest-k" min="1" max="1000" step="1" prop:value=move || k.get().to_string()
                        on:change=move |e| k.set(event_target_value(&e).parse::<usize>().unwrap_or(50).clamp(1, 1000)) />
                </label>
                <label>"Property"
                    <select id="suggest-property" on:change=move |e| property.set(event_target_value(&e))>
                        {CRYSTAL_TASKS.iter().map(|&name| {
                            let label = by_name(name).map_or(name.to_string(), |t| t.title.to_string());
                            view! { <option value=name selected={name == CRYSTAL_TASKS[0]}>{label}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <button type="button" id="suggest-run" on:click=rank disabled=move || busy.get()>
                    {move || if busy.get() { "Ranking…" } else { "Rank the pool" }}
                </button>
            </div>
            {move || answer.get().map(|result| match result {
                Err(e) => view! { <p class="status bad" id="suggest-error" role="alert">{e}</p> }.into_any(),
                Ok(a) => view! { <Ranking answer=a on_download=download /> }.into_any(),
            })}
        </section>
    }
}

/// The ranked table with what it means, the structures that failed, and the CSV download.
#[component]
fn Ranking(answer: SuggestResponse, on_download: impl Fn(leptos::ev::MouseEvent) + 'static) -> impl IntoView {
    let unit = answer.unit.clone();
    let title = by_name(&answer.property).map_or(answer.property.clone(), |t| t.title.to_string());
    let meaning = format!(
        "Ranked by the committee's disagreement: the spread of the {} predicted by the model's views ({}), model {}. \
         σ is the model's own uncertainty; the OOD score is the distance from the training data.",
        title.to_lowercase(),
        answer.committee.join(", "),
        answer.model.id
    );
    let failed = (!answer.failed.is_empty()).then(|| {
        let list = answer.failed.iter().map(|f| format!("{} ({})", f.name, f.error)).collect::<Vec<_>>().join("; ");
        view! { <p class="status bad" id="suggest-failed">{format!("{} of {} could not be ranked: {list}", answer.failed.len(), answer.pool)}</p> }
    });
    let rows = answer
        .ranked
        .iter()
        .map(|s| {
            let ood =
                s.ood_score.map_or_else(|| "—".to_string(), |x| format!("{} ({})", fixed(x, 2), s.ood_level.as_str()));
            view! {
                <tr data-name=s.name.clone() data-disagreement=s.disagreement.to_string()>
                    <td class="num">{s.rank}</td>
                    <td>{s.name.clone()}</td>
                    <td>{s.formula.clone()}</td>
                    <td class="num">{fixed(s.disagreement, 4)}</td>
                    <td class="num">{fixed(s.sigma, 3)}</td>
                    <td>{ood}</td>
                    <td class="num">{fixed(s.value, 3)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <p class="muted" id="suggest-meaning">{meaning}" "<span title=answer.method.clone()>"How: "{answer.method.clone()}"."</span></p>
        {failed}
        <div class="batch-actions">
            <button type="button" id="suggest-download" on:click=on_download>"Download ranking (CSV)"</button>
        </div>
        <div class="table-scroll">
            <table class="batch-table" id="suggest-table">
                <caption>{format!("{} of {} structures, most disputed first", answer.ranked.len(), answer.pool)}</caption>
                <thead>
                    <tr>
                        <th scope="col">"Rank"</th>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Formula"</th>
                        <th scope="col">{format!("Disagreement ({unit})")}</th>
                        <th scope="col">{format!("σ ({unit})")}</th>
                        <th scope="col">"OOD score"</th>
                        <th scope="col">{format!("{title} ({unit})")}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
