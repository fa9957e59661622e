//! Smoke training on a few hundred real structures (CI never trains a real model): the loss
//! falls, validation MAE beats predicting the training median, the bundle evaluates, and a run
//! stopped half-way and resumed ends bit-identical to an uninterrupted one.

use std::path::{Path, PathBuf};
use std::process::Command;

const MATFUSE: &str = env!("CARGO_BIN_EXE_matfuse");

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// The MiniLM vocabulary installed by scripts/fetch-encoder.sh (required under CI).
fn vocab() -> Option<PathBuf> {
    let path = workspace().join(".matfuse/encoders/all-MiniLM-L6-v2/vocab.txt");
    if path.is_file() {
        return Some(path);
    }
    let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    assert!(!ci, "CI=true but {} is missing: run scripts/fetch-encoder.sh", path.display());
    eprintln!("SKIPPED: {} missing (run scripts/fetch-encoder.sh)", path.display());
    None
}

fn run(args: &[&str]) -> String {
    let out = Command::new(MATFUSE).args(args).current_dir(workspace()).output().expect("matfuse runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "matfuse {args:?} failed:\n{stderr}");
    String::from_utf8_lossy(&out.stdout).into_owned() + &stderr
}

/// An empty temporary directory of this test process.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))).unwrap()
}

/// MAE of predicting the median formation energy of the first `n_train` train rows on the
/// first `n_val` val rows of mp2018.
fn median_baseline(data: &Path, n_train: usize, n_val: usize) -> f64 {
    let (headers, rows) = matfuse_tests::read_csv(&data.join("mp2018/mp2018.csv.gz"));
    let (split, label) =
        (matfuse_tests::column(&headers, "split"), matfuse_tests::column(&headers, "formation_energy_per_atom"));
    let values = |name: &str, n: usize| -> Vec<f64> {
        rows.iter().filter(|r| &r[split] == name).take(n).map(|r| r[label].parse().unwrap()).collect()
    };
    let mut train = values("train", n_train);
    train.sort_by(f64::total_cmp);
    let median = (train[(train.len() - 1) / 2] + train[train.len() / 2]) / 2.0;
    let val = values("val", n_val);
    val.iter().map(|v| (v - median).abs()).sum::<f64>() / val.len() as f64
}

#[test]
fn smoke_training_learns_evaluates_and_resumes_identically() {
    let Some(data) = matfuse_tests::data_dir("smoke training") else { return };
    let Some(vocab) = vocab() else { return };
    let tmp = scratch("matfuse-smoke");
    // configs/smoke.toml reads the first 300/100/300 rows of each split: only those are featurised.
    let (mp2018, ehull) = matfuse_tests::first_rows_of_each_split(&data, &tmp, [300, 100, 300]);
    let config = std::fs::read_to_string(workspace().join("configs/smoke.toml"))
        .unwrap()
        .replace("../shared/data/mp2018/mp2018.csv.gz", &mp2018.display().to_string())
        .replace("../shared/data/mp2022_ehull/mp2022_ehull.csv.gz", &ehull.display().to_string())
        .replace(
            "vocab = \".matfuse/encoders/all-MiniLM-L6-v2/vocab.txt\"",
            &format!(
                "vocab = {:?}\ncache = {:?}",
                vocab.display().to_string(),
                tmp.join("cache").display().to_string()
            ),
        );
    assert!(config.contains(&mp2018.display().to_string()) && config.contains("cache = "), "{config}");
    let config_path = tmp.join("smoke.toml");
    std::fs::write(&config_path, config).unwrap();
    let config_arg = config_path.to_str().unwrap();
    let (whole, halves) = (tmp.join("whole"), tmp.join("halves"));

    run(&["train", "--config", config_arg, "--run-dir", whole.to_str().unwrap()]);
    let state = json(&whole.join("checkpoint/state.json"));
    let history = state["history"].as_array().unwrap();
    assert_eq!(history.len(), 4, "4 epochs");
    let loss = |e: &serde_json::Value| e["train_loss"].as_f64().unwrap();
    assert!(loss(&history[3]) < loss(&history[0]), "loss falls: {history:?}");
    let best = &history[state["best_epoch"].as_u64().unwrap() as usize - 1];
    let val_mae = best["val_mae"][0].as_f64().unwrap();
    let baseline = median_baseline(&data, 300, 100);
    assert!(val_mae < baseline, "validation MAE {val_mae} must beat the median baseline {baseline}");

    run(&["train", "--config", config_arg, "--run-dir", halves.to_str().unwrap(), "--stop-after", "2"]);
    assert_eq!(json(&halves.join("checkpoint/state.json"))["history"].as_array().unwrap().len(), 2);
    run(&["train", "--config", config_arg, "--run-dir", halves.to_str().unwrap(), "--resume"]);
    let resumed = json(&halves.join("checkpoint/state.json"));
    for (a, b) in history.iter().zip(resumed["history"].as_array().unwrap()) {
        assert_eq!((&a["train_loss"], &a["val_mae"]), (&b["train_loss"], &b["val_mae"]), "epoch {}", a["epoch"]);
    }
    // A run resumed with another configuration is refused, naming what changed.
    let refused = Command::new(MATFUSE)
        .args(["train", "--config", config_arg, "--run-dir", halves.to_str().unwrap(), "--resume"])
        .args(["--set", "train.lr=0.002"])
        .current_dir(workspace())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success() && stderr.contains("train.lr: 0.001 → 0.002"), "{stderr}");
    // The reference CGCNN's batching and objective (plainly shuffled batches, the mean fitted by
    // its absolute error, σ's likelihood weighted down) train too, and the run records them; a
    // time budget no epoch fits ends it, finished with a bundle, after its first epoch.
    let reference_like = tmp.join("reference-like");
    run(&[
        "train",
        "--config",
        config_arg,
        "--run-dir",
        reference_like.to_str().unwrap(),
        "--time-budget",
        "0",
        "--set",
        "train.bucket_by_size=false",
        "--set",
        "train.loss=l1",
        "--set",
        "train.uncertainty_weight=0.01",
    ]);
    let budgeted = json(&reference_like.join("checkpoint/state.json"));
    assert_eq!(
        (budgeted["history"].as_array().unwrap().len(), &budgeted["finished"]),
        (1, &serde_json::Value::Bool(true))
    );
    assert!(reference_like.join("bundle/manifest.json").exists(), "a run ended by its time budget writes its bundle");
    let first = &budgeted["history"][0];
    assert!(loss(first).is_finite() && loss(first) != loss(&history[0]), "{first} vs {}", history[0]);
    let identity = json(&reference_like.join("checkpoint/run.json")).to_string();
    for recorded in ["\"bucket_by_size\":false", "\"loss\":\"l1\"", "\"uncertainty_weight\":0.01"] {
        assert!(identity.contains(recorded), "{recorded} missing from {identity}");
    }
    // Parameter ids inside the weight files are random; the numbers the weights produce are not.
    let metrics = |dir: &Path| json(&dir.join("bundle/manifest.json"))["metrics"].clone();
    assert_eq!(metrics(&whole), metrics(&halves), "resumed model's test metrics differ");

    // The bundle evaluates with the same numbers its manifest reports on the same 300 test
    // structures (configs/smoke.toml's `max_test`: the first 300 of the test split).
    let manifest = json(&whole.join("bundle/manifest.json"));
    assert_eq!(manifest["trained"], true);
    let (headers, rows) = matfuse_tests::read_csv(&data.join("mp2018/mp2018.csv.gz"));
    let (split, id) = (matfuse_tests::column(&headers, "split"), matfuse_tests::column(&headers, "material_id"));
    let test_ids: Vec<&str> = rows.iter().filter(|r| &r[split] == "test").take(300).map(|r| &r[id][..]).collect();
    std::fs::write(tmp.join("test-ids.txt"), test_ids.join("\n")).unwrap();
    let out = run(&[
        "eval",
        "--model",
        whole.join("bundle").to_str().unwrap(),
        "--data",
        mp2018.to_str().unwrap(),
        "--ids",
        tmp.join("test-ids.txt").to_str().unwrap(),
        "--json",
    ]);
    let report: serde_json::Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert_eq!(report["n"], 300);
    let (card, measured) = (
        manifest["metrics"]["formation_energy_per_atom"]["mae"].as_f64().unwrap(),
        report["metrics"]["formation_energy_per_atom"]["mae"].as_f64().unwrap(),
    );
    assert!((card - measured).abs() < 0.05 * card, "eval MAE {measured} vs manifest {card}");

    // `train` recalibrated σ on validation and recorded the test coverage ...
    for property in ["formation_energy_per_atom", "band_gap", "efermi"] {
        let coverage = manifest["metrics"][property]["coverage_68"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&coverage), "{property}: coverage {coverage}");
    }
    // (σ factor, z95) per property.
    let factors = |manifest: &serde_json::Value| -> Vec<(f64, f64)> {
        let properties = manifest["properties"].as_array().unwrap();
        properties.iter().map(|p| (p["sigma_scale"].as_f64().unwrap(), p["z95"].as_f64().unwrap())).collect()
    };
    let trained = factors(&manifest);
    assert!(trained.iter().all(|(f, z)| f.is_finite() && *f > 0.0 && z.is_finite() && *z > 0.0), "{trained:?}");
    // ... and `matfuse calibrate` on the same 100 validation rows (the first of mp2018) through
    // the bundle and the predictor finds the same factors and 95 % interval widths.
    let mut val = csv::Writer::from_path(tmp.join("val.csv")).unwrap();
    val.write_record(&headers).unwrap();
    for row in rows.iter().filter(|r| &r[split] == "val").take(100) {
        val.write_record(row).unwrap();
    }
    val.flush().unwrap();
    let (ehull_headers, _) = matfuse_tests::read_csv(&data.join("mp2022_ehull/mp2022_ehull.csv.gz"));
    let mut no_ehull = csv::Writer::from_path(tmp.join("ehull.csv")).unwrap();
    no_ehull.write_record(&ehull_headers).unwrap();
    no_ehull.flush().unwrap();
    let calibrated = tmp.join("calibrated");
    copy_dir(&whole.join("bundle"), &calibrated);
    let (mp2018_arg, ehull_arg) = (tmp.join("val.csv"), tmp.join("ehull.csv"));
    let calibrate = || {
        run(&[
            "calibrate",
            "--model",
            calibrated.to_str().unwrap(),
            "--mp2018",
            mp2018_arg.to_str().unwrap(),
            "--ehull",
            ehull_arg.to_str().unwrap(),
        ]);
        factors(&json(&calibrated.join("manifest.json")))
    };
    let again = calibrate();
    for (p, ((a, za), (b, zb))) in trained.iter().zip(&again).enumerate() {
        // The bundle's weights are f16, the run's f32: one step of the factor grid (0.7 %) apart at most.
        assert!((a / b - 1.0).abs() < 0.02, "property {p}: train {a}, calibrate {b}");
        assert!((za / zb - 1.0).abs() < 0.05, "property {p}: train z95 {za}, calibrate {zb}");
    }
    // Calibrating a calibrated bundle changes nothing (the factors are fitted on the raw σ).
    assert_eq!(calibrate(), again);
    assert!(std::fs::read_to_string(calibrated.join("MODEL_CARD.md")).unwrap().contains("## Uncertainty"));
    let _ = std::fs::remove_dir_all(&tmp);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

/// The `server` configuration end to end on a small budget: the frozen MiniLM encodes the
/// descriptions into the token-state cache, the network trains on them and the bundle pins the
/// encoder (name, hidden size, weights sha256). A second run reuses the cache.
#[test]
fn server_smoke_training_uses_the_frozen_encoder_and_its_cache() {
    let Some(data) = matfuse_tests::data_dir("server smoke training") else { return };
    let Some(vocab) = vocab() else { return };
    let encoder = vocab.parent().unwrap().to_path_buf();
    let tmp = scratch("matfuse-server-smoke");
    // The shipped configuration, cut down on the command line (`--set`), as scripts/e2e.sh does.
    let config = workspace().join("configs/server.toml");
    let run_dir = tmp.join("run");
    let set = |key: &str, value: &Path| format!("{key}={}", value.display());
    let (mp2018, ehull) = matfuse_tests::first_rows_of_each_split(&data, &tmp, [120, 40, 40]);
    let overrides = [
        set("data.mp2018", &mp2018),
        set("data.ehull", &ehull),
        set("data.vocab", &vocab),
        set("data.encoder", &encoder),
        set("data.cache", &tmp.join("cache")),
        "data.max_train=120".into(),
        "data.max_val=40".into(),
        "data.max_test=40".into(),
        "train.epochs=3".into(),
    ];
    let mut args = vec!["train", "--config", config.to_str().unwrap(), "--run-dir", run_dir.to_str().unwrap()];
    for o in &overrides {
        args.extend(["--set", o.as_str()]);
    }
    let log = run(&args);
    assert!(log.contains("encoded 200/200 descriptions"), "{log}");
    let state = json(&run_dir.join("checkpoint/state.json"));
    let history = state["history"].as_array().unwrap();
    let loss = |e: &serde_json::Value| e["train_loss"].as_f64().unwrap();
    assert!(loss(&history[2]) < loss(&history[0]), "loss falls: {history:?}");

    let manifest = json(&run_dir.join("bundle/manifest.json"));
    assert_eq!(manifest["text_encoder"]["name"], "all-MiniLM-L6-v2");
    assert_eq!(manifest["text_encoder"]["hidden_size"], 384);
    assert_eq!(manifest["text_encoder"]["sha256"], "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db");
    assert_eq!(manifest["network"]["frozen_text"]["encoder_hidden"], 384);
    let card_mae = manifest["metrics"]["formation_energy_per_atom"]["mae"].as_f64().unwrap();

    // The bundle evaluates through the predictor (encoder loaded, hash checked) with the
    // numbers its manifest reports on the same 40 test structures.
    let (headers, rows) = matfuse_tests::read_csv(&data.join("mp2018/mp2018.csv.gz"));
    let (split, id) = (matfuse_tests::column(&headers, "split"), matfuse_tests::column(&headers, "material_id"));
    let ids: Vec<&str> = rows.iter().filter(|r| &r[split] == "test").take(40).map(|r| &r[id][..]).collect();
    std::fs::write(tmp.join("ids.txt"), ids.join("\n")).unwrap();
    let out = run(&[
        "eval",
        "--model",
        run_dir.join("bundle").to_str().unwrap(),
        "--data",
        mp2018.to_str().unwrap(),
        "--ids",
        tmp.join("ids.txt").to_str().unwrap(),
        "--json",
    ]);
    let report: serde_json::Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert_eq!(report["n"], 40);
    let measured = report["metrics"]["formation_energy_per_atom"]["mae"].as_f64().unwrap();
    assert!((card_mae - measured).abs() < 0.05 * card_mae, "eval MAE {measured} vs manifest {card_mae}");

    // The second run finds every description in the cache.
    let run2 = tmp.join("run2");
    let mut args = vec!["train", "--config", config.to_str().unwrap(), "--run-dir", run2.to_str().unwrap()];
    for o in &overrides {
        args.extend(["--set", o.as_str()]);
    }
    args.extend(["--stop-after", "1"]);
    let again = run(&args);
    assert!(again.lines().filter(|l| l.starts_with("encoded ")).count() == 1, "cache reused: {again}");
    let _ = std::fs::remove_dir_all(&tmp);
}

/// `matfuse ablate` on a smoke budget: all six variants train, RESULTS.md holds SCIENCE.md §5's
/// four tables, each headed by the command, and a second run reuses the finished runs and writes
/// the same numbers.
#[test]
fn the_ablation_writes_its_four_tables_and_reuses_finished_runs() {
    let Some(data) = matfuse_tests::data_dir("ablation smoke run") else { return };
    let Some(vocab) = vocab() else { return };
    let tmp = scratch("matfuse-ablate-smoke");
    // The first 40 perovskites keep the zero-shot table cheap.
    let mut perov5 = csv::Reader::from_path(data.join("perov5/perov5_val.csv")).unwrap();
    let mut subset = csv::Writer::from_path(tmp.join("perov5.csv")).unwrap();
    subset.write_record(perov5.headers().unwrap()).unwrap();
    for record in perov5.records().take(40) {
        subset.write_record(&record.unwrap()).unwrap();
    }
    subset.flush().unwrap();
    let set = |key: &str, value: &Path| format!("{key}={}", value.display());
    let (mp2018, ehull) = matfuse_tests::first_rows_of_each_split(&data, &tmp, [160, 40, 120]);
    let overrides = [
        set("data.mp2018", &mp2018),
        set("data.ehull", &ehull),
        set("data.vocab", &vocab),
        set("data.cache", &tmp.join("cache")),
        "data.max_train=160".into(),
        "data.max_val=40".into(),
        "data.max_test=120".into(),
        "train.epochs=2".into(),
    ];
    let (out, runs, perov5, jarvis) =
        (tmp.join("RESULTS.md"), tmp.join("runs"), tmp.join("perov5.csv"), data.join("jarvis_samples"));
    let mut args = vec!["ablate", "--config", "configs/ablate.toml"];
    for o in &overrides {
        args.extend(["--set", o.as_str()]);
    }
    args.extend(["--runs", runs.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    args.extend(["--perov5", perov5.to_str().unwrap(), "--jarvis", jarvis.to_str().unwrap()]);
    run(&args);
    let first = std::fs::read_to_string(&out).unwrap();
    for heading in [
        "## 1. Ablation on the test split",
        "## 2. Missing modality",
        "## 3. Zero-shot transfer",
        "## 4. Uncertainty calibration",
    ] {
        let after = first.split(heading).nth(1).unwrap_or_else(|| panic!("no `{heading}` in:\n{first}"));
        let command = after.lines().skip(1).find(|l| !l.trim().is_empty()).unwrap();
        assert!(command.contains("ablate --config configs/ablate.toml --set"), "{heading}: {command}");
    }
    for variant in models::bundle::FusionKind::ALL.map(|kind| kind.as_str()) {
        assert_eq!(first.matches(&format!("| `{variant}` |")).count(), 2, "`{variant}` in tables 1 and 3:\n{first}");
        assert!(runs.join(variant).join("best.bpk").is_file(), "{variant} kept its best weights");
    }
    assert!(first.contains("| graph only (text removed) |") && first.contains("perov5: 40 cubic perovskites"));
    assert!(first.contains("| validation score | train time |"), "table 1 shows the selection criterion:\n{first}");

    // Everything but the wall time is the same when the finished runs are reused.
    run(&args);
    let without_wall_time =
        |text: &str| text.lines().filter(|l| !l.starts_with("Data:")).collect::<Vec<_>>().join("\n");
    assert_eq!(without_wall_time(&first), without_wall_time(&std::fs::read_to_string(&out).unwrap()));
    let _ = std::fs::remove_dir_all(&tmp);
}
