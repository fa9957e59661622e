//! The textbook gallery through `describe`: space groups, coordination numbers, geometries and
//! bond lengths against values computed by hand from the lattice parameters, plus snapshots of
//! the full descriptions (one sentence per line).

use shared::describe::{DescribeOptions, Description, describe};
use shared::gallery::{Example, example, examples};
use shared::symmetry::{DEFAULT_SYMPREC, analyze};
use shared::{Element, Structure};
use std::time::Instant;

fn parse(e: &Example) -> Structure {
    shared::io::parse(e.cif).unwrap_or_else(|err| panic!("{}: {err}", e.id))
}

fn describe_example(e: &Example) -> (u16, Description) {
    let structure = parse(e);
    let symmetry = analyze(&structure, DEFAULT_SYMPREC).unwrap();
    (symmetry.number, describe(&structure, &symmetry, &DescribeOptions::default()))
}

struct Expected {
    id: &'static str,
    space_group: u16,
    /// (element, coordination number, geometry) per inequivalent site, in text order.
    sites: &'static [(&'static str, usize, &'static str)],
    /// (centre, neighbour, shortest, longest bond in Å).
    bonds: &'static [(&'static str, &'static str, f64, f64)],
}

const SQRT3_4: f64 = 0.433_012_701_892_219_3;
const SQRT1_2: f64 = std::f64::consts::FRAC_1_SQRT_2;

/// Bond lengths from the lattice parameters: a/2 in rock salt, a√3/2 in CsCl and bcc, a√3/4 in
/// diamond, zinc blende and fluorite, a/√2 in fcc and for Sr–O; wurtzite uc and
/// √(a²/3 + (½ − u)²c²); rutile √2·x·a and √(2(½ − x)²a² + c²/4); hcp a and √(a²/3 + c²/4);
/// spinel and corundum from the expanded coordinates.
const EXPECTED: &[Expected] = &[
    Expected {
        id: "rock-salt",
        space_group: 225,
        sites: &[("Na", 6, "octahedral"), ("Cl", 6, "octahedral")],
        bonds: &[("Na", "Cl", 2.820, 2.820)],
    },
    Expected {
        id: "cesium-chloride",
        space_group: 221,
        sites: &[("Cs", 8, "body-centered cubic"), ("Cl", 8, "body-centered cubic")],
        bonds: &[("Cs", "Cl", 4.123 * 2.0 * SQRT3_4, 4.123 * 2.0 * SQRT3_4)],
    },
    Expected {
        id: "diamond",
        space_group: 227,
        sites: &[("Si", 4, "tetrahedral")],
        bonds: &[("Si", "Si", 5.431 * SQRT3_4, 5.431 * SQRT3_4)],
    },
    Expected {
        id: "zinc-blende",
        space_group: 216,
        sites: &[("Ga", 4, "tetrahedral"), ("As", 4, "tetrahedral")],
        bonds: &[("Ga", "As", 5.653 * SQRT3_4, 5.653 * SQRT3_4)],
    },
    Expected {
        id: "wurtzite",
        space_group: 186,
        sites: &[("Zn", 4, "tetrahedral"), ("O", 4, "tetrahedral")],
        bonds: &[("Zn", "O", 1.97442, 0.382 * 5.207)],
    },
    Expected {
        id: "fluorite",
        space_group: 225,
        sites: &[("Ca", 8, "body-centered cubic"), ("F", 4, "tetrahedral")],
        bonds: &[("Ca", "F", 5.463 * SQRT3_4, 5.463 * SQRT3_4)],
    },
    Expected {
        id: "rutile",
        space_group: 136,
        sites: &[("Ti", 6, "octahedral"), ("O", 3, "trigonal planar")],
        bonds: &[("Ti", "O", 1.94865, 2.0 * SQRT1_2 * 0.3048 * 4.594)],
    },
    Expected {
        id: "perovskite",
        space_group: 221,
        sites: &[("Sr", 12, "cuboctahedral"), ("Ti", 6, "octahedral"), ("O", 6, "octahedral")],
        bonds: &[
            ("Sr", "O", 3.905 * SQRT1_2, 3.905 * SQRT1_2),
            ("Ti", "O", 3.905 / 2.0, 3.905 / 2.0),
            ("O", "Sr", 3.905 * SQRT1_2, 3.905 * SQRT1_2),
            ("O", "Ti", 3.905 / 2.0, 3.905 / 2.0),
        ],
    },
    Expected {
        id: "spinel",
        space_group: 227,
        sites: &[("Mg", 4, "tetrahedral"), ("Al", 6, "octahedral"), ("O", 4, "trigonal pyramidal")],
        bonds: &[("Mg", "O", 1.9222, 1.9222), ("Al", "O", 1.9265, 1.9265)],
    },
    Expected {
        id: "corundum",
        space_group: 167,
        sites: &[("Al", 6, "octahedral"), ("O", 4, "trigonal pyramidal")],
        bonds: &[("Al", "O", 1.8535, 1.9729)],
    },
    Expected {
        id: "bcc-iron",
        space_group: 229,
        sites: &[("Fe", 8, "body-centered cubic")],
        bonds: &[("Fe", "Fe", 2.8665 * 2.0 * SQRT3_4, 2.8665 * 2.0 * SQRT3_4)],
    },
    Expected {
        id: "hcp-magnesium",
        space_group: 194,
        sites: &[("Mg", 12, "anticuboctahedral")],
        bonds: &[("Mg", "Mg", 3.19706, 3.209)],
    },
    Expected {
        id: "fcc-copper",
        space_group: 225,
        sites: &[("Cu", 12, "cuboctahedral")],
        bonds: &[("Cu", "Cu", 3.615 * SQRT1_2, 3.615 * SQRT1_2)],
    },
];

fn el(symbol: &str) -> Element {
    Element::from_symbol(symbol).unwrap()
}

#[test]
fn space_groups_coordination_and_bond_lengths() {
    assert_eq!(EXPECTED.len(), examples().len());
    for x in EXPECTED {
        let (number, d) = describe_example(example(x.id).unwrap());
        assert_eq!(number, x.space_group, "{}", x.id);
        let found: Vec<(&str, usize, &str)> = d
            .sites
            .iter()
            .map(|s| (s.element.symbol(), s.coordination, s.geometry.as_deref().unwrap_or("-")))
            .collect();
        assert_eq!(found, x.sites, "{}", x.id);
        for &(centre, neighbour, min, max) in x.bonds {
            let site = d.sites.iter().find(|s| s.element == el(centre)).unwrap();
            let lengths = site.bond_lengths.iter().find(|b| b.element == el(neighbour)).unwrap();
            assert!(
                (lengths.min - min).abs() < 0.01 && (lengths.max - max).abs() < 0.01,
                "{}: {centre}–{neighbour} {:.4}–{:.4} Å, expected {min:.4}–{max:.4} Å",
                x.id,
                lengths.min,
                lengths.max
            );
        }
    }
}

#[test]
fn perovskite_oxygen_has_two_titanium_and_four_strontium() {
    let (_, d) = describe_example(example("perovskite").unwrap());
    let o = d.sites.iter().find(|s| s.element == el("O")).unwrap();
    assert_eq!(o.neighbors, vec![(el("Sr"), 4), (el("Ti"), 2)]);
    assert!(o.distorted);
    assert!(d.text.contains(
        "O is bonded to four equivalent Sr and two equivalent Ti atoms to form a mixture of distorted corner, edge, and face-sharing OSr4Ti2 octahedra."
    ));
}

#[test]
fn descriptions_lead_with_formula_structure_type_and_space_group() {
    let heads = [
        (
            "rock-salt",
            "NaCl is Halite, Rock Salt structured and crystallizes in the cubic Fm-3m space group (No. 225).",
        ),
        ("wurtzite", "ZnO is Wurtzite structured and crystallizes in the hexagonal P6_3mc space group (No. 186)."),
        ("rutile", "TiO2 is Rutile structured and crystallizes in the tetragonal P4_2/mnm space group (No. 136)."),
        ("corundum", "Al2O3 is Corundum structured and crystallizes in the trigonal R-3c space group (No. 167)."),
        ("spinel", "MgAl2O4 is Spinel structured and crystallizes in the cubic Fd-3m space group (No. 227)."),
    ];
    for (id, head) in heads {
        let (_, d) = describe_example(example(id).unwrap());
        assert_eq!(d.sentences[0], head);
    }
}

#[test]
fn description_ignores_origin_and_atom_order() {
    for e in examples() {
        let s = parse(e);
        let mut sites: Vec<_> = s.sites().to_vec();
        sites.reverse();
        for site in &mut sites {
            site.frac = [site.frac[0] + 0.137, site.frac[1] - 0.291, site.frac[2] + 0.05];
        }
        let moved = Structure::new(*s.lattice(), sites).unwrap();
        let text = |s: &Structure| describe(s, &analyze(s, DEFAULT_SYMPREC).unwrap(), &DescribeOptions::default()).text;
        assert_eq!(text(&s), text(&moved), "{}", e.id);
    }
}

#[test]
fn description_round_trips_through_json() {
    let (_, d) = describe_example(example("spinel").unwrap());
    let back: Description = serde_json::from_str(&serde_json::to_string(&d).unwrap()).unwrap();
    assert_eq!((&back.text, &back.sentences), (&d.text, &d.sentences));
    for (x, y) in back.sites.iter().zip(&d.sites) {
        assert_eq!(
            (x.element, x.coordination, &x.neighbors, &x.geometry),
            (y.element, y.coordination, &y.neighbors, &y.geometry)
        );
        assert!((x.bond_lengths[0].max - y.bond_lengths[0].max).abs() < 1e-12);
    }
}

#[test]
fn snapshots() {
    for e in examples() {
        let (_, d) = describe_example(e);
        insta::assert_snapshot!(e.id, d.sentences.join("\n"));
    }
}

/// ≪ 10 ms for ~50 atoms in release builds (printed always, asserted only without debug
/// assertions): spinel's 56-atom conventional cell.
#[test]
fn fast_enough_for_fifty_atoms() {
    let s = parse(example("spinel").unwrap());
    let symmetry = analyze(&s, DEFAULT_SYMPREC).unwrap();
    let runs = 20;
    let start = Instant::now();
    for _ in 0..runs {
        std::hint::black_box(describe(&s, &symmetry, &DescribeOptions::default()));
    }
    let per_call = start.elapsed() / runs;
    println!("describe: {per_call:?} per call for {} atoms", s.len());
    if !cfg!(debug_assertions) {
        assert!(per_call.as_secs_f64() < 0.01, "{per_call:?}");
    }
}
