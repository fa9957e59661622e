//! SMILES written from a [`Molecule`], in any atom order: the randomised SMILES that augment a
//! SMILES model's training data (SMILES enumeration, Bjerrum 2017; Arús-Pous et al. 2019).
//!
//! Each connected part is walked depth first from a start atom, branches in the order the walk
//! takes them, ring bonds closed with the lowest free digit (`%nn` above 9). Aromatic atoms are
//! written lowercase with their aromatic bonds implicit (a single bond between two aromatic
//! atoms is `-`); an atom goes in brackets when it is not in the organic subset, carries an
//! isotope or a charge, or has hydrogens the reader would not give it without brackets (`[nH]`).
//! Stereo marks (`@`, `/`, `\`) and atom classes are not written: matfuse keeps chirality tags
//! as written rather than re-deriving them from neighbour order (see the module above), so a
//! tag could not be carried over to a new order faithfully. Reading the result gives the same
//! atoms, bonds, hydrogens, charges and aromaticity (checked on every MoleculeNet molecule).

use super::{BondOrder, Molecule, valence};
use std::fmt::Write;

/// The SMILES of `molecule` in the order `pick` chooses: `pick(n)` returns an index below `n`
/// and decides the order of the parts, each part's start atom and each atom's neighbours
/// (`|_| 0` writes in atom order, a random index gives a random SMILES).
pub fn write_smiles(molecule: &Molecule, pick: &mut dyn FnMut(usize) -> usize) -> String {
    let walk = Walk::new(molecule, pick);
    let mut writer = Writer { molecule, walk: &walk, digit_of: vec![None; molecule.bonds().len()], free: Vec::new() };
    let mut out = String::new();
    for (index, &root) in walk.roots.iter().enumerate() {
        if index > 0 {
            out.push('.');
        }
        writer.write(root, None, &mut out);
    }
    out
}

/// A depth-first walk: the spanning-tree children of each atom in walk order, and the ring
/// bonds (the bonds the tree leaves out) at each of their two atoms.
struct Walk {
    roots: Vec<usize>,
    children: Vec<Vec<(usize, usize)>>,
    ring_bonds: Vec<Vec<usize>>,
}

impl Walk {
    fn new(molecule: &Molecule, pick: &mut dyn FnMut(usize) -> usize) -> Walk {
        let atoms = molecule.atoms().len();
        let mut walk =
            Walk { roots: Vec::new(), children: vec![Vec::new(); atoms], ring_bonds: vec![Vec::new(); atoms] };
        let mut visited = vec![false; atoms];
        let mut classified = vec![false; molecule.bonds().len()];
        let mut parts = molecule.components();
        shuffle(&mut parts, pick);
        for part in parts {
            let root = part[pick(part.len()).min(part.len() - 1)];
            walk.roots.push(root);
            // Iterative depth-first walk: (atom, its neighbours in walk order, next neighbour).
            visited[root] = true;
            let mut stack = vec![(root, ordered_neighbours(molecule, root, pick), 0)];
            while let Some((atom, neighbours, next)) = stack.last_mut() {
                let atom = *atom;
                let Some(&(neighbour, bond)) = neighbours.get(*next) else {
                    stack.pop();
                    continue;
                };
                *next += 1;
                if classified[bond] {
                    continue;
                }
                classified[bond] = true;
                if visited[neighbour] {
                    walk.ring_bonds[neighbour].push(bond);
                    walk.ring_bonds[atom].push(bond);
                } else {
                    visited[neighbour] = true;
                    walk.children[atom].push((neighbour, bond));
                    stack.push((neighbour, ordered_neighbours(molecule, neighbour, pick), 0));
                }
            }
        }
        walk
    }
}

fn ordered_neighbours(molecule: &Molecule, atom: usize, pick: &mut dyn FnMut(usize) -> usize) -> Vec<(usize, usize)> {
    let mut neighbours = molecule.neighbours(atom).to_vec();
    shuffle(&mut neighbours, pick);
    neighbours
}

/// Fisher–Yates with `pick`, choosing each place's item among those left (`|_| 0` keeps the
/// order).
fn shuffle<T>(items: &mut [T], pick: &mut dyn FnMut(usize) -> usize) {
    let len = items.len();
    for i in 0..len.saturating_sub(1) {
        items.swap(i, i + pick(len - i).min(len - i - 1));
    }
}

struct Writer<'a> {
    molecule: &'a Molecule,
    walk: &'a Walk,
    /// The ring digit an open ring bond holds.
    digit_of: Vec<Option<u32>>,
    /// Digits in use.
    free: Vec<u32>,
}

impl Writer<'_> {
    /// Writes `root`'s subtree (reached by `via`), iteratively so deep chains cannot overflow
    /// the stack.
    fn write(&mut self, root: usize, via: Option<usize>, out: &mut String) {
        enum Step {
            Atom(usize, Option<usize>),
            Text(&'static str),
        }
        let mut steps = vec![Step::Atom(root, via)];
        while let Some(step) = steps.pop() {
            let (atom, via) = match step {
                Step::Text(text) => {
                    out.push_str(text);
                    continue;
                }
                Step::Atom(atom, via) => (atom, via),
            };
            if let Some(bond) = via {
                out.push_str(self.bond_symbol(bond));
            }
            self.atom(atom, out);
            self.ring_digits(atom, out);
            let children = &self.walk.children[atom];
            // Pushed in reverse: the last child follows unbranched, the others in parentheses.
            for (index, &(child, bond)) in children.iter().enumerate().rev() {
                if index + 1 == children.len() {
                    steps.push(Step::Atom(child, Some(bond)));
                } else {
                    steps.push(Step::Text(")"));
                    steps.push(Step::Atom(child, Some(bond)));
                    steps.push(Step::Text("("));
                }
            }
        }
    }

    /// Closes the ring bonds opened earlier (bond symbol on the closing side), then opens the
    /// others; digits closed here are free again only after the atom, so no `C11`.
    fn ring_digits(&mut self, atom: usize, out: &mut String) {
        let bonds = &self.walk.ring_bonds[atom];
        let mut closed = Vec::new();
        for &bond in bonds {
            if let Some(digit) = self.digit_of[bond] {
                out.push_str(self.bond_symbol(bond));
                push_digit(out, digit);
                closed.push(digit);
            }
        }
        for &bond in bonds {
            if self.digit_of[bond].is_none() {
                let digit = (1..).find(|d| !self.free.contains(d)).expect("a free ring digit");
                self.free.push(digit);
                self.digit_of[bond] = Some(digit);
                push_digit(out, digit);
            }
        }
        self.free.retain(|d| !closed.contains(d));
    }

    fn bond_symbol(&self, bond: usize) -> &'static str {
        let bond = &self.molecule.bonds()[bond];
        let aromatic_ends = bond.atoms.iter().all(|&a| self.molecule.atoms()[a].aromatic);
        match bond.order {
            BondOrder::Single if aromatic_ends => "-",
            BondOrder::Single | BondOrder::Aromatic => "",
            BondOrder::Double => "=",
            BondOrder::Triple => "#",
        }
    }

    fn atom(&self, index: usize, out: &mut String) {
        let atom = &self.molecule.atoms()[index];
        let symbol = atom.symbol();
        let organic = matches!(
            symbol.as_str(),
            "B" | "C" | "N" | "O" | "P" | "S" | "F" | "Cl" | "Br" | "I" | "b" | "c" | "n" | "o" | "p" | "s"
        );
        let plain = organic
            && atom.isotope.is_none()
            && atom.formal_charge == 0
            && valence::unbracketed_hydrogens(self.molecule, index) == Some(atom.hydrogens);
        if plain {
            out.push_str(&symbol);
            return;
        }
        out.push('[');
        if let Some(isotope) = atom.isotope {
            let _ = write!(out, "{isotope}");
        }
        out.push_str(&symbol);
        match atom.hydrogens {
            0 => {}
            1 => out.push('H'),
            h => {
                let _ = write!(out, "H{h}");
            }
        }
        match atom.formal_charge {
            0 => {}
            1 => out.push('+'),
            -1 => out.push('-'),
            c => {
                let _ = write!(out, "{c:+}");
            }
        }
        out.push(']');
    }
}

fn push_digit(out: &mut String, digit: u32) {
    if digit < 10 {
        let _ = write!(out, "{digit}");
    } else {
        let _ = write!(out, "%{digit:02}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::molecule::fingerprint::MorganFingerprint;

    fn in_order(smiles: &str) -> String {
        write_smiles(&Molecule::from_smiles(smiles).unwrap(), &mut |_| 0)
    }

    /// A SplitMix64 stream as `pick`.
    fn random(seed: u64) -> impl FnMut(usize) -> usize {
        let mut rng = crate::rng::SplitMix64::new(seed);
        move |n| rng.below(n)
    }

    #[test]
    fn writes_in_atom_order_with_branches_rings_and_brackets() {
        assert_eq!(in_order("CC(=O)O"), "CC(=O)O");
        assert_eq!(in_order("c1ccccc1"), "c1ccccc1");
        assert_eq!(in_order("c1ccccc1-c1ccccc1"), "c1ccccc1-c1ccccc1");
        assert_eq!(in_order("c1cc[nH]c1"), "c1cc[nH]c1");
        assert_eq!(in_order("C1=CNC=C1"), "c1c[nH]cc1");
        assert_eq!(in_order("[NH3+]CC(=O)[O-]"), "[NH3+]CC(=O)[O-]");
        assert_eq!(in_order("[13CH4]"), "[13CH4]");
        assert_eq!(in_order("[CH4]"), "C");
        assert_eq!(in_order("N[C@@H](C)C(=O)O"), "NC(C)C(=O)O");
        assert_eq!(in_order("F/C=C/F"), "FC=CF");
        assert_eq!(in_order("[Na+].[Cl-]"), "[Na+].[Cl-]");
        assert_eq!(in_order("[Ca+2]"), "[Ca+2]");
        assert_eq!(in_order("C1CC2CCC1CC2"), "C1CC2CCC1CC2");
    }

    #[test]
    fn random_orders_read_back_as_the_same_molecule() {
        for smiles in [
            "CC(=O)Oc1ccccc1C(=O)O",
            "Cn1cnc2c1c(=O)n(C)c(=O)n2C",
            "O=[N+]([O-])c1ccc2[nH]ccc2c1",
            "C1CC2CC3CCC1C23",
            "OCC1OC(O)C(O)C(O)C1O.[Na+].[Cl-]",
            "c1ccc2c(c1)ccc1ccccc12",
            "C#CC1=CC=CS1",
            "[2H]C([2H])([2H])Cl",
        ] {
            let molecule = Molecule::from_smiles(smiles).unwrap();
            let fingerprint = MorganFingerprint::new(&molecule).identifiers();
            let mut pick = random(7);
            let mut written = std::collections::BTreeSet::new();
            for _ in 0..20 {
                let again = write_smiles(&molecule, &mut pick);
                let read = Molecule::from_smiles(&again).unwrap_or_else(|e| panic!("{smiles} → {again}: {e}"));
                assert_eq!(read.formula(), molecule.formula(), "{smiles} → {again}");
                assert_eq!(read.bonds().len(), molecule.bonds().len(), "{smiles} → {again}");
                assert_eq!(MorganFingerprint::new(&read).identifiers(), fingerprint, "{smiles} → {again}");
                written.insert(again);
            }
            assert!(written.len() > 1 || molecule.atoms().len() < 3, "{smiles}: one writing only");
        }
    }

    #[test]
    fn ring_numbers_above_nine_take_a_percent_sign() {
        let mut out = String::new();
        for digit in [1, 9, 10, 42] {
            push_digit(&mut out, digit);
        }
        assert_eq!(out, "19%10%42");
    }
}
