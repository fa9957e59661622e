//! Deep links into the page, read from the URL fragment so that the page can be opened on a result
//! without clicking (tests, shared links):
//! - `#example=<id>` opens a gallery example ([`shared::gallery::examples`]; see [`find_example`]);
//! - `#structure=<percent-encoded text>` analyses the given structure file text;
//! - `#state=<…>` restores a shared view with no server ([`crate::share`]);
//! - `#share=<id>` restores a view stored by the server (what `/s/{id}` redirects to);
//! - `#lesson=<…>` opens a lesson ([`crate::lesson::codec`]).

use shared::gallery::{self, Example};

/// What a URL fragment asks the page to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// A gallery example, by id.
    Example(String),
    /// The text of a structure file.
    Structure(String),
    /// A shared state, encoded by [`crate::share::encode`].
    State(String),
    /// The id of a state stored by the server.
    Share(String),
    /// A lesson, encoded by [`crate::lesson::codec::encode`].
    Lesson(String),
}

impl Route {
    /// Reads a fragment, with or without its leading `#`; `None` when it is not a deep link.
    pub fn from_fragment(fragment: &str) -> Option<Route> {
        let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
        let (key, value) = fragment.split_once('=')?;
        let value = percent_decode(value);
        match key {
            "example" => Some(Route::Example(value)),
            "structure" => Some(Route::Structure(value)),
            "state" => Some(Route::State(value)),
            "share" => Some(Route::Share(value)),
            "lesson" => Some(Route::Lesson(value)),
            _ => None,
        }
    }

    /// The fragment (with `#`) that [`Route::from_fragment`] reads back as `self`.
    pub fn to_fragment(&self) -> String {
        let (key, value) = match self {
            Route::Example(id) => ("example", id),
            Route::Structure(text) => ("structure", text),
            Route::State(state) => ("state", state),
            Route::Share(id) => ("share", id),
            Route::Lesson(lesson) => ("lesson", lesson),
        };
        format!("#{key}={}", percent_encode(value))
    }
}

/// The gallery example a deep link names: by id (`rock-salt`) or, for convenience, by formula
/// (`nacl`, case-insensitive).
pub fn find_example(key: &str) -> Option<&'static Example> {
    gallery::example(key).or_else(|| gallery::examples().iter().find(|ex| ex.formula.eq_ignore_ascii_case(key)))
}

/// Decodes `%XX` escapes (UTF-8 bytes). Malformed escapes are kept as they are and invalid UTF-8
/// becomes U+FFFD, so a mangled link still shows *something* the parser can complain about.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| bytes.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok());
        match escaped {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Escapes every byte outside RFC 3986's unreserved set.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Replaces the URL fragment without adding a history entry or firing `hashchange`
/// (`None` removes it).
pub fn replace_fragment(route: Option<&Route>) {
    let window = leptos::prelude::window();
    let location = window.location();
    let base = format!("{}{}", location.pathname().unwrap_or_default(), location.search().unwrap_or_default());
    let url = match route {
        Some(route) => base + &route.to_fragment(),
        None => base,
    };
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_example_and_structure_links() {
        assert_eq!(Route::from_fragment("#example=nacl"), Some(Route::Example("nacl".into())));
        assert_eq!(Route::from_fragment("structure=Na%20Cl%0A2%25"), Some(Route::Structure("Na Cl\n2%".into())));
        assert_eq!(Route::from_fragment("#results"), None);
        assert_eq!(Route::from_fragment("#other=1"), None);
        assert_eq!(Route::from_fragment(""), None);
    }

    #[test]
    fn examples_by_id_or_formula() {
        assert_eq!(find_example("rock-salt").map(|ex| ex.formula), Some("NaCl"));
        assert_eq!(find_example("nacl").map(|ex| ex.id), Some("rock-salt"));
        assert_eq!(find_example("unobtainium"), None);
    }

    #[test]
    fn malformed_escapes_survive() {
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(percent_decode("%FF"), "\u{FFFD}");
        assert_eq!(percent_decode("%C3%85"), "Å");
    }

    #[test]
    fn fragments_round_trip() {
        let text = "data_NaCl\n_cell_length_a 5.64 # Å\n'x, y+1/2, z'\n";
        for route in [
            Route::Example("nacl".into()),
            Route::Structure(text.into()),
            Route::State("eJy_-0".into()),
            Route::Share("abc234".into()),
            Route::Lesson("eJyr_-1".into()),
        ] {
            assert_eq!(Route::from_fragment(&route.to_fragment()), Some(route));
        }
    }
}
