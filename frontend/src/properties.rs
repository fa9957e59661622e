//! What each predicted property means, in plain language, and how far to trust it.

/// The page's words for one property of [`shared::api::Predictions::NAMES`].
#[derive(Debug)]
pub struct PropertyInfo {
    pub name: &'static str,
    pub title: &'static str,
    pub meaning: &'static str,
    pub caveat: &'static str,
    /// Decimals shown for the value and σ.
    pub decimals: usize,
}

pub const PROPERTIES: [PropertyInfo; 4] = [
    PropertyInfo {
        name: "formation_energy_per_atom",
        title: "Formation energy",
        meaning: "Energy per atom released (negative) or needed (positive) to form the compound from its elements; more negative means more strongly bound.",
        caveat: "A DFT (PBE, Materials Project-corrected) energy: compare compounds with it, not with calorimetry.",
        decimals: 3,
    },
    PropertyInfo {
        name: "band_gap",
        title: "Band gap",
        meaning: "Energy an electron needs to cross from filled to empty states: 0 for metals, a few eV for insulators.",
        caveat: "PBE band gaps underestimate measured gaps, often by 30–50 %.",
        decimals: 3,
    },
    PropertyInfo {
        name: "energy_above_hull",
        title: "Energy above hull",
        meaning: "How far the compound lies above the most stable mix of competing phases: 0 is stable; larger values tend to decompose.",
        caveat: "Measured against the Materials Project 2022 convex hull; the model saw only ~1,750 such labels.",
        decimals: 3,
    },
    PropertyInfo {
        name: "efermi",
        title: "Fermi energy",
        meaning: "The energy up to which electron states are filled in the calculation.",
        caveat: "An absolute DFT level, not referenced to vacuum or a band edge: compare it only between similar calculations.",
        decimals: 2,
    },
];

/// The words for property `name`.
pub fn info(name: &str) -> Option<&'static PropertyInfo> {
    PROPERTIES.iter().find(|p| p.name == name)
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_predicted_property_is_explained() {
        for name in shared::api::Predictions::NAMES {
            let info = super::info(name).unwrap_or_else(|| panic!("no words for {name}"));
            assert!(!info.meaning.is_empty() && !info.caveat.is_empty());
        }
    }
}
