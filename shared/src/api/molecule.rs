//! The molecule answers of `POST /api/v1/predict` with `{"smiles": …}` (the same types the page
//! fills when it runs a molecule bundle itself).
//!
//! Values are in each task's unit ([`crate::task::MOLECULE_TASKS`]); a classifier's value is
//! the calibrated probability of the positive class. Atom indices are those of
//! [`crate::molecule::Molecule::atoms`] (heavy atoms in SMILES order), so the page can highlight
//! them on the depiction.

use super::{ModelInfo, Timings};
use serde::{Deserialize, Serialize};

/// `POST /api/v1/predict` with `smiles` → this: the molecule once, then one prediction per
/// molecule model asked (the one named by `model`, else every installed molecule model).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MoleculePredictResponse {
    pub molecule: MoleculeSummary,
    pub predictions: Vec<MoleculePrediction>,
    pub timings: Timings,
}

/// What the SMILES reader made of the input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MoleculeSummary {
    /// The SMILES as given (surrounding whitespace removed).
    pub smiles: String,
    /// Hill formula, hydrogens included.
    pub formula: String,
    /// Atoms of the graph (heavy atoms, plus any hydrogen written as its own atom).
    pub atoms: usize,
    pub bonds: usize,
    /// Hydrogens, implicit and explicit.
    pub hydrogens: usize,
    /// Net formal charge, e.
    pub formal_charge: i32,
    /// Disconnected parts (the ions of a salt).
    pub components: usize,
    /// Each atom's element and 2-D position (bond lengths, y up), index order.
    pub layout: Vec<MoleculeAtom>,
    /// The 2-D drawing as an SVG document.
    pub depiction_svg: String,
}

/// An atom of the drawing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MoleculeAtom {
    pub index: usize,
    pub element: String,
    /// 0-based character position of the atom in the SMILES.
    pub smiles_position: usize,
    /// 2-D coordinates, bond lengths, y up.
    pub x: f64,
    pub y: f64,
}

/// One molecule model's prediction and what explains it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MoleculePrediction {
    pub model: ModelInfo,
    /// Molecule fusion variant (`graph`, `smiles`, `fingerprint`, `concat`, `late`, `cross`).
    pub fusion: String,
    /// The model's tasks, in its order.
    pub tasks: Vec<MoleculeTaskValue>,
    /// The fusion gate over the views (`cross` and `late`), absent for other variants.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gate: Option<ViewWeights>,
    /// Every atom's contribution: the prediction minus the prediction with that atom masked in
    /// all three views (its graph features, its SMILES token, the fingerprint environments
    /// that contain it), one entry per task of `tasks`, in task units (probability points for
    /// a classifier). Index order.
    pub atom_contributions: Vec<AtomContribution>,
    /// The fingerprint bits whose removal changes the prediction most (largest |change| of the
    /// first task first), with the substructures that set them; empty when the network does not
    /// read the fingerprint (a graph or SMILES model).
    pub fingerprint_bits: Vec<FingerprintBitContribution>,
    /// The prediction with each view removed at inference (as modality dropout trained it);
    /// only for fusion variants.
    pub without_view: Vec<ViewRemoved>,
}

/// A task's prediction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MoleculeTaskValue {
    /// Task name ([`crate::task::MOLECULE_TASKS`]).
    pub task: String,
    pub unit: String,
    /// The value in `unit`; a classifier's calibrated probability of the positive class.
    pub value: f64,
    /// Regression: the calibrated σ (±σ a central 68 % interval).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sigma: Option<f64>,
    /// Regression: the central 95 % interval, value ± z95·σ.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval_95: Option<[f64; 2]>,
    /// Classification: the calibrated probability (equal to `value`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probability: Option<f64>,
}

/// Weights of the molecule fusion gate (they sum to 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ViewWeights {
    pub graph: f64,
    pub smiles: f64,
    pub fingerprint: f64,
    /// The cross-attention embedding (`cross` fusion only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cross: Option<f64>,
}

/// One atom's contribution to each task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AtomContribution {
    pub index: usize,
    pub element: String,
    /// One per task, in the order of [`MoleculePrediction::tasks`].
    pub contributions: Vec<f64>,
}

/// A fingerprint bit's contribution: the prediction minus the prediction with the bit cleared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FingerprintBitContribution {
    pub bit: usize,
    /// One per task, in the order of [`MoleculePrediction::tasks`].
    pub contributions: Vec<f64>,
    /// The atom environments that set the bit.
    pub environments: Vec<BitEnvironment>,
}

/// A Morgan environment: the atoms within `radius` bonds of `center`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BitEnvironment {
    pub center: usize,
    pub radius: u32,
    /// The environment's atoms, ascending (highlight these).
    pub atoms: Vec<usize>,
    pub bonds: Vec<usize>,
}

/// The views a molecule model reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MoleculeView {
    Graph,
    Smiles,
    Fingerprint,
}

/// The prediction without one view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ViewRemoved {
    pub view: MoleculeView,
    pub tasks: Vec<MoleculeTaskValue>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::PredictRequest;

    fn task(name: &str, value: f64, sigma: Option<f64>) -> MoleculeTaskValue {
        MoleculeTaskValue {
            task: name.into(),
            unit: if sigma.is_some() { "log(mol/L)".into() } else { "probability".into() },
            value,
            sigma,
            interval_95: sigma.map(|s| [value - 2.0 * s, value + 2.0 * s]),
            probability: if sigma.is_some() { None } else { Some(value) },
        }
    }

    #[test]
    fn the_molecule_answer_payload() {
        let answer = MoleculePredictResponse {
            molecule: MoleculeSummary {
                smiles: "CCO".into(),
                formula: "C2H6O".into(),
                atoms: 3,
                bonds: 2,
                hydrogens: 6,
                formal_charge: 0,
                components: 1,
                layout: vec![MoleculeAtom { index: 0, element: "C".into(), smiles_position: 0, x: 0.0, y: 0.0 }],
                depiction_svg: "<svg/>".into(),
            },
            predictions: vec![MoleculePrediction {
                model: ModelInfo {
                    id: "esol".into(),
                    version: "0.1.0".into(),
                    trained: true,
                    weights_sha256: "ab".into(),
                    notice: None,
                },
                fusion: "cross".into(),
                tasks: vec![task("log_solubility", 0.5, Some(0.25))],
                gate: Some(ViewWeights { graph: 0.5, smiles: 0.25, fingerprint: 0.125, cross: Some(0.125) }),
                atom_contributions: vec![AtomContribution { index: 2, element: "O".into(), contributions: vec![0.75] }],
                fingerprint_bits: vec![FingerprintBitContribution {
                    bit: 1057,
                    contributions: vec![0.5],
                    environments: vec![BitEnvironment { center: 2, radius: 1, atoms: vec![1, 2], bonds: vec![1] }],
                }],
                without_view: vec![ViewRemoved {
                    view: MoleculeView::Smiles,
                    tasks: vec![task("bace_inhibitor", 0.5, None)],
                }],
            }],
            timings: Timings { featurize_ms: 1.0, model_ms: 2.0, total_ms: 3.0 },
        };
        let json = serde_json::to_string_pretty(&answer).unwrap();
        insta::assert_snapshot!("molecule_answer", json);
        assert_eq!(serde_json::from_str::<MoleculePredictResponse>(&json).unwrap(), answer);
    }

    #[test]
    fn a_request_names_a_structure_or_a_smiles_but_not_both() {
        let smiles: PredictRequest = serde_json::from_str(r#"{"smiles":"CCO","model":"esol"}"#).unwrap();
        assert_eq!(smiles.input(), Ok(crate::api::PredictInput::Smiles("CCO")));
        let crystal: PredictRequest = serde_json::from_str(r#"{"structure":"data_x"}"#).unwrap();
        assert_eq!(crystal.input(), Ok(crate::api::PredictInput::Structure("data_x")));
        assert_eq!(serde_json::to_string(&smiles).unwrap(), r#"{"model":"esol","smiles":"CCO"}"#);
        assert_eq!(serde_json::to_string(&crystal).unwrap(), r#"{"structure":"data_x"}"#);
        let both: PredictRequest = serde_json::from_str(r#"{"structure":"x","smiles":"C"}"#).unwrap();
        assert!(both.input().unwrap_err().contains("not both"));
        let neither: PredictRequest = serde_json::from_str(r#"{"model":"esol"}"#).unwrap();
        assert!(neither.input().unwrap_err().contains("`structure`"));
    }
}
