//! Trains one molecule network on a MoleculeNet table through the shared training loop and
//! prints the wall time and the validation/test metrics — the measurement behind BENCHMARKS.md's
//! molecule training figures until `matfuse train` reads molecule configurations.
//!
//! `cargo run --profile ci -p models --example molecule_fit -- <table.csv> <label column>
//!  [fusion=cross] [epochs=30] [seed=0] [hidden=128]`

use burn::prelude::Device;
use models::metrics::{regression_metrics, roc_auc};
use models::molecule_batch::{MoleculeInputs, MoleculeSample, Views};
use models::molecule_split::random_split;
use models::nn::molecule::{HeadKind, MoleculeFusion, MoleculeNetConfig};
use models::train::{MoleculeTrainRun, Standardizer, TrainOptions, predict_molecules, train_molecules};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [table, label, ..] = args.as_slice() else {
        return Err("usage: molecule_fit <table.csv> <label column> [fusion] [epochs] [seed] [hidden]".into());
    };
    let fusion: MoleculeFusion =
        serde_json::from_value(serde_json::Value::String(args.get(2).cloned().unwrap_or_else(|| "cross".into())))?;
    let epochs: usize = args.get(3).map_or(Ok(30), |s| s.parse())?;
    let seed: u64 = args.get(4).map_or(Ok(0), |s| s.parse())?;
    let hidden: usize = args.get(5).map_or(Ok(128), |s| s.parse())?;
    let started = Instant::now();
    let bytes = std::fs::read(table)?;
    let rows = shared::batch::read_molecule_table(&bytes, table, &[label.as_str()], u64::MAX)?;
    let rows: Vec<_> = rows.into_iter().collect::<Result<_, _>>()?;
    let classification = rows.iter().all(|r| matches!(r.labels[0], Some(v) if v == 0.0 || v == 1.0));
    let head = if classification { HeadKind::Classification } else { HeadKind::Regression };
    let mut net = MoleculeNetConfig::new(fusion, 1, head);
    net.graph.hidden = hidden;
    let inputs: Vec<MoleculeInputs> = rows
        .iter()
        .map(|r| MoleculeInputs::new(&r.molecule, net.smiles.max_tokens, net.fingerprint.bits, net.fingerprint.counts))
        .collect();
    let split = random_split(rows.len(), (0.8, 0.1), seed);
    let labels = |indices: &[usize]| indices.iter().map(|&i| rows[i].labels.clone()).collect::<Vec<_>>();
    let stats = if classification { Standardizer::fit(&[], 1) } else { Standardizer::fit(&labels(&split.train), 1) };
    let samples = |indices: &[usize]| -> Vec<MoleculeSample<'_>> {
        indices.iter().map(|&i| MoleculeSample::new(&inputs[i], stats.standardize(&rows[i].labels))).collect()
    };
    let (train, val, test) = (samples(&split.train), samples(&split.val), samples(&split.test));
    let featurised = started.elapsed().as_secs_f64();
    let options = TrainOptions { epochs, batch_size: 50, patience: epochs, seed, ..TrainOptions::default() };
    let dir = std::env::temp_dir().join(format!("matfuse-molecule-fit-{}", std::process::id()));
    let device = Device::flex();
    let run = MoleculeTrainRun {
        net: &net,
        options: &options,
        train: &train,
        val: &val,
        smiles_variants: &[],
        stats: &stats,
        dir: &dir,
        control: Default::default(),
        warm: &[],
        warm_frozen: false,
    };
    let state = train_molecules(&run, &device, &mut ())?;
    let trained = started.elapsed().as_secs_f64();
    let best = std::fs::read(dir.join("best.bpk"))?;
    let model = models::weights::load_into(net.init(&device), &best)?;
    let _ = std::fs::remove_dir_all(&dir);
    for (name, part, indices) in [("val", &val, &split.val), ("test", &test, &split.test)] {
        let predictions = predict_molecules(&model, head, part, Views::ALL, &stats, 256, &device);
        let actual: Vec<f64> = indices.iter().map(|&i| f64::from(rows[i].labels[0].unwrap_or(f32::NAN))).collect();
        let predicted: Vec<f64> = predictions.iter().map(|p| p.value[0]).collect();
        if classification {
            let positive: Vec<bool> = actual.iter().map(|&a| a > 0.5).collect();
            println!("{name}: ROC-AUC {:.3} ({} molecules)", roc_auc(&positive, &predicted), actual.len());
        } else {
            let m = regression_metrics(&actual, &predicted);
            println!("{name}: RMSE {:.3} MAE {:.3} R² {:.3} ({} molecules)", m.rmse, m.mae, m.r2, m.n);
        }
    }
    println!(
        "{fusion:?}, {} train molecules, best epoch {} of {}: featurised in {featurised:.1} s, trained in {:.1} s",
        train.len(),
        state.best_epoch,
        state.epoch,
        trained - featurised
    );
    Ok(())
}
