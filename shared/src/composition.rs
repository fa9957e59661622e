//! Chemical formulas.
//!
//! The reduced formula follows pymatgen's `reduce_formula` (and so the Materials Project's
//! `reduced_formula` column): elements sorted by Pauling electronegativity, lowest first, ties by
//! symbol; elements without one (He, Ne, Ar) last. Amounts are divided by their greatest common
//! divisor and written without a 1 ("NaCl", "SrTiO3", "MgAl2O4"). With three or more elements,
//! when the two most electronegative differ by less than 1.65 they form a polyanion written in
//! brackets if it repeats ("Ca(BH4)2", "Li4Fe3(CoO4)3"). Elemental diatomic gases and
//! peroxides are written as the Materials Project writes them ("O2", "H2O2", "Li2O2", …).

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
    counts.sort_by(|a, b| key(a.0).total_cmp(&key(b.0)).then_with(|| a.0.symbol().cmp(b.0.symbol())));
    counts
}

/// The reduced formula, e.g. "Al2O3" for a 10-atom corundum cell (see the module docs).
pub fn reduced_formula(structure: &Structure) -> String {
    let formula = reduce(&composition(structure));
    special_formula(&formula).map(str::to_string).unwrap_or(formula)
}

/// pymatgen's `reduce_formula` on counts already in formula order.
fn reduce(counts: &[(Element, usize)]) -> String {
    let divisor = counts.iter().fold(0, |g, &(_, n)| gcd(g, n)).max(1);
    let reduced: Vec<(Element, usize)> = counts.iter().map(|&(e, n)| (e, n / divisor)).collect();
    let k = reduced.len();
    if k >= 3 {
        let (a, b) = (reduced[k - 2], reduced[k - 1]);
        let is_polyanion = match (a.0.electronegativity(), b.0.electronegativity()) {
            (Some(xa), Some(xb)) => xb - xa < 1.65,
            _ => false,
        };
        let repeat = gcd(a.1, b.1);
        if is_polyanion && repeat != 1 {
            let anion = write_formula([(a.0, a.1 / repeat), (b.0, b.1 / repeat)].into_iter());
            return format!("{}({anion}){repeat}", write_formula(reduced[..k - 2].iter().copied()));
        }
    }
    write_formula(reduced.into_iter())
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

/// pymatgen's `Composition.special_formulas` as the Materials Project data uses them: alkali
/// peroxides M2O2 (not the superoxide MO2 that newer pymatgen releases write for MO).
fn special_formula(reduced: &str) -> Option<&'static str> {
    Some(match reduced {
        "LiO" => "Li2O2",
        "NaO" => "Na2O2",
        "KO" => "K2O2",
        "HO" => "H2O2",
        "CsO" => "Cs2O2",
        "RbO" => "Rb2O2",
        "O" => "O2",
        "N" => "N2",
        "F" => "F2",
        "Cl" => "Cl2",
        "H" => "H2",
        _ => return None,
    })
}

pub(crate) fn gcd(a: usize, b: usize) -> usize {
    if b == 0 { a } else { gcd(b, a % b) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn formula(items: &[(&str, usize)]) -> String {
        let counts: Vec<(Element, usize)> = items.iter().map(|&(s, n)| (Element::from_symbol(s).unwrap(), n)).collect();
        reduce(&counts)
    }

    #[test]
    fn reduces_like_pymatgen() {
        assert_eq!(formula(&[("Na", 4), ("Cl", 4)]), "NaCl");
        assert_eq!(formula(&[("Mg", 2), ("Al", 4), ("O", 8)]), "MgAl2O4");
        assert_eq!(formula(&[("Ca", 1), ("B", 2), ("H", 8)]), "Ca(BH4)2");
        assert_eq!(formula(&[("Li", 4), ("Fe", 3), ("Co", 3), ("O", 12)]), "Li4Fe3(CoO4)3");
        assert_eq!(formula(&[("Li", 4), ("Fe", 4), ("P", 4), ("O", 16)]), "LiFePO4");
        assert_eq!(formula(&[("Sr", 1), ("Ti", 1), ("O", 3)]), "SrTiO3");
    }
}
