//! `matfuse serve` as a process: shares and finished training jobs survive `kill -9` and a
//! restart; https with `--tls-cert`/`--tls-key`; the load-test command (100 requests, 32
//! concurrent) finishes without errors.

mod common;

use common::training::{config, multipart, table};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// A running `matfuse serve`, killed with SIGKILL when dropped: also when its test panics, so
/// no server outlives its test (an orphan would keep the test log's pipe open and hang CI).
struct Server(Child);

impl Server {
    /// SIGKILL, as a crash would: nothing gets to shut down cleanly.
    fn kill_9(self) {}
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `matfuse serve` on a free port; returns the process and its address.
fn start(data_dir: &Path, static_dir: &Path) -> (Server, String) {
    start_with(data_dir, static_dir, &[])
}

/// [`start`] with more arguments.
fn start_with(data_dir: &Path, static_dir: &Path, args: &[&str]) -> (Server, String) {
    let mut server = Server(
        serve_command(data_dir, static_dir, args).stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn().unwrap(),
    );
    let lines = BufReader::new(server.0.stdout.take().unwrap()).lines();
    // The reader keeps the pipe drained after passing on the address; a server that hangs
    // before listening fails the test instead of hanging it.
    let (address, addr) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut address = Some(address);
        for line in lines.map_while(Result::ok) {
            if let Some(at) = line.find("://") {
                let rest = &line[at + 3..];
                if let Some(address) = address.take() {
                    let _ = address.send(rest[..rest.find(' ').unwrap_or(rest.len())].to_string());
                }
            }
        }
    });
    let addr = addr.recv_timeout(STARTUP).unwrap_or_else(|e| panic!("the server did not report its address: {e}"));
    (server, addr)
}

/// How long a server may take to start listening, and a request to be answered.
const STARTUP: Duration = Duration::from_secs(120);
const ANSWER: Duration = Duration::from_secs(120);

fn serve_command(data_dir: &Path, static_dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_matfuse"));
    command
        .current_dir(workspace())
        .args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
        .arg(data_dir)
        .arg("--static-dir")
        .arg(static_dir)
        .args(args)
        .env("NO_COLOR", "1")
        .env("RUST_LOG", "info");
    command
}

/// A scratch data directory and a one-page site for a server process.
fn scratch(tag: &str) -> (PathBuf, PathBuf, PathBuf) {
    let root = std::env::temp_dir().join(format!("matfuse-serve-{tag}-{}", std::process::id()));
    std::fs::remove_dir_all(&root).ok();
    let (data, site) = (root.join("data"), root.join("site"));
    std::fs::create_dir_all(&site).unwrap();
    std::fs::write(site.join("index.html"), "<html>matfuse</html>").unwrap();
    (root, data, site)
}

fn request(addr: &str, method: &str, path: &str, body: &str) -> (u16, String) {
    send(addr, method, path, "application/json", &[], body.as_bytes())
}

/// One HTTP/1.1 exchange over a fresh connection: status and body.
fn send(addr: &str, method: &str, path: &str, content_type: &str, headers: &[&str], body: &[u8]) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(ANSWER)).unwrap();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for header in headers {
        head.push_str(header);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap_or_else(|e| panic!("{method} {path}: no complete answer: {e}"));
    let status = response.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, response.split("\r\n\r\n").nth(1).unwrap_or("").to_string())
}

#[test]
fn shares_survive_kill_9_and_restart() {
    let (root, data, site) = scratch("shares");

    let (server, addr) = start(&data, &site);
    let share = r#"{"version":1,"structure":"data_x","model":"browser","weights_sha256":"00","view":{"tab":"graph"}}"#;
    let (status, body) = request(&addr, "POST", "/api/v1/share", share);
    assert_eq!(status, 201, "{body}");
    let id = serde_json::from_str::<serde_json::Value>(&body).unwrap()["id"].as_str().unwrap().to_string();
    server.kill_9();

    let (server, addr) = start(&data, &site);
    let (status, body) = request(&addr, "GET", &format!("/api/v1/share/{id}"), "");
    assert_eq!(status, 200, "{body}");
    let stored: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(stored["state"]["view"]["tab"], "graph");
    assert_eq!(request(&addr, "GET", "/healthz", "").0, 200);
    server.kill_9();
    std::fs::remove_dir_all(root).ok();
}

#[test]
fn finished_jobs_and_their_models_survive_kill_9_and_restart() {
    let Some(upload) = table("finished_jobs_and_their_models_survive_kill_9_and_restart", 60, false) else { return };
    let (root, data, site) = scratch("jobs");
    let token = "process-test-token";
    let auth = format!("Authorization: Bearer {token}");
    let job = |addr: &str, id: &str| {
        let (status, body) = send(addr, "GET", &format!("/api/v1/jobs/{id}"), "text/plain", &[&auth], b"");
        assert_eq!(status, 200, "{body}");
        serde_json::from_str::<serde_json::Value>(&body).unwrap()
    };

    let (server, addr) = start_with(&data, &site, &["--admin-token", token]);
    let body = multipart(&[("config", config(2).as_bytes()), ("data", &upload)]);
    let content_type = common::form::content_type();
    let (status, reply) = send(&addr, "POST", "/api/v1/jobs", &content_type, &[&auth], &body);
    assert_eq!(status, 201, "{reply}");
    let id = serde_json::from_str::<serde_json::Value>(&reply).unwrap()["id"].as_str().unwrap().to_string();
    let finished = (0..1200)
        .map(|_| {
            std::thread::sleep(Duration::from_millis(100));
            job(&addr, &id)
        })
        .find(|j| j["state"] != "queued" && j["state"] != "running")
        .expect("the job did not end within two minutes");
    assert_eq!(finished["state"], "finished", "{finished}");
    server.kill_9(); // straight after the job ended

    let (server, addr) = start_with(&data, &site, &["--admin-token", token]);
    let after = job(&addr, &id);
    assert_eq!(after["state"], "finished", "{after}");
    assert_eq!(after["model"], finished["model"], "{after}");
    let model = after["model"].as_str().expect("a finished job names its model");
    let (status, body) = request(&addr, "GET", &format!("/api/v1/models/{model}"), "");
    assert_eq!(status, 200, "{body}");
    let predict = serde_json::json!({ "structure": common::structure("rock-salt"), "model": model }).to_string();
    let (status, body) = request(&addr, "POST", "/api/v1/predict", &predict);
    assert_eq!(status, 200, "{body}");
    server.kill_9();
    std::fs::remove_dir_all(root).ok();
}

#[test]
fn tls_serves_https_and_names_unusable_files() {
    let fixtures = workspace().join("backend/tests/fixtures/tls");
    let (cert, key) = (fixtures.join("localhost.crt"), fixtures.join("localhost.key"));
    let (root, data, site) = scratch("tls");
    let (server, addr) =
        start_with(&data, &site, &["--tls-cert", cert.to_str().unwrap(), "--tls-key", key.to_str().unwrap()]);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let response = runtime
        .block_on(async { tokio::time::timeout(ANSWER, https_get(&addr, "/healthz", &fixtures.join("ca.crt"))).await })
        .expect("no https answer in time");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    // Plain http to the https port gets no HTTP answer.
    let mut stream = TcpStream::connect(&addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    // The server may hang up before or while the request is written: that is fine too.
    let _ = write!(stream, "GET /healthz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    let mut plain = Vec::new();
    let _ = stream.read_to_end(&mut plain);
    assert!(!plain.starts_with(b"HTTP/1.1 200"), "plain http was answered over the TLS port");
    server.kill_9();

    // A key that does not match the certificate: a clear error, no server.
    let other = fixtures.join("other.key");
    let out =
        serve_command(&data, &site, &["--tls-cert", cert.to_str().unwrap(), "--tls-key", other.to_str().unwrap()])
            .output()
            .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("cannot be used together") && stderr.contains("other.key"), "{stderr}");
    // Half a pair is refused by the flags.
    let out = serve_command(&data, &site, &["--tls-cert", cert.to_str().unwrap()]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("--tls-key"), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::remove_dir_all(root).ok();
}

/// `GET path` over TLS, trusting only the certificate authority in `ca` (PEM).
async fn https_get(addr: &str, path: &str, ca: &Path) -> String {
    use rustls::pki_types::{CertificateDer, ServerName, pem::PemObject};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut roots = rustls::RootCertStore::empty();
    roots.add(CertificateDer::from_pem_file(ca).unwrap()).unwrap();
    let config =
        rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(std::sync::Arc::new(config));
    let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut tls = connector.connect(ServerName::try_from("localhost").unwrap(), tcp).await.unwrap();
    tls.write_all(format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let mut response = Vec::new();
    tls.read_to_end(&mut response).await.unwrap();
    String::from_utf8_lossy(&response).into_owned()
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
