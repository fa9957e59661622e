//! What the two JSON structure formats (pymatgen's `Structure.as_dict()` and OPTIMADE) share:
//! telling them apart by their keys, reading a document into typed records with errors that
//! name the JSON path (`sites[3].species[0].element`) and the line, element symbols, and the
//! validated structure with overlapping atoms named by their paths.

use super::checked_lattice;
use crate::element::Element;
use crate::error::{Error, Format, Result};
use crate::lattice::{Lattice, Vec3};
use crate::structure::{MIN_INTERATOMIC_DISTANCE, Site, Structure};
use serde::de::{DeserializeOwned, Error as _, IgnoredAny};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Whether a text is a JSON object or array: its first non-blank character is `{` or `[` (no
/// CIF, POSCAR or XYZ file starts so).
pub(super) fn is_json_document(text: &str) -> bool {
    text.trim_start().starts_with(['{', '['])
}

/// One structure of a JSON text listing several, for batches.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonEntry {
    /// The entry's `id` (OPTIMADE) or `material_id` (Materials Project), when it has one.
    pub id: Option<String>,
    /// Where it sits in the text: `data[2]`, or `[2]` in a top-level array.
    pub path: String,
    /// The structure alone, as a text of `format`.
    pub text: String,
    pub format: Format,
}

/// The top-level keys that tell the formats apart; values are skipped unread, except that
/// `data` is looked into.
#[derive(Deserialize)]
struct TopLevelKeys {
    #[serde(rename = "@class")]
    class: Option<IgnoredAny>,
    lattice: Option<IgnoredAny>,
    sites: Option<IgnoredAny>,
    structure: Option<IgnoredAny>,
    attributes: Option<IgnoredAny>,
    data: Option<DataKeys>,
}

/// The keys of a response's first entry: Materials Project documents carry a `structure`,
/// OPTIMADE entries `attributes`.
#[derive(Deserialize)]
#[serde(untagged)]
enum DataKeys {
    Many(Vec<EntryKeys>),
    Other(IgnoredAny),
}

#[derive(Deserialize)]
struct EntryKeys {
    structure: Option<IgnoredAny>,
    attributes: Option<IgnoredAny>,
}

impl DataKeys {
    fn is_materials_project(&self) -> bool {
        matches!(self, DataKeys::Many(entries) if entries.first().is_some_and(|e| e.structure.is_some() && e.attributes.is_none()))
    }
}

/// The format of a text that [`is_json_document`]: pymatgen when it is an array (of
/// `Structure.as_dict()`s or documents carrying one), or its top level has `lattice`, `sites`,
/// `@class`, `structure` (a Materials Project document) or `data` listing such documents (a
/// Materials Project response); OPTIMADE when it has `attributes` (one entry) or another `data`
/// (a response). JSON that does not parse is told by the same keys anywhere in the text, so that
/// the format's reader then reports the line of the defect.
pub(super) fn detect(text: &str) -> Result<Format> {
    let pymatgen = ["\"lattice\"", "\"sites\"", "\"@class\"", "\"structure\""];
    let optimade = ["\"attributes\"", "\"data\"", "\"species_at_sites\""];
    if text.trim_start().starts_with('[') {
        return Ok(Format::PymatgenJson);
    }
    let found = match serde_json::from_str::<TopLevelKeys>(text) {
        Ok(keys) => {
            let materials_project =
                keys.structure.is_some() || keys.data.as_ref().is_some_and(DataKeys::is_materials_project);
            if keys.class.is_some() || keys.lattice.is_some() || keys.sites.is_some() || materials_project {
                Some(Format::PymatgenJson)
            } else if keys.attributes.is_some() || keys.data.is_some() {
                Some(Format::OptimadeJson)
            } else {
                None
            }
        }
        Err(_) if pymatgen.iter().any(|key| text.contains(key)) => Some(Format::PymatgenJson),
        Err(_) if optimade.iter().any(|key| text.contains(key)) => Some(Format::OptimadeJson),
        Err(e) => {
            return Err(Error::UnknownFormat(format!(
                "the text starts with '{{' but is not JSON ({e}); expected pymatgen's Structure.as_dict() or an OPTIMADE structure"
            )));
        }
    };
    found.ok_or_else(|| {
        Error::UnknownFormat(
            "a JSON object, but not a structure: expected pymatgen's Structure.as_dict() (`lattice`, `sites`), a Materials Project document (`structure`) or response (`data` of documents), or OPTIMADE (`attributes`, or `data` of entries)".into(),
        )
    })
}

/// Reads the whole of `text` as a `T`. A syntax or type error names the JSON path where it was
/// found (when not the top level) and its line.
pub(super) fn read<T: DeserializeOwned>(text: &str, format: Format) -> Result<T> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let path = e.path().to_string();
        json_error(format, &path, &e.into_inner())
    })?;
    deserializer.end().map_err(|e| json_error(format, ".", &e))?;
    Ok(value)
}

/// A serde_json error as a parse error at its line, its message prefixed by `path`.
fn json_error(format: Format, path: &str, e: &serde_json::Error) -> Error {
    let message = e.to_string();
    let position = format!(" at line {} column {}", e.line(), e.column());
    let message = message.strip_suffix(&position).unwrap_or(&message);
    let message = if path == "." { message.to_string() } else { format!("{path}: {message}") };
    Error::parse(format, e.line(), message)
}

/// A problem with the value at `path`, found after reading (so without a line).
pub(super) fn at(format: Format, path: &str, message: impl std::fmt::Display) -> Error {
    Error::parse(format, 0, format!("{path}: {message}"))
}

/// `parent.child`, or `child` at the top level (`parent` empty).
pub(super) fn join(parent: &str, child: &str) -> String {
    if parent.is_empty() { child.to_string() } else { format!("{parent}.{child}") }
}

/// An element symbol in a JSON file (`"Fe"`; `"D"` and `"T"` read as H). Anything else —
/// pymatgen's dummy species, OPTIMADE's `"X"` (unknown) and `"vacancy"` — is refused while
/// reading, so that the error carries its path and line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct ElementSymbol(pub Element);

impl<'de> Deserialize<'de> for ElementSymbol {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let symbol = String::deserialize(deserializer)?;
        let shown = super::cif_syntax::preview(&symbol);
        if symbol == "vacancy" {
            return Err(D::Error::custom(
                "\"vacancy\" (a partly empty site): partially occupied or disordered sites are not supported",
            ));
        }
        let element = (symbol.len() <= 2).then(|| Element::from_symbol(&symbol)).flatten();
        element.map(ElementSymbol).ok_or_else(|| D::Error::custom(format!("unknown element \"{shown}\"")))
    }
}

impl Serialize for ElementSymbol {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0.symbol())
    }
}

/// The cell from lattice rows (Å) read at `path`.
pub(super) fn lattice(format: Format, path: &str, rows: [Vec3; 3]) -> Result<Lattice> {
    checked_lattice(Lattice::new(rows))
        .map_err(|why| at(format, path, format!("the vectors do not form a valid cell: {why}")))
}

/// Checks the number of sites at `path` against the atom limit before they are converted.
pub(super) fn check_site_count(format: Format, path: &str, count: usize, max_atoms: usize) -> Result<()> {
    match count {
        0 => Err(at(format, path, "the structure lists no sites")),
        n if n > max_atoms => Err(at(format, path, format!("{n} sites, more than the limit of {max_atoms} atoms"))),
        _ => Ok(()),
    }
}

/// Validates a structure read from JSON; `site_path(i)` names site `i` (`sites[3]`), so that
/// overlapping atoms are reported by their paths.
pub(super) fn build(
    format: Format,
    lattice: Lattice,
    sites: Vec<Site>,
    site_path: impl Fn(usize) -> String,
    max_atoms: usize,
) -> Result<Structure> {
    Structure::with_max_atoms(lattice, sites, max_atoms).map_err(|e| match e {
        Error::OverlappingAtoms { i, j, label_i, distance, .. } if i == j => at(
            format,
            &site_path(i),
            format!(
                "{label_i} is {distance:.3} Å from its own periodic image; the cell is too small (atoms must be at least {MIN_INTERATOMIC_DISTANCE} Å apart)"
            ),
        ),
        Error::OverlappingAtoms { i, j, label_i, label_j, distance, .. } => at(
            format,
            &site_path(j),
            format!(
                "{label_j} is {distance:.3} Å from {label_i} at {}; atoms must be at least {MIN_INTERATOMIC_DISTANCE} Å apart",
                site_path(i)
            ),
        ),
        other => other,
    })
}

/// `value` as indented JSON text.
pub(super) fn to_text(value: &impl Serialize) -> String {
    let mut text = serde_json::to_string_pretty(value).expect("plain records of strings and numbers serialise");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_tell_the_formats_apart() {
        assert_eq!(detect(r#"{"@module": "x", "lattice": {}, "sites": []}"#), Ok(Format::PymatgenJson));
        assert_eq!(detect(r#"{"data": [], "meta": {}}"#), Ok(Format::OptimadeJson));
        assert_eq!(detect(r#"{"id": "1", "attributes": {}}"#), Ok(Format::OptimadeJson));
        assert_eq!(detect(r#"{"data": [{"id": "1", "attributes": {}}]}"#), Ok(Format::OptimadeJson));
        assert_eq!(
            detect(r#"{"data": [{"material_id": "mp-1", "structure": {}}], "meta": {}}"#),
            Ok(Format::PymatgenJson)
        );
        assert_eq!(detect(r#"{"material_id": "mp-1", "structure": {}}"#), Ok(Format::PymatgenJson));
        assert_eq!(detect(r#" [{"lattice": {}, "sites": []}]"#), Ok(Format::PymatgenJson));
        assert_eq!(detect(r#"{"sites": [ oops"#), Ok(Format::PymatgenJson));
        assert!(matches!(detect(r#"{"name": "x"}"#), Err(Error::UnknownFormat(_))));
        assert!(matches!(detect("{ broken"), Err(Error::UnknownFormat(m)) if m.contains("not JSON")));
    }

    #[test]
    fn errors_name_the_path_and_line() {
        #[derive(Debug, Deserialize)]
        struct Doc {
            #[allow(dead_code)]
            sites: Vec<ElementSymbol>,
        }
        let e = read::<Doc>("{\n\"sites\": [\"Fe\",\n \"Xx\"]}", Format::PymatgenJson).unwrap_err();
        assert_eq!(e.to_string(), "pymatgen JSON, line 3: sites[1]: unknown element \"Xx\"");
        let e = read::<Doc>("{\"sites\": [\"Fe\"]} x", Format::PymatgenJson).unwrap_err();
        assert_eq!(e.to_string(), "pymatgen JSON, line 1: trailing characters");
        let e = read::<Doc>("{\"sites\": [\"vacancy\"]}", Format::OptimadeJson).unwrap_err();
        assert!(e.to_string().contains("sites[0]: \"vacancy\" (a partly empty site)"), "{e}");
    }
}
