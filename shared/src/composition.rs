//! Chemical formulas.
//!
//! Element order follows pymatgen's `reduced_formula` (and so the Materials Project's
//! `reduced_formula` column): elements sorted by Pauling electronegativity, lowest first; elements
//! without one (noble gases) last; ties keep their order of first appearance in the structure.
//! Amounts are divided by their greatest common divisor and written without a 1
//! ("NaCl", "SrTiO3", "MgAl2O4"). Elemental diatomic gases and peroxide/superoxide formulas that
//! pymatgen special-cases ("O2", "H2O2", "KO2", …) are written the same way.

use crate::element::Element;
use crate::structure::Structure;

/// Elements and their counts in the cell, in formula order (see module docs).
pub fn composition(structure: &Structure) -> Vec<(Element, usize)> {
    let mut counts: Vec<(Element, usize)> = Vec::new();
    for e in structure.species() {
        match counts.iter_mut().find(|(x, _)| *x == e) {
            Some((_, n)) => *n += 1,
            None => counts.push((e, 1)),
        }
    }
    let key = |e: Element| e.electronegativity().unwrap_or(f64::INFINITY);
    counts.sort_by(|a, b| key(a.0).total_cmp(&key(b.0)));
    counts
}

/// The reduced formula, e.g. "Al2O3" for a 10-atom corundum cell.
pub fn reduced_formula(structure: &Structure) -> String {
    let counts = composition(structure);
    let divisor = counts.iter().fold(0, |g, &(_, n)| gcd(g, n));
    let formula = write_formula(counts.iter().map(|&(e, n)| (e, n / divisor)));
    special_formula(&formula).map(str::to_string).unwrap_or(formula)
}

/// The full formula of the cell, e.g. "Al4O6".
pub fn cell_formula(structure: &Structure) -> String {
    write_formula(composition(structure).into_iter())
}

/// Chemical formula with Unicode subscripts, e.g. "Al₂O₃" (for display).
pub fn subscripted(formula: &str) -> String {
    formula
        .chars()
        .map(|c| match c {
            '0'..='9' => char::from_u32('₀' as u32 + c.to_digit(10).unwrap()).unwrap_or(c),
            _ => c,
        })
        .collect()
}

fn write_formula(items: impl Iterator<Item = (Element, usize)>) -> String {
    let mut out = String::new();
    for (e, n) in items {
        out.push_str(e.symbol());
        if n != 1 {
            out.push_str(&n.to_string());
        }
    }
    out
}

/// pymatgen's `Composition.special_formulas`.
fn special_formula(reduced: &str) -> Option<&'static str> {
    Some(match reduced {
        "LiO" => "LiO2",
        "NaO" => "NaO2",
        "KO" => "KO2",
        "HO" => "H2O2",
        "CsO" => "CsO2",
        "RbO" => "RbO2",
        "O" => "O2",
        "N" => "N2",
        "F" => "F2",
        "Cl" => "Cl2",
        "H" => "H2",
        _ => return None,
    })
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 { a } else { gcd(b, a % b) }
}
