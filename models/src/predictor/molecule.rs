//! A molecule bundle ready to predict (SCIENCE.md §7): `Molecule` → graph + SMILES tokens +
//! fingerprint → network → each task's value with σ (regression) or calibrated probability
//! (classification), and what explains it — the gate over the views, each atom's and each
//! fingerprint bit's contribution by occlusion, and the prediction with each view removed. All
//! of it comes from one forward pass over one batch (the molecule, its three view-removed
//! copies, one copy per atom masked and one per fingerprint bit cleared), so explaining costs a
//! single batched evaluation. Built from bytes only: the page runs it in wasm32.

use crate::bundle::{Bundle, BundleKind, Manifest};
use crate::calibration::PlattScaling;
use crate::error::{Error, Result};
use crate::molecule_batch::{MoleculeBatch, MoleculeInputs, MoleculeSample, Views};
use crate::nn::evidential::Evidence;
use crate::nn::molecule::{HeadKind, MoleculeNet, MoleculeNetConfig};
use crate::train::{Prediction, Standardizer};
use burn::prelude::*;
use shared::api::{
    AtomContribution, BitEnvironment, FingerprintBitContribution, ModelInfo, MoleculePrediction, MoleculeTaskValue,
    MoleculeView, ViewRemoved, ViewWeights,
};
use shared::molecule::Molecule;
use shared::molecule::fingerprint::{DEFAULT_RADIUS, MorganFingerprint};
use shared::molecule::tokens::{SmilesTokens, UNK};
use shared::task::Task;

/// How many fingerprint bits an answer lists.
pub const TOP_BITS: usize = 8;

pub struct MoleculePredictor {
    pub manifest: Manifest,
    pub network: MoleculeNetConfig,
    net: MoleculeNet,
    stats: Standardizer,
    /// Per task: the probability calibration of a classifier (identity for regression).
    platt: Vec<PlattScaling>,
    tasks: Vec<&'static Task>,
    device: Device,
}

impl MoleculePredictor {
    /// Builds the network of a verified molecule bundle on `device`.
    pub fn new(bundle: &Bundle, device: &Device) -> Result<MoleculePredictor> {
        let manifest = bundle.manifest.clone();
        let network = match (&manifest.kind, &manifest.molecule_network) {
            (BundleKind::Molecule, Some(network)) => network.clone(),
            _ => return Err(Error::Config(format!("model '{}' is not a molecule model", manifest.id))),
        };
        let tasks = manifest.tasks();
        if tasks.len() != network.tasks {
            return Err(Error::Weights(format!(
                "bundle '{}' lists {} registered tasks, its network predicts {}",
                manifest.id,
                tasks.len(),
                network.tasks
            )));
        }
        let net = crate::weights::load_into(network.init(device), &bundle.weights)?;
        let stats = Standardizer::of_manifest(&manifest);
        let platt = manifest.properties.iter().map(|p| p.platt.unwrap_or(PlattScaling::IDENTITY)).collect();
        Ok(MoleculePredictor { manifest, network, net, stats, platt, tasks, device: device.clone() })
    }

    /// The bundle whose `manifest.json` text and weights were fetched (the page), verified as
    /// [`Bundle::from_bytes`] does.
    pub fn from_bytes(manifest_json: &[u8], weights: Vec<u8>, device: &Device) -> Result<MoleculePredictor> {
        MoleculePredictor::new(&Bundle::from_bytes(manifest_json, weights)?, device)
    }

    /// What the network reads of `molecule`.
    pub fn inputs(&self, molecule: &Molecule) -> MoleculeInputs {
        self.network.inputs(molecule)
    }

    /// The model's tasks, in output order.
    pub fn tasks(&self) -> &[&'static Task] {
        &self.tasks
    }

    /// Predictions for many molecules (batches of 256) with `views` present: values ± σ in task
    /// units, or a classifier's calibrated probability with its Bernoulli σ.
    pub fn predict(&self, inputs: &[MoleculeInputs], views: Views) -> Vec<Prediction> {
        let mut out = Vec::with_capacity(inputs.len());
        for chunk in inputs.chunks(256) {
            let samples = self.samples(chunk.iter());
            let batch = MoleculeBatch::new(&samples, &vec![views; samples.len()], &self.device);
            out.extend(self.read(self.net.forward(&batch).raw));
        }
        out
    }

    /// `molecule`'s prediction alone — each task's value with σ (or probability) and the gate —
    /// from one forward pass of one molecule: what the page shows at once, before `explain`'s
    /// larger batch. The explanation's lists are empty.
    pub fn predict_molecule(&self, molecule: &Molecule) -> MoleculePrediction {
        let inputs = self.inputs(molecule);
        let samples = self.samples(std::iter::once(&inputs));
        let output = self.net.forward(&MoleculeBatch::new(&samples, &[Views::ALL], &self.device));
        let gate = output.gate.map(to_vec);
        self.unexplained(&self.read(output.raw)[0], gate)
    }

    /// A prediction with its gate (one molecule's weights) and no explanation yet.
    fn unexplained(&self, prediction: &Prediction, gate: Option<Vec<f32>>) -> MoleculePrediction {
        MoleculePrediction {
            model: self.model_info(),
            fusion: fusion_name(&self.network),
            tasks: self.task_values(prediction),
            gate: gate.map(|g| ViewWeights {
                graph: f64::from(g[0]),
                smiles: f64::from(g[1]),
                fingerprint: f64::from(g[2]),
                cross: g.get(3).map(|&c| f64::from(c)),
            }),
            atom_contributions: Vec::new(),
            fingerprint_bits: Vec::new(),
            without_view: Vec::new(),
        }
    }

    /// `molecule`'s prediction and what explains it, as the API answers it.
    pub fn explain(&self, molecule: &Molecule) -> MoleculePrediction {
        let inputs = self.inputs(molecule);
        let fingerprint = MorganFingerprint::with(molecule, DEFAULT_RADIUS, self.network.fingerprint.bits);
        let atom_tokens = token_atoms(molecule, inputs.tokens.len());
        let removable: Vec<usize> = if self.network.fusion.is_fusion() { vec![0, 1, 2] } else { vec![] };
        let atoms = molecule.atoms().len();
        // Bits are explained only for a network that reads them; any other would list zeros.
        let bits = if self.network.fusion.reads_fingerprint() { fingerprint.on_bits() } else { Vec::new() };

        let mut variants: Vec<MoleculeInputs> = Vec::with_capacity(atoms + bits.len());
        variants
            .extend((0..atoms).map(|a| masked_atom(&inputs, &fingerprint, molecule, &atom_tokens, a, &self.network)));
        variants.extend(bits.iter().map(|&b| {
            let mut copy = inputs.clone();
            copy.fingerprint[b] = 0.0;
            copy
        }));
        let mut samples = self.samples(std::iter::repeat_n(&inputs, 1 + removable.len()));
        samples.extend(self.samples(variants.iter()));
        let mut views = vec![Views::ALL];
        views.extend(removable.iter().map(|&v| Views::without(v)));
        views.resize(samples.len(), Views::ALL);
        let output = self.net.forward(&MoleculeBatch::new(&samples, &views, &self.device));
        let gate = output.gate.map(|g| to_vec(g.narrow(0, 0, 1)));
        let predictions = self.read(output.raw);

        let full = &predictions[0];
        let change = |p: &Prediction| -> Vec<f64> { full.value.iter().zip(&p.value).map(|(a, b)| a - b).collect() };
        let occluded = &predictions[1 + removable.len()..];
        let atom_contributions = molecule
            .atoms()
            .iter()
            .enumerate()
            .map(|(index, atom)| AtomContribution {
                index,
                element: atom.symbol(),
                contributions: change(&occluded[index]),
            })
            .collect();
        let mut fingerprint_bits: Vec<FingerprintBitContribution> = bits
            .iter()
            .zip(&occluded[atoms..])
            .map(|(&bit, p)| FingerprintBitContribution {
                bit,
                contributions: change(p),
                environments: fingerprint
                    .environments_of(bit)
                    .iter()
                    .map(|e| BitEnvironment {
                        center: e.atom,
                        radius: e.radius,
                        atoms: e.atoms(molecule),
                        bonds: e.bonds.clone(),
                    })
                    .collect(),
            })
            .collect();
        fingerprint_bits.sort_by(|a, b| b.contributions[0].abs().total_cmp(&a.contributions[0].abs()));
        fingerprint_bits.truncate(TOP_BITS);
        let view_names = [MoleculeView::Graph, MoleculeView::Smiles, MoleculeView::Fingerprint];
        MoleculePrediction {
            atom_contributions,
            fingerprint_bits,
            without_view: removable
                .iter()
                .map(|&v| ViewRemoved { view: view_names[v], tasks: self.task_values(&predictions[1 + v]) })
                .collect(),
            ..self.unexplained(full, gate)
        }
    }

    /// Which model answers: id, version, whether trained, weights sha256.
    pub fn model_info(&self) -> ModelInfo {
        ModelInfo {
            id: self.manifest.id.clone(),
            version: self.manifest.version.clone(),
            trained: self.manifest.trained,
            weights_sha256: self.manifest.weights.sha256.clone(),
            notice: (!self.manifest.trained).then(|| "untrained network: its numbers are meaningless".into()),
        }
    }

    /// A prediction's tasks as the API reports them.
    pub fn task_values(&self, prediction: &Prediction) -> Vec<MoleculeTaskValue> {
        self.manifest
            .properties
            .iter()
            .enumerate()
            .map(|(t, spec)| {
                let value = prediction.value[t];
                match self.network.head {
                    HeadKind::Regression => {
                        let sigma = prediction.sigma[t];
                        MoleculeTaskValue {
                            task: spec.name.clone(),
                            unit: spec.unit.clone(),
                            value,
                            sigma: Some(sigma),
                            interval_95: Some([value - spec.z95 * sigma, value + spec.z95 * sigma]),
                            probability: None,
                        }
                    }
                    HeadKind::Classification => MoleculeTaskValue {
                        task: spec.name.clone(),
                        unit: spec.unit.clone(),
                        value,
                        sigma: None,
                        interval_95: None,
                        probability: Some(value),
                    },
                }
            })
            .collect()
    }

    fn samples<'a>(&self, inputs: impl Iterator<Item = &'a MoleculeInputs>) -> Vec<MoleculeSample<'a>> {
        inputs.map(|inputs| MoleculeSample::new(inputs, vec![None; self.tasks.len()])).collect()
    }

    /// Raw head outputs `[batch, …]` as predictions in task units.
    fn read(&self, raw: Tensor<2>) -> Vec<Prediction> {
        match self.network.head {
            HeadKind::Regression => self
                .stats
                .predictions(&Evidence::from_raw(raw))
                .into_iter()
                .map(|p| p.limited(&self.tasks, 0))
                .collect(),
            HeadKind::Classification => {
                let tasks = self.tasks.len().max(1);
                to_vec(raw)
                    .chunks(tasks)
                    .map(|logits| {
                        let p: Vec<f64> =
                            logits.iter().zip(&self.platt).map(|(&z, platt)| platt.probability(f64::from(z))).collect();
                        Prediction { sigma: p.iter().map(|p| (p * (1.0 - p)).sqrt()).collect(), value: p }
                    })
                    .collect()
            }
        }
    }
}

/// What the reader made of `molecule`: formula, counts, the 2-D layout and its SVG drawing.
pub fn molecule_summary(molecule: &Molecule) -> shared::api::MoleculeSummary {
    use shared::molecule::depict::Depiction;
    let depiction = Depiction::new(molecule);
    let svg = shared::molecule::svg::to_svg(molecule, &depiction, &Default::default());
    shared::api::MoleculeSummary {
        smiles: molecule.smiles().trim().to_string(),
        formula: molecule.formula(),
        atoms: molecule.atoms().len(),
        bonds: molecule.bonds().len(),
        hydrogens: molecule.hydrogen_count(),
        formal_charge: molecule.formal_charge(),
        components: molecule.components().len(),
        layout: molecule
            .atoms()
            .iter()
            .zip(&depiction.coordinates)
            .enumerate()
            .map(|(index, (atom, point))| shared::api::MoleculeAtom {
                index,
                element: atom.symbol(),
                smiles_position: atom.position,
                x: point[0],
                y: point[1],
            })
            .collect(),
        depiction_svg: svg,
    }
}

/// The variant's name as configurations write it (`cross`, `graph`, …).
pub fn fusion_name(network: &MoleculeNetConfig) -> String {
    serde_json::to_value(network.fusion).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()
}

/// For each position of the network's token ids (`length` of them), the atom it writes.
fn token_atoms(molecule: &Molecule, length: usize) -> Vec<Option<usize>> {
    let mut atoms = SmilesTokens::from_molecule(molecule).atoms;
    atoms.truncate(length.saturating_sub(1));
    atoms.resize(length, None);
    atoms
}

/// `inputs` with atom `atom` masked in every view: its features (and so its outgoing edges'
/// inputs) zero, its SMILES token `[UNK]`, and one count taken off every fingerprint
/// environment that contains it.
fn masked_atom(
    inputs: &MoleculeInputs,
    fingerprint: &MorganFingerprint,
    molecule: &Molecule,
    token_atoms: &[Option<usize>],
    atom: usize,
    network: &MoleculeNetConfig,
) -> MoleculeInputs {
    let mut copy = inputs.clone();
    let width = shared::molecule::features::ATOM_FEATURES;
    copy.graph.atom_features[atom * width..(atom + 1) * width].fill(0.0);
    for (id, owner) in copy.tokens.iter_mut().zip(token_atoms) {
        if *owner == Some(atom) {
            *id = UNK;
        }
    }
    let mut counts = fingerprint.counts.clone();
    for environment in fingerprint.environments.iter().filter(|e| e.atoms(molecule).contains(&atom)) {
        counts[environment.bit] = counts[environment.bit].saturating_sub(1);
    }
    copy.fingerprint = counts
        .iter()
        .map(|&c| if network.fingerprint.counts { c as f32 } else { f32::from(u8::from(c > 0)) })
        .collect();
    copy
}

fn to_vec<const D: usize>(tensor: Tensor<D>) -> Vec<f32> {
    tensor.into_data().convert::<f32>().try_into_vec::<f32>().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::molecule::MoleculeFusion;

    fn predictor(fusion: MoleculeFusion, head: HeadKind, task: &str) -> MoleculePredictor {
        let device = Device::flex();
        let network = MoleculeNetConfig::tiny(fusion, 1, head);
        let weights = crate::weights::to_bytes(&network.init(&device), true).unwrap();
        let mut manifest = Manifest::untrained_molecule("esol", network, &[shared::task::by_name(task).unwrap()]);
        manifest.weights.sha256 = crate::bundle::sha256_hex(&weights);
        let json = serde_json::to_vec(&manifest).unwrap();
        MoleculePredictor::from_bytes(&json, weights, &device).unwrap()
    }

    #[test]
    fn explains_with_the_gate_atoms_bits_and_each_view_removed() {
        let model = predictor(MoleculeFusion::Cross, HeadKind::Regression, "log_solubility");
        let aspirin = Molecule::from_smiles("CC(=O)Oc1ccccc1C(=O)O").unwrap();
        let answer = model.explain(&aspirin);
        let value = answer.tasks[0].value;
        let batch = model.predict(&[model.inputs(&aspirin)], Views::ALL);
        assert!((batch[0].value[0] - value).abs() < 1e-4, "explain and predict agree");
        assert!(answer.tasks[0].sigma.is_some_and(|s| s > 0.0) && answer.tasks[0].probability.is_none());
        let gate = answer.gate.as_ref().unwrap();
        let total = gate.graph + gate.smiles + gate.fingerprint + gate.cross.unwrap();
        assert!((total - 1.0).abs() < 1e-4, "{gate:?}");
        assert_eq!(answer.atom_contributions.len(), aspirin.atoms().len());
        assert!(answer.atom_contributions.iter().any(|a| a.contributions[0] != 0.0));
        assert!(!answer.fingerprint_bits.is_empty() && answer.fingerprint_bits.len() <= TOP_BITS);
        let sizes: Vec<f64> = answer.fingerprint_bits.iter().map(|b| b.contributions[0].abs()).collect();
        assert!(sizes.windows(2).all(|w| w[0] >= w[1]), "largest first: {sizes:?}");
        assert!(answer.fingerprint_bits.iter().all(|b| b.environments.iter().all(|e| e.atoms.contains(&e.center))));
        let views: Vec<MoleculeView> = answer.without_view.iter().map(|v| v.view).collect();
        assert_eq!(views, [MoleculeView::Graph, MoleculeView::Smiles, MoleculeView::Fingerprint]);
        for removed in &answer.without_view {
            let index = removed.view as usize;
            let alone = model.predict(&[model.inputs(&aspirin)], Views::without(index));
            assert!((alone[0].value[0] - removed.tasks[0].value).abs() < 1e-4, "{:?}", removed.view);
        }
        assert_eq!((answer.model.id.as_str(), answer.model.trained, answer.fusion.as_str()), ("esol", false, "cross"));
    }

    #[test]
    fn the_prediction_alone_equals_the_explained_one() {
        for (fusion, head, task) in [
            (MoleculeFusion::Cross, HeadKind::Regression, "log_solubility"),
            (MoleculeFusion::Late, HeadKind::Regression, "log_solubility"),
            (MoleculeFusion::Graph, HeadKind::Classification, "bace_inhibitor"),
        ] {
            let model = predictor(fusion, head, task);
            let ibuprofen = Molecule::from_smiles("CC(C)Cc1ccc(cc1)C(C)C(=O)O").unwrap();
            let (quick, explained) = (model.predict_molecule(&ibuprofen), model.explain(&ibuprofen));
            let close = |a: f64, b: f64| (a - b).abs() < 1e-4;
            let (q, e) = (&quick.tasks[0], &explained.tasks[0]);
            assert!(
                close(q.value, e.value) && q.sigma.zip(e.sigma).is_none_or(|(a, b)| close(a, b)),
                "{fusion:?}: {q:?} {e:?}"
            );
            assert_eq!(q.probability.is_some(), e.probability.is_some());
            match (&quick.gate, &explained.gate) {
                (Some(a), Some(b)) => {
                    assert!(close(a.graph, b.graph) && close(a.fingerprint, b.fingerprint), "{fusion:?}")
                }
                (a, b) => assert_eq!(a.is_none(), b.is_none(), "{fusion:?}"),
            }
            assert!(
                quick.atom_contributions.is_empty()
                    && quick.fingerprint_bits.is_empty()
                    && quick.without_view.is_empty()
            );
            assert_eq!((quick.model, quick.fusion), (explained.model, explained.fusion));
        }
    }

    #[test]
    fn a_classifier_gives_a_probability_and_a_single_view_no_gate() {
        let model = predictor(MoleculeFusion::Graph, HeadKind::Classification, "bace_inhibitor");
        let answer = model.explain(&Molecule::from_smiles("[NH3+]CC(=O)[O-]").unwrap());
        let task = &answer.tasks[0];
        assert!((0.0..=1.0).contains(&task.value) && task.probability == Some(task.value) && task.sigma.is_none());
        assert!(answer.gate.is_none() && answer.without_view.is_empty());
        assert_eq!(answer.atom_contributions.len(), 5);
        assert!(answer.fingerprint_bits.is_empty(), "a graph-only network does not read the fingerprint");
    }

    #[test]
    fn a_crystal_bundle_is_refused() {
        let device = Device::flex();
        let network = crate::nn::NetConfig::new(crate::bundle::FusionKind::Graph, 10);
        let manifest = Manifest::untrained("browser", network);
        let bundle = Bundle { dir: Default::default(), manifest, weights: vec![] };
        let err = MoleculePredictor::new(&bundle, &device).err().unwrap().to_string();
        assert!(err.contains("not a molecule model"), "{err}");
    }
}
