//! One structure's prediction with what explains it, the same for the server (`/predict`), the
//! page and `matfuse predict`. Two steps: the network's numbers are read back ([`Readout`]:
//! [`Predictor::read_out`] synchronously, or the page's [`Predictor::explain_async`] and
//! [`Predictor::predict_one_async`] on WebGPU, which cannot read synchronously), then
//! [`Predictor::interpret`] turns them into values in property units, the modality weights, the
//! attended tokens and atoms and the out-of-distribution report — plain data, no device.

use super::{Explanation, ModelInput, Predictor};
use crate::batch::Modalities;
use crate::error::{Error, Result};
use crate::ood::OodStatistics;
use crate::train::Prediction;
use shared::Structure;
use shared::api::{
    AttendedAtom, AttendedToken, Interpretation, ModalityWeights, OodReport, Predictions, SimilarMaterial,
};

/// The numbers one structure's interpretation is made of, read back from the device.
#[derive(Clone, Debug)]
pub struct Readout {
    /// Both modalities: the prediction, the gate, the attention and the fused embedding.
    pub explanation: Explanation,
    /// The crystal graph alone (text removed).
    pub without_text: Prediction,
    /// The description alone (graph removed).
    pub without_graph: Prediction,
}

/// Training materials listed as like a query (`similar_materials`).
pub const SIMILAR_MATERIALS: usize = 5;

/// A prediction in property units with how far its structure lies from the training data.
#[derive(Clone, Debug, PartialEq)]
pub struct Assessed {
    pub predictions: Predictions,
    pub ood: OodReport,
    /// The training materials closest in the fused embedding, closest first (empty without a
    /// neighbour index).
    pub similar_materials: Vec<SimilarMaterial>,
}

/// One token the network read: its vocabulary entry, its byte span in the description and the
/// attention the atoms pay it (averaged over heads and atoms; sums to 1 over the tokens).
#[derive(Clone, Debug, PartialEq)]
pub struct AttendedSpan {
    pub token: String,
    pub start: usize,
    pub end: usize,
    pub weight: f64,
}

/// One structure's prediction and what explains it.
#[derive(Clone, Debug, PartialEq)]
pub struct Interpreted {
    /// Both modalities (the model's answer).
    pub predictions: Predictions,
    /// The crystal graph alone (text removed).
    pub without_text: Predictions,
    /// The description alone (graph removed).
    pub without_graph: Predictions,
    /// The gate over {graph, text} (`late` fusion) or {graph, text, cross} (`cross` fusion).
    pub gate: Option<ModalityWeights>,
    /// The text the model read.
    pub description: String,
    /// Every token the model read, in order (empty without cross attention).
    pub tokens: Vec<AttendedSpan>,
    /// Per site (site order): the attention the tokens pay the atom (empty without cross
    /// attention).
    pub atoms: Vec<f64>,
    pub ood: OodReport,
    /// The training materials closest in the fused embedding, closest first (empty without a
    /// neighbour index).
    pub similar_materials: Vec<SimilarMaterial>,
}

impl Predictor {
    /// One structure's prediction with `modalities` present (equal to
    /// [`Predictor::predict`]`(&[input], modalities)[0]`).
    pub fn predict_one(&self, input: &ModelInput, modalities: Modalities) -> Result<Prediction> {
        self.predict(std::slice::from_ref(input), modalities).into_iter().next().ok_or_else(no_prediction)
    }

    /// The three forward passes an interpretation reads (both modalities, graph only, text
    /// only), read back synchronously.
    pub fn read_out(&self, input: &ModelInput) -> Result<Readout> {
        Ok(Readout {
            explanation: self.explain(input),
            without_text: self.predict_one(input, Modalities::GRAPH_ONLY)?,
            without_graph: self.predict_one(input, Modalities::TEXT_ONLY)?,
        })
    }

    /// `prediction` in this model's units, the out-of-distribution report of `structure` from
    /// the fused `embedding` (level `unknown` without training statistics) and the training
    /// materials closest to it (when the statistics have a neighbour index).
    pub fn assess(
        &self,
        structure: &Structure,
        prediction: &Prediction,
        embedding: &[f32],
        ood: Option<&OodStatistics>,
    ) -> Assessed {
        let elements = shared::composition::composition(structure).len();
        Assessed {
            predictions: self.manifest.in_units(prediction, elements),
            ood: crate::ood::assess(ood, structure, embedding),
            similar_materials: ood
                .and_then(|o| o.neighbours.as_deref())
                .map(|index| index.similar(embedding, SIMILAR_MATERIALS))
                .unwrap_or_default(),
        }
    }

    /// What `readout` (of `input`, built from `structure`) says, in the terms the API and the
    /// page show.
    pub fn interpret(
        &self,
        structure: &Structure,
        input: &ModelInput,
        readout: &Readout,
        ood: Option<&OodStatistics>,
    ) -> Interpreted {
        let explanation = &readout.explanation;
        let Assessed { predictions, ood, similar_materials } =
            self.assess(structure, &explanation.prediction, &explanation.embedding, ood);
        Interpreted {
            predictions,
            without_text: self.manifest.in_units(&readout.without_text, input.graph.element_count()),
            without_graph: self.manifest.in_units(&readout.without_graph, input.graph.element_count()),
            gate: explanation.gate.as_deref().and_then(modality_weights),
            description: input.description.clone(),
            tokens: self.attended_spans(input, explanation),
            atoms: explanation.atom_attention.iter().flatten().map(|&w| f64::from(w)).collect(),
            ood,
            similar_materials,
        }
    }

    /// The tokens of `input` with their attention, where the model has token attention and
    /// knows the tokens' spans (a remote encoder's spans are unknown here).
    fn attended_spans(&self, input: &ModelInput, explanation: &Explanation) -> Vec<AttendedSpan> {
        let (Some(weights), Ok(spans)) = (&explanation.token_attention, self.token_spans(&input.description)) else {
            return vec![];
        };
        spans
            .iter()
            .zip(weights)
            .map(|(span, &weight)| AttendedSpan {
                token: self.vocabulary().token(span.id).unwrap_or("[UNK]").to_string(),
                start: span.start,
                end: span.end,
                weight: f64::from(weight),
            })
            .collect()
    }
}

impl Interpreted {
    /// The API's interpretation: the `k` most attended tokens (with the words that hold them)
    /// and atoms of `structure` (the structure it was made from), highest first.
    pub fn to_api(&self, structure: &Structure, k: usize) -> Interpretation {
        let text = &self.description;
        let token_weights: Vec<f64> = self.tokens.iter().map(|t| t.weight).collect();
        let top_tokens = top_k(&token_weights, k)
            .into_iter()
            .filter_map(|position| {
                let span = &self.tokens[position];
                let (start, end) = word_around(text, span.start, span.end);
                Some(AttendedToken {
                    position,
                    token: span.token.clone(),
                    word: text.get(start..end)?.to_string(),
                    start,
                    end,
                    weight: span.weight,
                })
            })
            .collect();
        let top_atoms = top_k(&self.atoms, k)
            .into_iter()
            .filter_map(|index| {
                let site = structure.sites().get(index)?;
                Some(AttendedAtom { index, element: site.element.symbol().to_string(), weight: self.atoms[index] })
            })
            .collect();
        Interpretation {
            gate: self.gate.clone(),
            top_tokens,
            top_atoms,
            without_text: self.without_text.clone(),
            without_graph: self.without_graph.clone(),
        }
    }
}

pub(super) fn no_prediction() -> Error {
    Error::Config("the model returned no prediction".into())
}

/// The gate over {graph, text} (`late` fusion) or {graph, text, cross} (`cross` fusion).
fn modality_weights(gate: &[f32]) -> Option<ModalityWeights> {
    match *gate {
        [graph, text] => Some(ModalityWeights { graph: f64::from(graph), text: f64::from(text), cross: None }),
        [graph, text, cross] => {
            Some(ModalityWeights { graph: f64::from(graph), text: f64::from(text), cross: Some(f64::from(cross)) })
        }
        _ => None,
    }
}

/// The indices of the `k` highest weights, highest first (ties: lower index first).
fn top_k(weights: &[f64], k: usize) -> Vec<usize> {
    let mut ranked: Vec<usize> = (0..weights.len()).collect();
    ranked.sort_by(|&a, &b| weights[b].total_cmp(&weights[a]).then(a.cmp(&b)));
    ranked.truncate(k);
    ranked
}

/// The whitespace-delimited word of `text` that holds the byte span `start..end`.
fn word_around(text: &str, start: usize, end: usize) -> (usize, usize) {
    let (start, end) = (start.min(text.len()), end.min(text.len()));
    let before = text.get(..start).unwrap_or("");
    let after = text.get(end..).unwrap_or("");
    let word_start =
        before.rfind(char::is_whitespace).map_or(0, |i| i + before[i..].chars().next().map_or(1, char::len_utf8));
    let word_end = end + after.find(char::is_whitespace).unwrap_or(after.len());
    (word_start, word_end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::prelude::Device;

    #[test]
    fn words_hold_their_tokens() {
        let text = "NaCl is Rock-salt structured.";
        assert_eq!(word_around(text, 0, 2), (0, 4));
        assert_eq!(&text[word_around(text, 12, 13).0..word_around(text, 12, 13).1], "Rock-salt");
        assert_eq!(word_around(text, 28, 29), (18, 29));
        assert_eq!(word_around("", 0, 0), (0, 0));
    }

    #[test]
    fn top_k_is_ordered_and_bounded() {
        let w: Vec<f64> = (0..20).map(|i| f64::from(i % 5)).collect();
        let top = top_k(&w, 8);
        assert_eq!(top.len(), 8);
        assert_eq!((top[0], top[1]), (4, 9));
        assert!(top.windows(2).all(|p| w[p[0]] >= w[p[1]]));
    }

    #[test]
    fn gates_become_modality_weights() {
        assert_eq!(modality_weights(&[0.25, 0.75]).unwrap().cross, None);
        assert_eq!(modality_weights(&[0.5, 0.25, 0.25]).unwrap().cross, Some(0.25));
        assert_eq!(modality_weights(&[1.0]), None);
    }

    /// The shipped `browser` model explains rock salt: gate weights sum to 1, the attended
    /// tokens and atoms are the description's and the structure's, and the interpretation's
    /// predictions are those of a plain batched prediction.
    #[test]
    fn rock_salt_is_interpreted() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("weights/browser");
        let predictor = Predictor::load(&dir, &Device::flex()).unwrap();
        let structure = shared::parse(shared::gallery::example("rock-salt").unwrap().cif).unwrap();
        let input = predictor.input(&structure).unwrap();
        let interpreted = predictor.interpret(&structure, &input, &predictor.read_out(&input).unwrap(), None);
        let gate = interpreted.gate.clone().unwrap();
        assert!((gate.graph + gate.text + gate.cross.unwrap() - 1.0).abs() < 1e-4);
        assert_eq!(interpreted.atoms.len(), structure.sites().len());
        let batched = predictor.predict(std::slice::from_ref(&input), Modalities::GRAPH_ONLY).remove(0);
        assert_eq!(interpreted.without_text, predictor.manifest.in_units(&batched, 2));
        let api = interpreted.to_api(&structure, 8);
        assert_eq!(api.top_tokens.len(), 8);
        assert!(api.top_tokens.iter().all(|t| input.description[t.start..t.end] == t.word));
        assert!(api.top_atoms.iter().all(|a| a.element == "Na" || a.element == "Cl"));
        assert_eq!(interpreted.ood.level, shared::api::OodLevel::Unknown);
    }
}
