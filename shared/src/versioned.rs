//! Versioned JSON records (share-link states, lessons): a reader refuses a layout version it does
//! not know and names both versions, so an old page opening a newer link says why.

use serde::de::DeserializeOwned;

/// `raw` read as a `T` when its `version` field is `expected`. Errors name the record as the
/// reader sees it: `writer` ("the link", "the lesson") was written in `format` ("share",
/// "lesson"); `content` ("the link's state", "the lesson") is what lacks fields.
pub fn read_versioned<T: DeserializeOwned>(
    raw: serde_json::Value,
    expected: u32,
    writer: &str,
    format: &str,
    content: &str,
) -> Result<T, String> {
    let version = raw.get("version").and_then(serde_json::Value::as_u64);
    if version != Some(u64::from(expected)) {
        return Err(format!(
            "{writer} was written in {format} format {}, this page reads version {expected}",
            version.map_or("(none)".into(), |v| v.to_string()),
        ));
    }
    serde_json::from_value(raw).map_err(|e| format!("{content} is incomplete: {e}"))
}

#[cfg(test)]
mod tests {
    use super::read_versioned;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Note {
        version: u32,
        text: String,
    }

    fn read(raw: serde_json::Value) -> Result<Note, String> {
        read_versioned(raw, 2, "the note", "note", "the note's body")
    }

    #[test]
    fn reads_the_expected_version() {
        let note = read(serde_json::json!({"version": 2, "text": "hi"})).unwrap();
        assert_eq!(note, Note { version: 2, text: "hi".into() });
    }

    #[test]
    fn names_an_unknown_or_missing_version() {
        let newer = read(serde_json::json!({"version": 3, "text": "hi"})).unwrap_err();
        assert_eq!(newer, "the note was written in note format 3, this page reads version 2");
        let none = read(serde_json::json!({"text": "hi"})).unwrap_err();
        assert_eq!(none, "the note was written in note format (none), this page reads version 2");
    }

    #[test]
    fn names_missing_fields() {
        let err = read(serde_json::json!({"version": 2})).unwrap_err();
        assert!(err.starts_with("the note's body is incomplete: missing field `text`"), "{err}");
    }
}
