//! Which neighbours of an atom count as bonded.
//!
//! The rule is a cheap stand-in for CrystalNN, built on shortest distances:
//!
//! 1. **Roles.** An element is an *anion* if it is not a metal and, at most of its sites, no
//!    nearest neighbour is more electronegative than it (O in oxides, As in GaAs, Si in Mg₂Si;
//!    but not S in sulfates, whose nearest neighbour is O). Everything else is a *cation*.
//! 2. **Polar structures** (both roles present):
//!    - a cation bonds to every anion within `(1 + ionic_tolerance) ×` its shortest
//!      cation–anion distance (and its shortest distance to any atom). Anions inherit these
//!      bonds, so O in SrTiO₃ gets its two Ti *and* its four Sr although the Sr are 41 % further
//!      away than the Ti;
//!    - two atoms of the same role bond as in uniform structures (S–S in pyrite, Ni–B in
//!      TbNiBC), or if both are non-metals within `(1 + metallic_tolerance) ×` the sum of their
//!      covalent radii (C–C in organic ions, B–B in MgB₂).
//! 3. **Uniform structures** (metals, intermetallics, elemental and covalent solids): two atoms
//!    bond if the contact is within `(1 + metallic_tolerance) ×` the shortest distance of
//!    *either* (Ca–Al and Al–Al in the Laves phase CaAl₂). bcc gives 8, not 14, below
//!    `metallic_tolerance` = 0.155.
//!
//! Bonds are symmetric, so coordination numbers of cations and anions agree with each other.

use super::DescribeOptions;
use crate::element::Element;
use crate::neighbors::{Neighbor, neighbors_within};
use crate::structure::Structure;

/// First neighbour-search radius, Å: enough for nearly all bonds.
const INITIAL_CUTOFF: f64 = 4.5;
/// Largest search radius, Å; atoms with nothing closer are left unbonded.
const MAX_CUTOFF: f64 = 10.0;
/// Slack on distance comparisons, Å, so symmetry-equivalent bonds are never split by rounding.
const EPS: f64 = 1e-6;

/// A bond from one atom to atom `j` translated by `image` (on wrapped coordinates, as
/// [`Neighbor`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bond {
    pub j: usize,
    pub image: [i32; 3],
    /// Å.
    pub distance: f64,
}

impl From<&Neighbor> for Bond {
    fn from(n: &Neighbor) -> Self {
        Bond { j: n.j, image: n.image, distance: n.distance }
    }
}

/// The bonds of every atom, each list sorted by distance (see the module docs for the rule).
pub fn bonds(structure: &Structure, opts: &DescribeOptions) -> Vec<Vec<Bond>> {
    let mut cutoff = INITIAL_CUTOFF;
    loop {
        let lists = neighbors_within(structure, cutoff);
        let roles = roles(structure, &lists);
        let reach = reference_distances(structure, &lists, &roles);
        let tolerance = opts.ionic_tolerance.max(opts.metallic_tolerance);
        let needed = reach
            .iter()
            .flatten()
            .fold(0.0_f64, |m, r| m.max(r.nearest.max(r.counter.unwrap_or(0.0)) * (1.0 + tolerance)));
        let isolated = reach.iter().any(Option::is_none);
        if (needed <= cutoff && !isolated) || cutoff >= MAX_CUTOFF {
            return select(structure, &lists, &roles, &reach, opts);
        }
        cutoff = (needed + EPS).max(cutoff * 1.5).min(MAX_CUTOFF);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Cation,
    Anion,
}

/// Per-site shortest distances the rule measures against: `nearest` to any atom, `counter` to
/// the nearest atom of the opposite role (cations only, polar structures only).
#[derive(Debug, Clone, Copy)]
struct Reach {
    nearest: f64,
    counter: Option<f64>,
}

fn roles(structure: &Structure, lists: &[Vec<Neighbor>]) -> Vec<Role> {
    let species: Vec<Element> = structure.species().collect();
    let anionic_site = |i: usize| -> bool {
        let Some(x) = species[i].electronegativity() else { return false };
        let Some(first) = lists[i].first() else { return true };
        lists[i]
            .iter()
            .take_while(|n| n.distance <= first.distance + 1e-3)
            .all(|n| species[n.j].electronegativity().is_none_or(|y| y <= x))
    };
    let elements = structure.elements();
    let anion: Vec<bool> = elements
        .iter()
        .map(|&e| {
            if e.is_metal() {
                return false;
            }
            let sites: Vec<usize> = (0..species.len()).filter(|&i| species[i] == e).collect();
            2 * sites.iter().filter(|&&i| anionic_site(i)).count() >= sites.len()
        })
        .collect();
    species
        .iter()
        .map(|e| {
            let k = elements.iter().position(|x| x == e).unwrap_or(0);
            if anion[k] { Role::Anion } else { Role::Cation }
        })
        .collect()
}

fn within(d: f64, reference: f64, tolerance: f64) -> bool {
    d <= reference * (1.0 + tolerance) + EPS
}

fn is_polar(roles: &[Role]) -> bool {
    roles.contains(&Role::Anion) && roles.contains(&Role::Cation)
}

fn reference_distances(structure: &Structure, lists: &[Vec<Neighbor>], roles: &[Role]) -> Vec<Option<Reach>> {
    let polar = is_polar(roles);
    (0..structure.len())
        .map(|i| {
            let nearest = lists[i].first()?.distance;
            let counter = if polar && roles[i] == Role::Cation {
                lists[i].iter().find(|n| roles[n.j] == Role::Anion).map(|n| n.distance)
            } else {
                None
            };
            Some(Reach { nearest, counter })
        })
        .collect()
}

fn select(
    structure: &Structure,
    lists: &[Vec<Neighbor>],
    roles: &[Role],
    reach: &[Option<Reach>],
    opts: &DescribeOptions,
) -> Vec<Vec<Bond>> {
    let polar = is_polar(roles);
    let species: Vec<Element> = structure.species().collect();
    let covalent = |i: usize, j: usize, d: f64| {
        let (a, b) = (species[i], species[j]);
        !a.is_metal() && !b.is_metal() && within(d, a.covalent_radius() + b.covalent_radius(), opts.metallic_tolerance)
    };
    let near = |k: usize, d: f64| reach[k].is_some_and(|r| within(d, r.nearest, opts.metallic_tolerance));
    let ionic = |cation: usize, d: f64| {
        reach[cation].is_some_and(|r| {
            r.counter.is_some_and(|c| within(d, c, opts.ionic_tolerance)) && within(d, r.nearest, opts.ionic_tolerance)
        })
    };
    let bonded = |i: usize, n: &Neighbor| -> bool {
        let (j, d) = (n.j, n.distance);
        if !polar {
            return near(i, d) || near(j, d);
        }
        match (roles[i], roles[j]) {
            (Role::Cation, Role::Anion) => ionic(i, d),
            (Role::Anion, Role::Cation) => ionic(j, d),
            _ => near(i, d) || near(j, d) || covalent(i, j, d),
        }
    };
    lists.iter().enumerate().map(|(i, list)| list.iter().filter(|n| bonded(i, n)).map(Bond::from).collect()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lattice::Lattice;
    use crate::structure::Site;

    fn el(s: &str) -> Element {
        Element::from_symbol(s).unwrap()
    }

    fn cubic(a: f64, sites: &[(&str, [f64; 3])]) -> Structure {
        let lattice = Lattice::new([[a, 0.0, 0.0], [0.0, a, 0.0], [0.0, 0.0, a]]).unwrap();
        Structure::new(lattice, sites.iter().map(|&(e, f)| Site::new(el(e), f)).collect()).unwrap()
    }

    fn cns(s: &Structure) -> Vec<usize> {
        bonds(s, &DescribeOptions::default()).iter().map(Vec::len).collect()
    }

    #[test]
    fn perovskite_anion_inherits_longer_cation_bonds() {
        let s = cubic(
            3.905,
            &[
                ("Sr", [0.0; 3]),
                ("Ti", [0.5; 3]),
                ("O", [0.5, 0.5, 0.0]),
                ("O", [0.5, 0.0, 0.5]),
                ("O", [0.0, 0.5, 0.5]),
            ],
        );
        assert_eq!(cns(&s), vec![12, 6, 6, 6, 6]);
    }

    #[test]
    fn bcc_has_eight_neighbours_and_cscl_too() {
        assert_eq!(cns(&cubic(2.8665, &[("Fe", [0.0; 3]), ("Fe", [0.5; 3])])), vec![8, 8]);
        assert_eq!(cns(&cubic(4.123, &[("Cs", [0.0; 3]), ("Cl", [0.5; 3])])), vec![8, 8]);
    }

    #[test]
    fn bonds_are_symmetric() {
        let s = cubic(
            5.463,
            &[
                ("Ca", [0.0, 0.0, 0.0]),
                ("Ca", [0.0, 0.5, 0.5]),
                ("Ca", [0.5, 0.0, 0.5]),
                ("Ca", [0.5, 0.5, 0.0]),
                ("F", [0.25, 0.25, 0.25]),
                ("F", [0.75, 0.75, 0.75]),
                ("F", [0.25, 0.25, 0.75]),
                ("F", [0.75, 0.75, 0.25]),
                ("F", [0.25, 0.75, 0.25]),
                ("F", [0.75, 0.25, 0.75]),
                ("F", [0.75, 0.25, 0.25]),
                ("F", [0.25, 0.75, 0.75]),
            ],
        );
        let b = bonds(&s, &DescribeOptions::default());
        for (i, list) in b.iter().enumerate() {
            for x in list {
                let back = x.image.map(|t| -t);
                assert!(b[x.j].iter().any(|y| y.j == i && y.image == back), "{i} -> {x:?}");
            }
        }
        assert_eq!(b.iter().map(Vec::len).collect::<Vec<_>>(), [vec![8; 4], vec![4; 8]].concat());
    }

    #[test]
    fn sparse_structures_search_further() {
        let s = cubic(10.0, &[("Cs", [0.0; 3]), ("Cs", [0.5; 3])]);
        assert_eq!(cns(&s), vec![8, 8]);
        let lone = cubic(30.0, &[("Ar", [0.0; 3])]);
        assert_eq!(cns(&lone), vec![0]);
    }
}
