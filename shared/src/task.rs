//! The registry of prediction tasks: one entry per property a model can learn, with its unit,
//! valid range, the words the page shows and the table column it is read from.
//!
//! A new task goes here (plus a data column and a training configuration that selects it);
//! label arrays, batches, heads, metrics, model cards and CSV columns follow the list of tasks a
//! bundle's manifest declares. The featurise cache stores labels in registry order, so its
//! version is [`FINGERPRINT`].

/// What a task predicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskKind {
    /// A real number in the task's unit.
    Regression,
    /// A probability that the answer is yes (0 to 1).
    BinaryClassification,
}

/// One prediction task.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Task {
    /// The task's name in manifests, the `/api/v1` JSON and CSV headers.
    pub name: &'static str,
    /// The unit of its values (`eV/atom`, `eV`, `Å³/atom`).
    pub unit: &'static str,
    pub kind: TaskKind,
    /// Smallest valid value, in `unit` (`None`: unbounded).
    pub min: Option<f64>,
    /// Largest valid value, in `unit` (`None`: unbounded).
    pub max: Option<f64>,
    /// Smallest valid value for a structure of a single element, when that is stricter than
    /// `min` (formation energy: an element's ground state defines 0, so none of its polymorphs
    /// lies below it).
    pub elemental_min: Option<f64>,
    /// The page's heading for it.
    pub title: &'static str,
    /// What it means, in plain language.
    pub meaning: &'static str,
    /// How far to trust it.
    pub caveat: &'static str,
    /// Decimals the page shows for its value and σ.
    pub decimals: usize,
    /// The structure-table column holding its labels.
    pub column: &'static str,
}

impl Task {
    /// `value` moved into the task's valid range.
    pub fn clamp(&self, value: f64) -> f64 {
        let value = self.min.map_or(value, |min| value.max(min));
        self.max.map_or(value, |max| value.min(max))
    }

    /// `value` moved into the range valid for a structure of `elements` distinct elements
    /// (the physical limits: a band gap ≥ 0, an element's formation energy ≥ 0). A prediction so
    /// limited is never farther from a valid label than before.
    pub fn limit(&self, value: f64, elements: usize) -> f64 {
        let value = self.clamp(value);
        match self.elemental_min {
            Some(min) if elements == 1 => value.max(min),
            _ => value,
        }
    }

    /// Whether `value` is finite and inside the task's valid range.
    pub fn is_valid(&self, value: f64) -> bool {
        value.is_finite() && self.min.is_none_or(|min| value >= min) && self.max.is_none_or(|max| value <= max)
    }
}

const REGISTRY: &[Task] = &[
    Task {
        name: "formation_energy_per_atom",
        unit: "eV/atom",
        kind: TaskKind::Regression,
        min: None,
        max: None,
        elemental_min: Some(0.0),
        title: "Formation energy",
        meaning: "Energy per atom released (negative) or needed (positive) to form the compound from its elements; more negative means more strongly bound.",
        caveat: "A DFT (PBE, Materials Project-corrected) energy: compare compounds with it, not with calorimetry.",
        decimals: 3,
        column: "formation_energy_per_atom",
    },
    Task {
        name: "band_gap",
        unit: "eV",
        kind: TaskKind::Regression,
        min: Some(0.0),
        max: None,
        elemental_min: None,
        title: "Band gap",
        meaning: "Energy an electron needs to cross from filled to empty states: 0 for metals, a few eV for insulators.",
        caveat: "PBE band gaps underestimate measured gaps, often by 30–50 %.",
        decimals: 3,
        column: "band_gap",
    },
    Task {
        name: "energy_above_hull",
        unit: "eV/atom",
        kind: TaskKind::Regression,
        min: Some(0.0),
        max: None,
        elemental_min: None,
        title: "Energy above hull",
        meaning: "How far the compound lies above the most stable mix of competing phases: 0 is stable; larger values tend to decompose.",
        caveat: "Measured against the Materials Project 2022 convex hull; the model saw only ~1,750 such labels.",
        decimals: 3,
        column: "energy_above_hull",
    },
    Task {
        name: "efermi",
        unit: "eV",
        kind: TaskKind::Regression,
        min: None,
        max: None,
        elemental_min: None,
        title: "Fermi energy",
        meaning: "The energy up to which electron states are filled in the calculation.",
        caveat: "An absolute DFT level, not referenced to vacuum or a band edge: compare it only between similar calculations.",
        decimals: 2,
        column: "efermi",
    },
    Task {
        name: "volume_per_atom",
        unit: "Å³/atom",
        kind: TaskKind::Regression,
        min: Some(0.0),
        max: None,
        elemental_min: None,
        title: "Volume per atom",
        meaning: "The unit cell's volume divided by its number of atoms: how loosely the atoms pack.",
        caveat: "Learned from relaxed DFT cells, so it describes the relaxed structure, not necessarily the cell that was entered.",
        decimals: 2,
        column: "volume_per_atom",
    },
];

/// Every crystal task, in registry order (the order of the featurise cache's labels).
pub static TASKS: &[Task] = REGISTRY;

/// The molecule tasks (MoleculeNet, SCIENCE.md §7), read from a molecule table's label column.
/// Apart from [`TASKS`], so the crystal featurise cache and its [`FINGERPRINT`] stay as they are;
/// [`by_name`] finds both.
pub static MOLECULE_TASKS: &[Task] = &[
    Task {
        name: "log_solubility",
        unit: "log(mol/L)",
        kind: TaskKind::Regression,
        min: None,
        max: None,
        elemental_min: None,
        title: "Aqueous solubility",
        meaning: "The base-10 logarithm of how many moles dissolve in a litre of water at room temperature: −2 is 10 mmol/L; lower is less soluble.",
        caveat: "Learned from the 1,128 measured molecules of ESOL (Delaney 2004), mostly small drug-like and agrochemical compounds.",
        decimals: 2,
        column: "logSolubility",
    },
    Task {
        name: "hydration_free_energy",
        unit: "kcal/mol",
        kind: TaskKind::Regression,
        min: None,
        max: None,
        elemental_min: None,
        title: "Hydration free energy",
        meaning: "Free energy of moving the molecule from the gas phase into water: more negative means it is held more strongly by water.",
        caveat: "Learned from the 642 small neutral molecules of FreeSolv (Mobley & Guthrie 2014); ions and large molecules lie outside it.",
        decimals: 2,
        column: "expt",
    },
    Task {
        name: "lipophilicity",
        unit: "logD",
        kind: TaskKind::Regression,
        min: None,
        max: None,
        elemental_min: None,
        title: "Lipophilicity",
        meaning: "The base-10 logarithm of the octanol/water distribution coefficient at pH 7.4: higher means the molecule prefers fat to water.",
        caveat: "Learned from 4,200 ChEMBL (AstraZeneca) measurements of drug-like molecules, within about −1.5 to 4.5.",
        decimals: 2,
        column: "exp",
    },
    Task {
        name: "bace_inhibitor",
        unit: "probability",
        kind: TaskKind::BinaryClassification,
        min: Some(0.0),
        max: Some(1.0),
        elemental_min: None,
        title: "BACE-1 inhibitor",
        meaning: "The probability that the molecule inhibits human β-secretase 1 (an Alzheimer's target) with IC50 ≤ 100 nM.",
        caveat: "Learned from the 1,513 BACE molecules of MoleculeNet (Subramanian 2016), a single chemical series; far from it the probability means little.",
        decimals: 2,
        column: "Class",
    },
];

/// The MoleculeNet data set of each molecule task, in [`MOLECULE_TASKS`] order (its file under
/// `data/moleculenet/`).
pub const MOLECULE_DATASETS: [(&str, &str); 4] = [
    ("log_solubility", "esol"),
    ("hydration_free_energy", "freesolv"),
    ("lipophilicity", "lipophilicity"),
    ("bace_inhibitor", "bace"),
];

/// The tasks of the crystal models (`browser`, `server`) and of a training configuration that
/// names none, in their output order.
pub const CRYSTAL_TASKS: [&str; 4] = ["formation_energy_per_atom", "band_gap", "energy_above_hull", "efermi"];

/// The task called `name` (crystal or molecule).
pub fn by_name(name: &str) -> Option<&'static Task> {
    TASKS.iter().chain(MOLECULE_TASKS).find(|t| t.name == name)
}

impl Task {
    /// Whether the task is a molecule's ([`MOLECULE_TASKS`]) rather than a crystal's.
    pub fn is_molecular(&self) -> bool {
        MOLECULE_TASKS.iter().any(|t| t.name == self.name)
    }
}

/// The position of task `name` in [`TASKS`].
pub fn index(name: &str) -> Option<usize> {
    TASKS.iter().position(|t| t.name == name)
}

/// The labels of `tasks`, in their order, from labels in registry order (a featurised or table
/// row's); `None` where the list has none.
pub fn select(registry_labels: &[Option<f32>], tasks: &[&Task]) -> Vec<Option<f32>> {
    tasks.iter().map(|t| index(t.name).and_then(|k| registry_labels.get(k).copied().flatten())).collect()
}

/// FNV-1a (32-bit) of every task's name, column and kind, in registry order: changes whenever
/// a task is added, removed, reordered or reads another column.
pub const FINGERPRINT: u32 = fingerprint(REGISTRY);

const fn fingerprint(tasks: &[Task]) -> u32 {
    const PRIME: u32 = 0x0100_0193;
    const fn mix(mut hash: u32, bytes: &[u8]) -> u32 {
        let mut i = 0;
        while i < bytes.len() {
            hash = (hash ^ bytes[i] as u32).wrapping_mul(PRIME);
            i += 1;
        }
        // A separator, so that ("ab", "c") and ("a", "bc") differ.
        (hash ^ 0xff).wrapping_mul(PRIME)
    }
    let mut hash = 0x811c_9dc5;
    let mut i = 0;
    while i < tasks.len() {
        hash = mix(hash, tasks[i].name.as_bytes());
        hash = mix(hash, tasks[i].column.as_bytes());
        hash = mix(
            hash,
            match tasks[i].kind {
                TaskKind::Regression => b"regression",
                TaskKind::BinaryClassification => b"binary_classification",
            },
        );
        i += 1;
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_the_crystal_tasks_are_registered_in_order() {
        for (i, task) in TASKS.iter().enumerate() {
            assert_eq!(index(task.name), Some(i), "{} is registered twice", task.name);
            assert!(!task.unit.is_empty() && !task.meaning.is_empty() && !task.caveat.is_empty());
        }
        let positions: Vec<usize> = CRYSTAL_TASKS.iter().map(|n| index(n).unwrap()).collect();
        assert_eq!(positions, [0, 1, 2, 3]);
        assert_eq!(by_name("band_gap").unwrap().unit, "eV");
        assert!(by_name("colour").is_none());
        let labels = [Some(-1.0), Some(2.0), None, Some(4.0), Some(11.5)];
        let chosen = [by_name("volume_per_atom").unwrap(), by_name("band_gap").unwrap()];
        assert_eq!(select(&labels, &chosen), [Some(11.5), Some(2.0)]);
        assert_eq!(select(&labels[..2], &chosen), [None, Some(2.0)]);
    }

    #[test]
    fn molecule_tasks_are_found_by_name_but_stay_out_of_the_crystal_registry() {
        let names: Vec<&str> = TASKS.iter().chain(MOLECULE_TASKS).map(|t| t.name).collect();
        let unique: std::collections::BTreeSet<&&str> = names.iter().collect();
        assert_eq!(unique.len(), names.len(), "a name is registered twice");
        for task in MOLECULE_TASKS {
            assert_eq!(by_name(task.name), Some(task));
            assert!(task.is_molecular() && index(task.name).is_none());
            assert!(!task.unit.is_empty() && !task.meaning.is_empty() && !task.caveat.is_empty());
        }
        let datasets: Vec<&str> = MOLECULE_DATASETS.iter().map(|(task, _)| *task).collect();
        assert_eq!(datasets, MOLECULE_TASKS.iter().map(|t| t.name).collect::<Vec<_>>());
        assert!(!by_name("band_gap").unwrap().is_molecular());
        assert_eq!(by_name("bace_inhibitor").unwrap().kind, TaskKind::BinaryClassification);
        assert_eq!(FINGERPRINT, fingerprint(REGISTRY), "molecule tasks leave the crystal cache alone");
    }

    #[test]
    fn ranges_clamp_and_validate() {
        let gap = by_name("band_gap").unwrap();
        assert_eq!((gap.clamp(-0.2), gap.clamp(1.5)), (0.0, 1.5));
        assert!(gap.is_valid(0.0) && !gap.is_valid(-0.1) && !gap.is_valid(f64::NAN));
        let formation = by_name("formation_energy_per_atom").unwrap();
        assert_eq!(formation.clamp(-3.0), -3.0);
        assert_eq!((formation.limit(-3.0, 2), formation.limit(-0.1, 1), formation.limit(0.2, 1)), (-3.0, 0.0, 0.2));
        assert_eq!((gap.limit(-0.2, 1), gap.limit(-0.2, 3)), (0.0, 0.0));
        let probability = Task { kind: TaskKind::BinaryClassification, min: Some(0.0), max: Some(1.0), ..*gap };
        assert_eq!(probability.clamp(1.2), 1.0);
    }

    #[test]
    fn the_fingerprint_follows_the_registry() {
        assert_eq!(FINGERPRINT, fingerprint(TASKS));
        assert_ne!(fingerprint(&REGISTRY[..4]), FINGERPRINT);
        let mut renamed = REGISTRY.to_vec();
        renamed[0].column = "e_form";
        assert_ne!(fingerprint(&renamed), FINGERPRINT);
        assert_eq!(fingerprint(&REGISTRY.to_vec()), FINGERPRINT);
    }
}
