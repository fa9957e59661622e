//! CGCNN node and edge features (Xie & Grossman, PRL 120, 145301 (2018), Table S2).
//!
//! A node is described by nine element properties, each one-hot encoded; the layout is that of
//! CGCNN's `atom_init.json` (92 values), so its embedding weights line up with ours:
//!
//! | offset | width | property                    | categories                                       |
//! |-------:|------:|-----------------------------|--------------------------------------------------|
//! |      0 |    19 | group                       | 0 for the f block (La–Yb, Ac–No), else 1..=18    |
//! |     19 |     7 | period                      | 1..=7                                            |
//! |     26 |    10 | electronegativity (Pauling) | [0.5, 4.0) in steps of 0.35                      |
//! |     36 |    10 | covalent radius             | [0.25, 2.5) Å in steps of 0.225 Å                |
//! |     46 |    12 | valence electrons           | 1..=12                                           |
//! |     58 |    10 | first ionisation energy     | ln(E / eV) in [1.3, 3.3) in steps of 0.2         |
//! |     68 |    10 | electron affinity           | [−3.0, 3.7) eV in steps of 0.67 eV               |
//! |     78 |     4 | block                       | s, p, d, f                                       |
//! |     82 |    10 | atomic (molar) volume       | ln(V / cm³ mol⁻¹) in [1.5, 4.3) in steps of 0.28 |
//!
//! Bins are half-open, [lower, upper); values beyond the first or last edge go to that bin (Fr's 2.60 Å radius,
//! B's 4.39 cm³/mol volume). A missing value (electronegativity of He, Ne, Ar; volume of At, Fr,
//! Fm–Lr) leaves its bins all zero.
//!
//! An edge is the distance expanded on Gaussians centred every [`GAUSSIAN_STEP`] from 0 to
//! [`CUTOFF`].

use std::sync::OnceLock;

use crate::element::{Block, Element};

/// Length of a node feature vector.
pub const NODE_FEATURES: usize = 92;

/// Name and width of each one-hot block of a node feature vector, in order.
pub const NODE_FEATURE_LAYOUT: [(&str, usize); 9] = [
    ("group", 19),
    ("period", 7),
    ("electronegativity", 10),
    ("covalent radius", 10),
    ("valence electrons", 12),
    ("first ionisation energy", 10),
    ("electron affinity", 10),
    ("block", 4),
    ("atomic volume", 10),
];

/// Neighbour cutoff radius, Å.
pub const CUTOFF: f64 = 8.0;

/// Neighbours kept per atom.
pub const MAX_NEIGHBORS: usize = 12;

/// Spacing of the Gaussian centres and their width σ, Å.
pub const GAUSSIAN_STEP: f64 = 0.2;

/// Length of an edge feature vector: Gaussians centred at 0, 0.2, …, 8.0 Å.
pub const EDGE_FEATURES: usize = 41;

/// Linear bins: `count` equal bins starting at `lo`, each `width` wide.
struct Bins {
    lo: f64,
    width: f64,
    count: usize,
}

impl Bins {
    /// Bin of `value`; the tolerance keeps values tabulated exactly on an edge (χ = 1.90,
    /// r = 1.60 Å) in the upper bin despite rounding.
    fn index(&self, value: f64) -> usize {
        let i = ((value - self.lo) / self.width + 1e-9).floor();
        i.clamp(0.0, (self.count - 1) as f64) as usize
    }
}

const ELECTRONEGATIVITY_BINS: Bins = Bins { lo: 0.5, width: 0.35, count: 10 };
const COVALENT_RADIUS_BINS: Bins = Bins { lo: 0.25, width: 0.225, count: 10 };
const LN_IONIZATION_ENERGY_BINS: Bins = Bins { lo: 1.3, width: 0.2, count: 10 };
const ELECTRON_AFFINITY_BINS: Bins = Bins { lo: -3.0, width: 0.67, count: 10 };
const LN_ATOMIC_VOLUME_BINS: Bins = Bins { lo: 1.5, width: 0.28, count: 10 };

/// The CGCNN node features of `e` (see the module docs for the layout).
pub fn node_features(e: Element) -> [f32; NODE_FEATURES] {
    node_feature_table()[e.z() as usize - 1]
}

/// Node features of every element, row Z − 1 for element Z; computed once.
pub fn node_feature_table() -> &'static [[f32; NODE_FEATURES]; Element::COUNT] {
    static TABLE: OnceLock<[[f32; NODE_FEATURES]; Element::COUNT]> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = [[0.0; NODE_FEATURES]; Element::COUNT];
        for (row, e) in table.iter_mut().zip(Element::all()) {
            *row = compute_node_features(e);
        }
        table
    })
}

/// One-hot category of each property of `e`, in [`NODE_FEATURE_LAYOUT`] order; `None` where
/// the value is missing.
pub fn node_feature_categories(e: Element) -> [Option<usize>; 9] {
    let group = if e.block() == Block::F { 0 } else { e.group() as usize };
    let block = match e.block() {
        Block::S => 0,
        Block::P => 1,
        Block::D => 2,
        Block::F => 3,
    };
    [
        Some(group),
        Some(e.period() as usize - 1),
        e.electronegativity().map(|x| ELECTRONEGATIVITY_BINS.index(x)),
        Some(COVALENT_RADIUS_BINS.index(e.covalent_radius())),
        Some(e.valence_electrons() as usize - 1),
        Some(LN_IONIZATION_ENERGY_BINS.index(e.first_ionization_energy().ln())),
        Some(ELECTRON_AFFINITY_BINS.index(e.electron_affinity())),
        Some(block),
        e.atomic_volume().map(|v| LN_ATOMIC_VOLUME_BINS.index(v.ln())),
    ]
}

fn compute_node_features(e: Element) -> [f32; NODE_FEATURES] {
    let mut out = [0.0; NODE_FEATURES];
    let mut offset = 0;
    for ((_, width), category) in NODE_FEATURE_LAYOUT.iter().zip(node_feature_categories(e)) {
        if let Some(i) = category {
            debug_assert!(i < *width);
            out[offset + i] = 1.0;
        }
        offset += width;
    }
    out
}

/// Writes the Gaussian expansion of `distance` (Å) into `out`, which must hold
/// [`EDGE_FEATURES`] values: `out[k] = exp(−(d − μₖ)² / σ²)` with μₖ = k·0.2 Å, σ = 0.2 Å.
pub fn gaussian_expansion(distance: f64, out: &mut [f32]) {
    assert_eq!(out.len(), EDGE_FEATURES, "gaussian_expansion needs {EDGE_FEATURES} outputs");
    for (k, x) in out.iter_mut().enumerate() {
        let t = (distance - k as f64 * GAUSSIAN_STEP) / GAUSSIAN_STEP;
        *x = (-t * t).exp() as f32;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_adds_up() {
        let total: usize = NODE_FEATURE_LAYOUT.iter().map(|(_, w)| w).sum();
        assert_eq!(total, NODE_FEATURES);
        assert_eq!(node_feature_table().len(), 103);
        assert_eq!(EDGE_FEATURES as f64, CUTOFF / GAUSSIAN_STEP + 1.0);
    }

    #[test]
    fn one_hot_per_present_category() {
        for e in Element::all() {
            let v = node_features(e);
            assert!(v.iter().all(|&x| x == 0.0 || x == 1.0), "{e}");
            let mut offset = 0;
            for ((name, width), cat) in NODE_FEATURE_LAYOUT.iter().zip(node_feature_categories(e)) {
                let ones = v[offset..offset + width].iter().filter(|&&x| x == 1.0).count();
                assert_eq!(ones, cat.is_some() as usize, "{e} {name}");
                offset += width;
            }
        }
    }

    #[test]
    fn missing_values_are_all_zero() {
        let he = node_features(Element::from_symbol("He").unwrap());
        assert!(he[26..36].iter().all(|&x| x == 0.0));
        let fr = node_features(Element::from_symbol("Fr").unwrap());
        assert!(fr[82..92].iter().all(|&x| x == 0.0));
        assert_eq!(fr.iter().sum::<f32>(), 8.0);
    }

    #[test]
    fn known_categories() {
        let cat = |s| node_feature_categories(Element::from_symbol(s).unwrap());
        // O: group 16, period 2, χ 3.44, r 0.66 Å, 6 valence e⁻, ln 13.6 = 2.61, EA 1.46, p,
        // ln 17.36 = 2.85.
        assert_eq!(cat("O"), [16, 1, 8, 1, 5, 6, 6, 1, 4].map(Some));
        // Cs: lowest χ and ionisation energy, widest radius (2.44 Å), largest volume.
        assert_eq!(cat("Cs"), [1, 5, 0, 9, 0, 0, 5, 0, 9].map(Some));
        // Ce: f block (group slot 0), period 6.
        assert_eq!(cat("Ce")[0], Some(0));
        assert_eq!(cat("Ce")[1], Some(5));
        assert_eq!(cat("Lu")[0], Some(3));
        assert_eq!(cat("Fr")[3], Some(9));
        assert_eq!(cat("B")[8], Some(0));
    }

    /// Same vectors as CGCNN's `atom_init.json` where the source values agree. Elsewhere that
    /// file (made with an older mendeleev) differs: Pyykkö rather than Cordero radii, liquid or
    /// gas-derived volumes, older electronegativities (W 1.7, Pb 1.87), missing electron
    /// affinities, f-block valence always 2, Pd 12 valence electrons.
    #[test]
    fn matches_cgcnn_atom_init_where_sources_agree() {
        let cgcnn: [(&str, [usize; 9]); 10] = [
            ("Li", [1, 20, 27, 40, 46, 59, 73, 78, 85]),
            ("C", [14, 20, 31, 38, 49, 63, 74, 79, 82]),
            ("O", [16, 20, 34, 37, 51, 64, 74, 79, 86]),
            ("Al", [13, 21, 29, 40, 48, 60, 73, 79, 84]),
            ("S", [16, 21, 31, 39, 51, 63, 75, 79, 86]),
            ("Ca", [2, 22, 27, 42, 47, 60, 72, 78, 88]),
            ("Sr", [2, 23, 27, 43, 47, 60, 72, 78, 89]),
            ("Mo", [6, 23, 30, 41, 51, 61, 73, 80, 84]),
            ("Cs", [1, 24, 26, 45, 46, 58, 73, 78, 91]),
            ("Au", [11, 24, 31, 40, 56, 62, 75, 80, 84]),
        ];
        for (symbol, ones) in cgcnn {
            let v = node_features(Element::from_symbol(symbol).unwrap());
            let got: Vec<usize> = (0..NODE_FEATURES).filter(|&i| v[i] == 1.0).collect();
            assert_eq!(got, ones, "{symbol}");
        }
    }

    #[test]
    fn gaussian_peaks_at_nearest_centre() {
        let mut out = [0.0f32; EDGE_FEATURES];
        gaussian_expansion(2.0, &mut out);
        assert_eq!(out[10], 1.0);
        assert!((out[9] - (-1.0f32).exp()).abs() < 1e-6);
        assert!((out[11] - out[9]).abs() < 1e-6);
        gaussian_expansion(3.13, &mut out);
        let argmax = (0..EDGE_FEATURES).max_by(|&a, &b| out[a].total_cmp(&out[b])).unwrap();
        assert_eq!(argmax, 16);
        gaussian_expansion(0.0, &mut out);
        assert_eq!(out[0], 1.0);
        assert!(out[40] < 1e-30);
        gaussian_expansion(CUTOFF, &mut out);
        assert_eq!(out[40], 1.0);
    }

    #[test]
    #[should_panic]
    fn gaussian_expansion_rejects_wrong_length() {
        gaussian_expansion(1.0, &mut [0.0; 40]);
    }
}
