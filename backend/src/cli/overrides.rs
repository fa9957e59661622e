//! `--set KEY=VALUE`: a value of a TOML configuration changed on the command line
//! (`--set train.epochs=1 --set data.max_train=120`), so a quick or cut-down run needs no
//! edited copy of the configuration. The value is read as TOML (`3`, `1e-3`, `true`,
//! `"text"`, `[1, 2]`); anything that is not valid TOML is taken as a string, so paths need
//! no quotes. Unknown keys are refused by the configuration's own schema.

use crate::error::{Error, Result};
use serde::de::DeserializeOwned;
use std::path::Path;

/// Reads the TOML file at `path`, applies `assignments` in order and deserialises the result.
pub fn load<T: DeserializeOwned>(path: &Path, assignments: &[String]) -> Result<T> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read { path: path.into(), source })?;
    let mut table: toml::Table = toml::from_str(&text).map_err(|source| Error::ConfigFile {
        path: path.into(),
        overrides: String::new(),
        source,
    })?;
    for assignment in assignments {
        apply(&mut table, assignment)?;
    }
    let overrides =
        if assignments.is_empty() { String::new() } else { format!(" with --set {}", assignments.join(", ")) };
    table.try_into().map_err(|source| Error::ConfigFile { path: path.into(), overrides, source })
}

/// Sets the dotted `KEY` of `assignment` (`KEY=VALUE`) in `table`, creating missing tables.
pub fn apply(table: &mut toml::Table, assignment: &str) -> Result<()> {
    let bad = |why: &str| Error::Override { assignment: assignment.to_string(), message: why.to_string() };
    let (key, raw) = assignment.split_once('=').ok_or_else(|| bad("expected KEY=VALUE, e.g. train.epochs=1"))?;
    let path: Vec<&str> = key.trim().split('.').collect();
    if path.iter().any(|part| part.is_empty()) {
        return Err(bad("the key is empty or has an empty part"));
    }
    let value = parse_value(raw.trim());
    let (last, parents) = path.split_last().expect("split yields at least one part");
    let mut current = table;
    for (depth, part) in parents.iter().enumerate() {
        let entry = current.entry(part.to_string()).or_insert_with(|| toml::Value::Table(toml::Table::new()));
        current = match entry {
            toml::Value::Table(inner) => inner,
            _ => return Err(bad(&format!("'{}' is a value, not a table", path[..=depth].join(".")))),
        };
    }
    current.insert(last.to_string(), value);
    Ok(())
}

/// `raw` as a TOML value, or as a string when it is not one.
fn parse_value(raw: &str) -> toml::Value {
    toml::from_str::<toml::Table>(&format!("v = {raw}"))
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| toml::Value::String(raw.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::training::TrainConfig;

    fn smoke() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../configs/smoke.toml")
    }

    #[test]
    fn typed_values_nested_keys_and_bare_strings() {
        let mut table: toml::Table = toml::from_str("[train]\nepochs = 15\n").unwrap();
        apply(&mut table, "train.epochs=1").unwrap();
        apply(&mut table, "train.lr = 5e-4").unwrap();
        apply(&mut table, "data.cache=target/e2e cache").unwrap();
        apply(&mut table, "model.graph.hidden=32").unwrap();
        assert_eq!(table["train"]["epochs"].as_integer(), Some(1));
        assert_eq!(table["train"]["lr"].as_float(), Some(5e-4));
        assert_eq!(table["data"]["cache"].as_str(), Some("target/e2e cache"));
        assert_eq!(table["model"]["graph"]["hidden"].as_integer(), Some(32));
    }

    #[test]
    fn malformed_assignments_say_what_is_wrong() {
        let mut table: toml::Table = toml::from_str("[train]\nepochs = 15\n").unwrap();
        let err = apply(&mut table, "train.epochs").unwrap_err().to_string();
        assert!(err.contains("expected KEY=VALUE"), "{err}");
        let err = apply(&mut table, "train..epochs=1").unwrap_err().to_string();
        assert!(err.contains("empty part"), "{err}");
        let err = apply(&mut table, "train.epochs.max=1").unwrap_err().to_string();
        assert!(err.contains("'train.epochs' is a value, not a table"), "{err}");
    }

    #[test]
    fn a_config_with_overrides_and_an_unknown_key() {
        let config: TrainConfig = load(&smoke(), &["train.epochs=2".into(), "data.max_train=50".into()]).unwrap();
        assert_eq!(config.train.epochs, 2);
        assert_eq!(config.data.max_train, Some(50));
        let err = load::<TrainConfig>(&smoke(), &["train.epoch=2".into()]).unwrap_err().to_string();
        assert!(err.contains("with --set train.epoch=2") && err.contains("epoch"), "{err}");
    }

    #[test]
    fn a_missing_file_is_named() {
        let err = load::<TrainConfig>(Path::new("configs/absent.toml"), &[]).unwrap_err();
        assert!(matches!(err, Error::Read { .. }), "{err:?}");
        assert!(err.to_string().starts_with("cannot read configs/absent.toml: "), "{err}");
    }
}
