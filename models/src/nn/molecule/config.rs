//! The architecture of a molecule network, as a molecule bundle's manifest stores it.

use super::dmpnn::DmpnnConfig;
use super::{MoleculeFusion, MoleculeNet};
use crate::nn::light_text::LightTextConfig;
use burn::prelude::*;
use serde::{Deserialize, Serialize};
use shared::molecule::fingerprint::DEFAULT_BITS;
use shared::molecule::tokens::vocabulary;

/// What the head predicts for every task of a network (a bundle's tasks share one kind).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HeadKind {
    /// Evidential (Normal-Inverse-Gamma) values with σ, standardised targets.
    #[default]
    Regression,
    /// One logit per task, 0/1 labels, binary cross-entropy.
    Classification,
}

/// The SMILES transformer (token vocabulary: [`vocabulary`], fixed at 200).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SmilesConfig {
    pub hidden: usize,
    pub layers: usize,
    pub heads: usize,
    /// Token positions; longer SMILES are cut (keeping `[SEP]`).
    pub max_tokens: usize,
}

impl Default for SmilesConfig {
    fn default() -> Self {
        SmilesConfig { hidden: 64, layers: 2, heads: 4, max_tokens: 256 }
    }
}

impl SmilesConfig {
    pub(super) fn light_text(&self) -> LightTextConfig {
        LightTextConfig::new(vocabulary().len())
            .with_hidden(self.hidden)
            .with_layers(self.layers)
            .with_heads(self.heads)
            .with_max_tokens(self.max_tokens)
    }
}

/// The fingerprint MLP's input (Morgan radius 2) and width.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FingerprintConfig {
    pub bits: usize,
    /// Counts per bit rather than 0/1 (read as `ln(1 + count)`).
    pub counts: bool,
    pub hidden: usize,
}

impl Default for FingerprintConfig {
    fn default() -> Self {
        FingerprintConfig { bits: DEFAULT_BITS, counts: true, hidden: 256 }
    }
}

/// The activation between the head's layers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FfnActivation {
    #[default]
    Softplus,
    /// chemprop's.
    Relu,
}

/// The feed-forward head after the readout (chemprop's FFN). The default is the two-layer
/// evidential head every bundle before it shipped.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FfnConfig {
    /// Hidden width (0: the fusion width `fused`).
    pub hidden: usize,
    /// Hidden layers (0 taken as 1).
    pub layers: usize,
    pub activation: FfnActivation,
}

impl FfnConfig {
    /// The head bundles shipped before these settings existed: one hidden layer of the fusion
    /// width, softplus.
    pub fn is_default(&self) -> bool {
        let default = FfnConfig::default();
        self.hidden == default.hidden && self.layers <= 1 && self.activation == default.activation
    }
}

/// Molecular descriptors ([`shared::molecule::descriptors`], and with `crippen` the
/// Wildman–Crippen logP and molar refractivity of [`shared::molecule::crippen`] after them) fed
/// to the head beside the readout, standardised with the training split's statistics (as
/// chemprop's `rdkit_2d` features). Off by default; a run that turns them on fits `mean` and
/// `std`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DescriptorInput {
    pub enabled: bool,
    /// Adds `crippen_logp` and `crippen_mr` after the 13 standard descriptors (absent from
    /// manifests written without it, which keep their 13 columns).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub crippen: bool,
    /// Per descriptor, over the training split (filled by training).
    pub mean: Vec<f64>,
    pub std: Vec<f64>,
}

impl DescriptorInput {
    /// The names of the descriptors the head reads, in column order (none when off).
    pub fn names(&self) -> Vec<&'static str> {
        use shared::molecule::{crippen::CRIPPEN_NAMES, descriptors::DESCRIPTOR_NAMES};
        let crippen: &[&str] = if self.crippen { &CRIPPEN_NAMES } else { &[] };
        if self.enabled { DESCRIPTOR_NAMES.iter().chain(crippen).copied().collect() } else { Vec::new() }
    }

    /// Descriptors the head reads (0 when off).
    pub fn width(&self) -> usize {
        self.names().len()
    }

    fn is_off(&self) -> bool {
        !self.enabled
    }

    /// The unstandardised descriptors of `molecule`, in [`DescriptorInput::names`] order.
    fn raw(&self, molecule: &shared::molecule::Molecule) -> Vec<f64> {
        if !self.enabled {
            return Vec::new();
        }
        let mut values = shared::molecule::descriptors::Descriptors::of(molecule).values().to_vec();
        if self.crippen {
            values.extend(shared::molecule::crippen::Crippen::of(molecule).values());
        }
        values
    }

    /// Standardised descriptors of `molecule` (empty when off; unfitted statistics leave them raw).
    pub fn standardised(&self, molecule: &shared::molecule::Molecule) -> Vec<f32> {
        self.raw(molecule)
            .iter()
            .enumerate()
            .map(|(i, &v)| {
                let (mean, std) = (self.mean.get(i).copied().unwrap_or(0.0), self.std.get(i).copied().unwrap_or(1.0));
                ((v - mean) / std) as f32
            })
            .collect()
    }

    /// Fits `mean` and `std` on `molecules` (a descriptor constant over them keeps std 1), to 12
    /// significant digits so they read back from a manifest exactly.
    pub fn fit<'a>(&mut self, molecules: impl Iterator<Item = &'a shared::molecule::Molecule>) {
        let rows: Vec<Vec<f64>> = molecules.map(|m| self.raw(m)).collect();
        let n = rows.len().max(1) as f64;
        let width = self.width();
        let mean: Vec<f64> = (0..width).map(|i| rows.iter().map(|r| r[i]).sum::<f64>() / n).collect();
        self.std = (0..width)
            .map(|i| {
                let var = rows.iter().map(|r| (r[i] - mean[i]).powi(2)).sum::<f64>() / n;
                if var > 1e-12 { twelve_digits(var.sqrt()) } else { 1.0 }
            })
            .collect();
        self.mean = mean.into_iter().map(twelve_digits).collect();
    }
}

/// `x` to 12 significant digits: a number JSON readers parse back to the same `f64`.
fn twelve_digits(x: f64) -> f64 {
    format!("{x:.11e}").parse().expect("a formatted float parses")
}

/// Architecture of a molecule network.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MoleculeNetConfig {
    pub fusion: MoleculeFusion,
    #[serde(default)]
    pub graph: DmpnnConfig,
    #[serde(default)]
    pub smiles: SmilesConfig,
    #[serde(default)]
    pub fingerprint: FingerprintConfig,
    /// Width of the shared fusion space.
    #[serde(default = "default_fused")]
    pub fused: usize,
    /// Attention heads of the cross-attention.
    #[serde(default = "default_heads")]
    pub heads: usize,
    /// Outputs of the head (a training configuration leaves it to its `[data] tasks`).
    #[serde(default)]
    pub tasks: usize,
    #[serde(default)]
    pub head: HeadKind,
    /// The head's layers (absent from manifests written with the default).
    #[serde(default, skip_serializing_if = "FfnConfig::is_default")]
    pub ffn: FfnConfig,
    /// Molecular descriptors beside the readout (absent from manifests when off).
    #[serde(default, skip_serializing_if = "DescriptorInput::is_off")]
    pub descriptors: DescriptorInput,
}

fn default_fused() -> usize {
    128
}
fn default_heads() -> usize {
    4
}

impl MoleculeNetConfig {
    pub fn new(fusion: MoleculeFusion, tasks: usize, head: HeadKind) -> MoleculeNetConfig {
        MoleculeNetConfig {
            fusion,
            graph: DmpnnConfig::default(),
            smiles: SmilesConfig::default(),
            fingerprint: FingerprintConfig::default(),
            fused: default_fused(),
            heads: default_heads(),
            tasks,
            head,
            ffn: FfnConfig::default(),
            descriptors: DescriptorInput::default(),
        }
    }

    /// A network of width 16 with a 128-bit fingerprint, for quick tests.
    #[cfg(test)]
    pub(crate) fn tiny(fusion: MoleculeFusion, tasks: usize, head: HeadKind) -> MoleculeNetConfig {
        let mut config = MoleculeNetConfig::new(fusion, tasks, head);
        config.graph.hidden = 16;
        config.smiles = SmilesConfig { hidden: 16, layers: 1, heads: 2, max_tokens: 32 };
        config.fingerprint = FingerprintConfig { bits: 128, counts: true, hidden: 16 };
        config.fused = 16;
        config.heads = 2;
        config
    }

    /// What this network reads of `molecule`: graph, tokens, fingerprint and, when on, the
    /// standardised descriptors.
    pub fn inputs(&self, molecule: &shared::molecule::Molecule) -> crate::molecule_batch::MoleculeInputs {
        let fp = &self.fingerprint;
        let mut inputs =
            crate::molecule_batch::MoleculeInputs::new(molecule, self.smiles.max_tokens, fp.bits, fp.counts);
        inputs.descriptors = self.descriptors.standardised(molecule);
        inputs
    }

    /// A network of this architecture with freshly initialised parameters on `device`.
    pub fn init(&self, device: &Device) -> MoleculeNet {
        MoleculeNet::new(self, device)
    }
}

#[cfg(test)]
mod tests {
    use super::super::MoleculeFusion;
    use super::*;

    #[test]
    fn a_default_network_serialises_as_before_and_reads_back() {
        let config = MoleculeNetConfig::new(MoleculeFusion::Late, 1, HeadKind::Regression);
        let json = serde_json::to_value(&config).unwrap();
        assert!(json.get("ffn").is_none() && json.get("descriptors").is_none(), "{json}");
        assert_eq!(serde_json::from_value::<MoleculeNetConfig>(json).unwrap(), config);
    }

    #[test]
    fn head_and_descriptor_settings_round_trip() {
        let mut config = MoleculeNetConfig::new(MoleculeFusion::Graph, 2, HeadKind::Regression);
        config.ffn = FfnConfig { hidden: 300, layers: 2, activation: FfnActivation::Relu };
        config.descriptors.enabled = true;
        let molecules: Vec<_> = ["CCO", "c1ccccc1O", "CC(=O)O"]
            .iter()
            .map(|s| shared::molecule::Molecule::from_smiles(s).unwrap())
            .collect();
        config.descriptors.fit(molecules.iter());
        let json = serde_json::to_string(&config).unwrap();
        assert_eq!(serde_json::from_str::<MoleculeNetConfig>(&json).unwrap(), config);
        let standardised: Vec<Vec<f32>> = molecules.iter().map(|m| config.descriptors.standardised(m)).collect();
        for d in 0..config.descriptors.width() {
            let mean: f32 = standardised.iter().map(|row| row[d]).sum::<f32>() / 3.0;
            assert!(mean.abs() < 1e-5, "descriptor {d} is centred on the fitted molecules");
        }
        let partial: MoleculeNetConfig = serde_json::from_str(
            r#"{"fusion": "graph", "ffn": {"activation": "relu", "hidden": 300}, "descriptors": {"enabled": true}}"#,
        )
        .unwrap();
        assert_eq!(
            (partial.ffn.hidden, partial.ffn.activation, partial.descriptors.enabled),
            (300, FfnActivation::Relu, true)
        );
        assert!(!partial.ffn.is_default());
    }

    /// The shipped Lipophilicity bundle's network (13 descriptors, written before `crippen`
    /// existed) reads back with 13 columns and writes back unchanged; turning `crippen` on adds
    /// the two Crippen columns, fitted and written with the switch.
    #[test]
    fn bundles_without_crippen_keep_13_descriptors_and_crippen_adds_two() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/weights/molecules/lipo/manifest.json");
        let manifest: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let shipped = &manifest["molecule_network"];
        assert!(shipped["descriptors"].get("crippen").is_none(), "written before the switch");
        let config: MoleculeNetConfig = serde_json::from_value(shipped.clone()).unwrap();
        assert!(config.descriptors.enabled && !config.descriptors.crippen);
        assert_eq!((config.descriptors.width(), config.descriptors.names()[12]), (13, "tpsa"));
        assert_eq!(&serde_json::to_value(&config).unwrap(), shipped);
        let molecule = shared::molecule::Molecule::from_smiles("CCO").unwrap();
        assert_eq!(config.inputs(&molecule).descriptors.len(), 13);

        let mut crippen = config.clone();
        crippen.descriptors.crippen = true;
        let molecules: Vec<_> = ["CCO", "c1ccccc1O", "CC(=O)O", "CCCCCCCC"]
            .iter()
            .map(|s| shared::molecule::Molecule::from_smiles(s).unwrap())
            .collect();
        crippen.descriptors.fit(molecules.iter());
        assert_eq!((crippen.descriptors.mean.len(), crippen.descriptors.std.len()), (15, 15));
        assert_eq!(crippen.descriptors.names()[13..], ["crippen_logp", "crippen_mr"]);
        let json = serde_json::to_value(&crippen).unwrap();
        assert_eq!(json["descriptors"]["crippen"], true);
        let read: MoleculeNetConfig = serde_json::from_value(json).unwrap();
        assert_eq!((read.descriptors.width(), &read), (15, &crippen));
        let logp = read.inputs(&molecules[3]).descriptors[13];
        assert!(logp > 1.0, "octane's logP lies well above these molecules' mean: {logp}");
    }

    #[test]
    fn descriptors_widen_the_head_input_and_change_its_output() {
        use crate::molecule_batch::{MoleculeBatch, MoleculeSample, Views};
        let device = Device::flex();
        let mut config = MoleculeNetConfig::tiny(MoleculeFusion::Graph, 1, HeadKind::Regression);
        config.descriptors.enabled = true;
        let net = config.init(&device);
        let molecule = shared::molecule::Molecule::from_smiles("CCO").unwrap();
        let inputs = config.inputs(&molecule);
        assert_eq!(inputs.descriptors.len(), shared::molecule::descriptors::DESCRIPTOR_COUNT);
        let mut shifted = inputs.clone();
        shifted.descriptors[0] += 5.0;
        let raw = |i: &crate::molecule_batch::MoleculeInputs| {
            let samples = [MoleculeSample::new(i, vec![None])];
            net.forward(&MoleculeBatch::new(&samples, &[Views::ALL], &device))
                .raw
                .into_data()
                .try_to_vec::<f32>()
                .unwrap()
        };
        assert_ne!(raw(&inputs), raw(&shifted));
    }
}
