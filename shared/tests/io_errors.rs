//! Snapshots of the error messages a chemist sees for malformed files, one snapshot per format
//! (`case: message` lines). Review changes with `cargo insta review`.

use shared::Format;
use shared::io::{ParseOptions, detect_format, parse_with_warnings};

const CIF: &str = "data_NaCl
_symmetry_space_group_name_H-M 'P 1'
_cell_length_a 5.64
_cell_length_b 5.64
_cell_length_c 5.64
_cell_angle_alpha 90
_cell_angle_beta 90
_cell_angle_gamma 90
loop_
_symmetry_equiv_pos_as_xyz
'x, y, z'
loop_
_atom_site_label
_atom_site_type_symbol
_atom_site_fract_x
_atom_site_fract_y
_atom_site_fract_z
_atom_site_occupancy
Na1 Na 0 0 0 1
Cl1 Cl 0.5 0.5 0.5 1
";

const POSCAR: &str = "SrTiO3
1.0
3.905 0 0
0 3.905 0
0 0 3.905
Sr Ti O
1 1 3
Direct
0 0 0
0.5 0.5 0.5
0.5 0.5 0
0.5 0 0.5
0 0.5 0.5
";

const XYZ: &str = "2
Lattice=\"5.64 0 0 0 5.64 0 0 0 5.64\" Properties=species:S:1:pos:R:3 pbc=\"T T T\"
Na 0 0 0
Cl 2.82 2.82 2.82
";

fn message(text: &str, format: Format, block: Option<&str>) -> String {
    outcome(text, &ParseOptions { format: Some(format), block: block.map(str::to_string), ..ParseOptions::default() })
}

/// The error, or the atom count and the warnings.
fn outcome(text: &str, opts: &ParseOptions) -> String {
    match parse_with_warnings(text, opts) {
        Ok(p) if p.warnings.is_empty() => format!("(parsed, {} atoms)", p.structure.len()),
        Ok(p) => {
            let warnings: Vec<String> = p.warnings.iter().map(ToString::to_string).collect();
            format!("(parsed, {} atoms; warnings: {})", p.structure.len(), warnings.join(" | "))
        }
        Err(e) => e.to_string(),
    }
}

fn report(format: Format, cases: &[(&str, String)]) -> String {
    cases.iter().map(|(name, text)| format!("{name}: {}\n", message(text, format, None))).collect()
}

fn truncated(text: &str, lines: usize) -> String {
    text.lines().take(lines).map(|l| format!("{l}\n")).collect()
}

#[test]
fn cif_errors() {
    let two_blocks = format!("{CIF}\n{}", CIF.replace("data_NaCl", "data_KCl"));
    let cases = [
        ("valid", CIF.to_string()),
        ("truncated in the atom loop", CIF.trim_end().trim_end_matches(" 1").to_string()),
        ("truncated in a quoted value", truncated(CIF, 10) + "'x, y"),
        ("truncated text field", truncated(CIF, 2) + "_title\n;A title\n"),
        ("bad number", CIF.replace("_cell_length_a 5.64", "_cell_length_a 5.4x")),
        ("unknown cell value", CIF.replace("_cell_length_b 5.64", "_cell_length_b ?")),
        ("missing cell angle", CIF.replace("_cell_angle_gamma 90\n", "")),
        ("unknown element", CIF.replace("Cl1 Cl", "Xx1 Xx2+")),
        (
            "unknown element from label",
            CIF.replace("_atom_site_type_symbol\n", "").replace("Na1 Na", "Na1").replace("Cl1 Cl", "Q1"),
        ),
        ("two values for a cell length", CIF.replace("_cell_length_a 5.64\n", "loop_\n_cell_length_a\n5.64\n5.65\n")),
        ("two species in a type symbol", CIF.replace("Cl1 Cl", "Cl1 Cl0.5Br0.5")),
        ("partial occupancy", CIF.replace("Na1 Na 0 0 0 1", "Na1 Na 0 0 0 0.5")),
        (
            "zero-volume cell",
            CIF.replace("alpha 90", "alpha 120").replace("beta 90", "beta 120").replace("gamma 90", "gamma 120"),
        ),
        ("negative length", CIF.replace("_cell_length_c 5.64", "_cell_length_c -5.64")),
        ("overlapping atoms", CIF.replace("Cl1 Cl 0.5 0.5 0.5", "Cl1 Cl 0.01 0 0")),
        ("two species on one site", CIF.replace("Cl1 Cl 0.5 0.5 0.5", "Cl1 Cl 0 0 0")),
        (
            "site too close to its image",
            CIF.replace("'x, y, z'", "'x, y, z'\n'-x, y, z'").replace("Na1 Na 0 0 0", "Na1 Na 0.02 0 0"),
        ),
        ("bad symmetry operation", CIF.replace("'x, y, z'", "'x, y, q'")),
        ("singular symmetry operation", CIF.replace("'x, y, z'", "'x, x, z'")),
        (
            "space group without operations",
            CIF.replace("loop_\n_symmetry_equiv_pos_as_xyz\n'x, y, z'\n", "").replace("'P 1'", "'F m -3 m'"),
        ),
        ("no atom positions", CIF.replace("_atom_site_fract_z\n", "").replace(" 0.5 1", " 1").replace(" 0 1", " 1")),
        ("value without a tag", CIF.replace("_cell_length_a 5.64", "_cell_length_a 5.64 Å\nstray")),
        ("loop with a missing value", CIF.replace("Na1 Na 0 0 0 1", "Na1 Na 0 0 1")),
        ("duplicate tag", CIF.replace("_cell_angle_gamma 90", "_cell_angle_gamma 90\n_cell_angle_GAMMA 90")),
        ("unclosed quote", CIF.replace("'P 1'", "'P 1")),
        ("text before data_", format!("Exported by a program\n{CIF}")),
        ("no data block", "_cell_length_a 5\n".to_string()),
        ("empty", String::new()),
    ];
    let mut out = report(Format::Cif, &cases);
    out += &format!("missing block name: {}\n", message(&two_blocks, Format::Cif, Some("KBr")));
    out += &format!("second block by name: {}\n", message(&two_blocks, Format::Cif, Some("kcl")));
    // Strict mode refuses what is otherwise repaired with a warning.
    let strict = ParseOptions { format: Some(Format::Cif), strict: true, ..ParseOptions::default() };
    let repaired = [
        ("duplicate tag", CIF.replace("_cell_angle_gamma 90", "_cell_angle_gamma 90\n_cell_angle_GAMMA 90")),
        ("unclosed quote", CIF.replace("'P 1'", "'P 1")),
        ("text before data_", format!("Exported by a program\n{CIF}")),
        (
            "site too close to its image",
            CIF.replace("'x, y, z'", "'x, y, z'\n'-x, y, z'").replace("Na1 Na 0 0 0", "Na1 Na 0.02 0 0"),
        ),
    ];
    for (name, text) in &repaired {
        out += &format!("{name}, strict: {}\n", outcome(text, &strict));
    }
    insta::assert_snapshot!(out);
}

#[test]
fn poscar_errors() {
    let cases = [
        ("valid", POSCAR.to_string()),
        ("truncated positions", truncated(POSCAR, 11)),
        ("truncated lattice", truncated(POSCAR, 4)),
        ("truncated before the coordinate line", truncated(POSCAR, 7)),
        ("bad scale", POSCAR.replace("1.0\n", "one\n")),
        ("bad number in a lattice vector", POSCAR.replace("0 3.905 0", "0 3,905 0")),
        ("bad number in a position", POSCAR.replace("0.5 0.5 0.5", "0.5 0.5 x")),
        ("short position", POSCAR.replace("0.5 0 0.5", "0.5 0")),
        ("unknown element", POSCAR.replace("Sr Ti O", "Sr Tx O")),
        ("count mismatch", POSCAR.replace("1 1 3", "1 1")),
        ("count not a number", POSCAR.replace("1 1 3", "1 1 three")),
        ("no atoms", POSCAR.replace("1 1 3", "0 0 0")),
        ("huge count", POSCAR.replace("1 1 3", "1 1 300000000000")),
        ("VASP 4 without species", POSCAR.replace("Sr Ti O\n", "")),
        ("zero-volume cell", POSCAR.replace("0 0 3.905", "3.905 3.905 0")),
        ("overlapping atoms", POSCAR.replace("0.5 0.5 0.5", "0.01 0 0")),
        ("atom on its own image", "tiny\n1.0\n0.3 0 0\n0 3 0\n0 0 3\nFe\n1\nDirect\n0 0 0\n".to_string()),
    ];
    insta::assert_snapshot!(report(Format::Poscar, &cases));
}

#[test]
fn xyz_errors() {
    let cases = [
        ("valid", XYZ.to_string()),
        ("truncated", truncated(XYZ, 3)),
        ("bad count", XYZ.replacen("2\n", "two\n", 1)),
        ("huge count", XYZ.replacen("2\n", "300000000000\n", 1)),
        ("no Lattice", XYZ.replace("Lattice=\"5.64 0 0 0 5.64 0 0 0 5.64\" ", "")),
        ("short Lattice", XYZ.replace("5.64 0 0 0 5.64", "5.64 0 0 0")),
        ("bad Lattice", XYZ.replace("5.64 0 0 0 5.64", "5.64 0 0 0 5,64")),
        ("bad number", XYZ.replace("2.82 2.82 2.82", "2.82 2.82 2..82")),
        ("unknown element", XYZ.replace("Cl 2.82", "Xx 2.82")),
        ("missing column", XYZ.replace("Cl 2.82 2.82 2.82", "Cl 2.82 2.82")),
        ("Properties without pos", XYZ.replace("species:S:1:pos:R:3", "species:S:1:position:R:3")),
        ("unclosed quote", XYZ.replace("pbc=\"T T T\"", "pbc=\"T T T")),
        ("zero-volume cell", XYZ.replace("0 0 0 5.64 0 0 0 5.64", "0 0 0 5.64 0 5.64 5.64 0")),
        ("overlapping atoms", XYZ.replace("Cl 2.82 2.82 2.82", "Cl 0.1 0 0")),
    ];
    insta::assert_snapshot!(report(Format::Xyz, &cases));
}

#[test]
fn unknown_format_errors() {
    let cases = [
        ("empty", ""),
        ("blank lines", "\n  \n\n"),
        ("prose", "Sodium chloride, rock salt structure, a = 5.64 Å"),
        ("plain XYZ", "2\nwater fragment\nO 0 0 0\nH 0 0 1\n"),
        ("JSON", "{\"lattice\": [[1, 0, 0]]}"),
        ("other JSON", "{\"name\": \"NaCl\"}"),
        ("broken JSON", "{ name: NaCl"),
    ];
    let mut out = String::new();
    for (name, text) in cases {
        let message = match detect_format(text) {
            Ok(f) => format!("(detected {f})"),
            Err(e) => e.to_string(),
        };
        out += &format!("{name}: {message}\n");
    }
    insta::assert_snapshot!(out);
}
