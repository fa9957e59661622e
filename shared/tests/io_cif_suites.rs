//! matfuse's CIF reader against pymatgen's on the CIF files of public test suites (shipped in
//! PyPI wheels; `scripts/fetch-cif-suites.sh` installs them, `scripts/pymatgen_reference.py`
//! wrote pymatgen's reading into `tests/fixtures/cif_suites_reference.json`).
//!
//! For every file pymatgen reads as an ordered structure, matfuse must find the same atom count,
//! the same atoms per element and the same space group at the same tolerance (0.1 Å, 5°).
//! The files where it does not are listed with their reasons in
//! `tests/fixtures/cif_suites_differences.txt`; the test fails when a file differs that the
//! list does not name, or when a listed file no longer differs, so the list stays exact.

use shared::io::{ParseOptions, parse_with_warnings};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const REQUIRED_AGREEMENT: f64 = 0.95;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// `.matfuse/cif-suites` of the checkout; `None` (skipped, with the reason) when absent outside CI.
fn suites_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../.matfuse/cif-suites");
    if dir.is_dir() {
        return Some(dir);
    }
    let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    assert!(!ci, "CI=true but {} is missing: run scripts/fetch-cif-suites.sh", dir.display());
    eprintln!("SKIPPED: {} missing (run scripts/fetch-cif-suites.sh)", dir.display());
    None
}

/// How matfuse's reading of one file differs from pymatgen's, or `None` when it agrees.
fn difference(text: &str, reference: &serde_json::Value) -> Option<String> {
    let parsed = match parse_with_warnings(text, &ParseOptions::default()) {
        Ok(parsed) => parsed,
        Err(e) => return Some(format!("matfuse refuses: {e}")),
    };
    let structure = &parsed.structure;
    let expected_atoms = reference["n_atoms"].as_u64().unwrap() as usize;
    if structure.len() != expected_atoms {
        return Some(format!("{} atoms, pymatgen {expected_atoms}", structure.len()));
    }
    let composition: BTreeMap<String, u64> = shared::composition::composition(structure)
        .into_iter()
        .map(|(element, count)| (element.symbol().to_string(), count as u64))
        .collect();
    let expected: BTreeMap<String, u64> = reference["composition"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(element, count)| (element.clone(), count.as_u64().unwrap()))
        .collect();
    if composition != expected {
        return Some(format!("composition {composition:?}, pymatgen {expected:?}"));
    }
    let expected_group = reference["space_group"].as_u64();
    match shared::symmetry::analyze(structure, 0.1) {
        Ok(symmetry) if Some(u64::from(symmetry.number)) == expected_group => None,
        Ok(symmetry) => Some(format!("space group {}, pymatgen {expected_group:?}", symmetry.number)),
        Err(e) => Some(format!("no symmetry: {e}")),
    }
}

#[test]
fn reads_public_cif_suites_as_pymatgen_does() {
    let Some(suites) = suites_dir() else { return };
    let reference: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("cif_suites_reference.json")).unwrap()).unwrap();
    let listed: BTreeSet<String> = std::fs::read_to_string(fixture("cif_suites_differences.txt"))
        .unwrap()
        .lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|line| line.split_once(':').map_or(line, |(file, _)| file).trim().to_string())
        .collect();
    let mut ordered = 0;
    let mut differing = BTreeMap::new();
    for entry in reference["files"].as_array().unwrap() {
        if entry["status"] != "ordered" {
            continue;
        }
        ordered += 1;
        let name = format!("{}/{}", entry["suite"].as_str().unwrap(), entry["file"].as_str().unwrap());
        let text = std::fs::read(suites.join(&name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        if let Some(why) = difference(&String::from_utf8_lossy(&text), entry) {
            differing.insert(name, why);
        }
    }
    let agreement = 1.0 - differing.len() as f64 / ordered as f64;
    eprintln!(
        "agreement with pymatgen: {}/{ordered} ordered structures ({:.1} %)",
        ordered - differing.len(),
        100.0 * agreement
    );
    for (name, why) in &differing {
        eprintln!("  {name}: {why}");
    }
    let found: BTreeSet<String> = differing.keys().cloned().collect();
    let unlisted: Vec<_> = found.difference(&listed).map(|name| format!("{name}: {}", differing[name])).collect();
    let fixed: Vec<_> = listed.difference(&found).collect();
    assert!(
        unlisted.is_empty(),
        "files that differ from pymatgen but are not in cif_suites_differences.txt: {unlisted:#?}"
    );
    assert!(fixed.is_empty(), "listed in cif_suites_differences.txt but now agree with pymatgen: {fixed:?}");
    assert!(agreement >= REQUIRED_AGREEMENT, "agreement {agreement:.3} below {REQUIRED_AGREEMENT}");
}
