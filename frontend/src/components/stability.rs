//! Energy above the convex hull of known phases and what the structure would decompose into,
//! with the probability of lying on the hull; the reference phases arrive after the first
//! prediction (see `state::models`).

use leptos::prelude::*;
use shared::api::{HullEstimator, Stability};
use shared::composition::subscripted;

use crate::{format::fixed, model::PhasesStatus, state::ModelState};

/// The stability block under the property cards (nothing before a prediction is shown).
#[component]
pub fn StabilityPanel(models: ModelState) -> impl IntoView {
    let ModelState { prediction, phases_status, stability, .. } = models;
    move || {
        if !prediction.with(|p| matches!(p, Some(Ok(_)))) {
            return None;
        }
        let body = match (phases_status.get(), stability.get()) {
            (PhasesStatus::NotRequested | PhasesStatus::Loading, _) => {
                ("loading", view! { <p class="muted">"Loading the known phases for the convex hull…"</p> }.into_any())
            }
            (PhasesStatus::Failed(message), _) => (
                "failed",
                view! { <p class="status bad">"No energy above hull: the known phases could not be loaded: " {message}</p> }
                    .into_any(),
            ),
            (PhasesStatus::Ready, None) => (
                "none",
                view! {
                    <p class="muted">
                        "No energy above hull for this structure (the model predicts no formation energy, or the composition has more elements than the hull handles)."
                    </p>
                }
                .into_any(),
            ),
            (PhasesStatus::Ready, Some(stability)) => ("ready", view! { <StabilityView stability=stability /> }.into_any()),
        };
        let (state, body) = body;
        Some(view! {
            <section class="stability" id="stability" data-state=state aria-labelledby="stability-heading">
                <h4 id="stability-heading">"Stability"</h4>
                {body}
            </section>
        })
    }
}

#[component]
fn StabilityView(stability: Stability) -> impl IntoView {
    let (chosen, other) = match stability.estimator {
        HullEstimator::ConvexHull => (
            "from the predicted formation energy and the convex hull of known phases",
            stability.direct_energy_above_hull.map(|v| ("the model's own energy-above-hull output", v)),
        ),
        HullEstimator::DirectHead => (
            "the model's own energy-above-hull output",
            Some(("from the predicted formation energy and the convex hull", stability.convex_hull_energy_above_hull)),
        ),
    };
    let other = other.map(|(name, value)| view! { <span class="muted">" Other estimate, " {name} ": " {fixed(value, 3)} " eV/atom."</span> });
    let below = (stability.convex_hull_energy_above_hull < 0.0).then(|| {
        view! {
            <p class="muted">
                "The predicted formation energy lies " {fixed(-stability.convex_hull_energy_above_hull, 3)}
                " eV/atom below the known hull: if true, this would be a new stable phase."
            </p>
        }
    });
    let products = stability
        .decomposition
        .iter()
        .map(|p| {
            view! {
                <li data-product=p.formula.clone() data-fraction=format!("{:e}", p.fraction)>
                    {fixed(p.fraction, 3)} " " {subscripted(&p.formula)}
                </li>
            }
        })
        .collect_view();
    let probability = format!("{} %", fixed(stability.probability_on_hull * 100.0, 0));
    let estimator = match stability.estimator {
        HullEstimator::ConvexHull => "convex_hull",
        HullEstimator::DirectHead => "direct_head",
    };
    view! {
        <p
            class="hull-energy"
            data-energy-above-hull=format!("{:e}", stability.energy_above_hull)
            data-estimator=estimator
            data-probability=format!("{:e}", stability.probability_on_hull)
        >
            "Energy above hull: " <strong>{fixed(stability.energy_above_hull, 3)} " eV/atom"</strong> ", " {chosen} "."
            {other}
        </p>
        <p>"Probability of lying on the hull, given the formation energy's σ: " <strong>{probability}</strong></p>
        {below}
        <p>"At this composition the hull is made of:"</p>
        <ul class="decomposition" id="decomposition" aria-label="Decomposition products (fraction of atoms)">{products}</ul>
        <p class="caveat">{stability.caveat.clone()}</p>
    }
}
