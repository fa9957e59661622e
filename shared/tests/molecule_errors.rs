//! What a chemist sees for an invalid SMILES: the message and a caret under the character.

use shared::molecule::Molecule;

const INVALID: [&str; 16] = [
    "C1CC",
    "CC(C",
    "CC)C",
    "C[Xx]C",
    "CQ",
    "CZnC",
    "C[C+16]",
    "C(C)(C)(C)(C)C",
    "c1cccc1",
    "n1cccc1",
    "cc",
    "C=1CCCCC#1",
    "C==C",
    "CC(=O)O.",
    "C%1",
    "[C@X]",
];

#[test]
fn invalid_smiles_are_explained_with_a_caret() {
    let report: Vec<String> = INVALID
        .iter()
        .map(|smiles| {
            let error = Molecule::from_smiles(smiles).expect_err(smiles);
            assert!(error.position < smiles.len(), "{smiles}: position {} beyond the text", error.position);
            error.pointer(smiles)
        })
        .collect();
    insta::assert_snapshot!(report.join("\n\n"));
}

#[test]
fn errors_serialise_for_the_api() {
    let error = Molecule::from_smiles("C1CC").unwrap_err();
    let json = serde_json::to_value(&error).unwrap();
    assert_eq!(json, serde_json::json!({"position": 1, "problem": {"type": "unclosed_ring", "number": 1}}));
    let error = shared::Error::from(error);
    assert_eq!(error.to_string(), "SMILES: unclosed ring 1 at position 1");
    let json = serde_json::to_value(&error).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"kind": "smiles", "position": 1, "problem": {"type": "unclosed_ring", "number": 1}})
    );
}

#[test]
fn an_overlong_smiles_is_refused_before_it_is_read() {
    use shared::molecule::{MAX_SMILES_CHARS, Molecule};
    assert!(Molecule::from_smiles(&"C".repeat(MAX_SMILES_CHARS)).is_ok());
    let error = Molecule::from_smiles(&"C".repeat(MAX_SMILES_CHARS + 1)).unwrap_err();
    assert_eq!(
        error.to_string(),
        "the SMILES has 1001 characters, more than the limit of 1000 (about 500 atoms) at position 0"
    );
}
