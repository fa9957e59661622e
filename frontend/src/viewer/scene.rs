//! What the viewer draws for one structure, in Cartesian Å: the atoms of the unit cell (plus
//! their copies on the cell's faces, edges and corners, as crystallographers draw a cell), the
//! bonds the description talks about (as half-sticks, each in its own atom's colour, so bonds
//! that leave the cell still show) and the cell's twelve edges.

use shared::{
    Structure,
    describe::{DescribeOptions, environment},
};

use super::colors::{self, Rgb};

/// A point in Cartesian Å (single precision: what the GPU reads).
pub type Point = [f32; 3];

/// How atoms are coloured.
#[derive(Clone, Debug, PartialEq)]
pub enum Colouring {
    /// Jmol element colours.
    Element,
    /// One weight per site (site order), shown on a ramp from the smallest to the largest.
    Attribution(Vec<f64>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct SceneAtom {
    /// Index of the site in the structure.
    pub site: usize,
    pub position: Point,
    pub radius: f32,
    pub color: Rgb,
}

/// Half of a bond: from an atom's centre to the bond's midpoint.
#[derive(Clone, Debug, PartialEq)]
pub struct HalfBond {
    pub from: Point,
    pub to: Point,
    pub color: Rgb,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Scene {
    pub atoms: Vec<SceneAtom>,
    pub bonds: Vec<HalfBond>,
    pub cell_edges: Vec<[Point; 2]>,
    /// The cell's centre and the radius of a sphere around it holding everything drawn.
    pub center: Point,
    pub radius: f32,
}

/// Fractional coordinates this close to 0 also get a copy at 1.
const BOUNDARY: f64 = 1e-3;
/// Bond stick radius, Å.
pub const BOND_RADIUS: f32 = 0.12;
/// Ball radius from the covalent radius r (Å): small enough that the bonds show.
fn ball_radius(covalent: f64) -> f32 {
    (0.3 + 0.25 * covalent) as f32
}

impl Scene {
    pub fn new(structure: &Structure, colouring: &Colouring) -> Scene {
        let lattice = structure.lattice();
        let site_colors = site_colors(structure, colouring);
        let bonds = environment::bonds(structure, &DescribeOptions::default());
        let cart = |f: [f64; 3]| lattice.to_cartesian(f);
        let mut atoms = Vec::new();
        let mut half_bonds = Vec::new();
        for (i, site) in structure.sites().iter().enumerate() {
            let frac = site.wrapped_frac();
            let home = cart(frac);
            for shift in boundary_copies(frac) {
                let f = [frac[0] + shift[0], frac[1] + shift[1], frac[2] + shift[2]];
                let p = cart(f);
                atoms.push(SceneAtom {
                    site: i,
                    position: single(p),
                    radius: ball_radius(site.element.covalent_radius()),
                    color: site_colors[i],
                });
                for bond in &bonds[i] {
                    let fj = structure.sites()[bond.j].wrapped_frac();
                    let t = bond.image.map(f64::from);
                    let other = cart([fj[0] + t[0], fj[1] + t[1], fj[2] + t[2]]);
                    // The bond vector is the same from every copy of atom i.
                    let mid = [0, 1, 2].map(|k| p[k] + (other[k] - home[k]) / 2.0);
                    half_bonds.push(HalfBond { from: single(p), to: single(mid), color: site_colors[i] });
                }
            }
        }
        let corner = |a: usize, b: usize, c: usize| single(cart([a as f64, b as f64, c as f64]));
        let mut cell_edges = Vec::with_capacity(12);
        for (a, b) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
            cell_edges.push([corner(0, a, b), corner(1, a, b)]);
            cell_edges.push([corner(a, 0, b), corner(a, 1, b)]);
            cell_edges.push([corner(a, b, 0), corner(a, b, 1)]);
        }
        let center = single(cart([0.5, 0.5, 0.5]));
        let distance =
            |p: &Point| ((p[0] - center[0]).powi(2) + (p[1] - center[1]).powi(2) + (p[2] - center[2]).powi(2)).sqrt();
        let radius = cell_edges
            .iter()
            .flatten()
            .map(distance)
            .chain(atoms.iter().map(|a| distance(&a.position) + a.radius))
            .fold(1.0_f32, f32::max);
        Scene { atoms, bonds: half_bonds, cell_edges, center, radius }
    }
}

fn single(p: [f64; 3]) -> Point {
    p.map(|x| x as f32)
}

/// Shifts (in fractional units) at which an atom at `frac` is drawn: itself, plus a copy one
/// cell further along each axis where it sits on the cell's lower face.
fn boundary_copies(frac: [f64; 3]) -> Vec<[f64; 3]> {
    let mut shifts = vec![[0.0; 3]];
    for axis in 0..3 {
        if frac[axis] < BOUNDARY {
            let extra: Vec<[f64; 3]> = shifts
                .iter()
                .map(|s| {
                    let mut s = *s;
                    s[axis] = 1.0;
                    s
                })
                .collect();
            shifts.extend(extra);
        }
    }
    shifts
}

fn site_colors(structure: &Structure, colouring: &Colouring) -> Vec<Rgb> {
    match colouring {
        Colouring::Attribution(weights) if weights.len() == structure.len() => {
            let (lo, hi) =
                weights.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &w| (lo.min(w), hi.max(w)));
            let span = hi - lo;
            weights.iter().map(|&w| colors::attribution(if span > 1e-12 { (w - lo) / span } else { 0.5 })).collect()
        }
        _ => structure.species().map(|e| colors::element(e.z())).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nacl_conventional() -> Structure {
        let text = "NaCl\n1.0\n5.64 0 0\n0 5.64 0\n0 0 5.64\nNa Cl\n4 4\nDirect\n\
                    0 0 0\n0 0.5 0.5\n0.5 0 0.5\n0.5 0.5 0\n0.5 0.5 0.5\n0.5 0 0\n0 0.5 0\n0 0 0.5\n";
        shared::parse(text).unwrap()
    }

    #[test]
    fn conventional_rock_salt_draws_the_familiar_cube() {
        let scene = Scene::new(&nacl_conventional(), &Colouring::Element);
        // Na: corner ×8 + 3 faces ×2; Cl: centre + 3 edge centres ×4.
        let count =
            |site_range: std::ops::Range<usize>| scene.atoms.iter().filter(|a| site_range.contains(&a.site)).count();
        assert_eq!(count(0..4), 14);
        assert_eq!(count(4..8), 13);
        // Six bonds from every drawn atom, each half as long as the 2.82 Å Na–Cl distance.
        assert_eq!(scene.bonds.len(), 27 * 6);
        for b in &scene.bonds {
            let len = (0..3).map(|k| (b.to[k] - b.from[k]).powi(2)).sum::<f32>().sqrt();
            assert!((len - 1.41).abs() < 1e-3, "{len}");
        }
        assert_eq!(scene.cell_edges.len(), 12);
        assert_eq!(scene.center, [2.82, 2.82, 2.82]);
        assert!(scene.radius >= 2.82 * 3f32.sqrt());
        assert_eq!(scene.atoms[0].color, colors::element(11));
    }

    #[test]
    fn attribution_colours_span_the_ramp() {
        let weights = vec![0.0, 0.1, 0.1, 0.1, 0.2, 0.2, 0.2, 1.0];
        let scene = Scene::new(&nacl_conventional(), &Colouring::Attribution(weights));
        let of_site = |s: usize| scene.atoms.iter().find(|a| a.site == s).unwrap().color;
        assert_eq!(of_site(0), colors::attribution(0.0));
        assert_eq!(of_site(7), colors::attribution(1.0));
        // A weight list of the wrong length falls back to element colours.
        let scene = Scene::new(&nacl_conventional(), &Colouring::Attribution(vec![1.0]));
        assert_eq!(scene.atoms[0].color, colors::element(11));
    }
}
