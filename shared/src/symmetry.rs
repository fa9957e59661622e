//! Space-group analysis with `moyo` (a pure-Rust spglib successor).
//!
//! Tolerance: `symprec` is a distance in Å: two positions closer than it are taken as the same
//! after a symmetry operation. [`DEFAULT_SYMPREC`] = 0.1 Å is the Materials Project's own
//! tolerance and suits relaxed DFT cells; use ~0.01 Å for accurate experimental structures.
//! Tight tolerances (1e-4) turn slightly noisy cells into low-symmetry subgroups.

use crate::error::{Error, Result};
use crate::structure::Structure;
use moyo::MoyoDataset;
use moyo::base::{Cell, Lattice as MoyoLattice};
use nalgebra::{Matrix3, Vector3};
use serde::{Deserialize, Serialize};

/// Default symmetry tolerance, Å (see module docs).
pub const DEFAULT_SYMPREC: f64 = 0.1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CrystalSystem {
    Triclinic,
    Monoclinic,
    Orthorhombic,
    Tetragonal,
    Trigonal,
    Hexagonal,
    Cubic,
}

impl CrystalSystem {
    /// The crystal system of an International Tables space-group number (1..=230).
    pub fn from_space_group(number: u16) -> CrystalSystem {
        match number {
            0..=2 => CrystalSystem::Triclinic,
            3..=15 => CrystalSystem::Monoclinic,
            16..=74 => CrystalSystem::Orthorhombic,
            75..=142 => CrystalSystem::Tetragonal,
            143..=167 => CrystalSystem::Trigonal,
            168..=194 => CrystalSystem::Hexagonal,
            _ => CrystalSystem::Cubic,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            CrystalSystem::Triclinic => "triclinic",
            CrystalSystem::Monoclinic => "monoclinic",
            CrystalSystem::Orthorhombic => "orthorhombic",
            CrystalSystem::Tetragonal => "tetragonal",
            CrystalSystem::Trigonal => "trigonal",
            CrystalSystem::Hexagonal => "hexagonal",
            CrystalSystem::Cubic => "cubic",
        }
    }
}

impl std::fmt::Display for CrystalSystem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The symmetry of a structure, with per-site data in the order of the input sites.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Symmetry {
    /// International Tables number, 1..=230.
    pub number: u16,
    /// Short Hermann–Mauguin symbol without spaces, e.g. "Fm-3m", "P6_3mc".
    pub symbol: String,
    pub crystal_system: CrystalSystem,
    /// Pearson symbol of the conventional cell, e.g. "cF8".
    pub pearson_symbol: String,
    /// Wyckoff letter of each site.
    pub wyckoffs: Vec<char>,
    /// For each site, the index of the first site of its symmetry orbit; sites with equal
    /// values are symmetry-equivalent.
    pub orbits: Vec<usize>,
    /// Number of symmetry operations of the input cell.
    pub num_operations: usize,
    /// The tolerance used, Å.
    pub symprec: f64,
    /// Row vectors of the conventional standard cell (what the description's lattice
    /// parameters describe, so they do not depend on the input cell's choice or size).
    #[serde(skip)]
    pub conventional_lattice: [[f64; 3]; 3],
}

impl Symmetry {
    /// Indices of one representative per symmetry-inequivalent site, in input order.
    pub fn inequivalent_sites(&self) -> Vec<usize> {
        (0..self.orbits.len()).filter(|&i| self.orbits[i] == i).collect()
    }

    /// Number of sites equivalent to representative `i` (its multiplicity in the input cell).
    pub fn multiplicity(&self, i: usize) -> usize {
        let rep = self.orbits[i];
        self.orbits.iter().filter(|&&o| o == rep).count()
    }
}

/// The short Hermann–Mauguin symbol of space-group type `number` in its standard setting,
/// without spaces, as [`analyze`] writes it (225 → "Fm-3m", 14 → "P2_1/c"); `None` outside
/// 1–230.
pub fn space_group_symbol(number: u16) -> Option<String> {
    (1..=530)
        .filter_map(moyo::data::hall_symbol_entry)
        .find(|entry| entry.number == i32::from(number))
        .map(|entry| entry.hm_short.split_whitespace().collect())
}

/// Finds the space group of `structure` with tolerance `symprec` (Å).
pub fn analyze(structure: &Structure, symprec: f64) -> Result<Symmetry> {
    if !(symprec > 0.0 && symprec.is_finite()) {
        return Err(Error::Symmetry { symprec, message: "the tolerance must be a positive number".into() });
    }
    let m = structure.lattice().matrix;
    let lattice = MoyoLattice::new(Matrix3::from_row_slice(&[
        m[0][0], m[0][1], m[0][2], m[1][0], m[1][1], m[1][2], m[2][0], m[2][1], m[2][2],
    ]));
    let positions = structure.sites().iter().map(|s| {
        let f = s.wrapped_frac();
        Vector3::new(f[0], f[1], f[2])
    });
    let numbers = structure.species().map(|e| e.z() as i32).collect();
    let cell = Cell::new(lattice, positions.collect(), numbers);
    let dataset =
        MoyoDataset::with_default(&cell, symprec).map_err(|e| Error::Symmetry { symprec, message: e.to_string() })?;
    let number = dataset.number as u16;
    Ok(Symmetry {
        number,
        symbol: dataset.hm_symbol.split_whitespace().collect(),
        crystal_system: CrystalSystem::from_space_group(number),
        pearson_symbol: dataset.pearson_symbol.clone(),
        wyckoffs: dataset.wyckoffs.clone(),
        orbits: dataset.orbits.clone(),
        num_operations: dataset.num_operations(),
        symprec,
        conventional_lattice: dataset.std_cell.lattice.basis_as_array(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_symbols_are_those_the_analysis_writes() {
        for name in ["rock-salt", "fluorite", "corundum", "wurtzite"] {
            let structure = crate::parse(crate::gallery::example(name).unwrap().cif).unwrap();
            let symmetry = analyze(&structure, DEFAULT_SYMPREC).unwrap();
            assert_eq!(space_group_symbol(symmetry.number), Some(symmetry.symbol), "{name}");
        }
        assert_eq!(space_group_symbol(14).as_deref(), Some("P2_1/c"));
        assert_eq!(space_group_symbol(0), None);
        assert_eq!(space_group_symbol(231), None);
    }
}
