//! The JSON formats on real-shaped files: a Materials Project `Structure.as_dict()` (mp-149, Si,
//! keys as pymatgen writes them) and an OPTIMADE response; detection, round trips through the
//! writers, batches, and errors that name the JSON path (never a panic).

use shared::batch::{UnpackLimits, items_from_file};
use shared::io::{ParseOptions, detect_format, parse_with, write_optimade_json, write_pymatgen_json};
use shared::{Format, Structure, parse};

/// mp-149 (Si, the primitive fcc cell) as `MPRester().get_structure_by_material_id("mp-149").as_dict()`
/// lays it out.
const MP_149: &str = r#"{
  "@module": "pymatgen.core.structure",
  "@class": "Structure",
  "charge": 0,
  "lattice": {
    "matrix": [[3.34889, 0.0, 1.933487], [1.116296, 3.157372, 1.933487], [0.0, 0.0, 3.866975]],
    "pbc": [true, true, true],
    "a": 3.866975, "b": 3.866975, "c": 3.866975,
    "alpha": 60.0, "beta": 60.0, "gamma": 60.0,
    "volume": 40.88966
  },
  "properties": {},
  "sites": [
    {
      "species": [{"element": "Si", "occu": 1}],
      "abc": [0.875, 0.875, 0.875],
      "properties": {"magmom": -0.0},
      "label": "Si",
      "xyz": [3.907038, 2.762701, 6.767205]
    },
    {
      "species": [{"element": "Si", "occu": 1}],
      "abc": [0.125, 0.125, 0.125],
      "properties": {"magmom": -0.0},
      "label": "Si",
      "xyz": [0.558148, 0.394672, 0.966744]
    }
  ]
}"#;

/// An OPTIMADE response as a provider's `/v1/structures?filter=…` answers it: two entries.
const RESPONSE: &str = r#"{
  "data": [
    {
      "id": "mp-149",
      "type": "structures",
      "attributes": {
        "chemical_formula_descriptive": "Si",
        "chemical_formula_reduced": "Si",
        "chemical_formula_anonymous": "A",
        "dimension_types": [1, 1, 1],
        "nperiodic_dimensions": 3,
        "elements": ["Si"],
        "nelements": 1,
        "elements_ratios": [1.0],
        "lattice_vectors": [[3.34889, 0.0, 1.933487], [1.116296, 3.157372, 1.933487], [0.0, 0.0, 3.866975]],
        "cartesian_site_positions": [[3.907038, 2.762701, 6.767205], [0.558148, 0.394672, 0.966744]],
        "nsites": 2,
        "species_at_sites": ["Si", "Si"],
        "species": [{"name": "Si", "chemical_symbols": ["Si"], "concentration": [1.0], "mass": null,
                     "original_name": null, "attached": null, "nattached": null}],
        "structure_features": [],
        "last_modified": "2023-11-11T00:00:00+00:00"
      },
      "relationships": null
    },
    {
      "id": "mp-5229",
      "type": "structures",
      "attributes": {
        "dimension_types": [1, 1, 1],
        "lattice_vectors": [[3.905, 0, 0], [0, 3.905, 0], [0, 0, 3.905]],
        "cartesian_site_positions": [[0, 0, 0], [1.9525, 1.9525, 1.9525], [1.9525, 1.9525, 0],
                                     [1.9525, 0, 1.9525], [0, 1.9525, 1.9525]],
        "species_at_sites": ["Sr", "Ti", "O1", "O1", "O1"],
        "species": [{"name": "Sr", "chemical_symbols": ["Sr"], "concentration": [1]},
                    {"name": "Ti", "chemical_symbols": ["Ti"], "concentration": [1]},
                    {"name": "O1", "chemical_symbols": ["O"], "concentration": [1]}]
      }
    }
  ],
  "meta": {"api_version": "1.1.0", "more_data_available": false, "data_returned": 2,
           "provider": {"name": "Materials Project", "prefix": "mp"}}
}"#;

fn space_group(s: &Structure) -> u16 {
    shared::symmetry::analyze(s, shared::symmetry::DEFAULT_SYMPREC).unwrap().number
}

/// Same cell rows (Å), elements and fractional coordinates within 1e-6.
fn assert_same(a: &Structure, b: &Structure) {
    for (ra, rb) in a.lattice().matrix.iter().zip(&b.lattice().matrix) {
        for (x, y) in ra.iter().zip(rb) {
            assert!((x - y).abs() < 1e-6, "{:?} vs {:?}", a.lattice(), b.lattice());
        }
    }
    assert_eq!(a.len(), b.len());
    for (sa, sb) in a.sites().iter().zip(b.sites()) {
        assert_eq!(sa.element, sb.element);
        assert!((0..3).all(|k| (sa.frac[k] - sb.frac[k]).abs() < 1e-6), "{:?} vs {:?}", sa.frac, sb.frac);
    }
}

#[test]
fn materials_project_structure_reads_as_silicon() {
    assert_eq!(detect_format(MP_149).unwrap(), Format::PymatgenJson);
    let si = parse(MP_149).unwrap();
    assert_eq!(si.len(), 2);
    assert_eq!(shared::composition::reduced_formula(&si), "Si");
    assert_eq!(si.sites()[0].label.as_deref(), Some("Si"));
    assert_eq!(si.sites()[1].frac, [0.125; 3]);
    assert_eq!(space_group(&si), 227);
    // Leading blank lines, a byte-order mark and CRLF line ends are what pasting gives.
    let pasted = format!("\u{feff}\n\n{}", MP_149.replace('\n', "\r\n"));
    assert_same(&parse(&pasted).unwrap(), &si);
}

#[test]
fn optimade_response_reads_its_first_entry_or_the_one_named() {
    assert_eq!(detect_format(RESPONSE).unwrap(), Format::OptimadeJson);
    let parsed = shared::io::parse_with_warnings(RESPONSE, &ParseOptions::default()).unwrap();
    assert_same(&parsed.structure, &parse(MP_149).unwrap());
    let warnings: Vec<String> = parsed.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        [
            "the response lists 2 structures; the first (mp-149) was read (name another by its id as the data block, or read the file as a batch for all)"
        ]
    );
    let opts = ParseOptions { block: Some("mp-5229".into()), ..ParseOptions::default() };
    let srtio3 = parse_with(RESPONSE, &opts).unwrap();
    assert_eq!(shared::composition::reduced_formula(&srtio3), "SrTiO3");
    assert_eq!(srtio3.sites()[2].label.as_deref(), Some("O1"));
    assert_eq!(space_group(&srtio3), 221);
}

#[test]
fn both_formats_round_trip_through_their_writers() {
    for structure in [
        parse(MP_149).unwrap(),
        parse_with(RESPONSE, &ParseOptions { block: Some("mp-5229".into()), ..Default::default() }).unwrap(),
    ] {
        for format in [Format::PymatgenJson, Format::OptimadeJson] {
            let text = shared::io::write(&structure, format);
            assert_eq!(detect_format(&text).unwrap(), format, "{text}");
            assert_same(&parse(&text).unwrap(), &structure);
        }
    }
    let written = write_pymatgen_json(&parse(MP_149).unwrap());
    for key in [
        "\"@module\": \"pymatgen.core.structure\"",
        "\"charge\": 0.0",
        "\"pbc\": [",
        "\"label\": \"Si\"",
        "\"occu\": 1.0",
    ] {
        assert!(written.contains(key), "{key} missing from\n{written}");
    }
    let written = write_optimade_json(
        &parse_with(RESPONSE, &ParseOptions { block: Some("mp-5229".into()), ..Default::default() }).unwrap(),
    );
    for key in [
        "\"type\": \"structures\"",
        "\"chemical_formula_reduced\": \"O3SrTi\"",
        "\"chemical_formula_anonymous\": \"A3BC\"",
        "\"chemical_formula_descriptive\": \"SrTiO3\"",
        "\"nsites\": 5",
        "\"nperiodic_dimensions\": 3",
    ] {
        assert!(written.contains(key), "{key} missing from\n{written}");
    }
}

#[test]
fn a_response_of_several_structures_is_a_batch() {
    let items = items_from_file("query.json", RESPONSE.as_bytes(), UnpackLimits::default());
    let names: Vec<&str> = items.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(names, ["mp-149", "mp-5229"]);
    for item in &items {
        let (text, format) = item.structure.as_ref().unwrap();
        let opts = ParseOptions { format: *format, ..ParseOptions::default() };
        parse_with(text, &opts).unwrap();
    }
    let single = items_from_file("mp-149.json", MP_149.as_bytes(), UnpackLimits::default());
    assert_eq!((single.len(), single[0].name.as_str()), (1, "mp-149.json"));
    assert_eq!(parse(&single[0].structure.as_ref().unwrap().0).unwrap().len(), 2);
}

#[test]
fn bad_inputs_name_the_json_path() {
    let message = |text: &str| parse(text).map_or_else(|e| e.to_string(), |s| format!("(parsed, {} atoms)", s.len()));
    let cases = [
        (
            MP_149.replacen("\"element\": \"Si\"", "\"element\": \"Xx\"", 1),
            "pymatgen JSON, line 15: sites[0].species[0].element: unknown element \"Xx\"",
        ),
        (
            MP_149.replacen("[0.125, 0.125, 0.125]", "[0.125, \"a\", 0.125]", 1),
            "pymatgen JSON, line 23: sites[1].abc[1]: invalid type: string \"a\", expected f64",
        ),
        (
            MP_149.replacen("\"occu\": 1", "\"occu\": 0.5", 1),
            "pymatgen JSON: sites[0].species[0].occu: occupancy 0.5; partially occupied or disordered sites are not supported",
        ),
        (
            MP_149.replacen("\"abc\": [0.125, 0.125, 0.125]", "\"abc\": [0.875, 0.875, 0.875]", 1),
            "pymatgen JSON: sites[1]: Si is 0.000 Å from Si at sites[0]; atoms must be at least 0.5 Å apart",
        ),
        (
            MP_149.replacen("[0.0, 0.0, 3.866975]", "[0.0, 0.0, 0.0]", 1),
            "pymatgen JSON: lattice.matrix: the vectors do not form a valid cell: its volume is 0.0000 Å³ (the vectors are coplanar, zero or longer than 10000 Å)",
        ),
        (MP_149.replacen("\"sites\": [", "\"sites\": [}", 1), "pymatgen JSON, line 13: sites[0]: expected value"),
        (
            RESPONSE.replacen("\"species_at_sites\": [\"Si\", \"Si\"]", "\"species_at_sites\": [\"Si\", \"Ge\"]", 1),
            "OPTIMADE JSON: data[0].attributes.species_at_sites[1]: \"Ge\" is not the name of any entry of `species`",
        ),
        (
            RESPONSE.replacen("\"nperiodic_dimensions\": 3", "\"nperiodic_dimensions\": 0", 1),
            "OPTIMADE JSON: data[0].attributes.nperiodic_dimensions: 0; only crystals periodic in all three directions can be read (no molecules, wires or slabs)",
        ),
        (
            RESPONSE.replacen("\"type\": \"structures\"", "\"type\": \"references\"", 1),
            "OPTIMADE JSON: data[0].type: \"references\": not a structures entry",
        ),
        ("{\"data\": []}".to_string(), "OPTIMADE JSON: data: the response lists no structures"),
        (
            "{\"data\": 3}".to_string(),
            "OPTIMADE JSON, line 1: data: invalid type: integer `3`, expected a structures entry or a list of them",
        ),
    ];
    let (actual, expected): (Vec<String>, Vec<&str>) = cases.iter().map(|(text, e)| (message(text), *e)).unzip();
    assert_eq!(actual, expected);
    let limited = ParseOptions { max_atoms: 1, ..ParseOptions::default() };
    let e = parse_with(MP_149, &limited).unwrap_err().to_string();
    assert_eq!(e, "pymatgen JSON: sites: 2 sites, more than the limit of 1 atoms");
    // Only the entry read is checked beyond its JSON types.
    let second = ParseOptions { block: Some("mp-5229".into()), ..ParseOptions::default() };
    let mangled = RESPONSE.replacen("\"concentration\": [1]", "\"concentration\": [1, 1]", 1);
    assert_eq!(parse(&mangled).unwrap().len(), 2);
    assert_eq!(
        parse_with(&mangled, &second).unwrap_err().to_string(),
        "OPTIMADE JSON: data[1].attributes.species[0].concentration: 2 values for 1 chemical symbol"
    );
}

#[test]
fn truncated_and_mangled_files_fail_without_panicking() {
    for text in [MP_149, RESPONSE] {
        let cut_points = text.char_indices().map(|(i, _)| i);
        for end in cut_points {
            let cut = &text[..end];
            let _ = detect_format(cut);
            for format in [Format::PymatgenJson, Format::OptimadeJson] {
                let opts = ParseOptions { format: Some(format), ..ParseOptions::default() };
                assert!(parse_with(cut, &opts).is_err(), "{cut}");
            }
        }
        for (from, to) in [("[", "{"), ("1", "1e999"), ("\"", "'"), ("0.", "-"), (",", ",,")] {
            let _ = parse(&text.replacen(from, to, 3));
        }
    }
}
