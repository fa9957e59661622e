//! The validated crystal [`Structure`]: a lattice and its sites.

use crate::element::Element;
use crate::error::{Error, Result};
use crate::lattice::{Lattice, Vec3, norm};
use serde::{Deserialize, Serialize};

/// Default limit on the number of atoms in one structure (after symmetry expansion).
pub const DEFAULT_MAX_ATOMS: usize = 5000;
/// Two atoms closer than this (Å) are taken as a duplicated or misplaced site.
pub const MIN_INTERATOMIC_DISTANCE: f64 = 0.5;

/// One atom of the unit cell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Site {
    pub element: Element,
    /// Fractional coordinates as given in the input (not wrapped into [0, 1)).
    pub frac: Vec3,
    /// The site label from the file (CIF `_atom_site_label`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

impl Site {
    pub fn new(element: Element, frac: Vec3) -> Self {
        Site { element, frac, label: None }
    }

    /// The label if there is one, else the element symbol.
    pub fn display_label(&self) -> String {
        self.label.clone().unwrap_or_else(|| self.element.symbol().to_string())
    }

    /// Fractional coordinates wrapped into [0, 1).
    pub fn wrapped_frac(&self) -> Vec3 {
        self.frac.map(wrap_unit)
    }
}

/// Wraps a fractional coordinate into [0, 1) (values within 1e-10 of 1 map to 0).
pub fn wrap_unit(x: f64) -> f64 {
    let w = x - x.floor();
    if w >= 1.0 - 1e-10 { 0.0 } else { w }
}

/// A periodic crystal structure that has passed validation: at least one atom, no more than the
/// atom limit, a non-degenerate cell, finite coordinates and no overlapping atoms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawStructure")]
pub struct Structure {
    lattice: Lattice,
    sites: Vec<Site>,
}

#[derive(Deserialize)]
struct RawStructure {
    lattice: Lattice,
    sites: Vec<Site>,
}

impl TryFrom<RawStructure> for Structure {
    type Error = Error;
    fn try_from(raw: RawStructure) -> Result<Self> {
        Structure::new(Lattice::new(raw.lattice.matrix)?, raw.sites)
    }
}

impl Structure {
    /// Validates with the default atom limit ([`DEFAULT_MAX_ATOMS`]).
    pub fn new(lattice: Lattice, sites: Vec<Site>) -> Result<Self> {
        Self::with_max_atoms(lattice, sites, DEFAULT_MAX_ATOMS)
    }

    pub fn with_max_atoms(lattice: Lattice, sites: Vec<Site>, max_atoms: usize) -> Result<Self> {
        if sites.is_empty() {
            return Err(Error::NoAtoms);
        }
        if sites.len() > max_atoms {
            return Err(Error::TooManyAtoms { natoms: sites.len(), max: max_atoms });
        }
        if let Some(i) = sites.iter().position(|s| s.frac.iter().any(|x| !x.is_finite())) {
            return Err(Error::NonFinite {
                what: format!("the coordinates of atom {i} ({})", sites[i].display_label()),
            });
        }
        let s = Structure { lattice: Lattice::new(lattice.matrix)?, sites };
        if let Some((i, j, distance)) = s.closest_pair_below(MIN_INTERATOMIC_DISTANCE) {
            return Err(Error::OverlappingAtoms {
                i,
                j,
                label_i: s.sites[i].display_label(),
                label_j: s.sites[j].display_label(),
                distance,
                min: MIN_INTERATOMIC_DISTANCE,
            });
        }
        Ok(s)
    }

    pub fn lattice(&self) -> &Lattice {
        &self.lattice
    }

    pub fn sites(&self) -> &[Site] {
        &self.sites
    }

    pub fn len(&self) -> usize {
        self.sites.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sites.is_empty()
    }

    pub fn species(&self) -> impl Iterator<Item = Element> + '_ {
        self.sites.iter().map(|s| s.element)
    }

    pub fn cartesian(&self, i: usize) -> Vec3 {
        self.lattice.to_cartesian(self.sites[i].frac)
    }

    /// Distinct elements in order of first appearance.
    pub fn elements(&self) -> Vec<Element> {
        let mut out: Vec<Element> = Vec::new();
        for e in self.species() {
            if !out.contains(&e) {
                out.push(e);
            }
        }
        out
    }

    /// Total mass of the cell, atomic mass units.
    pub fn mass(&self) -> f64 {
        self.species().map(|e| e.atomic_mass()).sum()
    }

    /// Density in g/cm³.
    pub fn density(&self) -> f64 {
        const AMU_PER_A3_TO_G_PER_CM3: f64 = 1.660_539_066_60;
        self.mass() * AMU_PER_A3_TO_G_PER_CM3 / self.lattice.volume()
    }

    /// The same crystal as an `n[0]×n[1]×n[2]` supercell (sites ordered image by image).
    pub fn supercell(&self, n: [usize; 3]) -> Result<Structure> {
        let mut sites = Vec::with_capacity(self.len() * n[0] * n[1] * n[2]);
        for i in 0..n[0] {
            for j in 0..n[1] {
                for k in 0..n[2] {
                    for s in &self.sites {
                        let f = s.frac;
                        let frac = [
                            (f[0] + i as f64) / n[0] as f64,
                            (f[1] + j as f64) / n[1] as f64,
                            (f[2] + k as f64) / n[2] as f64,
                        ];
                        sites.push(Site { element: s.element, frac, label: s.label.clone() });
                    }
                }
            }
        }
        Structure::with_max_atoms(self.lattice.supercell(n), sites, usize::MAX)
    }

    /// The closest pair of atoms (over periodic images, including an atom and its own image)
    /// whose distance is below `cutoff`, as `(i, j, distance)` with `i <= j`.
    fn closest_pair_below(&self, cutoff: f64) -> Option<(usize, usize, f64)> {
        let rec = self.lattice.reciprocal_lengths();
        let reach = rec.map(|r| cutoff * r);
        let wrapped: Vec<Vec3> = self.sites.iter().map(Site::wrapped_frac).collect();
        let mut best: Option<(usize, usize, f64)> = None;
        for i in 0..wrapped.len() {
            for j in i..wrapped.len() {
                let d = [0, 1, 2].map(|k| wrapped[j][k] - wrapped[i][k]);
                let range = |k: usize| {
                    let lo = (-reach[k] - d[k]).ceil() as i64;
                    let hi = (reach[k] - d[k]).floor() as i64;
                    lo..=hi
                };
                for n0 in range(0) {
                    for n1 in range(1) {
                        for n2 in range(2) {
                            if i == j && n0 == 0 && n1 == 0 && n2 == 0 {
                                continue;
                            }
                            let f = [d[0] + n0 as f64, d[1] + n1 as f64, d[2] + n2 as f64];
                            let dist = norm(self.lattice.to_cartesian(f));
                            if dist < cutoff && best.is_none_or(|b| dist < b.2) {
                                best = Some((i, j, dist));
                            }
                        }
                    }
                }
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cubic(a: f64) -> Lattice {
        Lattice::new([[a, 0.0, 0.0], [0.0, a, 0.0], [0.0, 0.0, a]]).unwrap()
    }

    fn el(s: &str) -> Element {
        Element::from_symbol(s).unwrap()
    }

    #[test]
    fn rejects_overlap_across_the_boundary() {
        let sites = vec![Site::new(el("Na"), [0.0, 0.0, 0.0]), Site::new(el("Cl"), [0.99, 0.0, 0.0])];
        let err = Structure::new(cubic(5.0), sites).unwrap_err();
        assert!(matches!(err, Error::OverlappingAtoms { i: 0, j: 1, .. }), "{err}");
    }

    #[test]
    fn rejects_atom_overlapping_its_own_image() {
        let err = Structure::new(cubic(0.3), vec![Site::new(el("Fe"), [0.0; 3])]).unwrap_err();
        assert!(matches!(err, Error::OverlappingAtoms { i: 0, j: 0, .. }), "{err}");
    }

    #[test]
    fn rejects_empty_and_oversized() {
        assert_eq!(Structure::new(cubic(3.0), vec![]), Err(Error::NoAtoms));
        let sites = (0..10).map(|i| Site::new(el("H"), [i as f64 / 10.0, 0.0, 0.0])).collect();
        assert!(matches!(
            Structure::with_max_atoms(cubic(30.0), sites, 5),
            Err(Error::TooManyAtoms { natoms: 10, max: 5 })
        ));
    }

    #[test]
    fn density_of_nacl() {
        let a = 5.64;
        let mut sites = Vec::new();
        for f in [[0.0, 0.0, 0.0], [0.5, 0.5, 0.0], [0.5, 0.0, 0.5], [0.0, 0.5, 0.5]] {
            sites.push(Site::new(el("Na"), f));
            sites.push(Site::new(el("Cl"), f.map(|x| (x + 0.5) % 1.0)));
        }
        let s = Structure::new(cubic(a), sites).unwrap();
        assert!((s.density() - 2.165).abs() < 0.01, "{}", s.density());
        assert_eq!(s.supercell([2, 2, 1]).unwrap().len(), 32);
    }
}
