//! What `POST /api/v1/jobs` checks before a job exists: the training configuration (any file of
//! `configs/`, the same [`TrainConfig`] as `matfuse train --config`; its `[data]` file paths give
//! way to the upload) and the uploaded table.

use crate::table::read_table;
use crate::training::TrainConfig;
use models::nn::NetConfig;
use models::train::TrainOptions;
use std::path::Path;

/// A rejected submission: what is wrong, and the field or column at fault.
#[derive(Debug, Clone, PartialEq)]
pub struct Invalid {
    pub message: String,
    pub field: Option<String>,
}

impl Invalid {
    fn new(message: impl Into<String>) -> Invalid {
        Invalid { message: message.into(), field: None }
    }

    fn field(field: &str, message: impl Into<String>) -> Invalid {
        Invalid { message: format!("`{field}`: {}", message.into()), field: Some(field.to_string()) }
    }
}

/// A job's training configuration, checked.
#[derive(Clone, Debug)]
pub struct JobConfig {
    /// The configuration; its `[data]` caps (`max_train`, …) apply to the uploaded table. The
    /// model is registered as `<id>-<first 8 characters of the job id>`.
    pub config: TrainConfig,
    /// The `[data]` keys naming files (`data.mp2018`, …) that the job ignores.
    pub ignored: Vec<&'static str>,
}

/// Longest configuration `id`.
const MAX_NAME: usize = 40;
/// Largest width, layer count and epoch count a job may ask for.
const MAX_WIDTH: usize = 2048;
const MAX_LAYERS: usize = 16;
const MAX_EPOCHS: usize = 10_000;
const MAX_BATCH: usize = 4096;

impl JobConfig {
    /// Parses and checks a configuration; `frozen_encoder` says whether the server has the large
    /// text encoder a `frozen_text` model trains with.
    pub fn parse(text: &str, frozen_encoder: bool) -> Result<JobConfig, Invalid> {
        if let Ok(table) = toml::from_str::<toml::Table>(text)
            && table.get("kind").and_then(toml::Value::as_str) == Some("molecule")
        {
            return Err(Invalid::new(
                "training jobs take crystal configurations; train a molecule model (kind = \"molecule\") \
                 with `matfuse train --config configs/mol-<name>.toml`"
                    .to_string(),
            ));
        }
        let config: TrainConfig = toml::from_str(text).map_err(|e| {
            Invalid::new(format!("the configuration is not valid TOML of the configs/*.toml layout: {}", e.message()))
        })?;
        check_name(&config.id)?;
        check_net(&config.model, frozen_encoder)?;
        check_train(&config.train)?;
        config.data.registered_tasks().map_err(|e| Invalid::new(e.to_string()))?;
        let ignored = config.data.source_keys();
        Ok(JobConfig { config, ignored })
    }

    /// What the submission's answer says about the configuration: one line per ignored key.
    pub fn notes(&self) -> Vec<String> {
        self.ignored
            .iter()
            .map(|key| {
                let instead = match *key {
                    "data.mp2018" | "data.ehull" => "the job trains on the uploaded table",
                    "data.vocab" => "the job prunes the vocabulary of the server's text encoder",
                    "data.encoder" => "the job uses the server's large text encoder",
                    _ => "the job featurises into its own directory",
                };
                format!("`{key}` is ignored: {instead}")
            })
            .collect()
    }
}

fn check_name(id: &str) -> Result<(), Invalid> {
    let name_ok = id.len() <= MAX_NAME
        && id.bytes().next().is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if name_ok {
        return Ok(());
    }
    Err(Invalid::field(
        "id",
        format!("'{id}' must be 1 to {MAX_NAME} characters of a-z, 0-9, '-' and '_', starting with a letter or digit"),
    ))
}

fn check_net(net: &NetConfig, frozen_encoder: bool) -> Result<(), Invalid> {
    width("model.graph.hidden", net.graph.hidden)?;
    layers("model.graph.layers", net.graph.layers)?;
    width("model.fused", net.fused)?;
    divides("model.fused", net.fused, "model.heads", net.heads)?;
    match &net.frozen_text {
        None => {
            width("model.text.hidden", net.text.hidden)?;
            layers("model.text.layers", net.text.layers)?;
            divides("model.text.hidden", net.text.hidden, "model.text.heads", net.text.heads)?;
            if !(1..=512).contains(&net.text.max_tokens) {
                return Err(Invalid::field("model.text.max_tokens", "must be 1 to 512"));
            }
        }
        Some(frozen) => {
            if !frozen_encoder {
                return Err(Invalid::field(
                    "model.frozen_text",
                    "this server has no large text encoder installed to train a frozen-text model with",
                ));
            }
            width("model.frozen_text.hidden", frozen.hidden)?;
            divides("model.frozen_text.hidden", frozen.hidden, "model.frozen_text.heads", frozen.heads)?;
            if !(1..=510).contains(&frozen.max_tokens) || !(1..=8).contains(&frozen.max_chunks) {
                return Err(Invalid::field("model.frozen_text", "max_tokens must be 1 to 510 and max_chunks 1 to 8"));
            }
        }
    }
    Ok(())
}

fn check_train(t: &TrainOptions) -> Result<(), Invalid> {
    if !(1..=MAX_EPOCHS).contains(&t.epochs) {
        return Err(Invalid::field("train.epochs", format!("must be 1 to {MAX_EPOCHS}")));
    }
    if !(1..=MAX_BATCH).contains(&t.batch_size) {
        return Err(Invalid::field("train.batch_size", format!("must be 1 to {MAX_BATCH}")));
    }
    if t.patience == 0 {
        return Err(Invalid::field("train.patience", "must be at least 1"));
    }
    let finite = |name: &str, value: f64, ok: bool| -> Result<(), Invalid> {
        if value.is_finite() && ok { Ok(()) } else { Err(Invalid::field(name, format!("{value} is out of range"))) }
    };
    finite("train.lr", t.lr, t.lr > 0.0 && t.lr <= 1.0)?;
    finite("train.weight_decay", t.weight_decay, t.weight_decay >= 0.0)?;
    finite("train.warmup_epochs", t.warmup_epochs, t.warmup_epochs >= 0.0)?;
    finite("train.evidential_lambda", t.evidential_lambda, t.evidential_lambda >= 0.0)?;
    finite("train.l1_weight", t.l1_weight, t.l1_weight >= 0.0)?;
    finite("train.uncertainty_weight", t.uncertainty_weight, t.uncertainty_weight >= 0.0)?;
    finite("train.modality_dropout", t.modality_dropout, (0.0..=0.5).contains(&t.modality_dropout))?;
    finite("train.ema_decay", t.ema_decay, (0.0..1.0).contains(&t.ema_decay))?;
    finite("train.grad_clip", f64::from(t.grad_clip), t.grad_clip > 0.0)
}

fn width(field: &str, value: usize) -> Result<(), Invalid> {
    if (1..=MAX_WIDTH).contains(&value) {
        Ok(())
    } else {
        Err(Invalid::field(field, format!("must be 1 to {MAX_WIDTH}")))
    }
}

fn layers(field: &str, value: usize) -> Result<(), Invalid> {
    if (1..=MAX_LAYERS).contains(&value) {
        Ok(())
    } else {
        Err(Invalid::field(field, format!("must be 1 to {MAX_LAYERS}")))
    }
}

/// Attention splits a width over its heads: `heads` must divide `width`.
fn divides(width_field: &str, width: usize, heads_field: &str, heads: usize) -> Result<(), Invalid> {
    if heads >= 1 && width.is_multiple_of(heads) {
        Ok(())
    } else {
        Err(Invalid::field(heads_field, format!("{heads} heads must divide `{width_field}` = {width}")))
    }
}

/// Checks an uploaded table (CSV or CSV.gz, the `../shared/data/mp2018` layout): a structure
/// column, a `split` column with train and val rows, a label column, numeric labels.
pub fn check_dataset(path: &Path) -> Result<DatasetCounts, Invalid> {
    let rows = read_table(path).map_err(|e| match e {
        // The table reader's messages name the file: say "the data file" instead of a server path.
        crate::error::Error::Table { message, .. } => Invalid::new(format!("the data file: {message}")),
        other => Invalid::new(format!("the data file cannot be read: {}", other_message(&other))),
    })?;
    if rows.is_empty() {
        return Err(Invalid::new("the data file has no rows"));
    }
    let mut counts = DatasetCounts { rows: rows.len(), ..DatasetCounts::default() };
    for row in &rows {
        match row.split.as_deref() {
            Some("train") => counts.train += 1,
            Some("val") => counts.val += 1,
            Some("test") => counts.test += 1,
            Some(other) => {
                return Err(Invalid::new(format!(
                    "the data file: row {}: `split` is '{other}' (train, val or test)",
                    row.row + 2
                )));
            }
            None => {
                return Err(Invalid::new(format!(
                    "the data file: row {} has no `split` (a column with train, val or test is required)",
                    row.row + 2
                )));
            }
        }
    }
    if counts.train == 0 || counts.val == 0 {
        return Err(Invalid::new(format!(
            "the data file needs rows in both the train and val splits ({} train, {} val)",
            counts.train, counts.val
        )));
    }
    let labelled = rows.iter().any(|r| r.split.as_deref() == Some("train") && r.labels.iter().any(Option::is_some));
    if !labelled {
        let names: Vec<&str> = shared::task::TASKS.iter().map(|task| task.column).collect();
        return Err(Invalid::new(format!(
            "the data file has no labelled train rows (label columns: {})",
            names.join(", ")
        )));
    }
    Ok(counts)
}

/// Rows per split of a checked table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DatasetCounts {
    pub rows: usize,
    pub train: usize,
    pub val: usize,
    pub test: usize,
}

/// An I/O error's message without the server path it names.
fn other_message(e: &crate::error::Error) -> String {
    match e {
        crate::error::Error::Read { source, .. } | crate::error::Error::Write { source, .. } => source.to_string(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NET: &str = "[model]\nfusion = \"cross\"\nfused = 16\nheads = 2\ngraph = { hidden = 16, layers = 1 }\ntext = { vocab_size = 0, hidden = 16, layers = 1, heads = 2, max_tokens = 32 }\n";

    #[test]
    fn configs_parse_and_bad_ones_name_the_field() {
        let ok = JobConfig::parse(&format!("id = \"tiny\"\n{NET}[train]\nepochs = 2\n"), false).unwrap();
        assert_eq!(ok.config.train.epochs, 2);
        assert!(ok.ignored.is_empty());
        let bad = |text: &str| JobConfig::parse(text, false).unwrap_err();
        assert_eq!(bad(&format!("id = \"../x\"\n{NET}")).field.as_deref(), Some("id"));
        assert_eq!(
            bad(&format!("id = \"x\"\n{}", NET.replace("heads = 2\ngraph", "heads = 3\ngraph"))).field.as_deref(),
            Some("model.heads")
        );
        assert_eq!(bad(&format!("id = \"x\"\n{NET}[train]\nepochs = 0\n")).field.as_deref(), Some("train.epochs"));
        let paths = JobConfig::parse(&format!("id = \"x\"\n{NET}[data]\nmp2018 = \"/etc\"\nmax_train = 9\n"), false);
        let paths = paths.unwrap();
        assert_eq!((paths.ignored.as_slice(), paths.config.data.max_train), (&["data.mp2018"][..], Some(9)));
        assert!(paths.notes()[0].contains("uploaded table"), "{:?}", paths.notes());
        assert!(bad(&format!("id = \"x\"\n{NET}[data]\nmp2019 = \"/etc\"\n")).message.contains("unknown field"));
        assert!(bad("id = ").message.contains("TOML"));
        let frozen = format!(
            "id = \"x\"\n{NET}frozen_text = {{ encoder_hidden = 0, hidden = 128, heads = 4, max_tokens = 126, max_chunks = 1 }}\n"
        );
        assert_eq!(bad(&frozen).field.as_deref(), Some("model.frozen_text"));
    }
}
