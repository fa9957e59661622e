//! How coordination polyhedra are linked: two polyhedra whose centres are bonded to a common
//! atom share a corner (one common ligand), an edge (two) or a face (three or more).

use super::environment::Bond;
use crate::lattice::{Vec3, dot, norm, sub};
use crate::structure::Structure;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sharing {
    Corner,
    Edge,
    Face,
}

impl Sharing {
    pub fn noun(self) -> &'static str {
        match self {
            Sharing::Corner => "corner",
            Sharing::Edge => "edge",
            Sharing::Face => "face",
        }
    }
}

/// A neighbouring polyhedron of the central atom's polyhedron.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Contact {
    /// Centre of the other polyhedron: atom index and lattice translation.
    pub site: usize,
    pub image: [i32; 3],
    pub sharing: Sharing,
    /// For corner sharing, the centre–ligand–centre angle in degrees.
    pub corner_angle: Option<f64>,
}

type Atom = (usize, [i32; 3]);

fn shifted(image: [i32; 3], by: [i32; 3]) -> [i32; 3] {
    [image[0] + by[0], image[1] + by[1], image[2] + by[2]]
}

/// The polyhedra that share ligands with the polyhedron of atom `centre` (in the home cell),
/// among the atoms for which `polyhedral` is true, in a deterministic order.
pub fn contacts(structure: &Structure, bonds: &[Vec<Bond>], centre: usize, polyhedral: &[bool]) -> Vec<Contact> {
    let ligands: BTreeSet<Atom> = bonds[centre].iter().map(|b| (b.j, b.image)).collect();
    let mut others: BTreeSet<Atom> = BTreeSet::new();
    for &(j, tj) in &ligands {
        for b in &bonds[j] {
            let other = (b.j, shifted(b.image, tj));
            if other != (centre, [0; 3]) && polyhedral[b.j] {
                others.insert(other);
            }
        }
    }
    let position = |(i, t): Atom| {
        let f = structure.sites()[i].wrapped_frac();
        structure.lattice().to_cartesian([f[0] + t[0] as f64, f[1] + t[1] as f64, f[2] + t[2] as f64])
    };
    others
        .into_iter()
        .map(|(k, tk)| {
            let shared: Vec<Atom> =
                bonds[k].iter().map(|b| (b.j, shifted(b.image, tk))).filter(|x| ligands.contains(x)).collect();
            let sharing = match shared.len() {
                0 | 1 => Sharing::Corner,
                2 => Sharing::Edge,
                _ => Sharing::Face,
            };
            let corner_angle = match shared.as_slice() {
                &[x] => {
                    let x = position(x);
                    Some(angle_deg(sub(position((centre, [0; 3])), x), sub(position((k, tk)), x)))
                }
                _ => None,
            };
            Contact { site: k, image: tk, sharing, corner_angle }
        })
        .collect()
}

fn angle_deg(a: Vec3, b: Vec3) -> f64 {
    (dot(a, b) / (norm(a) * norm(b))).clamp(-1.0, 1.0).acos().to_degrees()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::describe::{DescribeOptions, environment};
    use crate::element::Element;
    use crate::lattice::Lattice;
    use crate::structure::Site;

    #[test]
    fn rock_salt_octahedra_share_six_corners_and_twelve_edges() {
        let lattice = Lattice::new([[5.64, 0.0, 0.0], [0.0, 5.64, 0.0], [0.0, 0.0, 5.64]]).unwrap();
        let (na, cl) = (Element::from_symbol("Na").unwrap(), Element::from_symbol("Cl").unwrap());
        let mut sites = Vec::new();
        for f in [[0.0, 0.0, 0.0], [0.5, 0.5, 0.0], [0.5, 0.0, 0.5], [0.0, 0.5, 0.5]] {
            sites.push(Site::new(na, f));
            sites.push(Site::new(cl, f.map(|x| (x + 0.5) % 1.0)));
        }
        let s = Structure::new(lattice, sites).unwrap();
        let bonds = environment::bonds(&s, &DescribeOptions::default());
        let sodium: Vec<bool> = s.species().map(|e| e == na).collect();
        let found = contacts(&s, &bonds, 0, &sodium);
        let count = |k: Sharing| found.iter().filter(|c| c.sharing == k).count();
        assert_eq!((count(Sharing::Corner), count(Sharing::Edge), count(Sharing::Face)), (6, 12, 0));
        assert!(found.iter().filter_map(|c| c.corner_angle).all(|a| (a - 180.0).abs() < 1e-9));
    }
}
