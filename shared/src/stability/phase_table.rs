//! The reference phases a convex hull is built from, indexed by chemical system, and their
//! compact serialisation for the web page.

use super::element_set::ElementSet;
use crate::composition::{parse_formula, reduced_formula_of, validated_amounts};
use crate::element::Element;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A known phase: an id (e.g. "mp-1234"), its composition and its formation energy.
#[derive(Debug, Clone, PartialEq)]
pub struct Phase {
    id: String,
    composition: Vec<(Element, f64)>,
    formation_energy_per_atom: f64,
}

impl Phase {
    /// A phase of `composition` (atoms per formula unit) with a formation energy in eV/atom.
    pub fn new(id: impl Into<String>, composition: &[(Element, f64)], formation_energy_per_atom: f64) -> Result<Phase> {
        if !formation_energy_per_atom.is_finite() {
            return Err(Error::NonFinite { what: "the formation energy per atom".to_string() });
        }
        Ok(Phase { id: id.into(), composition: validated_amounts(composition)?, formation_energy_per_atom })
    }

    /// A phase given by its formula ("Li2O2").
    pub fn from_formula(id: impl Into<String>, formula: &str, formation_energy_per_atom: f64) -> Result<Phase> {
        Phase::new(id, &parse_formula(formula)?, formation_energy_per_atom)
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// Atoms per formula unit, in formula order.
    pub fn composition(&self) -> &[(Element, f64)] {
        &self.composition
    }

    /// eV/atom, relative to the elements.
    pub fn formation_energy_per_atom(&self) -> f64 {
        self.formation_energy_per_atom
    }

    pub fn reduced_formula(&self) -> String {
        reduced_formula_of(&self.composition)
    }

    pub fn elements(&self) -> ElementSet {
        ElementSet::of(self.composition.iter().map(|&(e, _)| e))
    }
}

/// Reference phases grouped by chemical system (their exact element set), so that the phases of
/// a system with n elements are its 2ⁿ − 1 subsystems' groups. The pure elements at 0 eV/atom are
/// implicit and need not be listed.
#[derive(Debug, Clone, Default)]
pub struct PhaseTable {
    phases: Vec<Phase>,
    by_system: HashMap<ElementSet, Vec<u32>>,
}

impl PhaseTable {
    pub fn new(phases: Vec<Phase>) -> PhaseTable {
        let mut by_system: HashMap<ElementSet, Vec<u32>> = HashMap::new();
        for (index, phase) in phases.iter().enumerate() {
            by_system.entry(phase.elements()).or_default().push(index as u32);
        }
        PhaseTable { phases, by_system }
    }

    pub fn len(&self) -> usize {
        self.phases.len()
    }

    pub fn is_empty(&self) -> bool {
        self.phases.is_empty()
    }

    pub fn phases(&self) -> &[Phase] {
        &self.phases
    }

    /// Every phase whose elements all belong to `system`.
    pub fn phases_of_system(&self, system: ElementSet) -> impl Iterator<Item = &Phase> {
        system
            .subsets()
            .filter_map(|subset| self.by_system.get(&subset))
            .flatten()
            .map(|&index| &self.phases[index as usize])
    }

    /// The table as bytes (postcard; energies and amounts as f32, elements as atomic numbers).
    pub fn to_bytes(&self) -> Vec<u8> {
        let wire = WireTable {
            version: WIRE_VERSION,
            phases: self
                .phases
                .iter()
                .map(|p| WirePhase {
                    id: p.id.clone(),
                    composition: p.composition.iter().map(|&(e, n)| (e.z(), n as f32)).collect(),
                    formation_energy_per_atom: p.formation_energy_per_atom as f32,
                })
                .collect(),
        };
        postcard::to_stdvec(&wire).expect("a phase table always serialises")
    }

    /// Reads what [`PhaseTable::to_bytes`] wrote.
    pub fn from_bytes(bytes: &[u8]) -> Result<PhaseTable> {
        let invalid = |message: String| Error::InvalidPhaseTable { message };
        let wire: WireTable = postcard::from_bytes(bytes).map_err(|e| invalid(e.to_string()))?;
        if wire.version != WIRE_VERSION {
            return Err(invalid(format!("format version {}, expected {WIRE_VERSION}", wire.version)));
        }
        let phases = wire
            .phases
            .into_iter()
            .map(|p| {
                let composition = p
                    .composition
                    .iter()
                    .map(|&(z, n)| {
                        Element::from_z(z)
                            .map(|e| (e, f64::from(n)))
                            .ok_or_else(|| invalid(format!("atomic number {z} in {}", p.id)))
                    })
                    .collect::<Result<Vec<_>>>()?;
                Phase::new(p.id, &composition, f64::from(p.formation_energy_per_atom))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(PhaseTable::new(phases))
    }
}

impl PhaseTable {
    /// [`PhaseTable::to_bytes`] gzip-compressed: the shipped file's form (`models/weights/phases.bin.gz`).
    pub fn to_gzip(&self) -> Vec<u8> {
        use std::io::Write;
        let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gzip.write_all(&self.to_bytes()).expect("writing into memory cannot fail");
        gzip.finish().expect("writing into memory cannot fail")
    }

    /// Reads what [`PhaseTable::to_gzip`] wrote; more than [`MAX_TABLE_BYTES`] uncompressed is
    /// refused.
    pub fn from_gzip(compressed: &[u8]) -> Result<PhaseTable> {
        use std::io::Read;
        let mut bytes = Vec::new();
        flate2::read::GzDecoder::new(compressed)
            .take(MAX_TABLE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| Error::InvalidPhaseTable { message: format!("not gzip: {e}") })?;
        if bytes.len() as u64 > MAX_TABLE_BYTES {
            return Err(Error::InvalidPhaseTable { message: format!("over {MAX_TABLE_BYTES} bytes uncompressed") });
        }
        PhaseTable::from_bytes(&bytes)
    }
}

/// The largest uncompressed table read (bytes): the whole Materials Project fits several times.
pub const MAX_TABLE_BYTES: u64 = 64 << 20;

/// Bumped whenever [`WireTable`] changes.
const WIRE_VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct WireTable {
    version: u32,
    phases: Vec<WirePhase>,
}

#[derive(Serialize, Deserialize)]
struct WirePhase {
    id: String,
    /// (atomic number, atoms per formula unit).
    composition: Vec<(u8, f32)>,
    formation_energy_per_atom: f32,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn element(symbol: &str) -> Element {
        Element::from_symbol(symbol).unwrap()
    }

    /// The Li–O and Sr–Ti–O examples in one table.
    fn table() -> PhaseTable {
        let phases = crate::stability::tests::li_o()
            .phases()
            .iter()
            .chain(crate::stability::tests::sr_ti_o().phases())
            .cloned()
            .collect();
        PhaseTable::new(phases)
    }

    #[test]
    fn finds_the_phases_of_a_chemical_system_and_its_subsystems() {
        let table = table();
        let ids = |symbols: &[&str]| {
            let mut ids: Vec<&str> =
                table.phases_of_system(ElementSet::of(symbols.iter().map(|s| element(s)))).map(Phase::id).collect();
            ids.sort();
            ids
        };
        assert_eq!(ids(&["Li", "O"]), ["mp-1018134", "mp-1018789", "mp-1960", "mp-841", "mp-lio"]);
        assert_eq!(ids(&["Sr", "O"]), ["mp-2472"]);
        assert_eq!(ids(&["Sr", "Ti", "O"]), ["mp-2472", "mp-2657", "mp-5229"]);
        assert_eq!(ids(&["Li", "Sr", "Ti", "O"]).len(), 8);
        assert!(ids(&["Na", "Cl"]).is_empty());
    }

    #[test]
    fn round_trips_through_bytes() {
        let table = table();
        let back = PhaseTable::from_bytes(&table.to_bytes()).unwrap();
        assert_eq!(back.len(), table.len());
        for (a, b) in table.phases().iter().zip(back.phases()) {
            assert_eq!((a.id(), a.composition()), (b.id(), b.composition()));
            assert!((a.formation_energy_per_atom() - b.formation_energy_per_atom()).abs() < 1e-6);
        }
        assert_eq!(back.phases()[1].reduced_formula(), "Li2O2");
        assert_eq!(PhaseTable::from_gzip(&table.to_gzip()).unwrap().phases(), back.phases());
    }

    #[test]
    fn refuses_what_is_not_a_phase_table() {
        assert!(matches!(PhaseTable::from_bytes(b"\x07garbage"), Err(Error::InvalidPhaseTable { .. })));
        assert!(matches!(PhaseTable::from_gzip(b"\x07garbage"), Err(Error::InvalidPhaseTable { .. })));
        assert!(matches!(Phase::from_formula("x", "LiO", f64::NAN), Err(Error::NonFinite { .. })));
    }
}
