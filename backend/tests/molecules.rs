//! `POST /api/v1/predict` with `smiles` and the molecule models in `GET /api/v1/models`, over
//! small untrained molecule bundles (an ESOL-like regression and a BACE-like classifier) beside
//! the shipped `browser` model, in-process.

mod common;

use axum::http::StatusCode;
use backend::server::{Limits, ServerState};
use common::*;
use models::bundle::{Bundle, Manifest};
use models::nn::molecule::{HeadKind, MoleculeFusion, MoleculeNetConfig, SmilesConfig};
use serde_json::json;
use std::sync::OnceLock;

/// A small network: width 16, a 128-bit fingerprint.
fn small(fusion: MoleculeFusion, head: HeadKind) -> MoleculeNetConfig {
    let mut network = MoleculeNetConfig::new(fusion, 1, head);
    network.graph.hidden = 16;
    network.smiles = SmilesConfig { hidden: 16, layers: 1, heads: 2, max_tokens: 64 };
    network.fingerprint.bits = 128;
    network.fingerprint.hidden = 16;
    network.fused = 16;
    network.heads = 2;
    network
}

/// A models directory with `browser` and, under `molecules/`, `esol` (cross, regression) and
/// `bace` (graph, classification).
fn state() -> backend::server::AppState {
    static STATE: OnceLock<backend::server::AppState> = OnceLock::new();
    STATE
        .get_or_init(|| {
            let dir = temp_dir("molecule-models");
            std::os::unix::fs::symlink(workspace().join("models/weights/browser"), dir.join("browser")).unwrap();
            let device = burn::prelude::Device::flex();
            for (id, fusion, head, task) in [
                ("esol", MoleculeFusion::Cross, HeadKind::Regression, "log_solubility"),
                ("bace", MoleculeFusion::Graph, HeadKind::Classification, "bace_inhibitor"),
            ] {
                let network = small(fusion, head);
                let weights = models::weights::to_bytes(&network.init(&device), true).unwrap();
                let manifest = Manifest::untrained_molecule(id, network, &[shared::task::by_name(task).unwrap()]);
                Bundle::write_without_vocabulary(&dir.join("molecules").join(id), manifest, &weights).unwrap();
            }
            let mut config = config(temp_dir("data"), Limits::default());
            config.model_dirs = vec![dir];
            ServerState::new(&config).unwrap()
        })
        .clone()
}

#[tokio::test]
async fn a_smiles_is_answered_by_every_molecule_model() {
    let reply = post_json(&state(), "/api/v1/predict", &json!({ "smiles": "CC(=O)Oc1ccccc1C(=O)O" })).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.excerpt());
    let body = reply.json();
    assert_eq!((body["molecule"]["atoms"].as_u64(), body["molecule"]["bonds"].as_u64()), (Some(13), Some(13)));
    assert_eq!(body["molecule"]["formula"], "C9H8O4");
    assert!(body["molecule"]["depiction_svg"].as_str().unwrap().starts_with("<svg"));
    let ids: Vec<&str> =
        body["predictions"].as_array().unwrap().iter().map(|p| p["model"]["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["bace", "esol"]);
    let bace = &body["predictions"][0];
    let probability = bace["tasks"][0]["probability"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&probability) && bace["tasks"][0].get("sigma").is_none());
    let esol = &body["predictions"][1];
    assert_eq!(esol["tasks"][0]["task"], "log_solubility");
    assert!(esol["tasks"][0]["sigma"].as_f64().unwrap() > 0.0);
    assert!(esol["gate"]["cross"].is_number());
    assert_eq!(esol["atom_contributions"].as_array().unwrap().len(), 13);
    assert!(!esol["fingerprint_bits"][0]["environments"][0]["atoms"].as_array().unwrap().is_empty());
    assert_eq!(esol["without_view"].as_array().unwrap().len(), 3);
    assert_eq!(esol["model"]["trained"], false);
}

#[tokio::test]
async fn a_named_model_answers_alone_and_a_crystal_model_is_refused() {
    let body = post_json(&state(), "/api/v1/predict", &json!({ "smiles": "CCO", "model": "esol" })).await.json();
    assert_eq!(body["predictions"].as_array().unwrap().len(), 1);
    let error = post_json(&state(), "/api/v1/predict", &json!({ "smiles": "CCO", "model": "browser" }))
        .await
        .error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_request");
    assert!(error["message"].as_str().unwrap().contains("crystal model"), "{error}");
    post_json(&state(), "/api/v1/predict", &json!({ "smiles": "CCO", "model": "nope" }))
        .await
        .error(StatusCode::NOT_FOUND, "unknown_model");
}

#[tokio::test]
async fn a_bad_smiles_names_the_position_and_the_problem() {
    let error = post_json(&state(), "/api/v1/predict", &json!({ "smiles": "C1CC" }))
        .await
        .error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_smiles");
    assert_eq!(error["detail"]["position"], 1, "{error}");
    assert_eq!(error["detail"]["problem"]["type"], "unclosed_ring");
    assert!(error["message"].as_str().unwrap().contains("position 1"), "{error}");
    let error = post_json(&state(), "/api/v1/predict", &json!({ "smiles": "CXx" }))
        .await
        .error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_smiles");
    assert_eq!(error["detail"]["position"], 1, "{error}");
}

#[tokio::test]
async fn a_request_needs_exactly_one_of_structure_and_smiles() {
    for body in [json!({ "structure": "x", "smiles": "C" }), json!({ "model": "esol" })] {
        let error = post_json(&state(), "/api/v1/predict", &body)
            .await
            .error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_request");
        assert!(error["message"].as_str().unwrap().contains("`smiles`"), "{error}");
    }
}

#[tokio::test]
async fn the_model_list_names_the_molecule_models_with_their_kind() {
    let body = get(&state(), "/api/v1/models").await.json();
    let kinds: Vec<(&str, Option<&str>)> =
        body["models"].as_array().unwrap().iter().map(|m| (m["id"].as_str().unwrap(), m["kind"].as_str())).collect();
    assert_eq!(kinds, [("browser", None), ("bace", Some("molecule")), ("esol", Some("molecule"))]);
    assert_eq!(body["default"], "browser");
}
