//! `POST /api/v1/embed`: the server's large text encoder run on a text, returned as a compact
//! binary body so the browser can run the full fusion locally with the server's encoder.
//!
//! Layout (little-endian): the 4 bytes `MFE1`, a `u32` header length, the header as JSON
//! ([`EmbeddingHeader`]: encoder name, hidden size and weights sha256, token ids and spans),
//! then `tokens × hidden` f16 token states (row-major) and `hidden` f16 pooled values.

use half::f16;
use serde::{Deserialize, Serialize};

/// The body's first bytes (format version 1).
pub const MAGIC: &[u8; 4] = b"MFE1";
/// The response's media type.
pub const CONTENT_TYPE: &str = "application/vnd.matfuse.embedding";

/// `POST /api/v1/embed` request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmbedRequest {
    pub text: String,
    /// 128-token chunks to encode (default 1: the description's first, most informative part).
    #[serde(default)]
    pub max_chunks: Option<usize>,
}

/// A text encoder's identity: the one a model bundle was trained with (its manifest's
/// `text_encoder`) and the one that produced an embedding. A bundle only runs with an encoder
/// that is the same one (see [`EncoderRef::is_same_encoder`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EncoderRef {
    pub name: String,
    pub hidden_size: usize,
    /// sha256 of the encoder's weights file (hex).
    pub sha256: String,
}

impl EncoderRef {
    /// Same hidden size and weights hash (the name is a directory's and may differ).
    pub fn is_same_encoder(&self, other: &EncoderRef) -> bool {
        self.hidden_size == other.hidden_size && self.sha256 == other.sha256
    }
}

impl std::fmt::Display for EncoderRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let short = self.sha256.get(..12).unwrap_or(&self.sha256);
        write!(f, "'{}' (hidden size {}, sha256 {short})", self.name, self.hidden_size)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmbeddingHeader {
    pub encoder: EncoderRef,
    /// Content tokens (chunks concatenated, `[CLS]`/`[SEP]` dropped).
    pub tokens: usize,
    pub hidden: usize,
    pub chunks: usize,
    pub token_ids: Vec<u32>,
    /// Byte span of each token in the request's text.
    pub spans: Vec<(usize, usize)>,
}

/// A decoded embedding body.
#[derive(Debug, Clone, PartialEq)]
pub struct Embedding {
    pub header: EmbeddingHeader,
    /// `[tokens, hidden]`, row-major.
    pub states: Vec<f32>,
    /// Mean over the chunks' positions (sentence-transformers pooling), `[hidden]`.
    pub pooled: Vec<f32>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmbeddingFormatError {
    #[error("not a matfuse embedding body (expected the magic bytes MFE1)")]
    Magic,
    #[error("embedding body truncated: {0}")]
    Truncated(&'static str),
    #[error("embedding header: {0}")]
    Header(String),
}

/// Encodes an embedding; `states` must be `[header.tokens, header.hidden]` and `pooled` `[hidden]`.
pub fn encode(header: &EmbeddingHeader, states: &[f32], pooled: &[f32]) -> Vec<u8> {
    assert_eq!(states.len(), header.tokens * header.hidden, "states must be [tokens, hidden]");
    assert_eq!(pooled.len(), header.hidden, "pooled must be [hidden]");
    let json = serde_json::to_vec(header).expect("serialisable header");
    let mut out = Vec::with_capacity(8 + json.len() + 2 * (states.len() + pooled.len()));
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(json.len() as u32).to_le_bytes());
    out.extend_from_slice(&json);
    for v in states.iter().chain(pooled) {
        out.extend_from_slice(&f16::from_f32(*v).to_bits().to_le_bytes());
    }
    out
}

/// Decodes a body written by [`encode`], checking every length.
pub fn decode(bytes: &[u8]) -> Result<Embedding, EmbeddingFormatError> {
    if bytes.get(..4) != Some(MAGIC.as_slice()) {
        return Err(EmbeddingFormatError::Magic);
    }
    let len = bytes.get(4..8).ok_or(EmbeddingFormatError::Truncated("header length"))?;
    let len = u32::from_le_bytes([len[0], len[1], len[2], len[3]]) as usize;
    let json = bytes.get(8..8 + len).ok_or(EmbeddingFormatError::Truncated("header"))?;
    let header: EmbeddingHeader =
        serde_json::from_slice(json).map_err(|e| EmbeddingFormatError::Header(e.to_string()))?;
    if header.token_ids.len() != header.tokens || header.spans.len() != header.tokens {
        return Err(EmbeddingFormatError::Header("token ids and spans must list every token".into()));
    }
    let values = header
        .tokens
        .checked_add(1)
        .and_then(|rows| rows.checked_mul(header.hidden))
        .ok_or_else(|| EmbeddingFormatError::Header("sizes overflow".into()))?;
    let body = &bytes[8 + len..];
    if body.len() != 2 * values {
        return Err(EmbeddingFormatError::Truncated("token states"));
    }
    let mut floats: Vec<f32> =
        body.chunks_exact(2).map(|b| f16::from_bits(u16::from_le_bytes([b[0], b[1]])).to_f32()).collect();
    let pooled = floats.split_off(header.tokens * header.hidden);
    Ok(Embedding { header, states: floats, pooled })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(tokens: usize, hidden: usize) -> EmbeddingHeader {
        EmbeddingHeader {
            encoder: EncoderRef { name: "tiny".into(), hidden_size: hidden, sha256: "ab".repeat(32) },
            tokens,
            hidden,
            chunks: 1,
            token_ids: (0..tokens as u32).collect(),
            spans: (0..tokens).map(|t| (t, t + 1)).collect(),
        }
    }

    #[test]
    fn round_trips_within_f16_precision() {
        let h = header(3, 4);
        let states: Vec<f32> = (0..12).map(|i| i as f32 * 0.37 - 2.0).collect();
        let pooled = vec![0.5, -0.25, 1.0, 3.0];
        let body = encode(&h, &states, &pooled);
        let e = decode(&body).unwrap();
        assert_eq!(e.header, h);
        assert!(e.states.iter().zip(&states).all(|(a, b)| (a - b).abs() < 2e-3));
        assert_eq!(e.pooled, pooled);
    }

    #[test]
    fn refuses_foreign_or_truncated_bodies() {
        let body = encode(&header(2, 2), &[1.0; 4], &[0.0; 2]);
        assert_eq!(decode(b"{}").unwrap_err(), EmbeddingFormatError::Magic);
        assert_eq!(decode(&body[..6]).unwrap_err(), EmbeddingFormatError::Truncated("header length"));
        assert_eq!(decode(&body[..body.len() - 1]).unwrap_err(), EmbeddingFormatError::Truncated("token states"));
        let mut lying = header(2, 2);
        lying.token_ids.pop();
        let body = encode(&EmbeddingHeader { tokens: 2, ..lying }, &[1.0; 4], &[0.0; 2]);
        assert!(matches!(decode(&body).unwrap_err(), EmbeddingFormatError::Header(_)));
    }
}
