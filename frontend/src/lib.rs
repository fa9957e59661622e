//! matfuse web app: a client-side rendered Leptos UI that reads a crystal structure (CIF, POSCAR or
//! extended XYZ), analyses it in the browser with [`shared`] and shows formula, symmetry, lattice,
//! sites and the generated text description.
//!
//! Code map, in the order data flows:
//! - [`route`]: deep links (`#example=nacl`, `#structure=<percent-encoded text>`);
//! - [`analysis`]: parse once, then [`shared::report::report`], timed;
//! - [`lesson`]: lessons (a sequence of structures with notes and questions) in links;
//! - [`model`]: the shipped `browser` model in the page (bundle download, WebGPU or CPU, prediction);
//! - [`molecule`]: molecule mode (a SMILES in the editor, the drawing, share views);
//! - [`server_api`]: the matfuse server's HTTP API, when the server serves the page;
//! - [`attention`]: the attended-token highlighting (each property's words are `shared::task`'s);
//! - [`state`]: the page's state (structure, models and predictions, page) and deep links;
//! - [`app`]: the layout;
//! - [`viewer`]: the 3D unit-cell view (scene, mesh, camera, WebGL);
//! - [`training_map`]: the training map's view, colours and hit-testing;
//! - [`components`]: gallery, input panel, parse-error note, results, predictions, structure viewer, sites table.

pub mod analysis;
pub mod app;
pub mod attention;
pub mod batch;
pub mod components;
pub mod format;
pub mod lesson;
pub mod model;
pub mod molecule;
pub mod route;
pub mod server_api;
pub mod share;
pub mod state;
pub mod suggest;
pub mod text;
pub mod training_map;
pub mod viewer;
pub mod whatif;

use wasm_bindgen::prelude::*;

/// Entry point, run by wasm-bindgen's `init()` once the module is instantiated: mounts [`app::App`]
/// into `<main id="app">`, replacing the loading placeholder of `index.html`.
#[wasm_bindgen(start)]
pub fn start() {
    run_static_constructors();
    console_error_panic_hook::set_once();
    let root = leptos::prelude::document()
        .get_element_by_id("app")
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
        .expect("index.html has no <main id=\"app\">");
    root.set_inner_html("");
    leptos::mount::mount_to(root, app::App).forget();
}

#[cfg(target_family = "wasm")]
unsafe extern "C" {
    /// Synthesised by the wasm linker: runs the module's static constructors (the `inventory`
    /// registrations of the GPU compiler's IR, `pliron`, pulled in by burn-wgpu).
    fn __wasm_call_ctors();
}

/// Runs the static constructors once, from the start function. Without an explicit call the
/// linker treats the module as a "command" and wraps *every* export in a call to
/// `__wasm_call_ctors`, so each call from JavaScript into the module (each event handler, each
/// `externref` table slot wasm-bindgen takes) re-ran hundreds of registrations: 31 % of the
/// samples in a profile of the page's cold load (BENCHMARKS.md, "Cold start").
fn run_static_constructors() {
    #[cfg(target_family = "wasm")]
    // SAFETY: called once, first thing in the start function, before any code that reads the
    // registries; the constructors are `inventory`'s, which are idempotent.
    unsafe {
        __wasm_call_ctors();
    }
}
