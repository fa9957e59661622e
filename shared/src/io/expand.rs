//! Symmetry expansion of an asymmetric unit: every operation is applied to every site, the images
//! are wrapped into [0, 1) and images of one site closer than the merge tolerance are kept once.
//!
//! Images a little farther apart than that — up to [`NEAR_IMAGE_TOLERANCE`] — are merged too,
//! with a warning naming the site and the distance (in strict mode they stay two atoms and the
//! structure is refused as too close).

use super::symop::SymOp;
use super::warning::Warnings;
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

/// Images of one site up to this far apart (Å) are one atom, with a warning.
///
/// Coordinates rounded in the file put the images of an atom on a special position apart by up
/// to the rounding error times the cell diagonal: two decimals (±0.005) in a 10 × 10 × 20 Å cell
/// give up to 0.25 Å; real files show 0.16 Å. Two atoms of one element this close cannot both
/// be there (the shortest bond, H–H, is 0.74 Å), so they are one atom. pymatgen's `CifParser`
/// merges only images within `site_tolerance` = 1e-4 in fractional coordinates (0.002 Å in a
/// 20 Å cell) and keeps such pairs as two atoms; an image between this and 0.5 Å is more than
/// rounding explains (a wrong origin choice or setting, typically) and is refused.
pub const NEAR_IMAGE_TOLERANCE: f64 = 0.35;

/// The distance (Å) below which images of one site are merged: `tolerance` silently, and in
/// tolerant mode up to [`NEAR_IMAGE_TOLERANCE`] with a warning.
pub fn merge_limit(tolerance: f64, strict: bool) -> f64 {
    if strict { tolerance } else { tolerance.max(NEAR_IMAGE_TOLERANCE) }
}

/// Expands `asym` by `ops`. Images of the same asymmetric site closer than `tolerance` (Å,
/// periodic Cartesian distance) are one atom: the first image is kept. Unless `warnings` is
/// strict, images closer than [`merge_limit`] are merged as well, with a warning per site. Stops
/// with an error as soon as the cell would hold more than `max_atoms` atoms.
pub fn expand(
    lattice: &Lattice,
    asym: &[AsymSite],
    ops: &[SymOp],
    tolerance: f64,
    max_atoms: usize,
    warnings: &mut Warnings,
) -> Result<Expanded> {
    let limit = merge_limit(tolerance, warnings.is_strict());
    let mut sites = Vec::new();
    let mut origin = Vec::new();
    for (index, site) in asym.iter().enumerate() {
        let mut images: Vec<Vec3> = Vec::new();
        let mut farthest_merged = 0.0_f64;
        for op in ops {
            let image = op.apply(site.frac).map(wrap_unit);
            let nearest =
                images.iter().map(|&kept| periodic_distance(lattice, kept, image)).fold(f64::INFINITY, f64::min);
            if nearest >= limit {
                images.push(image);
            } else if nearest >= tolerance {
                farthest_merged = farthest_merged.max(nearest);
            }
        }
        if farthest_merged > 0.0 {
            warnings.note(
                Some(site.line),
                format!(
                    "site '{}' lies {farthest_merged:.3} Å from its own symmetry image (coordinates rounded in the file?); the images were merged into one atom, as images closer than {limit} Å are",
                    site.label.as_deref().unwrap_or(site.element.symbol())
                ),
            );
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

    fn strict() -> Warnings {
        Warnings::new(Format::Cif, true)
    }

    #[test]
    fn merges_images_rounded_in_the_file() {
        // 1/3, 2/3 written with 4 decimals: the threefold axis maps the site onto itself.
        let three = ops(&["x,y,z", "-y,x-y,z", "-x+y,-x,z"]);
        let e = expand(&hexagonal(), &[site([0.3333, 0.6667, 0.0])], &three, 0.05, 100, &mut strict()).unwrap();
        assert_eq!(e.sites.len(), 1);
        let e = expand(&hexagonal(), &[site([0.1, 0.2, 0.0])], &three, 0.05, 100, &mut strict()).unwrap();
        assert_eq!(e.sites.len(), 3);
        assert_eq!(e.origin, [0, 0, 0]);
    }

    #[test]
    fn merges_across_the_cell_boundary() {
        let mirror = ops(&["x,y,z", "-x,y,z"]);
        let e = expand(&hexagonal(), &[site([0.9999, 0.5, 0.5])], &mirror, 0.05, 100, &mut strict()).unwrap();
        assert_eq!(e.sites.len(), 1);
        assert!((e.sites[0].frac[0] - 0.9999).abs() < 1e-12);
    }

    #[test]
    fn stops_at_the_atom_limit() {
        let four = ops(&["x,y,z", "-x,-y,z", "-x,y,-z", "x,-y,-z"]);
        let err = expand(&hexagonal(), &[site([0.1, 0.2, 0.3])], &four, 0.05, 3, &mut strict()).unwrap_err();
        assert_eq!(err.line(), Some(7));
    }

    #[test]
    fn merges_near_images_with_a_warning_unless_strict() {
        // 0.004 in a 20 Å cell: the mirror image is 0.16 Å away.
        let cubic = Lattice::from_parameters(20.0, 20.0, 20.0, 90.0, 90.0, 90.0).unwrap();
        let mirror = ops(&["x,y,z", "-x,y,z"]);
        let mut warnings = Warnings::new(Format::Cif, false);
        let e = expand(&cubic, &[site([0.004, 0.1, 0.1])], &mirror, 0.05, 100, &mut warnings).unwrap();
        assert_eq!(e.sites.len(), 1);
        let w = warnings.into_vec();
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].line, Some(7));
        assert!(w[0].message.contains("'Zn1' lies 0.160 Å"), "{}", w[0].message);
        let e = expand(&cubic, &[site([0.004, 0.1, 0.1])], &mirror, 0.05, 100, &mut strict()).unwrap();
        assert_eq!(e.sites.len(), 2);
        // 0.4 Å is more than rounding explains: two atoms (refused later as too close).
        let mut warnings = Warnings::new(Format::Cif, false);
        let e = expand(&cubic, &[site([0.01, 0.1, 0.1])], &mirror, 0.05, 100, &mut warnings).unwrap();
        assert_eq!((e.sites.len(), warnings.len()), (2, 0));
    }

    #[test]
    fn periodic_distance_wraps() {
        let l = Lattice::new([[4.0, 0.0, 0.0], [0.0, 4.0, 0.0], [0.0, 0.0, 4.0]]).unwrap();
        assert!((periodic_distance(&l, [0.01, 0.0, 0.0], [0.99, 0.0, 0.0]) - 0.08).abs() < 1e-12);
    }
}
