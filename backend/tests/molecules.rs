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
                Bundle::write(&dir.join("molecules").join(id), manifest, &weights, None).unwrap();
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

/// The NDJSON lines of a batch reply.
fn lines(reply: &Reply) -> Vec<serde_json::Value> {
    reply.text().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[tokio::test]
async fn a_smiles_table_is_answered_row_by_row_like_single_requests() {
    let table = "name,smiles\nethanol,CCO\nopen ring,C1CC\n,c1ccccc1\nempty,\n";
    let reply = post(&state(), "/api/v1/predict/batch", "text/csv", table).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.excerpt());
    let lines = lines(&reply);
    let names: Vec<&str> = lines.iter().map(|l| l["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["ethanol", "open ring", "row-4", "row-5"]);
    for (line, smiles) in [(&lines[0], "CCO"), (&lines[2], "c1ccccc1")] {
        let single = post_json(&state(), "/api/v1/predict", &json!({ "smiles": smiles })).await.json();
        assert_eq!(line["result"]["molecule"], single["molecule"]);
        assert_eq!(line["result"]["predictions"], single["predictions"]);
    }
    let single = post_json(&state(), "/api/v1/predict", &json!({ "smiles": "C1CC" })).await.json();
    assert_eq!(lines[1]["error"], single["error"]);
    assert_eq!(lines[1]["error"]["code"], "invalid_smiles");
    assert_eq!(lines[1]["error"]["detail"]["position"], 1);
    assert_eq!(lines[1]["error"]["detail"]["problem"]["type"], "unclosed_ring");
    assert_eq!(lines[3]["error"]["message"], "the body, line 5, column `smiles`: no SMILES in the cell");
}

#[tokio::test]
async fn a_smiles_batch_answers_csv_per_task_and_a_named_model_alone() {
    let table = "smiles\nCCO\nC1CC\n";
    let reply = post(&state(), "/api/v1/predict/batch?format=csv", "text/csv", table).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.excerpt());
    let text = reply.text();
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = rows.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(header, ["name", "smiles", "bace_inhibitor", "log_solubility", "log_solubility_sigma", "error"]);
    let rows: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    assert_eq!((&rows[0][0], &rows[0][1], &rows[0][5]), ("row-2", "CCO", ""));
    let probability: f64 = rows[0][2].parse().unwrap();
    assert!((0.0..=1.0).contains(&probability) && rows[0][4].parse::<f64>().unwrap() > 0.0);
    assert_eq!((&rows[1][1], rows[1][2].is_empty()), ("C1CC", true));
    assert!(rows[1][5].starts_with("invalid SMILES: ") && rows[1][5].contains("position 1"), "{:?}", &rows[1]);
    let form = form::body(&[form::Part::file("files", "set.csv", "text/csv", b"SMILES\nO\n")]);
    let reply = post(&state(), "/api/v1/predict/batch?model=esol", &form::content_type(), form).await;
    let lines = lines(&reply);
    let ids: Vec<&str> = lines[0]["result"]["predictions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["model"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["esol"]);
}

#[tokio::test]
async fn a_json_batch_of_smiles_refuses_structures_and_a_table_without_either_column_is_refused() {
    let items = json!([{ "name": "water", "smiles": "O" }, { "name": "salt", "structure": "data_x" }]);
    let reply = post(&state(), "/api/v1/predict/batch", "application/json", items.to_string()).await;
    let lines = lines(&reply);
    assert_eq!(lines[0]["result"]["molecule"]["formula"], "H2O");
    assert_eq!(lines[1]["error"]["code"], "invalid_request");
    assert!(lines[1]["error"]["message"].as_str().unwrap().contains("batch holds SMILES"), "{}", lines[1]);
    let error = post(&state(), "/api/v1/predict/batch", "text/csv", "name,formula\nx,NaCl\n")
        .await
        .error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_request");
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains("no `smiles` column") && message.ends_with("its columns are `name`, `formula`"),
        "{message}"
    );
}
