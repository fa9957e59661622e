//! A molecule training configuration (`configs/mol-*.toml`): the crystal layout — `id`,
//! `[data]`, `[model]`, `[train]`, the same `--set` overrides — with `kind = "molecule"`, a
//! MoleculeNet table, its tasks and the split.

use crate::error::{Error, Result};
use models::nn::molecule::{HeadKind, MoleculeNetConfig};
use models::train::TrainOptions;
use serde::{Deserialize, Serialize};
use shared::task::{Task, TaskKind};
use std::path::{Path, PathBuf};

/// `kind = "molecule"`: what tells a molecule configuration from a crystal one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConfigKind {
    Molecule,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MoleculeTrainConfig {
    pub kind: ConfigKind,
    /// Bundle id (`esol`, `freesolv`, `lipo`, `bace`, or a name of your own).
    pub id: String,
    pub data: MoleculeDataConfig,
    pub model: MoleculeNetConfig,
    #[serde(default)]
    pub train: TrainOptions,
    /// Trained single-view networks the run starts from (none: a fresh start).
    #[serde(default, skip_serializing_if = "WarmStartConfig::is_off")]
    pub warm_start: WarmStartConfig,
}

/// `[warm_start]`: trained single-view bundles of the same table and split that the network
/// starts from — each one's view encoder, the first one's head, the gate on them (see
/// [`super::warm::load_warm_starts`] and `models::nn::molecule::warm_start_mismatch`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WarmStartConfig {
    pub bundles: Vec<PathBuf>,
    /// Keeps their view encoders as trained: only the rest of the network learns.
    pub frozen: bool,
}

impl WarmStartConfig {
    fn is_off(&self) -> bool {
        self.bundles.is_empty()
    }
}

/// How the table is split 8:1:1.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SplitKind {
    /// A shuffle seeded with `data.split_seed` (else `train.seed`).
    #[default]
    Random,
    /// Bemis–Murcko scaffold sets, largest first to train (no seed).
    Scaffold,
    /// Bemis–Murcko scaffold sets, chemprop's balanced split seeded like `Random`.
    ScaffoldBalanced,
}

impl SplitKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SplitKind::Random => "random",
            SplitKind::Scaffold => "scaffold",
            SplitKind::ScaffoldBalanced => "scaffold_balanced",
        }
    }

    /// The kind a manifest records by [`SplitKind::as_str`].
    pub fn parse(name: &str) -> Option<SplitKind> {
        [SplitKind::Random, SplitKind::Scaffold, SplitKind::ScaffoldBalanced].into_iter().find(|k| k.as_str() == name)
    }

    /// Whether the split draws with a seed (recorded in the manifest).
    pub fn is_seeded(self) -> bool {
        self != SplitKind::Scaffold
    }

    /// The 8:1:1 split of `molecules` (the table's rows, in order) this kind makes with `seed`.
    pub fn split<'a>(
        self,
        molecules: impl Iterator<Item = &'a shared::molecule::Molecule>,
        seed: u64,
    ) -> models::molecule_split::Split {
        use models::molecule_split::{balanced_scaffold_split, random_split, scaffold_split};
        if self == SplitKind::Random {
            return random_split(molecules.count(), (0.8, 0.1), seed);
        }
        let keys: Vec<String> = molecules.map(shared::molecule::scaffold::scaffold_key).collect();
        match self {
            SplitKind::ScaffoldBalanced => balanced_scaffold_split(&keys, (0.8, 0.1), seed),
            _ => scaffold_split(&keys, (0.8, 0.1)),
        }
    }
}

/// `[data]` of a molecule configuration.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MoleculeDataConfig {
    /// A molecule table (CSV or CSV.gz with a `smiles` column and the tasks' label columns).
    pub table: PathBuf,
    /// Molecule tasks ([`shared::task::MOLECULE_TASKS`]), all regression or all classification.
    pub tasks: Vec<String>,
    #[serde(default)]
    pub split: SplitKind,
    /// Seed of the random split (default: `train.seed`).
    pub split_seed: Option<u64>,
    /// Use only the first N rows of the table (smoke runs).
    pub max_rows: Option<usize>,
}

impl MoleculeTrainConfig {
    /// The configuration at `path` with `--set` assignments applied.
    pub fn load(path: &Path, assignments: &[String]) -> Result<MoleculeTrainConfig> {
        crate::cli::overrides::load(path, assignments)
    }

    /// The registry entries of `data.tasks`: molecule tasks, at least one, none twice, of one
    /// kind.
    pub fn tasks(&self) -> Result<Vec<&'static Task>> {
        let bad = |message: String| Error::Config { key: "data.tasks", message };
        if self.data.tasks.is_empty() {
            return Err(bad("is empty: name at least one molecule task".into()));
        }
        let mut tasks: Vec<&'static Task> = Vec::new();
        for name in &self.data.tasks {
            let task = shared::task::MOLECULE_TASKS.iter().find(|t| t.name == name).ok_or_else(|| {
                let known: Vec<&str> = shared::task::MOLECULE_TASKS.iter().map(|t| t.name).collect();
                bad(format!("names '{name}', not a molecule task (known: {})", known.join(", ")))
            })?;
            if tasks.iter().any(|t| t.name == task.name) {
                return Err(bad(format!("lists '{name}' twice")));
            }
            tasks.push(task);
        }
        if tasks.iter().any(|t| t.kind != tasks[0].kind) {
            return Err(bad("mixes regression and classification tasks".into()));
        }
        Ok(tasks)
    }

    /// The network: `[model]` with the head and the output count the tasks ask for.
    pub fn network(&self, tasks: &[&Task]) -> MoleculeNetConfig {
        let mut net = self.model.clone();
        net.tasks = tasks.len();
        net.head = match tasks.first().map(|t| t.kind) {
            Some(TaskKind::BinaryClassification) => HeadKind::Classification,
            _ => HeadKind::Regression,
        };
        net
    }

    /// The random split's seed.
    pub fn split_seed(&self) -> u64 {
        self.data.split_seed.unwrap_or(self.train.seed)
    }
}

/// Whether the TOML file at `path` is a molecule configuration (`kind = "molecule"`).
pub fn is_molecule_config(path: &Path) -> Result<bool> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read { path: path.into(), source })?;
    let table: toml::Table = toml::from_str(&text).map_err(|source| Error::ConfigFile {
        path: path.into(),
        overrides: String::new(),
        source,
    })?;
    Ok(table.get("kind").and_then(toml::Value::as_str) == Some("molecule"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_molecule_config_parses_and_names_molecule_tasks() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../configs");
        let mut seen = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "toml") && is_molecule_config(&path).unwrap() {
                let config = MoleculeTrainConfig::load(&path, &[]).unwrap();
                let tasks = config.tasks().unwrap();
                // Data paths are relative to the repository root, where `matfuse train` runs.
                let table = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(&config.data.table);
                assert!(table.exists(), "{}", table.display());
                assert_eq!(config.network(&tasks).tasks, tasks.len());
                seen += 1;
            }
        }
        assert!(seen >= 4, "configs/mol-*.toml: {seen}");
    }

    #[test]
    fn split_kinds_read_back_what_manifests_record_and_keep_scaffolds_whole() {
        for kind in [SplitKind::Random, SplitKind::Scaffold, SplitKind::ScaffoldBalanced] {
            assert_eq!(SplitKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(SplitKind::parse("stratified"), None);
        assert!(!SplitKind::Scaffold.is_seeded() && SplitKind::ScaffoldBalanced.is_seeded());
        // 12 benzene derivatives (one scaffold) and 28 acyclic molecules (the empty scaffold,
        // one set) and 10 other rings: no set is split across parts.
        let mut smiles: Vec<String> = (1..=12).map(|n| format!("c1ccccc1{}", "C".repeat(n))).collect();
        smiles.extend((1..=28).map(|n| "C".repeat(n) + "O"));
        smiles.extend((3..=12).map(|n| format!("C1{}1", "C".repeat(n - 1))));
        let molecules: Vec<shared::molecule::Molecule> =
            smiles.iter().map(|s| shared::molecule::Molecule::from_smiles(s).unwrap()).collect();
        let key = |i: usize| shared::molecule::scaffold::scaffold_key(&molecules[i]);
        for seed in [1, 2] {
            let split = SplitKind::ScaffoldBalanced.split(molecules.iter(), seed);
            assert_eq!(split.train.len() + split.val.len() + split.test.len(), 50);
            for part in [&split.train, &split.val, &split.test] {
                for other in [&split.train, &split.val, &split.test] {
                    if !std::ptr::eq(part, other) {
                        assert!(part.iter().all(|&i| other.iter().all(|&j| key(i) != key(j))), "seed {seed}");
                    }
                }
            }
        }
        let (one, two) = (
            SplitKind::ScaffoldBalanced.split(molecules.iter(), 1),
            SplitKind::ScaffoldBalanced.split(molecules.iter(), 2),
        );
        assert_ne!(one.test, two.test, "the seed draws the split");
    }

    #[test]
    fn a_warm_start_is_set_from_the_command_line_and_names_no_bundle_by_default() {
        let esol = Path::new(env!("CARGO_MANIFEST_DIR")).join("../configs/mol-esol.toml");
        // The shipped configurations freeze a warm start's encoders but name no bundle: a plain
        // run starts cold.
        let plain = MoleculeTrainConfig::load(&esol, &[]).unwrap().warm_start;
        assert_eq!(plain, WarmStartConfig { bundles: Vec::new(), frozen: true });
        assert!(plain.is_off());
        let parsed: MoleculeTrainConfig = toml::from_str(
            "kind = \"molecule\"\nid = \"x\"\n[data]\ntable = \"t.csv\"\ntasks = [\"lipophilicity\"]\n[model]\nfusion = \"graph\"\n",
        )
        .unwrap();
        assert_eq!(parsed.warm_start, WarmStartConfig::default());
        let set: Vec<String> = ["warm_start.bundles=[\"runs/a/bundle\", \"runs/b/bundle\"]", "warm_start.frozen=true"]
            .map(String::from)
            .into();
        let warm = MoleculeTrainConfig::load(&esol, &set).unwrap().warm_start;
        assert_eq!(warm.bundles, [PathBuf::from("runs/a/bundle"), PathBuf::from("runs/b/bundle")]);
        assert!(warm.frozen);
        let typo = MoleculeTrainConfig::load(&esol, &["warm_start.frozn=true".to_string()]).unwrap_err().to_string();
        assert!(typo.contains("frozn"), "{typo}");
    }

    #[test]
    fn tasks_must_be_molecular_and_of_one_kind() {
        let text = "kind = \"molecule\"\nid = \"x\"\n[data]\ntable = \"t.csv\"\ntasks = [\"log_solubility\", \"bace_inhibitor\"]\n[model]\nfusion = \"cross\"\n";
        let mut config: MoleculeTrainConfig = toml::from_str(text).unwrap();
        assert!(config.tasks().unwrap_err().to_string().contains("mixes regression and classification"));
        config.data.tasks = vec!["band_gap".into()];
        assert!(config.tasks().unwrap_err().to_string().contains("not a molecule task"));
        config.data.tasks = vec!["bace_inhibitor".into()];
        let tasks = config.tasks().unwrap();
        assert_eq!(config.network(&tasks).head, HeadKind::Classification);
        assert_eq!((config.data.split, config.split_seed()), (SplitKind::Random, config.train.seed));
    }

    #[test]
    fn the_chemprop_settings_load_from_overrides_and_default_to_todays_behaviour() {
        // BACE's configuration names none of these settings; ESOL's ships the chosen recipe.
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../configs/mol-bace.toml");
        let plain = MoleculeTrainConfig::load(&path, &[]).unwrap();
        assert_eq!((plain.train.loss, plain.train.bucket_by_size), (models::train::RegressionLoss::Evidential, true));
        assert!(plain.model.ffn.is_default() && !plain.model.descriptors.enabled);
        let overrides: Vec<String> = [
            "train.loss=mse",
            "train.bucket_by_size=false",
            "train.schedule=noam",
            "model.graph.pooling=norm",
            "model.ffn.activation=relu",
            "model.ffn.hidden=300",
            "model.descriptors.enabled=true",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let set = MoleculeTrainConfig::load(&path, &overrides).unwrap();
        assert_eq!((set.train.loss, set.train.bucket_by_size), (models::train::RegressionLoss::Mse, false));
        assert_eq!(set.train.schedule, models::train::Schedule::Noam);
        assert_eq!(set.model.graph.pooling, models::nn::molecule::dmpnn::Pooling::Norm);
        assert_eq!((set.model.ffn.hidden, set.model.descriptors.enabled), (300, true));
        assert!(!set.model.descriptors.crippen);
        // Lipophilicity's configuration writes `descriptors = { enabled = true }` inline; the
        // override reaches into it.
        let lipo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../configs/mol-lipo.toml");
        let crippen = MoleculeTrainConfig::load(&lipo, &["model.descriptors.crippen=true".to_string()]).unwrap();
        assert!(crippen.model.descriptors.enabled && crippen.model.descriptors.crippen);
        assert_eq!(crippen.network(&crippen.tasks().unwrap()).descriptors.width(), 15);
        let inline: MoleculeTrainConfig = toml::from_str(
            "kind = \"molecule\"\nid = \"x\"\n[data]\ntable = \"t.csv\"\ntasks = [\"lipophilicity\"]\n[model]\nfusion = \"graph\"\ndescriptors = { enabled = true, crippen = true }\n",
        )
        .unwrap();
        assert!(inline.model.descriptors.crippen);
        let esol = Path::new(env!("CARGO_MANIFEST_DIR")).join("../configs/mol-esol.toml");
        let shipped = MoleculeTrainConfig::load(&esol, &[]).unwrap();
        assert!(shipped.model.descriptors.enabled && !shipped.train.bucket_by_size && !shipped.model.ffn.is_default());
    }
}
