//! The shipped bundles are trained, load, and `matfuse eval` on their fixed list of 200 test
//! ids (rows read from ../shared/data) reproduces the figures their model card reports (5 %);
//! the shipped molecule bundles reproduce their recorded test metrics on their recorded split.

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))).unwrap()
}

/// Every bundle in models/weights (`browser` and `server`; the `server` check loads the MiniLM
/// encoder, which CI installs).
#[test]
fn shipped_models_are_trained_and_reproduce_their_cards() {
    let mut bundles: Vec<PathBuf> = std::fs::read_dir(workspace().join("models/weights"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("manifest.json").is_file())
        .collect();
    bundles.sort();
    for id in ["browser", "server"] {
        assert!(bundles.iter().any(|b| b.ends_with(id)), "the {id} model must be shipped: {bundles:?}");
    }
    for bundle in &bundles {
        check_bundle(bundle);
    }
}

fn check_bundle(bundle: &Path) {
    let manifest = json(&bundle.join("manifest.json"));
    assert_eq!(manifest["trained"], true, "{}: shipped manifests must say trained: true", bundle.display());
    assert!(bundle.join("MODEL_CARD.md").is_file(), "{}: no model card", bundle.display());
    let Some(data) = matfuse_tests::data_dir("shipped model check") else { return };
    let out = Command::new(env!("CARGO_BIN_EXE_matfuse"))
        .current_dir(workspace())
        .args(["eval", "--json", "--model"])
        .arg(bundle)
        .arg("--data")
        .arg(data.join("mp2018/mp2018.csv.gz"))
        .arg("--ids")
        .arg(bundle.join("eval_ids.txt"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}: {}", bundle.display(), String::from_utf8_lossy(&out.stderr));
    let measured: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let card = json(&bundle.join("check_200.json"));
    assert_eq!(measured["n"], 200);
    assert_eq!(measured["failed"], 0);
    for property in ["formation_energy_per_atom", "band_gap", "efermi"] {
        let (m, c) = (
            measured["metrics"][property]["mae"].as_f64().unwrap(),
            card["metrics"][property]["mae"].as_f64().unwrap(),
        );
        assert!((m - c).abs() <= 0.05 * c, "{}: {property}: eval MAE {m} vs card {c}", bundle.display());
        // The per-class breakdown partitions the same structures.
        let classes = measured["by_class"].as_array().unwrap();
        let n: u64 = classes.iter().filter_map(|c| c["metrics"][property]["n"].as_u64()).sum();
        assert_eq!(n, measured["metrics"][property]["n"].as_u64().unwrap(), "{property}: by_class n");
    }
    let names: Vec<&str> =
        measured["by_class"].as_array().unwrap().iter().map(|c| c["class"].as_str().unwrap()).collect();
    assert!(names.contains(&"binaries") && names.contains(&"ternaries"), "{names:?}");
}

/// The page's four molecule bundles (models/weights/molecules): trained, with a card, and
/// `matfuse eval` on the split their manifest records gives the test metrics it records.
#[test]
fn shipped_molecule_models_reproduce_their_manifests() {
    let root = workspace().join("models/weights/molecules");
    for id in ["esol", "freesolv", "lipo", "bace"] {
        let bundle = root.join(id);
        let manifest = json(&bundle.join("manifest.json"));
        assert_eq!(manifest["trained"], true, "{id}: shipped manifests must say trained: true");
        assert_eq!(manifest["kind"], "molecule", "{id}");
        assert!(bundle.join("MODEL_CARD.md").is_file(), "{id}: no model card");
        if matfuse_tests::data_dir("shipped molecule model check").is_none() {
            continue;
        }
        // All views, then the graph view removed (the manifest's `without_graph_*` record).
        for (flags, prefix) in [(&[][..], ""), (&["--without", "graph"][..], "without_graph_")] {
            let out = Command::new(env!("CARGO_BIN_EXE_matfuse"))
                .current_dir(workspace())
                .args(["eval", "--json"])
                .args(flags)
                .arg("--model")
                .arg(&bundle)
                .output()
                .unwrap();
            assert!(out.status.success(), "{id} {flags:?}: {}", String::from_utf8_lossy(&out.stderr));
            let parts: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            let test = parts.as_array().unwrap().iter().find(|p| p["part"] == "test").expect("a test part");
            let tasks = test["metrics"].as_object().unwrap();
            assert!(!tasks.is_empty(), "{id}: no task measured");
            for (task, measured) in tasks {
                let metric = if measured.get("roc_auc").is_some() { "roc_auc" } else { "rmse" };
                let m = measured[metric].as_f64().unwrap();
                let recorded = manifest["metrics"][task][format!("{prefix}{metric}")].as_f64().unwrap();
                assert!(
                    (m - recorded).abs() <= 1e-3 * recorded.abs().max(1.0),
                    "{id} {flags:?}: {task} test {metric} {m} vs manifest {prefix}{metric} {recorded}"
                );
            }
        }
    }
}

/// The estimator phases.json records for the shipped `browser` model is the one `matfuse
/// hull-eval` chooses on validation today, with the same validation MAEs (a bundle shipped
/// without `--record` would keep its predecessor's choice); and the `--rows` file holds the
/// rows the report counts, from which the report's MAEs follow.
#[test]
fn the_recorded_hull_estimator_is_what_validation_chooses_today() {
    let Some(data) = matfuse_tests::data_dir("energy-above-hull estimator check") else { return };
    let rows = std::env::temp_dir().join(format!("matfuse-hull-rows-{}.csv", std::process::id()));
    let out = Command::new(env!("CARGO_BIN_EXE_matfuse"))
        .current_dir(workspace())
        .args(["hull-eval", "--json", "--split", "val", "--model", "models/weights/browser", "--data"])
        .arg(data.join("mp2022_ehull/mp2022_ehull.csv.gz"))
        .arg("--mp2018")
        .arg(data.join("mp2018/mp2018.csv.gz"))
        .arg("--rows")
        .arg(&rows)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mae = |i: usize| report["estimators"][i]["mae"].as_f64().unwrap();
    let recorded = &json(&workspace().join("models/weights/phases.json"))["estimator"]["browser"];
    for (field, measured) in [("val_mae_convex_hull", mae(0)), ("val_mae_direct_head", mae(1))] {
        let value = recorded[field].as_f64().unwrap();
        assert!((value - measured).abs() < 1e-6, "phases.json {field} {value}, hull-eval {measured}");
    }
    let chosen = if mae(0) <= mae(1) { "convex_hull" } else { "direct_head" };
    assert_eq!(recorded["chosen"], chosen);

    let mut table = csv::Reader::from_path(&rows).unwrap();
    assert_eq!(table.headers().unwrap(), vec!["material_id", "formula", "label", "convex_hull", "direct_head"]);
    let lines: Vec<Vec<f64>> =
        table.records().map(|r| r.unwrap().iter().skip(2).map(|x| x.parse().unwrap()).collect()).collect();
    assert_eq!(lines.len() as u64, report["estimators"][0]["n"].as_u64().unwrap());
    for (column, i) in [(1, 0), (2, 1)] {
        let from_rows = lines.iter().map(|l| (l[0] - l[column].max(0.0)).abs()).sum::<f64>() / lines.len() as f64;
        assert!((from_rows - mae(i)).abs() < 1e-9, "column {column}: {from_rows} vs {}", mae(i));
    }
    std::fs::remove_file(&rows).ok();
}
