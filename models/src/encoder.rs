//! The large text encoder as a service: a BERT directory on disk (config, tokenizer, weights)
//! turned into token states for descriptions, chunked to what the encoder was trained on.
//!
//! Descriptions are longer than MiniLM's 128-token training length, so a text is cut into
//! chunks of at most [`CHUNK_TOKENS`] (with `[CLS]`/`[SEP]`) at sentence ends, the first
//! sentences (formula, structure type, space group: the most informative) first, and at most
//! `max_chunks` chunks are encoded. The fusion network reads the content tokens' states.

use crate::bundle::EncoderRef;
use crate::error::{Error, Result};
use crate::nn::bert::{Bert, BertConfig};
use burn::prelude::*;
use hashlink::LruCache;
#[cfg(not(target_family = "wasm"))]
use std::path::Path;
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard, PoisonError};
use tokenizers::Tokenizer;

/// Longest chunk the encoder reads, special tokens included.
pub const CHUNK_TOKENS: usize = 128;
/// Where `scripts/fetch-encoder.sh` installs the default encoder (relative to the repository).
pub const DEFAULT_ENCODER_DIR: &str = ".matfuse/encoders/all-MiniLM-L6-v2";
/// The default encoder's safetensors sha256 (PLATFORM.md; verified by fetch-encoder.sh).
pub const DEFAULT_ENCODER_SHA256: &str = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db";

/// Texts [`LargeEncoder::encode_memo`] remembers: a class opening one share link, or the
/// page asking `/embed` after `/predict`, sends the same description again and again. At most
/// a few MB for one-chunk texts (126 tokens × 384 floats each).
pub const MEMO_TEXTS: usize = 32;

/// One chunk: `[CLS] content… [SEP]` ids and the content tokens' byte spans in the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chunk {
    pub ids: Vec<u32>,
    pub spans: Vec<(usize, usize)>,
}

/// A text's encoding: content tokens (chunks concatenated, specials dropped) and their states.
#[derive(Clone, Debug)]
pub struct TokenStates {
    pub ids: Vec<u32>,
    pub spans: Vec<(usize, usize)>,
    /// Row-major `[ids.len(), hidden]`.
    pub states: Vec<f32>,
    /// Chunks the text was encoded in.
    pub chunks: usize,
    /// Mean over every chunk position incl. `[CLS]`/`[SEP]`, averaged over chunks weighted by
    /// length: sentence-transformers' mean pooling for a one-chunk text.
    pub pooled: Vec<f32>,
}

pub struct LargeEncoder {
    reference: EncoderRef,
    config: BertConfig,
    bert: Bert,
    tokenizer: Tokenizer,
    cls: u32,
    sep: u32,
    pad: u32,
    device: Device,
    /// Recent `(max_chunks, text)` → encoding, least recently used evicted first.
    memo: Mutex<LruCache<(usize, String), TokenStates>>,
}

impl std::fmt::Debug for LargeEncoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LargeEncoder({})", self.reference)
    }
}

/// A sentence's token ids and their byte spans in the text.
type TokenRun = (Vec<u32>, Vec<(usize, usize)>);

impl LargeEncoder {
    /// Loads a Hugging Face BERT directory: `config.json`, `model.safetensors` and
    /// `tokenizer.json` (or `vocab.txt`, lower-casing). The encoder's name is the directory's.
    #[cfg(not(target_family = "wasm"))]
    pub fn load(dir: &Path, device: &Device) -> Result<LargeEncoder> {
        let file = |name: &str| -> PathBuf { dir.join(name) };
        if !dir.is_dir() {
            return Err(Error::Config(format!(
                "text encoder directory {} does not exist (run scripts/fetch-encoder.sh for the default one)",
                dir.display()
            )));
        }
        let config = BertConfig::from_file(&file("config.json"))?;
        let weights_path = file("model.safetensors");
        let weights =
            std::fs::read(&weights_path).map_err(|source| Error::Read { path: weights_path.clone(), source })?;
        let sha256 = crate::bundle::sha256_hex(&weights);
        drop(weights);
        let bert = Bert::load(&config, &weights_path, device)?;
        let tokenizer = load_tokenizer(dir)?;
        let id = |token: &str| {
            tokenizer
                .token_to_id(token)
                .ok_or_else(|| Error::Vocabulary(format!("{}: the tokenizer has no {token} token", dir.display())))
        };
        let (cls, sep, pad) = (id("[CLS]")?, id("[SEP]")?, id("[PAD]")?);
        let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "bert".into());
        Ok(LargeEncoder {
            reference: EncoderRef { name, hidden_size: config.hidden_size, sha256 },
            config,
            bert,
            tokenizer,
            cls,
            sep,
            pad,
            device: device.clone(),
            memo: Mutex::new(LruCache::new(MEMO_TEXTS)),
        })
    }

    /// Name, hidden size and weights hash: what a bundle pins.
    pub fn reference(&self) -> &EncoderRef {
        &self.reference
    }

    pub fn config(&self) -> &BertConfig {
        &self.config
    }

    pub fn hidden(&self) -> usize {
        self.config.hidden_size
    }

    /// Refuses an encoder other than the one a model was trained with.
    pub fn check(&self, model: &str, expected: &EncoderRef) -> Result<()> {
        crate::bundle::require_encoder(model, expected, &self.reference)
    }

    /// Cuts `text` into at most `max_chunks` chunks of ≤ [`CHUNK_TOKENS`] tokens at sentence
    /// ends (a sentence longer than a chunk is split where the chunk is full).
    pub fn chunks(&self, text: &str, max_chunks: usize) -> Result<Vec<Chunk>> {
        let encoding = self.tokenizer.encode(text, false).map_err(|e| Error::Vocabulary(e.to_string()))?;
        let room = CHUNK_TOKENS.min(self.bert.max_positions()) - 2;
        let mut sentences: Vec<TokenRun> = vec![(vec![], vec![])];
        for (&id, &span) in encoding.get_ids().iter().zip(encoding.get_offsets()) {
            let current = sentences.last_mut().expect("never empty");
            current.0.push(id);
            current.1.push(span);
            if &text[span.0..span.1] == "." {
                sentences.push((vec![], vec![]));
            }
        }
        let mut chunks: Vec<Chunk> = vec![];
        let mut open = Chunk { ids: vec![], spans: vec![] };
        for (ids, spans) in sentences.into_iter().filter(|(ids, _)| !ids.is_empty()) {
            if !open.ids.is_empty() && open.ids.len() + ids.len() > room {
                chunks.push(std::mem::replace(&mut open, Chunk { ids: vec![], spans: vec![] }));
            }
            for (id, span) in ids.into_iter().zip(spans) {
                if open.ids.len() == room {
                    chunks.push(std::mem::replace(&mut open, Chunk { ids: vec![], spans: vec![] }));
                }
                open.ids.push(id);
                open.spans.push(span);
            }
        }
        if !open.ids.is_empty() {
            chunks.push(open);
        }
        chunks.truncate(max_chunks);
        for chunk in &mut chunks {
            chunk.ids.insert(0, self.cls);
            chunk.ids.push(self.sep);
        }
        Ok(chunks)
    }

    /// Token states of one text, encoded alone, or the memo's copy when it was encoded lately
    /// (the same numbers: both are that text encoded alone).
    pub fn encode_memo(&self, text: &str, max_chunks: usize) -> Result<TokenStates> {
        let key = (max_chunks, text.to_owned());
        if let Some(hit) = self.memo().get(&key) {
            return Ok(hit.clone());
        }
        let encoded = self.encode(&[text], max_chunks)?.remove(0);
        self.memo().insert(key, encoded.clone());
        Ok(encoded)
    }

    /// How many texts the memo holds now.
    pub fn memo_len(&self) -> usize {
        self.memo().len()
    }

    fn memo(&self) -> MutexGuard<'_, LruCache<(usize, String), TokenStates>> {
        // A panic elsewhere while holding the lock leaves a consistent map: keep using it.
        self.memo.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Token states of many texts (each at most `max_chunks` chunks), all chunks in one batch.
    pub fn encode(&self, texts: &[&str], max_chunks: usize) -> Result<Vec<TokenStates>> {
        let per_text: Vec<Vec<Chunk>> = texts.iter().map(|t| self.chunks(t, max_chunks)).collect::<Result<_>>()?;
        let all: Vec<&Chunk> = per_text.iter().flatten().collect();
        let hidden = self.hidden();
        let mut states_of_chunk: Vec<Vec<f32>> = Vec::with_capacity(all.len());
        if !all.is_empty() {
            let longest = all.iter().map(|c| c.ids.len()).max().unwrap_or(2);
            let mut ids = vec![i64::from(self.pad); all.len() * longest];
            let mut pad = vec![true; all.len() * longest];
            for (c, chunk) in all.iter().enumerate() {
                for (t, &id) in chunk.ids.iter().enumerate() {
                    ids[c * longest + t] = i64::from(id);
                    pad[c * longest + t] = false;
                }
            }
            let ids = Tensor::<2, Int>::from_data(TensorData::new(ids, [all.len(), longest]), &self.device);
            let pad = Tensor::<2, Bool>::from_data(TensorData::new(pad, [all.len(), longest]), &self.device);
            let out = self.bert.forward(ids, pad);
            let flat = out
                .into_data()
                .convert::<f32>()
                .try_into_vec::<f32>()
                .map_err(|e| Error::Weights(format!("reading encoder output: {e:?}")))?;
            for (c, chunk) in all.iter().enumerate() {
                let start = c * longest * hidden;
                states_of_chunk.push(flat[start..start + chunk.ids.len() * hidden].to_vec());
            }
        }
        let mut next = states_of_chunk.into_iter();
        Ok(per_text
            .into_iter()
            .map(|chunks| {
                let mut encoded =
                    TokenStates { ids: vec![], spans: vec![], states: vec![], chunks: 0, pooled: vec![0.0; hidden] };
                let mut positions = 0usize;
                for chunk in chunks {
                    let states = next.next().expect("one state block per chunk");
                    for row in states.chunks(hidden) {
                        for (p, v) in encoded.pooled.iter_mut().zip(row) {
                            *p += v;
                        }
                    }
                    positions += chunk.ids.len();
                    encoded.chunks += 1;
                    let content = chunk.ids.len() - 2;
                    encoded.ids.extend_from_slice(&chunk.ids[1..=content]);
                    encoded.spans.extend_from_slice(&chunk.spans);
                    encoded.states.extend_from_slice(&states[hidden..(content + 1) * hidden]);
                }
                if positions > 0 {
                    encoded.pooled.iter_mut().for_each(|p| *p /= positions as f32);
                }
                encoded
            })
            .collect())
    }
}

/// `tokenizer.json` with padding and truncation switched off (MiniLM's pads and truncates to
/// 128), else a lower-casing WordPiece over `vocab.txt`.
#[cfg(not(target_family = "wasm"))]
fn load_tokenizer(dir: &Path) -> Result<Tokenizer> {
    let json = dir.join("tokenizer.json");
    if json.is_file() {
        let mut tokenizer =
            Tokenizer::from_file(&json).map_err(|e| Error::Vocabulary(format!("{}: {e}", json.display())))?;
        tokenizer.with_padding(None);
        tokenizer.with_truncation(None).map_err(|e| Error::Vocabulary(e.to_string()))?;
        return Ok(tokenizer);
    }
    let vocab = dir.join("vocab.txt");
    let text = std::fs::read_to_string(&vocab).map_err(|source| Error::Read { path: vocab, source })?;
    Ok(crate::vocab::Vocabulary::from_text(&text)?.tokenizer().clone())
}

/// Where the large encoder is looked for: `MATFUSE_ENCODER_DIR`, else the default install path.
pub fn default_encoder_dir() -> PathBuf {
    std::env::var_os("MATFUSE_ENCODER_DIR").map(PathBuf::from).unwrap_or_else(|| PathBuf::from(DEFAULT_ENCODER_DIR))
}

/// Cosine similarity of two vectors.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let norm = |v: &[f32]| v.iter().map(|x| x * x).sum::<f32>().sqrt();
    dot / (norm(a) * norm(b)).max(f32::MIN_POSITIVE)
}
