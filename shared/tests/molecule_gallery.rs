//! The ten classroom molecules go through every view: graph, fingerprint, tokens, drawing.

use shared::molecule::Molecule;
use shared::molecule::depict::{Depiction, MIN_SEPARATION};
use shared::molecule::fingerprint::MorganFingerprint;
use shared::molecule::gallery::GALLERY;
use shared::molecule::graph::MolecularGraph;
use shared::molecule::svg::{SvgOptions, to_svg};
use shared::molecule::tokens::{SmilesTokens, UNK};

#[test]
fn gallery_molecules_are_drawn_without_overlaps() {
    for (name, smiles) in GALLERY {
        let m = Molecule::from_smiles(smiles).unwrap();
        let d = Depiction::new(&m);
        assert_eq!(d.coordinates.len(), m.atoms().len());
        if let Some((a, b, distance)) = d.closest_nonbonded_pair(&m) {
            assert!(distance >= MIN_SEPARATION, "{name}: atoms {a} and {b} are {distance:.2} bond lengths apart");
        }
        for bond in m.bonds() {
            let [p, q] = bond.atoms.map(|a| d.coordinates[a]);
            let length = (p[0] - q[0]).hypot(p[1] - q[1]);
            assert!((length - 1.0).abs() < 1e-6, "{name}: bond {:?} is {length:.3} long", bond.atoms);
        }
    }
}

#[test]
fn gallery_molecules_have_every_view() {
    for (name, smiles) in GALLERY {
        let m = Molecule::from_smiles(smiles).unwrap();
        let graph = MolecularGraph::from_molecule(&m);
        assert_eq!(graph.num_edges(), 2 * m.bonds().len(), "{name}");
        let fingerprint = MorganFingerprint::new(&m);
        assert!(!fingerprint.on_bits().is_empty(), "{name}");
        let tokens = SmilesTokens::from_molecule(&m);
        assert!(!tokens.ids.contains(&UNK), "{name}: {:?}", tokens.tokens);
        assert_eq!(tokens.atoms.iter().flatten().count(), m.atoms().len(), "{name}: every atom has its token");
    }
}

#[test]
fn caffeine_svg() {
    let m = Molecule::from_smiles(GALLERY[3].1).unwrap();
    let svg = to_svg(&m, &Depiction::new(&m), &SvgOptions::default());
    insta::assert_snapshot!(svg);
}

#[test]
fn highlighted_glycine_svg() {
    let m = Molecule::from_smiles(GALLERY[9].1).unwrap();
    let options = SvgOptions { highlights: Some(vec![0.9, 0.1, 0.4, -0.6, 0.7]), ..SvgOptions::default() };
    let svg = to_svg(&m, &Depiction::new(&m), &options);
    insta::assert_snapshot!(svg);
}
