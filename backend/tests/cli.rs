//! The `matfuse` binary end to end: standard input, the `--json` contract, errors.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn matfuse(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_matfuse"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("matfuse runs");
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn rock_salt() -> &'static str {
    shared::gallery::example("rock-salt").expect("gallery has rock salt").cif
}

#[test]
fn inspect_json_is_the_documented_contract() {
    let out = matfuse(&["inspect", "-", "--json"], rock_salt());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    insta::assert_json_snapshot!(json);
}

#[test]
fn inspect_neighbors_lists_twelve_sorted_edges_per_atom() {
    let out = matfuse(&["inspect", "-", "--json", "--neighbors"], rock_salt());
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let neighbors = json["neighbors"].as_array().unwrap();
    assert_eq!(neighbors.len(), json["natoms"].as_u64().unwrap() as usize);
    for list in neighbors {
        let d: Vec<f64> = list.as_array().unwrap().iter().map(|e| e["distance"].as_f64().unwrap()).collect();
        assert_eq!(d.len(), 12);
        assert!(d.windows(2).all(|w| w[0] <= w[1]));
        assert!((d[0] - 5.640 / 2.0).abs() < 1e-9 && (d[6] - 5.640 / 2f64.sqrt()).abs() < 1e-9, "{d:?}");
    }
}

#[test]
fn describe_reads_standard_input() {
    let out = matfuse(&["describe", "-"], rock_salt());
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Fm-3m space group (No. 225)") && text.contains("2.82 Å"), "{text}");
}

#[test]
fn repaired_defects_are_warned_on_standard_error_and_refused_with_strict() {
    let doubled = rock_salt().replacen("_cell_length_a", "_cell_length_a 5.64\n_cell_length_a", 1);
    let out = matfuse(&["inspect", "-"], &doubled);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.starts_with("warning: -: line ") && err.contains("appears twice"), "{err}");
    let out = matfuse(&["inspect", "-", "--strict"], &doubled);
    assert!(!out.status.success());
    assert!(String::from_utf8(out.stderr).unwrap().contains("appears twice"));
}

#[test]
fn a_broken_file_fails_with_the_line_and_the_problem() {
    let broken = rock_salt().replace("_cell_length_b", "_cell_length_b 5.6x\n#");
    let out = matfuse(&["inspect", "-"], &broken);
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.starts_with("error: CIF, line ") && err.contains("not a number"), "{err}");
}

#[test]
fn device_and_encoder_flags_fail_clearly() {
    let configs = concat!(env!("CARGO_MANIFEST_DIR"), "/../configs/browser.toml");
    let out = matfuse(&["train", "--config", configs, "--encoder", "/nonexistent/scibert"], "");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--encoder needs a model with a frozen text encoder"), "{stderr}");

    let out = matfuse(&["predict", "--model", "models/weights/browser", "--device", "tpu", "x.cif"], "");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("unknown device 'tpu' (expected cpu, wgpu or cuda)"), "{stderr}");
}

#[test]
fn eval_view_flags_name_the_model_kind_they_need() {
    let browser = concat!(env!("CARGO_MANIFEST_DIR"), "/../models/weights/browser");
    let out = matfuse(&["eval", "--model", browser, "--without", "graph"], "");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--without removes a molecule model's view; a crystal model takes --modalities"),
        "{stderr}"
    );

    let esol = concat!(env!("CARGO_MANIFEST_DIR"), "/../models/weights/molecules/esol");
    let out = matfuse(&["eval", "--model", esol, "--modalities", "graph-only"], "");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("a molecule model takes --without graph, smiles or fingerprint"), "{stderr}");
}

/// α-polonium (simple cubic, a = 3.359 Å): a real crystal whose element no training structure has.
const POLONIUM: &str = "alpha-Po\n1.0\n3.359 0 0\n0 3.359 0\n0 0 3.359\nPo\n1\nDirect\n0 0 0\n";

#[test]
fn predict_shows_the_stability_as_json_and_text() {
    let dir = std::env::temp_dir().join(format!("matfuse-predict-stability-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("CaF2.cif");
    std::fs::write(&path, shared::gallery::example("fluorite").unwrap().cif).unwrap();
    let path = path.display().to_string();
    let model = concat!(env!("CARGO_MANIFEST_DIR"), "/../models/weights/browser");
    let phases = concat!(env!("CARGO_MANIFEST_DIR"), "/../models/weights");
    let json = matfuse(&["predict", "--json", "--model", model, "--phases", phases, &path], "");
    let text = matfuse(&["predict", "--text", "--model", model, "--phases", phases, &path], "");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(json.status.success(), "{}", String::from_utf8_lossy(&json.stderr));
    let items: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let stability = &items[0]["stability"];
    assert_eq!(stability["decomposition_text"], "1 CaF2", "{stability}");
    assert!(stability["energy_above_hull"].as_f64().unwrap() >= 0.0);
    assert!(["convex_hull", "direct_head"].contains(&stability["estimator"].as_str().unwrap()));
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("decomposes into: 1 CaF2") && text.contains("energy above hull: "), "{text}");
}

#[test]
fn predict_flags_structures_outside_the_training_data() {
    let dir = std::env::temp_dir().join(format!("matfuse-predict-ood-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // The same rock salt with its first tag given twice: read with a warning (kept in the
    // `warnings` column and printed on stderr), refused under `--strict`.
    let repeated = rock_salt().replacen('\n', "\n_cell_angle_alpha 90\n", 1);
    let files =
        [("NaCl.cif", rock_salt()), ("Po.vasp", POLONIUM), ("broken.cif", "data_x\n"), ("repeated.cif", &repeated)];
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let paths: Vec<String> = files.iter().map(|(name, _)| dir.join(name).display().to_string()).collect();
    let model = concat!(env!("CARGO_MANIFEST_DIR"), "/../models/weights/browser");
    let mut args = vec!["predict", "--model", model];
    args.extend(paths.iter().map(String::as_str));
    let out = matfuse(&args, "");
    let strict = matfuse(&["predict", "--strict", "--model", model, &paths[3]], "");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("repeated.cif: line ") && stderr.contains("'_cell_angle_alpha' appears twice"), "{stderr}");
    assert_eq!(stderr.matches("warning:").count(), 1, "{stderr}");

    let mut table = csv::Reader::from_reader(out.stdout.as_slice());
    let header: Vec<String> = table.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header[header.len() - 5..], ["ood", "ood_training_quantile", "unseen_elements", "error", "warnings"]);
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = table.records().map(Result::unwrap).collect();
    let cell = |row: usize, name: &str| rows[row][column(name)].to_string();

    assert_eq!(
        (cell(0, "formula"), cell(0, "unseen_elements"), cell(0, "error")),
        ("NaCl".into(), "".into(), "".into())
    );
    assert!(["typical", "unusual"].contains(&cell(0, "ood").as_str()), "{:?}", rows[0]);
    let quantile: f64 = cell(0, "ood_training_quantile").parse().unwrap();
    assert!((0.0..=1.0).contains(&quantile));

    assert_eq!(
        (cell(1, "formula"), cell(1, "ood"), cell(1, "unseen_elements")),
        ("Po".into(), "out_of_distribution".into(), "Po".into())
    );
    assert!(cell(1, "formation_energy_per_atom").parse::<f64>().unwrap().is_finite());

    assert_eq!(cell(2, "ood"), "");
    assert!(cell(2, "error").contains("_cell_length_a"), "{:?}", rows[2]);

    assert_eq!((cell(3, "formula"), cell(3, "error")), ("NaCl".into(), "".into()));
    assert!(
        cell(3, "warnings").starts_with("line ") && cell(3, "warnings").contains("'_cell_angle_alpha' appears twice")
    );
    assert_eq!(cell(0, "warnings"), "");
    assert_eq!(cell(3, "formation_energy_per_atom"), cell(0, "formation_energy_per_atom"));
    let mut strict = csv::Reader::from_reader(strict.stdout.as_slice());
    let refused: Vec<csv::StringRecord> = strict.records().map(Result::unwrap).collect();
    assert_eq!(refused.len(), 1);
    assert_eq!(&refused[0][column("formula")], "", "{:?}", refused[0]);
    assert!(refused[0][column("error")].contains("'_cell_angle_alpha' appears twice"), "{:?}", refused[0]);
}

/// `matfuse suggest` ranks the rows of `--split` (a broken row is recorded, not fatal) as CSV,
/// and `--evaluate` compares the picks' errors with random picks on the labels.
#[test]
fn suggest_ranks_a_pool_and_evaluates_against_labels() {
    let dir = std::env::temp_dir().join(format!("matfuse-suggest-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut table = csv::Writer::from_writer(Vec::new());
    table.write_record(["material_id", "split", "formation_energy_per_atom", "cif"]).unwrap();
    let ids = ["rock-salt", "fluorite", "perovskite", "corundum", "diamond", "fcc-copper", "rutile"];
    for (i, id) in ids.iter().enumerate() {
        let label = format!("{:.1}", -(i as f64) * 0.5);
        table.write_record([id, "val", label.as_str(), shared::gallery::example(id).unwrap().cif]).unwrap();
    }
    table.write_record(["held-out", "test", "0", rock_salt()]).unwrap();
    table.write_record(["broken", "val", "", "not a structure"]).unwrap();
    let pool = dir.join("pool.csv");
    std::fs::write(&pool, table.into_inner().unwrap()).unwrap();
    let (pool, ranked) = (pool.display().to_string(), dir.join("ranked.csv").display().to_string());
    let model = concat!(env!("CARGO_MANIFEST_DIR"), "/../models/weights/browser");
    let base = ["suggest", "--model", model, "--pool", &pool, "--split", "val", "--k", "3"];
    let out = matfuse(&[&base[..], &["--out", &ranked]].concat(), "");
    let evaluated = matfuse(&[&base[..], &["--evaluate", "--draws", "5"]].concat(), "");
    let csv_text = std::fs::read_to_string(&ranked).unwrap_or_default();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("broken"));
    let mut rows = csv::Reader::from_reader(csv_text.as_bytes());
    let header: Vec<String> = rows.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header[..6], ["rank", "name", "formula", "value", "disagreement", "sigma"]);
    assert_eq!(header[6..9], ["fused", "graph_only", "text_only"]);
    let rows: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 4, "three suggestions and the broken row: {csv_text}");
    assert_eq!([&rows[0][0], &rows[1][0], &rows[2][0]], ["1", "2", "3"]);
    assert!(rows[..3].iter().all(|r| &r[1] != "held-out"), "only the val rows are ranked");
    let spreads: Vec<f64> = rows[..3].iter().map(|r| r[4].parse().unwrap()).collect();
    assert!(spreads.windows(2).all(|w| w[0] >= w[1]), "{spreads:?}");
    assert_eq!((&rows[3][1], rows[3][header.len() - 1].is_empty()), ("broken", false));

    assert!(evaluated.status.success(), "{}", String::from_utf8_lossy(&evaluated.stderr));
    let report = String::from_utf8_lossy(&evaluated.stdout);
    assert!(report.contains("| pick 3 of 7 by |"), "{report}");
    for strategy in ["committee disagreement", "σ (evidential head)", "random picks", "largest errors (oracle)"] {
        assert!(report.contains(&format!("| {strategy} |")), "{report}");
    }
}
