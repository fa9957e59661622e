//! Rows of the labelled structure tables (`../shared/data` layout) and the featurise cache.
//!
//! The cache written by `matfuse featurize` is a directory holding `records.bin`: an 8-byte
//! magic (the record layout), a little-endian u32 version (the task registry's
//! [`crate::task::FINGERPRINT`], so a cache made under another registry is refused), then one length-prefixed (u32) postcard-encoded
//! [`FeaturizedRecord`] per structure, in input order. Training streams it back with
//! [`read_records`]. Integrity: a truncated or foreign file is reported, never half-read silently.

use crate::graph::CrystalGraph;
use serde::{Deserialize, Serialize};
use std::io::{self, Read, Write};

pub const CACHE_MAGIC: &[u8; 8] = b"MATFUSE\x02";
/// The cache's version: the registry's fingerprint, since labels are stored in registry order.
pub const CACHE_VERSION: u32 = crate::task::FINGERPRINT;
pub const RECORDS_FILE: &str = "records.bin";

/// One featurised structure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeaturizedRecord {
    /// Row index in the source table (0-based, header excluded).
    pub row: u32,
    /// `material_id` / `id` column, else the row number.
    pub id: String,
    /// The `split` column (train / val / test), if any.
    pub split: Option<String>,
    pub formula: String,
    pub space_group: u16,
    pub graph: CrystalGraph,
    pub description: String,
    /// Labels of every task of [`crate::task::TASKS`], in registry order (`None` where the
    /// row has none).
    pub labels: Vec<Option<f32>>,
}

pub fn write_header(w: &mut impl Write) -> io::Result<()> {
    w.write_all(CACHE_MAGIC)?;
    w.write_all(&CACHE_VERSION.to_le_bytes())
}

pub fn write_record(w: &mut impl Write, record: &FeaturizedRecord) -> io::Result<()> {
    let bytes = postcard::to_stdvec(record).map_err(io::Error::other)?;
    w.write_all(&(bytes.len() as u32).to_le_bytes())?;
    w.write_all(&bytes)
}

/// Reads every record of a cache stream (see module docs).
pub fn read_records(r: &mut impl Read) -> io::Result<Vec<FeaturizedRecord>> {
    let mut magic = [0u8; 8];
    r.read_exact(&mut magic)?;
    let mut version = [0u8; 4];
    r.read_exact(&mut version)?;
    if &magic != CACHE_MAGIC || u32::from_le_bytes(version) != CACHE_VERSION {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "not a matfuse featurise cache (or an older version): run `matfuse featurize` again",
        ));
    }
    let mut records = Vec::new();
    let mut len = [0u8; 4];
    let mut buf = Vec::new();
    loop {
        match r.read_exact(&mut len) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => break,
            Err(e) => return Err(e),
        }
        buf.resize(u32::from_le_bytes(len) as usize, 0);
        r.read_exact(&mut buf).map_err(|_| {
            io::Error::new(io::ErrorKind::UnexpectedEof, format!("cache truncated in record {}", records.len()))
        })?;
        records.push(
            postcard::from_bytes(&buf)
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("record {}: {e}", records.len())))?,
        );
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip_and_truncation_is_reported() {
        let record = FeaturizedRecord {
            row: 3,
            id: "mp-1".into(),
            split: Some("train".into()),
            formula: "NaCl".into(),
            space_group: 225,
            graph: CrystalGraph {
                atomic_numbers: vec![11, 17],
                edge_src: vec![0, 1],
                edge_dst: vec![1, 0],
                edge_distance: vec![2.8, 2.8],
            },
            description: "NaCl is rock salt.".into(),
            labels: vec![Some(-2.1), Some(5.0), None, Some(1.0), None],
        };
        let mut bytes = Vec::new();
        write_header(&mut bytes).unwrap();
        write_record(&mut bytes, &record).unwrap();
        write_record(&mut bytes, &record).unwrap();
        assert_eq!(read_records(&mut bytes.as_slice()).unwrap(), vec![record.clone(), record]);
        bytes.truncate(bytes.len() - 3);
        assert!(read_records(&mut bytes.as_slice()).is_err());
        assert!(read_records(&mut &b"garbage!garbage"[..]).is_err());
    }
}
