//! The frozen large encoder's token states for a whole dataset, computed once and kept on disk
//! (f16) so training reads them instead of running BERT every epoch.
//!
//! A cache directory belongs to one encoder (name, hidden size, weights sha256) and one chunk
//! budget (`manifest.json`); `states.bin` is append-only, one record per structure:
//! `u32 id length, id bytes, u64 text hash, u32 n, n × u32 token ids, n × hidden × f16 states`
//! (little-endian). An interrupted build leaves a partial last record, which the next open
//! drops, and resumes with the structures still missing. A record whose text changed is
//! recomputed.

use crate::bundle::EncoderRef;
use crate::encoder::LargeEncoder;
use crate::error::{Error, Result};
use half::f16;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

const STATES_FILE: &str = "states.bin";
const MANIFEST_FILE: &str = "manifest.json";
const FORMAT_VERSION: u32 = 1;

/// One structure's cached encoding: content token ids and their states `[ids.len(), hidden]`.
#[derive(Clone, Debug, PartialEq)]
pub struct CachedText {
    pub ids: Vec<u32>,
    pub states: Vec<f16>,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct CacheManifest {
    format_version: u32,
    encoder: EncoderRef,
    max_chunks: usize,
}

/// The directory name for an encoder and chunk budget under a cache root.
pub fn cache_dir(root: &Path, encoder: &EncoderRef, max_chunks: usize) -> PathBuf {
    let hash = encoder.sha256.get(..12).unwrap_or(&encoder.sha256);
    root.join(format!("text-{}-{hash}-chunks{max_chunks}", encoder.name))
}

fn text_hash(text: &str) -> u64 {
    let digest = Sha256::digest(text.as_bytes());
    u64::from_le_bytes(digest[..8].try_into().expect("8 bytes"))
}

/// Returns the encodings of `items` (`(id, text)`), computing the missing ones in batches of
/// `batch` with `encoder` and appending them to the cache in `dir`; `progress(done, total)`
/// is called after each batch.
pub fn build(
    dir: &Path,
    encoder: &LargeEncoder,
    max_chunks: usize,
    items: &[(&str, &str)],
    batch: usize,
    mut progress: impl FnMut(usize, usize),
) -> Result<HashMap<String, CachedText>> {
    let manifest = CacheManifest { format_version: FORMAT_VERSION, encoder: encoder.reference().clone(), max_chunks };
    let write_err = |path: PathBuf| move |source| Error::Write { path, source };
    std::fs::create_dir_all(dir).map_err(write_err(dir.into()))?;
    let manifest_path = dir.join(MANIFEST_FILE);
    let states_path = dir.join(STATES_FILE);
    match std::fs::read(&manifest_path) {
        Ok(bytes) => {
            let found: CacheManifest = serde_json::from_slice(&bytes)
                .map_err(|e| Error::Config(format!("{}: {e}", manifest_path.display())))?;
            if found != manifest {
                return Err(Error::Config(format!(
                    "{} belongs to encoder {} with {} chunk(s), not {} with {max_chunks}: use another cache directory",
                    dir.display(),
                    found.encoder,
                    found.max_chunks,
                    manifest.encoder
                )));
            }
        }
        Err(_) => {
            let json = serde_json::to_vec_pretty(&manifest).expect("serialisable");
            std::fs::write(&manifest_path, json).map_err(write_err(manifest_path.clone()))?;
            // A states file without a manifest is from an unknown encoder.
            let _ = std::fs::remove_file(&states_path);
        }
    }
    let hidden = encoder.hidden();
    let (mut cached, valid_len) = read_states(&states_path, hidden)?;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(false)
        .open(&states_path)
        .map_err(write_err(states_path.clone()))?;
    file.set_len(valid_len).map_err(write_err(states_path.clone()))?;
    let mut out = BufWriter::new(file);
    std::io::Seek::seek(&mut out, std::io::SeekFrom::Start(valid_len)).map_err(write_err(states_path.clone()))?;

    let todo: Vec<&(&str, &str)> =
        items.iter().filter(|(id, text)| cached.get(*id).is_none_or(|(hash, _)| *hash != text_hash(text))).collect();
    let total = items.len();
    let mut done = total - todo.len();
    progress(done, total);
    for group in todo.chunks(batch.max(1)) {
        let texts: Vec<&str> = group.iter().map(|(_, text)| *text).collect();
        for ((id, text), encoded) in group.iter().zip(encoder.encode(&texts, max_chunks)?) {
            let entry =
                CachedText { ids: encoded.ids, states: encoded.states.iter().map(|&v| f16::from_f32(v)).collect() };
            write_record(&mut out, id, text_hash(text), &entry).map_err(write_err(states_path.clone()))?;
            cached.insert((*id).to_string(), (text_hash(text), entry));
        }
        out.flush().map_err(write_err(states_path.clone()))?;
        done += group.len();
        progress(done, total);
    }
    Ok(items.iter().filter_map(|(id, _)| cached.remove(*id).map(|(_, entry)| ((*id).to_string(), entry))).collect())
}

fn write_record(out: &mut impl Write, id: &str, hash: u64, entry: &CachedText) -> std::io::Result<()> {
    out.write_all(&(id.len() as u32).to_le_bytes())?;
    out.write_all(id.as_bytes())?;
    out.write_all(&hash.to_le_bytes())?;
    out.write_all(&(entry.ids.len() as u32).to_le_bytes())?;
    for id in &entry.ids {
        out.write_all(&id.to_le_bytes())?;
    }
    let bytes: Vec<u8> = entry.states.iter().flat_map(|v| v.to_bits().to_le_bytes()).collect();
    out.write_all(&bytes)
}

type Records = HashMap<String, (u64, CachedText)>;

/// Every complete record of `path` and the byte length they span (a partial tail is ignored).
fn read_states(path: &Path, hidden: usize) -> Result<(Records, u64)> {
    let mut bytes = Vec::new();
    match std::fs::File::open(path) {
        Ok(mut file) => {
            file.read_to_end(&mut bytes).map_err(|source| Error::Read { path: path.into(), source })?;
        }
        Err(_) => return Ok((HashMap::new(), 0)),
    }
    let mut records = HashMap::new();
    let mut at = 0;
    let mut reader = Cursor { bytes: &bytes, at: 0 };
    while let Some((id, hash, entry)) = reader.record(hidden) {
        records.insert(id, (hash, entry));
        at = reader.at;
    }
    Ok((records, at as u64))
}

struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        let slice = self.bytes.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(slice)
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    fn record(&mut self, hidden: usize) -> Option<(String, u64, CachedText)> {
        let id_len = self.u32()? as usize;
        let id = String::from_utf8(self.take(id_len)?.to_vec()).ok()?;
        let hash = u64::from_le_bytes(self.take(8)?.try_into().ok()?);
        let n = self.u32()? as usize;
        let ids = self
            .take(n.checked_mul(4)?)?
            .chunks_exact(4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        let states = self
            .take(n.checked_mul(hidden)?.checked_mul(2)?)?
            .chunks_exact(2)
            .map(|b| f16::from_bits(u16::from_le_bytes([b[0], b[1]])))
            .collect();
        Some((id, hash, CachedText { ids, states }))
    }
}
