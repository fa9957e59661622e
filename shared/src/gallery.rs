//! The classroom gallery: textbook crystal structures as P1 CIF text (every atom of the
//! conventional cell listed), with experimental room-temperature lattice parameters.

/// One textbook structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Example {
    /// Stable identifier for URLs and file names, e.g. "rock-salt".
    pub id: &'static str,
    /// Structure-type name, e.g. "Rock salt".
    pub name: &'static str,
    /// Reduced formula of the example compound, e.g. "NaCl".
    pub formula: &'static str,
    /// One line for teaching: what to notice in this structure.
    pub note: &'static str,
    /// P1 CIF of the conventional cell.
    pub cif: &'static str,
}

/// All gallery structures, simplest first.
pub fn examples() -> &'static [Example] {
    EXAMPLES
}

/// The example with this [`Example::id`].
pub fn example(id: &str) -> Option<&'static Example> {
    EXAMPLES.iter().find(|e| e.id == id)
}

static EXAMPLES: &[Example] = &[
    Example {
        id: "rock-salt",
        name: "Rock salt",
        formula: "NaCl",
        note: "Two interpenetrating fcc lattices; every ion sits in an octahedron of six counter-ions.",
        cif: r"data_NaCl
_symmetry_space_group_name_H-M   'P 1'
_cell_length_a   5.6400
_cell_length_b   5.6400
_cell_length_c   5.6400
_cell_angle_alpha   90.0
_cell_angle_beta   90.0
_cell_angle_gamma   90.0
_symmetry_Int_Tables_number   1
loop_
 _symmetry_equiv_pos_as_xyz
  'x, y, z'
loop_
 _atom_site_type_symbol
 _atom_site_label
 _atom_site_fract_x
 _atom_site_fract_y
 _atom_site_fract_z
  Na  Na1  0.000000  0.000000  0.000000
  Na  Na2  0.000000  0.500000  0.500000
  Na  Na3  0.500000  0.000000  0.500000
  Na  Na4  0.500000  0.500000  0.000000
  Cl  Cl1  0.000000  0.000000  0.500000
  Cl  Cl2  0.000000  0.500000  0.000000
  Cl  Cl3  0.500000  0.000000  0.000000
  Cl  Cl4  0.500000  0.500000  0.500000
",
    },
    Example {
        id: "cesium-chloride",
        name: "Caesium chloride",
        formula: "CsCl",
        note: "Simple cubic Cs with Cl at the body centre: eight-fold cubic coordination (not bcc: two different atoms).",
        cif: r"data_CsCl
_symmetry_space_group_name_H-M   'P 1'
_cell_length_a   4.1230
_cell_length_b   4.1230
_cell_length_c   4.1230
_cell_angle_alpha   90.0
_cell_angle_beta   90.0
_cell_angle_gamma   90.0
_symmetry_Int_Tables_number   1
loop_
 _symmetry_equiv_pos_as_xyz
  'x, y, z'
loop_
 _atom_site_type_symbol
 _atom_site_label
 _atom_site_fract_x
 _atom_site_fract_y
 _atom_site_fract_z
  Cs  Cs1  0.000000  0.000000  0.000000
  Cl  Cl1  0.500000  0.500000  0.500000
",
    },
    Example {
        id: "diamond",
        name: "Diamond (silicon)",
        formula: "Si",
        note: "fcc lattice with a two-atom basis; every atom bonds to four others in a tetrahedron (sp3).",
        cif: r"data_Si
_symmetry_space_group_name_H-M   'P 1'
_cell_length_a   5.4310
_cell_length_b   5.4310
_cell_length_c   5.4310
_cell_angle_alpha   90.0
_cell_angle_beta   90.0
_cell_angle_gamma   90.0
_symmetry_Int_Tables_number   1
loop_
 _symmetry_equiv_pos_as_xyz
  'x, y, z'
loop_
 _atom_site_type_symbol
 _atom_site_label
 _atom_site_fract_x
 _atom_site_fract_y
 _atom_site_fract_z
  Si  Si1  0.125000  0.125000  0.125000
  Si  Si2  0.125000  0.625000  0.625000
  Si  Si3  0.375000  0.375000  0.875000
  Si  Si4  0.375000  0.875000  0.375000
  Si  Si5  0.625000  0.125000  0.625000
  Si  Si6  0.625000  0.625000  0.125000
  Si  Si7  0.875000  0.375000  0.375000
  Si  Si8  0.875000  0.875000  0.875000
",
    },
    Example {
        id: "zinc-blende",
        name: "Zinc blende (sphalerite)",
        formula: "GaAs",
        note: "The diamond structure with the two fcc sublattices taken by different atoms: tetrahedral Ga and As.",
        cif: r"data_GaAs
_symmetry_space_group_name_H-M   'P 1'
_cell_length_a   5.6530
_cell_length_b   5.6530
_cell_length_c   5.6530
_cell_angle_alpha   90.0
_cell_angle_beta   90.0
_cell_angle_gamma   90.0
_symmetry_Int_Tables_number   1
loop_
 _symmetry_equiv_pos_as_xyz
  'x, y, z'
loop_
 _atom_site_type_symbol
 _atom_site_label
 _atom_site_fract_x
 _atom_site_fract_y
 _atom_site_fract_z
  Ga  Ga1  0.000000  0.000000  0.000000
  Ga  Ga2  0.000000  0.500000  0.500000
  Ga  Ga3  0.500000  0.000000  0.500000
  Ga  Ga4  0.500000  0.500000  0.000000
  As  As1  0.250000  0.250000  0.250000
  As  As2  0.250000  0.750000  0.750000
  As  As3  0.750000  0.250000  0.750000
  As  As4  0.750000  0.750000  0.250000
",
    },
    Example {
        id: "wurtzite",
        name: "Wurtzite",
        formula: "ZnO",
        note: "The hexagonal cousin of zinc blende: tetrahedra stacked ABAB instead of ABCABC.",
        cif: r"data_ZnO
_symmetry_space_group_name_H-M   'P 1'
_cell_length_a   3.2500
_cell_length_b   3.2500
_cell_length_c   5.2070
_cell_angle_alpha   90.0
_cell_angle_beta   90.0
_cell_angle_gamma   120.0
_symmetry_Int_Tables_number   1
loop_
 _symmetry_equiv_pos_as_xyz
  'x, y, z'
loop_
 _atom_site_type_symbol
 _atom_site_label
 _atom_site_fract_x
 _atom_site_fract_y
 _atom_site_fract_z
  Zn  Zn1  0.333333  0.666667  0.000000
  Zn  Zn2  0.666667  0.333333  0.500000
  O  O1  0.333333  0.666667  0.382000
  O  O2  0.666667  0.333333  0.882000
",
    },
    Example {
        id: "fluorite",
        name: "Fluorite",
        formula: "CaF2",
        note: "fcc Ca with F in all tetrahedral holes: Ca is eight-fold (cubic), F four-fold (tetrahedral).",
        cif: r"data_CaF2
_symmetry_space_group_name_H-M   'P 1'
_cell_length_a   5.4630
_cell_length_b   5.4630
_cell_length_c   5.4630
_cell_angle_alpha   90.0
_cell_angle_beta   90.0
_cell_angle_gamma   90.0
_symmetry_Int_Tables_number   1
loop_
 _symmetry_equiv_pos_as_xyz
  'x, y, z'
loop_
 _atom_site_type_symbol
 _atom_site_label
 _atom_site_fract_x
 _atom_site_fract_y
 _atom_site_fract_z
  Ca  Ca1  0.000000  0.000000  0.000000
  Ca  Ca2  0.000000  0.500000  0.500000
  Ca  Ca3  0.500000  0.000000  0.500000
  Ca  Ca4  0.500000  0.500000  0.000000
  F  F1  0.250000  0.250000  0.250000
  F  F2  0.250000  0.250000  0.750000
  F  F3  0.250000  0.750000  0.250000
  F  F4  0.250000  0.750000  0.750000
  F  F5  0.750000  0.250000  0.250000
  F  F6  0.750000  0.250000  0.750000
  F  F7  0.750000  0.750000  0.250000
  F  F8  0.750000  0.750000  0.750000
",
    },
    Example {
        id: "rutile",
        name: "Rutile",
        formula: "TiO2",
        note: "Chains of edge-sharing TiO6 octahedra along c, linked by corners; O is three-fold trigonal planar.",
        cif: r"data_TiO2
_symmetry_space_group_name_H-M   'P 1'
_cell_length_a   4.5940
_cell_length_b   4.5940
_cell_length_c   2.9590
_cell_angle_alpha   90.0
_cell_angle_beta   90.0
_cell_angle_gamma   90.0
_symmetry_Int_Tables_number   1
loop_
 _symmetry_equiv_pos_as_xyz
  'x, y, z'
loop_
 _atom_site_type_symbol
 _atom_site_label
 _atom_site_fract_x
 _atom_site_fract_y
 _atom_site_fract_z
  Ti  Ti1  0.000000  0.000000  0.000000
  Ti  Ti2  0.500000  0.500000  0.500000
  O  O1  0.195200  0.804800  0.500000
  O  O2  0.304800  0.304800  0.000000
  O  O3  0.695200  0.695200  0.000000
  O  O4  0.804800  0.195200  0.500000
",
    },
    Example {
        id: "perovskite",
        name: "Cubic perovskite",
        formula: "SrTiO3",
        note: "Corner-sharing TiO6 octahedra with Sr in the twelve-fold cuboctahedral cavities (ABX3).",
        cif: r"data_SrTiO3
_symmetry_space_group_name_H-M   'P 1'
_cell_length_a   3.9050
_cell_length_b   3.9050
_cell_length_c   3.9050
_cell_angle_alpha   90.0
_cell_angle_beta   90.0
_cell_angle_gamma   90.0
_symmetry_Int_Tables_number   1
loop_
 _symmetry_equiv_pos_as_xyz
  'x, y, z'
loop_
 _atom_site_type_symbol
 _atom_site_label
 _atom_site_fract_x
 _atom_site_fract_y
 _atom_site_fract_z
  Sr  Sr1  0.000000  0.000000  0.000000
  Ti  Ti1  0.500000  0.500000  0.500000
  O  O1  0.000000  0.500000  0.500000
  O  O2  0.500000  0.000000  0.500000
  O  O3  0.500000  0.500000  0.000000
",
    },
    Example {
        id: "spinel",
        name: "Spinel",
        formula: "MgAl2O4",
        note: "fcc O with Mg in one eighth of the tetrahedral and Al in half of the octahedral holes (AB2X4).",
        cif: r"data_MgAl2O4
_symmetry_space_group_name_H-M   'P 1'
_cell_length_a   8.0830
_cell_length_b   8.0830
_cell_length_c   8.0830
_cell_angle_alpha   90.0
_cell_angle_beta   90.0
_cell_angle_gamma   90.0
_symmetry_Int_Tables_number   1
loop_
 _symmetry_equiv_pos_as_xyz
  'x, y, z'
loop_
 _atom_site_type_symbol
 _atom_site_label
 _atom_site_fract_x
 _atom_site_fract_y
 _atom_site_fract_z
  Mg  Mg1  0.125000  0.125000  0.125000
  Mg  Mg2  0.125000  0.625000  0.625000
  Mg  Mg3  0.375000  0.375000  0.875000
  Mg  Mg4  0.375000  0.875000  0.375000
  Mg  Mg5  0.625000  0.125000  0.625000
  Mg  Mg6  0.625000  0.625000  0.125000
  Mg  Mg7  0.875000  0.375000  0.375000
  Mg  Mg8  0.875000  0.875000  0.875000
  Al  Al1  0.000000  0.000000  0.500000
  Al  Al2  0.000000  0.250000  0.750000
  Al  Al3  0.000000  0.500000  0.000000
  Al  Al4  0.000000  0.750000  0.250000
  Al  Al5  0.250000  0.000000  0.750000
  Al  Al6  0.250000  0.250000  0.500000
  Al  Al7  0.250000  0.500000  0.250000
  Al  Al8  0.250000  0.750000  0.000000
  Al  Al9  0.500000  0.000000  0.000000
  Al  Al10  0.500000  0.250000  0.250000
  Al  Al11  0.500000  0.500000  0.500000
  Al  Al12  0.500000  0.750000  0.750000
  Al  Al13  0.750000  0.000000  0.250000
  Al  Al14  0.750000  0.250000  0.000000
  Al  Al15  0.750000  0.500000  0.750000
  Al  Al16  0.750000  0.750000  0.500000
  O  O1  0.012300  0.012300  0.737700
  O  O2  0.012300  0.237700  0.512300
  O  O3  0.012300  0.512300  0.237700
  O  O4  0.012300  0.737700  0.012300
  O  O5  0.237700  0.012300  0.512300
  O  O6  0.237700  0.237700  0.737700
  O  O7  0.237700  0.512300  0.012300
  O  O8  0.237700  0.737700  0.237700
  O  O9  0.262300  0.262300  0.262300
  O  O10  0.262300  0.487700  0.487700
  O  O11  0.262300  0.762300  0.762300
  O  O12  0.262300  0.987700  0.987700
  O  O13  0.487700  0.262300  0.487700
  O  O14  0.487700  0.487700  0.262300
  O  O15  0.487700  0.762300  0.987700
  O  O16  0.487700  0.987700  0.762300
  O  O17  0.512300  0.012300  0.237700
  O  O18  0.512300  0.237700  0.012300
  O  O19  0.512300  0.512300  0.737700
  O  O20  0.512300  0.737700  0.512300
  O  O21  0.737700  0.012300  0.012300
  O  O22  0.737700  0.237700  0.237700
  O  O23  0.737700  0.512300  0.512300
  O  O24  0.737700  0.737700  0.737700
  O  O25  0.762300  0.262300  0.762300
  O  O26  0.762300  0.487700  0.987700
  O  O27  0.762300  0.762300  0.262300
  O  O28  0.762300  0.987700  0.487700
  O  O29  0.987700  0.262300  0.987700
  O  O30  0.987700  0.487700  0.762300
  O  O31  0.987700  0.762300  0.487700
  O  O32  0.987700  0.987700  0.262300
",
    },
    Example {
        id: "corundum",
        name: "Corundum",
        formula: "Al2O3",
        note: "hcp O with Al in two thirds of the octahedral holes; face-sharing octahedral pairs along c.",
        cif: r"data_Al2O3
_symmetry_space_group_name_H-M   'P 1'
_cell_length_a   4.7590
_cell_length_b   4.7590
_cell_length_c   12.9910
_cell_angle_alpha   90.0
_cell_angle_beta   90.0
_cell_angle_gamma   120.0
_symmetry_Int_Tables_number   1
loop_
 _symmetry_equiv_pos_as_xyz
  'x, y, z'
loop_
 _atom_site_type_symbol
 _atom_site_label
 _atom_site_fract_x
 _atom_site_fract_y
 _atom_site_fract_z
  Al  Al1  0.000000  0.000000  0.147700
  Al  Al2  0.000000  0.000000  0.352300
  Al  Al3  0.000000  0.000000  0.647700
  Al  Al4  0.000000  0.000000  0.852300
  Al  Al5  0.333333  0.666667  0.018967
  Al  Al6  0.333333  0.666667  0.314367
  Al  Al7  0.333333  0.666667  0.518967
  Al  Al8  0.333333  0.666667  0.814367
  Al  Al9  0.666667  0.333333  0.185633
  Al  Al10  0.666667  0.333333  0.481033
  Al  Al11  0.666667  0.333333  0.685633
  Al  Al12  0.666667  0.333333  0.981033
  O  O1  0.000000  0.306400  0.250000
  O  O2  0.000000  0.693600  0.750000
  O  O3  0.026933  0.360267  0.916667
  O  O4  0.026933  0.666667  0.416667
  O  O5  0.306400  0.000000  0.250000
  O  O6  0.306400  0.306400  0.750000
  O  O7  0.333333  0.360267  0.416667
  O  O8  0.333333  0.973067  0.916667
  O  O9  0.360267  0.026933  0.583333
  O  O10  0.360267  0.333333  0.083333
  O  O11  0.639733  0.666667  0.916667
  O  O12  0.639733  0.973067  0.416667
  O  O13  0.666667  0.026933  0.083333
  O  O14  0.666667  0.639733  0.583333
  O  O15  0.693600  0.000000  0.750000
  O  O16  0.693600  0.693600  0.250000
  O  O17  0.973067  0.333333  0.583333
  O  O18  0.973067  0.639733  0.083333
",
    },
    Example {
        id: "bcc-iron",
        name: "Body-centred cubic (α-iron)",
        formula: "Fe",
        note: "Eight nearest neighbours at the cube corners, six more only 15% further away; packing fraction 0.68.",
        cif: r"data_Fe
_symmetry_space_group_name_H-M   'P 1'
_cell_length_a   2.8665
_cell_length_b   2.8665
_cell_length_c   2.8665
_cell_angle_alpha   90.0
_cell_angle_beta   90.0
_cell_angle_gamma   90.0
_symmetry_Int_Tables_number   1
loop_
 _symmetry_equiv_pos_as_xyz
  'x, y, z'
loop_
 _atom_site_type_symbol
 _atom_site_label
 _atom_site_fract_x
 _atom_site_fract_y
 _atom_site_fract_z
  Fe  Fe1  0.000000  0.000000  0.000000
  Fe  Fe2  0.500000  0.500000  0.500000
",
    },
    Example {
        id: "hcp-magnesium",
        name: "Hexagonal close packed (magnesium)",
        formula: "Mg",
        note: "Close-packed layers stacked ABAB: twelve neighbours in an anticuboctahedron, packing fraction 0.74.",
        cif: r"data_Mg
_symmetry_space_group_name_H-M   'P 1'
_cell_length_a   3.2090
_cell_length_b   3.2090
_cell_length_c   5.2110
_cell_angle_alpha   90.0
_cell_angle_beta   90.0
_cell_angle_gamma   120.0
_symmetry_Int_Tables_number   1
loop_
 _symmetry_equiv_pos_as_xyz
  'x, y, z'
loop_
 _atom_site_type_symbol
 _atom_site_label
 _atom_site_fract_x
 _atom_site_fract_y
 _atom_site_fract_z
  Mg  Mg1  0.333333  0.666667  0.250000
  Mg  Mg2  0.666667  0.333333  0.750000
",
    },
    Example {
        id: "fcc-copper",
        name: "Face-centred cubic (copper)",
        formula: "Cu",
        note: "Close-packed layers stacked ABCABC: twelve neighbours in a cuboctahedron, packing fraction 0.74.",
        cif: r"data_Cu
_symmetry_space_group_name_H-M   'P 1'
_cell_length_a   3.6150
_cell_length_b   3.6150
_cell_length_c   3.6150
_cell_angle_alpha   90.0
_cell_angle_beta   90.0
_cell_angle_gamma   90.0
_symmetry_Int_Tables_number   1
loop_
 _symmetry_equiv_pos_as_xyz
  'x, y, z'
loop_
 _atom_site_type_symbol
 _atom_site_label
 _atom_site_fract_x
 _atom_site_fract_y
 _atom_site_fract_z
  Cu  Cu1  0.000000  0.000000  0.000000
  Cu  Cu2  0.000000  0.500000  0.500000
  Cu  Cu3  0.500000  0.000000  0.500000
  Cu  Cu4  0.500000  0.500000  0.000000
",
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::composition::reduced_formula;

    #[test]
    fn every_example_parses_to_its_formula_and_atom_count() {
        let atoms = [
            ("rock-salt", 8),
            ("cesium-chloride", 2),
            ("diamond", 8),
            ("zinc-blende", 8),
            ("wurtzite", 4),
            ("fluorite", 12),
            ("rutile", 6),
            ("perovskite", 5),
            ("spinel", 56),
            ("corundum", 30),
            ("bcc-iron", 2),
            ("hcp-magnesium", 2),
            ("fcc-copper", 4),
        ];
        assert_eq!(examples().len(), atoms.len());
        for (id, n) in atoms {
            let e = example(id).unwrap_or_else(|| panic!("no example {id}"));
            let s = crate::io::parse(e.cif).unwrap_or_else(|err| panic!("{id}: {err}"));
            assert_eq!((s.len(), reduced_formula(&s)), (n, e.formula.to_string()), "{id}");
            assert!(s.sites().iter().all(|site| site.label.is_some()), "{id}: labels");
        }
    }

    #[test]
    fn ids_are_unique_and_url_safe() {
        for (k, e) in examples().iter().enumerate() {
            assert!(e.id.chars().all(|c| c.is_ascii_lowercase() || c == '-'), "{}", e.id);
            assert!(examples()[..k].iter().all(|x| x.id != e.id), "duplicate {}", e.id);
        }
    }
}
