//! A read molecule ready to show: its 2-D layout and Morgan fingerprint computed once, the SVG
//! (shared's, element colours) with any atoms highlighted, and the same in words for a screen
//! reader.

use shared::molecule::{
    Molecule,
    depict::Depiction,
    fingerprint::MorganFingerprint,
    svg::{SvgOptions, to_svg},
};

/// A molecule with what the page draws and highlights from.
#[derive(Debug, Clone, PartialEq)]
pub struct DrawnMolecule {
    pub molecule: Molecule,
    pub depiction: Depiction,
    /// ECFP4 (radius 2, 2,048 bits) with the environments behind each bit.
    pub fingerprint: MorganFingerprint,
}

/// One fingerprint bit that is set, as the page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BitSummary {
    pub bit: usize,
    /// The atoms of every environment that set it, ascending.
    pub atoms: Vec<usize>,
    /// "bit 1380: C1 radius 1 + N4 radius 0".
    pub label: String,
}

impl DrawnMolecule {
    pub fn new(molecule: Molecule) -> DrawnMolecule {
        let depiction = Depiction::new(&molecule);
        let fingerprint = MorganFingerprint::new(&molecule);
        DrawnMolecule { molecule, depiction, fingerprint }
    }

    /// The SVG with `weights` (one per atom, −1..=1) as discs behind the atoms.
    pub fn svg(&self, weights: Option<Vec<f32>>) -> String {
        let options = SvgOptions { highlights: weights, ..SvgOptions::default() };
        to_svg(&self.molecule, &self.depiction, &options)
    }

    /// An atom's name on the page: its symbol and 1-based index, `O3`.
    pub fn atom_name(&self, atom: usize) -> String {
        let symbol = self.molecule.atoms().get(atom).map_or("?", |a| a.element.symbol());
        format!("{symbol}{}", atom + 1)
    }

    /// "O3, C4 and N7" (at most `max` names, then how many more).
    pub fn atom_list(&self, atoms: &[usize], max: usize) -> String {
        let mut names: Vec<String> = atoms.iter().take(max).map(|&a| self.atom_name(a)).collect();
        if atoms.len() > max {
            names.push(format!("{} more", atoms.len() - max));
        }
        match names.split_last() {
            None => "no atoms".to_string(),
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        }
    }

    /// The set bits, ascending, each with its environments' atoms.
    pub fn bits(&self) -> Vec<BitSummary> {
        self.fingerprint.on_bits().into_iter().map(|bit| self.bit(bit)).collect()
    }

    /// One bit's summary (no atoms when the bit is not set).
    pub fn bit(&self, bit: usize) -> BitSummary {
        let environments =
            if bit < self.fingerprint.counts.len() { self.fingerprint.environments_of(bit) } else { &[] };
        let mut atoms: Vec<usize> = environments.iter().flat_map(|e| e.atoms(&self.molecule)).collect();
        atoms.sort_unstable();
        atoms.dedup();
        let centres: Vec<String> =
            environments.iter().map(|e| format!("{} radius {}", self.atom_name(e.atom), e.radius)).collect();
        BitSummary { bit, atoms, label: format!("bit {bit}: {}", centres.join(" + ")) }
    }

    /// The words a screen reader hears for the drawing: formula, atoms, and what is highlighted.
    pub fn summary(&self, highlighted: &[usize]) -> String {
        let heavy = self.molecule.heavy_atom_count();
        let mut text = format!(
            "Drawing of {} ({} heavy atom{}, {} bond{})",
            self.molecule.formula(),
            heavy,
            if heavy == 1 { "" } else { "s" },
            self.molecule.bonds().len(),
            if self.molecule.bonds().len() == 1 { "" } else { "s" }
        );
        if !highlighted.is_empty() {
            text.push_str(&format!("; highlighted: {}", self.atom_list(highlighted, 12)));
        }
        text.push('.');
        text
    }
}

/// Weights of 1 on `atoms` and 0 elsewhere, for `n` atoms.
pub fn mark(n: usize, atoms: &[usize]) -> Vec<f32> {
    let mut weights = vec![0.0; n];
    for &a in atoms.iter().filter(|&&a| a < n) {
        weights[a] = 1.0;
    }
    weights
}

/// Atoms whose |weight| is at least this share of the largest are named to a screen reader.
const NAMED_SHARE: f32 = 0.25;

/// What the drawing highlights: a weight per atom (−1..=1; empty for none) and the atoms named
/// in words, strongest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Highlight {
    pub weights: Vec<f32>,
    pub atoms: Vec<usize>,
}

impl Highlight {
    /// `atoms` (of `n`) marked alike.
    pub fn atoms(n: usize, atoms: Vec<usize>) -> Highlight {
        Highlight { weights: mark(n, &atoms), atoms }
    }

    /// Signed contributions, scaled so that the largest |contribution| is 1 (orange raises the
    /// value, blue lowers it).
    pub fn contributions(contributions: &[f64]) -> Highlight {
        let largest = contributions.iter().fold(0.0f64, |m, c| m.max(c.abs()));
        if largest <= 0.0 || !largest.is_finite() {
            return Highlight::default();
        }
        let weights: Vec<f32> = contributions.iter().map(|c| (c / largest) as f32).collect();
        let mut atoms: Vec<usize> = (0..weights.len()).filter(|&a| weights[a].abs() >= NAMED_SHARE).collect();
        atoms.sort_by(|&a, &b| weights[b].abs().total_cmp(&weights[a].abs()));
        Highlight { weights, atoms }
    }

    pub fn is_empty(&self) -> bool {
        self.weights.iter().all(|&w| w == 0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paracetamol() -> DrawnMolecule {
        DrawnMolecule::new(Molecule::from_smiles("CC(=O)Nc1ccc(O)cc1").unwrap())
    }

    #[test]
    fn bits_list_their_environments_atoms() {
        let drawn = paracetamol();
        let bits = drawn.bits();
        assert_eq!(bits.len(), drawn.fingerprint.on_bits().len());
        assert!(bits.iter().all(|b| !b.atoms.is_empty() && b.label.starts_with(&format!("bit {}: ", b.bit))));
        // The carbonyl O (atom 2) at radius 0 sets a bit whose only atom is that O.
        let oxygen = drawn.fingerprint.environments.iter().find(|e| e.atom == 2 && e.radius == 0).unwrap();
        assert!(drawn.bit(oxygen.bit).label.contains("O3 radius 0"));
        assert!(drawn.bit(5000).atoms.is_empty(), "a bit beyond the fingerprint has no atoms");
    }

    #[test]
    fn highlights_are_drawn_and_said() {
        let drawn = paracetamol();
        let svg = drawn.svg(Some(mark(11, &[2, 3])));
        assert_eq!(svg.matches("<circle").count(), 2);
        assert_eq!(drawn.svg(None).matches("<circle").count(), 0);
        assert_eq!(drawn.summary(&[2, 3]), "Drawing of C8H9NO2 (11 heavy atoms, 11 bonds); highlighted: O3 and N4.");
        assert_eq!(drawn.atom_list(&[0, 1, 2], 2), "C1, C2 and 1 more");
        assert_eq!(mark(3, &[1, 7]), vec![0.0, 1.0, 0.0]);
    }

    #[test]
    fn contributions_scale_to_the_largest_and_name_the_strong_atoms() {
        let h = Highlight::contributions(&[0.1, -0.8, 0.4, 0.0]);
        assert_eq!(h.weights, vec![0.125, -1.0, 0.5, 0.0]);
        assert_eq!(h.atoms, vec![1, 2]);
        assert!(Highlight::contributions(&[0.0, 0.0]).is_empty());
        assert_eq!(Highlight::atoms(3, vec![2]).weights, vec![0.0, 0.0, 1.0]);
    }
}
