//! Periodic lattices: three lattice vectors (rows, Å) and the conversions between fractional and
//! Cartesian coordinates.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

pub type Vec3 = [f64; 3];

/// A lattice given by its vectors **a**, **b**, **c** as the rows of `matrix` (Å).
///
/// A Cartesian point is `frac · matrix` (row vector times matrix).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Lattice {
    pub matrix: [Vec3; 3],
}

/// Cell lengths (Å) and angles (degrees) as crystallographers quote them.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LatticeParameters {
    pub a: f64,
    pub b: f64,
    pub c: f64,
    pub alpha: f64,
    pub beta: f64,
    pub gamma: f64,
    /// Cell volume, Å³.
    pub volume: f64,
}

/// Smallest cell volume accepted (Å³). Anything below is a typo or coplanar vectors.
pub const MIN_VOLUME: f64 = 1e-3;
/// Largest |lattice vector| accepted (Å); beyond this the input is nonsense for a crystal.
pub const MAX_LENGTH: f64 = 1e4;
/// Smallest spacing between lattice planes accepted (Å). Thinner cells are near-degenerate and
/// would make periodic searches visit millions of images.
pub const MIN_PLANE_SPACING: f64 = 0.05;

impl Lattice {
    /// Builds and validates a lattice from its row vectors.
    pub fn new(matrix: [Vec3; 3]) -> Result<Self> {
        if matrix.iter().flatten().any(|x| !x.is_finite()) {
            return Err(Error::NonFinite { what: "the lattice vectors".into() });
        }
        let lattice = Lattice { matrix };
        let volume = lattice.volume();
        let too_long = (0..3).any(|i| norm(matrix[i]) > MAX_LENGTH);
        if volume.is_nan() || volume <= MIN_VOLUME || too_long {
            return Err(Error::DegenerateLattice { volume });
        }
        let max_reciprocal = lattice.reciprocal_lengths().into_iter().fold(0.0, f64::max);
        let spacing = 1.0 / max_reciprocal;
        if spacing.is_nan() || spacing < MIN_PLANE_SPACING {
            return Err(Error::DegenerateLattice { volume });
        }
        Ok(lattice)
    }

    /// Builds a lattice from a, b, c (Å) and α, β, γ (degrees) in the standard setting
    /// (**a** along x, **b** in the xy plane), as CIF files describe cells.
    pub fn from_parameters(a: f64, b: f64, c: f64, alpha: f64, beta: f64, gamma: f64) -> Result<Self> {
        let (ca, cb, cg) = (cos_deg(alpha), cos_deg(beta), cos_deg(gamma));
        let sg = sin_deg(gamma);
        let cx = c * cb;
        let cy = c * (ca - cb * cg) / sg;
        let cz2 = c * c - cx * cx - cy * cy;
        if cz2.is_nan() || cz2 <= 0.0 {
            return Err(Error::DegenerateLattice { volume: 0.0 });
        }
        Lattice::new([[a, 0.0, 0.0], [b * cg, b * sg, 0.0], [cx, cy, cz2.sqrt()]])
    }

    /// Signed volume is positive for right-handed cells; this returns |det| (Å³).
    pub fn volume(&self) -> f64 {
        det(&self.matrix).abs()
    }

    pub fn lengths(&self) -> Vec3 {
        [norm(self.matrix[0]), norm(self.matrix[1]), norm(self.matrix[2])]
    }

    /// α (b,c), β (a,c), γ (a,b) in degrees.
    pub fn angles(&self) -> Vec3 {
        let m = &self.matrix;
        [angle_deg(m[1], m[2]), angle_deg(m[0], m[2]), angle_deg(m[0], m[1])]
    }

    pub fn parameters(&self) -> LatticeParameters {
        let [a, b, c] = self.lengths();
        let [alpha, beta, gamma] = self.angles();
        LatticeParameters { a, b, c, alpha, beta, gamma, volume: self.volume() }
    }

    pub fn to_cartesian(&self, frac: Vec3) -> Vec3 {
        let m = &self.matrix;
        let mut out = [0.0; 3];
        for (k, o) in out.iter_mut().enumerate() {
            *o = frac[0] * m[0][k] + frac[1] * m[1][k] + frac[2] * m[2][k];
        }
        out
    }

    pub fn to_fractional(&self, cart: Vec3) -> Vec3 {
        let inv = self.inverse();
        let mut out = [0.0; 3];
        for (k, o) in out.iter_mut().enumerate() {
            *o = cart[0] * inv[0][k] + cart[1] * inv[1][k] + cart[2] * inv[2][k];
        }
        out
    }

    /// Inverse of `matrix`; its columns are the reciprocal vectors (without the 2π).
    #[allow(clippy::needless_range_loop)] // cofactor indices read best as indices
    pub fn inverse(&self) -> [Vec3; 3] {
        let m = &self.matrix;
        let d = det(m);
        let mut inv = [[0.0; 3]; 3];
        for i in 0..3 {
            for j in 0..3 {
                let (a, b) = ((j + 1) % 3, (j + 2) % 3);
                let (c, e) = ((i + 1) % 3, (i + 2) % 3);
                inv[i][j] = (m[a][c] * m[b][e] - m[a][e] * m[b][c]) / d;
            }
        }
        inv
    }

    /// Lengths of the reciprocal vectors (without 2π), Å⁻¹. `1 / recip[k]` is the spacing of
    /// the lattice planes spanned by the two other vectors.
    pub fn reciprocal_lengths(&self) -> Vec3 {
        let inv = self.inverse();
        let col = |k: usize| [inv[0][k], inv[1][k], inv[2][k]];
        [norm(col(0)), norm(col(1)), norm(col(2))]
    }

    /// Lattice of a supercell `n[0]×n[1]×n[2]`.
    pub fn supercell(&self, n: [usize; 3]) -> Lattice {
        let mut m = self.matrix;
        for (k, row) in m.iter_mut().enumerate() {
            for x in row.iter_mut() {
                *x *= n[k] as f64;
            }
        }
        Lattice { matrix: m }
    }
}

pub fn det(m: &[Vec3; 3]) -> f64 {
    m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
        + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
}

pub fn dot(a: Vec3, b: Vec3) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

pub fn norm(a: Vec3) -> f64 {
    dot(a, a).sqrt()
}

pub fn sub(a: Vec3, b: Vec3) -> Vec3 {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}

fn angle_deg(a: Vec3, b: Vec3) -> f64 {
    (dot(a, b) / (norm(a) * norm(b))).clamp(-1.0, 1.0).acos().to_degrees()
}

/// cos of an angle in degrees, exact for the right angles CIFs are full of.
fn cos_deg(x: f64) -> f64 {
    if (x - 90.0).abs() < 1e-12 { 0.0 } else { x.to_radians().cos() }
}

fn sin_deg(x: f64) -> f64 {
    if (x - 90.0).abs() < 1e-12 { 1.0 } else { x.to_radians().sin() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_round_trip() {
        let l = Lattice::from_parameters(3.0, 4.0, 5.0, 80.0, 95.0, 110.0).unwrap();
        let p = l.parameters();
        for (x, y) in [(p.a, 3.0), (p.b, 4.0), (p.c, 5.0), (p.alpha, 80.0), (p.beta, 95.0), (p.gamma, 110.0)] {
            assert!((x - y).abs() < 1e-9, "{x} vs {y}");
        }
        let f = [0.1, 0.7, -0.3];
        let back = l.to_fractional(l.to_cartesian(f));
        for k in 0..3 {
            assert!((back[k] - f[k]).abs() < 1e-12);
        }
    }

    #[test]
    fn rejects_flat_cells() {
        assert!(matches!(
            Lattice::new([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [1.0, 1.0, 0.0]]),
            Err(Error::DegenerateLattice { .. })
        ));
        assert!(Lattice::new([[f64::NAN, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]).is_err());
    }
}
