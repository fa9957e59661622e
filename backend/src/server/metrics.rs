//! Prometheus metrics (`GET /metrics`, text exposition format 0.0.4): requests per route and
//! status, a latency histogram per route, predictions made, training jobs by state.

use super::jobs::record::JobState;
use super::state::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Instant;

/// Upper bounds of the latency histogram buckets, seconds.
const BUCKETS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

#[derive(Default)]
pub struct Metrics {
    inner: Mutex<Counters>,
}

#[derive(Default)]
struct Counters {
    /// (method, route, status) → count.
    requests: BTreeMap<(String, String, u16), u64>,
    /// route → histogram.
    latency: BTreeMap<String, Histogram>,
    /// Structures predicted (single and batch), and those that failed.
    predictions: u64,
    prediction_errors: u64,
    /// Training jobs per state (as last counted in the store).
    jobs: BTreeMap<JobState, u64>,
}

#[derive(Default)]
struct Histogram {
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

impl Metrics {
    fn counters(&self) -> std::sync::MutexGuard<'_, Counters> {
        self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn record_request(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let mut c = self.counters();
        *c.requests.entry((method.to_string(), route.to_string(), status)).or_default() += 1;
        let h = c.latency.entry(route.to_string()).or_default();
        for (bucket, bound) in h.buckets.iter_mut().zip(BUCKETS) {
            if seconds <= bound {
                *bucket += 1;
            }
        }
        h.count += 1;
        h.sum += seconds;
    }

    pub fn record_prediction(&self, ok: bool) {
        let mut c = self.counters();
        if ok { c.predictions += 1 } else { c.prediction_errors += 1 }
    }

    /// Replaces the job counts (states absent from `counts` have none).
    pub fn set_jobs(&self, counts: &[(JobState, u64)]) {
        self.counters().jobs = counts.iter().copied().collect();
    }

    /// The text exposition.
    pub fn render(&self, models_loaded: usize) -> String {
        let c = self.counters();
        let mut out = String::new();
        out.push_str("# HELP matfuse_http_requests_total HTTP requests by method, route and status.\n");
        out.push_str("# TYPE matfuse_http_requests_total counter\n");
        for ((method, route, status), n) in &c.requests {
            let _ = writeln!(
                out,
                "matfuse_http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{status}\"}} {n}",
                escape(route)
            );
        }
        out.push_str("# HELP matfuse_http_request_duration_seconds Time to the response head.\n");
        out.push_str("# TYPE matfuse_http_request_duration_seconds histogram\n");
        for (route, h) in &c.latency {
            let route = escape(route);
            for (n, bound) in h.buckets.iter().zip(BUCKETS) {
                let _ = writeln!(
                    out,
                    "matfuse_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {n}"
                );
            }
            let _ = writeln!(
                out,
                "matfuse_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(out, "matfuse_http_request_duration_seconds_sum{{route=\"{route}\"}} {}", h.sum);
            let _ = writeln!(out, "matfuse_http_request_duration_seconds_count{{route=\"{route}\"}} {}", h.count);
        }
        out.push_str("# HELP matfuse_predictions_total Structures predicted, by outcome.\n");
        out.push_str("# TYPE matfuse_predictions_total counter\n");
        let _ = writeln!(out, "matfuse_predictions_total{{outcome=\"ok\"}} {}", c.predictions);
        let _ = writeln!(out, "matfuse_predictions_total{{outcome=\"error\"}} {}", c.prediction_errors);
        out.push_str("# HELP matfuse_models_loaded Installed models.\n# TYPE matfuse_models_loaded gauge\n");
        let _ = writeln!(out, "matfuse_models_loaded {models_loaded}");
        out.push_str("# HELP matfuse_jobs Training jobs by state.\n# TYPE matfuse_jobs gauge\n");
        for state in JobState::ALL {
            let n = c.jobs.get(&state).copied().unwrap_or(0);
            let _ = writeln!(out, "matfuse_jobs{{state=\"{}\"}} {n}", state.as_str());
        }
        out
    }
}

fn escape(label: &str) -> String {
    label.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

/// Middleware: counts every request under its route pattern (unmatched paths as `other`, so
/// user input never becomes a label).
pub async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = request.method().as_str().to_string();
    let route = request.extensions().get::<MatchedPath>().map_or("other", MatchedPath::as_str).to_string();
    let response = next.run(request).await;
    state.metrics.record_request(&method, &route, response.status().as_u16(), start.elapsed().as_secs_f64());
    response
}
