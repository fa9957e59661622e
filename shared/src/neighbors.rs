//! Exact periodic neighbour search.
//!
//! For every atom i, all atoms j (including i's own periodic images) whose image `j + n`
//! (n ∈ ℤ³ a lattice translation) lies within the cutoff. Exact for any cell shape: the image
//! range along each axis is bounded per pair by the spacing of the lattice planes
//! (|Δf_k + n_k| ≤ R·|b*_k|, b* the reciprocal vectors), so very skewed cells and cells smaller
//! than the cutoff are handled without a fixed image box.

use crate::lattice::Vec3;
use crate::structure::Structure;
use serde::{Deserialize, Serialize};

/// One directed edge of the neighbour graph: atom `j` in the cell translated by `image`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Neighbor {
    pub j: usize,
    /// Lattice translation (in units of a, b, c) applied to atom j's *wrapped* position.
    pub image: [i32; 3],
    /// Distance in Å.
    pub distance: f64,
}

/// Distances closer than this (Å) are treated as ties and ordered by the tie-breaking rule.
pub const TIE_TOLERANCE: f64 = 1e-6;

/// Every neighbour within `cutoff` Å of each atom, each list sorted by [`canonical_order`].
pub fn neighbors_within(structure: &Structure, cutoff: f64) -> Vec<Vec<Neighbor>> {
    let cell = PeriodicCell::new(structure);
    (0..structure.len())
        .map(|i| {
            let mut list = cell.candidates(i, cutoff);
            list.sort_unstable_by(|a, b| canonical_order(a, b, &cell.z));
            list
        })
        .collect()
}

/// The graph's edges: for each atom, its `max_neighbors` nearest neighbours within `cutoff`
/// (fewer if fewer are in range), sorted by [`canonical_order`].
///
/// Searches a growing radius, starting where `max_neighbors` atoms are expected at the cell's
/// mean density, and stops once `max_neighbors` neighbours lie safely inside it (further than
/// [`TIE_TOLERANCE`] from its edge, so no tie is cut off): the result equals that of a search
/// over the full cutoff.
pub fn nearest_neighbors(structure: &Structure, cutoff: f64, max_neighbors: usize) -> Vec<Vec<Neighbor>> {
    let cell = PeriodicCell::new(structure);
    let density = structure.len() as f64 / structure.lattice().volume();
    let expected = (max_neighbors.max(1) as f64 * 1.5 * 3.0 / (4.0 * std::f64::consts::PI * density)).cbrt();
    (0..structure.len())
        .map(|i| {
            let mut radius = expected.min(cutoff);
            let mut list = loop {
                let list = cell.candidates(i, radius);
                let inside = list.iter().filter(|n| n.distance <= radius - 2.0 * TIE_TOLERANCE).count();
                if inside >= max_neighbors || radius >= cutoff {
                    break list;
                }
                radius = (radius * 1.4).min(cutoff);
            };
            let z = &cell.z;
            if list.len() > max_neighbors && max_neighbors > 0 {
                list.select_nth_unstable_by(max_neighbors - 1, |a, b| canonical_order(a, b, z));
            }
            list.truncate(max_neighbors);
            list.sort_unstable_by(|a, b| canonical_order(a, b, z));
            list
        })
        .collect()
}

/// Wrapped positions and lattice of a structure, prepared for repeated searches.
struct PeriodicCell {
    wrapped: Vec<Vec3>,
    matrix: [Vec3; 3],
    reciprocal_lengths: Vec3,
    z: Vec<u8>,
}

impl PeriodicCell {
    fn new(structure: &Structure) -> Self {
        let lattice = structure.lattice();
        PeriodicCell {
            wrapped: structure.sites().iter().map(|s| s.wrapped_frac()).collect(),
            matrix: lattice.matrix,
            reciprocal_lengths: lattice.reciprocal_lengths(),
            z: structure.species().map(|e| e.z()).collect(),
        }
    }

    /// Unordered neighbours of atom `i` within `cutoff`.
    fn candidates(&self, i: usize, cutoff: f64) -> Vec<Neighbor> {
        let m = self.matrix;
        let reach = self.reciprocal_lengths.map(|r| cutoff * r);
        let cutoff2 = cutoff * cutoff;
        let fi = self.wrapped[i];
        let mut list = Vec::new();
        for (j, fj) in self.wrapped.iter().enumerate() {
            let d = [fj[0] - fi[0], fj[1] - fi[1], fj[2] - fi[2]];
            let lo = |k: usize| (-reach[k] - d[k]).ceil() as i32;
            let hi = |k: usize| (reach[k] - d[k]).floor() as i32;
            for n0 in lo(0)..=hi(0) {
                let f0 = d[0] + n0 as f64;
                let p0 = [f0 * m[0][0], f0 * m[0][1], f0 * m[0][2]];
                for n1 in lo(1)..=hi(1) {
                    let f1 = d[1] + n1 as f64;
                    let p1 = [p0[0] + f1 * m[1][0], p0[1] + f1 * m[1][1], p0[2] + f1 * m[1][2]];
                    for n2 in lo(2)..=hi(2) {
                        let f2 = d[2] + n2 as f64;
                        let p = [p1[0] + f2 * m[2][0], p1[1] + f2 * m[2][1], p1[2] + f2 * m[2][2]];
                        let r2 = p[0] * p[0] + p[1] * p[1] + p[2] * p[2];
                        if r2 <= cutoff2 && r2 > 1e-16 {
                            list.push(Neighbor { j, image: [n0, n1, n2], distance: r2.sqrt() });
                        }
                    }
                }
            }
        }
        list
    }
}

/// Deterministic neighbour order: distance (differences below [`TIE_TOLERANCE`] count as ties),
/// then atomic number, then atom index, then image. Independent of floating-point noise in
/// symmetry-equivalent distances, so equivalent atoms keep equivalent edges.
pub fn canonical_order(a: &Neighbor, b: &Neighbor, z: &[u8]) -> std::cmp::Ordering {
    let qa = (a.distance / TIE_TOLERANCE).round() as i64;
    let qb = (b.distance / TIE_TOLERANCE).round() as i64;
    qa.cmp(&qb)
        .then(z[a.j].cmp(&z[b.j]))
        .then(a.j.cmp(&b.j))
        .then(a.image.cmp(&b.image))
        .then(a.distance.total_cmp(&b.distance))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Element;
    use crate::lattice::{Lattice, norm};
    use crate::structure::Site;
    use proptest::prelude::*;

    /// Reference: every image in a generous fixed box, no pruning.
    fn brute_force_distances(s: &Structure, cutoff: f64) -> Vec<Vec<f64>> {
        let reach = s.lattice().reciprocal_lengths().map(|r| (cutoff * r).ceil() as i32 + 2);
        let wrapped: Vec<Vec3> = s.sites().iter().map(|x| x.wrapped_frac()).collect();
        wrapped
            .iter()
            .map(|fi| {
                let mut out = Vec::new();
                for fj in &wrapped {
                    for n0 in -reach[0]..=reach[0] {
                        for n1 in -reach[1]..=reach[1] {
                            for n2 in -reach[2]..=reach[2] {
                                let f =
                                    [fj[0] - fi[0] + n0 as f64, fj[1] - fi[1] + n1 as f64, fj[2] - fi[2] + n2 as f64];
                                let d = norm(s.lattice().to_cartesian(f));
                                if d <= cutoff && d > 1e-8 {
                                    out.push(d);
                                }
                            }
                        }
                    }
                }
                out.sort_by(f64::total_cmp);
                out
            })
            .collect()
    }

    /// Each atom's neighbour distances in increasing order (the canonical order may swap
    /// distances closer than `TIE_TOLERANCE`).
    fn distances(lists: &[Vec<Neighbor>]) -> Vec<Vec<f64>> {
        lists
            .iter()
            .map(|l| {
                let mut d: Vec<f64> = l.iter().map(|n| n.distance).collect();
                d.sort_by(f64::total_cmp);
                d
            })
            .collect()
    }

    fn assert_close(a: &[Vec<f64>], b: &[Vec<f64>]) -> Result<(), TestCaseError> {
        prop_assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(b) {
            prop_assert_eq!(x.len(), y.len(), "neighbour counts differ: {:?} vs {:?}", x, y);
            for (p, q) in x.iter().zip(y) {
                // Truncation at 12 may pick either of two neighbours closer than TIE_TOLERANCE.
                prop_assert!((p - q).abs() <= TIE_TOLERANCE, "{} vs {}", p, q);
            }
        }
        Ok(())
    }

    /// Random cells from gentle to very skewed (shear factors up to 4) and small (edges from 1.2 Å).
    fn arb_structure() -> impl Strategy<Value = Structure> {
        let lengths = prop::array::uniform3(1.2f64..9.0);
        let shear = prop::array::uniform3(-4.0f64..4.0);
        let atoms = prop::collection::vec((1u8..=94, prop::array::uniform3(-0.5f64..1.5)), 1..6);
        (lengths, shear, atoms).prop_filter_map("valid structure", |(l, sh, atoms)| {
            let m = [[l[0], 0.0, 0.0], [sh[0] * l[0], l[1], 0.0], [sh[1] * l[0], sh[2] * l[1], l[2]]];
            let lattice = Lattice::new(m).ok()?;
            let sites = atoms.into_iter().map(|(z, f)| Site::new(Element::from_z(z).unwrap(), f)).collect();
            Structure::new(lattice, sites).ok()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn matches_brute_force(s in arb_structure(), cutoff in 2.0f64..8.0) {
            assert_close(&distances(&neighbors_within(&s, cutoff)), &brute_force_distances(&s, cutoff))?;
        }

        #[test]
        fn nearest_twelve_are_the_twelve_nearest(s in arb_structure()) {
            let reference: Vec<Vec<f64>> = brute_force_distances(&s, 8.0).into_iter().map(|mut d| { d.truncate(12); d }).collect();
            assert_close(&distances(&nearest_neighbors(&s, 8.0, 12)), &reference)?;
        }

        #[test]
        fn supercell_keeps_per_atom_distances(s in arb_structure()) {
            let unit = distances(&nearest_neighbors(&s, 8.0, 12));
            let sc = s.supercell([2, 2, 1]).unwrap();
            let big = distances(&nearest_neighbors(&sc, 8.0, 12));
            // Supercell sites are ordered image by image: atom i of image k is k·n + i.
            for (k, chunk) in big.chunks(s.len()).enumerate() {
                prop_assert_eq!(chunk.len(), unit.len(), "image {}", k);
                assert_close(chunk, &unit)?;
            }
        }
    }

    #[test]
    fn tiny_cell_sees_its_own_images_in_canonical_order() {
        let lattice = Lattice::new([[2.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 2.0]]).unwrap();
        let s = Structure::new(lattice, vec![Site::new(Element::from_z(26).unwrap(), [0.0; 3])]).unwrap();
        let lists = nearest_neighbors(&s, 8.0, 12);
        assert_eq!(lists[0].len(), 12);
        assert!(lists[0][..6].iter().all(|n| (n.distance - 2.0).abs() < 1e-12 && n.j == 0));
        let images: Vec<[i32; 3]> = lists[0][..6].iter().map(|n| n.image).collect();
        assert_eq!(images, vec![[-1, 0, 0], [0, -1, 0], [0, 0, -1], [0, 0, 1], [0, 1, 0], [1, 0, 0]]);
    }
}
