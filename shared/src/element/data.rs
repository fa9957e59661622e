//! Per-element tables indexed by Z − 1. Generated from pymatgen's `periodic_table.json`
//! (pymatgen-core 2026.10.16) except where a table's doc comment names another source.

/// Standard atomic weight (amu); for elements without stable isotopes, the mass number of the
/// longest-lived isotope (pymatgen `Element.atomic_mass`).
pub(super) static ATOMIC_MASS: [f64; 103] = [
    1.00794, 4.002602, 6.941, 9.012182, 10.811, 12.0107, 14.0067, 15.9994,
    18.9984032, 20.1797, 22.98976928, 24.305, 26.9815386, 28.0855, 30.973762, 32.065,
    35.453, 39.948, 39.0983, 40.078, 44.955912, 47.867, 50.9415, 51.9961,
    54.938045, 55.845, 58.933195, 58.6934, 63.546, 65.409, 69.723, 72.64,
    74.9216, 78.96, 79.904, 83.798, 85.4678, 87.62, 88.90585, 91.224,
    92.90638, 95.94, 98.0, 101.07, 102.9055, 106.42, 107.8682, 112.411,
    114.818, 118.71, 121.76, 127.6, 126.90447, 131.293, 132.9054519, 137.327,
    138.90547, 140.116, 140.90765, 144.242, 145.0, 150.36, 151.964, 157.25,
    158.92535, 162.5, 164.93032, 167.259, 168.93421, 173.04, 174.967, 178.49,
    180.94788, 183.84, 186.207, 190.23, 192.217, 195.084, 196.966569, 200.59,
    204.3833, 207.2, 208.9804, 210.0, 210.0, 220.0, 223.0, 226.0,
    227.0, 232.03806, 231.03588, 238.02891, 237.0, 244.0, 243.0, 247.0,
    247.0, 251.0, 252.0, 257.0, 258.0, 259.0, 262.0,
];

/// Pauling electronegativity (pymatgen `Element.X`); `None` where pymatgen has none.
pub(super) static ELECTRONEGATIVITY: [Option<f64>; 103] = [
    Some(2.2), None, Some(0.98), Some(1.57), Some(2.04), Some(2.55),
    Some(3.04), Some(3.44), Some(3.98), None, Some(0.93), Some(1.31),
    Some(1.61), Some(1.9), Some(2.19), Some(2.58), Some(3.16), None,
    Some(0.82), Some(1.0), Some(1.36), Some(1.54), Some(1.63), Some(1.66),
    Some(1.55), Some(1.83), Some(1.88), Some(1.91), Some(1.9), Some(1.65),
    Some(1.81), Some(2.01), Some(2.18), Some(2.55), Some(2.96), Some(3.0),
    Some(0.82), Some(0.95), Some(1.22), Some(1.33), Some(1.6), Some(2.16),
    Some(1.9), Some(2.2), Some(2.28), Some(2.2), Some(1.93), Some(1.69),
    Some(1.78), Some(1.96), Some(2.05), Some(2.1), Some(2.66), Some(2.6),
    Some(0.79), Some(0.89), Some(1.1), Some(1.12), Some(1.13), Some(1.14),
    Some(1.13), Some(1.17), Some(1.2), Some(1.2), Some(1.1), Some(1.22),
    Some(1.23), Some(1.24), Some(1.25), Some(1.1), Some(1.27), Some(1.3),
    Some(1.5), Some(2.36), Some(1.9), Some(2.2), Some(2.2), Some(2.28),
    Some(2.54), Some(2.0), Some(1.62), Some(2.33), Some(2.02), Some(2.0),
    Some(2.2), Some(2.2), Some(0.7), Some(0.9), Some(1.1), Some(1.3),
    Some(1.5), Some(1.38), Some(1.36), Some(1.28), Some(1.3), Some(1.3),
    Some(1.3), Some(1.3), Some(1.3), Some(1.3), Some(1.3), Some(1.3),
    Some(1.3),
];
