//! Atom and bond feature vectors, the layout of chemprop v1 (`featurization.py`), so a D-MPNN
//! sees what chemprop's sees.
//!
//! Atom, [`ATOM_FEATURES`] = 133 values, each block a one-hot whose last slot means "other":
//!
//! | offset | length | feature |
//! |---|---|---|
//! | 0 | 101 | atomic number 1..=100 (slot Z−1), then other |
//! | 101 | 7 | total degree (neighbours + H) 0..=5, other |
//! | 108 | 6 | formal charge −1, −2, +1, +2, 0, other (chemprop's order) |
//! | 114 | 5 | chiral tag: none, `@@` (CW), `@` (CCW), other class, unknown |
//! | 119 | 6 | total hydrogens 0..=4, other |
//! | 125 | 6 | hybridisation sp, sp2, sp3, sp3d, sp3d2, other (s included) |
//! | 131 | 1 | aromatic (0/1) |
//! | 132 | 1 | mass / 100 (amu / 100) |
//!
//! Bond, [`BOND_FEATURES`] = 14 values:
//!
//! | offset | length | feature |
//! |---|---|---|
//! | 0 | 1 | no bond (always 0 here; chemprop's padding slot) |
//! | 1 | 4 | single, double, triple, aromatic |
//! | 5 | 1 | conjugated |
//! | 6 | 1 | in ring |
//! | 7 | 7 | stereo as RDKit's enum: none, any, Z, E, cis, trans, other |

use super::{Atom, Bond, BondOrder, Chirality, DoubleBondStereo, Hybridisation};

pub const ATOM_FEATURES: usize = 133;
pub const BOND_FEATURES: usize = 14;

/// Sets `out[offset + slot]`, or the block's last ("other") slot when `slot` is `None` or too large.
fn one_hot(out: &mut [f32], offset: usize, length: usize, slot: Option<usize>) -> usize {
    let slot = slot.filter(|&s| s < length - 1).unwrap_or(length - 1);
    out[offset + slot] = 1.0;
    offset + length
}

/// The 133 features of `atom` with `total_degree` neighbours (H included).
pub fn atom_features(atom: &Atom, total_degree: usize) -> Vec<f32> {
    let mut out = vec![0.0; ATOM_FEATURES];
    let mut at = one_hot(&mut out, 0, 101, Some(usize::from(atom.element.z()) - 1));
    at = one_hot(&mut out, at, 7, Some(total_degree));
    let charge_slot = [-1, -2, 1, 2, 0].iter().position(|&c| c == atom.formal_charge);
    at = one_hot(&mut out, at, 6, charge_slot);
    let chiral_slot = match atom.chirality {
        Chirality::None => 0,
        Chirality::Clockwise => 1,
        Chirality::Anticlockwise => 2,
        Chirality::Other { .. } => 3,
    };
    at = one_hot(&mut out, at, 5, Some(chiral_slot));
    at = one_hot(&mut out, at, 6, Some(usize::from(atom.hydrogens)));
    let hybridisation_slot = match atom.hybridisation {
        Hybridisation::Sp => Some(0),
        Hybridisation::Sp2 => Some(1),
        Hybridisation::Sp3 => Some(2),
        Hybridisation::Sp3d => Some(3),
        Hybridisation::Sp3d2 => Some(4),
        Hybridisation::S | Hybridisation::Other => None,
    };
    at = one_hot(&mut out, at, 6, hybridisation_slot);
    out[at] = f32::from(u8::from(atom.aromatic));
    out[at + 1] = (atom.mass() * 0.01) as f32;
    out
}

/// The 14 features of `bond`.
pub fn bond_features(bond: &Bond) -> Vec<f32> {
    let mut out = vec![0.0; BOND_FEATURES];
    let order_slot = match bond.order {
        BondOrder::Single => 1,
        BondOrder::Double => 2,
        BondOrder::Triple => 3,
        BondOrder::Aromatic => 4,
    };
    out[order_slot] = 1.0;
    out[5] = f32::from(u8::from(bond.conjugated));
    out[6] = f32::from(u8::from(bond.in_ring));
    let stereo_slot = match bond.stereo {
        DoubleBondStereo::None => 0,
        DoubleBondStereo::Z => 2,
        DoubleBondStereo::E => 3,
    };
    one_hot(&mut out, 7, 7, Some(stereo_slot));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::molecule::Molecule;

    #[test]
    fn atom_features_follow_the_documented_layout() {
        let m = Molecule::from_smiles("c1ccccc1[NH3+]").unwrap();
        let f = atom_features(&m.atoms()[6], m.total_degree(6));
        assert_eq!(f.len(), ATOM_FEATURES);
        let hot: Vec<usize> = (0..131).filter(|&i| f[i] == 1.0).collect();
        // N (Z 7), degree 4, charge +1, no chirality, 3 H, sp3
        assert_eq!(hot, vec![6, 101 + 4, 108 + 2, 114, 119 + 3, 125 + 2]);
        assert_eq!(f[131], 0.0);
        assert!((f[132] - 0.14007).abs() < 1e-4);
        let benzene_c = atom_features(&m.atoms()[0], m.total_degree(0));
        assert_eq!((benzene_c[5], benzene_c[126], benzene_c[131]), (1.0, 1.0, 1.0));
    }

    #[test]
    fn bond_features_follow_the_documented_layout() {
        let m = Molecule::from_smiles("F/C=C/c1ccccc1").unwrap();
        let double = bond_features(&m.bonds()[1]);
        assert_eq!(double, vec![0., 0., 1., 0., 0., 1., 0., 0., 0., 0., 1., 0., 0., 0.]);
        let aromatic = bond_features(&m.bonds()[3]);
        assert_eq!(aromatic, vec![0., 0., 0., 0., 1., 1., 1., 1., 0., 0., 0., 0., 0., 0.]);
    }
}
