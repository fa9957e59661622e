//! Share links. The whole state ([`ShareState`]: structure text, model id and weights sha256,
//! and the view) travels in the URL fragment as `#state=<base64url(deflate(JSON))>`, so a link
//! works from a static host with no server; with the matfuse server there, `POST /api/v1/share`
//! gives a short `/s/{id}` link, which opens the page at `#share=<id>`.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use serde::{Deserialize, Serialize};
use shared::api::ShareState;

/// Largest decompressed state a link may carry (a structure file of a few thousand atoms).
pub const MAX_STATE_BYTES: usize = 4 << 20;

/// The page's own part of [`ShareState::view`]: what the structure viewer showed.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct View {
    /// Viewer orientation (quaternion x, y, z, w) and zoom.
    pub rotation: [f32; 4],
    pub zoom: f32,
    pub bonds: bool,
    pub cell: bool,
    pub colour_by_attention: bool,
}

impl Default for View {
    fn default() -> View {
        let camera = crate::viewer::Camera::default();
        View { rotation: camera.rotation, zoom: camera.zoom, bonds: true, cell: true, colour_by_attention: false }
    }
}

/// The fragment value (after `state=`) for `state`.
pub fn encode(state: &ShareState) -> String {
    pack(state)
}

/// Reads a fragment value written by [`encode`], saying what is wrong with a damaged or
/// foreign one.
pub fn decode(value: &str) -> Result<ShareState, String> {
    let raw = unpack(value, "state")?;
    shared::versioned::read_versioned(raw, ShareState::VERSION, "the link", "share", "the link's state")
}

/// `value` as a link's fragment carries it: JSON, deflated, base64url (no padding).
pub fn pack<T: Serialize>(value: &T) -> String {
    let json = serde_json::to_vec(value).unwrap_or_default();
    URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(&json, 9))
}

/// The JSON that [`pack`] wrote, at most [`MAX_STATE_BYTES`] of it; the error says what is
/// wrong with a damaged or truncated value, calling its content `what` ("state", "lesson").
pub fn unpack(value: &str, what: &str) -> Result<serde_json::Value, String> {
    let compressed = URL_SAFE_NO_PAD
        .decode(value.trim().trim_end_matches('='))
        .map_err(|e| format!("the link's {what} is not valid base64url ({e}); was it cut short?"))?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&compressed, MAX_STATE_BYTES)
        .map_err(|_| format!("the link's {what} is damaged or was cut short (it does not decompress)"))?;
    serde_json::from_slice(&json).map_err(|e| format!("the link's {what} is not JSON: {e}"))
}

/// The view stored in a state (defaults for anything missing or malformed).
pub fn view_of(state: &ShareState) -> View {
    serde_json::from_value(state.view.clone()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state() -> ShareState {
        ShareState {
            version: ShareState::VERSION,
            structure: shared::gallery::example("spinel").unwrap().cif.to_string(),
            format: None,
            text: None,
            model: "browser".into(),
            weights_sha256: "ab".repeat(32),
            view: serde_json::to_value(View { zoom: 1.7, colour_by_attention: true, ..View::default() }).unwrap(),
        }
    }

    #[test]
    fn states_round_trip_and_compress() {
        let s = state();
        let encoded = encode(&s);
        assert!(encoded.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert!(encoded.len() < s.structure.len(), "{} vs {}", encoded.len(), s.structure.len());
        let back = decode(&encoded).unwrap();
        // The view's floats come back as the same f32 (their JSON text is not bit-exact in f64).
        assert_eq!(
            ShareState { view: serde_json::Value::Null, ..back.clone() },
            ShareState { view: serde_json::Value::Null, ..s.clone() }
        );
        assert_eq!(view_of(&back), view_of(&s));
        assert_eq!(view_of(&back).zoom, 1.7);
        assert!(view_of(&back).colour_by_attention);
    }

    #[test]
    fn damaged_links_say_what_is_wrong() {
        let encoded = encode(&state());
        assert!(decode("not base64!").unwrap_err().contains("base64url"));
        assert!(decode(&encoded[..encoded.len() / 2]).unwrap_err().contains("cut short"));
        let future = ShareState { version: 99, ..state() };
        let err = decode(&encode(&future)).unwrap_err();
        assert!(err.contains("format 99"), "{err}");
        // A bomb: far more than the limit once inflated.
        let bomb = URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(&vec![b' '; MAX_STATE_BYTES + 1], 9));
        assert!(decode(&bomb).is_err());
    }
}
