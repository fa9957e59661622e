//! Element names as they appear in structure files: CIF type symbols with oxidation states
//! (`Fe2+`, `O2-`), CIF site labels (`Fe1`, `O12a`) and VASP species (`Fe_pv`, `Si_GW/1a2b`).

use crate::element::Element;

/// Occupancies this far from 1 count as partial (or more than full).
pub const OCCUPANCY_TOLERANCE: f64 = 1e-3;

/// Why a site with this occupancy cannot be read, as a phrase to follow the site's name
/// (`None`: full within [`OCCUPANCY_TOLERANCE`]).
pub fn occupancy_problem(occupancy: f64) -> Option<String> {
    if occupancy.is_nan() || occupancy < 1.0 - OCCUPANCY_TOLERANCE {
        Some(format!("occupancy {occupancy}; partially occupied or disordered sites are not supported"))
    } else if occupancy > 1.0 + OCCUPANCY_TOLERANCE {
        Some(format!("occupancy {occupancy}, more than 1"))
    } else {
        None
    }
}

/// The element of a CIF `_atom_site_type_symbol`, ignoring an oxidation state or other
/// decoration: `Fe`, `FE`, `Fe2+`, `O2-`, `Fe3+1`, `Ow`. Refuses symbols naming two species
/// (`Fe0.5Mg0.5`). The error is a phrase for a chemist.
pub fn from_type_symbol(symbol: &str) -> Result<Element, String> {
    let Some((element, len)) = leading_element(symbol) else {
        return Err(format!("the type symbol '{symbol}' does not start with an element symbol"));
    };
    let rest = &symbol.as_bytes()[len..];
    let second_species = rest.windows(2).any(|w| (w[0].is_ascii_digit() || w[0] == b'.') && w[1].is_ascii_uppercase());
    if second_species {
        return Err(format!(
            "the type symbol '{symbol}' names more than one species; mixed or disordered sites are not supported"
        ));
    }
    Ok(element)
}

/// The element a site label starts with: `Fe1` → Fe, `O12a` → O, `Co1` → Co (not C), `Nb2` → Nb.
/// Two letters are preferred when they form an element.
pub fn from_label(label: &str) -> Option<Element> {
    leading_element(label).map(|(element, _)| element)
}

/// A VASP species name: the element before any `_` or `/` suffix (`Fe_pv`, `Si_GW/1a2b3c`).
pub fn from_vasp_species(name: &str) -> Option<Element> {
    let symbol = name.split(['_', '/']).next().unwrap_or_default();
    if symbol.is_empty() || symbol.len() > 2 || !symbol.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    Element::from_symbol(symbol)
}

/// The element formed by the first two letters, else by the first letter, and its length.
fn leading_element(text: &str) -> Option<(Element, usize)> {
    let letters = text.bytes().take(2).take_while(u8::is_ascii_alphabetic).count();
    (1..=letters).rev().find_map(|n| Element::from_symbol(&text[..n]).map(|e| (e, n)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sym(e: Option<Element>) -> &'static str {
        e.map_or("-", Element::symbol)
    }

    #[test]
    fn type_symbols_drop_oxidation_states() {
        for (s, want) in
            [("Fe", "Fe"), ("FE", "Fe"), ("Fe2+", "Fe"), ("O2-", "O"), ("Fe3+1", "Fe"), ("Ow", "O"), ("C", "C")]
        {
            assert_eq!(sym(from_type_symbol(s).ok()), want, "{s}");
        }
        assert!(from_type_symbol("Fe0.5Mg0.5").unwrap_err().contains("more than one species"));
        assert!(from_type_symbol("2+").unwrap_err().contains("does not start with an element"));
        assert!(from_type_symbol("Xx").is_err());
    }

    #[test]
    fn labels_prefer_two_letter_elements() {
        for (s, want) in
            [("Fe1", "Fe"), ("O12a", "O"), ("Co1", "Co"), ("C1", "C"), ("Nb2", "Nb"), ("N1a", "N"), ("Ow3", "O")]
        {
            assert_eq!(sym(from_label(s)), want, "{s}");
        }
        assert_eq!(from_label("1Fe"), None);
        assert_eq!(from_label("Q1"), None);
        assert_eq!(from_label("é1"), None);
    }

    #[test]
    fn occupancies() {
        assert_eq!(occupancy_problem(0.9995), None);
        assert!(occupancy_problem(0.5).unwrap().contains("partially occupied"));
        assert!(occupancy_problem(1.2).unwrap().contains("more than 1"));
    }

    #[test]
    fn vasp_species() {
        assert_eq!(sym(from_vasp_species("Fe_pv")), "Fe");
        assert_eq!(sym(from_vasp_species("Si_GW/1a2b")), "Si");
        assert_eq!(from_vasp_species("System"), None);
        assert_eq!(from_vasp_species("1"), None);
    }
}
