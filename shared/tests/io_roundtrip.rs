//! Property tests: parse(write(s)) gives back `s` for the five formats, on random valid
//! structures (random and skewed cells, 1–20 atoms at least 0.6 Å apart).

use proptest::prelude::*;
use shared::io::{
    ParseOptions, detect_format, parse_with, write_cif, write_optimade_json, write_poscar, write_pymatgen_json,
    write_xyz,
};
use shared::lattice::{Vec3, norm};
use shared::{Element, Format, Lattice, Site, Structure};

const MIN_DISTANCE: f64 = 0.6;

/// Shortest distance between two fractional points over all periodic images (Å).
fn periodic_distance(l: &Lattice, a: Vec3, b: Vec3) -> f64 {
    let reach = l.reciprocal_lengths().map(|r| (MIN_DISTANCE * r).ceil() as i64 + 1);
    let d = [0, 1, 2].map(|k| (a[k] - b[k]) - (a[k] - b[k]).round());
    let mut best = f64::INFINITY;
    for n0 in -reach[0]..=reach[0] {
        for n1 in -reach[1]..=reach[1] {
            for n2 in -reach[2]..=reach[2] {
                let f = [d[0] + n0 as f64, d[1] + n1 as f64, d[2] + n2 as f64];
                best = best.min(norm(l.to_cartesian(f)));
            }
        }
    }
    best
}

fn lattice() -> impl Strategy<Value = Lattice> {
    let from_parameters = (2.5..12.0f64, 2.5..12.0f64, 2.5..12.0f64, 40.0..140.0f64, 40.0..140.0f64, 40.0..140.0f64)
        .prop_filter_map("invalid angles", |(a, b, c, al, be, ga)| Lattice::from_parameters(a, b, c, al, be, ga).ok());
    let any_rows = prop::array::uniform3(prop::array::uniform3(-9.0..9.0f64))
        .prop_filter_map("degenerate", |m| Lattice::new(m).ok());
    prop_oneof![from_parameters, any_rows]
        .prop_filter("too thin for an atom", |l| l.reciprocal_lengths().iter().all(|r| 1.0 / r > 1.5 * MIN_DISTANCE))
}

fn structure() -> impl Strategy<Value = Structure> {
    let candidate = (1u8..=103, prop::array::uniform3(-0.3..1.3f64), prop::option::of(0u8..3));
    (lattice(), prop::collection::vec(candidate, 1..=20)).prop_filter_map("no atoms", |(lattice, candidates)| {
        let mut sites: Vec<Site> = Vec::new();
        for (z, frac, label) in candidates {
            if sites.iter().all(|s| periodic_distance(&lattice, s.frac, frac) >= MIN_DISTANCE) {
                let element = Element::from_z(z).unwrap();
                let label = label.map(|k| format!("{}{k}", element.symbol()));
                sites.push(Site { element, frac, label });
            }
        }
        Structure::new(lattice, sites).ok()
    })
}

fn forced(format: Format) -> ParseOptions {
    ParseOptions { format: Some(format), ..ParseOptions::default() }
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * (1.0 + a.abs().max(b.abs()))
}

/// The same lattice rows within what JSON's decimal numbers keep (serde_json reads a float to
/// within one unit in the last place).
fn same_rows(a: &Lattice, b: &Lattice) -> bool {
    a.matrix.iter().flatten().zip(b.matrix.iter().flatten()).all(|(&x, &y)| close(x, y, 1e-12))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn poscar_round_trip_is_exact(s in structure()) {
        let text = write_poscar(&s);
        prop_assert_eq!(detect_format(&text).unwrap(), Format::Poscar);
        let back = parse_with(&text, &forced(Format::Poscar)).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(back.lattice(), s.lattice());
        prop_assert_eq!(back.species().collect::<Vec<_>>(), s.species().collect::<Vec<_>>());
        for (a, b) in back.sites().iter().zip(s.sites()) {
            prop_assert_eq!(a.frac, b.frac);
        }
        prop_assert_eq!(write_poscar(&back), text);
    }

    #[test]
    fn xyz_round_trip(s in structure()) {
        let text = write_xyz(&s);
        prop_assert_eq!(detect_format(&text).unwrap(), Format::Xyz);
        let back = parse_with(&text, &forced(Format::Xyz)).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(back.lattice(), s.lattice());
        prop_assert_eq!(back.species().collect::<Vec<_>>(), s.species().collect::<Vec<_>>());
        for (a, b) in back.sites().iter().zip(s.sites()) {
            prop_assert!((0..3).all(|k| close(a.frac[k], b.frac[k], 1e-9)), "{:?} vs {:?}", a.frac, b.frac);
        }
    }

    #[test]
    fn pymatgen_json_round_trip(s in structure()) {
        let text = write_pymatgen_json(&s);
        prop_assert_eq!(detect_format(&text).unwrap(), Format::PymatgenJson);
        let back = parse_with(&text, &forced(Format::PymatgenJson)).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert!(same_rows(back.lattice(), s.lattice()), "{:?} vs {:?}", back.lattice(), s.lattice());
        prop_assert_eq!(back.len(), s.len());
        for (a, b) in back.sites().iter().zip(s.sites()) {
            prop_assert_eq!((a.element, a.display_label()), (b.element, b.display_label()));
            prop_assert!((0..3).all(|k| close(a.frac[k], b.frac[k], 1e-12)), "{:?} vs {:?}", a.frac, b.frac);
        }
    }

    #[test]
    fn optimade_json_round_trip(s in structure()) {
        let text = write_optimade_json(&s);
        prop_assert_eq!(detect_format(&text).unwrap(), Format::OptimadeJson);
        let back = parse_with(&text, &forced(Format::OptimadeJson)).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert!(same_rows(back.lattice(), s.lattice()), "{:?} vs {:?}", back.lattice(), s.lattice());
        prop_assert_eq!(back.len(), s.len());
        for (a, b) in back.sites().iter().zip(s.sites()) {
            prop_assert_eq!(a.element, b.element);
            prop_assert!((0..3).all(|k| close(a.frac[k], b.frac[k], 1e-9)), "{:?} vs {:?}", a.frac, b.frac);
        }
    }

    #[test]
    fn cif_round_trip(s in structure()) {
        let text = write_cif(&s);
        prop_assert_eq!(detect_format(&text).unwrap(), Format::Cif);
        let back = parse_with(&text, &forced(Format::Cif)).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        let (p, q) = (back.lattice().parameters(), s.lattice().parameters());
        for (x, y) in [(p.a, q.a), (p.b, q.b), (p.c, q.c), (p.alpha, q.alpha), (p.beta, q.beta), (p.gamma, q.gamma)] {
            prop_assert!(close(x, y, 1e-9), "{:?} vs {:?}", p, q);
        }
        prop_assert_eq!(back.len(), s.len());
        // A left-handed cell is written as its right-handed negative, with negated coordinates.
        let sign = if shared::lattice::det(&s.lattice().matrix) < 0.0 { -1.0 } else { 1.0 };
        let mut labels = std::collections::HashSet::new();
        for (a, b) in back.sites().iter().zip(s.sites()) {
            prop_assert_eq!(a.element, b.element);
            let (fa, fb) = (a.wrapped_frac(), b.frac.map(|x| sign * x));
            prop_assert!((0..3).all(|k| { let d = fa[k] - fb[k]; (d - d.round()).abs() < 1e-9 }), "{:?} vs {:?}", fa, fb);
            let label = a.label.clone().unwrap();
            if let Some(original) = &b.label {
                prop_assert!(label.starts_with(original.as_str()), "{} from {}", label, original);
            }
            prop_assert!(labels.insert(label), "labels must be unique");
        }
    }
}
