//! Valences: implicit hydrogens of the organic subset (OpenSMILES default valences), which
//! aromatic atoms still need a double bond, and the check that no atom exceeds its valence.

use super::{BondOrder, Molecule, SmilesError, SmilesErrorKind};

/// OpenSMILES default valences of the organic subset: B 3, C 4, N 3/5, O 2, P 3/5, S 2/4/6,
/// halogens 1.
fn organic_valences(z: u8) -> &'static [u8] {
    match z {
        5 => &[3],
        6 => &[4],
        7 | 15 => &[3, 5],
        8 => &[2],
        16 => &[2, 4, 6],
        9 | 17 | 35 | 53 => &[1],
        _ => &[],
    }
}

/// Valences of neutral p-block elements (and H), ascending.
fn neutral_valences(z: u8) -> Option<&'static [u8]> {
    Some(match z {
        1 => &[1],
        5 | 13 | 31 | 49 => &[3],
        6 | 14 | 32 => &[4],
        50 => &[2, 4],
        7 | 15 | 33 | 51 => &[3, 5],
        8 => &[2],
        16 | 34 | 52 => &[2, 4, 6],
        9 => &[1],
        17 | 35 | 53 => &[1, 3, 5, 7],
        10 | 18 => &[0],
        36 => &[0, 2],
        54 => &[0, 2, 4, 6, 8],
        _ => return None,
    })
}

/// Valences allowed for element `z` with `charge`: those of the isoelectronic neutral element of
/// the same p-block row (N⁺ as C, O⁻ as F), at most 4 for a charged second-row atom (the octet).
/// `None` where no rule applies (metals, charged hydrogen).
pub(crate) fn allowed_valences(z: u8, charge: i8) -> Option<Vec<u8>> {
    if charge == 0 {
        return neutral_valences(z).map(<[u8]>::to_vec);
    }
    let row_of = |z: i32| match z {
        5..=10 => Some(2),
        13..=18 => Some(3),
        31..=36 => Some(4),
        49..=54 => Some(5),
        _ => None,
    };
    let (z, isoelectronic) = (i32::from(z), i32::from(z) - i32::from(charge));
    let row = row_of(z).filter(|&row| row_of(isoelectronic) == Some(row))?;
    let valences = neutral_valences(isoelectronic as u8)?;
    Some(valences.iter().copied().filter(|&v| row > 2 || v <= 4).collect())
}

/// Sum of bond valences at `atom`, single and aromatic bonds counting 1.
fn bond_valence(molecule: &Molecule, atom: usize, order: impl Fn(usize) -> BondOrder) -> u8 {
    molecule.neighbours[atom].iter().map(|&(_, bond)| order(bond).valence()).fold(0u8, u8::saturating_add)
}

/// Adds implicit hydrogens to organic-subset atoms and returns, per atom, whether it is an
/// aromatic atom that must take one double bond in the Kekulé structure.
///
/// An aromatic atom without a written double bond needs one unless its bonds plus hydrogens
/// already reach a valence (pyrrole `[nH]`, furan `o`, thiophene `s`); an organic-subset one
/// gets the hydrogens that complete the lowest valence with that double bond (`c` in benzene 1).
pub(crate) fn assign_implicit_hydrogens(molecule: &mut Molecule) -> Vec<bool> {
    let mut needs_double_bond = vec![false; molecule.atoms.len()];
    for (index, needs) in needs_double_bond.iter_mut().enumerate() {
        let atom = molecule.atoms[index];
        let used = bond_valence(molecule, index, |b| molecule.bonds[b].order).saturating_add(atom.hydrogens);
        let has_multiple_bond = molecule.neighbours[index]
            .iter()
            .any(|&(_, b)| matches!(molecule.bonds[b].order, BondOrder::Double | BondOrder::Triple));
        let pi_candidate = atom.aromatic && !has_multiple_bond;
        // Organic-subset atoms are written neutral; a charged one was charge-separated above.
        let valences = if atom.bracket || atom.formal_charge != 0 {
            allowed_valences(atom.element.z(), atom.formal_charge).unwrap_or_default()
        } else {
            organic_valences(atom.element.z()).to_vec()
        };
        let (implicit, needs_pi) = implicit_hydrogens(&valences, used, pi_candidate);
        *needs = needs_pi;
        if !atom.bracket {
            molecule.atoms[index].hydrogens = atom.hydrogens.saturating_add(implicit);
        }
    }
    needs_double_bond
}

/// The hydrogens that complete the lowest of `valences` not below `used` (bond valence plus
/// hydrogens already there), and whether the atom must take one double bond: an aromatic atom
/// without a multiple bond (`pi_candidate`) whose bonds reach no valence leaves room for one.
fn implicit_hydrogens(valences: &[u8], used: u8, pi_candidate: bool) -> (u8, bool) {
    if pi_candidate && !valences.contains(&used) {
        return valences.iter().find(|&&v| v > used).map_or((0, false), |&v| (v - used - 1, true));
    }
    if !pi_candidate && let Some(&v) = valences.iter().find(|&&v| v >= used) {
        return (v - used, false);
    }
    (0, false)
}

/// The hydrogens the reader gives `atom` of `molecule` when it is written without brackets
/// (organic subset, neutral) with its bonds in their perceived orders (aromatic bonds implicit
/// between aromatic atoms); `None` outside the organic subset.
pub(crate) fn unbracketed_hydrogens(molecule: &Molecule, atom: usize) -> Option<u8> {
    let valences = organic_valences(molecule.atoms[atom].element.z());
    if valences.is_empty() {
        return None;
    }
    let used = bond_valence(molecule, atom, |b| molecule.bonds[b].order);
    let has_multiple_bond = molecule.neighbours[atom]
        .iter()
        .any(|&(_, b)| matches!(molecule.bonds[b].order, BondOrder::Double | BondOrder::Triple));
    let pi_candidate = molecule.atoms[atom].aromatic && !has_multiple_bond;
    Some(implicit_hydrogens(valences, used, pi_candidate).0)
}

/// Rewrites a neutral pentavalent nitrogen with a double bond to an oxygen (nitro `N(=O)=O`,
/// aromatic N-oxide `n(=O)`) in charge-separated form `[N+][O-]`, as RDKit's sanitisation does
/// before kekulising, so charges, hybridisation and fingerprints agree with RDKit's reading.
/// Runs on the bonds as written: an aromatic atom's π bond counts one.
pub(crate) fn separate_nitrogen_oxide_charges(molecule: &mut Molecule) {
    for n in 0..molecule.atoms.len() {
        let atom = molecule.atoms[n];
        let bonds = &molecule.neighbours[n];
        let aromatic = bonds.iter().any(|&(_, b)| molecule.bonds[b].order == BondOrder::Aromatic);
        let valence = bond_valence(molecule, n, |b| molecule.bonds[b].order)
            .saturating_add(atom.hydrogens.saturating_add(u8::from(aromatic)));
        if atom.element.z() != 7 || atom.formal_charge != 0 || valence != 5 {
            continue;
        }
        let oxygen = bonds.iter().copied().find(|&(o, b)| {
            let o = &molecule.atoms[o];
            o.element.z() == 8 && o.formal_charge == 0 && molecule.bonds[b].order == BondOrder::Double
        });
        if let Some((o, b)) = oxygen {
            molecule.bonds[b].order = BondOrder::Single;
            molecule.bonds[b].kekule_order = BondOrder::Single;
            molecule.atoms[n].formal_charge = 1;
            molecule.atoms[o].formal_charge = -1;
        }
    }
}

/// Rejects an atom whose bonds (Kekulé orders) and hydrogens exceed the largest valence its
/// element and charge allow (pentavalent carbon, `[OH3]`); metals are not checked.
pub(crate) fn check(molecule: &Molecule) -> Result<(), SmilesError> {
    for (index, atom) in molecule.atoms.iter().enumerate() {
        let Some(max) = allowed_valences(atom.element.z(), atom.formal_charge).and_then(|v| v.last().copied()) else {
            continue;
        };
        let valence = bond_valence(molecule, index, |b| molecule.bonds[b].kekule_order).saturating_add(atom.hydrogens);
        if valence > max {
            let kind = SmilesErrorKind::ImpossibleValence { symbol: atom.symbol(), valence, max };
            return Err(SmilesError::new(atom.position, kind));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hydrogens(smiles: &str) -> Vec<u8> {
        Molecule::from_smiles(smiles).unwrap().atoms().iter().map(|a| a.hydrogens).collect()
    }

    #[test]
    fn implicit_hydrogens_follow_the_default_valences() {
        assert_eq!(hydrogens("CC(=O)O"), vec![3, 0, 0, 1]);
        assert_eq!(hydrogens("C#N"), vec![1, 0]);
        assert_eq!(hydrogens("CS(=O)(=O)C"), vec![3, 0, 0, 0, 3]);
        assert_eq!(hydrogens("CP(C)(C)=O"), vec![3, 0, 3, 3, 0]);
        assert_eq!(hydrogens("B"), vec![3]);
        assert_eq!(hydrogens("ClCBr"), vec![0, 2, 0]);
        assert_eq!(hydrogens("[CH2]C"), vec![2, 3]);
    }

    #[test]
    fn aromatic_atoms_get_hydrogens_that_leave_room_for_one_double_bond() {
        assert_eq!(hydrogens("c1ccccc1"), vec![1; 6]);
        assert_eq!(hydrogens("c1ccncc1"), vec![1, 1, 1, 0, 1, 1]);
        assert_eq!(hydrogens("c1cc[nH]c1"), vec![1, 1, 1, 1, 1]);
        assert_eq!(hydrogens("c1ccoc1"), vec![1, 1, 1, 0, 1]);
        assert_eq!(hydrogens("Cn1cccc1"), vec![3, 0, 1, 1, 1, 1]);
        assert_eq!(hydrogens("O=c1cc[nH]cc1"), vec![0, 0, 1, 1, 1, 1, 1]);
    }

    #[test]
    fn charged_atoms_use_the_isoelectronic_valences() {
        assert_eq!(allowed_valences(7, 1), Some(vec![4]));
        assert_eq!(allowed_valences(8, -1), Some(vec![1]));
        assert_eq!(allowed_valences(16, 1), Some(vec![3, 5]));
        assert_eq!(allowed_valences(11, 1), None);
    }

    #[test]
    fn impossible_valences_are_errors() {
        let error = Molecule::from_smiles("CC(C)(C)(C)C").unwrap_err();
        assert_eq!(error.position, 1);
        assert_eq!(error.to_string(), "impossible valence: C with 5 bonds (at most 4) at position 1");
        assert!(Molecule::from_smiles("[OH3]").is_err());
        assert!(Molecule::from_smiles("[OH3+]").is_ok());
        assert!(Molecule::from_smiles("F=C").is_err());
        assert!(Molecule::from_smiles("[Fe](C)(C)(C)(C)(C)(C)C").is_ok());
    }

    #[test]
    fn nitro_groups_become_charge_separated() {
        let m = Molecule::from_smiles("CN(=O)=O").unwrap();
        let charges: Vec<i8> = m.atoms().iter().map(|a| a.formal_charge).collect();
        assert_eq!(charges, vec![0, 1, -1, 0]);
        assert_eq!((m.bonds()[1].order, m.bonds()[2].order), (BondOrder::Single, BondOrder::Double));
        assert_eq!(m.atoms()[2].hydrogens, 0);
        let minoxidil = Molecule::from_smiles("Nc1cc(nc(N)n1=O)N2CCCCC2").unwrap();
        assert_eq!((minoxidil.atoms()[7].formal_charge, minoxidil.atoms()[8].formal_charge), (1, -1));
        assert!(minoxidil.atoms()[7].aromatic);
    }
}
