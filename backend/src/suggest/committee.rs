//! The committee whose disagreement ranks a pool, made from what every fusion bundle already
//! has: its fused prediction and its two predictions with one modality removed (the gate of
//! `cross` fusion masks the missing one; the networks were trained with modality dropout, so
//! each view alone is a model of its own). Three members from one set of weights cost three
//! forward passes and no retraining; where the crystal graph and the description lead to
//! different values the structure is one the model has not learnt to read consistently.

use models::batch::Modalities;
use models::bundle::FusionKind;
use models::predictor::{ModelInput, Predictor};
use models::train::Prediction;

/// The members, in the order of [`Reading::members`] and `SuggestResponse::committee`.
pub const MEMBERS: [&str; 3] = ["fused", "graph only", "text only"];

/// How [`Reading::disagreement`] is measured (the API's `method`).
pub const METHOD: &str = "standard deviation (population) of the property's value over the fused prediction and the \
                          predictions with the description removed (graph only) and with the crystal graph removed \
                          (text only), from the same weights";

/// One structure as the committee reads it.
#[derive(Clone, Debug)]
pub struct Reading {
    /// The fused prediction (every task, property units, σ calibrated).
    pub prediction: Prediction,
    /// The fused embedding the heads read (out-of-distribution score).
    pub embedding: Vec<f32>,
    /// The chosen property's value per member, in [`MEMBERS`]' order.
    pub members: [f64; 3],
}

impl Reading {
    /// The members' population standard deviation (property units).
    pub fn disagreement(&self) -> f64 {
        spread(&self.members)
    }
}

/// Why `predictor` cannot form a committee (`None` when it can): a single-modality network
/// has no second view to disagree with.
pub fn unsuitable(predictor: &Predictor) -> Option<String> {
    matches!(predictor.manifest.fusion, FusionKind::Graph | FusionKind::Text).then(|| {
        format!(
            "model '{}' reads one modality ({:?}); query by committee needs a fusion model whose views can disagree",
            predictor.manifest.id, predictor.manifest.fusion
        )
    })
}

/// The committee's reading of each input (batched: three forward passes per 256 inputs);
/// `property` indexes the model's tasks.
pub fn read(predictor: &Predictor, inputs: &[ModelInput], property: usize) -> Vec<Reading> {
    let fused = predictor.predict_with_embeddings(inputs);
    let graph_only = predictor.predict(inputs, Modalities::GRAPH_ONLY);
    let text_only = predictor.predict(inputs, Modalities::TEXT_ONLY);
    fused
        .into_iter()
        .zip(graph_only.iter().zip(&text_only))
        .map(|((prediction, embedding), (graph, text))| Reading {
            members: [prediction.value[property], graph.value[property], text.value[property]],
            prediction,
            embedding,
        })
        .collect()
}

/// Population standard deviation of `values` (0 for fewer than two).
pub fn spread(values: &[f64]) -> f64 {
    if values.len() < 2 {
        return 0.0;
    }
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_is_the_population_standard_deviation() {
        assert_eq!(spread(&[1.0]), 0.0);
        assert_eq!(spread(&[2.0, 2.0, 2.0]), 0.0);
        assert!((spread(&[1.0, 2.0, 3.0]) - (2.0f64 / 3.0).sqrt()).abs() < 1e-12);
    }

    /// The shipped `browser` model's members on rock salt are its fused, graph-only and
    /// text-only predictions, exactly as `Predictor::predict` gives them.
    #[test]
    fn members_are_the_three_views() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../models/weights/browser");
        let predictor = Predictor::load(&dir, &burn::prelude::Device::flex()).unwrap();
        assert_eq!(unsuitable(&predictor), None);
        let structure = shared::parse(shared::gallery::example("rock-salt").unwrap().cif).unwrap();
        let input = predictor.input(&structure).unwrap();
        let reading = read(&predictor, std::slice::from_ref(&input), 0).remove(0);
        let one = |m| predictor.predict(std::slice::from_ref(&input), m).remove(0).value[0];
        assert_eq!(reading.members, [one(Modalities::BOTH), one(Modalities::GRAPH_ONLY), one(Modalities::TEXT_ONLY)]);
        assert!(reading.disagreement() > 0.0);
        assert_eq!(reading.embedding.len(), predictor.embeddings(std::slice::from_ref(&input))[0].len());
    }
}
