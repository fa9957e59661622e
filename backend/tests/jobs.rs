//! Training jobs over the HTTP API, in-process: the operator token, up-front validation, a job
//! trained to the end (events, registered model, predictions), cancelling, queueing and a
//! restart that resumes an interrupted job from its checkpoint. Each trains a tiny network on
//! the first rows of `../shared/data/mp2018` for a few epochs.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use backend::server::jobs::auth::AdminToken;
use backend::server::{AppState, Limits, ServerState};
use common::training::{config, multipart, table, vocab_installed};
use common::{Reply, get as get_anonymous, send, temp_dir};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::time::Duration;

const TOKEN: &str = "test-operator-token";

/// A server state with jobs (token, `max_jobs`) over `data_dir`.
fn server(data_dir: &Path, token: Option<&str>, max_jobs: usize) -> AppState {
    let mut config = common::config(data_dir.to_path_buf(), Limits::default());
    config.admin_token = token.and_then(AdminToken::new);
    config.max_jobs = max_jobs;
    ServerState::new(&config).unwrap()
}

async fn call(state: &AppState, method: &str, uri: &str, token: Option<&str>, body: Option<Vec<u8>>) -> Reply {
    let mut request = Request::builder().method(method).uri(uri);
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let body = match body {
        Some(bytes) => {
            request = request.header(header::CONTENT_TYPE, common::form::content_type());
            Body::from(bytes)
        }
        None => Body::empty(),
    };
    send(state, request.body(body).unwrap()).await
}

async fn submit(state: &AppState, config: &str, data: &[u8]) -> Reply {
    call(state, "POST", "/api/v1/jobs", Some(TOKEN), Some(multipart(&[("config", config.as_bytes()), ("data", data)])))
        .await
}

async fn submit_ok(state: &AppState, config: &str, data: &[u8]) -> String {
    let reply = submit(state, config, data).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.excerpt());
    reply.json()["id"].as_str().unwrap().to_string()
}

async fn job(state: &AppState, id: &str) -> Value {
    let reply = call(state, "GET", &format!("/api/v1/jobs/{id}"), Some(TOKEN), None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.excerpt());
    reply.json()
}

/// Polls the job until `done` holds (two minutes at most).
async fn wait_for(state: &AppState, id: &str, what: &str, done: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..2400 {
        let job = job(state, id).await;
        if done(&job) {
            return job;
        }
        assert!(job["state"] != "failed", "job failed while waiting for {what}: {job}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting for {what}: {}", job(state, id).await);
}

fn epoch(job: &Value) -> u64 {
    job["progress"]["epoch"].as_u64().unwrap()
}

/// `(event name, data)` of a server-sent event stream (keep-alive comments skipped).
fn sse_events(text: &str) -> Vec<(String, Value)> {
    text.split("\n\n")
        .filter_map(|block| {
            let field = |name: &str| block.lines().find_map(|l| l.strip_prefix(name)).map(str::trim);
            Some((field("event:")?.to_string(), serde_json::from_str(field("data:")?).unwrap()))
        })
        .collect()
}

async fn events(state: &AppState, id: &str) -> Vec<(String, Value)> {
    let reply = call(state, "GET", &format!("/api/v1/jobs/{id}/events"), Some(TOKEN), None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.excerpt());
    assert_eq!(reply.headers[header::CONTENT_TYPE], "text/event-stream");
    sse_events(&reply.text())
}

#[tokio::test]
async fn jobs_are_disabled_without_a_token() {
    let state = server(&temp_dir("jobs-off"), None, 1);
    for (method, uri) in [("GET", "/api/v1/jobs"), ("POST", "/api/v1/jobs"), ("DELETE", "/api/v1/jobs/x")] {
        let reply = call(&state, method, uri, Some(TOKEN), None).await;
        reply.error(StatusCode::FORBIDDEN, "jobs_disabled");
    }
}

#[tokio::test]
async fn a_wrong_or_missing_token_is_refused() {
    let state = server(&temp_dir("jobs-auth"), Some(TOKEN), 1);
    let missing = get_anonymous(&state, "/api/v1/jobs").await;
    missing.error(StatusCode::UNAUTHORIZED, "unauthorized");
    assert_eq!(missing.headers[header::WWW_AUTHENTICATE], "Bearer");
    for token in ["wrong", "test-operator-toke", "test-operator-token2"] {
        call(&state, "GET", "/api/v1/jobs", Some(token), None).await.error(StatusCode::UNAUTHORIZED, "unauthorized");
    }
    let ok = call(&state, "GET", "/api/v1/jobs", Some(TOKEN), None).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.excerpt());
    assert_eq!(ok.json(), json!({ "jobs": [] }));
    let unknown = call(&state, "GET", "/api/v1/jobs/nosuchjob", Some(TOKEN), None).await;
    unknown.error(StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn bad_configs_and_tables_are_refused_up_front() {
    if !vocab_installed() {
        return;
    }
    let data_dir = temp_dir("jobs-invalid");
    let state = server(&data_dir, Some(TOKEN), 1);
    let table = b"material_id,formation_energy_per_atom,split\nmp-1,0.1,train\nmp-2,0.2,val\n";

    let broken = submit(&state, "id = ", table).await.error(StatusCode::BAD_REQUEST, "invalid_config");
    assert!(broken["message"].as_str().unwrap().contains("TOML"), "{broken}");
    let heads = config(1).replace("heads = 2\ngraph", "heads = 3\ngraph");
    let heads = submit(&state, &heads, table).await.error(StatusCode::BAD_REQUEST, "invalid_config");
    assert_eq!(heads["detail"]["field"], "model.heads", "{heads}");
    // `[data]` paths give way to the upload: the configuration passes, the table is checked.
    let paths = format!("{}[data]\nmp2018 = \"/etc/passwd\"\n", config(1));
    let paths = submit(&state, &paths, table).await.error(StatusCode::BAD_REQUEST, "invalid_dataset");
    assert!(paths["message"].as_str().unwrap().contains("`cif`"), "{paths}");
    let typo = format!("{}[data]\nmp2019 = \"x.csv\"\n", config(1));
    let typo = submit(&state, &typo, table).await.error(StatusCode::BAD_REQUEST, "invalid_config");
    assert!(typo["message"].as_str().unwrap().contains("unknown field `mp2019`"), "{typo}");

    let no_cif = submit(&state, &config(1), table).await.error(StatusCode::BAD_REQUEST, "invalid_dataset");
    assert!(no_cif["message"].as_str().unwrap().contains("`cif`"), "{no_cif}");
    let no_val = "material_id,cif,band_gap,split\nmp-1,data_x,1.0,train\n";
    let no_val = submit(&state, &config(1), no_val.as_bytes()).await.error(StatusCode::BAD_REQUEST, "invalid_dataset");
    assert!(no_val["message"].as_str().unwrap().contains("val"), "{no_val}");

    let only_config = multipart(&[("config", config(1).as_bytes())]);
    let reply = call(&state, "POST", "/api/v1/jobs", Some(TOKEN), Some(only_config)).await;
    let missing = reply.error(StatusCode::BAD_REQUEST, "invalid_request");
    assert!(missing["message"].as_str().unwrap().contains("`data`"), "{missing}");

    // Nothing was kept: no job, no workspace.
    assert_eq!(call(&state, "GET", "/api/v1/jobs", Some(TOKEN), None).await.json(), json!({ "jobs": [] }));
    let workspaces = std::fs::read_dir(data_dir.join("jobs")).map_or(0, Iterator::count);
    assert_eq!(workspaces, 0);
}

#[tokio::test]
async fn a_job_trains_streams_its_epochs_and_installs_its_model() {
    let Some(table) = table("training job", 36, true) else { return };
    let state = server(&temp_dir("jobs-train"), Some(TOKEN), 1);
    let id = submit_ok(&state, &config(2), &table).await;

    let events = events(&state, &id).await;
    // Progress events are sent live only (how many depends on when the stream was opened).
    let events: Vec<(String, Value)> = events.into_iter().filter(|(name, _)| name != "progress").collect();
    let names: Vec<String> = events
        .iter()
        .map(|(name, data)| match name.as_str() {
            "stage" => {
                format!("{} {} at {}", data["stage"].as_str().unwrap(), data["status"].as_str().unwrap(), data["epoch"])
            }
            _ => name.clone(),
        })
        .collect();
    assert_eq!(
        names,
        [
            "prepare started at 0",
            "prepare finished at 0",
            "fit started at 0",
            "epoch",
            "epoch",
            "fit finished at 2",
            "evaluate started at 2",
            "evaluate finished at 2",
            "write_bundle started at 2",
            "write_bundle finished at 2",
            "end"
        ],
        "{events:?}"
    );
    assert!(
        events
            .iter()
            .filter(|(name, _)| name == "stage")
            .all(|(_, s)| s["status"] == "started" || s["seconds"].as_f64().unwrap() >= 0.0)
    );
    let events: Vec<(String, Value)> = events.into_iter().filter(|(name, _)| name != "stage").collect();
    for (k, (_, epoch)) in events[..2].iter().enumerate() {
        assert_eq!(epoch["epoch"], k as u64 + 1);
        assert_eq!(epoch["epochs"], 2);
        assert!(epoch["train_loss"].as_f64().unwrap().is_finite());
        assert!(epoch["val_mae"]["formation_energy_per_atom"].as_f64().unwrap() > 0.0, "{epoch}");
        assert!(epoch["eta_seconds"].as_f64().unwrap() >= 0.0);
    }
    let end = &events[2].1;
    assert_eq!(end["state"], "finished", "{end}");
    let model = end["model"].as_str().unwrap().to_string();
    assert_eq!(model, format!("tiny-{}", &id[..8]));

    let job = job(&state, &id).await;
    assert_eq!(job["state"], "finished");
    assert_eq!(job["model"], model.as_str());
    assert_eq!(job["history"].as_array().unwrap().len(), 2);
    assert_eq!(job["dataset"]["sha256"].as_str().unwrap().len(), 64);
    insta::assert_json_snapshot!("finished_job", job, {
        ".id" => "[id]",
        ".model" => "[model]",
        ".created_at" => "[time]",
        ".updated_at" => "[time]",
        ".last_epoch" => "[epoch]",
        ".history" => "[history]",
        ".dataset.sha256" => "[sha256]",
    });

    let models = get_anonymous(&state, "/api/v1/models").await.json();
    assert!(models["models"].as_array().unwrap().iter().any(|m| m["id"] == model.as_str()), "{models}");
    let body = json!({ "structure": common::structure("rock-salt"), "model": model });
    let reply = common::post_json(&state, "/api/v1/predict", &body).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.excerpt());
    assert_eq!(reply.json()["model"]["id"], model.as_str());
    assert!(reply.json()["predictions"].is_array() || reply.json()["predictions"].is_object());

    let metrics = get_anonymous(&state, "/metrics").await.text();
    assert!(metrics.contains("matfuse_jobs{state=\"finished\"} 1"), "{metrics}");
    // A finished job cannot be cancelled.
    let again = call(&state, "DELETE", &format!("/api/v1/jobs/{id}"), Some(TOKEN), None).await;
    again.error(StatusCode::CONFLICT, "job_ended");
}

/// Every shipped `configs/*.toml` is accepted as it is (the README's own example): its `[data]`
/// paths give way to the upload and the answer names each one it ignores. The jobs only queue:
/// the server is stopping, so none of them trains.
#[tokio::test]
async fn every_shipped_config_is_accepted_and_its_data_paths_are_named() {
    let Some(table) = table("shipped configs as jobs", 36, false) else { return };
    let state = server(&temp_dir("jobs-configs"), Some(TOKEN), 1);
    state.jobs.shutdown().await;
    let dir = common::workspace().join("configs");
    let mut configs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "toml"))
        .collect();
    configs.sort();
    assert!(configs.len() >= 4, "{configs:?}");
    for path in &configs {
        let text = std::fs::read_to_string(path).unwrap();
        let reply = submit(&state, &text, &table).await;
        // Molecule configurations are refused with a message saying how to train them.
        if text.lines().any(|line| line.trim() == "kind = \"molecule\"") {
            assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}: {}", path.display(), reply.excerpt());
            assert!(reply.excerpt().contains("matfuse train --config configs/mol-"), "{}", reply.excerpt());
            continue;
        }
        assert_eq!(reply.status, StatusCode::CREATED, "{}: {}", path.display(), reply.excerpt());
        let job = reply.json();
        assert_eq!(job["state"], "queued", "{}: {job}", path.display());
        let notes: Vec<&str> = job["notes"].as_array().unwrap().iter().map(|n| n.as_str().unwrap()).collect();
        let config: toml::Table = toml::from_str(&text).unwrap();
        for key in config["data"].as_table().unwrap().keys() {
            let named = notes.iter().any(|n| n.starts_with(&format!("`data.{key}` is ignored")));
            let file = ["mp2018", "ehull", "vocab", "encoder", "cache"].contains(&key.as_str());
            assert_eq!(named, file, "{}: data.{key} in {notes:?}", path.display());
        }
        let id = job["id"].as_str().unwrap();
        let cancelled = call(&state, "DELETE", &format!("/api/v1/jobs/{id}"), Some(TOKEN), None).await;
        assert_eq!(cancelled.json()["state"], "cancelled", "{}", cancelled.excerpt());
    }
}

#[tokio::test]
async fn cancel_stops_a_running_job() {
    let Some(table) = table("job cancel", 36, false) else { return };
    let state = server(&temp_dir("jobs-cancel"), Some(TOKEN), 1);
    let id = submit_ok(&state, &config(500), &table).await;
    wait_for(&state, &id, "the first epoch", |j| epoch(j) >= 1).await;

    let reply = call(&state, "DELETE", &format!("/api/v1/jobs/{id}"), Some(TOKEN), None).await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.excerpt());
    assert_eq!(reply.json()["cancel_requested"], true);
    let job = wait_for(&state, &id, "the cancel", |j| j["state"] == "cancelled").await;
    assert!(epoch(&job) < 500 && job["model"].is_null(), "{job}");
    let events = events(&state, &id).await;
    let (name, end) = events.last().unwrap();
    assert_eq!((name.as_str(), &end["state"]), ("end", &json!("cancelled")));
}

#[tokio::test]
async fn a_second_job_queues_while_one_runs() {
    let Some(table) = table("job queue", 36, false) else { return };
    let state = server(&temp_dir("jobs-queue"), Some(TOKEN), 1);
    let first = submit_ok(&state, &config(500), &table).await;
    let second = submit_ok(&state, &config(500), &table).await;
    wait_for(&state, &first, "the first job to run", |j| j["state"] == "running").await;
    assert_eq!(job(&state, &second).await["state"], "queued");

    let list = call(&state, "GET", "/api/v1/jobs", Some(TOKEN), None).await.json();
    let states: Vec<(&str, &str)> = list["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| (j["id"].as_str().unwrap(), j["state"].as_str().unwrap()))
        .collect();
    assert_eq!(states, [(first.as_str(), "running"), (second.as_str(), "queued")]);
    assert!(list["jobs"][0]["progress"]["epochs"] == 500 && list["jobs"][0].get("history").is_none());

    // A queued job is cancelled at once; the running one at its next epoch.
    let reply = call(&state, "DELETE", &format!("/api/v1/jobs/{second}"), Some(TOKEN), None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.excerpt());
    assert_eq!(reply.json()["state"], "cancelled");
    let reply = call(&state, "DELETE", &format!("/api/v1/jobs/{first}"), Some(TOKEN), None).await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.excerpt());
    wait_for(&state, &first, "the cancel", |j| j["state"] == "cancelled").await;
    assert_eq!(job(&state, &second).await["progress"]["epoch"], 0, "the queued job never ran");
}

#[tokio::test]
async fn a_restarted_server_resumes_an_interrupted_job() {
    let Some(table) = table("job resume", 36, false) else { return };
    let data_dir = temp_dir("jobs-resume");
    let before = server(&data_dir, Some(TOKEN), 1);
    let id = submit_ok(&before, &config(500), &table).await;
    wait_for(&before, &id, "the first epoch", |j| epoch(j) >= 1).await;
    // The server stops: the training ends at its next checkpoint and the job stays `running`.
    before.jobs.shutdown().await;
    let stopped = job(&before, &id).await;
    assert_eq!(stopped["state"], "running", "{stopped}");
    let checkpoint = epoch(&stopped);
    assert!(run_state(&data_dir, &id).is_file());
    drop(before);

    let after = server(&data_dir, Some(TOKEN), 1);
    assert_eq!(after.jobs.resume().unwrap(), 1);
    let resumed = wait_for(&after, &id, "an epoch after the restart", |j| epoch(j) > checkpoint).await;
    let epochs: Vec<u64> =
        resumed["history"].as_array().unwrap().iter().map(|e| e["epoch"].as_u64().unwrap()).collect();
    let expected: Vec<u64> = (1..=epochs.len() as u64).collect();
    assert_eq!(epochs, expected, "the resumed run continues from epoch {checkpoint}, repeating none");

    // Stop the 500-epoch run. (Under load this once answered 409 `job_ended (cancelled)`: the
    // training had stopped at an epoch boundary between the cancel request and the state check.
    // The request is now made under the record's lock.)
    let reply = call(&after, "DELETE", &format!("/api/v1/jobs/{id}"), Some(TOKEN), None).await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.excerpt());
    wait_for(&after, &id, "the cancel", |j| j["state"] == "cancelled").await;
}

fn run_state(data_dir: &Path, id: &str) -> PathBuf {
    data_dir.join("jobs").join(id).join("run/checkpoint/state.json")
}
