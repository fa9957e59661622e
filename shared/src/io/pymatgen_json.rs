//! pymatgen's `Structure.as_dict()` JSON (what the Materials Project API and
//! `Structure.to(fmt="json")` give) ↔ [`Structure`].
//!
//! Read: `lattice.matrix` (rows, Å) and each site's species (`element`, `occu`), `abc`
//! (fractional; `xyz`, Cartesian Å, when `abc` is absent) and `label`. `@class` must not be a
//! `Molecule` and `lattice.pbc`, when given, must be periodic in all three directions (a
//! crystal is needed, as for XYZ files); `charge`, `properties` and oxidation states are
//! ignored. A site with several species or an occupancy below 1 is refused, as in CIF files.

use super::ParseOptions;
use super::json::{self, ElementSymbol, at};
use super::species::occupancy_problem;
use crate::error::{Format, Result};
use crate::lattice::{Lattice, LatticeParameters, Vec3};
use crate::structure::{Site, Structure};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

const FORMAT: Format = Format::PymatgenJson;

/// `Structure.as_dict()`, keys in pymatgen's order.
#[derive(Serialize, Deserialize)]
pub(super) struct StructureDict {
    #[serde(rename = "@module", default, skip_serializing_if = "Option::is_none")]
    module: Option<String>,
    #[serde(rename = "@class", default, skip_serializing_if = "Option::is_none")]
    class: Option<String>,
    /// Total charge of the cell (elementary charges); written as 0, ignored when read.
    #[serde(skip_deserializing)]
    charge: f64,
    #[serde(default)]
    lattice: Option<LatticeDict>,
    #[serde(skip_deserializing)]
    properties: Map<String, Value>,
    sites: Vec<SiteDict>,
}

#[derive(Serialize, Deserialize)]
struct LatticeDict {
    /// Rows are the lattice vectors, Å.
    matrix: [Vec3; 3],
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pbc: Option<[bool; 3]>,
    /// a, b, c, α, β, γ and the volume, as pymatgen writes them beside the matrix (not read).
    #[serde(flatten, skip_deserializing)]
    parameters: Option<LatticeParameters>,
}

#[derive(Serialize, Deserialize)]
struct SiteDict {
    species: Vec<SpeciesOccupancy>,
    /// Fractional coordinates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    abc: Option<Vec3>,
    #[serde(skip_deserializing)]
    properties: Map<String, Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    label: Option<String>,
    /// Cartesian coordinates, Å.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    xyz: Option<Vec3>,
}

#[derive(Serialize, Deserialize)]
struct SpeciesOccupancy {
    element: ElementSymbol,
    #[serde(default = "full")]
    occu: f64,
}

fn full() -> f64 {
    1.0
}

/// The structure of one dict found at `path` (empty at the top level; `data[2].structure` in a
/// Materials Project response), errors naming the paths below it.
pub(super) fn read_dict(dict: StructureDict, path: &str, opts: &ParseOptions) -> Result<Structure> {
    let at = |field: &str, message: String| json::at(FORMAT, &json::join(path, field), message);
    if let Some(class) = dict.class.as_deref().filter(|c| c.contains("Molecule")) {
        return Err(at("@class", format!("a pymatgen {class} has no periodic cell; a crystal (Structure) is needed")));
    }
    let Some(lattice) = dict.lattice else {
        return Err(at("lattice", "missing: a crystal needs its periodic cell (`lattice.matrix`)".into()));
    };
    if let Some(pbc) = lattice.pbc.filter(|pbc| pbc != &[true; 3]) {
        let periodic = pbc.iter().filter(|&&p| p).count();
        return Err(at(
            "lattice.pbc",
            format!(
                "{pbc:?}: periodic along {periodic} of 3 directions; only crystals periodic in all three can be read (no molecules, wires or slabs)"
            ),
        ));
    }
    let lattice = json::lattice(FORMAT, &json::join(path, "lattice.matrix"), lattice.matrix)?;
    let sites_path = json::join(path, "sites");
    json::check_site_count(FORMAT, &sites_path, dict.sites.len(), opts.max_atoms)?;
    let site_path = |i: usize| format!("{sites_path}[{i}]");
    let sites = dict
        .sites
        .into_iter()
        .enumerate()
        .map(|(i, site)| read_site(&site_path(i), site, &lattice))
        .collect::<Result<_>>()?;
    json::build(FORMAT, lattice, sites, site_path, opts.max_atoms)
}

fn read_site(path: &str, site: SiteDict, lattice: &Lattice) -> Result<Site> {
    let species = match site.species.as_slice() {
        [one] => one,
        [] => return Err(at(FORMAT, &format!("{path}.species"), "no species on this site")),
        several => {
            let names: Vec<&str> = several.iter().map(|s| s.element.0.symbol()).collect();
            return Err(at(
                FORMAT,
                &format!("{path}.species"),
                format!("{} share this site; two species on one site (disorder) are not supported", names.join(", ")),
            ));
        }
    };
    if let Some(problem) = occupancy_problem(species.occu) {
        return Err(at(FORMAT, &format!("{path}.species[0].occu"), problem));
    }
    let frac = match (site.abc, site.xyz) {
        (Some(abc), _) => abc,
        (None, Some(xyz)) => lattice.to_fractional(xyz),
        (None, None) => {
            return Err(at(FORMAT, path, "no coordinates (expected `abc`, fractional, or `xyz`, Cartesian Å)"));
        }
    };
    let label = site.label.filter(|l| !l.trim().is_empty());
    Ok(Site { element: species.element.0, frac, label })
}

/// `Structure.as_dict()` as pymatgen writes it (lattice with its parameters and `pbc`, each site
/// with `abc`, `xyz`, its label — the element symbol when it has none — and occupancy 1), so
/// that `Structure.from_dict` and the Materials Project's tools read it.
pub fn write_pymatgen_json(s: &Structure) -> String {
    let lattice = s.lattice();
    let sites = s
        .sites()
        .iter()
        .enumerate()
        .map(|(i, site)| SiteDict {
            species: vec![SpeciesOccupancy { element: ElementSymbol(site.element), occu: 1.0 }],
            abc: Some(site.frac),
            properties: Map::new(),
            label: Some(site.display_label()),
            xyz: Some(s.cartesian(i)),
        })
        .collect();
    json::to_text(&StructureDict {
        module: Some("pymatgen.core.structure".into()),
        class: Some("Structure".into()),
        charge: 0.0,
        lattice: Some(LatticeDict {
            matrix: lattice.matrix,
            pbc: Some([true; 3]),
            parameters: Some(lattice.parameters()),
        }),
        properties: Map::new(),
        sites,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Structure> {
        read_dict(json::read(text, FORMAT)?, "", &ParseOptions::default())
    }

    const ROCK_SALT: &str = r#"{"lattice": {"matrix": [[0, 2.82, 2.82], [2.82, 0, 2.82], [2.82, 2.82, 0]]},
        "sites": [{"species": [{"element": "Na", "occu": 1}], "abc": [0, 0, 0]},
                  {"species": [{"element": "Cl", "occu": 1.0}], "xyz": [2.82, 2.82, 2.82], "label": "Cl1"}]}"#;

    #[test]
    fn reads_fractional_and_cartesian_sites() {
        let s = read(ROCK_SALT).unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s.sites()[1].label.as_deref(), Some("Cl1"));
        for x in s.sites()[1].frac {
            assert!((x - 0.5).abs() < 1e-12);
        }
    }

    #[test]
    fn writes_what_it_reads() {
        let s = read(ROCK_SALT).unwrap();
        let text = write_pymatgen_json(&s);
        assert!(text.contains("\"@class\": \"Structure\"") && text.contains("\"alpha\": 60.0"), "{text}");
        assert_eq!(read(&text).unwrap().sites()[1].frac, s.sites()[1].frac);
    }

    #[test]
    fn refuses_disorder_molecules_and_slabs_by_path() {
        let message = |text: &str| read(text).unwrap_err().to_string();
        let mixed = ROCK_SALT.replace(
            r#"[{"element": "Na", "occu": 1}]"#,
            r#"[{"element": "Na", "occu": 0.5}, {"element": "K", "occu": 0.5}]"#,
        );
        assert_eq!(
            message(&mixed),
            "pymatgen JSON: sites[0].species: Na, K share this site; two species on one site (disorder) are not supported"
        );
        let partial = ROCK_SALT.replace(r#""occu": 1.0"#, r#""occu": 0.5"#);
        assert!(message(&partial).starts_with("pymatgen JSON: sites[1].species[0].occu: occupancy 0.5; partially"));
        let slab = ROCK_SALT.replace("]]}", "]], \"pbc\": [true, true, false]}");
        assert!(
            message(&slab).contains("lattice.pbc: [true, true, false]: periodic along 2 of 3"),
            "{}",
            message(&slab)
        );
        let molecule = r#"{"@class": "Molecule", "sites": [], "charge": 0}"#;
        assert!(message(molecule).contains("@class: a pymatgen Molecule has no periodic cell"));
        let overlap = ROCK_SALT.replace("[2.82, 2.82, 2.82]", "[0.1, 0, 0]");
        assert!(message(&overlap).contains("sites[1]: Cl1 is 0.100 Å from Na at sites[0]"), "{}", message(&overlap));
        assert!(
            message(&ROCK_SALT.replace("0, 2.82, 2.82]", "0, 2.82]")).contains("lattice.matrix[0]: invalid length 2")
        );
    }
}
