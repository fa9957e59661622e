//! Whether a text pasted into the structure editor is a SMILES: one line, no inner whitespace,
//! that no crystal reader took and that reads as SMILES.

use shared::molecule::{MAX_SMILES_CHARS, Molecule};

/// The SMILES in `text`, trimmed, when the whole text is one that reads.
pub fn smiles_in(text: &str) -> Option<&str> {
    let line = text.trim();
    let one_token = !line.is_empty() && !line.contains(char::is_whitespace);
    (one_token && line.chars().count() <= MAX_SMILES_CHARS && Molecule::from_smiles(line).is_ok()).then_some(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_readable_line_is_a_smiles() {
        assert_eq!(smiles_in("  CC(=O)Oc1ccccc1C(=O)O\n"), Some("CC(=O)Oc1ccccc1C(=O)O"));
        assert_eq!(smiles_in("[Na+].[Cl-]"), Some("[Na+].[Cl-]"));
    }

    #[test]
    fn crystal_files_and_broken_smiles_are_not() {
        let poscar = "NaCl\n1.0\n0 2.82 2.82\n2.82 0 2.82\n2.82 2.82 0\nNa Cl\n1 1\nDirect\n0 0 0\n0.5 0.5 0.5\n";
        assert_eq!(smiles_in(poscar), None);
        assert_eq!(smiles_in("data_NaCl"), None);
        assert_eq!(smiles_in("C1CC"), None, "an unclosed ring does not read");
        assert_eq!(smiles_in("C C"), None);
        assert_eq!(smiles_in("   \n"), None);
    }
}
