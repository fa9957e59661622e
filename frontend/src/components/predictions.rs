//! The model's predictions for the current structure: where and how fast it ran, one card per
//! property (value ± σ, meaning, caveat, and the server's full-fusion value beside it), the
//! modality gate and the predictions with one input removed.

use std::sync::Arc;

use leptos::prelude::*;
use shared::api::{ModalityWeights, OodLevel, OodReport, PropertyValue};
use shared::task::{Task, by_name};

use super::{DeviceNote, SimilarMaterialsPanel, StabilityPanel, TrainingMapPanel};
use crate::{
    format::{fixed, millis},
    model::{FullFusionState, FullFusionStatus, LocalPrediction, ModelStatus, ModelSummary},
    state::{ModelState, neighbours::NeighbourState},
};

/// The predictions block: loading / failure notes, or the results.
#[component]
pub fn PredictionPanel(models: ModelState) -> impl IntoView {
    let ModelState { status, prediction, full_status, full_prediction, .. } = models;
    let body = move || match (status.get(), prediction.get()) {
        (ModelStatus::Loading, _) => view! { <p class="muted" id="model-loading">"Loading the model…"</p> }.into_any(),
        (ModelStatus::Failed(message), _) => view! {
            <p class="status bad" id="model-error">"The model could not be loaded: " {message}</p>
        }
        .into_any(),
        (ModelStatus::Ready(_), None) => view! { <p class="muted">"Predicting…"</p> }.into_any(),
        (ModelStatus::Ready(_), Some(Err(message))) => view! {
            <p class="status bad" id="prediction-error">"The model could not predict this structure: " {message}</p>
        }
        .into_any(),
        (ModelStatus::Ready(summary), Some(Ok(prediction))) => {
            let switch = Callback::new(move |kind| models.use_device(kind));
            view! { <PredictionView summary=summary prediction=prediction full_status=full_status full_prediction=full_prediction neighbours=models.neighbours switch=switch /> }
                .into_any()
        }
    };
    view! {
        <section class="block predictions" aria-labelledby="predictions-heading" aria-live="polite">
            <h3 id="predictions-heading">"Predicted properties"</h3>
            {body}
            <StabilityPanel models=models />
            <SimilarMaterialsPanel models=models />
            <TrainingMapPanel models=models />
        </section>
    }
}

#[component]
fn PredictionView(
    summary: ModelSummary,
    prediction: Arc<LocalPrediction>,
    #[prop(into)] full_status: Signal<FullFusionStatus>,
    #[prop(into)] full_prediction: Signal<FullFusionState>,
    neighbours: NeighbourState,
    switch: Callback<crate::model::DeviceKind>,
) -> impl IntoView {
    let own_ood = prediction.ood.clone();
    let trained = if summary.trained {
        view! { <span>"trained"</span> }.into_any()
    } else {
        view! { <strong class="warning">"untrained: its numbers are meaningless"</strong> }.into_any()
    };
    let cards = prediction
        .predictions
        .iter()
        .filter_map(|(name, value)| Some((by_name(name)?, value.clone())))
        .map(|(info, value)| view! { <PropertyCard info=info value=value full=full_prediction /> })
        .collect_view();
    view! {
        <p
            class="run-info"
            id="run-info"
            data-device=prediction.device.id()
            data-inference-ms=format!("{:.3}", prediction.inference_ms)
            data-total-ms=format!("{:.3}", prediction.total_ms)
            data-load-ms=format!("{:.1}", summary.load_ms)
        >
            "Ran in this page on " <strong>{prediction.device.label()}</strong> " in "
            {millis(prediction.inference_ms)} " (" {millis(prediction.total_ms)}
            " with the single-input predictions)." <DeviceNote choice=summary.device_choice.clone() on_switch=switch />
        </p>
        <p class="model-info" data-trained=summary.trained.to_string()>
            "Model " <code>{summary.id}</code> " " {summary.version} " · " {trained}
        </p>
        <FullFusionNote status=full_status prediction=full_prediction />
        {move || {
            let (report, from_neighbours) = neighbours.ood_or(&own_ood);
            view! { <OodNote report=report from_neighbours=from_neighbours /> }
        }}
        // One Tab stop for the cards, so that keyboard users reach the numbers (and see them scrolled into view).
        <div class="cards" role="group" aria-label="Predicted values" tabindex="0">{cards}</div>
        <Contributions prediction=prediction />
    }
}

/// What the ± means, on hover.
const SIGMA_MEANING: &str = "± σ: the predicted standard deviation, rescaled on the validation split so that about 68 % of true values fall within ± σ (the model card lists the measured test coverage).";

/// What the 95 % interval means, on hover.
const INTERVAL_MEANING: &str = "Central 95 % interval: fitted on the validation split so that 95 % of true values fall inside it. It is wider than ± 2σ where the model's errors are heavy-tailed.";

/// One property: value ± σ in its unit, what it means and its caveat; the full-fusion value
/// under it once the server's model has answered.
#[component]
fn PropertyCard(info: &'static Task, value: PropertyValue, full: Signal<FullFusionState>) -> impl IntoView {
    let full_value = move || {
        let v = full.with(|f| {
            let p = f.as_ref()?.as_ref().ok()?;
            p.predictions.iter().find(|(name, _)| *name == info.name).map(|(_, v)| v.clone())
        })?;
        Some(view! {
            <p class="full-fusion-value" data-value=exact(v.value) data-sigma=exact(v.sigma)>
                "Full fusion: " {fixed(v.value, info.decimals)} " ± " {fixed(v.sigma, info.decimals)} " " {v.unit.clone()}
            </p>
        })
    };
    view! {
        <article class="card" data-property=info.name data-value=exact(value.value) data-sigma=exact(value.sigma)>
            <h4>{info.title}</h4>
            <p class="value">
                <span class="number">{fixed(value.value, info.decimals)}</span>
                <span class="sigma" title=SIGMA_MEANING>" ± " {fixed(value.sigma, info.decimals)}</span>
                " " <span class="unit">{value.unit.clone()}</span>
            </p>
            <p class="interval" title=INTERVAL_MEANING data-low95=exact(value.interval_95[0]) data-high95=exact(value.interval_95[1])>
                "95 % interval: " {fixed(value.interval_95[0], info.decimals)} " to " {fixed(value.interval_95[1], info.decimals)} " " {value.unit.clone()}
            </p>
            <p class="meaning">{info.meaning}</p>
            {full_value}
            <p class="caveat">{info.caveat}</p>
        </article>
    }
}

/// Where the server's full-fusion model stands: loading, unavailable (and why), or what ran
/// where and how long it took. Nothing on a static host.
#[component]
fn FullFusionNote(status: Signal<FullFusionStatus>, prediction: Signal<FullFusionState>) -> impl IntoView {
    move || {
        let (state, text) = match (status.get(), prediction.get()) {
            (FullFusionStatus::NoServer, _) => return None,
            (FullFusionStatus::Loading, _) => ("loading", "Loading the server's full-fusion model…".to_string()),
            (FullFusionStatus::Unavailable(reason), _) => {
                ("unavailable", format!("No full-fusion prediction: {reason}."))
            }
            (FullFusionStatus::Ready(_), None) => {
                ("predicting", "Full fusion: the server's text encoder is reading the description…".into())
            }
            (FullFusionStatus::Ready(_), Some(Err(e))) => ("failed", format!("The full-fusion prediction failed: {e}")),
            (FullFusionStatus::Ready(m), Some(Ok(p))) => (
                "ready",
                format!(
                    "Full fusion (on each card): model {} {}{}, the description read by the server's {} in {}, fused in this page on {} in {}.",
                    m.id,
                    m.version,
                    if m.trained { "" } else { " (untrained: its numbers are meaningless)" },
                    m.encoder,
                    millis(p.embed_ms),
                    m.device.label(),
                    millis(p.inference_ms)
                ),
            ),
        };
        Some(view! { <p class="full-fusion muted" id="full-fusion" data-state=state role="status">{text}</p> })
    }
}

/// The gate's weights over the inputs and the predictions with one input removed.
#[component]
fn Contributions(prediction: Arc<LocalPrediction>) -> impl IntoView {
    let gate = prediction.gate.clone().map(|gate| view! { <GateBars gate=gate /> });
    let rows = prediction
        .predictions
        .iter()
        .zip(prediction.without_text.iter())
        .zip(prediction.without_graph.iter())
        .filter_map(|(((name, both), (_, graph)), (_, text))| Some((by_name(name)?, both, graph, text)))
        .map(|(info, both, graph, text)| {
            let cell = |class: &'static str, v: &PropertyValue| {
                view! { <td class=class data-value=exact(v.value)>{fixed(v.value, info.decimals)}</td> }
            };
            view! {
                <tr data-property=info.name>
                    <th scope="row">{info.title} " (" {both.unit.clone()} ")"</th>
                    {cell("both", both)}
                    {cell("graph-only", graph)}
                    {cell("text-only", text)}
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="contributions" aria-labelledby="contributions-heading">
            <h4 id="contributions-heading">"What the two inputs contribute"</h4>
            {gate}
            <table class="ablation">
                <caption>"Prediction with one input removed"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Property"</th>
                        <th scope="col">"Both"</th>
                        <th scope="col">"Crystal graph only"</th>
                        <th scope="col">"Description only"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
}

/// The fusion gate as labelled bars (weights sum to 1).
#[component]
fn GateBars(gate: ModalityWeights) -> impl IntoView {
    let parts = [
        ("graph", "Crystal graph", Some(gate.graph)),
        ("text", "Description", Some(gate.text)),
        ("cross", "Cross-attention", gate.cross),
    ];
    let bars = parts
        .into_iter()
        .filter_map(|(id, label, weight)| Some((id, label, weight?)))
        .map(|(id, label, weight)| {
            let percent = format!("{}%", fixed(weight * 100.0, 0));
            view! {
                <div class="gate-row" data-gate=id data-weight=exact(weight)>
                    <dt>{label}</dt>
                    <dd>
                        <span class="bar" style=format!("width: {:.1}%", weight * 100.0)></span>
                        <span class="bar-label">{percent}</span>
                    </dd>
                </div>
            }
        })
        .collect_view();
    view! {
        <p class="muted">"Weight the model gave each view of the structure (its fusion gate):"</p>
        <dl class="gate">{bars}</dl>
    }
}

/// A number for `data-` attributes, at full f64 precision (tests compare these).
fn exact(x: f64) -> String {
    format!("{x:e}")
}

/// The out-of-distribution warning: elements the model never saw, or a structure farther from
/// the training data than most training structures are.
#[component]
fn OodNote(report: OodReport, #[prop(optional)] from_neighbours: bool) -> impl IntoView {
    let quantile = report.training_quantile.map(|q| format!("{:.1} %", q * 100.0));
    // The percentile's reference: held-out structures' distances to their nearest training
    // structures, or the training structures' own distances from the centre.
    let farther = |q: &str| match from_neighbours {
        true => format!("farther from its nearest training structures than {q} of held-out structures are from theirs"),
        false => format!("farther from the training data's centre than {q} of the training structures"),
    };
    let unseen = (!report.unseen_elements.is_empty()).then(|| {
        format!(
            "No training structure contains {}: the model has never seen {}. ",
            report.unseen_elements.join(", "),
            if report.unseen_elements.len() == 1 { "this element" } else { "these elements" }
        )
    });
    let text = match report.level {
        OodLevel::Typical => format!(
            "Typical input: like the training data{}.",
            quantile.as_deref().map(|q| format!(" ({})", farther(q))).unwrap_or_default()
        ),
        OodLevel::Unusual => {
            format!("Unusual input: {}. Treat the numbers with care.", farther(quantile.as_deref().unwrap_or_default()))
        }
        OodLevel::OutOfDistribution => format!(
            "{}Out of distribution{}: the predictions are extrapolations and may be badly wrong.",
            unseen.unwrap_or_default(),
            quantile.as_deref().map(|q| format!(" ({})", farther(q))).unwrap_or_default()
        ),
        OodLevel::Unknown => {
            format!("{}No out-of-distribution check: {}.", unseen.unwrap_or_default(), report.method)
        }
    };
    let class = format!("ood {}", ood_level_class(report.level));
    let alert = matches!(report.level, OodLevel::OutOfDistribution | OodLevel::Unusual).then_some("alert");
    view! {
        <p class=class id="ood-note" data-level=report.level.as_str() title=report.method.clone() role=alert>
            {text}
        </p>
    }
}

/// The CSS class that colours an out-of-distribution level, shared by the single view's note
/// (`.ood.*`) and the batch table's cell (`.ood-cell.*`).
pub(super) fn ood_level_class(level: OodLevel) -> &'static str {
    match level {
        OodLevel::Typical => "typical",
        OodLevel::Unusual => "unusual",
        OodLevel::OutOfDistribution => "out",
        OodLevel::Unknown => "unknown",
    }
}
