//! The shapes pymatgen structures come in: one `Structure.as_dict()`, a document carrying one
//! under `structure` (a Materials Project summary document, with its `material_id`), a
//! top-level array of either (`json.dump([s.as_dict() for s in structures])`), or the Materials
//! Project API's response `{"data": [documents…], "meta": …}`.
//!
//! A text listing several structures is read as its first (with a warning) or the one named by
//! [`ParseOptions::block`] (a `material_id`, or a 0-based index); batches read every one
//! ([`pymatgen_entries`]). Errors name the JSON path from the top (`data[2].structure.sites[0]`).

use super::ParseOptions;
use super::json::{self, JsonEntry};
use super::pymatgen_json::{StructureDict, read_dict};
use super::warning::Warnings;
use crate::error::{Format, Result};
use crate::structure::Structure;
use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::Value;

const FORMAT: Format = Format::PymatgenJson;

/// A document carrying a structure (a Materials Project summary or materials document); its
/// other fields are not read.
#[derive(Deserialize)]
struct Document {
    #[serde(default)]
    material_id: Option<String>,
    structure: StructureDict,
}

/// The Materials Project API's answer.
#[derive(Deserialize)]
struct Response {
    data: Vec<Document>,
}

/// Which of the shapes a text has, told by its top-level keys (and, for an array, its first
/// element's). Text that is not JSON counts as one dict, whose reader then reports the defect's
/// line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Dict,
    Document,
    Dicts,
    Documents,
    Response,
}

fn shape(text: &str) -> Shape {
    #[derive(Deserialize)]
    struct Keys {
        structure: Option<IgnoredAny>,
        data: Option<IgnoredAny>,
        lattice: Option<IgnoredAny>,
        sites: Option<IgnoredAny>,
    }
    let keys = |k: &Keys| (k.lattice.is_some() || k.sites.is_some(), k.structure.is_some(), k.data.is_some());
    if text.trim_start().starts_with('[') {
        return match serde_json::from_str::<Vec<Keys>>(text) {
            Ok(items) if items.first().is_some_and(|k| keys(k) == (false, true, false)) => Shape::Documents,
            _ => Shape::Dicts,
        };
    }
    match serde_json::from_str::<Keys>(text).map(|k| keys(&k)) {
        Ok((false, true, _)) => Shape::Document,
        Ok((false, false, true)) => Shape::Response,
        _ => Shape::Dict,
    }
}

/// Reads the structure a pymatgen JSON text holds (the chosen one of several).
pub fn parse(text: &str, opts: &ParseOptions, warnings: &mut Warnings) -> Result<Structure> {
    match shape(text) {
        Shape::Dict => read_dict(json::read(text, FORMAT)?, "", opts),
        Shape::Document => {
            let document: Document = json::read(text, FORMAT)?;
            read_dict(document.structure, "structure", opts)
        }
        Shape::Dicts => {
            let dicts: Vec<StructureDict> = json::read(text, FORMAT)?;
            let index = choose(dicts.len(), |_| None, "", opts, warnings)?;
            read_dict(dicts.into_iter().nth(index).expect("chosen index is in range"), &format!("[{index}]"), opts)
        }
        several @ (Shape::Documents | Shape::Response) => {
            let (documents, path) = if several == Shape::Response {
                (json::read::<Response>(text, FORMAT)?.data, "data")
            } else {
                (json::read::<Vec<Document>>(text, FORMAT)?, "")
            };
            let index = choose(documents.len(), |i| documents[i].material_id.as_deref(), path, opts, warnings)?;
            let document = documents.into_iter().nth(index).expect("chosen index is in range");
            read_dict(document.structure, &format!("{path}[{index}].structure"), opts)
        }
    }
}

/// The index of the structure to read among `count`, the `i`-th having the id `id(i)`: the one
/// whose id (or 0-based index) is [`ParseOptions::block`], else the first, with a warning when
/// there are more.
fn choose<'a>(
    count: usize,
    id: impl Fn(usize) -> Option<&'a str>,
    path: &str,
    opts: &ParseOptions,
    warnings: &mut Warnings,
) -> Result<usize> {
    let list = if path.is_empty() { "the array" } else { path };
    match opts.block.as_deref() {
        _ if count == 0 => Err(json::at(FORMAT, list, "lists no structures")),
        None => {
            if count > 1 {
                let id = id(0).map_or(String::new(), |id| format!(" ({})", super::cif_syntax::preview(id)));
                warnings.note(
                    None,
                    format!(
                        "the file lists {count} structures; the first{id} was read (name another by its material_id or 0-based index as the data block, or read the file as a batch for all)",
                    ),
                );
            }
            Ok(0)
        }
        Some(wanted) => (0..count)
            .find(|&i| id(i).is_some_and(|id| id.eq_ignore_ascii_case(wanted)))
            .or_else(|| wanted.parse::<usize>().ok().filter(|&i| i < count))
            .ok_or_else(|| {
                json::at(
                    FORMAT,
                    list,
                    format!(
                        "no structure has the material_id \"{}\" and it is not an index below {count}",
                        super::cif_syntax::preview(wanted),
                    ),
                )
            }),
    }
}

/// The structures of a pymatgen JSON text listing more than one (an array or a Materials
/// Project response), each as a `Structure.as_dict()` text of its own; `None` for any other text.
pub fn pymatgen_entries(text: &str) -> Option<Vec<JsonEntry>> {
    let (values, path): (Vec<Value>, &str) = match shape(text) {
        Shape::Dicts | Shape::Documents => (serde_json::from_str(text).ok()?, ""),
        Shape::Response => {
            let Value::Array(documents) = serde_json::from_str::<Value>(text).ok()?.get_mut("data")?.take() else {
                return None;
            };
            (documents, "data")
        }
        Shape::Dict | Shape::Document => return None,
    };
    (values.len() > 1).then(|| {
        values
            .into_iter()
            .enumerate()
            .map(|(i, mut value)| {
                let id = value.get("material_id").and_then(Value::as_str).map(str::to_string);
                let structure = value.get_mut("structure").map(Value::take).unwrap_or(value);
                JsonEntry { id, path: format!("{path}[{i}]"), text: structure.to_string(), format: FORMAT }
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const NACL: &str = r#"{"lattice": {"matrix": [[0, 2.82, 2.82], [2.82, 0, 2.82], [2.82, 2.82, 0]]},
        "sites": [{"species": [{"element": "Na", "occu": 1}], "abc": [0, 0, 0]},
                  {"species": [{"element": "Cl", "occu": 1}], "abc": [0.5, 0.5, 0.5]}]}"#;

    fn kcl() -> String {
        NACL.replace("\"Na\"", "\"K\"").replace("2.82", "3.14")
    }

    fn read(text: &str, block: Option<&str>) -> (Result<Structure>, Vec<String>) {
        let opts = ParseOptions { block: block.map(str::to_string), ..ParseOptions::default() };
        let mut warnings = Warnings::new(FORMAT, false);
        let structure = parse(text, &opts, &mut warnings);
        (structure, warnings.into_vec().into_iter().map(|w| w.message).collect())
    }

    fn first_element(text: &str, block: Option<&str>) -> String {
        read(text, block).0.unwrap().sites()[0].element.symbol().to_string()
    }

    #[test]
    fn reads_every_shape() {
        let response = format!(
            r#"{{"data": [{{"material_id": "mp-22862", "formula_pretty": "NaCl", "structure": {NACL}}},
                         {{"material_id": "mp-23193", "structure": {}}}], "meta": {{"total_doc": 2}}}}"#,
            kcl()
        );
        let shapes = [
            (NACL.to_string(), Shape::Dict),
            (format!(r#"{{"material_id": "mp-22862", "structure": {NACL}}}"#), Shape::Document),
            (format!("[{NACL}, {}]", kcl()), Shape::Dicts),
            (format!(r#"[{{"material_id": "mp-22862", "structure": {NACL}}}]"#), Shape::Documents),
            (response.clone(), Shape::Response),
        ];
        for (text, expected) in &shapes {
            assert_eq!(shape(text), *expected, "{text}");
            assert_eq!(first_element(text, None), "Na", "{text}");
        }
        let (_, warnings) = read(&response, None);
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].starts_with("the file lists 2 structures; the first (mp-22862) was read"), "{warnings:?}");
        assert_eq!(first_element(&response, Some("MP-23193")), "K");
        assert_eq!(first_element(&response, Some("1")), "K");
        assert_eq!(first_element(&shapes[2].0, Some("1")), "K");
        assert!(read(&shapes[1].0, None).1.is_empty());
    }

    #[test]
    fn errors_name_the_path_from_the_top() {
        let message = |text: &str, block: Option<&str>| read(text, block).0.unwrap_err().to_string();
        let broken = NACL.replace("\"Cl\"", "\"Qq\"");
        let response = format!(r#"{{"data": [{{"material_id": "mp-1", "structure": {broken}}}]}}"#);
        assert!(
            message(&response, None).contains("data[0].structure.sites[1].species[0].element: unknown element \"Qq\"")
        );
        let overlap = NACL.replace("[0.5, 0.5, 0.5]", "[0.01, 0, 0]");
        let array = format!("[{NACL}, {overlap}]");
        assert!(message(&array, Some("1")).contains("[1].sites[1]: Cl is 0."), "{}", message(&array, Some("1")));
        assert_eq!(
            message(&array, Some("mp-7")),
            "pymatgen JSON: the array: no structure has the material_id \"mp-7\" and it is not an index below 2"
        );
        assert_eq!(message(r#"{"data": []}"#, None), "pymatgen JSON: data: lists no structures");
        assert_eq!(message("[]", None), "pymatgen JSON: the array: lists no structures");
    }

    #[test]
    fn batches_get_every_structure_with_its_id() {
        let response =
            format!(r#"{{"data": [{{"material_id": "mp-22862", "structure": {NACL}}}, {{"structure": {}}}]}}"#, kcl());
        let entries = pymatgen_entries(&response).unwrap();
        assert_eq!(entries.iter().map(|e| e.id.as_deref()).collect::<Vec<_>>(), [Some("mp-22862"), None]);
        assert_eq!(entries[1].path, "data[1]");
        assert_eq!(first_element(&entries[1].text, None), "K");
        let array = pymatgen_entries(&format!("[{NACL}, {}]", kcl())).unwrap();
        assert_eq!((array[0].path.as_str(), first_element(&array[0].text, None)), ("[0]", "Na".into()));
        assert_eq!(pymatgen_entries(NACL), None);
        assert_eq!(pymatgen_entries(&format!("[{NACL}]")), None);
    }
}
