//! The native predictions of the shipped `browser` model for a few gallery structures, kept in
//! `fixtures/browser_predictions.json` for the in-browser test (`app.rs`) to compare against.
//! This test fails when the fixture no longer matches the model; regenerate it with
//! `MATFUSE_UPDATE_FIXTURES=1 cargo test -p frontend --test browser_model_native`.
#![cfg(not(target_family = "wasm"))]

use std::path::Path;

use burn::prelude::Device;
use models::batch::Modalities;
use models::predictor::Predictor;
use models::train::Prediction;

#[path = "support/fixture.rs"]
mod fixture;
use fixture::{Expected, FIXTURE_EXAMPLES, Fixture, Values};

fn values(p: &Prediction) -> Values {
    Values { value: p.value.clone(), sigma: p.sigma.clone() }
}

#[test]
fn fixture_equals_the_native_predictions() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let predictor = Predictor::load(&root.join("../models/weights/browser"), &Device::flex()).unwrap();
    let structures = FIXTURE_EXAMPLES
        .iter()
        .map(|id| {
            let example = shared::gallery::example(id).unwrap();
            let input = predictor.input(&shared::parse(example.cif).unwrap()).unwrap();
            let explanation = predictor.explain(&input);
            let one = |m| predictor.predict(std::slice::from_ref(&input), m).remove(0);
            Expected {
                example: id.to_string(),
                both: values(&explanation.prediction),
                without_text: values(&one(Modalities::GRAPH_ONLY)),
                without_graph: values(&one(Modalities::TEXT_ONLY)),
                gate: explanation.gate.unwrap_or_default().into_iter().map(f64::from).collect(),
            }
        })
        .collect();
    let native = Fixture { weights_sha256: predictor.manifest.weights.sha256.clone(), structures };
    let path = root.join("tests/fixtures/browser_predictions.json");
    if std::env::var_os("MATFUSE_UPDATE_FIXTURES").is_some() {
        std::fs::write(&path, serde_json::to_string_pretty(&native).unwrap() + "\n").unwrap();
    }
    let committed: Fixture = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(committed.weights_sha256, native.weights_sha256, "the browser model changed: regenerate the fixture");
    for (c, n) in committed.structures.iter().zip(&native.structures) {
        assert!(
            c.max_difference(n) < 1e-9,
            "{}: fixture differs from the native prediction (regenerate it)",
            c.example
        );
    }
}
