//! SMILES tokens for a SMILES transformer: the regular expression of Schwaller et al. (Molecular
//! Transformer) — bracket atoms whole, `Br` and `Cl` as one token, `%nn` ring numbers, bonds,
//! branches and ring digits — over a fixed vocabulary, with the atom each token belongs to.

use super::Molecule;
use std::collections::BTreeMap;
use std::sync::OnceLock;

pub const PAD: u32 = 0;
pub const UNK: u32 = 1;
pub const CLS: u32 = 2;
pub const SEP: u32 = 3;

const SPECIAL: [&str; 4] = ["[PAD]", "[UNK]", "[CLS]", "[SEP]"];
const ORGANIC: [&str; 16] = ["B", "Br", "C", "Cl", "N", "O", "P", "S", "F", "I", "b", "c", "n", "o", "p", "s"];
const PUNCTUATION: [&str; 16] = ["(", ")", ".", "=", "#", "-", "+", "\\", "/", ":", "~", "@", "?", ">", "*", "$"];
/// Bracket atoms with their own id: every one in the MoleculeNet sets matfuse trains on, plus
/// common ions, isotopes and stereocentres; any other bracket atom is `[UNK]`.
const BRACKET_ATOMS: [&str; 64] = [
    "[C@H]", "[C@@H]", "[C@]", "[C@@]", "[NH2+]", "[nH]", "[O-]", "[N+]", "[NH+]", "[NH3+]", "[S+]", "[n+]", "[N@H+]",
    "[N@@H+]", "[S@]", "[S@@]", "[S+2]", "[N@]", "[N@@]", "[Si]", "[Se]", "[se]", "[n-]", "[N-]", "[H]", "[2H]",
    "[3H]", "[13C]", "[14C]", "[11C]", "[18F]", "[123I]", "[125I]", "[nH+]", "[NH-]", "[NH4+]", "[OH-]", "[OH+]",
    "[O+]", "[o+]", "[s+]", "[C-]", "[CH-]", "[CH2-]", "[cH-]", "[C+]", "[P+]", "[P@]", "[P@@]", "[S-]", "[B-]",
    "[Na+]", "[K+]", "[Li+]", "[Cl-]", "[Br-]", "[I-]", "[Ca+2]", "[Mg+2]", "[Zn+2]", "[Fe+2]", "[Fe+3]", "[Cu+2]",
    "[Al+3]",
];

/// The vocabulary in id order: 4 special tokens, 16 organic-subset atoms, 16 bond and other
/// symbols, digits 0–9, ring numbers %10–%99, then [`BRACKET_ATOMS`] (200 tokens).
pub fn vocabulary() -> &'static [String] {
    static VOCABULARY: OnceLock<Vec<String>> = OnceLock::new();
    VOCABULARY.get_or_init(|| {
        let fixed = SPECIAL.iter().chain(&ORGANIC).chain(&PUNCTUATION).map(|s| s.to_string());
        let digits = (0..10).map(|d| d.to_string());
        let ring_numbers = (10..100).map(|n| format!("%{n}"));
        fixed.chain(digits).chain(ring_numbers).chain(BRACKET_ATOMS.iter().map(|s| s.to_string())).collect()
    })
}

/// The id of `token`, [`UNK`] if it is not in the vocabulary.
pub fn token_id(token: &str) -> u32 {
    static IDS: OnceLock<BTreeMap<&'static str, u32>> = OnceLock::new();
    let ids = IDS.get_or_init(|| vocabulary().iter().enumerate().map(|(i, t)| (t.as_str(), i as u32)).collect());
    ids.get(token).copied().unwrap_or(UNK)
}

/// Splits `smiles` into (start position, token); characters the expression does not cover
/// become one-character tokens (which map to [`UNK`]).
pub fn split(smiles: &str) -> Vec<(usize, &str)> {
    let bytes = smiles.as_bytes();
    let mut tokens = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let rest = &bytes[at..];
        let length = match rest {
            [b'[', ..] => rest.iter().position(|&c| c == b']').map_or(1, |i| i + 1),
            [b'B', b'r', ..] | [b'C', b'l', ..] => 2,
            [b'%', a, b, ..] if a.is_ascii_digit() && b.is_ascii_digit() => 3,
            [c, ..] if !c.is_ascii() => smiles[at..].chars().next().map_or(1, char::len_utf8),
            _ => 1,
        };
        // A bracket that contains a non-ASCII character still ends on a character boundary.
        let length = (length..=rest.len()).find(|&l| smiles.is_char_boundary(at + l)).unwrap_or(rest.len());
        tokens.push((at, &smiles[at..at + length]));
        at += length;
    }
    tokens
}

/// A tokenised SMILES framed by `[CLS]` … `[SEP]`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SmilesTokens {
    pub tokens: Vec<String>,
    pub ids: Vec<u32>,
    /// The atom of each token (atoms only; `None` for bonds, digits, branches and frame tokens,
    /// and for `[H]` folded into its neighbour).
    pub atoms: Vec<Option<usize>>,
}

impl SmilesTokens {
    /// Tokens of the SMILES `molecule` was read from.
    pub fn from_molecule(molecule: &Molecule) -> SmilesTokens {
        let smiles = molecule.smiles();
        let mut atom_at = vec![None; smiles.len()];
        for (index, atom) in molecule.atoms().iter().enumerate() {
            atom_at[atom.position] = Some(index);
        }
        let mut tokens = SmilesTokens { tokens: vec![SPECIAL[CLS as usize].into()], ids: vec![CLS], atoms: vec![None] };
        for (start, token) in split(smiles) {
            if token.trim().is_empty() {
                continue;
            }
            tokens.tokens.push(token.to_string());
            tokens.ids.push(token_id(token));
            tokens.atoms.push(atom_at[start]);
        }
        tokens.tokens.push(SPECIAL[SEP as usize].into());
        tokens.ids.push(SEP);
        tokens.atoms.push(None);
        tokens
    }

    /// The ids cut or padded with [`PAD`] to `length` (a cut keeps `[SEP]` last).
    pub fn padded_ids(&self, length: usize) -> Vec<u32> {
        let mut ids = self.ids.clone();
        if ids.len() > length {
            ids.truncate(length.saturating_sub(1));
            ids.extend(std::iter::once(SEP).take(length.min(1)));
        }
        ids.resize(length, PAD);
        ids
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_as_the_molecular_transformer_expression() {
        let tokens: Vec<&str> = split("CC(=O)Oc1ccccc1C(=O)[O-].[Na+]").into_iter().map(|(_, t)| t).collect();
        let expected = [
            "C", "C", "(", "=", "O", ")", "O", "c", "1", "c", "c", "c", "c", "c", "1", "C", "(", "=", "O", ")", "[O-]",
            ".", "[Na+]",
        ];
        assert_eq!(tokens, expected);
        let tokens: Vec<&str> = split("BrCCl%12C%12").into_iter().map(|(_, t)| t).collect();
        assert_eq!(tokens, ["Br", "C", "Cl", "%12", "C", "%12"]);
    }

    #[test]
    fn the_vocabulary_is_fixed_and_ids_are_stable() {
        assert_eq!(vocabulary().len(), 200);
        assert_eq!(&vocabulary()[..5], ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "B"]);
        assert_eq!(token_id("C"), 6);
        assert_eq!(token_id("%10"), 46);
        assert_eq!(token_id("[Xe]"), UNK);
        let unique: std::collections::BTreeSet<_> = vocabulary().iter().collect();
        assert_eq!(unique.len(), vocabulary().len());
    }

    #[test]
    fn tokens_know_their_atoms() {
        let m = Molecule::from_smiles("[NH3+]CC(=O)[O-]").unwrap();
        let t = SmilesTokens::from_molecule(&m);
        assert_eq!(t.tokens, ["[CLS]", "[NH3+]", "C", "C", "(", "=", "O", ")", "[O-]", "[SEP]"]);
        assert_eq!(t.atoms, [None, Some(0), Some(1), Some(2), None, None, Some(3), None, Some(4), None]);
        assert!(t.ids.iter().all(|&id| id != UNK));
        assert_eq!(t.padded_ids(12)[10..], [PAD, PAD]);
        assert_eq!(t.padded_ids(4), vec![CLS, token_id("[NH3+]"), token_id("C"), SEP]);
        let h = SmilesTokens::from_molecule(&Molecule::from_smiles("[H]OC").unwrap());
        assert_eq!(h.atoms, [None, None, Some(0), Some(1), None]);
    }
}
