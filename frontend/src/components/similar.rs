//! "Materials like this one": the training materials closest to the structure in the fused
//! embedding, with their space group, DFT labels and Materials Project page. The index arrives
//! after the first prediction (see `state::neighbours`).

use leptos::prelude::*;
use shared::api::SimilarMaterial;
use shared::composition::subscripted;
use shared::task::by_name;

use crate::{format::fixed, model::NeighboursStatus, state::ModelState};

/// The block under the stability one (nothing before a prediction is shown).
#[component]
pub fn SimilarMaterialsPanel(models: ModelState) -> impl IntoView {
    let ModelState { prediction, neighbours, .. } = models;
    move || {
        if !prediction.with(|p| matches!(p, Some(Ok(_)))) {
            return None;
        }
        let (state, body) = match (neighbours.status.get(), neighbours.placement.get()) {
            (NeighboursStatus::NotRequested | NeighboursStatus::Loading, _) => {
                ("loading", view! { <p class="muted">"Loading the training materials…"</p> }.into_any())
            }
            (NeighboursStatus::Failed(message), _) => (
                "failed",
                view! { <p class="status bad">"The training materials could not be loaded: " {message}</p> }.into_any(),
            ),
            (NeighboursStatus::Ready, None) => {
                ("none", view! { <p class="muted">"No neighbours for this prediction."</p> }.into_any())
            }
            (NeighboursStatus::Ready, Some(placement)) => {
                let rows = placement.similar.iter().map(material_row).collect_view();
                ("ready", view! {
                    <p class="muted">"The training materials closest to this structure in the model's fused embedding (distance in σ units per dimension), with their DFT values:"</p>
                    <ol class="similar">{rows}</ol>
                }
                .into_any())
            }
        };
        Some(view! {
            <section class="similar-materials" id="similar-materials" data-state=state aria-labelledby="similar-heading">
                <h4 id="similar-heading">"Materials like this one"</h4>
                {body}
            </section>
        })
    }
}

/// One material: formula linking to its Materials Project page, space group, labels, distance.
fn material_row(material: &SimilarMaterial) -> impl IntoView + use<> {
    let labels = material
        .labels
        .iter()
        .filter_map(|(name, value)| Some((by_name(name)?, *value)))
        .map(|(task, value)| format!("{} {} {}", task.title.to_lowercase(), fixed(value, task.decimals), task.unit))
        .collect::<Vec<_>>()
        .join(" · ");
    view! {
        <li data-material-id=material.material_id.clone() data-distance=format!("{:e}", material.distance)>
            <a href=material.url.clone() target="_blank" rel="noopener">{subscripted(&material.formula)}</a>
            " " <span class="space-group">{material.space_group.symbol.clone()} " (" {material.space_group.number} ")"</span>
            " " <span class="muted">{material.material_id.clone()} ", distance " {fixed(material.distance, 2)}</span>
            <br />
            <span class="labels">{labels}</span>
        </li>
    }
}
