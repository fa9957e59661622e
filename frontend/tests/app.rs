//! Component tests of the whole page in a real browser: click, type, Ctrl+Enter.
//!
//! Run with `scripts/test-frontend.sh` (wasm-bindgen-test-runner + chromedriver).
#![cfg(target_family = "wasm")]

use std::time::Duration;

use frontend::analysis::analyse;
use frontend::app::App;
use frontend::model::{ComputeDevice, LocalModel};
use leptos::prelude::*;
use models::Bundle;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, Event, EventInit, HtmlElement, HtmlTextAreaElement, KeyboardEvent, KeyboardEventInit};

wasm_bindgen_test_configure!(run_in_browser);

#[path = "support/fixture.rs"]
mod fixture;
use fixture::{Expected, Fixture, Values};

const NACL_POSCAR: &str = "NaCl\n1.0\n0 2.82 2.82\n2.82 0 2.82\n2.82 2.82 0\nNa Cl\n1 1\nDirect\n0 0 0\n0.5 0.5 0.5\n";

/// Mounts a fresh page into its own container.
fn mount() -> HtmlElement {
    let root: HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&root).unwrap();
    leptos::mount::mount_to(root.clone(), App).forget();
    root
}

fn find(root: &HtmlElement, selector: &str) -> Option<Element> {
    root.query_selector(selector).unwrap()
}

fn text(root: &HtmlElement) -> String {
    root.text_content().unwrap_or_default()
}

fn editor(root: &HtmlElement) -> HtmlTextAreaElement {
    find(root, "textarea").unwrap().unchecked_into()
}

/// Lets timers and the reactive system run.
async fn wait(duration: Duration) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, duration.as_millis() as i32).unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

/// Puts `value` in the editor and fires `input`, as typing does.
fn type_into(root: &HtmlElement, value: &str) {
    let editor = editor(root);
    editor.set_value(value);
    let init = EventInit::new();
    init.set_bubbles(true);
    editor.dispatch_event(&Event::new_with_event_init_dict("input", &init).unwrap()).unwrap();
}

#[wasm_bindgen_test]
async fn starts_empty() {
    let root = mount();
    wait(Duration::from_millis(20)).await;
    assert!(text(&root).contains("Nothing analysed yet"));
    assert!(find(&root, ".report").is_none());
}

#[wasm_bindgen_test]
async fn clicking_an_example_analyses_it() {
    let root = mount();
    let button: HtmlElement = find(&root, r#"button[data-example="diamond"]"#).unwrap().unchecked_into();
    button.click();
    wait(Duration::from_millis(20)).await;
    assert_eq!(button.get_attribute("aria-pressed").as_deref(), Some("true"));
    let sg = find(&root, "[data-space-group]").expect("no report");
    assert_eq!(sg.get_attribute("data-space-group").as_deref(), Some("227"));
    assert!(text(&root).contains("Fd-3m"));
    assert!(editor(&root).value().contains("_cell_length_a"));
}

#[wasm_bindgen_test]
async fn typing_analyses_after_a_pause_and_points_at_the_bad_line() {
    let root = mount();
    type_into(&root, "data_x\n_cell_length_a 4.0\n_cell_length_b oops\n");
    wait(Duration::from_millis(20)).await;
    assert!(find(&root, ".error-note").is_none(), "analysed before the pause");
    assert!(text(&root).contains("Analysing when you pause typing"));

    wait(Duration::from_millis(600)).await;
    let note = find(&root, ".error-note").expect("no error note");
    assert_eq!(note.get_attribute("data-line").as_deref(), Some("3"));
    assert!(note.text_content().unwrap().contains("_cell_length_b oops"));
    assert_eq!(editor(&root).get_attribute("aria-invalid").as_deref(), Some("true"));

    // The note's button selects the offending line in the editor.
    let select: HtmlElement = find(&root, ".error-note button").unwrap().unchecked_into();
    select.click();
    let editor = editor(&root);
    let start = editor.selection_start().unwrap().unwrap() as usize;
    let end = editor.selection_end().unwrap().unwrap() as usize;
    assert_eq!(&editor.value()[start..end], "_cell_length_b oops");
}

#[wasm_bindgen_test]
async fn ctrl_enter_analyses_at_once() {
    let root = mount();
    type_into(&root, NACL_POSCAR);
    let init = KeyboardEventInit::new();
    init.set_key("Enter");
    init.set_ctrl_key(true);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let event = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    editor(&root).dispatch_event(&event).unwrap();
    assert!(event.default_prevented());

    wait(Duration::from_millis(20)).await;
    let formula = find(&root, "[data-formula]").expect("no report");
    assert_eq!(formula.get_attribute("data-formula").as_deref(), Some("NaCl"));
    assert!(text(&root).contains("Fm-3m"));
    assert!(text(&root).contains("Read 2 atoms"));
}

/// The shipped `browser` model in WebAssembly (CPU) predicts what it predicts natively
/// (`fixtures/browser_predictions.json`, checked against native runs by
/// `browser_model_native.rs`), through the page's own pipeline: analyse → predict.
#[wasm_bindgen_test]
async fn wasm_predictions_equal_the_native_ones() {
    let bundle = Bundle::from_bytes(
        include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../models/weights/browser/manifest.json")),
        include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../models/weights/browser/model.bpk")).to_vec(),
    )
    .unwrap();
    let vocab = bundle
        .manifest
        .verify_vocabulary(
            include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../models/weights/browser/vocab.txt")).to_vec(),
        )
        .unwrap();
    let model = LocalModel::new(&bundle, &vocab, ComputeDevice::cpu()).unwrap();
    let fixture: Fixture = serde_json::from_str(include_str!("fixtures/browser_predictions.json")).unwrap();
    assert_eq!(fixture.weights_sha256, bundle.manifest.weights.sha256, "the fixture belongs to another model");
    assert!(!fixture.structures.is_empty());
    for expected in &fixture.structures {
        let analysis = analyse(shared::gallery::example(&expected.example).unwrap().cif);
        let structure = analysis.structure.clone().unwrap();
        let description = analysis.outcome.unwrap().description.clone().unwrap();
        let p = model.predict(&structure, description).await.unwrap();
        let gate = p.gate.clone().unwrap();
        let actual = Expected {
            example: expected.example.clone(),
            both: Values::of(&p.predictions),
            without_text: Values::of(&p.without_text),
            without_graph: Values::of(&p.without_graph),
            gate: [Some(gate.graph), Some(gate.text), gate.cross].into_iter().flatten().collect(),
        };
        let difference = expected.max_difference(&actual);
        assert!(difference < 1e-4, "{}: WASM differs from native by {difference}: {actual:?}", expected.example);
    }
}

/// The structure viewer's WebGL renderer draws rock salt into a canvas (SwiftShader in the
/// headless test browser: `webdriver.json` enables it), and drawing without bonds or cell
/// covers less of it.
#[wasm_bindgen_test]
fn the_viewer_draws_a_unit_cell() {
    use frontend::viewer::{Camera, Colouring, Scene, Show, gl::Renderer, mesh};
    let canvas: web_sys::HtmlCanvasElement = document().create_element("canvas").unwrap().unchecked_into();
    canvas.set_width(240);
    canvas.set_height(180);
    document().body().unwrap().append_child(&canvas).unwrap();
    let structure = shared::parse(shared::gallery::example("rock-salt").unwrap().cif).unwrap();
    let scene = Scene::new(&structure, &Colouring::Element);
    let mut renderer = Renderer::new(&canvas).expect("the test browser gives WebGL (SwiftShader)");
    let mut covered = |show: Show| {
        renderer.upload(&mesh::build(&scene, show));
        renderer.draw(&Camera::default(), scene.center, scene.radius, 240, 180);
        renderer.covered_fraction(240, 180)
    };
    let full = covered(Show { bonds: true, cell: true });
    let atoms_only = covered(Show { bonds: false, cell: false });
    assert!(full > 0.05 && full < 0.95, "{full}");
    assert!(atoms_only > 0.01 && atoms_only < full, "{atoms_only} vs {full}");
}

/// A pasted structure gets the 3D view, the what-if controls and a share link.
#[wasm_bindgen_test]
async fn an_analysed_structure_gets_viewer_whatif_and_share() {
    let root = mount();
    type_into(&root, NACL_POSCAR);
    wait(Duration::from_millis(600)).await;
    assert!(find(&root, ".viewer-canvas").is_some(), "no viewer: {}", text(&root));
    assert!(find(&root, "#whatif-strain").is_some());
    assert!(text(&root).contains("Share this view"));
}
