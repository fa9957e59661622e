//! `matfuse serve` as a process: shares survive `kill -9` and a restart; the load-test command
//! (100 requests, 32 concurrent) finishes without errors.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// Starts `matfuse serve` on a free port; returns the process and its address.
fn start(data_dir: &Path, static_dir: &Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_matfuse"))
        .current_dir(workspace())
        .args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
        .arg(data_dir)
        .arg("--static-dir")
        .arg(static_dir)
        .env("NO_COLOR", "1")
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let addr = loop {
        let line = lines.next().expect("server exited before listening").unwrap();
        if let Some(at) = line.find("http://") {
            let rest = &line[at + 7..];
            break rest[..rest.find(' ').unwrap_or(rest.len())].to_string();
        }
    };
    std::thread::spawn(move || lines.for_each(drop)); // keep the pipe drained
    (child, addr)
}

fn request(addr: &str, method: &str, path: &str, body: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, response.split("\r\n\r\n").nth(1).unwrap_or("").to_string())
}

#[test]
fn shares_survive_kill_9_and_restart() {
    let root = std::env::temp_dir().join(format!("matfuse-serve-{}", std::process::id()));
    let (data, site) = (root.join("data"), root.join("site"));
    std::fs::create_dir_all(&site).unwrap();
    std::fs::write(site.join("index.html"), "<html>matfuse</html>").unwrap();

    let (mut server, addr) = start(&data, &site);
    let share = r#"{"version":1,"structure":"data_x","model":"browser","weights_sha256":"00","view":{"tab":"graph"}}"#;
    let (status, body) = request(&addr, "POST", "/api/v1/share", share);
    assert_eq!(status, 201, "{body}");
    let id = serde_json::from_str::<serde_json::Value>(&body).unwrap()["id"].as_str().unwrap().to_string();
    server.kill().unwrap(); // SIGKILL
    server.wait().unwrap();

    let (mut server, addr) = start(&data, &site);
    let (status, body) = request(&addr, "GET", &format!("/api/v1/share/{id}"), "");
    assert_eq!(status, 200, "{body}");
    let stored: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(stored["state"]["view"]["tab"], "graph");
    assert_eq!(request(&addr, "GET", "/healthz", "").0, 200);
    server.kill().unwrap();
    server.wait().unwrap();
    std::fs::remove_dir_all(root).ok();
}

#[test]
fn load_test_of_100_requests_has_no_errors() {
    let out = Command::new(env!("CARGO_BIN_EXE_matfuse"))
        .current_dir(workspace())
        .args(["bench", "api", "--requests", "100", "--concurrency", "32", "--out", "-"])
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{report}");
    assert!(report.contains("| 100 | 32 | 0 |"), "{report}");
}
