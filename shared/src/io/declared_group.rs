//! The space group a CIF block declares by Hall symbol, Hermann–Mauguin symbol or number, for
//! blocks that list no symmetry operations: which settings it allows, checked for consistency.

use super::cif_syntax::{Block, Value, preview};
use super::number::parse_cif_number;
use super::space_group::{self, Candidates};
use super::warning::Warnings;
use crate::error::{Error, Format, Result};
use crate::lattice::Lattice;

const HALL_TAGS: [&str; 2] = ["_space_group_name_hall", "_symmetry_space_group_name_hall"];
const HM_TAGS: [&str; 3] =
    ["_space_group_name_h-m_alt", "_symmetry_space_group_name_h-m", "_symmetry_space_group_name_h_m"];
const NUMBER_TAGS: [&str; 2] = ["_space_group_it_number", "_symmetry_int_tables_number"];

/// Cell lengths (relative) and angles (degrees) this close count as equal when telling
/// rhombohedral from hexagonal axes.
const LENGTH_TOLERANCE: f64 = 1e-3;
const ANGLE_TOLERANCE: f64 = 0.1;

/// A declared space group: the settings it allows and where it was read.
#[derive(Debug)]
pub struct DeclaredGroup {
    /// Non-empty; several only when the origin choice is left open (conventional one first).
    pub candidates: Candidates,
    /// The symbol as written and its tag, for messages: "'F d -3 m' (_symmetry_space_group_name_H-M)".
    pub source: String,
    /// 1-based line of the symbol.
    pub line: usize,
}

/// One declaration found in the block.
struct Declaration<'b> {
    tag: &'static str,
    value: &'b Value<'b>,
    resolved: Option<Candidates>,
}

impl Declaration<'_> {
    fn source(&self) -> String {
        format!("'{}' ({})", preview(self.value.text.trim()), display_tag(self.tag))
    }

    fn number(&self) -> Option<i32> {
        self.resolved.as_ref().map(|c| c[0].number())
    }
}

/// The space group the block declares, if any other than P1; `lattice` tells hexagonal from
/// rhombohedral axes. An unknown symbol is an error unless another declaration is understood
/// (then a warning, or an error in strict mode); declarations of different space groups are an
/// error.
pub fn read(block: &Block, lattice: &Lattice, warnings: &mut Warnings) -> Result<Option<DeclaredGroup>> {
    let declarations = declarations(block);
    let Some(first) = declarations.first() else { return Ok(None) };
    let Some(used) = declarations.iter().find(|d| d.resolved.is_some()) else {
        return Err(unknown(first));
    };
    for d in declarations.iter().filter(|d| d.resolved.is_none()) {
        warnings.repair(d.value.line, unknown_message(d), || {
            format!("{} is not a space group this reader knows; {} was used instead", d.source(), used.source())
        })?;
    }
    if let Some(other) = declarations.iter().find(|d| d.number().is_some_and(|n| Some(n) != used.number())) {
        return Err(Error::parse(
            Format::Cif,
            other.value.line,
            format!(
                "{} is space group No. {} but {} (line {}) is No. {}; the file contradicts itself, so please correct one of them",
                other.source(),
                other.number().unwrap_or_default(),
                used.source(),
                used.value.line,
                used.number().unwrap_or_default()
            ),
        ));
    }
    let mut candidates = used.resolved.clone().unwrap_or_default();
    let resolved = |tags: &[&str]| declarations.iter().find(|d| tags.contains(&d.tag) && d.resolved.is_some());
    if let (Some(hall), Some(hm)) = (resolved(&HALL_TAGS), resolved(&HM_TAGS)) {
        let hall_number = candidates[0].hall_number();
        if !hm.resolved.iter().flatten().any(|c| c.hall_number() == hall_number) {
            warnings.note(
                Some(hm.value.line),
                format!(
                    "{} names another setting than {}; the Hall symbol's setting was used",
                    hm.source(),
                    hall.source()
                ),
            );
        }
    }
    if candidates.len() > 1 {
        let axes_known = candidates.iter().any(|c| c.rhombohedral_axes() || c.hexagonal_axes());
        if axes_known {
            let rhombohedral = rhombohedral_cell(lattice);
            candidates.retain(|c| c.rhombohedral_axes() == rhombohedral);
        }
    }
    if candidates.is_empty() || candidates[0].number() == 1 {
        return Ok(None);
    }
    Ok(Some(DeclaredGroup { candidates, source: used.source(), line: used.value.line }))
}

/// When the block lists operations (which are used) and also names a space group whose
/// operation count differs — a loop without the centring translations, a symbol for another
/// group — a warning says so.
pub fn check_listed(block: &Block, listed: usize, warnings: &mut Warnings) {
    let declarations = declarations(block);
    let Some((d, candidates)) = declarations.iter().find_map(|d| Some((d, d.resolved.as_ref()?))) else {
        return;
    };
    let counts: Vec<usize> = candidates.iter().map(|c| c.operations().len()).collect();
    if !counts.contains(&listed) {
        warnings.note(
            Some(d.value.line),
            format!(
                "{} has {} but the file lists {listed}; the listed ones were used",
                d.source(),
                match counts[0] {
                    1 => "1 symmetry operation".to_string(),
                    n => format!("{n} symmetry operations"),
                }
            ),
        );
    }
}

/// Hall symbol first (it fixes the setting), then the H-M symbol, then the number.
fn declarations<'b>(block: &'b Block<'b>) -> Vec<Declaration<'b>> {
    let first = |tags: &[&'static str]| {
        tags.iter().find_map(|&t| block.value(t).filter(|v| !v.is_null() && !v.text.trim().is_empty()).map(|v| (t, v)))
    };
    let mut out = Vec::new();
    if let Some((tag, value)) = first(&HALL_TAGS) {
        out.push(Declaration { tag, value, resolved: space_group::from_hall(&value.text).map(|s| vec![s]) });
    }
    if let Some((tag, value)) = first(&HM_TAGS) {
        out.push(Declaration { tag, value, resolved: space_group::from_hermann_mauguin(&value.text) });
    }
    if let Some((tag, value)) = first(&NUMBER_TAGS) {
        let number = parse_cif_number(&value.text).filter(|n| n.fract() == 0.0 && (1.0..=230.0).contains(n));
        out.push(Declaration { tag, value, resolved: number.and_then(|n| space_group::from_number(n as i32)) });
    }
    out
}

fn unknown(d: &Declaration) -> Error {
    Error::parse(Format::Cif, d.value.line, unknown_message(d))
}

fn unknown_message(d: &Declaration) -> String {
    let what = if d.tag.contains("number") { "space-group number" } else { "space-group symbol" };
    format!(
        "{} is not a {what} this reader knows, and the file lists no symmetry operations; give the operations in a '_symmetry_equiv_pos_as_xyz' loop, a symbol such as 'P 21/c' or 'F d -3 m:2', or a number from 1 to 230",
        d.source()
    )
}

/// The tag as CIF files usually spell it.
fn display_tag(tag: &str) -> String {
    tag.replace("h-m", "H-M")
        .replace("h_m", "H_M")
        .replace("hall", "Hall")
        .replace("_it_", "_IT_")
        .replace("_int_tables", "_Int_Tables")
}

/// a = b = c and α = β = γ ≠ 90°: a rhombohedral cell rather than a hexagonal one.
fn rhombohedral_cell(lattice: &Lattice) -> bool {
    let [a, b, c] = lattice.lengths();
    let [alpha, beta, gamma] = lattice.angles();
    let same_length = |x: f64| (x - a).abs() <= LENGTH_TOLERANCE * a;
    let same_angle = |x: f64| (x - alpha).abs() <= ANGLE_TOLERANCE;
    same_length(b) && same_length(c) && same_angle(beta) && same_angle(gamma) && (alpha - 90.0).abs() > ANGLE_TOLERANCE
}

#[cfg(test)]
mod tests {
    use crate::io::{ParseOptions, Parsed, parse_with_warnings};
    use crate::symmetry::analyze;

    /// A CIF with this cell (a, b, c in Å; α, β, γ in degrees), header lines and atom rows
    /// (`label x y z`).
    fn cif(cell: [f64; 6], header: &str, atoms: &str) -> String {
        let [a, b, c, alpha, beta, gamma] = cell;
        format!(
            "data_t\n_cell_length_a {a}\n_cell_length_b {b}\n_cell_length_c {c}\n_cell_angle_alpha {alpha}\n_cell_angle_beta {beta}\n_cell_angle_gamma {gamma}\n{header}\nloop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n{atoms}"
        )
    }

    fn read(text: &str) -> Parsed {
        parse_with_warnings(text, &ParseOptions::default()).unwrap_or_else(|e| panic!("{e}\n{text}"))
    }

    /// Atom count, space-group number found in the expanded cell and the warnings' text.
    fn expanded(cell: [f64; 6], header: &str, atoms: &str) -> (usize, u16, String) {
        let parsed = read(&cif(cell, header, atoms));
        let number = analyze(&parsed.structure, 0.01).unwrap().number;
        let warnings: Vec<String> = parsed.warnings.iter().map(ToString::to_string).collect();
        (parsed.structure.len(), number, warnings.join("\n"))
    }

    const CUBIC_NACL: [f64; 6] = [5.64, 5.64, 5.64, 90.0, 90.0, 90.0];
    const SI: [f64; 6] = [5.431, 5.431, 5.431, 90.0, 90.0, 90.0];
    const HEX_CORUNDUM: [f64; 6] = [4.759, 4.759, 12.99, 90.0, 90.0, 120.0];

    #[test]
    fn symbol_only_files_of_every_crystal_system() {
        let mono = [5.0, 6.0, 7.0, 90.0, 100.0, 90.0];
        let mono_c = [5.0, 6.0, 7.0, 90.0, 90.0, 100.0];
        let cases: [(&str, [f64; 6], &str, &str, usize, u16); 12] = [
            (
                "triclinic",
                [5.0, 6.0, 7.0, 80.0, 85.0, 95.0],
                "_symmetry_space_group_name_H-M 'P -1'",
                "O1 0.1 0.2 0.3\n",
                2,
                2,
            ),
            ("monoclinic full", mono, "_symmetry_space_group_name_H-M 'C 1 2/m 1'", "O1 0.1 0 0.3\nNa1 0 0 0\n", 6, 12),
            ("monoclinic c unique", mono_c, "_symmetry_space_group_name_H-M 'P 1 1 21/a'", "O1 0.1 0.2 0.3\n", 4, 14),
            ("monoclinic cell choice", mono, "_space_group_name_H-M_alt 'C 2/c:b1'", "O1 0.1 0.2 0.3\n", 8, 15),
            (
                "orthorhombic",
                [5.0, 6.0, 7.0, 90.0, 90.0, 90.0],
                "_symmetry_space_group_name_H-M 'Pnma'",
                "O1 0.1 0.25 0.3\nMg1 0 0 0\n",
                8,
                62,
            ),
            (
                "tetragonal, origin choice 2 (anatase)",
                [3.785, 3.785, 9.514, 90.0, 90.0, 90.0],
                "_space_group_name_H-M_alt 'I 41/a m d :2'",
                "Ti1 0 0.75 0.125\nO1 0 0.25 0.0833\n",
                12,
                141,
            ),
            (
                "tetragonal (rutile)",
                [4.594, 4.594, 2.959, 90.0, 90.0, 90.0],
                "_symmetry_space_group_name_H-M 'P 42/m n m'",
                "Ti1 0 0 0\nO1 0.3053 0.3053 0\n",
                6,
                136,
            ),
            (
                "trigonal, hexagonal axes (corundum)",
                HEX_CORUNDUM,
                "_symmetry_space_group_name_H-M 'R -3 c'",
                "Al1 0 0 0.3523\nO1 0.3064 0 0.25\n",
                30,
                167,
            ),
            (
                "hexagonal (hcp)",
                [3.21, 3.21, 5.21, 90.0, 90.0, 120.0],
                "_symmetry_space_group_name_H-M 'P 63/m m c'",
                "Mg1 0.3333 0.6667 0.25\n",
                2,
                194,
            ),
            (
                "hexagonal (wurtzite)",
                [3.25, 3.25, 5.21, 90.0, 90.0, 120.0],
                "_symmetry_space_group_name_H-M 'P 63 m c'",
                "Zn1 0.3333 0.6667 0\nO1 0.3333 0.6667 0.382\n",
                4,
                186,
            ),
            (
                "cubic (rock salt)",
                CUBIC_NACL,
                "_symmetry_space_group_name_H-M 'F m -3 m'",
                "Na1 0 0 0\nCl1 0.5 0.5 0.5\n",
                8,
                225,
            ),
            (
                "cubic, origin choice 1 (diamond)",
                SI,
                "_symmetry_space_group_name_H-M 'F d -3 m:1'",
                "Si1 0 0 0\n",
                8,
                227,
            ),
        ];
        for (name, cell, header, atoms, natoms, number) in cases {
            let (n, found, warnings) = expanded(cell, header, atoms);
            assert_eq!((n, found), (natoms, number), "{name}\n{warnings}");
            assert!(
                warnings.contains("operations of space group") && warnings.contains("line 8"),
                "{name}: {warnings}"
            );
        }
    }

    #[test]
    fn origin_choice_written_or_inferred() {
        let (n, number, warnings) =
            expanded(SI, "_symmetry_space_group_name_H-M 'F d -3 m:2'", "Si1 0.125 0.125 0.125\n");
        assert_eq!((n, number), (8, 227), "{warnings}");
        assert!(warnings.contains("origin choice 2;") || warnings.contains("origin choice 2)"), "{warnings}");
        // Origin-2 coordinates read with origin choice 1 would put 16 atoms in the cell.
        let (n, _, _) = expanded(SI, "_symmetry_space_group_name_H-M 'F d -3 m:1'", "Si1 0.125 0.125 0.125\n");
        assert_eq!(n, 16);
        // Without a choice, the one that keeps the atoms on special positions wins, and says so.
        for atoms in ["Si1 0.125 0.125 0.125\n", "Si1 0 0 0\n"] {
            let (n, number, warnings) = expanded(SI, "_symmetry_space_group_name_H-M 'F d -3 m'", atoms);
            assert_eq!((n, number), (8, 227), "{warnings}");
            assert!(warnings.contains("leaves the origin open") && warnings.contains("on 8 positions"), "{warnings}");
        }
    }

    #[test]
    fn rhombohedral_axes_follow_the_cell() {
        let (n, ..) = expanded(HEX_CORUNDUM, "_symmetry_space_group_name_H-M 'R -3 m'", "Bi1 0 0 0\n");
        assert_eq!(n, 3);
        let rhombohedral = [5.0, 5.0, 5.0, 60.0, 60.0, 60.0];
        let (n, _, warnings) = expanded(rhombohedral, "_symmetry_space_group_name_H-M 'R -3 m'", "Bi1 0 0 0\n");
        assert_eq!(n, 1);
        assert!(warnings.contains("rhombohedral axes"), "{warnings}");
    }

    #[test]
    fn hall_symbol_and_number_only() {
        let rutile = [4.594, 4.594, 2.959, 90.0, 90.0, 90.0];
        let atoms = "Ti1 0 0 0\nO1 0.3053 0.3053 0\n";
        let (n, number, warnings) = expanded(rutile, "_space_group_name_Hall '-P 4n 2n'", atoms);
        assert_eq!((n, number), (6, 136));
        assert!(warnings.contains("'-P 4n 2n' (_space_group_name_Hall)"), "{warnings}");
        let (n, number, warnings) = expanded(rutile, "_symmetry_Int_Tables_number 136", atoms);
        assert_eq!((n, number), (6, 136));
        assert!(warnings.contains("'136' (_symmetry_Int_Tables_number)"), "{warnings}");
        let (n, ..) = expanded(CUBIC_NACL, "_space_group_IT_number 225", "Na1 0 0 0\nCl1 0.5 0.5 0.5\n");
        assert_eq!(n, 8);
        // A listed loop wins over the symbol, with a warning when they disagree.
        let listed = "_symmetry_space_group_name_H-M 'F m -3 m'\nloop_\n_symmetry_equiv_pos_as_xyz\nx,y,z";
        let (n, _, warnings) = expanded(CUBIC_NACL, listed, "Na1 0 0 0\nCl1 0.5 0.5 0.5\n");
        assert_eq!(n, 2);
        assert!(
            warnings.starts_with(
                "line 8: 'F m -3 m' (_symmetry_space_group_name_H-M) has 192 symmetry operations but the file lists 1"
            ),
            "{warnings}"
        );
        let listed = "_symmetry_space_group_name_H-M 'P -1'\nloop_\n_symmetry_equiv_pos_as_xyz\nx,y,z\n-x,-y,-z";
        let (n, _, warnings) = expanded(CUBIC_NACL, listed, "Na1 0.1 0.2 0.3\n");
        assert_eq!((n, warnings.as_str()), (2, ""));
        // P1 needs nothing generated.
        let (n, _, warnings) = expanded(CUBIC_NACL, "_symmetry_space_group_name_H-M 'P 1'", "Na1 0 0 0\n");
        assert_eq!((n, warnings.as_str()), (1, ""));
    }

    #[test]
    fn unknown_or_contradictory_symbols_are_refused_with_the_line() {
        let atoms = "Na1 0 0 0\nCl1 0.5 0.5 0.5\n";
        let refusal =
            |header: &str| parse_with_warnings(&cif(CUBIC_NACL, header, atoms), &ParseOptions::default()).unwrap_err();
        let e = refusal("_symmetry_space_group_name_H-M 'Q 9'");
        assert_eq!(e.line(), Some(8));
        assert!(e.to_string().contains("'Q 9' (_symmetry_space_group_name_H-M) is not a space-group symbol"), "{e}");
        let e = refusal("_symmetry_Int_Tables_number 231");
        assert!(e.to_string().contains("not a space-group number"), "{e}");
        let e = refusal("_symmetry_space_group_name_H-M 'F m -3 m'\n_symmetry_Int_Tables_number 221");
        assert_eq!(e.line(), Some(9));
        assert!(e.to_string().contains("No. 221") && e.to_string().contains("No. 225"), "{e}");
        // An unknown symbol beside a known number: the number, with a warning (strict refuses).
        let text =
            cif(CUBIC_NACL, "_symmetry_space_group_name_H-M 'F m 3 m (225)'\n_symmetry_Int_Tables_number 225", atoms);
        let parsed = read(&text);
        assert_eq!(parsed.structure.len(), 8);
        assert!(
            parsed.warnings.iter().any(|w| w.line == Some(8) && w.message.contains("was used instead")),
            "{:?}",
            parsed.warnings
        );
        let strict = ParseOptions { strict: true, ..ParseOptions::default() };
        let e = parse_with_warnings(&text, &strict).unwrap_err().to_string();
        assert!(e.starts_with("CIF, line 8: 'F m 3 m (225)' (_symmetry_space_group_name_H-M) is not"), "{e}");
    }
}
