//! The molecule bundles' predictions: each task's value with σ (or the probability of a
//! classifier) as a card that, pointed at or pressed, highlights the atoms that drove it; per
//! model the gate over the views and the prediction with each view removed; where and how fast
//! it ran. Numbers also sit in `data-` attributes (tests read them) and every card has words a
//! screen reader says.

use leptos::prelude::*;
use shared::api::{MoleculePrediction, MoleculeTaskValue, ViewWeights};

use crate::format::millis;
use crate::molecule::view::Selection;
use crate::state::{MoleculeModelsStatus, MoleculeState};

#[component]
pub fn MoleculePredictions(molecule: MoleculeState, hover: RwSignal<Option<Selection>>) -> impl IntoView {
    let status = move || {
        match molecule.models_status.get() {
        MoleculeModelsStatus::NotRequested | MoleculeModelsStatus::Loading => {
            Some(view! { <p class="muted" role="status">"Loading the molecule models…"</p> }.into_any())
        }
        MoleculeModelsStatus::Failed(message) => Some(
            view! { <p class="status bad" id="molecule-prediction-error" role="alert">{format!("The molecule models could not load: {message}")}</p> }
                .into_any(),
        ),
        MoleculeModelsStatus::Ready(_) => None,
    }
    };
    let answer = move || {
        let answer = molecule.answer.get()?;
        let load_ms = match molecule.models_status.get_untracked() {
            MoleculeModelsStatus::Ready(summary) => summary.load_ms,
            _ => 0.0,
        };
        Some(match answer {
            Err(message) => {
                view! { <p class="status bad" id="molecule-prediction-error" role="alert">{message}</p> }.into_any()
            }
            Ok(answer) => {
                let models = answer
                    .predictions
                    .iter()
                    .map(|p| view! { <ModelBlock prediction=p.clone() selection=molecule.selection hover=hover /> })
                    .collect_view();
                let explained = match answer.explain_ms {
                    Some(ms) => format!("explained in {}", millis(ms)),
                    None => "explaining (each view removed, the atoms, the fingerprint bits)…".to_string(),
                };
                view! {
                    <p
                        class="muted"
                        id="molecule-run-info"
                        data-device="cpu"
                        data-predict-ms=answer.predict_ms
                        data-explain-ms=answer.explain_ms
                        data-load-ms=load_ms
                    >
                        {format!(
                            "{} models on the CPU (WebAssembly) · predicted in {} · {explained} · loaded in {}",
                            answer.predictions.len(),
                            millis(answer.predict_ms),
                            millis(load_ms)
                        )}
                    </p>
                    {models}
                }
                .into_any()
            }
        })
    };
    view! {
        <div class="molecule-predictions" aria-live="polite">
            {status}
            {answer}
        </div>
    }
}

/// One model's cards, gate and view-removed table.
#[component]
fn ModelBlock(
    prediction: MoleculePrediction,
    selection: RwSignal<Selection>,
    hover: RwSignal<Option<Selection>>,
) -> impl IntoView {
    let id = prediction.model.id.clone();
    let cards = prediction
        .tasks
        .iter()
        .map(|task| {
            let this = Selection::Task { name: task.task.clone() };
            let pressed = {
                let this = this.clone();
                move || selection.with(|s| *s == this)
            };
            let (enter, focus, click) = (this.clone(), this.clone(), this);
            view! {
                <li>
                    <button
                        type="button"
                        class="card mol-card mol-task"
                        class:selected=pressed.clone()
                        aria-pressed=move || pressed().to_string()
                        data-task=task.task.clone()
                        data-value=task.value
                        data-sigma=task.sigma
                        data-probability=task.probability
                        on:mouseenter=move |_| hover.set(Some(enter.clone()))
                        on:mouseleave=move |_| hover.set(None)
                        on:focus=move |_| hover.set(Some(focus.clone()))
                        on:blur=move |_| hover.set(None)
                        on:click=move |_| {
                            let this = click.clone();
                            selection.update(|s| *s = if *s == this { Selection::None } else { this });
                        }
                    >
                        <span class="card-title">{task.task.clone()}</span>
                        " "
                        <span class="card-value">{value_text(task)}</span>
                    </button>
                </li>
            }
        })
        .collect_view();
    let untrained = (!prediction.model.trained)
        .then(|| view! { <p class="status warning">"This model is untrained: its numbers mean nothing."</p> });
    let removed = (!prediction.without_view.is_empty()).then(|| {
        let rows = prediction
            .without_view
            .iter()
            .map(|removed| {
                let view_name = serde_json::to_value(removed.view).ok().and_then(|v| v.as_str().map(str::to_string));
                let view_name = view_name.unwrap_or_default();
                let cells = removed
                    .tasks
                    .iter()
                    .map(|t| view! { <td data-task=t.task.clone() data-value=t.value>{value_text(t)}</td> })
                    .collect_view();
                view! { <tr data-without=view_name.clone()><th scope="row">{format!("without the {view_name}")}</th>{cells}</tr> }
            })
            .collect_view();
        view! {
            <table class="ablation">
                <caption>"The prediction with each view removed"</caption>
                <tbody>{rows}</tbody>
            </table>
        }
    });
    view! {
        <section class="block mol-model" data-model=id.clone() aria-label=format!("Model {id}")>
            <h3>{format!("{id} · {} fusion", prediction.fusion)}</h3>
            {untrained}
            <ul class="mol-tasks">{cards}</ul>
            {prediction.gate.as_ref().map(gate_view)}
            {removed}
        </section>
    }
}

/// "−2.31 ± 0.42 log(mol/L)" or "probability 0.83".
fn value_text(task: &MoleculeTaskValue) -> String {
    match (task.probability, task.sigma) {
        (Some(p), _) => format!("probability {p:.2}"),
        (None, Some(sigma)) => format!("{:.2} ± {sigma:.2} {}", task.value, task.unit),
        (None, None) => format!("{:.2} {}", task.value, task.unit),
    }
}

/// The gate's weights over the views, as percentages.
fn gate_view(gate: &ViewWeights) -> impl IntoView + use<> {
    let mut weights = vec![("graph", gate.graph), ("SMILES", gate.smiles), ("fingerprint", gate.fingerprint)];
    weights.extend(gate.cross.map(|c| ("cross-attention", c)));
    let items = weights
        .into_iter()
        .map(|(name, w)| {
            let key = name.split('-').next().unwrap_or(name).to_lowercase();
            view! { <li data-view-gate=key data-weight=w>{format!("{name} {:.0} %", 100.0 * w)}</li> }
        })
        .collect_view();
    view! {
        <div class="gate">
            <p class="muted">"How much each view counted (the gate):"</p>
            <ul class="mol-tasks">{items}</ul>
        </div>
    }
}
