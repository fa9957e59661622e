//! Chemical elements Z = 1..=103 and their tabulated properties.

use serde::{Deserialize, Serialize};

mod data;

/// Element symbols indexed by Z − 1.
pub const SYMBOLS: [&str; 103] = [
    "H", "He", "Li", "Be", "B", "C", "N", "O", "F", "Ne", "Na", "Mg", "Al", "Si", "P", "S", "Cl",
    "Ar", "K", "Ca", "Sc", "Ti", "V", "Cr", "Mn", "Fe", "Co", "Ni", "Cu", "Zn", "Ga", "Ge", "As",
    "Se", "Br", "Kr", "Rb", "Sr", "Y", "Zr", "Nb", "Mo", "Tc", "Ru", "Rh", "Pd", "Ag", "Cd", "In",
    "Sn", "Sb", "Te", "I", "Xe", "Cs", "Ba", "La", "Ce", "Pr", "Nd", "Pm", "Sm", "Eu", "Gd", "Tb",
    "Dy", "Ho", "Er", "Tm", "Yb", "Lu", "Hf", "Ta", "W", "Re", "Os", "Ir", "Pt", "Au", "Hg", "Tl",
    "Pb", "Bi", "Po", "At", "Rn", "Fr", "Ra", "Ac", "Th", "Pa", "U", "Np", "Pu", "Am", "Cm", "Bk",
    "Cf", "Es", "Fm", "Md", "No", "Lr",
];

/// A chemical element, stored as its atomic number (1..=103).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Element(u8);

impl Element {
    pub fn from_z(z: u8) -> Option<Element> {
        (1..=103).contains(&z).then_some(Element(z))
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

    pub fn z(self) -> u8 {
        self.0
    }

    pub fn symbol(self) -> &'static str {
        SYMBOLS[self.index()]
    }

    /// Standard atomic weight in amu; for elements without stable isotopes, the mass number of
    /// the longest-lived isotope (as pymatgen).
    pub fn atomic_mass(self) -> f64 {
        data::ATOMIC_MASS[self.index()]
    }

    /// Pauling electronegativity, exactly pymatgen's `Element.X`; `None` for He, Ne and Ar.
    /// The Materials Project orders formulas by this value.
    pub fn electronegativity(self) -> Option<f64> {
        data::ELECTRONEGATIVITY[self.index()]
    }

    fn index(self) -> usize {
        self.0 as usize - 1
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
