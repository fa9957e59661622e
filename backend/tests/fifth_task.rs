//! A fifth crystal property needs only the task registry (`volume_per_atom` is registered), a
//! data column and a configuration: a smoke model trained on five tasks goes end to end through
//! train → bundle → `/api/v1/predict` → the batch CSV with no other code knowing about it.

mod common;

use axum::http::StatusCode;
use common::{post, post_json, temp_dir};
use std::path::Path;
use std::process::Command;

const MATFUSE: &str = env!("CARGO_BIN_EXE_matfuse");
const TASKS: [&str; 5] = ["formation_energy_per_atom", "band_gap", "energy_above_hull", "efermi", "volume_per_atom"];

/// The first `per_split` train, val and test rows of mp2018 with a `volume_per_atom` column
/// (each CIF's cell volume / its atoms, Å³/atom) written as a CSV table to `path`; returns the
/// table's CIFs with their volumes per atom.
fn write_table(data: &Path, path: &Path, per_split: usize) -> Vec<(String, f64)> {
    let (headers, rows) = matfuse_tests::read_csv(&data.join("mp2018/mp2018.csv.gz"));
    let col = |name: &str| matfuse_tests::column(&headers, name);
    let (id, split, cif) = (col("material_id"), col("split"), col("cif"));
    let labels = ["formation_energy_per_atom", "band_gap", "efermi"].map(col);
    let mut table = csv::Writer::from_path(path).unwrap();
    table
        .write_record([
            "material_id",
            "formation_energy_per_atom",
            "band_gap",
            "efermi",
            "volume_per_atom",
            "split",
            "cif",
        ])
        .unwrap();
    let mut written = Vec::new();
    for name in ["train", "val", "test"] {
        for row in rows.iter().filter(|r| &r[split] == name).take(per_split) {
            let structure = shared::parse(&row[cif]).unwrap();
            let volume = structure.lattice().volume() / structure.len() as f64;
            let mut cells: Vec<String> = vec![row[id].to_string()];
            cells.extend(labels.map(|c| row[c].to_string()));
            cells.extend([volume.to_string(), name.to_string(), row[cif].to_string()]);
            table.write_record(&cells).unwrap();
            written.push((row[cif].to_string(), volume));
        }
    }
    table.flush().unwrap();
    written
}

#[tokio::test]
async fn a_fifth_task_trains_and_predicts_through_the_api_and_the_csv() {
    let Some(data) = matfuse_tests::data_dir("fifth task") else { return };
    if !common::training::vocab_installed() {
        return;
    }
    let vocab = common::workspace().join(".matfuse/encoders/all-MiniLM-L6-v2/vocab.txt");
    let tmp = temp_dir("fifth-task");
    let table = tmp.join("five.csv");
    let structures = write_table(&data, &table, 16);
    let tasks = TASKS.map(|t| format!("\"{t}\"")).join(", ");
    let config = format!(
        "id = \"five\"\n\
         [data]\nmp2018 = \"{}\"\nvocab = \"{}\"\ncache = \"{}\"\ntasks = [{tasks}]\n\
         [model]\nfusion = \"cross\"\nfused = 16\nheads = 2\n\
         graph = {{ hidden = 16, layers = 1 }}\n\
         text = {{ vocab_size = 0, hidden = 16, layers = 1, heads = 2, max_tokens = 32 }}\n\
         [train]\nepochs = 1\nbatch_size = 16\nseed = 7\n",
        table.display(),
        vocab.display(),
        tmp.join("cache").display()
    );
    std::fs::write(tmp.join("five.toml"), config).unwrap();
    let bundle = tmp.join("models/five");
    let out = Command::new(MATFUSE)
        .args(["train", "--config", tmp.join("five.toml").to_str().unwrap()])
        .args(["--run-dir", tmp.join("run").to_str().unwrap(), "--out", bundle.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "matfuse train failed:\n{}", String::from_utf8_lossy(&out.stderr));

    // The bundle declares the five tasks, in the configuration's order, with the registry's units.
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(bundle.join("manifest.json")).unwrap()).unwrap();
    let properties = manifest["properties"].as_array().unwrap();
    let names: Vec<&str> = properties.iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, TASKS);
    assert_eq!(properties[4]["unit"], "Å³/atom");
    assert_eq!(manifest["network"]["tasks"], 5);

    // The API loads it like any bundle and answers the fifth task beside the four.
    let mut config = common::config(temp_dir("fifth-task-data"), Default::default());
    config.model_dirs = vec![tmp.join("models")];
    let state = backend::server::ServerState::new(&config).unwrap();
    let (cif, volume) = &structures[0];
    let reply = post_json(&state, "/api/v1/predict", &serde_json::json!({"structure": cif, "model": "five"})).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.excerpt());
    let json = reply.json();
    let predicted = &json["predictions"]["volume_per_atom"];
    assert_eq!(predicted["unit"], "Å³/atom", "{json}");
    let value = predicted["value"].as_f64().unwrap();
    assert!(value.is_finite() && predicted["sigma"].as_f64().unwrap() >= 0.0, "{predicted}");
    assert!(predicted["interval_95"][0].as_f64().unwrap() >= 0.0, "a volume is never negative: {predicted}");
    let keys: Vec<&String> = json["predictions"].as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 5, "{keys:?} (volume per atom of this structure: {volume:.2} Å³)");

    // The batch CSV carries its four columns.
    let mut upload = csv::Writer::from_writer(Vec::new());
    upload.write_record(["material_id", "cif"]).unwrap();
    upload.write_record(["first", cif.as_str()]).unwrap();
    let upload = String::from_utf8(upload.into_inner().unwrap()).unwrap();
    let reply = post(&state, "/api/v1/predict/batch?format=csv&model=five", "text/csv", upload).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.excerpt());
    let mut rows = csv::Reader::from_reader(reply.body.as_slice());
    let headers: Vec<String> = rows.headers().unwrap().iter().map(str::to_string).collect();
    let column =
        |name: &str| headers.iter().position(|h| h == name).unwrap_or_else(|| panic!("no {name} in {headers:?}"));
    let row = rows.records().next().unwrap().unwrap();
    for suffix in ["", "_sigma", "_low95", "_high95"] {
        let cell = &row[column(&format!("volume_per_atom{suffix}"))];
        assert!(cell.parse::<f64>().is_ok_and(f64::is_finite), "volume_per_atom{suffix} = '{cell}'");
    }
    assert_eq!(row[column("volume_per_atom")].parse::<f64>().unwrap(), value, "the CSV and the JSON agree");
    // name, formula, space group; 4 cells per task; 3 OOD columns; error, warnings.
    assert_eq!(headers.len(), 3 + 4 * TASKS.len() + 3 + 2, "{headers:?}");
}
