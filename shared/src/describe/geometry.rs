//! Naming coordination geometries ("octahedral", "tetrahedral", …).
//!
//! A coordination shell is compared with the ideal shapes of the same coordination number by
//! its *angle fingerprint*: the sorted cosines of all angles between bond directions. The
//! fingerprint ignores orientation and the order of the neighbours, and costs O(n² log n).
//!
//! The best shape is named if the root-mean-square difference of the cosines is at most
//! [`MAX_COSINE_RMS`] ([`MAX_COSINE_RMS_FEW`] for two or three neighbours, whose few angles
//! weigh more each: rutile's O is a distorted trigonal plane with angles of 99°, 131° and 131°).
//! It is "distorted" beyond [`REGULAR_COSINE_RMS`] or when the bond lengths spread by more than
//! [`REGULAR_LENGTH_SPREAD`] (SrTiO₃'s O with two Ti and four Sr is a distorted octahedron).
//! With these limits about as many sites get a name, per coordination number, as
//! Robocrystallographer names on the team's Materials Project examples.
//!
//! Geometry names follow Robocrystallographer (from pymatgen's local order parameters), plus
//! trigonal prismatic, square antiprismatic, tricapped trigonal prismatic, anticuboctahedral
//! (hcp) and icosahedral. Only square roots are used (no trigonometry), so native and
//! WebAssembly builds classify identically.

use crate::lattice::{Vec3, dot, norm};

/// Largest RMS cosine difference for which a shape of four or more neighbours is named.
pub const MAX_COSINE_RMS: f64 = 0.15;
/// Largest RMS cosine difference for which a shape of two or three neighbours is named.
pub const MAX_COSINE_RMS_FEW: f64 = 0.25;
/// RMS cosine difference beyond which a named shape is called distorted.
pub const REGULAR_COSINE_RMS: f64 = 0.1;
/// Relative standard deviation of the bond lengths beyond which a shape is called distorted.
pub const REGULAR_LENGTH_SPREAD: f64 = 0.1;

/// A named coordination geometry.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Geometry {
    /// e.g. "octahedral".
    pub name: &'static str,
    pub distorted: bool,
    /// RMS difference of the cosine fingerprints from the ideal shape.
    pub deviation: f64,
}

impl Geometry {
    /// The polyhedron as a noun, singular and plural ("octahedron", "octahedra"), for the
    /// shapes whose corner/edge/face sharing is worth describing.
    pub fn polyhedron(&self) -> Option<(&'static str, &'static str)> {
        polyhedron(self.name)
    }
}

/// Names the geometry of a coordination shell given its bond vectors (Cartesian, Å).
/// `None` when no ideal shape of this coordination number is close enough.
pub fn classify(bonds: &[Vec3]) -> Option<Geometry> {
    let n = bonds.len();
    if n == 1 {
        return Some(Geometry { name: "single-bond", distorted: false, deviation: 0.0 });
    }
    let shapes = ideal_shapes(n);
    if shapes.is_empty() {
        return None;
    }
    let fingerprint = cosine_fingerprint(bonds);
    let (name, deviation) = shapes
        .into_iter()
        .map(|(name, ideal)| (name, rms_difference(&fingerprint, &cosine_fingerprint(&ideal))))
        .min_by(|a, b| a.1.total_cmp(&b.1))?;
    let limit = if n <= 3 { MAX_COSINE_RMS_FEW } else { MAX_COSINE_RMS };
    (deviation <= limit).then(|| Geometry {
        name,
        distorted: deviation > REGULAR_COSINE_RMS || length_spread(bonds) > REGULAR_LENGTH_SPREAD,
        deviation,
    })
}

fn polyhedron(name: &str) -> Option<(&'static str, &'static str)> {
    Some(match name {
        "tetrahedral" => ("tetrahedron", "tetrahedra"),
        "octahedral" => ("octahedron", "octahedra"),
        "trigonal pyramidal" => ("trigonal pyramid", "trigonal pyramids"),
        "square pyramidal" => ("square pyramid", "square pyramids"),
        "trigonal bipyramidal" => ("trigonal bipyramid", "trigonal bipyramids"),
        "pentagonal pyramidal" => ("pentagonal pyramid", "pentagonal pyramids"),
        "hexagonal pyramidal" => ("hexagonal pyramid", "hexagonal pyramids"),
        "pentagonal bipyramidal" => ("pentagonal bipyramid", "pentagonal bipyramids"),
        "hexagonal bipyramidal" => ("hexagonal bipyramid", "hexagonal bipyramids"),
        "trigonal prismatic" => ("trigonal prism", "trigonal prisms"),
        "square antiprismatic" => ("square antiprism", "square antiprisms"),
        "cuboctahedral" => ("cuboctahedron", "cuboctahedra"),
        "anticuboctahedral" => ("anticuboctahedron", "anticuboctahedra"),
        "icosahedral" => ("icosahedron", "icosahedra"),
        _ => return None,
    })
}

/// Sorted cosines of the angles between all pairs of bond directions.
fn cosine_fingerprint(bonds: &[Vec3]) -> Vec<f64> {
    let units: Vec<Vec3> = bonds.iter().map(|&v| unit(v)).collect();
    let mut cosines = Vec::with_capacity(units.len() * (units.len() - 1) / 2);
    for (a, &u) in units.iter().enumerate() {
        for &v in &units[a + 1..] {
            cosines.push(dot(u, v).clamp(-1.0, 1.0));
        }
    }
    cosines.sort_by(f64::total_cmp);
    cosines
}

fn rms_difference(a: &[f64], b: &[f64]) -> f64 {
    let sum: f64 = a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum();
    (sum / a.len() as f64).sqrt()
}

fn length_spread(bonds: &[Vec3]) -> f64 {
    let lengths: Vec<f64> = bonds.iter().map(|&v| norm(v)).collect();
    let n = lengths.len() as f64;
    let mean = lengths.iter().sum::<f64>() / n;
    let variance = lengths.iter().map(|d| (d - mean) * (d - mean)).sum::<f64>() / n;
    variance.sqrt() / mean
}

fn unit(v: Vec3) -> Vec3 {
    let r = norm(v);
    [v[0] / r, v[1] / r, v[2] / r]
}

/// `n` directions evenly spaced around the z axis at height `z`, starting at `phase` (in units
/// of a full turn: 0.25 = 90°), with in-plane radius `r`.
fn ring(n: usize, r: f64, z: f64, phase: f64) -> Vec<Vec3> {
    (0..n)
        .map(|k| {
            let (c, s) = turn(phase + k as f64 / n as f64);
            [r * c, r * s, z]
        })
        .collect()
}

/// cos and sin of a fraction of a full turn, exact for the multiples of 1/12, 1/8 and 1/10 the
/// ideal shapes need (so no platform trigonometry).
fn turn(t: f64) -> (f64, f64) {
    const S3: f64 = 0.866_025_403_784_438_6;
    const R2: f64 = std::f64::consts::FRAC_1_SQRT_2;
    const C1: f64 = 0.809_016_994_374_947_5;
    const C2: f64 = 0.309_016_994_374_947_4;
    const S1: f64 = 0.587_785_252_292_473_1;
    const S2: f64 = 0.951_056_516_295_153_5;
    const TWELFTHS: [(f64, f64); 12] = [
        (1.0, 0.0),
        (S3, 0.5),
        (0.5, S3),
        (0.0, 1.0),
        (-0.5, S3),
        (-S3, 0.5),
        (-1.0, 0.0),
        (-S3, -0.5),
        (-0.5, -S3),
        (0.0, -1.0),
        (0.5, -S3),
        (S3, -0.5),
    ];
    const EIGHTHS: [(f64, f64); 8] =
        [(1.0, 0.0), (R2, R2), (0.0, 1.0), (-R2, R2), (-1.0, 0.0), (-R2, -R2), (0.0, -1.0), (R2, -R2)];
    const TENTHS: [(f64, f64); 10] = [
        (1.0, 0.0),
        (C1, S1),
        (C2, S2),
        (-C2, S2),
        (-C1, S1),
        (-1.0, 0.0),
        (-C1, -S1),
        (-C2, -S2),
        (C2, -S2),
        (C1, -S1),
    ];
    let table: [&[(f64, f64)]; 3] = [&TWELFTHS, &EIGHTHS, &TENTHS];
    for values in table {
        let steps = t * values.len() as f64;
        if (steps - steps.round()).abs() < 1e-9 {
            return values[(steps.round() as i64).rem_euclid(values.len() as i64) as usize];
        }
    }
    panic!("no exact table for a turn of {t}")
}

const UP: Vec3 = [0.0, 0.0, 1.0];
const DOWN: Vec3 = [0.0, 0.0, -1.0];

fn with(mut base: Vec<Vec3>, extra: &[Vec3]) -> Vec<Vec3> {
    base.extend_from_slice(extra);
    base
}

fn octahedron() -> Vec<Vec3> {
    with(ring(4, 1.0, 0.0, 0.0), &[UP, DOWN])
}

fn trigonal_bipyramid() -> Vec<Vec3> {
    with(ring(3, 1.0, 0.0, 0.0), &[UP, DOWN])
}

fn tetrahedron() -> Vec<Vec3> {
    vec![[1.0, 1.0, 1.0], [1.0, -1.0, -1.0], [-1.0, 1.0, -1.0], [-1.0, -1.0, 1.0]]
}

/// Regular trigonal prism (all edges equal).
fn trigonal_prism() -> Vec<Vec3> {
    let r = 1.0 / 3.0_f64.sqrt();
    [ring(3, r, 0.5, 0.0), ring(3, r, -0.5, 0.0)].concat()
}

/// Directions in two opposite planes at ±z of an hcp or fcc 12-shell around the in-plane ring.
fn close_packed(opposite_phase: f64) -> Vec<Vec3> {
    let r = 1.0 / 3.0_f64.sqrt();
    let z = (2.0_f64 / 3.0).sqrt();
    [ring(6, 1.0, 0.0, 0.0), ring(3, r, z, 1.0 / 12.0), ring(3, r, -z, 1.0 / 12.0 + opposite_phase)].concat()
}

fn icosahedron() -> Vec<Vec3> {
    let phi = (1.0 + 5.0_f64.sqrt()) / 2.0;
    let mut out = Vec::with_capacity(12);
    for a in [1.0, -1.0] {
        for b in [phi, -phi] {
            out.extend([[0.0, a, b], [a, b, 0.0], [b, 0.0, a]]);
        }
    }
    out
}

/// The ideal shapes with `n` neighbours, as unit vectors.
fn ideal_shapes(n: usize) -> Vec<(&'static str, Vec<Vec3>)> {
    ideal_directions(n).into_iter().map(|(name, v)| (name, v.into_iter().map(unit).collect())).collect()
}

fn ideal_directions(n: usize) -> Vec<(&'static str, Vec<Vec3>)> {
    let bent = |x: f64, y: f64| vec![[1.0, 0.0, 0.0], [x, y, 0.0]];
    match n {
        2 => vec![
            ("linear", vec![UP, DOWN]),
            ("bent 150 degrees", bent(-0.866_025_403_784_438_6, 0.5)),
            ("bent 120 degrees", bent(-0.5, 0.866_025_403_784_438_6)),
            ("water-like", bent(-0.25, 0.968_245_836_551_854_2)),
            ("L-shaped", bent(0.0, 1.0)),
        ],
        3 => vec![
            ("trigonal planar", ring(3, 1.0, 0.0, 0.0)),
            ("trigonal non-coplanar", tetrahedron()[..3].to_vec()),
            ("T-shaped", vec![[1.0, 0.0, 0.0], [-1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]),
        ],
        4 => vec![
            ("tetrahedral", tetrahedron()),
            ("square co-planar", ring(4, 1.0, 0.0, 0.0)),
            ("see-saw-like", with(ring(3, 1.0, 0.0, 0.0)[..2].to_vec(), &[UP, DOWN])),
            ("rectangular see-saw-like", with(ring(4, 1.0, 0.0, 0.0)[..2].to_vec(), &[UP, DOWN])),
            ("trigonal pyramidal", with(ring(3, 1.0, 0.0, 0.0), &[UP])),
        ],
        5 => vec![
            ("trigonal bipyramidal", trigonal_bipyramid()),
            ("square pyramidal", octahedron()[..5].to_vec()),
            ("pentagonal planar", ring(5, 1.0, 0.0, 0.0)),
        ],
        6 => vec![
            ("octahedral", octahedron()),
            ("trigonal prismatic", trigonal_prism()),
            ("pentagonal pyramidal", with(ring(5, 1.0, 0.0, 0.0), &[UP])),
            ("hexagonal planar", ring(6, 1.0, 0.0, 0.0)),
        ],
        7 => vec![
            ("pentagonal bipyramidal", with(ring(5, 1.0, 0.0, 0.0), &[UP, DOWN])),
            ("hexagonal pyramidal", with(ring(6, 1.0, 0.0, 0.0), &[UP])),
        ],
        8 => {
            let h = 0.840_896_415_253_714_6;
            let r = std::f64::consts::FRAC_1_SQRT_2;
            vec![
                ("body-centered cubic", [ring(4, r, 0.5, 0.125), ring(4, r, -0.5, 0.125)].concat()),
                ("hexagonal bipyramidal", with(ring(6, 1.0, 0.0, 0.0), &[UP, DOWN])),
                ("square antiprismatic", [ring(4, r, h / 2.0, 0.0), ring(4, r, -h / 2.0, 0.125)].concat()),
            ]
        }
        9 => vec![("tricapped trigonal prismatic", [trigonal_prism(), ring(3, 1.0, 0.0, 1.0 / 6.0)].concat())],
        12 => vec![
            ("cuboctahedral", close_packed(1.0 / 6.0)),
            ("anticuboctahedral", close_packed(0.0)),
            ("icosahedral", icosahedron()),
        ],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(bonds: &[Vec3]) -> Option<(&'static str, bool)> {
        classify(bonds).map(|g| (g.name, g.distorted))
    }

    fn scaled(v: &[Vec3], s: f64) -> Vec<Vec3> {
        v.iter().map(|p| p.map(|x| x * s)).collect()
    }

    #[test]
    fn every_ideal_shape_is_recognised_as_itself() {
        for n in 2..=12 {
            for (shape, vectors) in ideal_shapes(n) {
                let g = classify(&scaled(&vectors, 2.3)).unwrap();
                assert_eq!((g.name, g.distorted), (shape, false), "CN {n}");
                assert!(g.deviation < 1e-9, "{shape}: {}", g.deviation);
            }
        }
    }

    #[test]
    fn fcc_shell_is_cuboctahedral() {
        let mut v = Vec::new();
        for (a, b) in [(1.0, 1.0), (1.0, -1.0), (-1.0, 1.0), (-1.0, -1.0)] {
            v.extend([[a, b, 0.0], [a, 0.0, b], [0.0, a, b]]);
        }
        assert_eq!(name(&v), Some(("cuboctahedral", false)));
    }

    #[test]
    fn unequal_bond_lengths_make_a_distorted_octahedron() {
        let mut v = scaled(&octahedron(), 2.76);
        v[4] = [0.0, 0.0, 1.95];
        v[5] = [0.0, 0.0, -1.95];
        assert_eq!(name(&v), Some(("octahedral", true)));
    }

    #[test]
    fn rutile_octahedron_is_regular_enough() {
        let (x, c) = (0.3048 * 4.594, 2.959 / 2.0);
        let v = vec![
            [x, x, 0.0],
            [-x, -x, 0.0],
            [4.594 / 2.0 - x, x - 4.594 / 2.0, c],
            [x - 2.297, 2.297 - x, c],
            [2.297 - x, x - 2.297, -c],
            [x - 2.297, 2.297 - x, -c],
        ];
        assert_eq!(name(&v), Some(("octahedral", false)));
    }

    #[test]
    fn shapeless_shells_have_no_name() {
        let v = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [0.7, 0.7, 0.1], [-0.1, 0.2, 0.97]];
        assert_eq!(name(&v), None);
        assert_eq!(name(&[[1.0; 3]; 10]), None);
    }

    #[test]
    fn exact_turns() {
        for n in [12, 8, 10] {
            for k in 0..n {
                let (c, s) = turn(k as f64 / n as f64);
                let a = std::f64::consts::TAU * k as f64 / n as f64;
                assert!((c - a.cos()).abs() < 1e-15 && (s - a.sin()).abs() < 1e-15, "{k}/{n}");
            }
        }
    }
}
