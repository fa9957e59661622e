//! The training configuration (`configs/*.toml`): the same struct for `matfuse train --config`,
//! `matfuse ablate` and a server job (whose uploaded table replaces the `[data]` sources).

use crate::error::{Error, Result};
use models::nn::NetConfig;
use models::train::TrainOptions;
use serde::{Deserialize, Serialize};
use shared::task::Task;
use std::path::PathBuf;

/// A training configuration file.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainConfig {
    /// Bundle id (`browser`, `server`, or a name of your own).
    pub id: String,
    #[serde(default)]
    pub data: DataConfig,
    pub model: NetConfig,
    #[serde(default)]
    pub train: TrainOptions,
}

/// `[data]`: where the data comes from (files on this machine) and how much of it to use.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataConfig {
    /// mp2018-layout table (CSV or CSV.gz with `cif`, labels and `split`).
    pub mp2018: Option<PathBuf>,
    /// mp2022_ehull-layout table contributing energy-above-hull labels.
    pub ehull: Option<PathBuf>,
    /// BERT `vocab.txt` the light encoder's vocabulary is pruned from.
    pub vocab: Option<PathBuf>,
    /// Hugging Face BERT directory of the frozen large encoder, for a model with
    /// `frozen_text` (default: `MATFUSE_ENCODER_DIR` or the installed all-MiniLM-L6-v2).
    pub encoder: Option<PathBuf>,
    /// Featurise cache directory.
    pub cache: Option<PathBuf>,
    /// Use only the first N training / validation / test structures (smoke runs).
    pub max_train: Option<usize>,
    pub max_val: Option<usize>,
    pub max_test: Option<usize>,
    /// The registry tasks ([`shared::task::TASKS`]) the model learns, in its output order
    /// (default: the four crystal tasks).
    #[serde(default = "crystal_tasks")]
    pub tasks: Vec<String>,
}

impl Default for DataConfig {
    fn default() -> Self {
        DataConfig {
            mp2018: None,
            ehull: None,
            vocab: None,
            encoder: None,
            cache: None,
            max_train: None,
            max_val: None,
            max_test: None,
            tasks: crystal_tasks(),
        }
    }
}

fn crystal_tasks() -> Vec<String> {
    shared::task::CRYSTAL_TASKS.map(String::from).to_vec()
}

impl DataConfig {
    /// The registry entries of [`DataConfig::tasks`]; refuses an empty list, a repeated name or
    /// a name the registry does not know.
    pub fn registered_tasks(&self) -> Result<Vec<&'static Task>> {
        if self.tasks.is_empty() {
            return Err(Error::Config { key: "data.tasks", message: "is empty: name at least one task".into() });
        }
        let mut tasks: Vec<&'static Task> = Vec::with_capacity(self.tasks.len());
        for name in &self.tasks {
            let task = shared::task::by_name(name).ok_or_else(|| {
                let known: Vec<&str> = shared::task::TASKS.iter().map(|t| t.name).collect();
                Error::Config {
                    key: "data.tasks",
                    message: format!("names an unknown task '{name}' (known: {})", known.join(", ")),
                }
            })?;
            if tasks.iter().any(|t| t.name == task.name) {
                return Err(Error::Config { key: "data.tasks", message: format!("lists '{name}' twice") });
            }
            tasks.push(task);
        }
        Ok(tasks)
    }

    /// The `[data]` keys that name files (`data.mp2018`, …) this configuration sets: what a
    /// server job, which trains on its own upload, ignores.
    pub fn source_keys(&self) -> Vec<&'static str> {
        let keys = [
            ("data.mp2018", self.mp2018.is_some()),
            ("data.ehull", self.ehull.is_some()),
            ("data.vocab", self.vocab.is_some()),
            ("data.encoder", self.encoder.is_some()),
            ("data.cache", self.cache.is_some()),
        ];
        keys.into_iter().filter_map(|(key, set)| set.then_some(key)).collect()
    }
}

/// The files a run reads: its tables, the vocabulary, the large encoder and the featurise cache.
#[derive(Clone, Debug, PartialEq)]
pub struct DataSources {
    /// The mp2018-layout table.
    pub mp2018: PathBuf,
    /// Its energy-above-hull companion, merged by id ([`crate::dataset::union`]).
    pub ehull: Option<PathBuf>,
    pub vocab: PathBuf,
    /// The frozen large encoder of a `frozen_text` model.
    pub encoder: PathBuf,
    pub cache: PathBuf,
}

impl DataSources {
    /// The sources a configuration names (`matfuse train`, `ablate`): `data.mp2018` and
    /// `data.vocab` are required; the encoder and the cache have defaults.
    pub fn from_config(data: &DataConfig) -> Result<DataSources> {
        let required = |value: &Option<PathBuf>, key: &'static str, what: &str| {
            value.clone().ok_or_else(|| Error::Config { key, message: format!("is required ({what})") })
        };
        Ok(DataSources {
            mp2018: required(&data.mp2018, "data.mp2018", "the mp2018-layout training table")?,
            ehull: data.ehull.clone(),
            vocab: required(&data.vocab, "data.vocab", "the BERT vocab.txt the light encoder is pruned from")?,
            encoder: data.encoder.clone().unwrap_or_else(models::encoder::default_encoder_dir),
            cache: data.cache.clone().unwrap_or_else(crate::dataset::default_cache),
        })
    }

    /// The tables, as a bundle's manifest lists them.
    pub fn tables(&self) -> Vec<String> {
        let mut tables = vec![self.mp2018.display().to_string()];
        tables.extend(self.ehull.iter().map(|p| p.display().to_string()));
        tables
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_config_parses_and_names_its_sources() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../configs");
        let mut seen = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "toml")
                && !crate::training::molecule::is_molecule_config(&path).unwrap()
            {
                let config: TrainConfig = toml::from_str(&std::fs::read_to_string(&path).unwrap())
                    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                let sources = DataSources::from_config(&config.data).unwrap();
                assert!(sources.tables()[0].ends_with("mp2018.csv.gz"), "{}", path.display());
                assert!(config.data.source_keys().contains(&"data.mp2018"));
                seen += 1;
            }
        }
        assert!(seen >= 4, "configs/*.toml: {seen}");
    }

    #[test]
    fn a_config_without_data_parses_but_cannot_train_alone() {
        let text = "id = \"x\"\n[model]\nfusion = \"cross\"\nfused = 16\nheads = 2\ngraph = { hidden = 16, layers = 1 }\ntext = { vocab_size = 0, hidden = 16, layers = 1, heads = 2, max_tokens = 32 }\n";
        let config: TrainConfig = toml::from_str(text).unwrap();
        assert!(config.data.source_keys().is_empty());
        let tasks: Vec<&str> = config.data.registered_tasks().unwrap().iter().map(|t| t.name).collect();
        assert_eq!(tasks, shared::task::CRYSTAL_TASKS, "the crystal tasks by default");
        let mut other = config.data.clone();
        other.tasks = vec!["band_gap".into(), "colour".into()];
        let err = other.registered_tasks().unwrap_err().to_string();
        assert!(err.contains("unknown task 'colour'") && err.contains("volume_per_atom"), "{err}");
        let err = DataSources::from_config(&config.data).unwrap_err().to_string();
        assert!(err.contains("`data.mp2018`"), "{err}");
    }
}
