//! The one error type of the `matfuse` binary and its library: each variant names the file,
//! flag or configuration key it is about, so the message alone says what to fix.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Structure(#[from] shared::Error),

    #[error("{0}")]
    Model(#[from] models::Error),

    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },

    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },

    /// A file the command or the server needs is not there; `needed_for` says what it is and
    /// how to get it.
    #[error("{path} is missing: {needed_for}")]
    MissingFile { path: PathBuf, needed_for: String },

    /// A table (CSV) that cannot be read or lacks what the command needs.
    #[error("{path}: {message}")]
    Table { path: PathBuf, message: String },

    /// A configuration file that is not TOML of the `configs/*.toml` layout (`overrides`: the
    /// ` with --set …` assignments applied to it, or empty).
    #[error("{path}{overrides}: {source}")]
    ConfigFile { path: PathBuf, overrides: String, source: toml::de::Error },

    /// A configuration value that is missing or not valid; `key` is written as for `--set`
    /// (`data.tasks`), `message` continues the sentence ("is empty: …").
    #[error("the configuration's `{key}` {message}")]
    Config { key: &'static str, message: String },

    /// A `--set KEY=VALUE` assignment that cannot be applied.
    #[error("--set {assignment}: {message}")]
    Override { assignment: String, message: String },

    /// Command-line arguments that parse but do not fit together or name nothing usable (the
    /// message names the flag).
    #[error("{0}")]
    CommandLine(String),

    /// A TLS certificate or key file that cannot be read (`what`: `certificate`, `private key`).
    #[error("cannot read the TLS {what} {path}: {source}")]
    TlsRead { what: &'static str, path: PathBuf, source: std::io::Error },

    /// A TLS file without the PEM block it should hold.
    #[error("the TLS {what} {path} holds no PEM '{label}' block (expected '-----BEGIN ...{label}-----')")]
    TlsPem { what: &'static str, path: PathBuf, label: &'static str },

    /// A certificate and key that rustls refuses as a pair.
    #[error("the TLS certificate {cert} and key {key} cannot be used together: {source}")]
    TlsPair { cert: PathBuf, key: PathBuf, source: std::io::Error },

    /// A screen's merge that lacks shard results (`missing`: their indices, comma-separated).
    #[error(
        "{dir} lacks the results of shards {missing} of 0..{count}; run them (a rerun redoes only unfinished shards)"
    )]
    MissingShards { dir: PathBuf, count: usize, missing: String },

    /// A property the model does not predict (`known`: its tasks, comma-separated).
    #[error("model '{model}' does not predict '{property}'; it predicts {known}")]
    UnknownProperty { property: String, model: String, known: String },

    #[error("server: {0}")]
    Serve(std::io::Error),

    #[error("database {path}: {message}")]
    Storage { path: PathBuf, message: String },

    /// The operating system gave no random bytes (share and job ids).
    #[error("no random numbers from the operating system: {0}")]
    Random(getrandom::Error),

    #[error("cannot start the worker threads: {0}")]
    ThreadPool(#[from] rayon::ThreadPoolBuildError),

    /// A training run that stopped (checkpointed) before its schedule or early stopping ended it.
    #[error("the training in {run_dir} stopped before it finished")]
    Unfinished { run_dir: PathBuf },

    /// A figure (`matfuse curves`) that could not be drawn.
    #[error("cannot draw the figure: {0}")]
    Plot(String),

    /// `matfuse bench api`: requests that did not answer 200.
    #[error("{failed} of {requests} benchmark requests failed, e.g. {example}")]
    BenchmarkFailed { failed: usize, requests: usize, example: String },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_file_key_or_assignment() {
        let missing = std::fs::read("/nonexistent/config.toml").unwrap_err();
        let read = Error::Read { path: "/nonexistent/config.toml".into(), source: missing };
        assert!(read.to_string().starts_with("cannot read /nonexistent/config.toml: "), "{read}");

        let source = toml::from_str::<toml::Table>("id = ").unwrap_err();
        let config = Error::ConfigFile { path: "configs/x.toml".into(), overrides: " with --set a=1".into(), source };
        let text = config.to_string();
        assert!(text.starts_with("configs/x.toml with --set a=1: "), "{text}");
        assert!(text.contains("line 1"), "{text}");

        let key = Error::Config { key: "data.tasks", message: "names an unknown task 'colour'".into() };
        assert_eq!(key.to_string(), "the configuration's `data.tasks` names an unknown task 'colour'");

        let set = Error::Override { assignment: "train.epochs".into(), message: "expected KEY=VALUE".into() };
        assert_eq!(set.to_string(), "--set train.epochs: expected KEY=VALUE");

        let file = Error::MissingFile { path: "static/index.html".into(), needed_for: "the web app".into() };
        assert_eq!(file.to_string(), "static/index.html is missing: the web app");
    }
}
