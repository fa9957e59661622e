//! Structure-type names ("Halite, Rock Salt", "Spinel", …) for common prototypes, spelled as
//! Robocrystallographer spells them (its mineral database is the AFLOW prototype library).
//!
//! A structure matches a prototype when it has the same space group and the same *Wyckoff
//! fingerprint*: for each element, its share in the reduced formula and the letters of its
//! Wyckoff positions, compared as a multiset so that any elements may take the roles. Free
//! coordinates (wurtzite's u, rutile's x) are not compared. Prototypes whose letters depend on
//! the choice of origin are listed once per choice.

use crate::composition::composition;
use crate::structure::Structure;
use crate::symmetry::Symmetry;

struct Prototype {
    name: &'static str,
    number: u16,
    /// (share of the element in the reduced formula, its Wyckoff letters in alphabetical order).
    sites: &'static [(usize, &'static str)],
}

const fn p(name: &'static str, number: u16, sites: &'static [(usize, &'static str)]) -> Prototype {
    Prototype { name, number, sites }
}

static PROTOTYPES: &[Prototype] = &[
    p("Copper", 225, &[(1, "a")]),
    p("Copper", 225, &[(1, "b")]),
    p("Tungsten", 229, &[(1, "a")]),
    p("Magnesium", 194, &[(1, "c")]),
    p("Magnesium", 194, &[(1, "d")]),
    p("diamond", 227, &[(1, "a")]),
    p("diamond", 227, &[(1, "b")]),
    p("alpha Po", 221, &[(1, "a")]),
    p("alpha Po", 221, &[(1, "b")]),
    p("Graphite", 194, &[(1, "bc")]),
    p("Halite, Rock Salt", 225, &[(1, "a"), (1, "b")]),
    p("Tetraauricupride", 221, &[(1, "a"), (1, "b")]),
    p("Zincblende, Sphalerite", 216, &[(1, "a"), (1, "c")]),
    p("Zincblende, Sphalerite", 216, &[(1, "a"), (1, "d")]),
    p("Zincblende, Sphalerite", 216, &[(1, "b"), (1, "c")]),
    p("Zincblende, Sphalerite", 216, &[(1, "b"), (1, "d")]),
    p("Wurtzite", 186, &[(1, "b"), (1, "b")]),
    p("Boron Nitride", 194, &[(1, "c"), (1, "d")]),
    p("Fluorite", 225, &[(1, "a"), (2, "c")]),
    p("Fluorite", 225, &[(1, "b"), (2, "c")]),
    p("Rutile", 136, &[(1, "a"), (2, "f")]),
    p("Rutile", 136, &[(1, "b"), (2, "g")]),
    p("Pyrite", 205, &[(1, "a"), (2, "c")]),
    p("Pyrite", 205, &[(1, "b"), (2, "c")]),
    p("Cuprite", 224, &[(1, "a"), (2, "b")]),
    p("Cuprite", 224, &[(1, "a"), (2, "c")]),
    p("trigonal omega", 164, &[(1, "a"), (2, "d")]),
    p("trigonal omega", 164, &[(1, "b"), (2, "d")]),
    p("hexagonal omega structure", 191, &[(1, "a"), (2, "d")]),
    p("hexagonal omega structure", 191, &[(1, "a"), (2, "c")]),
    p("hexagonal omega structure", 191, &[(1, "b"), (2, "c")]),
    p("hexagonal omega structure", 191, &[(1, "b"), (2, "d")]),
    p("Molybdenite", 194, &[(1, "c"), (2, "f")]),
    p("Molybdenite", 194, &[(1, "d"), (2, "f")]),
    p("Uranium Silicide", 221, &[(1, "a"), (3, "c")]),
    p("Uranium Silicide", 221, &[(1, "b"), (3, "d")]),
    p("alpha Rhenium trioxide", 221, &[(1, "a"), (3, "d")]),
    p("alpha Rhenium trioxide", 221, &[(1, "b"), (3, "c")]),
    p("Corundum", 167, &[(2, "c"), (3, "e")]),
    p("(Cubic) Perovskite", 221, &[(1, "a"), (1, "b"), (3, "c")]),
    p("(Cubic) Perovskite", 221, &[(1, "a"), (1, "b"), (3, "d")]),
    p("Heusler", 225, &[(1, "a"), (1, "b"), (2, "c")]),
    p("half-Heusler", 216, &[(1, "a"), (1, "b"), (1, "c")]),
    p("half-Heusler", 216, &[(1, "a"), (1, "b"), (1, "d")]),
    p("half-Heusler", 216, &[(1, "a"), (1, "c"), (1, "d")]),
    p("half-Heusler", 216, &[(1, "b"), (1, "c"), (1, "d")]),
    p("Spinel", 227, &[(1, "a"), (2, "d"), (4, "e")]),
    p("Spinel", 227, &[(1, "b"), (2, "c"), (4, "e")]),
];

/// The prototype name of `structure`, if it is one of the tabulated types.
pub fn prototype_name(structure: &Structure, symmetry: &Symmetry) -> Option<&'static str> {
    let fingerprint = fingerprint(structure, symmetry);
    PROTOTYPES.iter().find(|p| p.number == symmetry.number && same_sites(p.sites, &fingerprint)).map(|p| p.name)
}

fn same_sites(expected: &[(usize, &str)], found: &[(usize, String)]) -> bool {
    let mut expected: Vec<(usize, &str)> = expected.to_vec();
    expected.sort_unstable();
    expected.len() == found.len() && expected.iter().zip(found).all(|(a, b)| a.0 == b.0 && a.1 == b.1)
}

/// Sorted (share in the reduced formula, Wyckoff letters) per element.
fn fingerprint(structure: &Structure, symmetry: &Symmetry) -> Vec<(usize, String)> {
    let counts = composition(structure);
    let divisor = counts.iter().fold(0, |g, &(_, n)| gcd(g, n));
    let species: Vec<_> = structure.species().collect();
    let mut out: Vec<(usize, String)> = counts
        .iter()
        .map(|&(e, n)| {
            let mut letters: Vec<char> = symmetry
                .inequivalent_sites()
                .into_iter()
                .filter(|&i| species[i] == e)
                .map(|i| symmetry.wyckoffs[i])
                .collect();
            letters.sort_unstable();
            (n / divisor, letters.into_iter().collect())
        })
        .collect();
    out.sort_unstable();
    out
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 { a } else { gcd(b, a % b) }
}
