//! `matfuse calibrate`: fits a bundle's σ factors and 95 % interval widths on the validation split and records the test
//! split's coverage in its manifest and card. `matfuse train` does the same for every bundle it
//! writes; this command brings bundles trained before that up to date without retraining.

use super::eval::{inputs, predictions};
use crate::dataset::union;
use crate::error::{Error, Result};
use crate::table::{TableRow, read_table};
use crate::training::model_card::{render, uncertainty_section, with_uncertainty_section};
use models::batch::Modalities;
use models::calibration::{Calibration, labelled, uncertainty_metrics};
use models::predictor::Predictor;
use models::train::Prediction;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct CalibrateArgs {
    /// Model bundle directory; its manifest.json and MODEL_CARD.md are updated in place.
    #[arg(long)]
    pub model: PathBuf,
    /// The mp2018 table (formation energy, band gap, Fermi energy; `split` column).
    #[arg(long, default_value = "../shared/data/mp2018/mp2018.csv.gz")]
    pub mp2018: PathBuf,
    /// The mp2022_ehull table (energy above hull; `split` column).
    #[arg(long, default_value = "../shared/data/mp2022_ehull/mp2022_ehull.csv.gz")]
    pub ehull: PathBuf,
    /// Where to run the model: cpu (default), wgpu or cuda.
    #[arg(long, default_value = "cpu", env = "MATFUSE_DEVICE")]
    pub device: models::device::DeviceChoice,
}

pub fn run(args: &CalibrateArgs) -> Result<()> {
    let predictor = Predictor::load(&args.model, &args.device.device()?)?;
    let rows = union(read_table(&args.mp2018)?, read_table(&args.ehull)?);
    // The evidential head's raw σ (the bundle's factors divided out), so that the factors are
    // fitted as `train` fits them and calibrating twice changes nothing.
    let old_scale: Vec<f64> = predictor.manifest.properties.iter().map(|p| p.sigma_scale).collect();
    let tasks = predictor.manifest.tasks();
    let points = |split: &str| -> Vec<(Vec<Option<f32>>, Prediction)> {
        let rows: Vec<TableRow> = rows.iter().filter(|r| r.split.as_deref() == Some(split)).cloned().collect();
        let predicted = predictions(&predictor, &inputs(&predictor, &rows), Modalities::BOTH);
        let raw =
            |p: Prediction| Prediction { sigma: p.sigma.iter().zip(&old_scale).map(|(s, k)| s / k).collect(), ..p };
        rows.iter()
            .zip(predicted)
            .filter_map(|(row, p)| p.map(|p| (shared::task::select(&row.labels, &tasks), raw(p))))
            .collect()
    };
    let validation = points("val");
    if validation.is_empty() {
        return Err(Error::Table { path: args.mp2018.clone(), message: "no validation rows (split = val)".into() });
    }
    let fitted = Calibration::fit(&validation, tasks.len());
    let test = points("test");

    let mut manifest = predictor.manifest.clone();
    for (p, spec) in manifest.properties.iter_mut().enumerate() {
        spec.sigma_scale = fitted.sigma_scale[p];
        spec.z95 = fitted.z95[p];
        let (actual, predicted, sigma) = labelled(&test, p);
        let sigma: Vec<f64> = sigma.iter().map(|s| s * fitted.sigma_scale[p]).collect();
        let metrics = uncertainty_metrics(&actual, &predicted, &sigma, spec.z95);
        eprintln!(
            "{}: σ factor {:.3}, z95 {:.2} (from {} validation labels); test coverage 68 % {:.1} %, 95 % {:.1} % ({} labels)",
            spec.name,
            spec.sigma_scale,
            spec.z95,
            labelled(&validation, p).0.len(),
            100.0 * metrics["coverage_68"],
            100.0 * metrics["coverage_95"],
            actual.len()
        );
        if !actual.is_empty() {
            manifest.metrics.entry(spec.name.clone()).or_default().extend(metrics);
        }
    }

    // Each file is written beside itself and renamed into place: never half a manifest.
    let write = |name: &str, text: String| {
        let (path, partial) = (args.model.join(name), args.model.join(format!("{name}.partial")));
        std::fs::write(&partial, text)
            .and_then(|()| std::fs::rename(&partial, &path))
            .map_err(|source| Error::Write { path, source })
    };
    let manifest_file = models::bundle::MANIFEST_FILE;
    write(manifest_file, manifest.to_json(&args.model.join(manifest_file))?)?;
    let card_path = args.model.join("MODEL_CARD.md");
    let card = match std::fs::read_to_string(&card_path) {
        Ok(card) => with_uncertainty_section(&card, &uncertainty_section(&manifest)),
        Err(_) => render(&manifest),
    };
    write("MODEL_CARD.md", card)?;
    models::Bundle::load(&args.model)?;
    eprintln!("updated {}", args.model.display());
    Ok(())
}
