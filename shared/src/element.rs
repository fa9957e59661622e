//! Chemical elements Z = 1..=103 and their tabulated properties.

use serde::{Deserialize, Serialize};

#[rustfmt::skip]
mod data;
#[cfg(test)]
mod tests;

/// Element symbols indexed by Z − 1.
pub const SYMBOLS: [&str; 103] = [
    "H", "He", "Li", "Be", "B", "C", "N", "O", "F", "Ne", "Na", "Mg", "Al", "Si", "P", "S", "Cl", "Ar", "K", "Ca",
    "Sc", "Ti", "V", "Cr", "Mn", "Fe", "Co", "Ni", "Cu", "Zn", "Ga", "Ge", "As", "Se", "Br", "Kr", "Rb", "Sr", "Y",
    "Zr", "Nb", "Mo", "Tc", "Ru", "Rh", "Pd", "Ag", "Cd", "In", "Sn", "Sb", "Te", "I", "Xe", "Cs", "Ba", "La", "Ce",
    "Pr", "Nd", "Pm", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu", "Hf", "Ta", "W", "Re", "Os", "Ir",
    "Pt", "Au", "Hg", "Tl", "Pb", "Bi", "Po", "At", "Rn", "Fr", "Ra", "Ac", "Th", "Pa", "U", "Np", "Pu", "Am", "Cm",
    "Bk", "Cf", "Es", "Fm", "Md", "No", "Lr",
];

/// A chemical element, stored as its atomic number (1..=103).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Element(u8);

impl Element {
    /// Number of elements covered (Z = 1..=103).
    pub const COUNT: usize = 103;

    /// The element with atomic number `z`, if 1..=103.
    pub fn from_z(z: u8) -> Option<Element> {
        (1..=103).contains(&z).then_some(Element(z))
    }

    /// All elements, H to Lr.
    pub fn all() -> impl ExactSizeIterator<Item = Element> {
        (1..=103).map(Element)
    }

    /// Parses an element symbol, case-insensitively ("Fe", "FE", "fe"); also accepts "D"/"T"
    /// (hydrogen isotopes) as H.
    pub fn from_symbol(symbol: &str) -> Option<Element> {
        let s = symbol.trim();
        if s.eq_ignore_ascii_case("D") || s.eq_ignore_ascii_case("T") {
            return Some(Element(1));
        }
        SYMBOLS.iter().position(|x| x.eq_ignore_ascii_case(s)).map(|i| Element(i as u8 + 1))
    }

    /// Atomic number.
    pub fn z(self) -> u8 {
        self.0
    }

    pub fn symbol(self) -> &'static str {
        SYMBOLS[self.index()]
    }

    /// English name, pymatgen spelling ("Aluminum", "Cesium").
    pub fn name(self) -> &'static str {
        data::NAME[self.index()]
    }

    /// Standard atomic weight in amu; for elements without stable isotopes, the mass number of a
    /// long-lived isotope, as pymatgen (Tc 98, Pm 145, Rn 220, …).
    pub fn atomic_mass(self) -> f64 {
        data::ATOMIC_MASS[self.index()]
    }

    /// Pauling electronegativity, exactly pymatgen's `Element.X`; `None` for He, Ne and Ar.
    /// The Materials Project orders formulas by this value.
    pub fn electronegativity(self) -> Option<f64> {
        data::ELECTRONEGATIVITY[self.index()]
    }

    /// Period (row of the periodic table), 1..=7; lanthanoids 6, actinoids 7.
    pub fn period(self) -> u8 {
        data::PERIOD[self.index()]
    }

    /// IUPAC group, 1..=18. Lanthanoids and actinoids (La–Lu, Ac–Lr) are given group 3, as in
    /// pymatgen; [`Element::block`] tells them apart from Sc and Y.
    pub fn group(self) -> u8 {
        data::GROUP[self.index()]
    }

    /// Block of the periodic table: La–Yb and Ac–No are f, Lu and Lr d (as pymatgen), He s.
    pub fn block(self) -> Block {
        data::BLOCK[self.index()]
    }

    /// Covalent radius in Å (Cordero et al. 2008; Pyykkö & Atsumi 2009 for Bk–Lr).
    pub fn covalent_radius(self) -> f64 {
        data::COVALENT_RADIUS[self.index()]
    }

    /// Valence electrons, 1..=12: ns + np for s- and p-block elements (so noble gases have 8,
    /// He 2), ns + np + (n−1)d for d- and f-block elements, whose f shell counts as core.
    pub fn valence_electrons(self) -> u8 {
        data::VALENCE_ELECTRONS[self.index()]
    }

    /// First ionisation energy in eV (NIST).
    pub fn first_ionization_energy(self) -> f64 {
        data::IONIZATION_ENERGY[self.index()]
    }

    /// Electron affinity in eV, as pymatgen. Every element has a value: negative ones (He, Be,
    /// N, Mg, Mn, Zn, noble gases, …) are estimates for anions that are not bound.
    pub fn electron_affinity(self) -> f64 {
        data::ELECTRON_AFFINITY[self.index()]
    }

    /// Molar volume of the solid element in cm³/mol; `None` for At, Fr and Fm–Lr.
    pub fn atomic_volume(self) -> Option<f64> {
        data::MOLAR_VOLUME[self.index()]
    }

    /// Ground-state electron configuration in pymatgen notation, e.g. "[Ar].3d6.4s2".
    pub fn electronic_structure(self) -> &'static str {
        data::ELECTRONIC_STRUCTURE[self.index()]
    }

    /// Common oxidation states (pymatgen), ascending; empty for He, Ne, Ar and Rn.
    pub fn common_oxidation_states(self) -> &'static [i8] {
        data::COMMON_OXIDATION_STATES[self.index()]
    }

    /// Metal as pymatgen counts them: alkali and alkaline-earth metals, transition metals
    /// (including Zn, Cd, Hg), lanthanoids, actinoids, and Al, Ga, In, Sn, Tl, Pb, Bi.
    /// Metalloids (see [`Element::is_metalloid`]) are not metals.
    pub fn is_metal(self) -> bool {
        match self.block() {
            Block::S => self.0 != 1 && self.0 != 2,
            Block::D | Block::F => true,
            Block::P => matches!(self.0, 13 | 31 | 49 | 50 | 81 | 82 | 83),
        }
    }

    /// B, Si, Ge, As, Sb, Te and Po.
    pub fn is_metalloid(self) -> bool {
        matches!(self.0, 5 | 14 | 32 | 33 | 51 | 52 | 84)
    }

    /// He, Ne, Ar, Kr, Xe and Rn.
    pub fn is_noble_gas(self) -> bool {
        self.group() == 18
    }

    fn index(self) -> usize {
        self.0 as usize - 1
    }
}

/// Block of the periodic table: the subshell that the last electron fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Block {
    S,
    P,
    D,
    F,
}

impl Block {
    /// "s", "p", "d" or "f".
    pub fn as_str(self) -> &'static str {
        match self {
            Block::S => "s",
            Block::P => "p",
            Block::D => "d",
            Block::F => "f",
        }
    }
}

impl std::fmt::Display for Block {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Display for Element {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.symbol())
    }
}

impl TryFrom<String> for Element {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Element::from_symbol(&s).ok_or_else(|| format!("unknown element symbol '{s}'"))
    }
}

impl From<Element> for String {
    fn from(e: Element) -> String {
        e.symbol().to_string()
    }
}
