//! The HTTP API over the shipped `browser` model: every endpoint, in-process (tower `oneshot`),
//! plus one test over a real socket.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::*;
use serde_json::{Value, json};

fn predict_body(id: &str) -> Value {
    json!({ "structure": structure(id) })
}

/// The products of an answer's decomposition: (formula, atom fraction).
fn products(stability: &Value) -> Vec<(String, f64)> {
    let products = stability["decomposition"].as_array().unwrap();
    products.iter().map(|p| (p["formula"].as_str().unwrap().to_string(), p["fraction"].as_f64().unwrap())).collect()
}

#[tokio::test]
async fn predict_answers_stability_against_the_known_phases() {
    // Diamond Si, fluorite CaF2 and rock salt NaCl (a test-split formula: the shipped table holds
    // every split's known phases), textbook stable crystals on the known hull: each is its own
    // decomposition, on or near the hull.
    for (example, formula) in [("diamond", "Si"), ("fluorite", "CaF2"), ("rock-salt", "NaCl")] {
        let body = post_json(&state(), "/api/v1/predict", &predict_body(example)).await.json();
        let stability = &body["stability"];
        let above = stability["energy_above_hull"].as_f64().unwrap();
        assert!((0.0..0.1).contains(&above), "{formula}: {above} eV/atom above the hull");
        assert_eq!(products(stability), [(formula.to_string(), 1.0)], "{stability}");
        assert!(stability["caveat"].as_str().unwrap().contains("correction scheme"));
    }

    // CaF3 in a made-up ReO3-type cell: no such compound; it falls apart into CaF2 and fluorine,
    // 3/4 and 1/4 of its atoms.
    let caf3 = "CaF3\n1.0\n4.5 0 0\n0 4.5 0\n0 0 4.5\nCa F\n1 3\nDirect\n0 0 0\n0.5 0 0\n0 0.5 0\n0 0 0.5\n";
    let reply = post_json(&state(), "/api/v1/predict", &json!({ "structure": caf3, "format": "poscar" })).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let body = reply.json();
    let stability = &body["stability"];
    let products = products(stability);
    let formulas: Vec<&str> = products.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(formulas, ["CaF2", "F2"], "{stability}");
    assert!((products[0].1 - 0.75).abs() < 1e-6, "{stability}");
    let convex = stability["convex_hull_energy_above_hull"].as_f64().unwrap();
    let hull = stability["hull_energy_per_atom"].as_f64().unwrap();
    let formation = body["predictions"]["formation_energy_per_atom"]["value"].as_f64().unwrap();
    assert!((formation - hull - convex).abs() < 1e-9, "energy above hull = formation − hull");
}

#[tokio::test]
async fn health_reports_the_loaded_models() {
    let reply = get(&state(), "/healthz").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json()["status"], "ok");
    assert!(reply.json()["models"].as_u64().unwrap() >= 1);
}

#[tokio::test]
async fn predict_answers_the_documented_contract() {
    let reply = post_json(&state(), "/api/v1/predict", &predict_body("rock-salt")).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let body = reply.json();
    // Only `browser` is installed: it answers in place of the default `server` and says so.
    assert_eq!(body["model"]["id"], "browser");
    assert!(body["model"]["notice"].as_str().unwrap().contains("'server'"));
    assert_eq!(body["symmetry"]["formula"], "NaCl");
    assert_eq!(body["symmetry"]["space_group"]["number"], 225);
    let gate = &body["interpretation"]["gate"];
    let total = gate["graph"].as_f64().unwrap() + gate["text"].as_f64().unwrap() + gate["cross"].as_f64().unwrap();
    assert!((total - 1.0).abs() < 1e-4, "gate weights sum to 1: {gate}");
    assert!(!body["interpretation"]["top_tokens"].as_array().unwrap().is_empty());
    let atoms = body["interpretation"]["top_atoms"].as_array().unwrap();
    assert!(atoms.iter().all(|a| a["element"] == "Na" || a["element"] == "Cl"));
    insta::assert_json_snapshot!("predict_rock_salt", stable(&body));
}

#[tokio::test]
async fn predict_reads_a_user_description_and_a_forced_format() {
    let poscar = "Si\n1.0\n0 2.73 2.73\n2.73 0 2.73\n2.73 2.73 0\nSi\n2\nDirect\n0 0 0\n0.25 0.25 0.25\n";
    let body = json!({ "structure": poscar, "format": "poscar", "text": "Si is a diamond-like semiconductor." });
    let reply = post_json(&state(), "/api/v1/predict", &body).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let json = reply.json();
    assert_eq!(json["description_source"], "user");
    assert_eq!(json["description"], "Si is a diamond-like semiconductor.");
    let token = &json["interpretation"]["top_tokens"][0];
    let (start, end) = (token["start"].as_u64().unwrap() as usize, token["end"].as_u64().unwrap() as usize);
    assert_eq!(&json["description"].as_str().unwrap()[start..end], token["word"].as_str().unwrap());
}

#[tokio::test]
async fn predict_reads_a_symbol_only_cif_with_a_defect_and_says_what_it_repaired() {
    // No operation loop (Fm-3m from the symbol) and a tag given twice (line 3).
    let cif = "data_NaCl\n_cell_length_a 5.64\n_cell_length_a 5.65\n_cell_length_b 5.64\n_cell_length_c 5.64\n\
        _cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\n_symmetry_space_group_name_H-M 'F m -3 m'\n\
        loop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nNa1 0 0 0\nCl1 0.5 0.5 0.5\n";
    let state = state();
    let reply = post_json(&state, "/api/v1/predict", &json!({ "structure": cif })).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let body = reply.json();
    assert_eq!(
        (body["symmetry"]["natoms"].as_u64(), body["symmetry"]["space_group"]["number"].as_u64()),
        (Some(8), Some(225))
    );
    let warnings = body["warnings"].as_array().expect("a warnings list");
    let has = |line: u64, text: &str| {
        warnings.iter().any(|w| w["line"] == line && w["message"].as_str().unwrap_or_default().contains(text))
    };
    assert!(has(3, "appears twice") && has(9, "F m -3 m"), "{warnings:?}");
    // Strict mode refuses the duplicate; a clean file has no `warnings` key at all.
    let strict = post_json(&state, "/api/v1/predict", &json!({ "structure": cif, "strict": true })).await;
    assert_eq!(strict.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", strict.text());
    assert!(strict.text().contains("appears twice"), "{}", strict.text());
    let clean = post_json(&state, "/api/v1/predict", &predict_body("rock-salt")).await.json();
    assert!(clean.get("warnings").is_none());
}

#[tokio::test]
async fn ood_scores_typical_structures_and_flags_unseen_elements() {
    let state = state();
    let salt = post_json(&state, "/api/v1/predict", &predict_body("rock-salt")).await.json();
    assert_eq!(salt["ood"]["level"], "typical", "{}", salt["ood"]);
    assert!(salt["ood"]["training_quantile"].as_f64().unwrap() < 0.95);
    // Americium: no training structure contains it.
    let americium = "Am\n1.0\n0 2.4 2.4\n2.4 0 2.4\n2.4 2.4 0\nAm\n1\nDirect\n0 0 0\n";
    let reply = post_json(&state, "/api/v1/predict", &json!({ "structure": americium })).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let ood = &reply.json()["ood"];
    assert_eq!(ood["level"], "out_of_distribution", "{ood}");
    assert_eq!(ood["unseen_elements"], json!(["Am"]));
    assert!(ood["score"].as_f64().unwrap() > 0.0);
}

#[tokio::test]
async fn model_list_detail_and_weights_with_etag() {
    let state = state();
    let list = get(&state, "/api/v1/models").await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(list.json()["default"], "browser");
    insta::assert_json_snapshot!("models", stable(&list.json()));

    let detail = get(&state, "/api/v1/models/browser").await.json();
    assert_eq!(detail["trained"], true);
    assert!(detail["metrics"]["band_gap"]["mae"].as_f64().is_some());
    assert!(!detail["caveats"].as_array().unwrap().is_empty());

    let weights = get(&state, "/api/v1/models/browser/weights").await;
    assert_eq!(weights.status, StatusCode::OK);
    let sha = detail["weights_sha256"].as_str().unwrap();
    let etag = weights.headers[header::ETAG].to_str().unwrap().to_string();
    assert_eq!(etag, format!("\"{sha}\""));
    assert!(weights.headers[header::CACHE_CONTROL].to_str().unwrap().contains("max-age"));
    assert_eq!(weights.body.len() as u64, detail["weights_bytes"].as_u64().unwrap());
    let cached = send(
        &state,
        Request::get("/api/v1/models/browser/weights")
            .header(header::IF_NONE_MATCH, &etag)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(cached.status, StatusCode::NOT_MODIFIED);
    assert!(cached.body.is_empty());
    assert_eq!(cached.headers[header::ETAG], etag.as_str());
}

/// The page loads a server model from `files/` as it loads its own bundle from a static host:
/// the files equal those on disk, and nothing outside the manifest's list is served.
#[tokio::test]
async fn model_files_are_served_as_the_bundle_lists_them() {
    let state = state();
    let dir = workspace().join("models/weights/browser");
    let manifest: Value = serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    let weights_file = manifest["weights"]["file"].as_str().unwrap();
    let vocab_file = manifest["vocabulary"][0]["file"].as_str().unwrap();
    for file in ["manifest.json", "ood.json", vocab_file, weights_file] {
        let response = get(&state, &format!("/api/v1/models/browser/files/{file}")).await;
        assert_eq!(response.status, StatusCode::OK, "{file}");
        assert_eq!(response.body, std::fs::read(dir.join(file)).unwrap(), "{file}");
    }
    let weights = get(&state, &format!("/api/v1/models/browser/files/{weights_file}")).await;
    assert_eq!(
        weights.headers[header::ETAG].to_str().unwrap(),
        format!("\"{}\"", manifest["weights"]["sha256"].as_str().unwrap())
    );
    for file in [
        "MODEL_CARD.md",
        "eval_ids.txt",
        "neighbours_full.bin",
        "neighbours_full.json",
        "..%2Fbrowser%2Fmanifest.json",
        "%2Fetc%2Fpasswd",
    ] {
        let response = get(&state, &format!("/api/v1/models/browser/files/{file}")).await;
        assert_eq!(response.status, StatusCode::NOT_FOUND, "{file}");
        assert!(response.json()["error"]["message"].as_str().unwrap().contains("has no file"), "{file}");
    }
    let unknown = get(&state, "/api/v1/models/nope/files/manifest.json").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn batch_items_equal_single_predictions_in_input_order() {
    let state = state();
    let ids = ["rock-salt", "diamond", "rutile"];
    let mut items: Vec<Value> = ids.iter().map(|id| json!({ "name": id, "structure": structure(id) })).collect();
    items.insert(1, json!({ "name": "broken", "structure": "data_x\n_cell_length_a 4\n" }));
    let reply = post(&state, "/api/v1/predict/batch", "application/json", Value::Array(items).to_string()).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.headers[header::CONTENT_TYPE], "application/x-ndjson");
    let lines: Vec<Value> = reply.text().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines.iter().map(|l| l["index"].as_u64().unwrap()).collect::<Vec<_>>(), [0, 1, 2, 3]);
    assert_eq!(lines[1]["name"], "broken");
    assert_eq!(lines[1]["error"]["code"], "invalid_structure");
    for (line, id) in [&lines[0], &lines[2], &lines[3]].into_iter().zip(ids) {
        assert_eq!(line["name"], id);
        let single = post_json(&state, "/api/v1/predict", &predict_body(id)).await.json();
        assert_close(&line["result"]["predictions"], &single["predictions"], 1e-6);
        assert_close(&line["result"]["interpretation"], &single["interpretation"], 1e-6);
    }
}

/// Every number in `a` is within `tolerance` of the one at the same place in `b`.
fn assert_close(a: &Value, b: &Value, tolerance: f64) {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            assert!((x - y).abs() <= tolerance, "{x} vs {y}");
        }
        (Value::Object(x), Value::Object(y)) => {
            assert_eq!(x.len(), y.len());
            for (k, v) in x {
                assert_close(v, &y[k], tolerance);
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            assert_eq!(x.len(), y.len());
            x.iter().zip(y).for_each(|(x, y)| assert_close(x, y, tolerance));
        }
        _ => assert_eq!(a, b),
    }
}

#[tokio::test]
async fn batch_reads_csv_and_answers_csv() {
    let mut table = csv::Writer::from_writer(Vec::new());
    table.write_record(["material_id", "cif"]).unwrap();
    table.write_record(["mp-22862", structure("rock-salt")]).unwrap();
    table.write_record(["bad", "not a structure"]).unwrap();
    let table = String::from_utf8(table.into_inner().unwrap()).unwrap();
    let reply = post(&state(), "/api/v1/predict/batch?format=csv", "text/csv", table).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let mut rows = csv::Reader::from_reader(reply.body.as_slice());
    let headers = rows.headers().unwrap().clone();
    assert_eq!(headers.iter().take(3).collect::<Vec<_>>(), ["name", "formula", "space_group"]);
    assert_eq!(headers.len(), 3 + 16 + 3 + 2);
    assert_eq!(
        headers.iter().skip(19).collect::<Vec<_>>(),
        ["ood", "ood_training_quantile", "unseen_elements", "error", "warnings"]
    );
    assert_eq!((&headers[5], &headers[6]), ("formation_energy_per_atom_low95", "formation_energy_per_atom_high95"));
    let rows: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    assert_eq!((&rows[0][0], &rows[0][1], &rows[0][2], &rows[0][22]), ("mp-22862", "NaCl", "Fm-3m", ""));
    assert!(["typical", "unusual"].contains(&&rows[0][19]) && rows[0][21].is_empty(), "{:?}", &rows[0]);
    assert!(rows[0][3].parse::<f64>().unwrap() < 0.0, "NaCl's formation energy is negative");
    assert_eq!(&rows[1][0], "bad");
    assert!(rows[1][19].is_empty() && !rows[1][22].is_empty());
    let [value, low, high] = [3, 5, 6].map(|i| rows[0][i].parse::<f64>().unwrap());
    assert!(low < value && value < high, "{low} < {value} < {high}");
}

#[tokio::test]
async fn batch_streams_gzip_to_clients_that_accept_it() {
    // Browsers send Accept-Encoding: gzip; the compressed stream must end cleanly.
    let request = Request::builder()
        .method("POST")
        .uri("/api/v1/predict/batch")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCEPT_ENCODING, "gzip")
        .body(Body::from(json!([{ "structure": structure("rock-salt") }, { "structure": "broken" }]).to_string()))
        .unwrap();
    let reply = send(&state(), request).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.headers[header::CONTENT_ENCODING], "gzip");
    let mut text = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(reply.body.as_slice()), &mut text).unwrap();
    let lines: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert_eq!(lines[0]["result"]["symmetry"]["formula"], "NaCl");
    assert!(lines[1]["error"]["message"].is_string());
}

#[tokio::test]
async fn batch_reads_multipart_files() {
    let (nacl, cu) = (structure("rock-salt"), structure("fcc-copper"));
    let body = form::body(&[
        form::Part::file("files", "NaCl.cif", "chemical/x-cif", nacl.as_bytes()),
        form::Part::file("files", "Cu.cif", "chemical/x-cif", cu.as_bytes()),
    ]);
    let reply = post(&state(), "/api/v1/predict/batch", &form::content_type(), body).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let lines: Vec<Value> = reply.text().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["name"], "NaCl.cif");
    assert_eq!(lines[1]["result"]["symmetry"]["formula"], "Cu");
}

#[tokio::test]
async fn predict_and_batch_read_pymatgen_and_optimade_json() {
    let (nacl, cu) = (shared::parse(structure("rock-salt")).unwrap(), shared::parse(structure("fcc-copper")).unwrap());
    let body = json!({ "structure": shared::io::write_pymatgen_json(&nacl) });
    let reply = post_json(&state(), "/api/v1/predict", &body).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.json()["symmetry"]["formula"], "NaCl");
    // An OPTIMADE response listing two structures is two rows, named by the entries' ids.
    let entry = |id: &str, s: &shared::Structure| {
        let mut entry: Value = serde_json::from_str(&shared::io::write_optimade_json(s)).unwrap();
        entry["id"] = json!(id);
        entry
    };
    let response = json!({ "data": [entry("mp-22862", &nacl), entry("mp-30", &cu)], "meta": {} }).to_string();
    let body = form::body(&[form::Part::file("files", "query.json", "application/json", response.as_bytes())]);
    let reply = post(&state(), "/api/v1/predict/batch", &form::content_type(), body).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let lines: Vec<Value> = reply.text().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let rows: Vec<(&str, &str)> = lines
        .iter()
        .map(|l| (l["name"].as_str().unwrap(), l["result"]["symmetry"]["formula"].as_str().unwrap()))
        .collect();
    assert_eq!(rows, [("mp-22862", "NaCl"), ("mp-30", "Cu")]);

    // A Materials Project API response: one structure per document under `structure`.
    let document = |id: &str, s: &shared::Structure| {
        let structure: Value = serde_json::from_str(&shared::io::write_pymatgen_json(s)).unwrap();
        json!({ "material_id": id, "formula_pretty": shared::composition::reduced_formula(s), "structure": structure })
    };
    let response = json!({ "data": [document("mp-22862", &nacl), document("mp-30", &cu)], "meta": {} }).to_string();
    let single = post_json(&state(), "/api/v1/predict", &json!({ "structure": response })).await;
    assert_eq!(single.status, StatusCode::OK, "{}", single.text());
    assert_eq!(single.json()["symmetry"]["formula"], "NaCl");
    let warning = single.json()["warnings"][0]["message"].as_str().unwrap().to_string();
    assert!(warning.starts_with("the file lists 2 structures; the first (mp-22862) was read"), "{warning}");
    let body = form::body(&[form::Part::file("files", "summary.json", "application/json", response.as_bytes())]);
    let reply = post(&state(), "/api/v1/predict/batch", &form::content_type(), body).await;
    let lines: Vec<Value> = reply.text().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let rows: Vec<(&str, &str)> = lines
        .iter()
        .map(|l| (l["name"].as_str().unwrap(), l["result"]["symmetry"]["formula"].as_str().unwrap()))
        .collect();
    assert_eq!(rows, [("mp-22862", "NaCl"), ("mp-30", "Cu")]);
}

#[tokio::test]
async fn batch_reads_zip_archives_as_a_file_or_the_body() {
    use std::io::Write;
    let mut table = csv::Writer::from_writer(Vec::new());
    table.write_record(["name", "cif"]).unwrap();
    table.write_record(["from-table", structure("fcc-copper")]).unwrap();
    let mut archive = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for (name, bytes) in [
        ("set/NaCl.cif", structure("rock-salt").as_bytes()),
        ("set/.DS_Store", b"clutter".as_slice()),
        ("set/table.csv", &table.into_inner().unwrap()),
        ("set/bad.cif", &[0xff, 0xfe]),
    ] {
        archive.start_file(name, options).unwrap();
        archive.write_all(bytes).unwrap();
    }
    let archive = archive.finish().unwrap().into_inner();

    let body = form::body(&[form::Part::file("files", "set.zip", "application/zip", &archive)]);
    let multipart = post(&state(), "/api/v1/predict/batch", &form::content_type(), body).await;
    assert_eq!(multipart.status, StatusCode::OK, "{}", multipart.text());
    let lines: Vec<Value> = multipart.text().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let names: Vec<&str> = lines.iter().map(|l| l["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["set.zip/set/NaCl.cif", "from-table", "set.zip/set/bad.cif"]);
    assert_eq!(lines[0]["result"]["symmetry"]["formula"], "NaCl");
    assert_eq!(lines[1]["result"]["symmetry"]["formula"], "Cu");
    let error = lines[2]["error"]["message"].as_str().unwrap();
    assert!(error.starts_with("set.zip/set/bad.cif: not UTF-8 text"), "{error}");
    let single = post_json(&state(), "/api/v1/predict", &json!({ "structure": structure("rock-salt") })).await;
    assert_close(&lines[0]["result"]["predictions"], &single.json()["predictions"], 1e-6);

    // The same archive as the whole body.
    let direct = post(&state(), "/api/v1/predict/batch", "application/zip", archive).await;
    assert_eq!(direct.status, StatusCode::OK, "{}", direct.text());
    let names: Vec<String> = direct
        .text()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["name"].as_str().unwrap().into())
        .collect();
    assert_eq!(names, ["upload.zip/set/NaCl.cif", "from-table", "upload.zip/set/bad.cif"]);
    let not_zip = post(&state(), "/api/v1/predict/batch", "application/zip", "plain text").await;
    not_zip.error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_request");
}

#[tokio::test]
async fn shares_are_stored_opened_and_survive_a_restart() {
    let data_dir = temp_dir("share");
    let state = backend::server::ServerState::new(&config(data_dir.clone(), Default::default())).unwrap();
    let sha = get(&state, "/api/v1/models/browser").await.json()["weights_sha256"].clone();
    let share = json!({ "version": 1, "structure": structure("rock-salt"), "model": "browser",
                        "weights_sha256": sha, "view": { "tab": "predict" } });
    let created = post_json(&state, "/api/v1/share", &share).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let id = created.json()["id"].as_str().unwrap().to_string();
    assert_eq!(id.len(), 26);
    assert_eq!(created.json()["url"], format!("/s/{id}"));

    let page = get(&state, &format!("/s/{id}")).await;
    assert!(page.status.is_redirection());
    assert_eq!(page.headers[header::LOCATION], format!("/#share={id}").as_str());

    drop(state);
    let restarted = backend::server::ServerState::new(&config(data_dir, Default::default())).unwrap();
    let stored = get(&restarted, &format!("/api/v1/share/{id}")).await;
    assert_eq!(stored.status, StatusCode::OK);
    assert_eq!(stored.json()["state"], share);
    assert_eq!(stored.json()["model_available"], true);

    let gone = json!({ "version": 1, "structure": "x", "model": "retired", "weights_sha256": "00" });
    let id = post_json(&restarted, "/api/v1/share", &gone).await.json()["id"].as_str().unwrap().to_string();
    let stored = get(&restarted, &format!("/api/v1/share/{id}")).await.json();
    assert_eq!(stored["model_available"], false);
    assert!(stored["notice"].as_str().unwrap().contains("no longer installed"));
}

/// A lesson too long for a link's fragment is stored as a share carrying it in `view` (the web
/// app's short lesson links): the server keeps it whole, and it reads back as the same lesson.
#[tokio::test]
async fn lesson_shares_come_back_as_lessons() {
    use shared::lesson::{Lesson, LessonStep};
    let state = state();
    let mut lesson = Lesson::new("Gaps and metals", true);
    for id in ["rock-salt", "diamond", "fcc-copper"] {
        let note = "n".repeat(3_000);
        lesson.steps.push(LessonStep {
            structure: structure(id).into(),
            formula: id.into(),
            note,
            question: Some("Why?".into()),
        });
    }
    let share = json!({ "version": 1, "structure": structure("rock-salt"), "model": "browser",
                        "weights_sha256": "00", "view": lesson.to_view() });
    let created = post_json(&state, "/api/v1/share", &share).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let id = created.json()["id"].as_str().unwrap().to_string();
    let stored = get(&state, &format!("/api/v1/share/{id}")).await.json();
    assert_eq!(Lesson::from_view(&stored["state"]["view"]), Some(Ok(lesson)));
}

#[tokio::test]
async fn metrics_count_requests_and_predictions() {
    let state = state_with(Default::default());
    post_json(&state, "/api/v1/predict", &predict_body("diamond")).await;
    get(&state, "/api/v1/models/nope").await;
    let text = get(&state, "/metrics").await.text();
    assert!(
        text.contains(r#"matfuse_http_requests_total{method="POST",route="/api/v1/predict",status="200"} 1"#),
        "{text}"
    );
    assert!(text.contains(r#"route="/api/v1/models/{id}",status="404"} 1"#), "{text}");
    assert!(text.contains(r#"matfuse_predictions_total{outcome="ok"} 1"#), "{text}");
    assert!(text.contains("matfuse_http_request_duration_seconds_bucket"), "{text}");
}

#[tokio::test]
async fn serves_the_web_app_with_index_fallback() {
    let state = state();
    let page = get(&state, "/some/route").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.body, b"<html>matfuse</html>");
}

#[tokio::test]
async fn answers_over_a_real_socket() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(axum::serve(listener, backend::server::app(state())).into_future());
    let body = predict_body("fcc-copper").to_string();
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "POST /api/v1/predict HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    let json: Value = serde_json::from_str(response.split("\r\n\r\n").nth(1).unwrap()).unwrap();
    assert_eq!(json["symmetry"]["formula"], "Cu");
    server.abort();
}

#[tokio::test]
async fn a_named_model_without_statistics_or_training_says_so() {
    // A copy of the browser bundle under another id, marked untrained, without ood.json.
    let models = temp_dir("models");
    let copy = models.join("copy");
    std::fs::create_dir_all(&copy).unwrap();
    let source = workspace().join("models/weights/browser");
    for file in ["model.bpk", "vocab.txt"] {
        std::fs::copy(source.join(file), copy.join(file)).unwrap();
    }
    let mut manifest: Value = serde_json::from_slice(&std::fs::read(source.join("manifest.json")).unwrap()).unwrap();
    manifest["id"] = json!("copy");
    manifest["trained"] = json!(false);
    std::fs::write(copy.join("manifest.json"), manifest.to_string()).unwrap();
    let mut config = config(temp_dir("data"), Default::default());
    config.model_dirs.push(models);
    let state = backend::server::ServerState::new(&config).unwrap();

    let list = get(&state, "/api/v1/models").await.json();
    assert_eq!(list["models"].as_array().unwrap().len(), 2);
    let body = json!({ "structure": structure("rock-salt"), "model": "copy" });
    let reply = post_json(&state, "/api/v1/predict", &body).await.json();
    assert_eq!(reply["model"]["id"], "copy");
    assert_eq!(reply["model"]["trained"], false);
    assert!(reply["model"]["notice"].as_str().unwrap().contains("untrained"));
    assert_eq!(reply["ood"]["level"], "unknown");
    assert_eq!(reply["ood"]["score"], Value::Null);
    let default = post_json(&state, "/api/v1/predict", &predict_body("rock-salt")).await.json();
    assert_close(&default["predictions"], &reply["predictions"], 1e-9);
}

/// A copy of the browser bundle (id `knn`) with its page index, and with or without a full
/// index of five made-up materials (ids `full-0` … `full-4`) for the same weights.
fn bundle_with_indexes(with_full: bool) -> backend::server::AppState {
    use models::neighbours::{IndexFile, IndexOptions, IndexedMaterial, NeighbourIndex};
    let models = temp_dir("models");
    let copy = models.join("knn");
    std::fs::create_dir_all(&copy).unwrap();
    let source = workspace().join("models/weights/browser");
    for file in ["model.bpk", "vocab.txt", "ood.json", "neighbours.bin", "neighbours.json"] {
        std::fs::copy(source.join(file), copy.join(file)).unwrap();
    }
    let mut manifest: Value = serde_json::from_slice(&std::fs::read(source.join("manifest.json")).unwrap()).unwrap();
    manifest["id"] = json!("knn");
    std::fs::write(copy.join("manifest.json"), manifest.to_string()).unwrap();
    let sha = manifest["weights"]["sha256"].as_str().unwrap();
    if with_full {
        let page = NeighbourIndex::load(&copy, IndexFile::Page, sha).unwrap().expect("the shipped page index");
        let embeddings: Vec<Vec<f32>> =
            (0..5).map(|i| (0..page.width()).map(|d| ((i * 31 + d * 7) % 13) as f32 * 0.1).collect()).collect();
        let material = |i: usize| IndexedMaterial {
            id: format!("full-{i}"),
            formula: "NaCl".into(),
            space_group: 225,
            symbol: "Fm-3m".into(),
            labels: vec![None; page.tasks().len()],
        };
        let options = IndexOptions {
            k: 2,
            tasks: page.tasks().to_vec(),
            model: "knn".into(),
            weights_sha256: sha.into(),
            ..IndexOptions::default()
        };
        let full = NeighbourIndex::build(&embeddings, (0..5).map(material).collect(), &embeddings, options).unwrap();
        full.write(&copy, IndexFile::Full).unwrap();
    }
    let mut config = config(temp_dir("data"), Default::default());
    config.model_dirs = vec![models];
    backend::server::ServerState::new(&config).unwrap()
}

/// The API's similar materials and out-of-distribution score come from the bundle's full index
/// when it has one (the page's index otherwise), and the full index is never served.
#[tokio::test]
async fn the_api_answers_from_the_full_index_when_present() {
    let body = json!({ "structure": structure("rock-salt"), "model": "knn" });
    let ids = |reply: &Value| -> Vec<String> {
        reply["similar_materials"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["material_id"].as_str().unwrap().into())
            .collect()
    };
    let page_only = post_json(&bundle_with_indexes(false), "/api/v1/predict", &body).await.json();
    assert_eq!(ids(&page_only).len(), 5, "{page_only}");
    assert!(ids(&page_only).iter().all(|id| id.starts_with("mp-")), "{page_only}");

    let state = bundle_with_indexes(true);
    let full = post_json(&state, "/api/v1/predict", &body).await.json();
    let mut from_full = ids(&full);
    from_full.sort();
    assert_eq!(from_full, ["full-0", "full-1", "full-2", "full-3", "full-4"], "{full}");
    let method = full["ood"]["method"].as_str().unwrap();
    assert!(method.contains("of 5 training structures") && !method.contains("principal"), "{method}");
    assert_ne!(full["ood"]["score"], page_only["ood"]["score"]);
    for file in ["neighbours_full.bin", "neighbours_full.json"] {
        assert_eq!(get(&state, &format!("/api/v1/models/knn/files/{file}")).await.status, StatusCode::NOT_FOUND);
    }
    assert_eq!(get(&state, "/api/v1/models/knn/files/neighbours.bin").await.status, StatusCode::OK);
}

/// A static directory as `scripts/build-frontend.sh` lays it out: a content-hashed module with
/// its brotli and gzip variants, and the plain `index.html` of `config`.
fn state_with_built_app() -> backend::server::AppState {
    let state = state_with(backend::server::Limits::default());
    let pkg = state.static_dir.join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(pkg.join("frontend_bg-0123456789abcdef.wasm"), b"\0asm plain").unwrap();
    std::fs::write(pkg.join("frontend_bg-0123456789abcdef.wasm.br"), b"brotli bytes").unwrap();
    std::fs::write(pkg.join("frontend_bg-0123456789abcdef.wasm.gz"), b"gzip bytes").unwrap();
    state
}

async fn get_with(state: &backend::server::AppState, uri: &str, accept_encoding: &str) -> Reply {
    send(state, Request::get(uri).header(header::ACCEPT_ENCODING, accept_encoding).body(Body::empty()).unwrap()).await
}

fn assert_security_headers(reply: &Reply, what: &str) {
    let csp = reply.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    let script_src = csp.split(';').map(str::trim).find(|d| d.starts_with("script-src "));
    assert_eq!(script_src, Some("script-src 'self' 'wasm-unsafe-eval'"), "{what}: {csp}");
    assert!(csp.contains("object-src 'none'"), "{what}: {csp}");
    assert_eq!(reply.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{what}");
    assert_eq!(reply.headers[header::REFERRER_POLICY], "no-referrer", "{what}");
}

#[tokio::test]
async fn hashed_files_are_immutable_and_sent_precompressed() {
    let state = state_with_built_app();
    let uri = "/pkg/frontend_bg-0123456789abcdef.wasm";
    let br = get_with(&state, uri, "br, gzip").await;
    assert_eq!(br.status, StatusCode::OK);
    assert_eq!(br.headers[header::CONTENT_ENCODING], "br");
    assert_eq!(br.body, b"brotli bytes");
    assert_eq!(br.headers[header::CACHE_CONTROL], "public, max-age=31536000, immutable");
    assert_eq!(br.headers[header::CONTENT_TYPE], "application/wasm");
    let gzip = get_with(&state, uri, "gzip").await;
    assert_eq!(
        (gzip.headers[header::CONTENT_ENCODING].to_str().unwrap(), gzip.body.as_slice()),
        ("gzip", &b"gzip bytes"[..])
    );
    let plain = get_with(&state, uri, "identity").await;
    assert!(!plain.headers.contains_key(header::CONTENT_ENCODING));
    assert_eq!(plain.body, b"\0asm plain");
    assert_security_headers(&plain, uri);
}

#[tokio::test]
async fn pages_are_revalidated_and_carry_the_security_headers() {
    let state = state_with_built_app();
    for uri in ["/", "/index.html", "/some/app/route"] {
        let page = get(&state, uri).await;
        assert_eq!(page.status, StatusCode::OK, "{uri}");
        assert_eq!(page.text(), "<html>matfuse</html>", "{uri}");
        assert_eq!(page.headers[header::CACHE_CONTROL], "no-cache", "{uri}");
        assert_security_headers(&page, uri);
    }
    // A hashed name that is not there gets the app shell, never cached under that name.
    let missing = get(&state, "/pkg/frontend_bg-fedcba9876543210.wasm").await;
    assert_eq!(missing.headers[header::CACHE_CONTROL], "no-cache");
    let share = json!({ "version": 1, "structure": structure("rock-salt"), "model": "browser",
        "weights_sha256": "00", "view": {} });
    let id = post_json(&state, "/api/v1/share", &share).await.json()["id"].as_str().unwrap().to_string();
    let page = get(&state, &format!("/s/{id}")).await;
    assert!(page.status.is_redirection());
    assert_eq!(page.headers[header::CACHE_CONTROL], "no-cache");
    assert_security_headers(&page, "/s/{id}");
    assert_security_headers(&get(&state, "/s/not-a-share").await, "/s/ not found");
    assert_security_headers(&get(&state, "/api/v1/models").await, "/api/v1/models");
}

/// A pool table of gallery crystals and one unreadable row, as `text/csv`.
fn suggest_pool() -> String {
    let mut table = csv::Writer::from_writer(Vec::new());
    table.write_record(["name", "cif", "formation_energy_per_atom"]).unwrap();
    for id in ["rock-salt", "fluorite", "perovskite", "corundum", "diamond", "fcc-copper"] {
        table.write_record([id, structure(id), "-1.0"]).unwrap();
    }
    table.write_record(["broken", "not a structure", ""]).unwrap();
    String::from_utf8(table.into_inner().unwrap()).unwrap()
}

#[tokio::test]
async fn suggest_ranks_a_pool_by_the_committees_disagreement() {
    let reply = post(&state(), "/api/v1/suggest?k=4", "text/csv", suggest_pool()).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let body = reply.json();
    assert_eq!((body["pool"].as_u64(), body["property"].as_str()), (Some(7), Some("formation_energy_per_atom")));
    assert_eq!(body["committee"], json!(["fused", "graph only", "text only"]));
    let ranked = body["ranked"].as_array().unwrap();
    assert_eq!(ranked.len(), 4);
    let spreads: Vec<f64> = ranked.iter().map(|s| s["disagreement"].as_f64().unwrap()).collect();
    assert!(spreads.windows(2).all(|w| w[0] >= w[1]) && spreads[3] > 0.0, "{spreads:?}");
    for (position, s) in ranked.iter().enumerate() {
        assert_eq!(s["rank"].as_u64(), Some(position as u64 + 1));
        let members: Vec<f64> = s["members"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
        assert_eq!(members[0], s["value"].as_f64().unwrap(), "the first member is the model's answer");
        let mean = members.iter().sum::<f64>() / 3.0;
        let sd = (members.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / 3.0).sqrt();
        assert!((sd - spreads[position]).abs() < 1e-9);
        assert!(s["sigma"].as_f64().unwrap() > 0.0 && s["ood_score"].as_f64().is_some());
    }
    assert_eq!(body["failed"].as_array().unwrap().len(), 1);
    assert_eq!(body["failed"][0]["name"], "broken");
    insta::assert_json_snapshot!("suggest_gallery_pool", stable(&body));

    // The same pool as multipart files ranks the same structures (named by their files).
    let files: Vec<(String, &str)> = ["rock-salt", "fluorite", "perovskite", "corundum", "diamond", "fcc-copper"]
        .iter()
        .map(|id| (format!("{id}.cif"), structure(id)))
        .collect();
    let parts: Vec<form::Part> =
        files.iter().map(|(name, cif)| form::Part::file("files", name, "chemical/x-cif", cif.as_bytes())).collect();
    let reply = post(&state(), "/api/v1/suggest?k=4", &form::content_type(), form::body(&parts)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let names = |body: &Value| -> Vec<String> {
        body["ranked"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap().replace(".cif", "")).collect()
    };
    assert_eq!(names(&reply.json()), names(&body));
}

#[tokio::test]
async fn suggest_refuses_oversized_pools_and_bad_parameters() {
    let rows: String = (0..1001).map(|i| format!("s{i},x\n")).collect();
    let reply = post(&state(), "/api/v1/suggest", "text/csv", format!("name,cif\n{rows}")).await;
    let error = reply.error(StatusCode::UNPROCESSABLE_ENTITY, "batch_too_large");
    assert_eq!(error["detail"], json!({ "items": 1001, "limit": 1000 }));
    let reply = post(&state(), "/api/v1/suggest?k=0", "text/csv", suggest_pool()).await;
    reply.error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_request");
    let reply = post(&state(), "/api/v1/suggest?property=colour", "text/csv", suggest_pool()).await;
    let error = reply.error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_request");
    assert!(error["message"].as_str().unwrap().contains("band_gap"), "{error}");
    let small = state_with(backend::server::Limits { max_batch_body_bytes: 1024, ..Default::default() });
    let reply = post(&small, "/api/v1/suggest", "text/csv", suggest_pool()).await;
    reply.error(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
}
