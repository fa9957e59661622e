//! What can be wrong with a SMILES string, and where.

use serde::Serialize;
use std::fmt;

/// A SMILES string that could not be read: `position` is the 0-based character index of the
/// offending character (for "unclosed" errors, the opening one), `kind` says what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[error("{kind} at position {position}")]
pub struct SmilesError {
    pub position: usize,
    #[serde(rename = "problem")]
    pub kind: SmilesErrorKind,
}

/// The problems [`SmilesError`] reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SmilesErrorKind {
    /// Nothing but whitespace.
    Empty,
    /// A text longer than [`super::MAX_SMILES_CHARS`] (a molecule far larger than a drug).
    TooLong { chars: usize, max: usize },
    /// A character that has no meaning in SMILES at that place.
    UnexpectedCharacter { character: char },
    /// Whitespace between two parts of one SMILES.
    InnerWhitespace,
    /// A symbol that is no element, e.g. `Xx` or lowercase `f`.
    UnknownElement { symbol: String },
    /// A valid symbol this reader does not handle: the wildcard `*`, elements beyond Lr.
    UnsupportedAtom { symbol: String },
    /// An element outside the organic subset written without brackets (`Zn` for `[Zn]`).
    NeedsBrackets { symbol: String },
    /// A `%` not followed by two digits or `(digits)`.
    BadRingNumber,
    /// A `.` with nothing after it.
    DanglingDot,
    /// A bracket atom that breaks the `[isotope symbol chirality hcount charge class]` grammar.
    BadBracketAtom { reason: String },
    /// A ring-closure number opened and never closed.
    UnclosedRing { number: u32 },
    /// A `(` never closed.
    UnclosedBranch,
    /// A `)` without its `(`.
    UnopenedBranch,
    /// `()` with no atom inside.
    EmptyBranch,
    /// A bond, branch, ring number or `.` with no atom before it.
    NothingBefore { what: String },
    /// A bond symbol with no atom after it.
    DanglingBond,
    /// Two bond symbols in a row.
    DoubleBondSymbol,
    /// The two ends of a ring closure ask for different bonds (`C=1CCCCC#1`).
    RingBondConflict { number: u32 },
    /// A ring closure that bonds an atom to itself or repeats an existing bond.
    BadRingClosure { number: u32, reason: String },
    /// A bond this reader does not handle (the quadruple bond `$`).
    UnsupportedBond { symbol: char },
    /// An aromatic bond `:` next to an atom not written aromatic.
    AromaticBondOutsideAromatic,
    /// A lowercase (aromatic) atom that is in no ring.
    AromaticOutsideRing { symbol: String },
    /// An atom with more bonds than its element allows (pentavalent carbon).
    ImpossibleValence { symbol: String, valence: u8, max: u8 },
    /// No alternating single/double bond pattern fits the aromatic atoms.
    Kekulisation { symbol: String },
}

impl fmt::Display for SmilesErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use SmilesErrorKind::*;
        match self {
            Empty => write!(f, "empty SMILES"),
            TooLong { chars, max } => {
                write!(f, "the SMILES has {chars} characters, more than the limit of {max} (about {} atoms)", max / 2)
            }
            UnexpectedCharacter { character } => write!(f, "unexpected character `{character}`"),
            InnerWhitespace => write!(f, "whitespace inside the SMILES"),
            UnknownElement { symbol } => write!(f, "unknown element `{symbol}`"),
            UnsupportedAtom { symbol } => write!(f, "atom `{symbol}` is not supported"),
            NeedsBrackets { symbol } => write!(f, "`{symbol}` is outside the organic subset: write it `[{symbol}]`"),
            BadRingNumber => write!(f, "ring number `%` needs two digits (`%12`) or `%(123)`"),
            DanglingDot => write!(f, "`.` with no atom after it"),
            BadBracketAtom { reason } => write!(f, "bad bracket atom: {reason}"),
            UnclosedRing { number } => write!(f, "unclosed ring {number}"),
            UnclosedBranch => write!(f, "unclosed branch `(`"),
            UnopenedBranch => write!(f, "`)` closes no branch"),
            EmptyBranch => write!(f, "empty branch `()`"),
            NothingBefore { what } => write!(f, "{what} with no atom before it"),
            DanglingBond => write!(f, "bond with no atom after it"),
            DoubleBondSymbol => write!(f, "two bond symbols in a row"),
            RingBondConflict { number } => write!(f, "the two ends of ring {number} ask for different bonds"),
            BadRingClosure { number, reason } => write!(f, "ring closure {number} {reason}"),
            UnsupportedBond { symbol } => write!(f, "bond `{symbol}` is not supported"),
            AromaticBondOutsideAromatic => write!(f, "aromatic bond `:` next to an atom not written aromatic"),
            AromaticOutsideRing { symbol } => write!(f, "aromatic atom `{symbol}` is in no ring"),
            ImpossibleValence { symbol, valence, max } => {
                write!(f, "impossible valence: {symbol} with {valence} bonds (at most {max})")
            }
            Kekulisation { symbol } => write!(
                f,
                "cannot kekulise the aromatic system at `{symbol}`: no alternating double bonds fit (a pyrrole-type N is written [nH])"
            ),
        }
    }
}

impl SmilesError {
    pub(crate) fn new(position: usize, kind: SmilesErrorKind) -> Self {
        SmilesError { position, kind }
    }

    /// The SMILES, then a caret under the offending character, then the message:
    /// ```text
    /// C1CC
    ///  ^ unclosed ring 1 at position 1
    /// ```
    pub fn pointer(&self, smiles: &str) -> String {
        format!("{smiles}\n{}^ {self}", " ".repeat(self.position))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_puts_the_caret_under_the_character() {
        let error = SmilesError::new(1, SmilesErrorKind::UnclosedRing { number: 1 });
        assert_eq!(error.pointer("C1CC"), "C1CC\n ^ unclosed ring 1 at position 1");
    }
}
