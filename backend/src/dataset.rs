//! Training data as SCIENCE.md and `../shared/data/README.md` define it: the union of mp2018
//! and mp2022_ehull over the fixed split, read through the featurise cache.

use crate::cli::featurize::{FeaturizeArgs, run as featurize};
use crate::error::{Error, Result};
use shared::dataset::{FeaturizedRecord, RECORDS_FILE, read_records};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Index of energy above hull in [`shared::dataset::LABEL_COLUMNS`].
pub const EHULL: usize = 2;

/// The featurised records of `table`, from `cache/<file stem>/` when that cache was made from
/// the same file, else featurised now (and cached).
pub fn load_cached(table: &Path, cache: &Path) -> Result<Vec<FeaturizedRecord>> {
    let table = &std::fs::canonicalize(table).map_err(|source| Error::Read { path: table.to_path_buf(), source })?;
    let stem = table.file_name().and_then(|n| n.to_str()).unwrap_or("table").trim_end_matches(".gz");
    let dir = cache.join(stem.trim_end_matches(".csv"));
    let manifest = dir.join("manifest.json");
    let fresh = std::fs::read(&manifest)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
        .is_some_and(|m| {
            m["source"].as_str() == Some(&table.display().to_string())
                && m["cache_version"].as_u64() == Some(u64::from(shared::dataset::CACHE_VERSION))
        });
    if !fresh {
        featurize(&FeaturizeArgs {
            data: table.to_path_buf(),
            out: dir.clone(),
            symprec: shared::symmetry::DEFAULT_SYMPREC,
            threads: None,
            limit: None,
        })?;
    }
    let path = dir.join(RECORDS_FILE);
    let file = std::fs::File::open(&path).map_err(|source| Error::Read { path: path.clone(), source })?;
    read_records(&mut std::io::BufReader::new(file)).map_err(|source| Error::Read { path, source })
}

/// A labelled row of a structure table, as [`union`] merges them.
pub trait LabelledRow {
    fn id(&self) -> &str;
    fn labels_mut(&mut self) -> &mut [Option<f32>; 4];
}

impl LabelledRow for FeaturizedRecord {
    fn id(&self) -> &str {
        &self.id
    }
    fn labels_mut(&mut self) -> &mut [Option<f32>; 4] {
        &mut self.labels
    }
}

impl LabelledRow for crate::table::TableRow {
    fn id(&self) -> &str {
        &self.id
    }
    fn labels_mut(&mut self) -> &mut [Option<f32>; 4] {
        &mut self.labels
    }
}

/// mp2018 plus the energy-above-hull labels of mp2022_ehull: a row in both keeps its mp2018
/// structure and labels and gains the 2022 ehull label; a 2022-only row contributes its
/// structure and the ehull label only (its band gap is from another release).
pub fn union<R: LabelledRow>(mp2018: Vec<R>, ehull: Vec<R>) -> Vec<R> {
    let mut records = mp2018;
    let index: HashMap<String, usize> = records.iter().enumerate().map(|(i, r)| (r.id().to_owned(), i)).collect();
    for mut record in ehull {
        let label = record.labels_mut()[EHULL];
        match index.get(record.id()) {
            Some(&i) => records[i].labels_mut()[EHULL] = label,
            None => {
                *record.labels_mut() = [None, None, label, None];
                records.push(record);
            }
        }
    }
    records
}

/// The cache directory used when a config names none.
pub fn default_cache() -> PathBuf {
    PathBuf::from("target/matfuse-cache")
}
