//! The one error type of the `shared` crate.
//!
//! Every message is written for a chemist: it names the file format, the line (1-based) where the
//! problem was found and what was expected, or the site / atoms that make a structure invalid.

use serde::Serialize;
use std::fmt;

/// Structure file formats understood by [`crate::io`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Cif,
    Poscar,
    Xyz,
    /// pymatgen's `Structure.as_dict()` (what the Materials Project API returns).
    #[serde(rename = "pymatgen-json")]
    PymatgenJson,
    /// An OPTIMADE `structures` entry, alone or in a response's `data`.
    #[serde(rename = "optimade-json")]
    OptimadeJson,
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Cif => "CIF",
            Format::Poscar => "POSCAR",
            Format::Xyz => "extended XYZ",
            Format::PymatgenJson => "pymatgen JSON",
            Format::OptimadeJson => "OPTIMADE JSON",
        })
    }
}

/// Everything that can go wrong in `shared`.
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Error {
    /// The text of a structure file could not be read; `line` is 1-based (0 when the problem is
    /// the file as a whole, e.g. it is empty).
    #[error("{format}{}: {message}", at_line(*line))]
    Parse { format: Format, line: usize, message: String },

    /// The format of a text could not be recognised.
    #[error("could not recognise the file format: {0}")]
    UnknownFormat(String),

    /// A structure without atoms.
    #[error("the structure contains no atoms")]
    NoAtoms,

    /// More atoms than the configured limit allows.
    #[error("the structure has {natoms} atoms, more than the limit of {max}")]
    TooManyAtoms { natoms: usize, max: usize },

    /// Lattice vectors that are (nearly) linearly dependent or absurdly large.
    #[error("the unit cell is degenerate: volume {volume:.4} Å³ (lattice vectors zero, coplanar or nearly so)")]
    DegenerateLattice { volume: f64 },

    /// A coordinate or lattice entry that is NaN or infinite.
    #[error("non-finite number in {what}")]
    NonFinite { what: String },

    /// Two atoms closer than physically possible (after periodic wrapping).
    #[error("atoms {i} ({label_i}) and {j} ({label_j}) overlap: they are {distance:.3} Å apart (minimum {min:.2} Å)")]
    OverlappingAtoms { i: usize, j: usize, label_i: String, label_j: String, distance: f64, min: f64 },

    /// The symmetry finder failed (usually a structure far from any space group at the tolerance).
    #[error("symmetry analysis failed at tolerance {symprec} Å: {message}")]
    Symmetry { symprec: f64, message: String },

    /// A structure table (CSV) that cannot be read, or one of its rows: `line` is 1-based (0 when
    /// the problem is the table as a whole, e.g. no structure column), `column` the header of the
    /// offending cell.
    #[error("{table}{}{}: {message}", at_line(*line), column.as_ref().map_or(String::new(), |c| format!(", column `{c}`")))]
    Table { table: String, line: usize, column: Option<String>, message: String },

    /// A chemical formula that cannot be read (see [`crate::composition::parse_formula`]).
    #[error("cannot read the formula `{formula}`: {message}")]
    InvalidFormula { formula: String, message: String },

    /// A symbol that names no element.
    #[error("`{symbol}` is not an element symbol")]
    UnknownElement { symbol: String },

    /// An element's amount in a composition that is negative, NaN or infinite.
    #[error("the amount of {element} is {amount}; amounts must be finite and ≥ 0")]
    InvalidAmount { element: String, amount: f64 },

    /// A composition without any atoms.
    #[error("the composition is empty (no element with a positive amount)")]
    EmptyComposition,

    /// A chemical system larger than the convex hull accepts ([`crate::stability::MAX_ELEMENTS`]).
    #[error("the composition has {count} elements; the convex hull is computed for at most {max}")]
    TooManyElements { count: usize, max: usize },

    /// A standard deviation that is negative, NaN or infinite.
    #[error("the standard deviation σ = {sigma} eV/atom must be finite and ≥ 0")]
    InvalidSigma { sigma: f64 },

    /// Bytes that are not a serialised [`crate::stability::PhaseTable`].
    #[error("not a phase table: {message}")]
    InvalidPhaseTable { message: String },

    /// The convex hull's linear program failed (a numerical failure; not expected for valid input).
    #[error("the convex hull could not be computed: {message}")]
    HullSolver { message: String },

    /// A SMILES string that cannot be read; the error holds the 0-based character position.
    #[error("SMILES: {0}")]
    Smiles(#[from] crate::molecule::SmilesError),
}

impl Error {
    /// Shorthand used by the parsers.
    pub fn parse(format: Format, line: usize, message: impl Into<String>) -> Self {
        Error::Parse { format, line, message: message.into() }
    }

    /// The 1-based line the error points at, if any (for the UI to highlight).
    pub fn line(&self) -> Option<usize> {
        match self {
            Error::Parse { line, .. } if *line > 0 => Some(*line),
            _ => None,
        }
    }
}

fn at_line(line: usize) -> String {
    if line == 0 { String::new() } else { format!(", line {line}") }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
