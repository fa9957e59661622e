//! What-if edits of a structure: substitute one element for another on every site it occupies,
//! or strain the cell isotropically. Both return a new, validated structure (too much
//! compression that pushes atoms together is an error naming the atoms, as for any input).

use shared::{Element, Lattice, Site, Structure};

/// Largest strain the slider offers, in percent (either way).
pub const MAX_STRAIN_PERCENT: f64 = 10.0;

/// `structure` with every `from` site turned into `to`.
pub fn substitute(structure: &Structure, from: Element, to: Element) -> Result<Structure, String> {
    if !structure.species().any(|e| e == from) {
        return Err(format!("there is no {} in this structure", from.symbol()));
    }
    let sites = structure
        .sites()
        .iter()
        .map(|s| if s.element == from { Site { element: to, label: None, ..s.clone() } } else { s.clone() })
        .collect();
    Structure::new(*structure.lattice(), sites).map_err(|e| e.to_string())
}

/// `structure` with its cell scaled by (1 + percent/100) along every axis, fractional
/// coordinates kept.
pub fn strained(structure: &Structure, percent: f64) -> Result<Structure, String> {
    if !percent.is_finite() || percent.abs() > MAX_STRAIN_PERCENT {
        return Err(format!("strain must lie within ±{MAX_STRAIN_PERCENT} %"));
    }
    let factor = 1.0 + percent / 100.0;
    let matrix = structure.lattice().matrix.map(|row| row.map(|x| x * factor));
    let lattice = Lattice::new(matrix).map_err(|e| e.to_string())?;
    Structure::new(lattice, structure.sites().to_vec()).map_err(|e| e.to_string())
}

/// An edit and the structure it applies to, written back as a CIF (what the editor shows).
pub fn apply(
    structure: &Structure,
    substitution: Option<(Element, Element)>,
    strain_percent: f64,
) -> Result<String, String> {
    let substituted = match substitution {
        Some((from, to)) if from != to => substitute(structure, from, to)?,
        _ => structure.clone(),
    };
    let edited = if strain_percent == 0.0 { substituted } else { strained(&substituted, strain_percent)? };
    Ok(shared::io::write_cif(&edited))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn srtio3() -> Structure {
        shared::parse(shared::gallery::example("perovskite").unwrap().cif).unwrap()
    }

    #[test]
    fn sr_to_ba_keeps_everything_else() {
        let s = srtio3();
        let (sr, ba) = (Element::from_symbol("Sr").unwrap(), Element::from_symbol("Ba").unwrap());
        let t = substitute(&s, sr, ba).unwrap();
        assert_eq!(t.len(), s.len());
        assert!(t.species().all(|e| e != sr));
        assert_eq!(t.species().filter(|&e| e == ba).count(), s.species().filter(|&e| e == sr).count());
        assert_eq!(t.lattice(), s.lattice());
        let missing = substitute(&s, Element::from_symbol("Fe").unwrap(), ba).unwrap_err();
        assert!(missing.contains("no Fe"), "{missing}");
    }

    #[test]
    fn strain_scales_the_volume_and_rejects_extremes() {
        let s = srtio3();
        let t = strained(&s, 2.0).unwrap();
        assert!((t.lattice().volume() / s.lattice().volume() - 1.02f64.powi(3)).abs() < 1e-12);
        assert_eq!(t.sites()[0].frac, s.sites()[0].frac);
        assert!(strained(&s, 11.0).is_err());
        assert!(strained(&s, f64::NAN).is_err());
    }

    #[test]
    fn an_edit_reads_back_as_the_edited_structure() {
        let s = srtio3();
        let (sr, ba) = (Element::from_symbol("Sr").unwrap(), Element::from_symbol("Ba").unwrap());
        let cif = apply(&s, Some((sr, ba)), -1.5).unwrap();
        let back = shared::parse(&cif).unwrap();
        assert_eq!(back.len(), s.len());
        assert!((back.lattice().volume() / s.lattice().volume() - 0.985f64.powi(3)).abs() < 1e-6);
        assert!(back.species().any(|e| e == ba));
    }
}
