//! The reference phase table shipped beside the bundles (`models/weights/phases.bin.gz`, built by
//! `matfuse phases`) and its description (`phases.json`: sha256, source, and per model the
//! energy-above-hull estimator chosen on the validation split by `matfuse hull-eval`), turned
//! into a prediction's [`Stability`].

use crate::bundle::sha256_hex;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use shared::api::{HullEstimator, Predictions, Stability};
use shared::stability::{PhaseTable, energy_above_hull};
use shared::{Element, Structure};
use std::collections::BTreeMap;
use std::path::Path;

pub const PHASES_FILE: &str = "phases.bin.gz";
pub const PHASES_INFO_FILE: &str = "phases.json";

/// What `phases.json` says about `phases.bin.gz`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhasesInfo {
    /// The table's file name, beside this one.
    pub file: String,
    /// sha256 of that file (the compressed bytes), lower-case hex.
    pub sha256: String,
    /// Phases in the table (those on the hull of their own chemical system).
    pub phases: usize,
    /// Rows the table was built from, before keeping the phases on the hull.
    pub rows: usize,
    /// Where the formation energies come from (one sentence).
    pub source: String,
    /// The command that built the table.
    pub command: String,
    /// The estimator each model's answers lead with, by model id (chosen on validation).
    #[serde(default)]
    pub estimator: BTreeMap<String, EstimatorChoice>,
    /// The correction-scheme check: hull energies above hull from the table's own (mp2018)
    /// formation energies against mp2022's labels, for the materials in both.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correction_check: Option<CorrectionCheck>,
}

/// One model's estimator and the validation figures it was chosen by.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EstimatorChoice {
    pub chosen: HullEstimator,
    /// Validation MAE (eV/atom) of the convex-hull estimate and of the direct head.
    pub val_mae_convex_hull: f64,
    pub val_mae_direct_head: f64,
    /// Validation rows compared.
    pub val_n: usize,
    /// The command that measured them.
    pub command: String,
}

/// Energy above hull from mp2018 formation energies vs mp2022's labels (eV/atom).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CorrectionCheck {
    pub n: usize,
    pub mae: f64,
    /// Mean of (ours − mp2022's label).
    pub bias: f64,
}

/// The reference phases and their description.
#[derive(Debug, Clone)]
pub struct ReferencePhases {
    pub table: PhaseTable,
    pub info: PhasesInfo,
}

impl ReferencePhases {
    /// Reads `dir/phases.json` and the table it names; `Ok(None)` when `dir` has no `phases.json`.
    pub fn load(dir: &Path) -> Result<Option<ReferencePhases>> {
        let info_path = dir.join(PHASES_INFO_FILE);
        if !info_path.is_file() {
            return Ok(None);
        }
        let read = |path: &Path| std::fs::read(path).map_err(|source| Error::Read { path: path.into(), source });
        let info = PhasesInfo::from_json(&read(&info_path)?, &info_path)?;
        let table_path = dir.join(&info.file);
        let compressed = read(&table_path)?;
        ReferencePhases::from_bytes(info, &compressed, &table_path).map(Some)
    }

    /// The table from its compressed bytes, checked against `info`'s sha256; `path` names the
    /// file in errors.
    pub fn from_bytes(info: PhasesInfo, compressed: &[u8], path: &Path) -> Result<ReferencePhases> {
        let actual = sha256_hex(compressed);
        if actual != info.sha256 {
            return Err(Error::Checksum { path: path.into(), expected: info.sha256, actual });
        }
        let table =
            PhaseTable::from_gzip(compressed).map_err(|e| Error::Weights(format!("{}: {e}", path.display())))?;
        Ok(ReferencePhases { table, info })
    }

    /// The estimator `model`'s answers lead with: the one recorded for it, else the convex hull.
    pub fn estimator(&self, model: &str) -> HullEstimator {
        self.info.estimator.get(model).map_or(HullEstimator::ConvexHull, |c| c.chosen)
    }

    /// The stability of a structure of `composition` (atoms per formula unit) given `model`'s
    /// `predictions`; `None` without a formation-energy prediction or when the hull cannot be
    /// had (more elements than the hull handles).
    pub fn stability(
        &self,
        model: &str,
        composition: &[(Element, f64)],
        predictions: &Predictions,
    ) -> Option<Stability> {
        let formation = predictions.get("formation_energy_per_atom")?;
        let answer = energy_above_hull(&self.table, composition, formation.value, formation.sigma).ok()?;
        let direct = predictions.get("energy_above_hull").map(|p| p.value);
        let estimator = match (self.estimator(model), direct) {
            (HullEstimator::DirectHead, Some(_)) => HullEstimator::DirectHead,
            _ => HullEstimator::ConvexHull,
        };
        let energy_above_hull = match (estimator, direct) {
            (HullEstimator::DirectHead, Some(direct)) => direct,
            _ => answer.energy_above_hull.max(0.0),
        };
        let mut caveat = self.caveat();
        if answer.decomposition.len() > 1 && answer.decomposition.iter().all(|p| p.id.is_none()) {
            caveat.insert_str(
                0,
                "The table has no stable compound of these elements, so the hull here is the elements alone. ",
            );
        }
        Some(Stability {
            energy_above_hull,
            estimator,
            convex_hull_energy_above_hull: answer.energy_above_hull,
            direct_energy_above_hull: direct,
            hull_energy_per_atom: answer.hull_energy_per_atom,
            probability_on_hull: answer.probability_on_hull,
            decomposition_text: answer.decomposition_text(),
            decomposition: answer.decomposition,
            phases_source: self.info.source.clone(),
            caveat,
        })
    }

    /// [`ReferencePhases::stability`] of `structure`'s composition.
    pub fn structure_stability(
        &self,
        model: &str,
        structure: &Structure,
        predictions: &Predictions,
    ) -> Option<Stability> {
        let composition: Vec<(Element, f64)> =
            shared::composition::composition(structure).into_iter().map(|(e, n)| (e, n as f64)).collect();
        self.stability(model, &composition, predictions)
    }

    /// The comparison's limits in one paragraph, with the measured correction-scheme effect.
    pub fn caveat(&self) -> String {
        let mut caveat = format!(
            "The hull is built from {} known phases ({}) and the predicted formation energy; a phase missing \
             from the table makes the hull too high and the energy above it too low.",
            self.info.phases, self.info.source
        );
        caveat.push_str(
            " The table's formation energies come from the Materials Project's 2018 release (its legacy \
             correction scheme), the energy-above-hull labels from its 2022 release (the 2020 correction scheme)",
        );
        match &self.info.correction_check {
            Some(check) => caveat.push_str(&format!(
                ": on the {} materials in both releases, the hull from the 2018 energies differs from the 2022 \
                 labels by {:.3} eV/atom on average (bias {:+.3} eV/atom).",
                check.n, check.mae, check.bias
            )),
            None => caveat.push('.'),
        }
        caveat
    }
}

impl PhasesInfo {
    /// Parses `phases.json`; `path` names it in errors.
    pub fn from_json(bytes: &[u8], path: &Path) -> Result<PhasesInfo> {
        serde_json::from_slice(bytes).map_err(|e| Error::Manifest { path: path.into(), message: e.to_string() })
    }

    /// Writes `dir/phases.json`.
    pub fn write(&self, dir: &Path) -> Result<()> {
        let path = dir.join(PHASES_INFO_FILE);
        let json = serde_json::to_string_pretty(self).expect("phase table info serialises") + "\n";
        std::fs::write(&path, json).map_err(|source| Error::Write { path, source })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::api::PropertyValue;
    use shared::composition::parse_formula;
    use shared::stability::Phase;

    fn phases(chosen: Option<HullEstimator>) -> ReferencePhases {
        let table = PhaseTable::new(vec![
            Phase::from_formula("mp-2472", "SrO", -3.0).unwrap(),
            Phase::from_formula("mp-2657", "TiO2", -3.4).unwrap(),
            Phase::from_formula("mp-5229", "SrTiO3", -3.5).unwrap(),
        ]);
        let compressed = table.to_gzip();
        let info = PhasesInfo {
            file: PHASES_FILE.into(),
            sha256: sha256_hex(&compressed),
            phases: 3,
            rows: 3,
            source: "three test phases".into(),
            command: String::new(),
            estimator: chosen
                .map(|chosen| {
                    let choice = EstimatorChoice {
                        chosen,
                        val_mae_convex_hull: 0.1,
                        val_mae_direct_head: 0.2,
                        val_n: 1,
                        command: String::new(),
                    };
                    BTreeMap::from([("browser".to_string(), choice)])
                })
                .unwrap_or_default(),
            correction_check: Some(CorrectionCheck { n: 10, mae: 0.05, bias: 0.01 }),
        };
        ReferencePhases::from_bytes(info, &compressed, Path::new(PHASES_FILE)).unwrap()
    }

    fn predictions(formation: f64, direct: f64) -> Predictions {
        let value = |value: f64| PropertyValue { value, sigma: 0.05, unit: "eV/atom".into(), interval_95: [0.0, 0.0] };
        Predictions::new(vec![
            ("formation_energy_per_atom".into(), value(formation)),
            ("energy_above_hull".into(), value(direct)),
        ])
    }

    #[test]
    fn a_composition_between_phases_decomposes_into_them() {
        let stability =
            phases(None).stability("browser", &parse_formula("Sr2TiO4").unwrap(), &predictions(-3.2, 0.02)).unwrap();
        // Sr2TiO4 = SrTiO3 + SrO: 5/7 and 2/7 of the atoms; hull −3.5·5/7 − 3·2/7.
        assert_eq!(stability.decomposition_text, "0.714 SrTiO3 + 0.286 SrO");
        assert!((stability.hull_energy_per_atom - (-3.5 * 5.0 / 7.0 - 3.0 * 2.0 / 7.0)).abs() < 1e-6);
        assert_eq!(stability.estimator, HullEstimator::ConvexHull);
        assert!((stability.energy_above_hull - (stability.convex_hull_energy_above_hull)).abs() < 1e-12);
        assert!(stability.energy_above_hull > 0.1 && stability.probability_on_hull < 0.01);
        assert_eq!(stability.direct_energy_above_hull, Some(0.02));
        assert!(stability.caveat.contains("10 materials"));
    }

    #[test]
    fn the_recorded_estimator_leads_and_below_the_hull_reads_as_zero() {
        let srtio3 = parse_formula("SrTiO3").unwrap();
        let direct = phases(Some(HullEstimator::DirectHead)).stability("browser", &srtio3, &predictions(-3.6, 0.03));
        let direct = direct.unwrap();
        assert_eq!((direct.estimator, direct.energy_above_hull), (HullEstimator::DirectHead, 0.03));
        let hull = phases(Some(HullEstimator::ConvexHull)).stability("browser", &srtio3, &predictions(-3.6, 0.03));
        let hull = hull.unwrap();
        assert!((hull.convex_hull_energy_above_hull + 0.1).abs() < 1e-6);
        assert_eq!(hull.energy_above_hull, 0.0);
        assert!(hull.probability_on_hull > 0.97);
    }

    #[test]
    fn refuses_a_table_that_is_not_the_one_described() {
        let good = phases(None);
        let other = PhaseTable::new(vec![Phase::from_formula("x", "NaCl", -2.0).unwrap()]).to_gzip();
        let err = ReferencePhases::from_bytes(good.info, &other, Path::new(PHASES_FILE)).unwrap_err();
        assert!(matches!(err, Error::Checksum { .. }));
    }
}
