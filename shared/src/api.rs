//! The HTTP API's payloads (`/api/v1/…`): one definition for the server and the web app.
//!
//! Field names are a contract: fields are only ever added. Every error the API returns is an
//! [`ApiError`] `{ "error": { "code", "message", "detail" } }`; the codes are the [`codes`].

use crate::error::Format;
use crate::report::SpaceGroupRef;
use crate::symmetry::CrystalSystem;
use crate::task::Task;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

mod molecule;

pub use molecule::{
    AtomContribution, BitEnvironment, FingerprintBitContribution, MoleculeAtom, MoleculePredictResponse,
    MoleculePrediction, MoleculeSummary, MoleculeTaskValue, MoleculeView, ViewRemoved, ViewWeights,
};

/// The path prefix of every versioned endpoint.
pub const API_PREFIX: &str = "/api/v1";

/// `POST /api/v1/predict`: a crystal (`structure`) or a molecule (`smiles`), exactly one of
/// them ([`PredictRequest::input`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PredictRequest {
    /// The structure file's text (CIF, POSCAR/CONTCAR, extended XYZ, pymatgen or OPTIMADE JSON).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub structure: Option<String>,
    /// Forces the format instead of recognising it: `cif`, `poscar`, `xyz`, `pymatgen-json`,
    /// `optimade-json`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<Format>,
    /// A description of the user's own instead of the generated one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Model id (`GET /api/v1/models`); the default model when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Refuse the file's defects instead of repairing them with a warning
    /// ([`ParseOptions::strict`](crate::io::ParseOptions::strict)).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub strict: bool,
    /// A molecule as SMILES, instead of `structure` (answered by the molecule models).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smiles: Option<String>,
}

/// What a [`PredictRequest`] asks about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PredictInput<'a> {
    /// A structure file's text.
    Structure(&'a str),
    /// A SMILES string.
    Smiles(&'a str),
}

impl PredictRequest {
    /// The structure or the SMILES: exactly one must be given (an empty `structure` beside a
    /// SMILES counts as absent); the error says which rule the request breaks. An empty structure
    /// alone is read, so it gets the structure reader's error.
    pub fn input(&self) -> Result<PredictInput<'_>, String> {
        match (self.structure.as_deref(), &self.smiles) {
            (Some(structure), None) => Ok(PredictInput::Structure(structure)),
            (None | Some(""), Some(smiles)) => Ok(PredictInput::Smiles(smiles)),
            (Some(_), Some(_)) => Err("give either `structure` (a crystal) or `smiles` (a molecule), not both".into()),
            (None, None) => {
                Err("the request needs `structure` (a crystal structure file's text) or `smiles` (a molecule)".into())
            }
        }
    }
}

/// A predicted property in its unit, with the model's σ (evidential: aleatoric + epistemic,
/// recalibrated on validation so that ±σ is a central 68 % interval).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PropertyValue {
    pub value: f64,
    pub sigma: f64,
    pub unit: String,
    /// The central 95 % interval `[low, high]`: value ± z95·σ with the model's validation-fitted
    /// z95 (wider than 1.96σ where errors are heavy-tailed), the low end clipped at 0 for
    /// properties that cannot be negative.
    pub interval_95: [f64; 2],
}

impl PropertyValue {
    /// `value` ± `sigma` in `unit`, with the central 95 % interval value ± `z95`·σ kept inside
    /// `task`'s valid range (e.g. a band gap's low end clipped at 0).
    pub fn new(task: &Task, value: f64, sigma: f64, z95: f64, unit: &str) -> PropertyValue {
        let interval_95 = [task.clamp(value - z95 * sigma), task.clamp(value + z95 * sigma)];
        PropertyValue { value, sigma, unit: unit.to_string(), interval_95 }
    }
}

/// The predicted properties by task name, in the model's task order (its manifest's
/// `properties`). Serialised as one JSON object `{"<task name>": PropertyValue, …}` in that
/// order; read back in the order of the text (a `serde_json::Value` sorts its keys).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Predictions(Vec<(String, PropertyValue)>);

impl Predictions {
    /// `(task name, value)` pairs, in the model's task order.
    pub fn new(entries: Vec<(String, PropertyValue)>) -> Predictions {
        Predictions(entries)
    }

    /// `(task name, value)` in the model's task order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &PropertyValue)> {
        self.0.iter().map(|(name, value)| (name.as_str(), value))
    }

    /// The task names, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(name, _)| name.as_str())
    }

    /// The value of task `name`.
    pub fn get(&self, name: &str) -> Option<&PropertyValue> {
        self.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl FromIterator<(String, PropertyValue)> for Predictions {
    fn from_iter<I: IntoIterator<Item = (String, PropertyValue)>>(entries: I) -> Self {
        Predictions(entries.into_iter().collect())
    }
}

impl Serialize for Predictions {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in &self.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Predictions {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct InOrder;
        impl<'de> serde::de::Visitor<'de> for InOrder {
            type Value = Predictions;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object of task name → predicted value")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Predictions, A::Error> {
                let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(4));
                while let Some(entry) = map.next_entry::<String, PropertyValue>()? {
                    entries.push(entry);
                }
                Ok(Predictions(entries))
            }
        }
        deserializer.deserialize_map(InOrder)
    }
}

/// What symmetry analysis found (at the tolerance given).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SymmetryInfo {
    /// Reduced formula.
    pub formula: String,
    pub natoms: usize,
    pub space_group: SpaceGroupRef,
    pub crystal_system: CrystalSystem,
    /// Tolerance used, Å.
    pub symprec: f64,
}

/// Whose text the model read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextSource {
    /// matfuse's generated description.
    Generated,
    /// The request's `text`.
    User,
}

/// Weights of the fusion gate over the modalities (they sum to 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModalityWeights {
    pub graph: f64,
    pub text: f64,
    /// The cross-attention embedding (`cross` fusion only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cross: Option<f64>,
}

/// A token of the description and how much the atoms attend to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttendedToken {
    /// Position in the token sequence.
    pub position: usize,
    /// The vocabulary entry (WordPiece, `##` marks a word continuation).
    pub token: String,
    /// The word of the description that holds the token, and its byte span there.
    pub word: String,
    pub start: usize,
    pub end: usize,
    /// Mean attention weight over heads and atoms (weights over all tokens sum to 1).
    pub weight: f64,
}

/// An atom of the structure and how much the description's tokens attend to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttendedAtom {
    /// Site index in the parsed structure (0-based).
    pub index: usize,
    pub element: String,
    /// Mean attention weight over heads and tokens (weights over all atoms sum to 1).
    pub weight: f64,
}

/// Why the model predicted what it did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Interpretation {
    /// The fusion gate (`cross` and `late` fusion), absent for other variants.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gate: Option<ModalityWeights>,
    /// The most attended tokens, highest weight first (`cross` fusion).
    pub top_tokens: Vec<AttendedToken>,
    /// The most attended atoms, highest weight first (`cross` fusion).
    pub top_atoms: Vec<AttendedAtom>,
    /// The prediction from the crystal graph alone (text removed).
    pub without_text: Predictions,
    /// The prediction from the text alone (graph removed).
    pub without_graph: Predictions,
}

/// How typical the structure is of the model's training data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OodLevel {
    /// At most the 95th percentile of the reference scores (`OodReport::training_quantile`).
    Typical,
    /// Between the 95th and 99th percentile.
    Unusual,
    /// Beyond the 99th percentile, or elements absent from the training data.
    OutOfDistribution,
    /// No training statistics are installed for this model (only elements are checked).
    Unknown,
}

impl OodLevel {
    /// The level's serialised name (`typical`, `unusual`, `out_of_distribution`, `unknown`).
    pub fn as_str(self) -> &'static str {
        match self {
            OodLevel::Typical => "typical",
            OodLevel::Unusual => "unusual",
            OodLevel::OutOfDistribution => "out_of_distribution",
            OodLevel::Unknown => "unknown",
        }
    }
}

/// Out-of-distribution assessment (see ARCHITECTURE.md, "Out-of-distribution score").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OodReport {
    /// Standardised distance of the fused embedding from the training data (σ units): the mean
    /// distance to the nearest training structures when the model has their index, else the
    /// RMS z-score from their centre; `None` when the model has no training statistics.
    pub score: Option<f64>,
    /// Fraction of the reference structures whose score is at most this one's: the
    /// validation split's with the nearest-neighbour score (see `method`), the training
    /// split's with the older distance from the centre.
    pub training_quantile: Option<f64>,
    pub level: OodLevel,
    /// Elements of the structure that no training structure contains.
    pub unseen_elements: Vec<String>,
    /// How the score was computed (one sentence).
    pub method: String,
}

/// Server-side timings, milliseconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Timings {
    /// Parsing, symmetry, description, graph and tokens.
    pub featurize_ms: f64,
    /// The network: the prediction, its interpretation and the two ablated predictions.
    pub model_ms: f64,
    /// Including time queued for a model slot.
    pub total_ms: f64,
}

/// Which model answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelInfo {
    pub id: String,
    pub version: String,
    /// False for an untrained network of the right shape: its numbers are meaningless.
    pub trained: bool,
    pub weights_sha256: String,
    /// Why this model answered rather than the one asked for (e.g. the default `server` model
    /// is not installed), or that it is untrained.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
}

/// `POST /api/v1/predict` → this.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PredictResponse {
    pub predictions: Predictions,
    /// The text the model read.
    pub description: String,
    pub description_source: TextSource,
    pub symmetry: SymmetryInfo,
    pub interpretation: Interpretation,
    pub ood: OodReport,
    pub timings: Timings,
    pub model: ModelInfo,
    /// What the reader repaired or assumed in the structure file (absent when nothing).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<crate::io::ParseWarning>,
    /// The training materials closest to this one in the fused embedding, closest first
    /// (absent when the model has no neighbour index).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub similar_materials: Vec<SimilarMaterial>,
    /// Energy above the convex hull and decomposition products (absent when the server has no
    /// reference phase table or the model predicts no formation energy).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stability: Option<Stability>,
}

/// A training material close to a query in the fused embedding the heads read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimilarMaterial {
    /// Materials Project id, e.g. `mp-2741`.
    pub material_id: String,
    /// Reduced formula.
    pub formula: String,
    pub space_group: SpaceGroupRef,
    /// Its DFT labels by task name, each in its task's unit (`shared::task`); a task the
    /// material has no label for is absent.
    pub labels: BTreeMap<String, f64>,
    /// Distance from the query: RMS difference per dimension of the standardised fused
    /// embeddings (σ units).
    pub distance: f64,
    /// Its Materials Project page.
    pub url: String,
}

impl SimilarMaterial {
    /// The Materials Project page of `material_id`.
    pub fn materials_project_url(material_id: &str) -> String {
        format!("https://next-gen.materialsproject.org/materials/{material_id}")
    }
}

/// Which energy-above-hull estimate an answer leads with: the better one on the validation
/// split, recorded per model beside the phase table (`models/weights/phases.json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HullEstimator {
    /// The predicted formation energy against the convex hull of the reference phases.
    ConvexHull,
    /// The model's own energy-above-hull head.
    DirectHead,
}

/// Thermodynamic stability of a prediction (see `shared::stability`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stability {
    /// eV/atom (≥ 0), from `estimator`.
    pub energy_above_hull: f64,
    pub estimator: HullEstimator,
    /// The predicted formation energy minus the hull's energy at this composition, eV/atom;
    /// negative below the known hull (it would be a new stable phase).
    pub convex_hull_energy_above_hull: f64,
    /// The model's energy-above-hull head, eV/atom, when it has one.
    pub direct_energy_above_hull: Option<f64>,
    /// The hull's formation energy at this composition, eV/atom.
    pub hull_energy_per_atom: f64,
    /// Probability of lying on or below the hull given the formation energy's σ.
    pub probability_on_hull: f64,
    /// The phases the hull has at this composition, largest atom fraction first.
    pub decomposition: Vec<crate::stability::DecompositionProduct>,
    /// The decomposition as text: "0.6 TiO2 + 0.4 SrO".
    pub decomposition_text: String,
    /// Where the reference phases come from.
    pub phases_source: String,
    /// What limits the comparison (correction schemes, the table's coverage).
    pub caveat: String,
}

/// One NDJSON line of `POST /api/v1/predict/batch`: `{"index","name","result"}` or
/// `{"index","name","error"}`. `R` is the answer of a single `/predict` for the item: a
/// [`PredictResponse`] for a structure, a [`MoleculePredictResponse`] for a SMILES.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchLine<R = PredictResponse> {
    /// 0-based position in the input.
    pub index: usize,
    /// The file name, the row's `name`/`material_id`, or `item-<index>`.
    pub name: String,
    #[serde(flatten)]
    pub outcome: BatchOutcome<R>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BatchOutcome<R = PredictResponse> {
    Result(Box<R>),
    Error(ErrorBody),
}

/// `GET /api/v1/models` → this.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelList {
    /// The model that answers requests without `model`.
    pub default: String,
    /// Why the default is not the configured one, if it is not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
    pub models: Vec<ModelSummary>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelSummary {
    pub id: String,
    pub version: String,
    pub trained: bool,
    /// Fusion variant (`graph`, `text`, `concat`, `late`, `matmmfuse`, `cross`).
    pub fusion: String,
    pub text_encoder: String,
    pub weights_sha256: String,
    /// Size of the weights file, bytes.
    pub weights_bytes: u64,
    /// `molecule` for a molecule model (it answers `smiles` requests); absent for a crystal
    /// model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

/// `GET /api/v1/models/{id}` → this.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelDetail {
    #[serde(flatten)]
    pub summary: ModelSummary,
    /// Test-split metrics: property → metric → value.
    pub metrics: BTreeMap<String, BTreeMap<String, f64>>,
    pub caveats: Vec<String>,
    /// `(name, unit)` of each predicted property.
    pub properties: Vec<PropertyUnit>,
    /// Training data files and split.
    pub training_data: Vec<String>,
    /// Whether out-of-distribution statistics are installed for the model.
    pub ood_statistics: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PropertyUnit {
    pub name: String,
    pub unit: String,
}

/// The state of the app that a share link restores; the app encodes the same type in its URL
/// fragment. Versioned: a reader refuses versions it does not know.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShareState {
    /// [`ShareState::VERSION`] when written by this build.
    pub version: u32,
    /// The structure file's text.
    pub structure: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<Format>,
    /// A user description, if the shared view used one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Model id and the sha256 of the weights that made the shared predictions.
    pub model: String,
    pub weights_sha256: String,
    /// What the app showed (tab, selection, …): the app's own, opaque to the server.
    #[serde(default)]
    pub view: serde_json::Value,
}

impl ShareState {
    pub const VERSION: u32 = 1;
}

/// `POST /api/v1/share` → this.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShareCreated {
    /// 128 random bits, base32 (lower case, no padding).
    pub id: String,
    /// The page that opens it: `/s/<id>`.
    pub url: String,
}

/// `GET /api/v1/share/{id}` → this.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SharedState {
    pub id: String,
    pub state: ShareState,
    /// Whether the model and exactly those weights are still installed.
    pub model_available: bool,
    /// Says what changed when they are not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
}

/// `GET /healthz` → this.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Health {
    pub status: String,
    pub version: String,
    pub models: usize,
}

/// Every error response: `{ "error": { "code", "message", "detail" } }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiError {
    pub error: ErrorBody,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// One of [`codes`]: stable, for programs.
    pub code: String,
    /// For people.
    pub message: String,
    /// Structured facts (limit and actual size, the parser's line, …); `null` when none.
    #[serde(default)]
    pub detail: serde_json::Value,
}

/// The error codes of [`ErrorBody::code`].
pub mod codes {
    pub const INVALID_JSON: &str = "invalid_json";
    pub const UNSUPPORTED_MEDIA_TYPE: &str = "unsupported_media_type";
    pub const INVALID_REQUEST: &str = "invalid_request";
    pub const PAYLOAD_TOO_LARGE: &str = "payload_too_large";
    pub const INVALID_STRUCTURE: &str = "invalid_structure";
    /// A SMILES the reader refuses; `detail` holds its `position` and `problem`.
    pub const INVALID_SMILES: &str = "invalid_smiles";
    pub const TOO_MANY_ATOMS: &str = "too_many_atoms";
    pub const TEXT_TOO_LONG: &str = "text_too_long";
    pub const BATCH_TOO_LARGE: &str = "batch_too_large";
    pub const UNKNOWN_MODEL: &str = "unknown_model";
    pub const NOT_FOUND: &str = "not_found";
    pub const METHOD_NOT_ALLOWED: &str = "method_not_allowed";
    pub const OVERLOADED: &str = "overloaded";
    pub const ENCODER_UNAVAILABLE: &str = "encoder_unavailable";
    pub const TIMEOUT: &str = "timeout";
    pub const INTERNAL: &str = "internal";
}

/// `POST /api/v1/suggest` (and `matfuse suggest --json`) → this: a pool of unlabelled
/// structures ranked by how much a committee of the model's views disagrees on one property
/// (query by committee), most informative first, to choose what to compute next.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SuggestResponse {
    pub model: ModelInfo,
    /// The property ranked by (a task name of the model's manifest).
    pub property: String,
    /// Its unit (values, disagreements and σ are in it).
    pub unit: String,
    /// The committee's members, in the order of [`Suggestion::members`].
    pub committee: Vec<String>,
    /// How the disagreement is measured (one sentence).
    pub method: String,
    /// How the out-of-distribution score beside it is computed (one sentence).
    pub ood_method: String,
    /// Structures in the pool, read or not.
    pub pool: usize,
    /// The `k` most disputed structures, most disputed first.
    pub ranked: Vec<Suggestion>,
    /// Structures that could not be read or predicted, with why.
    pub failed: Vec<SuggestFailure>,
}

/// One ranked structure of a [`SuggestResponse`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Suggestion {
    /// 1-based position in the ranking.
    pub rank: usize,
    pub name: String,
    /// Reduced formula.
    pub formula: String,
    /// The model's answer (both modalities), in the property's unit.
    pub value: f64,
    /// Each committee member's value, in [`SuggestResponse::committee`]'s order.
    pub members: Vec<f64>,
    /// The members' standard deviation (population), in the property's unit: the ranking key.
    pub disagreement: f64,
    /// The evidential head's calibrated σ of `value`, in the property's unit.
    pub sigma: f64,
    /// The out-of-distribution score, its percentile and level (as in `/predict`'s `ood`).
    pub ood_score: Option<f64>,
    pub ood_quantile: Option<f64>,
    pub ood_level: OodLevel,
}

/// A pool structure that could not be ranked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SuggestFailure {
    pub name: String,
    pub error: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_defaults_and_format_names() {
        let r: PredictRequest = serde_json::from_str(r#"{"structure":"x","format":"poscar"}"#).unwrap();
        assert_eq!(r.format, Some(Format::Poscar));
        let r: PredictRequest = serde_json::from_str(r#"{"structure":"{}","format":"optimade-json"}"#).unwrap();
        assert_eq!(r.format, Some(Format::OptimadeJson));
        assert_eq!(serde_json::to_string(&Format::PymatgenJson).unwrap(), r#""pymatgen-json""#);
        assert_eq!((r.text, r.model), (None, None));
        assert!(serde_json::from_str::<PredictRequest>(r#"{"structure":"x","format":"pdb"}"#).is_err());
    }

    #[test]
    fn batch_lines_have_result_or_error() {
        let line = BatchLine {
            index: 3,
            name: "a.cif".into(),
            outcome: BatchOutcome::Error(ErrorBody {
                code: codes::INVALID_STRUCTURE.into(),
                message: "CIF, line 2: bad".into(),
                detail: serde_json::json!({"line": 2}),
            }),
        };
        let json = serde_json::to_value(&line).unwrap();
        assert_eq!(json["index"], 3);
        assert_eq!(json["error"]["code"], "invalid_structure");
        assert!(json.get("result").is_none());
        assert_eq!(serde_json::from_value::<BatchLine>(json).unwrap(), line);
    }

    #[test]
    fn predictions_serialise_as_one_object_in_task_order() {
        let value = |v: f64| PropertyValue { value: v, sigma: 0.1, unit: "eV".into(), interval_95: [v - 0.2, v + 0.2] };
        let p = Predictions::new(vec![("efermi".into(), value(3.0)), ("band_gap".into(), value(1.0))]);
        let json = serde_json::to_string(&p).unwrap();
        assert!(json.starts_with(r#"{"efermi":{"value":3.0,"#), "{json}");
        let back: Predictions = serde_json::from_str(&json).unwrap();
        assert_eq!(back, p);
        assert_eq!(back.names().collect::<Vec<_>>(), ["efermi", "band_gap"]);
        assert_eq!(back.get("band_gap").map(|v| v.value), Some(1.0));
        let gap = crate::task::by_name("band_gap").unwrap();
        assert_eq!(PropertyValue::new(gap, 0.1, 0.1, 2.0, "eV").interval_95, [0.0, 0.30000000000000004]);
    }

    #[test]
    fn share_state_round_trips_without_view() {
        let s: ShareState =
            serde_json::from_str(r#"{"version":1,"structure":"x","model":"browser","weights_sha256":"ab"}"#).unwrap();
        assert_eq!(s.view, serde_json::Value::Null);
        assert_eq!(serde_json::from_value::<ShareState>(serde_json::to_value(&s).unwrap()).unwrap(), s);
    }
}
