//! The `browser` model's nearest-neighbour index in the page: fetched once, after the first
//! prediction; then every shown prediction is placed among the training materials by the
//! server's own code (`models::ood::assess` with the index, `NeighbourIndex::similar`): its
//! out-of-distribution report, the materials like it and its place on the training map.

use std::rc::Rc;
use std::sync::Arc;

use leptos::{prelude::*, task::spawn_local};
use models::neighbours::NeighbourIndex;
use models::predictor::SIMILAR_MATERIALS;
use shared::api::{OodReport, SimilarMaterial};

use crate::analysis::Analysis;
use crate::model::{LocalModel, NeighboursStatus, PredictionState};

/// One prediction placed among the training materials.
#[derive(Clone, Debug, PartialEq)]
pub struct Placement {
    /// The out-of-distribution report from the nearest training structures.
    pub ood: OodReport,
    /// The closest training materials, closest first.
    pub similar: Vec<SimilarMaterial>,
    /// Their rows in the index (the map marks them).
    pub nearest_rows: Vec<usize>,
    /// Where the structure lies on the training map (see `models::training_map::map_position`).
    pub map_position: Option<[f32; 2]>,
}

#[derive(Clone, Copy)]
pub struct NeighbourState {
    pub status: RwSignal<NeighboursStatus>,
    /// The loaded index (kept out of the reactive system; `status` says when it is here).
    pub index: StoredValue<Option<Arc<NeighbourIndex>>>,
    /// The shown `browser` prediction placed among the training materials, once the index is
    /// here.
    pub placement: Signal<Option<Arc<Placement>>>,
}

impl NeighbourState {
    /// Loads the index after the first shown prediction and places each prediction.
    pub fn start(
        analysis: RwSignal<Option<Analysis>>,
        local: StoredValue<Option<Rc<LocalModel>>, LocalStorage>,
        prediction: RwSignal<PredictionState>,
    ) -> NeighbourState {
        let status = RwSignal::new(NeighboursStatus::NotRequested);
        let index = StoredValue::new(None);
        load_after_first_prediction(local, prediction, status, index);
        let placement = Signal::derive(move || {
            if status.get() != NeighboursStatus::Ready {
                return None;
            }
            let index: Arc<NeighbourIndex> = index.get_value()?;
            let prediction = prediction.get()?.ok()?;
            let structure = analysis.with(|a| a.as_ref()?.structure.clone())?;
            let stats = local.get_value()?.ood().map(|s| s.with_neighbours(Some(index.clone())));
            let embedding = &prediction.embedding;
            Some(Arc::new(Placement {
                ood: models::ood::assess(stats.as_ref(), &structure, embedding),
                similar: index.similar(embedding, SIMILAR_MATERIALS),
                nearest_rows: index.nearest(embedding, SIMILAR_MATERIALS).iter().map(|n| n.row).collect(),
                map_position: models::training_map::map_position(&index, embedding),
            }))
        });
        NeighbourState { status, index, placement }
    }

    /// The out-of-distribution report to show instead of a prediction's `own`: the neighbour
    /// index's once it is here (`true`), else `own` (`false`: the centre distance of
    /// `ood.json`, or no check).
    pub fn ood_or(self, own: &OodReport) -> (OodReport, bool) {
        self.placement.with(|p| p.as_ref().map(|p| (p.ood.clone(), true))).unwrap_or_else(|| (own.clone(), false))
    }
}

/// Fetches the index once, when the first prediction has been shown (so it is no part of the
/// first visit), through the model, which predicts with it from then on.
fn load_after_first_prediction(
    local: StoredValue<Option<Rc<LocalModel>>, LocalStorage>,
    prediction: RwSignal<PredictionState>,
    status: RwSignal<NeighboursStatus>,
    slot: StoredValue<Option<Arc<NeighbourIndex>>>,
) {
    Effect::new(move |_| {
        let shown = prediction.with(|p| matches!(p, Some(Ok(_))));
        if !shown || status.get_untracked() != NeighboursStatus::NotRequested {
            return;
        }
        let Some(model) = local.get_value() else { return };
        status.set(NeighboursStatus::Loading);
        spawn_local(async move {
            let next = match model.neighbours().await {
                Ok(index) => {
                    let _ = slot.try_set_value(Some(index));
                    NeighboursStatus::Ready
                }
                Err(message) => NeighboursStatus::Failed(message),
            };
            let _ = status.try_set(next);
        });
    });
}
