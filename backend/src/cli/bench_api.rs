//! `matfuse bench api`: a bounded load test of `POST /api/v1/predict` over loopback. The server
//! runs in-process on 127.0.0.1 with its default limits; clients open one connection per request.

use super::bench::{machine_description, replace_section};
use crate::error::{Error, Result};
use crate::server::{ServerConfig, ServerState, app};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[derive(clap::Args, Debug)]
pub struct ApiBenchArgs {
    /// Requests in all.
    #[arg(long, default_value_t = 1000)]
    pub requests: usize,
    /// Requests in flight at once.
    #[arg(long, default_value_t = 32)]
    pub concurrency: usize,
    /// Directory of model bundles.
    #[arg(long, default_value = "models/weights")]
    pub models_dir: PathBuf,
    /// Model every request asks for (default: the server's default model).
    #[arg(long)]
    pub model: Option<String>,
    /// Markdown file whose `api-<model>` section is replaced with the table (`-` prints it only).
    #[arg(long, default_value = "BENCHMARKS.md")]
    pub out: PathBuf,
}

pub fn run(args: &ApiBenchArgs) -> Result<()> {
    let scratch = std::env::temp_dir().join(format!("matfuse-bench-api-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).map_err(|source| Error::Write { path: scratch.clone(), source })?;
    let mut config = ServerConfig::new("127.0.0.1:0".parse().expect("address"), scratch.join("data"), scratch.clone());
    config.model_dirs = vec![args.models_dir.clone()];
    let state = ServerState::new(&config)?;
    if state.registry.is_empty() {
        return Err(Error::CommandLine(format!("--models-dir: no model bundles in {}", args.models_dir.display())));
    }
    let (_, model) = state
        .registry
        .resolve(args.model.as_deref())
        .map_err(|e| Error::CommandLine(format!("--model: {}", e.body.message)))?;
    let workers = config.limits.max_concurrent_predictions;
    let bodies: Arc<Vec<String>> = Arc::new(
        shared::gallery::examples()
            .iter()
            .map(|e| serde_json::json!({ "structure": e.cif, "model": model.id }).to_string())
            .collect(),
    );
    let runtime = tokio::runtime::Runtime::new().map_err(Error::Serve)?;
    let (latencies, failures, wall) = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(config.addr).await.map_err(Error::Serve)?;
        let addr = listener.local_addr().map_err(Error::Serve)?;
        tokio::spawn(axum::serve(listener, app(state)).into_future());
        let slots = Arc::new(tokio::sync::Semaphore::new(args.concurrency.max(1)));
        let start = Instant::now();
        let mut tasks = Vec::with_capacity(args.requests);
        for i in 0..args.requests {
            let permit = slots.clone().acquire_owned().await.expect("semaphore open");
            let bodies = bodies.clone();
            tasks.push(tokio::spawn(async move {
                let _permit = permit;
                let started = Instant::now();
                let status = post(addr, &bodies[i % bodies.len()]).await;
                (status, started.elapsed())
            }));
        }
        let mut latencies = Vec::with_capacity(tasks.len());
        let mut failures = Vec::new();
        for task in tasks {
            match task.await {
                Ok((Ok(200), took)) => latencies.push(took),
                Ok((status, _)) => failures.push(format!("{status:?}")),
                Err(e) => failures.push(e.to_string()),
            }
        }
        Ok::<_, Error>((latencies, failures, start.elapsed()))
    })?;
    std::fs::remove_dir_all(&scratch).ok();

    let mut ms: Vec<f64> = latencies.iter().map(|d| d.as_secs_f64() * 1e3).collect();
    ms.sort_by(f64::total_cmp);
    let pct = |p: f64| ms.get(((ms.len() as f64 - 1.0) * p).round() as usize).copied().unwrap_or(f64::NAN);
    let command = format!(
        "matfuse bench api --model {} --requests {} --concurrency {}",
        model.id, args.requests, args.concurrency
    );
    let table = format!(
        "Command: `{command}` ({})\n\nModel `{}` ({}). Machine: {}; {workers} model slots. The {} textbook gallery \
         structures in turn, one connection per request.\n\n\
         | requests | concurrent | errors | p50 (ms) | p99 (ms) | throughput (requests/s) |\n|---:|---:|---:|---:|---:|---:|\n\
         | {} | {} | {} | {:.1} | {:.1} | {:.1} |\n",
        if cfg!(debug_assertions) { "`--profile ci` build: optimised, with debug assertions" } else { "release build" },
        model.id,
        model.version,
        machine_description(),
        bodies.len(),
        args.requests,
        args.concurrency,
        failures.len(),
        pct(0.5),
        pct(0.99),
        ms.len() as f64 / wall.as_secs_f64()
    );
    eprint!("{table}");
    if args.out != std::path::Path::new("-") {
        replace_section(&args.out, &format!("api-{}", model.id), &table)?;
    }
    if !failures.is_empty() {
        return Err(Error::BenchmarkFailed {
            failed: failures.len(),
            requests: args.requests,
            example: failures[0].clone(),
        });
    }
    Ok(())
}

/// One `POST /api/v1/predict`; the response's status code.
async fn post(addr: std::net::SocketAddr, body: &str) -> std::io::Result<u16> {
    let mut stream = tokio::net::TcpStream::connect(addr).await?;
    let request = format!(
        "POST /api/v1/predict HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await?;
    let mut response = Vec::new();
    tokio::time::timeout(Duration::from_secs(120), stream.read_to_end(&mut response)).await??;
    let head = String::from_utf8_lossy(&response[..response.len().min(16)]).into_owned();
    head.split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("not an HTTP response: {head:?}")))
}
