//! Every SMILES of the four MoleculeNet tables parses, and its graph, fingerprint, tokens and
//! drawing are made.

use matfuse_tests::{column, data_dir, read_csv};
use shared::molecule::Molecule;
use shared::molecule::depict::Depiction;
use shared::molecule::fingerprint::MorganFingerprint;
use shared::molecule::graph::MolecularGraph;
use shared::molecule::svg::{SvgOptions, to_svg};
use shared::molecule::tokens::SmilesTokens;
use std::time::Instant;

/// Rows per table, as shipped.
const TABLES: [(&str, usize); 4] = [("esol", 1128), ("freesolv", 642), ("lipophilicity", 4200), ("bace", 1513)];

#[test]
fn every_moleculenet_smiles_parses_and_featurises() {
    let Some(dir) = data_dir("moleculenet_smiles") else { return };
    let mut problems = Vec::new();
    let (mut parsed, mut depicted) = (0, 0);
    let (mut featurise_time, mut depict_time) = (0.0, 0.0);
    for (table, rows) in TABLES {
        let (headers, records) = read_csv(&dir.join(format!("moleculenet/{table}.csv")));
        assert_eq!(records.len(), rows, "{table}");
        let smiles_column = column(&headers, "smiles");
        for (row, record) in records.iter().enumerate() {
            let smiles = record[smiles_column].trim();
            let start = Instant::now();
            let molecule = match Molecule::from_smiles(smiles) {
                Ok(m) => m,
                Err(e) => {
                    problems.push(format!("{table} row {}: {}", row + 2, e.pointer(smiles)));
                    continue;
                }
            };
            let graph = MolecularGraph::from_molecule(&molecule);
            let fingerprint = MorganFingerprint::new(&molecule);
            let tokens = SmilesTokens::from_molecule(&molecule);
            featurise_time += start.elapsed().as_secs_f64();
            parsed += 1;
            if graph.num_atoms() == 0 || fingerprint.on_bits().is_empty() || tokens.ids.len() < 3 {
                problems.push(format!("{table} row {}: {smiles}: an empty view", row + 2));
            }
            let start = Instant::now();
            let svg = to_svg(&molecule, &Depiction::new(&molecule), &SvgOptions::default());
            depict_time += start.elapsed().as_secs_f64();
            if svg.contains("NaN") {
                problems.push(format!("{table} row {}: {smiles}: the drawing has NaN coordinates", row + 2));
            }
            depicted += 1;
        }
    }
    println!(
        "{parsed} MoleculeNet SMILES parsed and featurised (graph, ECFP4, tokens) in {featurise_time:.2} s, \
         {depicted} drawn in {depict_time:.2} s"
    );
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
    assert_eq!(parsed, TABLES.iter().map(|(_, rows)| rows).sum::<usize>());
}

/// The randomised SMILES that augment the SMILES view (`shared::molecule::writer`) read back as
/// the same molecule: formula, bonds, aromatic atoms, charge and the radius-2 Morgan
/// identifiers with their counts, for five random writings of every MoleculeNet molecule.
#[test]
fn every_moleculenet_molecule_written_in_random_orders_reads_back_the_same() {
    use shared::molecule::writer::write_smiles;
    let Some(dir) = data_dir("moleculenet_smiles") else { return };
    let mut problems = Vec::new();
    let (mut written, mut distinct) = (0, 0);
    let mut rng = shared::rng::SplitMix64::new(20_261_207);
    let mut pick = move |n: usize| rng.below(n);
    for (table, _) in TABLES {
        let (headers, records) = read_csv(&dir.join(format!("moleculenet/{table}.csv")));
        let smiles_column = column(&headers, "smiles");
        for (row, record) in records.iter().enumerate() {
            let smiles = record[smiles_column].trim();
            let molecule = Molecule::from_smiles(smiles).expect("parses (the test above)");
            let key = |m: &Molecule| {
                let aromatic = m.atoms().iter().filter(|a| a.aromatic).count();
                (m.formula(), m.bonds().len(), aromatic, m.formal_charge(), MorganFingerprint::new(m).identifiers())
            };
            let expected = key(&molecule);
            let mut writings = std::collections::BTreeSet::new();
            for _ in 0..5 {
                let again = write_smiles(&molecule, &mut pick);
                written += 1;
                match Molecule::from_smiles(&again) {
                    Ok(read) if key(&read) == expected => {}
                    Ok(_) => {
                        problems.push(format!("{table} row {}: {smiles} → {again}: a different molecule", row + 2))
                    }
                    Err(e) => problems.push(format!("{table} row {}: {smiles} → {again}: {e}", row + 2)),
                }
                writings.insert(again);
            }
            distinct += writings.len();
        }
    }
    println!("{written} random writings, {distinct} distinct, read back");
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.iter().take(30).cloned().collect::<Vec<_>>().join("\n")
    );
}
