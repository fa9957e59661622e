//! `shared::stability` against pymatgen: energy above hull and decomposition products of 150
//! mp2018 val rows against a phase table of the train rows (the reference is
//! `scripts/hull_reference.py`'s `shared/tests/fixtures/hull/pymatgen_hull.json`). Also prints the
//! table's serialised size and the time per query. The train rows are read from the data
//! directory, not copied into a fixture (the data's README: no copies in the repository).

use flate2::{Compression, write::GzEncoder};
use matfuse_tests::{column, data_dir, read_csv};
use serde_json::Value;
use shared::composition::parse_formula;
use shared::stability::{HullAnswer, ON_HULL_TOLERANCE, Phase, PhaseTable, energy_above_hull, phases_on_hull};
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

/// eV/atom for the energy above hull; atom fraction for the products.
const TOLERANCE: f64 = 1e-4;

#[test]
fn energy_above_hull_agrees_with_pymatgen() {
    let Some(data) = data_dir("hull_pymatgen") else { return };
    let (headers, rows) = read_csv(&data.join("mp2018/mp2018.csv.gz"));
    let [id, formula, energy, split] =
        ["material_id", "reduced_formula", "formation_energy_per_atom", "split"].map(|c| column(&headers, c));
    let table_of = |splits: &[&str]| {
        let phases = rows
            .iter()
            .filter(|r| splits.contains(&&r[split]))
            .map(|r| Phase::from_formula(&r[id], &r[formula], r[energy].parse().unwrap()).unwrap());
        PhaseTable::new(phases.collect())
    };
    let shipped = table_of(&["train", "val"]);
    report_size("train+val", &shipped);
    report_size("train+val on the hull", &phases_on_hull(&shipped, ON_HULL_TOLERANCE).unwrap());
    let table = table_of(&["train"]);

    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/tests/fixtures/hull/pymatgen_hull.json");
    let fixture: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let queries = fixture["queries"].as_array().unwrap();
    let (mut times, mut differences, mut largest) = (Vec::new(), Vec::new(), 0.0f64);
    for query in queries {
        let composition = parse_formula(query["reduced_formula"].as_str().unwrap()).unwrap();
        let energy = query["formation_energy_per_atom"].as_f64().unwrap();
        let start = Instant::now();
        let answer = energy_above_hull(&table, &composition, energy, 0.1).unwrap();
        times.push(start.elapsed());
        largest = largest.max((answer.energy_above_hull - query["e_above_hull"].as_f64().unwrap()).abs());
        if let Some(difference) = difference(query, &answer) {
            differences.push(format!("{} {}: {difference}", query["material_id"], query["reduced_formula"]));
        }
    }
    times.sort();
    let agree = queries.len() - differences.len();
    println!(
        "hull vs pymatgen: {agree}/{} agree (energy above hull within {TOLERANCE} eV/atom, same products, fractions within {TOLERANCE}; largest energy difference {largest:.1e} eV/atom); median {:.3} ms per query, slowest {:.3} ms",
        queries.len(),
        millis(times[times.len() / 2]),
        millis(times[times.len() - 1])
    );
    assert!(differences.is_empty(), "differences from pymatgen:\n{}", differences.join("\n"));
}

/// What differs between pymatgen's answer and ours, if anything.
fn difference(reference: &Value, answer: &HullAnswer) -> Option<String> {
    let e_above_hull = reference["e_above_hull"].as_f64().unwrap();
    if (answer.energy_above_hull - e_above_hull).abs() > TOLERANCE {
        return Some(format!(
            "energy above hull {:.6} vs pymatgen {e_above_hull:.6} eV/atom",
            answer.energy_above_hull
        ));
    }
    let mut expected: Vec<(Option<String>, String, f64)> = reference["decomposition"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["id"].as_str().map(str::to_string),
                p["formula"].as_str().unwrap().to_string(),
                p["fraction"].as_f64().unwrap(),
            )
        })
        .collect();
    let mut ours: Vec<(Option<String>, String, f64)> =
        answer.decomposition.iter().map(|p| (p.id.clone(), p.formula.clone(), p.fraction)).collect();
    expected.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    ours.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    let same = expected.len() == ours.len()
        && expected.iter().zip(&ours).all(|(a, b)| a.0 == b.0 && a.1 == b.1 && (a.2 - b.2).abs() <= TOLERANCE);
    (!same).then(|| format!("products {} vs pymatgen {expected:?}", answer.decomposition_text()))
}

fn report_size(rows: &str, table: &PhaseTable) {
    let bytes = table.to_bytes();
    let mut gzip = GzEncoder::new(Vec::new(), Compression::best());
    gzip.write_all(&bytes).unwrap();
    let gzipped = gzip.finish().unwrap();
    println!(
        "phase table of the {rows} rows: {} phases, {} bytes raw, {} bytes gzip",
        table.len(),
        bytes.len(),
        gzipped.len()
    );
    assert_eq!(PhaseTable::from_bytes(&bytes).unwrap().len(), table.len());
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}
