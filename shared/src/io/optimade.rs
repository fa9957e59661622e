//! OPTIMADE `structures` JSON ↔ [`Structure`]: one entry (`{id, type, attributes}`) or a
//! response (`{data, meta, …}`) whose `data` is one entry or a list of them.
//!
//! Read: `lattice_vectors` (rows, Å), `cartesian_site_positions` (Å) and `species_at_sites`,
//! naming entries of `species` (`name`, `chemical_symbols`, `concentration`); without `species`
//! the names must be element symbols. Of a list, the entry whose `id` is
//! [`ParseOptions::block`] is read, else the first with a warning (batches read every entry:
//! [`optimade_entries`]). Only crystals periodic in all three directions are read
//! (`dimension_types` and `nperiodic_dimensions`, when given, must say so), as for XYZ files. A
//! species with several chemical symbols, a concentration below 1, a `vacancy` or attached atoms,
//! and `assemblies`, are refused as disordered sites are in CIF files.

use super::ParseOptions;
use super::json::{self, ElementSymbol, JsonEntry, join};
use super::species::occupancy_problem;
use super::warning::Warnings;
use crate::composition::{composition, gcd, reduced_formula};
use crate::element::Element;
use crate::error::{Format, Result};
use crate::lattice::Vec3;
use crate::structure::{Site, Structure};
use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use std::collections::HashMap;

const FORMAT: Format = Format::OptimadeJson;

/// A response (`data`) or a single entry (`id`, `type`, `attributes`).
#[derive(Deserialize)]
struct Document {
    #[serde(default)]
    data: Option<Data>,
    #[serde(default)]
    id: Option<String>,
    #[serde(default, rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    attributes: Option<Attributes>,
}

/// A response's `data`: one entry or a list of them.
enum Data {
    One(Entry),
    Many(Vec<Entry>),
}

impl<'de> Deserialize<'de> for Data {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        deserializer.deserialize_any(DataVisitor)
    }
}

struct DataVisitor;

impl<'de> Visitor<'de> for DataVisitor {
    type Value = Data;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a structures entry or a list of them")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> std::result::Result<Data, A::Error> {
        Entry::deserialize(MapAccessDeserializer::new(map)).map(Data::One)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> std::result::Result<Data, A::Error> {
        Vec::<Entry>::deserialize(SeqAccessDeserializer::new(seq)).map(Data::Many)
    }
}

#[derive(Serialize, Deserialize)]
struct Entry {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    kind: Option<String>,
    attributes: Attributes,
}

/// The attributes read, and those written (the summary fields are written only).
#[derive(Serialize, Deserialize)]
struct Attributes {
    #[serde(skip_deserializing, skip_serializing_if = "Option::is_none")]
    chemical_formula_descriptive: Option<String>,
    #[serde(skip_deserializing, skip_serializing_if = "Option::is_none")]
    chemical_formula_reduced: Option<String>,
    #[serde(skip_deserializing, skip_serializing_if = "Option::is_none")]
    chemical_formula_anonymous: Option<String>,
    #[serde(skip_deserializing, skip_serializing_if = "Option::is_none")]
    elements: Option<Vec<ElementSymbol>>,
    #[serde(skip_deserializing, skip_serializing_if = "Option::is_none")]
    nelements: Option<usize>,
    #[serde(skip_deserializing, skip_serializing_if = "Option::is_none")]
    elements_ratios: Option<Vec<f64>>,
    #[serde(skip_deserializing, skip_serializing_if = "Option::is_none")]
    nsites: Option<usize>,
    /// 1 for each periodic direction of the cell, 0 for a non-periodic one.
    #[serde(default)]
    dimension_types: Option<[u8; 3]>,
    #[serde(default)]
    nperiodic_dimensions: Option<u8>,
    /// Rows are the lattice vectors, Å; `null` components mark non-periodic directions.
    #[serde(default)]
    lattice_vectors: Option<[[Option<f64>; 3]; 3]>,
    /// Å.
    #[serde(default)]
    cartesian_site_positions: Option<Vec<Vec3>>,
    #[serde(default)]
    species_at_sites: Option<Vec<String>>,
    #[serde(default)]
    species: Option<Vec<Species>>,
    #[serde(default, skip_serializing)]
    assemblies: Option<Value>,
    #[serde(skip_deserializing, skip_serializing_if = "Option::is_none")]
    structure_features: Option<Vec<String>>,
}

#[derive(Serialize, Deserialize)]
struct Species {
    name: String,
    chemical_symbols: Vec<ElementSymbol>,
    concentration: Vec<f64>,
    /// Atomic masses, u (written only).
    #[serde(skip_deserializing, skip_serializing_if = "Option::is_none")]
    mass: Option<Vec<f64>>,
    #[serde(default, skip_serializing)]
    attached: Option<Vec<String>>,
}

pub fn parse(text: &str, opts: &ParseOptions, warnings: &mut Warnings) -> Result<Structure> {
    let document: Document = json::read(text, FORMAT)?;
    match (document.data, document.attributes) {
        (Some(Data::One(entry)), _) => read_entry(entry, "data", opts),
        (Some(Data::Many(mut entries)), _) => {
            let index = match &opts.block {
                None if entries.is_empty() => return Err(json::at(FORMAT, "data", "the response lists no structures")),
                None => {
                    if entries.len() > 1 {
                        let id = entries[0].id.as_deref().map_or(String::new(), |id| format!(" ({})", preview(id)));
                        warnings.note(
                            None,
                            format!(
                                "the response lists {} structures; the first{id} was read (name another by its id as the data block, or read the file as a batch for all)",
                                entries.len()
                            ),
                        );
                    }
                    0
                }
                Some(id) => entries
                    .iter()
                    .position(|e| e.id.as_deref().is_some_and(|e| e.eq_ignore_ascii_case(id)))
                    .ok_or_else(|| json::at(FORMAT, "data", format!("no entry has the id \"{id}\"")))?,
            };
            read_entry(entries.swap_remove(index), &format!("data[{index}]"), opts)
        }
        (None, Some(attributes)) => read_entry(Entry { id: document.id, kind: document.kind, attributes }, "", opts),
        (None, None) => {
            Err(json::at(FORMAT, ".", "neither `data` (an OPTIMADE response) nor `attributes` (a structures entry)"))
        }
    }
}

/// The structure of one entry found at `path` (`data[2]`, or empty for a lone entry).
fn read_entry(entry: Entry, path: &str, opts: &ParseOptions) -> Result<Structure> {
    let at = |field: &str, message: String| json::at(FORMAT, &join(path, field), message);
    if let Some(kind) = entry.kind.as_deref().filter(|&k| k != "structures") {
        return Err(at("type", format!("\"{kind}\": not a structures entry")));
    }
    let a = entry.attributes;
    check_periodic(&a, &at)?;
    if a.assemblies.as_ref().is_some_and(|v| !v.is_null()) {
        return Err(at("attributes.assemblies", "alternative groups of sites (disorder) are not supported".into()));
    }
    let Some(vectors) = a.lattice_vectors else {
        return Err(at("attributes", "no `lattice_vectors`: a crystal needs its periodic cell".into()));
    };
    let mut rows = [[0.0; 3]; 3];
    for (k, (row, given)) in rows.iter_mut().zip(vectors).enumerate() {
        for (x, value) in row.iter_mut().zip(given) {
            *x = value.ok_or_else(|| {
                at(
                    &format!("attributes.lattice_vectors[{k}]"),
                    "null components mark a non-periodic direction; only crystals periodic in all three can be read"
                        .into(),
                )
            })?;
        }
    }
    let lattice = json::lattice(FORMAT, &join(path, "attributes.lattice_vectors"), rows)?;
    let (Some(positions), Some(names)) = (a.cartesian_site_positions, a.species_at_sites) else {
        return Err(at("attributes", "a structure needs `cartesian_site_positions` and `species_at_sites`".into()));
    };
    let positions_path = join(path, "attributes.cartesian_site_positions");
    json::check_site_count(FORMAT, &positions_path, positions.len(), opts.max_atoms)?;
    if names.len() != positions.len() {
        return Err(at(
            "attributes.species_at_sites",
            format!("{} names for {} positions in cartesian_site_positions", names.len(), positions.len()),
        ));
    }
    let listed = a.species.unwrap_or_default();
    let mut species = HashMap::with_capacity(listed.len());
    for (k, s) in listed.iter().enumerate() {
        let element = species_element(s, &format!("attributes.species[{k}]"), &at)?;
        species.entry(s.name.as_str()).or_insert(element);
    }
    let mut sites = Vec::with_capacity(names.len());
    for (i, (name, cart)) in names.iter().zip(positions).enumerate() {
        let element = match species.get(name.as_str()) {
            Some(&element) => element,
            None if species.is_empty() => Element::from_symbol(name).filter(|_| name.len() <= 2).ok_or_else(|| {
                at(
                    &format!("attributes.species_at_sites[{i}]"),
                    format!(
                        "\"{}\" is not an element symbol (and there is no `species` list naming it)",
                        preview(name)
                    ),
                )
            })?,
            None => {
                return Err(at(
                    &format!("attributes.species_at_sites[{i}]"),
                    format!("\"{}\" is not the name of any entry of `species`", preview(name)),
                ));
            }
        };
        let label = (name != element.symbol()).then(|| name.clone());
        sites.push(Site { element, frac: lattice.to_fractional(cart), label });
    }
    json::build(FORMAT, lattice, sites, |i| format!("{positions_path}[{i}]"), opts.max_atoms)
}

/// Refuses cells that `dimension_types` or `nperiodic_dimensions` say are not periodic in all
/// three directions.
fn check_periodic(a: &Attributes, at: &impl Fn(&str, String) -> crate::Error) -> Result<()> {
    let why = "only crystals periodic in all three directions can be read (no molecules, wires or slabs)";
    if let Some(types) = a.dimension_types.filter(|t| t != &[1; 3]) {
        let periodic = types.iter().filter(|&&t| t == 1).count();
        return Err(at(
            "attributes.dimension_types",
            format!("{types:?}: periodic along {periodic} of 3 directions; {why}"),
        ));
    }
    if let Some(n) = a.nperiodic_dimensions.filter(|&n| n != 3) {
        return Err(at("attributes.nperiodic_dimensions", format!("{n}; {why}")));
    }
    Ok(())
}

/// The one element of an ordered species at `path`; several symbols, a concentration below 1 or
/// attached atoms are refused.
fn species_element(s: &Species, path: &str, at: &impl Fn(&str, String) -> crate::Error) -> Result<Element> {
    let name = preview(&s.name);
    if s.attached.as_ref().is_some_and(|a| !a.is_empty()) {
        return Err(at(
            &format!("{path}.attached"),
            format!("species \"{name}\" has attached atoms, which are not supported"),
        ));
    }
    let [symbol] = s.chemical_symbols.as_slice() else {
        let symbols: Vec<&str> = s.chemical_symbols.iter().map(|e| e.0.symbol()).collect();
        return Err(at(
            &format!("{path}.chemical_symbols"),
            format!(
                "species \"{name}\" is [{}]; one element per site is needed (disorder is not supported)",
                symbols.join(", ")
            ),
        ));
    };
    let &[concentration] = s.concentration.as_slice() else {
        return Err(at(
            &format!("{path}.concentration"),
            format!("{} values for 1 chemical symbol", s.concentration.len()),
        ));
    };
    if let Some(problem) = occupancy_problem(concentration) {
        return Err(at(&format!("{path}.concentration[0]"), format!("species \"{name}\" has {problem}")));
    }
    Ok(symbol.0)
}

fn preview(text: &str) -> String {
    super::cif_syntax::preview(text)
}

/// The entries of an OPTIMADE response whose `data` lists more than one, each as a text of its
/// own; `None` for any other text (one structure, which a batch reads whole, or not such JSON).
pub(super) fn optimade_entries(text: &str) -> Option<Vec<JsonEntry>> {
    #[derive(Deserialize)]
    struct Response {
        data: Vec<Value>,
    }
    let response: Response = serde_json::from_str(text).ok()?;
    (response.data.len() > 1).then(|| {
        response
            .data
            .into_iter()
            .enumerate()
            .map(|(i, entry)| JsonEntry {
                id: entry.get("id").and_then(Value::as_str).map(str::to_string),
                path: format!("data[{i}]"),
                text: entry.to_string(),
                format: FORMAT,
            })
            .collect()
    })
}

/// One OPTIMADE `structures` entry (no `last_modified`: a file has no database time), with the
/// summary attributes (formulas, elements and their ratios, `nsites`) beside the cell, the
/// Cartesian positions (Å) and one species per element, named by its symbol. The `id` is the
/// reduced formula.
pub fn write_optimade_json(s: &Structure) -> String {
    let mut counts = composition(s);
    counts.sort_by_key(|(e, _)| e.symbol());
    let divisor = counts.iter().fold(0, |g, &(_, n)| gcd(g, n)).max(1);
    let reduced: String = counts.iter().map(|&(e, n)| proportion(e.symbol(), n / divisor)).collect();
    let mut by_amount: Vec<usize> = counts.iter().map(|&(_, n)| n / divisor).collect();
    by_amount.sort_by(|a, b| b.cmp(a));
    let anonymous: String = by_amount.iter().enumerate().map(|(k, &n)| proportion(&anonymous_symbol(k), n)).collect();
    let species = counts
        .iter()
        .map(|&(e, _)| Species {
            name: e.symbol().to_string(),
            chemical_symbols: vec![ElementSymbol(e)],
            concentration: vec![1.0],
            mass: Some(vec![e.atomic_mass()]),
            attached: None,
        })
        .collect();
    let attributes = Attributes {
        chemical_formula_descriptive: Some(reduced_formula(s)),
        chemical_formula_reduced: Some(reduced),
        chemical_formula_anonymous: Some(anonymous),
        elements: Some(counts.iter().map(|&(e, _)| ElementSymbol(e)).collect()),
        nelements: Some(counts.len()),
        elements_ratios: Some(counts.iter().map(|&(_, n)| n as f64 / s.len() as f64).collect()),
        nsites: Some(s.len()),
        dimension_types: Some([1; 3]),
        nperiodic_dimensions: Some(3),
        lattice_vectors: Some(s.lattice().matrix.map(|row| row.map(Some))),
        cartesian_site_positions: Some((0..s.len()).map(|i| s.cartesian(i)).collect()),
        species_at_sites: Some(s.species().map(|e| e.symbol().to_string()).collect()),
        species: Some(species),
        assemblies: None,
        structure_features: Some(Vec::new()),
    };
    json::to_text(&Entry { id: Some(reduced_formula(s)), kind: Some("structures".into()), attributes })
}

/// `symbol` followed by `n`, which is left out when 1 (OPTIMADE's formula convention).
fn proportion(symbol: &str, n: usize) -> String {
    if n == 1 { symbol.to_string() } else { format!("{symbol}{n}") }
}

/// The `k`-th (0-based) symbol of an anonymous formula: A, B, …, Z, Aa, Ba, …, Za, Ab, …
fn anonymous_symbol(k: usize) -> String {
    let first = char::from(b'A' + (k % 26) as u8);
    match k / 26 {
        0 => first.to_string(),
        round => format!("{first}{}", char::from(b'a' + ((round - 1) % 26) as u8)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENTRY: &str = r#"{"id": "x-1", "type": "structures", "attributes": {
        "lattice_vectors": [[4.0, 0, 0], [0, 4.0, 0], [0, 0, 4.0]],
        "cartesian_site_positions": [[0, 0, 0], [2, 2, 2]],
        "species_at_sites": ["Cs", "Cl"], "dimension_types": [1, 1, 1]}}"#;

    fn read(text: &str) -> Result<Structure> {
        parse_with(text, &ParseOptions::default())
    }

    fn parse_with(text: &str, opts: &ParseOptions) -> Result<Structure> {
        parse(text, opts, &mut Warnings::new(FORMAT, false))
    }

    fn message(text: &str) -> String {
        read(text).unwrap_err().to_string()
    }

    #[test]
    fn reads_an_entry_without_a_species_list() {
        let s = read(ENTRY).unwrap();
        assert_eq!(s.sites()[1].element.symbol(), "Cl");
        assert_eq!(s.sites()[1].frac, [0.5; 3]);
    }

    #[test]
    fn picks_the_entry_named_by_block() {
        let other = ENTRY.replace("x-1", "x-2").replace("\"Cs\"", "\"Rb\"");
        let response = format!("{{\"data\": [{ENTRY}, {other}], \"meta\": {{}}}}");
        let mut warnings = Warnings::new(FORMAT, true);
        assert_eq!(
            parse(&response, &ParseOptions::default(), &mut warnings).unwrap().sites()[0].element.symbol(),
            "Cs"
        );
        assert_eq!(
            warnings.into_vec()[0].message,
            "the response lists 2 structures; the first (x-1) was read (name another by its id as the data block, or read the file as a batch for all)"
        );
        let opts = ParseOptions { block: Some("X-2".into()), ..ParseOptions::default() };
        assert_eq!(parse_with(&response, &opts).unwrap().sites()[0].element.symbol(), "Rb");
        let opts = ParseOptions { block: Some("x-3".into()), ..ParseOptions::default() };
        assert_eq!(
            parse_with(&response, &opts).unwrap_err().to_string(),
            "OPTIMADE JSON: data: no entry has the id \"x-3\""
        );
        let entries = optimade_entries(&response).unwrap();
        assert_eq!(entries[1].id.as_deref(), Some("x-2"));
        assert_eq!(read(&entries[1].text).unwrap().sites()[0].element.symbol(), "Rb");
        assert_eq!(optimade_entries(ENTRY), None);
    }

    #[test]
    fn refuses_disorder_and_lower_dimensions_by_path() {
        let wire = ENTRY.replace("[1, 1, 1]", "[1, 0, 0]");
        assert!(
            message(&wire).starts_with("OPTIMADE JSON: attributes.dimension_types: [1, 0, 0]: periodic along 1 of 3")
        );
        let disordered = ENTRY.replace(
            "\"dimension_types\"",
            r#""species": [{"name": "Cs", "chemical_symbols": ["Cs", "K"], "concentration": [0.5, 0.5]},
                {"name": "Cl", "chemical_symbols": ["Cl"], "concentration": [1]}], "dimension_types""#,
        );
        assert!(message(&disordered).contains("attributes.species[0].chemical_symbols: species \"Cs\" is [Cs, K]"));
        let vacancy = disordered.replace("\"K\"", "\"vacancy\"");
        assert!(
            message(&vacancy).contains("attributes.species[0].chemical_symbols[1]: \"vacancy\""),
            "{}",
            message(&vacancy)
        );
        let partial =
            disordered.replace(r#"["Cs", "K"], "concentration": [0.5, 0.5]"#, r#"["Cs"], "concentration": [0.9]"#);
        assert!(message(&partial).contains("attributes.species[0].concentration[0]: species \"Cs\" has occupancy 0.9"));
        let unnamed = partial.replace("[0.9]", "[1]").replace(r#"["Cs", "Cl"]"#, r#"["Cs", "Br"]"#);
        assert!(
            message(&unnamed).contains("species_at_sites[1]: \"Br\" is not the name of any entry"),
            "{}",
            message(&unnamed)
        );
        let nulls = ENTRY.replace("[0, 0, 4.0]", "[null, null, null]");
        assert!(message(&nulls).contains("attributes.lattice_vectors[2]: null components"));
        let response = format!("{{\"data\": [{}]}}", ENTRY.replace("\"Cl\"]", "\"Xx\"]"));
        assert!(message(&response).contains("data[0].attributes.species_at_sites[1]: \"Xx\" is not an element symbol"));
        let response = format!("{{\"data\": {}}}", ENTRY.replace("[2, 2, 2]", "[2, 2]"));
        assert!(
            message(&response).contains("data.attributes.cartesian_site_positions[1]: invalid length 2"),
            "{}",
            message(&response)
        );
    }

    #[test]
    fn anonymous_symbols_continue_past_z() {
        assert_eq!([0, 25, 26, 27, 52].map(anonymous_symbol), ["A", "Z", "Aa", "Ba", "Ab"]);
    }
}
