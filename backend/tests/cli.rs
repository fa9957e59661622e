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
