//! Chemical formulas.
//!
//! The reduced formula follows pymatgen's `reduce_formula` (and so the Materials Project's
//! `reduced_formula` column): elements sorted by Pauling electronegativity, lowest first, ties by
//! symbol; elements without one (He, Ne, Ar) last. Amounts are divided by their greatest common
//! divisor and written without a 1 ("NaCl", "SrTiO3", "MgAl2O4"). With three or more elements,
//! when the two most electronegative differ by less than 1.65 they form a polyanion written in
//! brackets if it repeats ("Ca(BH4)2", "Li4Fe3(CoO4)3"). Elemental diatomic gases and
//! peroxides are written as the Materials Project writes them ("O2", "H2O2", "Li2O2", …).
//!
//! [`parse_formula`] reads such formulas back into amounts (atoms per formula unit).

use crate::element::Element;
use crate::error::{Error, Result};
use crate::structure::Structure;
use std::cmp::Ordering;

/// Elements and their counts in the cell, in formula order (see module docs).
pub fn composition(structure: &Structure) -> Vec<(Element, usize)> {
    let mut counts: Vec<(Element, usize)> = Vec::new();
    for e in structure.species() {
        match counts.iter_mut().find(|(x, _)| *x == e) {
            Some((_, n)) => *n += 1,
            None => counts.push((e, 1)),
        }
    }
    counts.sort_by(|a, b| formula_order(a.0, b.0));
    counts
}

/// The order of elements in a formula: Pauling electronegativity, lowest first, ties by symbol;
/// elements without one last.
fn formula_order(a: Element, b: Element) -> Ordering {
    let key = |e: Element| e.electronegativity().unwrap_or(f64::INFINITY);
    key(a).total_cmp(&key(b)).then_with(|| a.symbol().cmp(b.symbol()))
}

/// The reduced formula, e.g. "Al2O3" for a 10-atom corundum cell (see the module docs).
pub fn reduced_formula(structure: &Structure) -> String {
    reduced_formula_of_counts(&composition(structure))
}

/// The reduced formula of amounts (atoms per formula unit, any order), e.g. "Li2O2" for
/// {Li: 4, O: 4}; amounts that are not whole numbers are written as given ("Li0.5CoO2").
pub fn reduced_formula_of(amounts: &[(Element, f64)]) -> String {
    let mut sorted = amounts.to_vec();
    sorted.sort_by(|a, b| formula_order(a.0, b.0));
    let whole: Option<Vec<(Element, usize)>> = sorted
        .iter()
        .map(|&(e, n)| (n >= 0.5 && (n - n.round()).abs() < 1e-6).then(|| (e, n.round() as usize)))
        .collect();
    match whole {
        Some(counts) => reduced_formula_of_counts(&counts),
        None => sorted
            .iter()
            .map(|&(e, n)| if n == 1.0 { e.symbol().to_string() } else { format!("{}{n}", e.symbol()) })
            .collect(),
    }
}

/// [`reduce`] followed by the Materials Project's special formulas.
fn reduced_formula_of_counts(counts: &[(Element, usize)]) -> String {
    let formula = reduce(counts);
    special_formula(&formula).map(str::to_string).unwrap_or(formula)
}

/// Amounts checked and tidied: every amount finite and ≥ 0, repeated elements summed, zeros
/// dropped, formula order. Errors when nothing is left.
pub fn validated_amounts(amounts: &[(Element, f64)]) -> Result<Vec<(Element, f64)>> {
    let mut merged: Vec<(Element, f64)> = Vec::with_capacity(amounts.len());
    for &(element, amount) in amounts {
        if !amount.is_finite() || amount < 0.0 {
            return Err(Error::InvalidAmount { element: element.symbol().to_string(), amount });
        }
        match merged.iter_mut().find(|(e, _)| *e == element) {
            Some((_, n)) => *n += amount,
            None => merged.push((element, amount)),
        }
    }
    merged.retain(|&(_, n)| n > 0.0);
    if merged.is_empty() {
        return Err(Error::EmptyComposition);
    }
    merged.sort_by(|a, b| formula_order(a.0, b.0));
    Ok(merged)
}

/// Reads a chemical formula ("SrTiO3", "Ca(BH4)2", "Li0.5CoO2", "[Co(NH3)6]Cl3") into amounts
/// (atoms per formula unit) through [`validated_amounts`]. Symbols are case-sensitive: "CO" is
/// carbon monoxide, "Co" cobalt.
pub fn parse_formula(formula: &str) -> Result<Vec<(Element, f64)>> {
    let invalid = |message: String| Error::InvalidFormula { formula: formula.to_string(), message };
    let chars: Vec<char> = formula.chars().collect();
    // One list of amounts per open bracket; the first is the formula itself.
    let mut groups: Vec<Vec<(Element, f64)>> = vec![Vec::new()];
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '(' || c == '[' {
            groups.push(Vec::new());
            i += 1;
        } else if c == ')' || c == ']' {
            let group = groups
                .pop()
                .filter(|_| !groups.is_empty())
                .ok_or_else(|| invalid(format!("`{c}` at character {} closes nothing", i + 1)))?;
            let (multiplier, next) = read_amount(&chars, i + 1);
            i = next;
            let outer = groups.last_mut().expect("the formula's own group is never popped");
            outer.extend(group.into_iter().map(|(e, n)| (e, n * multiplier)));
        } else if c.is_ascii_uppercase() {
            let end = (i + 1..chars.len()).find(|&j| !chars[j].is_ascii_lowercase()).unwrap_or(chars.len());
            let symbol: String = chars[i..end].iter().collect();
            let element = Element::from_symbol(&symbol).ok_or(Error::UnknownElement { symbol })?;
            let (amount, next) = read_amount(&chars, end);
            i = next;
            groups.last_mut().expect("at least one group").push((element, amount));
        } else {
            return Err(invalid(format!("unexpected `{c}` at character {}", i + 1)));
        }
    }
    if groups.len() > 1 {
        return Err(invalid("an opening bracket is never closed".to_string()));
    }
    validated_amounts(&groups[0])
}

/// The number starting at `start` (1 when there is none) and the index after it.
fn read_amount(chars: &[char], start: usize) -> (f64, usize) {
    let end = (start..chars.len()).find(|&j| !(chars[j].is_ascii_digit() || chars[j] == '.')).unwrap_or(chars.len());
    let text: String = chars[start..end].iter().collect();
    (text.parse().unwrap_or(1.0), end)
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

    fn amounts(formula: &str) -> Vec<(&'static str, f64)> {
        parse_formula(formula).unwrap().into_iter().map(|(e, n)| (e.symbol(), n)).collect()
    }

    #[test]
    fn parses_formulas_back_into_amounts() {
        assert_eq!(amounts("SrTiO3"), [("Sr", 1.0), ("Ti", 1.0), ("O", 3.0)]);
        assert_eq!(amounts("Ca(BH4)2"), [("Ca", 1.0), ("B", 2.0), ("H", 8.0)]);
        assert_eq!(amounts("Li4Fe3(CoO4)3"), [("Li", 4.0), ("Fe", 3.0), ("Co", 3.0), ("O", 12.0)]);
        assert_eq!(amounts("[Co(NH3)6]Cl3"), [("Co", 1.0), ("H", 18.0), ("N", 6.0), ("Cl", 3.0)]);
        assert_eq!(amounts("Li0.5CoO2"), [("Li", 0.5), ("Co", 1.0), ("O", 2.0)]);
        assert_eq!(amounts("OHO"), [("H", 1.0), ("O", 2.0)]);
        assert_eq!(amounts("CO"), [("C", 1.0), ("O", 1.0)]);
    }

    #[test]
    fn formulas_round_trip_through_the_reduced_formula() {
        for formula in ["NaCl", "MgAl2O4", "Ca(BH4)2", "Li4Fe3(CoO4)3", "Li2O2", "O2", "Li0.5CoO2"] {
            assert_eq!(reduced_formula_of(&parse_formula(formula).unwrap()), formula);
        }
    }

    #[test]
    fn formula_errors_are_specific() {
        assert_eq!(parse_formula("Xx2O"), Err(Error::UnknownElement { symbol: "Xx".into() }));
        assert_eq!(parse_formula(""), Err(Error::EmptyComposition));
        assert_eq!(parse_formula("Fe0"), Err(Error::EmptyComposition));
        assert!(matches!(parse_formula("Ca(OH2"), Err(Error::InvalidFormula { .. })));
        assert!(matches!(parse_formula("CaOH)2"), Err(Error::InvalidFormula { .. })));
        assert!(matches!(parse_formula("Fe2+O"), Err(Error::InvalidFormula { .. })));
        let fe = Element::from_symbol("Fe").unwrap();
        assert!(matches!(validated_amounts(&[(fe, f64::NAN)]), Err(Error::InvalidAmount { .. })));
        assert!(matches!(validated_amounts(&[(fe, -1.0)]), Err(Error::InvalidAmount { .. })));
    }
}
