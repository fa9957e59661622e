//! Symmetry expansion of an asymmetric unit: every operation is applied to every site, the images
//! are wrapped into [0, 1) and images of one site closer than the merge tolerance are kept once.

use super::symop::SymOp;
use crate::element::Element;
use crate::error::{Error, Format, Result};
use crate::lattice::{Lattice, Vec3, norm};
use crate::structure::{Site, wrap_unit};

/// A site of the asymmetric unit as read from a file.
#[derive(Debug, Clone, PartialEq)]
pub struct AsymSite {
    pub element: Element,
    /// Fractional coordinates.
    pub frac: Vec3,
    pub label: Option<String>,
    /// 1-based line of the site in the file.
    pub line: usize,
}

/// The full cell: its sites and, for each, the index of the asymmetric site it is an image of.
#[derive(Debug)]
pub struct Expanded {
    pub sites: Vec<Site>,
    pub origin: Vec<usize>,
}

/// Expands `asym` by `ops`. Images of the same asymmetric site closer than `tolerance` (Å,
/// periodic Cartesian distance) are one atom: the first image is kept. Stops with an error as soon
/// as the cell would hold more than `max_atoms` atoms.
pub fn expand(
    lattice: &Lattice,
    asym: &[AsymSite],
    ops: &[SymOp],
    tolerance: f64,
    max_atoms: usize,
) -> Result<Expanded> {
    let mut sites = Vec::new();
    let mut origin = Vec::new();
    for (index, site) in asym.iter().enumerate() {
        let mut images: Vec<Vec3> = Vec::new();
        for op in ops {
            let image = op.apply(site.frac).map(wrap_unit);
            if images.iter().all(|&kept| periodic_distance(lattice, kept, image) >= tolerance) {
                images.push(image);
            }
        }
        if sites.len() + images.len() > max_atoms {
            return Err(Error::parse(
                Format::Cif,
                site.line,
                format!(
                    "the symmetry operations expand the sites up to '{}' into more than {max_atoms} atoms, the most accepted",
                    site.label.as_deref().unwrap_or(site.element.symbol())
                ),
            ));
        }
        for frac in images {
            sites.push(Site { element: site.element, frac, label: site.label.clone() });
            origin.push(index);
        }
    }
    Ok(Expanded { sites, origin })
}

/// Shortest distance (Å) between two points given in fractional coordinates, over all periodic
/// images. Exact for any cell whose plane spacings exceed twice the distance that matters.
pub fn periodic_distance(lattice: &Lattice, a: Vec3, b: Vec3) -> f64 {
    let d = [0, 1, 2].map(|k| {
        let x = a[k] - b[k];
        x - x.round()
    });
    let mut best = f64::INFINITY;
    for n0 in -1..=1 {
        for n1 in -1..=1 {
            for n2 in -1..=1 {
                let f = [d[0] + n0 as f64, d[1] + n1 as f64, d[2] + n2 as f64];
                best = best.min(norm(lattice.to_cartesian(f)));
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(frac: Vec3) -> AsymSite {
        AsymSite { element: Element::from_symbol("Zn").unwrap(), frac, label: Some("Zn1".into()), line: 7 }
    }

    fn hexagonal() -> Lattice {
        Lattice::from_parameters(3.25, 3.25, 5.2, 90.0, 90.0, 120.0).unwrap()
    }

    fn ops(list: &[&str]) -> Vec<SymOp> {
        list.iter().map(|s| SymOp::parse(s).unwrap()).collect()
    }

    #[test]
    fn merges_images_rounded_in_the_file() {
        // 1/3, 2/3 written with 4 decimals: the threefold axis maps the site onto itself.
        let three = ops(&["x,y,z", "-y,x-y,z", "-x+y,-x,z"]);
        let e = expand(&hexagonal(), &[site([0.3333, 0.6667, 0.0])], &three, 0.05, 100).unwrap();
        assert_eq!(e.sites.len(), 1);
        let e = expand(&hexagonal(), &[site([0.1, 0.2, 0.0])], &three, 0.05, 100).unwrap();
        assert_eq!(e.sites.len(), 3);
        assert_eq!(e.origin, [0, 0, 0]);
    }

    #[test]
    fn merges_across_the_cell_boundary() {
        let mirror = ops(&["x,y,z", "-x,y,z"]);
        let e = expand(&hexagonal(), &[site([0.9999, 0.5, 0.5])], &mirror, 0.05, 100).unwrap();
        assert_eq!(e.sites.len(), 1);
        assert!((e.sites[0].frac[0] - 0.9999).abs() < 1e-12);
    }

    #[test]
    fn stops_at_the_atom_limit() {
        let four = ops(&["x,y,z", "-x,-y,z", "-x,y,-z", "x,-y,-z"]);
        let err = expand(&hexagonal(), &[site([0.1, 0.2, 0.3])], &four, 0.05, 3).unwrap_err();
        assert_eq!(err.line(), Some(7));
    }

    #[test]
    fn periodic_distance_wraps() {
        let l = Lattice::new([[4.0, 0.0, 0.0], [0.0, 4.0, 0.0], [0.0, 0.0, 4.0]]).unwrap();
        assert!((periodic_distance(&l, [0.01, 0.0, 0.0], [0.99, 0.0, 0.0]) - 0.08).abs() < 1e-12);
    }
}
