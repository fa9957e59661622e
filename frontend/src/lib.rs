//! matfuse web app: a client-side rendered Leptos UI that reads a crystal structure (CIF, POSCAR or
//! extended XYZ), analyses it in the browser with [`shared`] and shows formula, symmetry, lattice,
//! sites and the generated text description.
//!
//! Code map, in the order data flows:
//! - [`route`]: deep links (`#example=nacl`, `#structure=<percent-encoded text>`);
//! - [`analysis`]: one call to [`shared::report::inspect`], timed;
//! - [`app`]: the state (source text, selected example, last analysis) and the page layout;
//! - [`components`]: gallery, input panel, parse-error note, results, sites table.

pub mod analysis;
pub mod app;
pub mod components;
pub mod format;
pub mod route;
pub mod text;

use wasm_bindgen::prelude::*;

/// Entry point, run by wasm-bindgen's `init()` once the module is instantiated: mounts [`app::App`]
/// into `<main id="app">`, replacing the loading placeholder of `index.html`.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
    let root = leptos::prelude::document()
        .get_element_by_id("app")
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
        .expect("index.html has no <main id=\"app\">");
    root.set_inner_html("");
    leptos::mount::mount_to(root, app::App).forget();
}
