//! No input makes the SMILES reader, or anything built on a molecule it accepts, panic; every
//! error points inside the text.

use proptest::prelude::*;
use shared::molecule::Molecule;
use shared::molecule::depict::Depiction;
use shared::molecule::fingerprint::MorganFingerprint;
use shared::molecule::graph::MolecularGraph;
use shared::molecule::svg::{SvgOptions, to_svg};
use shared::molecule::tokens::SmilesTokens;

fn check(text: &str) {
    match Molecule::from_smiles(text) {
        Ok(m) => {
            MolecularGraph::from_molecule(&m);
            MorganFingerprint::new(&m);
            SmilesTokens::from_molecule(&m);
            to_svg(&m, &Depiction::new(&m), &SvgOptions::default());
        }
        Err(e) => {
            assert!(e.position <= text.chars().count(), "{text:?}: position {}", e.position);
            let _ = e.pointer(text);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn any_text(text in any::<String>()) {
        check(&text);
    }

    #[test]
    fn text_from_the_smiles_alphabet(text in r"[BCNOSPFIclnosbrH\[\]()=#$:/\\@+\-0-9%.*]{0,60}") {
        check(&text);
    }

    #[test]
    fn rings_and_branches_of_aromatic_atoms(text in r"(c|n|o|s|\[nH\]|C|N|O|1|2|%12|\(|\)|=|-){0,50}") {
        check(&text);
    }
}

/// Replays `fuzz/corpus/parse_smiles/` as the fuzz target does; seeds named `*.smi` and not
/// starting with `bad_` must read, `bad_*.smi` must be refused.
#[test]
fn smiles_fuzz_corpus_replays() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus/parse_smiles");
    let mut replayed = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        let Ok(text) = std::fs::read_to_string(&path) else { continue };
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let read = std::panic::catch_unwind(|| shared::molecule::Molecule::from_smiles(&text).is_ok())
            .unwrap_or_else(|_| panic!("{} panicked", path.display()));
        if name.ends_with(".smi") {
            assert_eq!(read, !name.starts_with("bad_"), "{name}: {text}");
        }
        replayed += 1;
    }
    assert!(replayed >= 20, "only {replayed} corpus files found");
}
