//! `warm_start`: the trained single-view bundles a molecule run starts from, read and checked —
//! a molecule bundle, trained on the same table with the same split (so no validation or test
//! molecule was ever trained on), whose view fits the new network, no two giving the same view.

use super::{MoleculeData, MoleculeTrainConfig, split_description};
use crate::error::{Error, Result};
use models::bundle::{Bundle, BundleKind};
use models::nn::molecule::{MoleculeNetConfig, warm_start_mismatch};
use models::train::WarmStart;

/// The bundles `config.warm_start.bundles` names, checked against `net` (fitted by `prepare`) and
/// `data`'s split.
pub fn load_warm_starts(
    config: &MoleculeTrainConfig,
    net: &MoleculeNetConfig,
    data: &MoleculeData,
) -> Result<Vec<WarmStart>> {
    let split = split_description(config, data);
    let table = data.table.display().to_string();
    let mut starts: Vec<WarmStart> = Vec::new();
    for dir in &config.warm_start.bundles {
        let bad = |what: String| Error::Config { key: "warm_start", message: format!("{}: {what}", dir.display()) };
        let bundle = Bundle::load(dir).map_err(|e| bad(e.to_string()))?;
        let manifest = &bundle.manifest;
        let donor = match (&manifest.kind, &manifest.molecule_network, manifest.trained) {
            (BundleKind::Molecule, Some(donor), true) => donor.clone(),
            _ => return Err(bad("is not a trained molecule bundle".into())),
        };
        if manifest.training.data != [table.clone()] || manifest.training.split != split {
            return Err(bad(format!(
                "was trained on {:?} split {:?}; this run reads {table:?} split {split:?} (a warm start must \
                 not have seen this run's validation or test molecules)",
                manifest.training.data, manifest.training.split
            )));
        }
        if let Some(why) = warm_start_mismatch(net, &donor) {
            return Err(bad(why));
        }
        if let Some(other) = starts.iter().find(|s| s.net.fusion == donor.fusion) {
            return Err(bad(format!("gives the {:?} view, as {} does", donor.fusion, other.source)));
        }
        starts.push(WarmStart { source: dir.display().to_string(), net: donor, weights: bundle.weights });
    }
    Ok(starts)
}

#[cfg(test)]
mod tests {
    use super::super::{MoleculeRunSettings, run};
    use super::*;
    use crate::training::{Outcome, RunControl};
    use std::path::{Path, PathBuf};

    /// A tiny network on `table`, `fusion`, split seed `seed`, starting from `warm`.
    fn config(table: &Path, fusion: &str, seed: u64, warm: &[PathBuf]) -> MoleculeTrainConfig {
        let text = format!(
            "kind = \"molecule\"\nid = \"t\"\n[data]\ntable = \"{}\"\ntasks = [\"log_solubility\"]\n\
             split_seed = {seed}\n[model]\nfusion = \"{fusion}\"\nfused = 16\nheads = 2\n\
             graph = {{ hidden = 16, depth = 2 }}\nsmiles = {{ hidden = 16, layers = 1, heads = 2, max_tokens = 32 }}\n\
             fingerprint = {{ bits = 128, counts = true, hidden = 16 }}\ndescriptors = {{ enabled = true }}\n\
             [train]\nepochs = 1\nbatch_size = 8\n",
            table.display()
        );
        let mut config: MoleculeTrainConfig = toml::from_str(&text).unwrap();
        config.warm_start.bundles = warm.to_vec();
        config
    }

    fn train(config: &MoleculeTrainConfig, dir: &Path) -> Result<PathBuf> {
        let settings = MoleculeRunSettings {
            run_dir: dir.join("run"),
            bundle: dir.join("bundle"),
            control: RunControl::default(),
            command: "test".into(),
            device: burn::prelude::Device::flex(),
        };
        match run(config, &settings, &())? {
            Outcome::Finished(bundle) => Ok(bundle),
            Outcome::Stopped => panic!("stopped"),
        }
    }

    #[test]
    fn a_fusion_starts_only_from_single_view_bundles_of_its_own_split() {
        let dir = std::env::temp_dir().join(format!("matfuse-warm-start-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let table = dir.join("table.csv");
        let rows: String = (1..=40).map(|n| format!("{}O,{}\n", "C".repeat(n % 12 + 1), -0.3 * n as f64)).collect();
        std::fs::write(&table, format!("smiles,logSolubility\n{rows}")).unwrap();
        let graph = train(&config(&table, "graph", 1, &[]), &dir.join("graph")).unwrap();
        let fingerprint = train(&config(&table, "fingerprint", 1, &[]), &dir.join("fingerprint")).unwrap();
        let mut warm = config(&table, "cross", 1, &[graph.clone(), fingerprint]);
        warm.warm_start.frozen = true;
        let cross = train(&warm, &dir.join("cross")).unwrap();
        let identity: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join("cross/run/checkpoint/run.json")).unwrap()).unwrap();
        assert_eq!(identity["warm_start"]["frozen"], true, "{identity}");
        assert!(identity["warm_start"]["bundles"][0].as_str().unwrap().ends_with("graph/bundle"), "{identity}");
        let refused = |config: MoleculeTrainConfig, name: &str| {
            let error = train(&config, &dir.join(name)).unwrap_err().to_string();
            assert!(error.contains("warm_start"), "{error}");
            error
        };
        let other_split = refused(config(&table, "cross", 2, std::slice::from_ref(&graph)), "split");
        assert!(other_split.contains("validation or test molecules"), "{other_split}");
        let fusion = refused(config(&table, "late", 1, &[cross]), "fusion");
        assert!(fusion.contains("single-view"), "{fusion}");
        let twice = refused(config(&table, "concat", 1, &[graph.clone(), graph.clone()]), "twice");
        assert!(twice.contains("as ") && twice.contains("does"), "{twice}");
        let missing = refused(config(&table, "cross", 1, &[dir.join("nowhere")]), "missing");
        assert!(missing.contains("nowhere"), "{missing}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
