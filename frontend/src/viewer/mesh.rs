//! Triangles for a [`Scene`]: a sphere per atom and a tube per half-bond, plus the cell's edges
//! as lines. Vertices are interleaved `[x, y, z, nx, ny, nz, r, g, b]`, what `gl.rs` uploads.

use std::f32::consts::PI;

use super::scene::{BOND_RADIUS, Point, Scene};

/// Floats per vertex.
pub const STRIDE: usize = 9;

/// What to draw besides the atoms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Show {
    pub bonds: bool,
    pub cell: bool,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Mesh {
    /// Triangle list.
    pub triangles: Vec<f32>,
    /// Line list (the cell box).
    pub lines: Vec<f32>,
}

impl Mesh {
    pub fn triangle_vertices(&self) -> usize {
        self.triangles.len() / STRIDE
    }

    pub fn line_vertices(&self) -> usize {
        self.lines.len() / STRIDE
    }
}

/// Fewer facets per sphere as the scene grows, so large cells stay light.
fn sphere_detail(atoms: usize) -> (usize, usize) {
    match atoms {
        0..=150 => (12, 20),
        151..=600 => (8, 14),
        _ => (6, 10),
    }
}

const TUBE_SEGMENTS: usize = 10;

pub fn build(scene: &Scene, show: Show) -> Mesh {
    let mut mesh = Mesh::default();
    let (rings, segments) = sphere_detail(scene.atoms.len());
    for atom in &scene.atoms {
        sphere(&mut mesh.triangles, atom.position, atom.radius, atom.color, rings, segments);
    }
    if show.bonds {
        for bond in &scene.bonds {
            tube(&mut mesh.triangles, bond.from, bond.to, BOND_RADIUS, bond.color);
        }
    }
    if show.cell {
        for [a, b] in &scene.cell_edges {
            for p in [a, b] {
                push(&mut mesh.lines, *p, [0.0; 3], [0.45, 0.5, 0.55]);
            }
        }
    }
    mesh
}

fn push(out: &mut Vec<f32>, p: Point, n: Point, c: [f32; 3]) {
    out.extend_from_slice(&[p[0], p[1], p[2], n[0], n[1], n[2], c[0], c[1], c[2]]);
}

fn sphere(out: &mut Vec<f32>, center: Point, radius: f32, color: [f32; 3], rings: usize, segments: usize) {
    let normal = |ring: usize, seg: usize| {
        let theta = PI * ring as f32 / rings as f32;
        let phi = 2.0 * PI * seg as f32 / segments as f32;
        [theta.sin() * phi.cos(), theta.cos(), theta.sin() * phi.sin()]
    };
    let vertex = |out: &mut Vec<f32>, n: Point| {
        push(out, [center[0] + radius * n[0], center[1] + radius * n[1], center[2] + radius * n[2]], n, color);
    };
    for ring in 0..rings {
        for seg in 0..segments {
            let (a, b) = (normal(ring, seg), normal(ring, seg + 1));
            let (c, d) = (normal(ring + 1, seg), normal(ring + 1, seg + 1));
            for n in [a, c, b, b, c, d] {
                vertex(out, n);
            }
        }
    }
}

fn tube(out: &mut Vec<f32>, from: Point, to: Point, radius: f32, color: [f32; 3]) {
    let axis = [to[0] - from[0], to[1] - from[1], to[2] - from[2]];
    let length = (axis[0] * axis[0] + axis[1] * axis[1] + axis[2] * axis[2]).sqrt();
    if length < 1e-6 {
        return;
    }
    let a = axis.map(|x| x / length);
    // Any vector not parallel to the axis gives the first perpendicular.
    let helper = if a[0].abs() < 0.9 { [1.0, 0.0, 0.0] } else { [0.0, 1.0, 0.0] };
    let u = normalized(cross(a, helper));
    let v = cross(a, u);
    let normal = |seg: usize| {
        let t = 2.0 * PI * seg as f32 / TUBE_SEGMENTS as f32;
        let (s, c) = t.sin_cos();
        [u[0] * c + v[0] * s, u[1] * c + v[1] * s, u[2] * c + v[2] * s]
    };
    let at = |p: Point, n: Point| [p[0] + radius * n[0], p[1] + radius * n[1], p[2] + radius * n[2]];
    for seg in 0..TUBE_SEGMENTS {
        let (n0, n1) = (normal(seg), normal(seg + 1));
        for (p, n) in [(from, n0), (to, n0), (from, n1), (from, n1), (to, n0), (to, n1)] {
            push(out, at(p, n), n, color);
        }
    }
}

fn cross(a: Point, b: Point) -> Point {
    [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]
}

fn normalized(a: Point) -> Point {
    let n = (a[0] * a[0] + a[1] * a[1] + a[2] * a[2]).sqrt();
    a.map(|x| x / n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::viewer::scene::{Colouring, Scene};

    #[test]
    fn vertex_counts_follow_the_scene_and_the_toggles() {
        let structure = shared::parse(shared::gallery::example("rock-salt").unwrap().cif).unwrap();
        let scene = Scene::new(&structure, &Colouring::Element);
        let (rings, segments) = sphere_detail(scene.atoms.len());
        let spheres = scene.atoms.len() * rings * segments * 6;
        let all = build(&scene, Show { bonds: true, cell: true });
        assert_eq!(all.triangle_vertices(), spheres + scene.bonds.len() * TUBE_SEGMENTS * 6);
        assert_eq!(all.line_vertices(), 24);
        let bare = build(&scene, Show { bonds: false, cell: false });
        assert_eq!(bare.triangle_vertices(), spheres);
        assert_eq!(bare.line_vertices(), 0);
        // Every sphere vertex lies on its sphere, with a unit normal.
        let atom = &scene.atoms[0];
        for v in bare.triangles.chunks(STRIDE).take(rings * segments * 6) {
            let r = (0..3).map(|k| (v[k] - atom.position[k]).powi(2)).sum::<f32>().sqrt();
            let n = (3..6).map(|k| v[k] * v[k]).sum::<f32>().sqrt();
            assert!((r - atom.radius).abs() < 1e-4 && (n - 1.0).abs() < 1e-4);
        }
    }
}
