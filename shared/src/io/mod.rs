//! Structure files: text → [`Structure`] (CIF, POSCAR/CONTCAR, extended XYZ, pymatgen and
//! OPTIMADE JSON) and back.
//!
//! [`parse`] recognises the format; [`parse_with`] takes [`ParseOptions`] (forced format, CIF data
//! block, merge tolerance, atom limit, strictness); [`parse_with_warnings`] also returns the
//! [`ParseWarning`]s: defects repaired the way other readers do (refused in strict mode) and
//! assumptions made (operations generated from a space-group symbol). Every failure is an
//! [`Error`] whose message names the line and what was expected there. No input panics, hangs or allocates in proportion to a
//! number it declares: counts are checked against the atom limit first.

mod cif;
mod cif_syntax;
mod declared_group;
mod expand;
mod json;
mod number;
mod optimade;
mod poscar;
mod pymatgen_collection;
mod pymatgen_json;
mod space_group;
mod species;
mod symop;
mod warning;
mod write;
mod xyz;

pub use expand::NEAR_IMAGE_TOLERANCE;
pub use json::JsonEntry;
pub use optimade::write_optimade_json;
pub use pymatgen_json::write_pymatgen_json;
pub use warning::ParseWarning;
pub use write::{write, write_cif, write_poscar, write_xyz};

use crate::error::{Error, Format, Result};
use crate::lattice::Lattice;
use crate::structure::{DEFAULT_MAX_ATOMS, MIN_INTERATOMIC_DISTANCE, Site, Structure};
use std::borrow::Cow;

/// Default [`ParseOptions::merge_tolerance`], Å.
///
/// Symmetry images of one site closer than this are one atom. CIF coordinates rounded to 3–4
/// decimals (0.3333 for 1/3) put images of an atom on a special position up to ~0.02 Å apart in
/// large cells; distinct atoms are at least [`MIN_INTERATOMIC_DISTANCE`] (0.5 Å) apart.
pub const DEFAULT_MERGE_TOLERANCE: f64 = 0.05;

/// How to read a structure file.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseOptions {
    /// The format; `None` recognises it ([`detect_format`]).
    pub format: Option<Format>,
    /// CIF: the data block to read (name without `data_`, case-insensitive). `None`: the
    /// first block that lists atom sites. JSON listing several structures (an OPTIMADE or
    /// Materials Project response, an array of pymatgen structures): the entry's `id` or
    /// `material_id` (case-insensitive), or a 0-based index for pymatgen JSON; `None`: the first.
    pub block: Option<String>,
    /// CIF only: symmetry images of a site closer than this (Å, periodic Cartesian distance) are
    /// merged into one atom. Default [`DEFAULT_MERGE_TOLERANCE`]; negative or NaN count as 0.
    pub merge_tolerance: f64,
    /// Most atoms accepted in the cell (after symmetry expansion).
    pub max_atoms: usize,
    /// Refuse the defects that are otherwise repaired with a warning (a CIF tag given twice, a
    /// quote never closed, text before the first `data_` line, an unknown space-group symbol
    /// beside a known one, symmetry images up to [`NEAR_IMAGE_TOLERANCE`] apart).
    pub strict: bool,
}

impl Default for ParseOptions {
    fn default() -> Self {
        ParseOptions {
            format: None,
            block: None,
            merge_tolerance: DEFAULT_MERGE_TOLERANCE,
            max_atoms: DEFAULT_MAX_ATOMS,
            strict: false,
        }
    }
}

/// Parses a structure file of any supported format with the default options.
pub fn parse(text: &str) -> Result<Structure> {
    parse_with(text, &ParseOptions::default())
}

/// A structure read from a file, with what the reader repaired or assumed on the way.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub structure: Structure,
    /// In file order of discovery; lines count from the top of the given text.
    pub warnings: Vec<ParseWarning>,
}

/// Parses a structure file with the given options; the warnings are dropped (see
/// [`parse_with_warnings`]).
pub fn parse_with(text: &str, opts: &ParseOptions) -> Result<Structure> {
    parse_with_warnings(text, opts).map(|parsed| parsed.structure)
}

/// Parses a structure file with the given options, keeping the warnings.
pub fn parse_with_warnings(text: &str, opts: &ParseOptions) -> Result<Parsed> {
    let text = clean(text);
    let (text, skipped) = skip_blank_lines(&text);
    let format = match opts.format {
        Some(f) => f,
        None => detect_format(text)?,
    };
    let opts = ParseOptions { merge_tolerance: opts.merge_tolerance.max(0.0), ..opts.clone() };
    let mut warnings = warning::Warnings::new(format, opts.strict);
    let parsed = match format {
        Format::Cif => cif::parse(text, &opts, &mut warnings),
        Format::Poscar => poscar::parse(text, &opts),
        Format::Xyz => xyz::parse(text, &opts),
        Format::PymatgenJson => pymatgen_collection::parse(text, &opts, &mut warnings),
        Format::OptimadeJson => optimade::parse(text, &opts, &mut warnings),
    };
    let structure = parsed.map_err(|e| match e {
        Error::Parse { format, line, message } if line > 0 => Error::Parse { format, line: line + skipped, message },
        other => other,
    })?;
    let mut warnings = warnings.into_vec();
    for w in &mut warnings {
        w.line = w.line.map(|line| line + skipped);
    }
    Ok(Parsed { structure, warnings })
}

/// Drops leading blank lines (pasted text often starts with one; POSCAR and XYZ count lines from
/// the top) and says how many there were, so that error lines still match the pasted text.
fn skip_blank_lines(text: &str) -> (&str, usize) {
    let (mut rest, mut skipped) = (text, 0);
    while let Some(end) = rest.find('\n') {
        if !rest[..end].trim().is_empty() {
            break;
        }
        rest = &rest[end + 1..];
        skipped += 1;
    }
    (rest, skipped)
}

/// The structures of a JSON text listing more than one (an OPTIMADE or Materials Project
/// response, an array of pymatgen structures), each as a text of its own; `None` for any other
/// text (one structure, which a batch reads whole, or not such JSON).
pub fn json_entries(text: &str) -> Option<Vec<JsonEntry>> {
    match detect_format(text).ok()? {
        Format::OptimadeJson => optimade::optimade_entries(text),
        Format::PymatgenJson => pymatgen_collection::pymatgen_entries(text),
        _ => None,
    }
}

/// The names of the data blocks of a CIF (without `data_`), in file order.
pub fn cif_block_names(text: &str) -> Result<Vec<String>> {
    cif::block_names(&clean(text))
}

/// Recognises the format: pymatgen or OPTIMADE JSON (a `{`, told apart by the top-level keys),
/// extended XYZ (an atom count, then `Lattice=` on line 2), CIF (a line starting with `data_`,
/// `loop_` or `_cell_`), else POSCAR if lines 2–5 hold a scale and three vectors.
pub fn detect_format(text: &str) -> Result<Format> {
    let text = clean(text);
    let (text, _) = skip_blank_lines(&text);
    let mut lines = text.lines();
    let Some(first) = lines.next().filter(|l| !l.trim().is_empty()) else {
        return Err(Error::UnknownFormat(
            "the text is empty; paste a CIF, POSCAR/CONTCAR, extended XYZ, pymatgen or OPTIMADE JSON file".into(),
        ));
    };
    if json::is_json_document(text) {
        return json::detect(text);
    }
    let counted = number::parse_count(first.trim()).is_some();
    if counted && lines.next().is_some_and(|l| l.to_ascii_lowercase().contains("lattice=")) {
        return Ok(Format::Xyz);
    }
    if text.lines().any(is_cif_line) {
        return Ok(Format::Cif);
    }
    if looks_like_poscar(text) {
        return Ok(Format::Poscar);
    }
    if counted {
        return Err(Error::UnknownFormat(
            "this looks like a plain XYZ file, but line 2 has no Lattice=\"…\" giving the periodic cell; use extended XYZ with Lattice=, a CIF or a POSCAR".into(),
        ));
    }
    Err(Error::UnknownFormat(
        "expected a CIF (with 'data_…' and '_cell_length_a'), a POSCAR/CONTCAR (comment, scale, three lattice vectors, species, counts, positions), an extended XYZ file (atom count, then a line with Lattice=\"…\") or JSON (pymatgen's Structure.as_dict(), OPTIMADE)".into(),
    ))
}

fn is_cif_line(line: &str) -> bool {
    let l = line.trim_start().as_bytes();
    ["data_", "loop_", "_cell_", "_cell."]
        .iter()
        .any(|p| l.len() >= p.len() && l[..p.len()].eq_ignore_ascii_case(p.as_bytes()))
}

/// Line 2 starts with a number and lines 3–5 with three numbers each.
fn looks_like_poscar(text: &str) -> bool {
    let lines: Vec<&str> = text.lines().skip(1).take(4).collect();
    let numbers = |l: &str, n: usize| {
        let tokens: Vec<&str> = l.split_whitespace().take(n).collect();
        tokens.len() == n && tokens.iter().all(|t| number::parse_f64(t).is_some())
    };
    lines.len() == 4 && numbers(lines[0], 1) && lines[1..].iter().all(|l| numbers(l, 3))
}

/// Pasted text often carries a byte-order mark, no-break spaces or Unicode minus signs.
fn clean(text: &str) -> Cow<'_, str> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.contains(['\u{a0}', '\u{2212}']) {
        Cow::Owned(text.replace('\u{a0}', " ").replace('\u{2212}', "-"))
    } else {
        Cow::Borrowed(text)
    }
}

/// Thinnest lattice-plane spacing accepted (Å). Real cells are far thicker; a thinner one is
/// degenerate or so skewed that the overlap check would have to visit millions of images.
const MIN_PLANE_SPACING: f64 = 0.05;

/// Builds a lattice from rows and checks that its planes are not absurdly close; the error is a
/// phrase for the end of "… do not form a valid cell: {error}".
fn checked_lattice(lattice: Result<Lattice>) -> std::result::Result<Lattice, String> {
    let lattice = lattice.map_err(|e| cell_problem(&e))?;
    let thinnest = lattice.reciprocal_lengths().iter().map(|r| 1.0 / r).fold(f64::INFINITY, f64::min);
    if thinnest.is_nan() || thinnest < MIN_PLANE_SPACING {
        return Err(format!(
            "its lattice planes are only {thinnest:.2e} Å apart (at least {MIN_PLANE_SPACING} Å needed): the cell is degenerate or extremely skewed; please give a reduced cell"
        ));
    }
    Ok(lattice)
}

/// Why a lattice was refused, as the end of a sentence ("… is not valid: {this}").
fn cell_problem(e: &Error) -> String {
    match e {
        Error::DegenerateLattice { volume } => format!(
            "its volume is {volume:.4} Å³ (the vectors are coplanar, zero or longer than {} Å)",
            crate::lattice::MAX_LENGTH
        ),
        other => other.to_string(),
    }
}

/// Validates a structure read from a one-atom-per-line format (POSCAR, XYZ); overlapping atoms
/// are reported at the line of the second one.
fn build_listed(
    format: Format,
    lattice: Lattice,
    sites: Vec<Site>,
    lines: &[usize],
    max_atoms: usize,
) -> Result<Structure> {
    Structure::with_max_atoms(lattice, sites, max_atoms).map_err(|e| match e {
        Error::OverlappingAtoms { i, j, label_i, distance, .. } if i == j => Error::parse(
            format,
            lines.get(i).copied().unwrap_or(1),
            format!(
                "atom {} ({label_i}) is {distance:.3} Å from its own periodic image; the cell is too small (atoms must be at least {MIN_INTERATOMIC_DISTANCE} Å apart)",
                i + 1
            ),
        ),
        Error::OverlappingAtoms { i, j, label_i, label_j, distance, .. } => Error::parse(
            format,
            lines.get(j).copied().unwrap_or(1),
            format!(
                "atoms {} ({label_i}, line {}) and {} ({label_j}) are {distance:.3} Å apart; atoms must be at least {MIN_INTERATOMIC_DISTANCE} Å apart",
                i + 1,
                lines.get(i).copied().unwrap_or(1),
                j + 1
            ),
        ),
        other => other,
    })
}
