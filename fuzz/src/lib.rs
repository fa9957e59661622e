//! The check every fuzz target runs: parsing never panics, and whatever parses survives a trip
//! through the writer of the same format with its atom count intact.
//!
//! Run with `cargo +nightly fuzz run parse_cif` (or `parse_poscar`, `parse_xyz`,
//! `parse_pymatgen_json`, `parse_optimade_json`) from `fuzz/`;
//! seeds are in `corpus/<target>/`. `shared/tests/io_fuzz_corpus.rs` replays them as a test.

use shared::Format;
use shared::io::{ParseOptions, detect_format, parse_with, write};

pub fn check(data: &[u8], format: Format) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = detect_format(text);
    let opts = ParseOptions { format: Some(format), ..ParseOptions::default() };
    let Ok(structure) = parse_with(text, &opts) else { return };
    let written = write(&structure, format);
    // Re-parsing may still fail at the edges of validity (an atom pair at exactly 0.5 Å, a cell
    // at the volume limit) because of rounding in the Cartesian / cell-parameter conversions.
    if let Ok(again) = parse_with(&written, &opts) {
        assert_eq!(again.len(), structure.len(), "atom count changed through the writer:\n{written}");
    }
}

/// The check of `parse_smiles`: reading a SMILES never panics, and a molecule that reads gets its
/// graph, fingerprint, tokens and drawing, with one token per atom at most as many as characters.
pub fn check_smiles(data: &[u8]) {
    use shared::molecule::{Molecule, depict::Depiction, fingerprint::MorganFingerprint, graph::MolecularGraph};
    use shared::molecule::{svg, tokens::SmilesTokens};
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(molecule) = Molecule::from_smiles(text) else { return };
    let graph = MolecularGraph::from_molecule(&molecule);
    assert_eq!(graph.num_atoms(), molecule.atoms().len());
    let _ = MorganFingerprint::new(&molecule);
    let tokens = SmilesTokens::from_molecule(&molecule);
    assert!(tokens.ids.len() <= text.len() + 2, "more tokens than characters");
    let depiction = Depiction::new(&molecule);
    let _ = svg::to_svg(&molecule, &depiction, &svg::SvgOptions::default());
}
