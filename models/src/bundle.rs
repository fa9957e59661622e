//! Model bundles: `manifest.json` + weights + tokenizer/vocabulary, verified on load.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use shared::task::Task;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Manifest schema this build reads and writes.
pub const SCHEMA_VERSION: u32 = 1;
pub const MANIFEST_FILE: &str = "manifest.json";

pub use crate::nn::fusion::FusionKind;

pub use shared::embedding::EncoderRef;

/// Refuses `actual` unless it is the encoder `expected` that `model` was trained with.
pub fn require_encoder(model: &str, expected: &EncoderRef, actual: &EncoderRef) -> Result<()> {
    if !expected.is_same_encoder(actual) {
        return Err(Error::EncoderMismatch {
            model: model.into(),
            expected: expected.to_string(),
            actual: actual.to_string(),
        });
    }
    Ok(())
}

/// A predicted property, with the standardisation used in training.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PropertySpec {
    pub name: String,
    pub unit: String,
    pub mean: f64,
    pub std: f64,
    /// Factor on the predicted σ, fitted on the validation split (see [`crate::calibration`]);
    /// 1 in bundles written before it existed.
    #[serde(default = "unit_scale")]
    pub sigma_scale: f64,
    /// Half-width of the central 95 % interval in units of σ (the scaled one), fitted on the
    /// validation split; Gaussian (1.96) in bundles written before it existed.
    #[serde(default = "gaussian_z95")]
    pub z95: f64,
    /// A classifier's probability calibration, fitted on the validation split (molecule
    /// bundles with a classification head; absent for regression).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platt: Option<crate::calibration::PlattScaling>,
}

impl PropertySpec {
    /// `task` with identity standardisation and no calibration (an untrained network's).
    pub fn untrained(task: &Task) -> PropertySpec {
        PropertySpec {
            name: task.name.into(),
            unit: task.unit.into(),
            mean: 0.0,
            std: 1.0,
            sigma_scale: 1.0,
            z95: crate::calibration::GAUSSIAN_Z95,
            platt: None,
        }
    }
}

fn unit_scale() -> f64 {
    1.0
}

fn gaussian_z95() -> f64 {
    crate::calibration::GAUSSIAN_Z95
}

/// What a bundle predicts from: a crystal structure or a molecule.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BundleKind {
    /// A crystal model (`network`); bundles written before molecules existed.
    #[default]
    Crystal,
    /// A molecule model (`molecule_network`), read from SMILES.
    Molecule,
}

impl BundleKind {
    pub fn is_crystal(&self) -> bool {
        *self == BundleKind::Crystal
    }

    /// `crystal` or `molecule`.
    pub fn as_str(self) -> &'static str {
        match self {
            BundleKind::Crystal => "crystal",
            BundleKind::Molecule => "molecule",
        }
    }
}

/// Where a model came from, so its numbers can be regenerated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    pub data: Vec<String>,
    pub split: String,
    /// The exact command that trained it.
    pub command: String,
    #[serde(default)]
    pub seed: Option<u64>,
    /// How the data was split (molecule bundles: `random` 8:1:1 or `scaffold`); absent for the
    /// crystal tables' fixed `split` column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub split_kind: Option<String>,
    /// The seed of a random split (molecule bundles), so `matfuse eval` can rebuild it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub split_seed: Option<u64>,
}

/// A file of the bundle with its checksum.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileRef {
    /// File name inside the bundle directory (no path separators).
    pub file: String,
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub schema_version: u32,
    pub id: String,
    pub version: String,
    pub fusion: FusionKind,
    pub text_encoder: EncoderRef,
    pub properties: Vec<PropertySpec>,
    pub training: Provenance,
    /// Test-split metrics: property → metric name → value.
    #[serde(default)]
    pub metrics: BTreeMap<String, BTreeMap<String, f64>>,
    /// False for an untrained model of the right shape: it must never be passed off as trained.
    pub trained: bool,
    pub weights: FileRef,
    /// Tokenizer / vocabulary files the model needs.
    #[serde(default)]
    pub vocabulary: Vec<FileRef>,
    /// Caveats a scientist needs to read the numbers.
    #[serde(default)]
    pub caveats: Vec<String>,
    /// Architecture of the network the weights belong to (crystal bundles).
    #[serde(default)]
    pub network: Option<crate::nn::NetConfig>,
    /// Crystal or molecule; crystal when absent (every bundle written before molecules).
    #[serde(default, skip_serializing_if = "BundleKind::is_crystal")]
    pub kind: BundleKind,
    /// Architecture of a molecule bundle's network (`kind: molecule`). Its `fusion` is the
    /// model's; the crystal `fusion` field then names the nearest crystal variant only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub molecule_network: Option<crate::nn::molecule::MoleculeNetConfig>,
}

impl Manifest {
    /// A prediction as the API reports it for a structure of `elements` distinct elements:
    /// each property in this manifest's order and unit, the value and its central 95 % interval
    /// (from the manifest's `z95`) inside the task's physical limits ([`Task::limit`]).
    /// A one-element structure's energy above hull is its formation energy, value, σ and
    /// interval alike ([`crate::train::elemental_hull`]).
    pub fn in_units(&self, p: &crate::train::Prediction, elements: usize) -> shared::api::Predictions {
        let tasks = self.tasks();
        let p = p.clone().limited(&tasks, elements);
        let mut z95: Vec<f64> = self.properties.iter().map(|spec| spec.z95).collect();
        if let Some((hull, formation)) = crate::train::elemental_hull(&tasks, elements) {
            z95[hull] = z95[formation];
        }
        self.properties
            .iter()
            .zip(&p.value)
            .zip(&p.sigma)
            .zip(z95)
            .filter_map(|(((spec, &value), &sigma), z95)| {
                let task = shared::task::by_name(&spec.name)?;
                let mut property = shared::api::PropertyValue::new(task, value, sigma, z95, &spec.unit);
                property.interval_95 = property.interval_95.map(|end| task.limit(end, elements));
                Some((spec.name.clone(), property))
            })
            .collect()
    }

    /// The registry's task of each property, in the manifest's order (every name is a
    /// registered task: [`Manifest::from_json`] refuses others).
    pub fn tasks(&self) -> Vec<&'static Task> {
        self.properties.iter().filter_map(|p| shared::task::by_name(&p.name)).collect()
    }

    /// The property names, in order.
    pub fn task_names(&self) -> Vec<&str> {
        self.properties.iter().map(|p| p.name.as_str()).collect()
    }

    /// Parses `manifest.json` (read from `path`, for messages) and checks its schema.
    pub fn from_json(bytes: &[u8], path: &Path) -> Result<Manifest> {
        let manifest: Manifest = serde_json::from_slice(bytes)
            .map_err(|e| Error::Manifest { path: path.to_path_buf(), message: e.to_string() })?;
        validate(&manifest).map_err(|message| Error::Manifest { path: path.to_path_buf(), message })?;
        Ok(manifest)
    }

    /// The checked manifest as `manifest.json` text (`path` only names it in errors).
    pub fn to_json(&self, path: &Path) -> Result<String> {
        validate(self).map_err(|message| Error::Manifest { path: path.to_path_buf(), message })?;
        Ok(serde_json::to_string_pretty(self).expect("manifest serialises") + "\n")
    }

    /// The text of this manifest's first vocabulary file, given its fetched bytes, once its
    /// sha256 matches.
    pub fn verify_vocabulary(&self, bytes: Vec<u8>) -> Result<String> {
        let file = self
            .vocabulary
            .first()
            .ok_or_else(|| Error::Weights(format!("bundle '{}' has no vocabulary file", self.id)))?;
        let bytes = verified(Path::new(&file.file), bytes, file)?;
        String::from_utf8(bytes).map_err(|e| Error::Vocabulary(format!("{}: {e}", file.file)))
    }

    /// The manifest of an untrained network of the right shape (`trained: false`, identity
    /// standardisation) predicting the first `network.tasks` registry tasks: what serves before
    /// real weights exist, never passed off as trained.
    pub fn untrained(id: &str, network: crate::nn::NetConfig) -> Manifest {
        Manifest {
            schema_version: SCHEMA_VERSION,
            id: id.into(),
            version: format!("{}-untrained", env!("CARGO_PKG_VERSION")),
            fusion: network.fusion,
            text_encoder: EncoderRef {
                name: "matfuse-light (untrained)".into(),
                hidden_size: network.text.hidden,
                sha256: String::new(),
            },
            properties: shared::task::TASKS
                .iter()
                .take(network.tasks)
                .map(|task| PropertySpec::untrained(task))
                .collect(),
            training: Provenance {
                data: vec![],
                split: String::new(),
                command: String::new(),
                seed: None,
                split_kind: None,
                split_seed: None,
            },
            metrics: BTreeMap::new(),
            trained: false,
            weights: FileRef { file: "model.bpk".into(), sha256: String::new() },
            vocabulary: vec![],
            caveats: vec!["Untrained network: its numbers are meaningless.".into()],
            network: Some(network),
            kind: BundleKind::Crystal,
            molecule_network: None,
        }
    }
}

impl Manifest {
    /// The manifest of an untrained molecule network predicting `tasks` (molecule tasks, as
    /// many as `network.tasks`; identity standardisation, no calibration): for tests and for
    /// serving before real weights exist, never passed off as trained.
    pub fn untrained_molecule(id: &str, network: crate::nn::molecule::MoleculeNetConfig, tasks: &[&Task]) -> Manifest {
        let mut manifest = Manifest::untrained(id, crate::nn::NetConfig::new(FusionKind::Cross, 0));
        manifest.network = None;
        manifest.kind = BundleKind::Molecule;
        manifest.fusion = nearest_crystal_fusion(network.fusion);
        manifest.text_encoder = EncoderRef {
            name: "SMILES tokens (fixed 200-token vocabulary)".into(),
            hidden_size: network.smiles.hidden,
            sha256: String::new(),
        };
        manifest.properties = tasks.iter().map(|task| PropertySpec::untrained(task)).collect();
        manifest.molecule_network = Some(network);
        manifest
    }
}

/// The crystal variant a molecule variant is recorded as in the manifest's required `fusion`
/// field (the SMILES view is a text view; a fingerprint alone is the graph-free single view).
pub fn nearest_crystal_fusion(fusion: crate::nn::molecule::MoleculeFusion) -> FusionKind {
    use crate::nn::molecule::MoleculeFusion as M;
    match fusion {
        M::Graph | M::Fingerprint => FusionKind::Graph,
        M::Smiles => FusionKind::Text,
        M::Concat => FusionKind::Concat,
        M::Late => FusionKind::Late,
        M::Cross => FusionKind::Cross,
    }
}

/// A loaded, verified bundle.
#[derive(Debug, Clone)]
pub struct Bundle {
    pub dir: PathBuf,
    pub manifest: Manifest,
    pub weights: Vec<u8>,
}

impl Bundle {
    /// Reads `dir/manifest.json`, checks its schema and every file's sha256.
    pub fn load(dir: &Path) -> Result<Bundle> {
        let manifest_path = dir.join(MANIFEST_FILE);
        let manifest = Manifest::from_json(&read(&manifest_path)?, &manifest_path)?;
        for vocab in &manifest.vocabulary {
            verified(&dir.join(&vocab.file), read(&dir.join(&vocab.file))?, vocab)?;
        }
        let weights_path = dir.join(&manifest.weights.file);
        let weights = verified(&weights_path, read(&weights_path)?, &manifest.weights)?;
        Ok(Bundle { dir: dir.to_path_buf(), manifest, weights })
    }

    /// A bundle whose files were fetched rather than read (the web app): `manifest_json` and
    /// the weights' bytes, checked exactly as [`Bundle::load`] checks files. The vocabulary
    /// files are verified separately with [`Manifest::verify_vocabulary`]. `dir` is empty.
    pub fn from_bytes(manifest_json: &[u8], weights: Vec<u8>) -> Result<Bundle> {
        let manifest = Manifest::from_json(manifest_json, Path::new(MANIFEST_FILE))?;
        let weights = verified(Path::new(&manifest.weights.file), weights, &manifest.weights)?;
        Ok(Bundle { dir: PathBuf::new(), manifest, weights })
    }

    pub fn path(&self, file: &FileRef) -> PathBuf {
        self.dir.join(&file.file)
    }

    /// Writes a bundle: `weights` as `model.bpk`, `vocab_text` (if any; a molecule bundle has
    /// none, its SMILES vocabulary is fixed in `shared::molecule::tokens`) as `vocab.txt` and
    /// the manifest with their checksums filled in.
    pub fn write(dir: &Path, mut manifest: Manifest, weights: &[u8], vocab_text: Option<&str>) -> Result<()> {
        let write = |name: &str, bytes: &[u8]| {
            std::fs::create_dir_all(dir)
                .and_then(|()| std::fs::write(dir.join(name), bytes))
                .map_err(|source| Error::Write { path: dir.join(name), source })
        };
        manifest.weights = FileRef { file: "model.bpk".into(), sha256: sha256_hex(weights) };
        manifest.vocabulary = vocab_text
            .iter()
            .map(|text| FileRef { file: "vocab.txt".into(), sha256: sha256_hex(text.as_bytes()) })
            .collect();
        let json = manifest.to_json(&dir.join(MANIFEST_FILE))?;
        write("model.bpk", weights)?;
        if let Some(text) = vocab_text {
            write("vocab.txt", text.as_bytes())?;
        }
        write(MANIFEST_FILE, json.as_bytes())
    }
}

/// sha256 of bytes, lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn validate(m: &Manifest) -> std::result::Result<(), String> {
    if m.schema_version != SCHEMA_VERSION {
        return Err(format!("schema version {} (this build reads {SCHEMA_VERSION})", m.schema_version));
    }
    if m.id.is_empty() || !m.id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        return Err(format!("model id '{}' must be letters, digits, '-' or '_'", m.id));
    }
    if m.properties.is_empty() {
        return Err("no properties".into());
    }
    if let Some(p) = m.properties.iter().find(|p| shared::task::by_name(&p.name).is_none()) {
        let known: Vec<&str> = shared::task::TASKS.iter().map(|t| t.name).collect();
        return Err(format!("property '{}' is not a known task ({})", p.name, known.join(", ")));
    }
    if let Some(network) = &m.network
        && network.tasks != m.properties.len()
    {
        return Err(format!("{} properties, but the network predicts {} tasks", m.properties.len(), network.tasks));
    }
    validate_kind(m)?;
    if let Some(p) = m.properties.iter().find(|p| !p.std.is_finite() || p.std <= 0.0 || !p.mean.is_finite()) {
        return Err(format!("property '{}' has an invalid standardisation (mean {}, std {})", p.name, p.mean, p.std));
    }
    if let Some(p) = m.properties.iter().find(|p| !p.sigma_scale.is_finite() || p.sigma_scale <= 0.0) {
        return Err(format!("property '{}' has an invalid sigma_scale {} (must be positive)", p.name, p.sigma_scale));
    }
    if let Some(p) = m.properties.iter().find(|p| !p.z95.is_finite() || p.z95 <= 0.0) {
        return Err(format!("property '{}' has an invalid z95 {} (must be positive)", p.name, p.z95));
    }
    for f in m.vocabulary.iter().chain([&m.weights]) {
        if !is_plain_file_name(&f.file) {
            return Err(format!("file '{}' must be a plain file name inside the bundle", f.file));
        }
    }
    Ok(())
}

/// A molecule bundle describes a molecule network and predicts molecule tasks only; a crystal
/// bundle predicts crystal tasks only.
fn validate_kind(m: &Manifest) -> std::result::Result<(), String> {
    let molecular = m.kind == BundleKind::Molecule;
    if let Some(p) =
        m.properties.iter().find(|p| shared::task::by_name(&p.name).is_some_and(|t| t.is_molecular() != molecular))
    {
        return Err(format!("property '{}' is not a {} task", p.name, m.kind.as_str()));
    }
    match (&m.molecule_network, molecular) {
        (Some(network), true) if network.tasks != m.properties.len() => {
            Err(format!("{} properties, but the molecule network predicts {} tasks", m.properties.len(), network.tasks))
        }
        (None, true) => Err("a molecule bundle needs `molecule_network`".into()),
        (Some(_), false) => Err("`molecule_network` in a crystal bundle (set `kind: molecule`)".into()),
        _ => Ok(()),
    }
}

fn is_plain_file_name(name: &str) -> bool {
    !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '\\', '\0'])
}

/// `bytes` (the content of `path`) if their sha256 is the one `file` records.
fn verified(path: &Path, bytes: Vec<u8>, file: &FileRef) -> Result<Vec<u8>> {
    let actual = sha256_hex(&bytes);
    if !actual.eq_ignore_ascii_case(&file.sha256) {
        return Err(Error::Checksum { path: path.to_path_buf(), expected: file.sha256.clone(), actual });
    }
    Ok(bytes)
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|source| Error::Read { path: path.to_path_buf(), source })
}

/// The caveats every shipped model card and manifest carries.
pub fn standard_caveats() -> Vec<String> {
    [
        "Band gaps are PBE (GGA) values, which underestimate experimental gaps, often by 30-50 %.",
        "Fermi energy is an absolute DFT level from the calculation, not referenced to vacuum or a band edge; compare it only between similar calculations.",
        "Energy above hull is measured against the Materials Project 2022 convex hull; only ~1,750 training labels exist.",
        "Predictions for elements absent from the training data are extrapolations: the API and the app flag them (out-of-distribution block).",
        "Training data: Materials Project (CC-BY-4.0); cite the Materials Project when publishing results.",
    ]
    .map(String::from)
    .to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(weights_sha: &str) -> Manifest {
        Manifest {
            schema_version: SCHEMA_VERSION,
            id: "test".into(),
            version: "0.1.0".into(),
            fusion: FusionKind::Cross,
            text_encoder: EncoderRef { name: "tiny".into(), hidden_size: 8, sha256: "ab".repeat(32) },
            properties: vec![PropertySpec {
                name: "band_gap".into(),
                unit: "eV".into(),
                mean: 1.0,
                std: 1.5,
                sigma_scale: 1.0,
                z95: crate::calibration::GAUSSIAN_Z95,
                platt: None,
            }],
            training: Provenance {
                data: vec!["mp2018".into()],
                split: "fixed".into(),
                command: "matfuse train".into(),
                seed: Some(1),
                split_kind: None,
                split_seed: None,
            },
            metrics: BTreeMap::new(),
            trained: false,
            weights: FileRef { file: "weights.bin".into(), sha256: weights_sha.into() },
            vocabulary: vec![],
            caveats: vec![],
            network: None,
            kind: BundleKind::Crystal,
            molecule_network: None,
        }
    }

    fn write_bundle(m: &Manifest, weights: &[u8]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("matfuse-bundle-{}-{}", std::process::id(), sha256_hex(weights)));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("weights.bin"), weights).unwrap();
        std::fs::write(dir.join(MANIFEST_FILE), serde_json::to_string_pretty(m).unwrap()).unwrap();
        dir
    }

    #[test]
    fn loads_a_verified_bundle_and_checks_the_encoder() {
        let weights = b"weights-1";
        let m = manifest(&sha256_hex(weights));
        let bundle = Bundle::load(&write_bundle(&m, weights)).unwrap();
        assert_eq!(bundle.weights, weights);
        let installed = m.text_encoder.clone();
        assert!(require_encoder(&m.id, &bundle.manifest.text_encoder, &installed).is_ok());
        let renamed = EncoderRef { name: "copied-elsewhere".into(), ..installed.clone() };
        assert!(
            require_encoder(&m.id, &bundle.manifest.text_encoder, &renamed).is_ok(),
            "same weights, other directory"
        );
        let other = EncoderRef { hidden_size: 384, ..installed.clone() };
        let err = require_encoder(&m.id, &bundle.manifest.text_encoder, &other).unwrap_err();
        assert!(err.to_string().contains("hidden size 384"), "{err}");
        let retrained = EncoderRef { sha256: "cd".repeat(32), ..installed };
        assert!(require_encoder(&m.id, &bundle.manifest.text_encoder, &retrained).is_err());
    }

    #[test]
    fn from_bytes_verifies_like_load() {
        let weights = b"weights-3";
        let mut m = manifest(&sha256_hex(weights));
        m.vocabulary = vec![FileRef { file: "vocab.txt".into(), sha256: sha256_hex(b"[PAD]\n[UNK]\n") }];
        let json = serde_json::to_vec(&m).unwrap();
        let bundle = Bundle::from_bytes(&json, weights.to_vec()).unwrap();
        assert_eq!((bundle.manifest, bundle.weights.as_slice()), (m.clone(), &weights[..]));
        assert_eq!(m.verify_vocabulary(b"[PAD]\n[UNK]\n".to_vec()).unwrap(), "[PAD]\n[UNK]\n");
        assert!(matches!(m.verify_vocabulary(b"[PAD]\n".to_vec()), Err(Error::Checksum { .. })));
        assert!(matches!(Bundle::from_bytes(&json, b"tampered".to_vec()), Err(Error::Checksum { .. })));
        assert!(matches!(Bundle::from_bytes(b"{", weights.to_vec()), Err(Error::Manifest { .. })));
    }

    #[test]
    fn the_shipped_browser_bundle_loads_from_bytes() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("weights/browser");
        let from_files = Bundle::load(&dir).unwrap();
        let json = std::fs::read(dir.join(MANIFEST_FILE)).unwrap();
        let bundle = Bundle::from_bytes(&json, std::fs::read(dir.join("model.bpk")).unwrap()).unwrap();
        assert!(bundle.manifest.verify_vocabulary(std::fs::read(dir.join("vocab.txt")).unwrap()).is_ok());
        assert_eq!((bundle.manifest, bundle.weights), (from_files.manifest, from_files.weights));
    }

    #[test]
    fn refuses_corrupted_weights_and_unsafe_file_names() {
        let weights = b"weights-2";
        let m = manifest(&sha256_hex(b"something else"));
        assert!(matches!(Bundle::load(&write_bundle(&m, weights)), Err(Error::Checksum { .. })));
        let mut m = manifest(&sha256_hex(weights));
        m.weights.file = "../weights.bin".into();
        assert!(matches!(Bundle::load(&write_bundle(&m, weights)), Err(Error::Manifest { .. })));
    }

    #[test]
    fn missing_calibration_reads_as_none_and_a_non_positive_one_is_refused() {
        let weights = b"weights-3";
        let m = manifest(&sha256_hex(weights));
        let mut json = serde_json::to_value(&m).unwrap();
        json["properties"][0].as_object_mut().unwrap().remove("sigma_scale");
        json["properties"][0].as_object_mut().unwrap().remove("z95");
        let parsed = Manifest::from_json(json.to_string().as_bytes(), Path::new("manifest.json")).unwrap();
        assert_eq!(parsed.properties[0].sigma_scale, 1.0);
        assert_eq!(parsed.properties[0].z95, crate::calibration::GAUSSIAN_Z95);
        let mut bad_scale = m.clone();
        bad_scale.properties[0].sigma_scale = 0.0;
        let err = Bundle::load(&write_bundle(&bad_scale, weights)).unwrap_err().to_string();
        assert!(err.contains("band_gap") && err.contains("sigma_scale"), "{err}");
        let mut bad_z95 = m;
        bad_z95.properties[0].z95 = -1.0;
        let err = Bundle::load(&write_bundle(&bad_z95, weights)).unwrap_err().to_string();
        assert!(err.contains("band_gap") && err.contains("z95"), "{err}");
    }
}
