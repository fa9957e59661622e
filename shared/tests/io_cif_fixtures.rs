//! Each symmetry CIF in `tests/fixtures/` expands to the same cell as its P1 counterpart
//! (computed independently by `tests/fixtures/make_fixtures.py`).

use shared::io::{ParseOptions, cif_block_names, parse_with};
use shared::{Format, Structure};

fn read(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn parse_block(name: &str, block: Option<&str>) -> Structure {
    let opts = ParseOptions { block: block.map(str::to_string), ..ParseOptions::default() };
    parse_with(&read(name), &opts).unwrap_or_else(|e| panic!("{name} [{block:?}]: {e}"))
}

/// Same lattice, and the same multiset of (element, wrapped fractional position) within 1e-6.
fn assert_same_cell(a: &Structure, b: &Structure, what: &str) {
    for (ra, rb) in a.lattice().matrix.iter().zip(&b.lattice().matrix) {
        for (x, y) in ra.iter().zip(rb) {
            assert!((x - y).abs() < 1e-9, "{what}: lattices differ: {:?} vs {:?}", a.lattice(), b.lattice());
        }
    }
    assert_eq!(a.len(), b.len(), "{what}: atom counts differ");
    let mut unmatched: Vec<_> = b.sites().iter().collect();
    for s in a.sites() {
        let close = |t: &&shared::Site| {
            t.element == s.element
                && (0..3).all(|k| {
                    let d = s.wrapped_frac()[k] - t.wrapped_frac()[k];
                    (d - d.round()).abs() < 1e-6
                })
        };
        let Some(pos) = unmatched.iter().position(close) else {
            panic!("{what}: {} at {:?} has no counterpart", s.element, s.wrapped_frac());
        };
        unmatched.swap_remove(pos);
    }
}

fn check(symmetric: &str, p1: &str, block: Option<&str>, atoms: usize) -> Structure {
    let expanded = parse_block(symmetric, block);
    let reference = parse_block(p1, block);
    assert_eq!(expanded.len(), atoms, "{symmetric}");
    assert_same_cell(&expanded, &reference, symmetric);
    for s in expanded.sites() {
        assert!(s.frac.iter().all(|x| (0.0..1.0).contains(x)), "{symmetric}: not wrapped: {:?}", s.frac);
    }
    expanded
}

#[test]
fn nacl_from_symmetry_equiv_pos_as_xyz() {
    let s = check("nacl_fm-3m.cif", "nacl_fm-3m_p1.cif", None, 8);
    let labels: Vec<_> = s.sites().iter().map(|s| s.label.as_deref().unwrap()).collect();
    assert_eq!(labels, ["Na1", "Na1", "Na1", "Na1", "Cl1", "Cl1", "Cl1", "Cl1"]);
}

#[test]
fn rutile_from_space_group_symop_operation_xyz() {
    check("rutile_p42mnm.cif", "rutile_p42mnm_p1.cif", None, 6);
}

#[test]
fn srtio3_with_text_field_and_quoted_values() {
    check("srtio3_text_field.cif", "srtio3_text_field_p1.cif", None, 5);
}

#[test]
fn multi_block_selects_by_name_or_first_with_atoms() {
    let text = read("multi_block.cif");
    assert_eq!(cif_block_names(&text).unwrap(), ["publication", "CsCl", "Cu"]);
    let default = check("multi_block.cif", "multi_block_p1.cif", None, 2);
    assert_same_cell(&default, &parse_block("multi_block.cif", Some("CsCl")), "default block");
    check("multi_block.cif", "multi_block_p1.cif", Some("Cu"), 4);
    for name in ["cu", "data_Cu"] {
        assert_eq!(parse_block("multi_block.cif", Some(name)).len(), 4, "{name}");
    }
    let opts = ParseOptions { block: Some("NaCl".into()), ..ParseOptions::default() };
    let err = parse_with(&text, &opts).unwrap_err().to_string();
    assert!(err.contains("no data block named 'NaCl'") && err.contains("'publication', 'CsCl', 'Cu'"), "{err}");
}

#[test]
fn si_with_standard_uncertainties() {
    let s = check("si_fd-3m_uncertainties.cif", "si_fd-3m_uncertainties_p1.cif", None, 8);
    assert!((s.lattice().parameters().a - 5.4307).abs() < 1e-12);
}

#[test]
fn wurtzite_with_hexagonal_operations_and_rounded_thirds() {
    check("zno_p63mc.cif", "zno_p63mc_p1.cif", None, 4);
}

#[test]
fn fixtures_are_recognised_as_cif() {
    for name in ["nacl_fm-3m.cif", "srtio3_text_field.cif", "multi_block.cif", "zno_p63mc_p1.cif"] {
        assert_eq!(shared::io::detect_format(&read(name)).unwrap(), Format::Cif, "{name}");
    }
}
