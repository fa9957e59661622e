//! Per-element tables, indexed by Z − 1. Unless a table says otherwise, values are pymatgen's
//! (`pymatgen/core/periodic_table.json`, pymatgen-core 2026.10.16), so that formulas, masses and
//! densities agree with the Materials Project.

use super::Block::{self, D, F, P, S};

/// English names (pymatgen spelling: "Aluminum", "Cesium").
pub(super) static NAME: [&str; 103] = [
    "Hydrogen", "Helium", "Lithium", "Beryllium", "Boron", "Carbon", "Nitrogen", "Oxygen",
    "Fluorine", "Neon", "Sodium", "Magnesium", "Aluminum", "Silicon", "Phosphorus", "Sulfur",
    "Chlorine", "Argon", "Potassium", "Calcium", "Scandium", "Titanium", "Vanadium", "Chromium",
    "Manganese", "Iron", "Cobalt", "Nickel", "Copper", "Zinc", "Gallium", "Germanium", "Arsenic",
    "Selenium", "Bromine", "Krypton", "Rubidium", "Strontium", "Yttrium", "Zirconium", "Niobium",
    "Molybdenum", "Technetium", "Ruthenium", "Rhodium", "Palladium", "Silver", "Cadmium", "Indium",
    "Tin", "Antimony", "Tellurium", "Iodine", "Xenon", "Cesium", "Barium", "Lanthanum", "Cerium",
    "Praseodymium", "Neodymium", "Promethium", "Samarium", "Europium", "Gadolinium", "Terbium",
    "Dysprosium", "Holmium", "Erbium", "Thulium", "Ytterbium", "Lutetium", "Hafnium", "Tantalum",
    "Tungsten", "Rhenium", "Osmium", "Iridium", "Platinum", "Gold", "Mercury", "Thallium", "Lead",
    "Bismuth", "Polonium", "Astatine", "Radon", "Francium", "Radium", "Actinium", "Thorium",
    "Protactinium", "Uranium", "Neptunium", "Plutonium", "Americium", "Curium", "Berkelium",
    "Californium", "Einsteinium", "Fermium", "Mendelevium", "Nobelium", "Lawrencium",
];

/// Standard atomic weight (amu); for elements without stable isotopes, the mass number of the
/// longest-lived isotope.
pub(super) static ATOMIC_MASS: [f64; 103] = [
    1.00794, 4.002602, 6.941, 9.012182, 10.811, 12.0107, 14.0067, 15.9994, 18.9984032, 20.1797,
    22.98976928, 24.305, 26.9815386, 28.0855, 30.973762, 32.065, 35.453, 39.948, 39.0983, 40.078,
    44.955912, 47.867, 50.9415, 51.9961, 54.938045, 55.845, 58.933195, 58.6934, 63.546, 65.409,
    69.723, 72.64, 74.9216, 78.96, 79.904, 83.798, 85.4678, 87.62, 88.90585, 91.224, 92.90638,
    95.94, 98.0, 101.07, 102.9055, 106.42, 107.8682, 112.411, 114.818, 118.71, 121.76, 127.6,
    126.90447, 131.293, 132.9054519, 137.327, 138.90547, 140.116, 140.90765, 144.242, 145.0, 150.36,
    151.964, 157.25, 158.92535, 162.5, 164.93032, 167.259, 168.93421, 173.04, 174.967, 178.49,
    180.94788, 183.84, 186.207, 190.23, 192.217, 195.084, 196.966569, 200.59, 204.3833, 207.2,
    208.9804, 210.0, 210.0, 220.0, 223.0, 226.0, 227.0, 232.03806, 231.03588, 238.02891, 237.0,
    244.0, 243.0, 247.0, 247.0, 251.0, 252.0, 257.0, 258.0, 259.0, 262.0,
];

/// Pauling electronegativity; `None` where pymatgen has none (He, Ne, Ar).
pub(super) static ELECTRONEGATIVITY: [Option<f64>; 103] = [
    Some(2.2), None, Some(0.98), Some(1.57), Some(2.04), Some(2.55), Some(3.04), Some(3.44),
    Some(3.98), None, Some(0.93), Some(1.31), Some(1.61), Some(1.9), Some(2.19), Some(2.58),
    Some(3.16), None, Some(0.82), Some(1.0), Some(1.36), Some(1.54), Some(1.63), Some(1.66),
    Some(1.55), Some(1.83), Some(1.88), Some(1.91), Some(1.9), Some(1.65), Some(1.81), Some(2.01),
    Some(2.18), Some(2.55), Some(2.96), Some(3.0), Some(0.82), Some(0.95), Some(1.22), Some(1.33),
    Some(1.6), Some(2.16), Some(1.9), Some(2.2), Some(2.28), Some(2.2), Some(1.93), Some(1.69),
    Some(1.78), Some(1.96), Some(2.05), Some(2.1), Some(2.66), Some(2.6), Some(0.79), Some(0.89),
    Some(1.1), Some(1.12), Some(1.13), Some(1.14), Some(1.13), Some(1.17), Some(1.2), Some(1.2),
    Some(1.1), Some(1.22), Some(1.23), Some(1.24), Some(1.25), Some(1.1), Some(1.27), Some(1.3),
    Some(1.5), Some(2.36), Some(1.9), Some(2.2), Some(2.2), Some(2.28), Some(2.54), Some(2.0),
    Some(1.62), Some(2.33), Some(2.02), Some(2.0), Some(2.2), Some(2.2), Some(0.7), Some(0.9),
    Some(1.1), Some(1.3), Some(1.5), Some(1.38), Some(1.36), Some(1.28), Some(1.3), Some(1.3),
    Some(1.3), Some(1.3), Some(1.3), Some(1.3), Some(1.3), Some(1.3), Some(1.3),
];

/// Period (row); lanthanoids 6, actinoids 7.
pub(super) static PERIOD: [u8; 103] = [
    1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
    4, 4, 4, 4, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6,
    6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
    7, 7, 7, 7, 7, 7, 7,
];

/// IUPAC group 1..=18; lanthanoids and actinoids (La–Lu, Ac–Lr) 3, as pymatgen.
pub(super) static GROUP: [u8; 103] = [
    1, 18, 1, 2, 13, 14, 15, 16, 17, 18, 1, 2, 13, 14, 15, 16, 17, 18, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    10, 11, 12, 13, 14, 15, 16, 17, 18, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17,
    18, 1, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
    16, 17, 18, 1, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
];

/// Block: La–Yb and Ac–No are f, Lu and Lr d (as pymatgen); He is s (pymatgen says p).
pub(super) static BLOCK: [Block; 103] = [
    S, S, S, S, P, P, P, P, P, P, S, S, P, P, P, P, P, P, S, S, D, D, D, D, D, D, D, D, D, D, P, P,
    P, P, P, P, S, S, D, D, D, D, D, D, D, D, D, D, P, P, P, P, P, P, S, S, F, F, F, F, F, F, F, F,
    F, F, F, F, F, F, D, D, D, D, D, D, D, D, D, D, P, P, P, P, P, P, S, S, F, F, F, F, F, F, F, F,
    F, F, F, F, F, F, D,
];

/// Covalent radius (Å): Cordero et al., Dalton Trans. 2008, 2832 (H–Cm), as pymatgen's
/// `CovalentRadius`: C is the sp² value (0.73; sp³ 0.76) and Mn, Fe, Co the means of the
/// low- and high-spin values. Bk–Lr, which Cordero does not cover: Pyykkö & Atsumi,
/// Chem. Eur. J. 2009, 15, 186 (single-bond radii).
pub(super) static COVALENT_RADIUS: [f64; 103] = [
    0.31, 0.28, 1.28, 0.96, 0.84, 0.73, 0.71, 0.66, 0.57, 0.58, 1.66, 1.41, 1.21, 1.11, 1.07, 1.05,
    1.02, 1.06, 2.03, 1.76, 1.7, 1.6, 1.53, 1.39, 1.5, 1.42, 1.38, 1.24, 1.32, 1.22, 1.22, 1.2,
    1.19, 1.2, 1.2, 1.16, 2.2, 1.95, 1.9, 1.75, 1.64, 1.54, 1.47, 1.46, 1.42, 1.39, 1.45, 1.44,
    1.42, 1.39, 1.39, 1.38, 1.39, 1.4, 2.44, 2.15, 2.07, 2.04, 2.03, 2.01, 1.99, 1.98, 1.98, 1.96,
    1.94, 1.92, 1.92, 1.89, 1.9, 1.87, 1.87, 1.75, 1.7, 1.62, 1.51, 1.44, 1.41, 1.36, 1.36, 1.32,
    1.45, 1.46, 1.48, 1.4, 1.5, 1.5, 2.6, 2.21, 2.15, 2.06, 2.0, 1.96, 1.9, 1.87, 1.8, 1.69, 1.68,
    1.68, 1.65, 1.67, 1.73, 1.76, 1.61,
];

/// First ionisation energy (eV, NIST ASD).
pub(super) static IONIZATION_ENERGY: [f64; 103] = [
    13.598434599702, 24.587389011, 5.391714996, 9.322699, 8.298019, 11.260288, 14.53413, 13.618055,
    17.42282, 21.564541, 5.13907696, 7.646236, 5.985769, 8.15168, 10.486686, 10.36001, 12.967633,
    15.7596119, 4.34066373, 6.11315547, 6.56149, 6.82812, 6.746187, 6.76651, 7.434038, 7.9024681,
    7.88101, 7.639878, 7.72638, 9.394197, 5.999302, 7.899435, 9.78855, 9.752392, 11.81381,
    13.9996055, 4.1771281, 5.69486745, 6.21726, 6.634126, 6.75885, 7.09243, 7.11938, 7.3605, 7.4589,
    8.336839, 7.576234, 8.99382, 5.7863557, 7.343918, 8.608389, 9.009808, 10.45126, 12.1298437,
    3.89390572743, 5.2116646, 5.5769, 5.5386, 5.4702, 5.525, 5.58187, 5.64371, 5.670385, 6.1498,
    5.8638, 5.93905, 6.0215, 6.1077, 6.18431, 6.25416, 5.425871, 6.82507, 7.549571, 7.86403,
    7.83352, 8.43823, 8.96702, 8.95883, 9.225554, 10.437504, 6.1082873, 7.4166799, 7.285516,
    8.41807, 9.31751, 10.7485, 4.0727411, 5.2784239, 5.380226, 6.3067, 5.89, 6.19405, 6.26554,
    6.02576, 5.97381, 5.99141, 6.19785, 6.28166, 6.36758, 6.5, 6.58, 6.62621, 4.96,
];

/// Electron affinity (eV); negative for elements whose anion is unbound (theoretical
/// estimates, e.g. He −0.52, N −0.07).
pub(super) static ELECTRON_AFFINITY: [f64; 103] = [
    0.75419519, -0.52, 0.61804922, -0.52, 0.27972325, 1.262122611, -0.07, 1.461112979, 3.401189824,
    -1.22, 0.54792625, -0.42, 0.432835, 1.38952128, 0.74660911, 2.07710426, 3.61272528, -1.02,
    0.50145913, 0.024551, 0.17938023, 0.075545, 0.527662, 0.67592827, -0.52, 0.15323635, 0.66225547,
    1.1571612, 1.235784, -0.62, 0.30116615, 1.232676413, 0.8044863, 2.020604712, 3.3635883, -1.02,
    0.48591621, 0.052066, 0.3112922, 0.433289, 0.917407, 0.747238, 0.552, 1.046272, 1.142892,
    0.5621412, 1.304473, -0.72, 0.383926, 1.1120702, 1.04740119, 1.9708757, 3.059046537, -0.82,
    0.471598338, 0.144626, 0.5575462, 0.60016027, 0.1092346, 0.0974933, 0.129, 0.162, 0.11613,
    0.2123, 0.131318, 0.0153, 0.338, 0.312, 1.02922, -0.02, 0.23887, 0.17807, 0.32885923,
    0.81650082, 0.06039664, 1.07766124, 1.56405712, 2.125105, 2.30861025, -0.52, 0.32005319,
    0.3567212, 0.94236213, 1.407, 2.415787, -0.72, 0.486, 0.1, 0.35, 0.607696, 0.55, 0.314979, 0.48,
    -0.5, 0.1, 0.28, -1.72, -1.01, -0.3, 0.35, 0.98, -2.33, -0.31,
];

/// Molar volume of the solid element (cm³/mol); `None` for At, Fr and Fm–Lr. Tm is
/// 168.934 / 9.32 g cm⁻³ = 18.12 (pymatgen's 19.1 does not match Tm's density).
pub(super) static MOLAR_VOLUME: [Option<f64>; 103] = [
    Some(11.42), Some(21.0), Some(13.02), Some(4.85), Some(4.39), Some(5.29), Some(13.54),
    Some(17.36), Some(11.2), Some(13.23), Some(23.78), Some(14.0), Some(10.0), Some(12.06),
    Some(17.02), Some(15.53), Some(17.39), Some(22.56), Some(45.94), Some(26.2), Some(15.0),
    Some(10.64), Some(8.32), Some(7.23), Some(7.35), Some(7.09), Some(6.67), Some(6.59), Some(7.11),
    Some(9.16), Some(11.8), Some(13.63), Some(12.95), Some(16.42), Some(19.78), Some(27.99),
    Some(55.76), Some(33.94), Some(19.88), Some(14.02), Some(10.83), Some(9.38), Some(8.63),
    Some(8.17), Some(8.28), Some(8.56), Some(10.27), Some(13.0), Some(15.76), Some(16.29),
    Some(18.19), Some(20.46), Some(25.72), Some(35.92), Some(70.94), Some(38.16), Some(22.39),
    Some(20.69), Some(20.8), Some(20.59), Some(20.23), Some(19.98), Some(28.97), Some(19.9),
    Some(19.3), Some(19.01), Some(18.74), Some(18.46), Some(18.12), Some(24.84), Some(17.78),
    Some(13.44), Some(10.85), Some(9.47), Some(8.86), Some(8.42), Some(8.52), Some(9.09),
    Some(10.21), Some(14.09), Some(17.22), Some(18.26), Some(21.31), Some(22.97), None, Some(50.5),
    None, Some(41.09), Some(22.55), Some(19.8), Some(15.18), Some(12.49), Some(11.59), Some(12.29),
    Some(17.63), Some(18.05), Some(16.84), Some(16.5), Some(28.52), None, None, None, None,
];

/// Valence electrons: ns + np for s- and p-block elements (noble gases 8, He 2);
/// ns + np + (n−1)d for d- and f-block elements, the f shell counted as core (as CGCNN,
/// whose features need 1..=12).
pub(super) static VALENCE_ELECTRONS: [u8; 103] = [
    1, 2, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 3,
    4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 3, 4, 5, 6, 7, 8, 1, 2, 3, 3, 2, 2, 2, 2,
    2, 3, 2, 2, 2, 2, 2, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 3, 3, 3,
    2, 2, 3, 2, 2, 2, 2, 2, 2, 3,
];

/// Ground-state electron configuration, pymatgen notation ("[Ar].3d6.4s2").
pub(super) static ELECTRONIC_STRUCTURE: [&str; 103] = [
    "1s1", "1s2", "[He].2s1", "[He].2s2", "[He].2s2.2p1", "[He].2s2.2p2", "[He].2s2.2p3",
    "[He].2s2.2p4", "[He].2s2.2p5", "[He].2s2.2p6", "[Ne].3s1", "[Ne].3s2", "[Ne].3s2.3p1",
    "[Ne].3s2.3p2", "[Ne].3s2.3p3", "[Ne].3s2.3p4", "[Ne].3s2.3p5", "[Ne].3s2.3p6", "[Ar].4s1",
    "[Ar].4s2", "[Ar].3d1.4s2", "[Ar].3d2.4s2", "[Ar].3d3.4s2", "[Ar].3d5.4s1", "[Ar].3d5.4s2",
    "[Ar].3d6.4s2", "[Ar].3d7.4s2", "[Ar].3d8.4s2", "[Ar].3d10.4s1", "[Ar].3d10.4s2",
    "[Ar].3d10.4s2.4p1", "[Ar].3d10.4s2.4p2", "[Ar].3d10.4s2.4p3", "[Ar].3d10.4s2.4p4",
    "[Ar].3d10.4s2.4p5", "[Ar].3d10.4s2.4p6", "[Kr].5s1", "[Kr].5s2", "[Kr].4d1.5s2",
    "[Kr].4d2.5s2", "[Kr].4d4.5s1", "[Kr].4d5.5s1", "[Kr].4d5.5s2", "[Kr].4d7.5s1", "[Kr].4d8.5s1",
    "[Kr].4d10", "[Kr].4d10.5s1", "[Kr].4d10.5s2", "[Kr].4d10.5s2.5p1", "[Kr].4d10.5s2.5p2",
    "[Kr].4d10.5s2.5p3", "[Kr].4d10.5s2.5p4", "[Kr].4d10.5s2.5p5", "[Kr].4d10.5s2.5p6", "[Xe].6s1",
    "[Xe].6s2", "[Xe].5d1.6s2", "[Xe].4f1.5d1.6s2", "[Xe].4f3.6s2", "[Xe].4f4.6s2", "[Xe].4f5.6s2",
    "[Xe].4f6.6s2", "[Xe].4f7.6s2", "[Xe].4f7.5d1.6s2", "[Xe].4f9.6s2", "[Xe].4f10.6s2",
    "[Xe].4f11.6s2", "[Xe].4f12.6s2", "[Xe].4f13.6s2", "[Xe].4f14.6s2", "[Xe].4f14.5d1.6s2",
    "[Xe].4f14.5d2.6s2", "[Xe].4f14.5d3.6s2", "[Xe].4f14.5d4.6s2", "[Xe].4f14.5d5.6s2",
    "[Xe].4f14.5d6.6s2", "[Xe].4f14.5d7.6s2", "[Xe].4f14.5d9.6s1", "[Xe].4f14.5d10.6s1",
    "[Xe].4f14.5d10.6s2", "[Xe].4f14.5d10.6s2.6p1", "[Xe].4f14.5d10.6s2.6p2",
    "[Xe].4f14.5d10.6s2.6p3", "[Xe].4f14.5d10.6s2.6p4", "[Xe].4f14.5d10.6s2.6p5",
    "[Xe].4f14.5d10.6s2.6p6", "[Rn].7s1", "[Rn].7s2", "[Rn].6d1.7s2", "[Rn].6d2.7s2",
    "[Rn].5f2.6d1.7s2", "[Rn].5f3.6d1.7s2", "[Rn].5f4.6d1.7s2", "[Rn].5f6.7s2", "[Rn].5f7.7s2",
    "[Rn].5f7.6d1.7s2", "[Rn].5f9.7s2", "[Rn].5f10.7s2", "[Rn].5f11.7s2", "[Rn].5f12.7s2",
    "[Rn].5f13.7s2", "[Rn].5f14.7s2", "[Rn].5f14.7s2.7p1",
];

/// Common oxidation states (pymatgen); empty for He, Ne, Ar and Rn.
pub(super) static COMMON_OXIDATION_STATES: [&[i8]; 103] = [
    &[-1, 1], &[], &[1], &[2], &[3], &[-4, -3, -2, -1, 0, 1, 2, 3, 4], &[-3, 3, 5], &[-2], &[-1],
    &[], &[1], &[2], &[3], &[-4, 4], &[-3, 3, 5], &[-2, 2, 4, 6], &[-1, 1, 3, 5, 7], &[], &[1],
    &[2], &[3], &[4], &[5], &[3, 6], &[2, 4, 7], &[2, 3], &[2, 3], &[2], &[2], &[2], &[3],
    &[-4, 2, 4], &[-3, 3, 5], &[-2, 2, 4, 6], &[-1, 1, 3, 5], &[2], &[1], &[2], &[3], &[4], &[5],
    &[4, 6], &[4, 7], &[3, 4], &[3], &[2, 4], &[1], &[2], &[3], &[-4, 2, 4], &[-3, 3, 5],
    &[-2, 2, 4, 6], &[-1, 1, 3, 5, 7], &[2, 4, 6], &[1], &[2], &[3], &[3, 4], &[3], &[3], &[3],
    &[3], &[2, 3], &[3], &[3], &[3], &[3], &[3], &[3], &[3], &[3], &[4], &[5], &[4, 6], &[4, 7],
    &[4], &[3, 4], &[2, 4], &[3], &[1, 2], &[1, 3], &[2, 4], &[3], &[-2, 2, 4], &[-1, 1], &[], &[1],
    &[2], &[3], &[4], &[5], &[6], &[5], &[4], &[3], &[3], &[3], &[3], &[3], &[3], &[3], &[3], &[3],
];
