//! `neighbours.json` beside a bundle's `neighbours.bin`: the index's sha256 and what it holds,
//! as `phases.json` pins the phase table. The page reads it first and refuses an index whose
//! bytes differ; the server checks the same pin when the file is there. The backend's full
//! index, `neighbours_full.bin`, has its own pin, `neighbours_full.json`.

use crate::bundle::sha256_hex;
use crate::error::{Error, Result};
use crate::neighbours::{IndexFile, NeighbourIndex};
use serde::{Deserialize, Serialize};
use std::path::Path;

pub const NEIGHBOURS_INFO_FILE: &str = "neighbours.json";
pub const FULL_NEIGHBOURS_INFO_FILE: &str = "neighbours_full.json";

/// What `neighbours.json` says about the index beside it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NeighboursInfo {
    /// The index's file name, beside this one.
    pub file: String,
    /// sha256 of that file's bytes, lower-case hex.
    pub sha256: String,
    /// Its size, bytes.
    pub bytes: usize,
    /// Training materials indexed, dimensions kept per material, neighbours the score averages.
    pub materials: usize,
    pub dims: usize,
    pub k: usize,
    /// The model whose weights it was computed for (the index names their sha256 itself).
    pub model: String,
}

impl NeighboursInfo {
    /// The pin of `index`, stored as `which`, whose file's bytes are `bytes`.
    pub fn of(index: &NeighbourIndex, which: IndexFile, model: &str, bytes: &[u8]) -> NeighboursInfo {
        NeighboursInfo {
            file: which.file().into(),
            sha256: sha256_hex(bytes),
            bytes: bytes.len(),
            materials: index.len(),
            dims: index.dims(),
            k: index.k(),
            model: model.into(),
        }
    }

    /// Parses `neighbours.json`; `path` names it in errors.
    pub fn from_json(bytes: &[u8], path: &Path) -> Result<NeighboursInfo> {
        serde_json::from_slice(bytes).map_err(|e| Error::Manifest { path: path.into(), message: e.to_string() })
    }

    /// The index in `bytes` when they match this pin and were computed for `weights_sha256`
    /// (`Ok(None)`: other weights); `path` names the file in errors.
    pub fn index(&self, bytes: &[u8], weights_sha256: &str, path: &Path) -> Result<Option<NeighbourIndex>> {
        let actual = sha256_hex(bytes);
        if actual != self.sha256 {
            return Err(Error::Checksum { path: path.into(), expected: self.sha256.clone(), actual });
        }
        NeighbourIndex::from_bytes(bytes, weights_sha256)
    }

    /// Writes the pin of `dir`'s index `which`.
    pub fn write(&self, dir: &Path, which: IndexFile) -> Result<()> {
        let path = dir.join(which.info_file());
        let json = serde_json::to_string_pretty(self).map_err(|e| Error::Weights(e.to_string()))? + "\n";
        std::fs::write(&path, json).map_err(|source| Error::Write { path, source })
    }

    /// The pin of `dir`'s index `which`, if present.
    pub fn load(dir: &Path, which: IndexFile) -> Result<Option<NeighboursInfo>> {
        let path = dir.join(which.info_file());
        match std::fs::read(&path) {
            Ok(bytes) => NeighboursInfo::from_json(&bytes, &path).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(Error::Read { path, source }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::neighbours::IndexOptions;

    #[test]
    fn the_pin_accepts_its_bytes_only() {
        let training: Vec<Vec<f32>> = (0..20).map(|i| vec![i as f32, 1.0]).collect();
        let material = crate::neighbours::test_material;
        let options = IndexOptions { k: 2, weights_sha256: "ab".into(), ..IndexOptions::default() };
        let index = NeighbourIndex::build(&training, (0..20).map(material).collect(), &[], options).unwrap();
        let bytes = index.to_bytes().unwrap();
        let info = NeighboursInfo::of(&index, IndexFile::Page, "m", &bytes);
        assert_eq!((info.materials, info.dims, info.k, info.bytes), (20, 2, 2, bytes.len()));
        let json = serde_json::to_vec(&info).unwrap();
        let read = NeighboursInfo::from_json(&json, Path::new("n.json")).unwrap();
        assert_eq!(read.index(&bytes, "ab", Path::new("n")).unwrap(), Some(index));
        let mut changed = bytes.clone();
        *changed.last_mut().unwrap() ^= 1;
        assert!(matches!(read.index(&changed, "ab", Path::new("n")), Err(Error::Checksum { .. })));
        assert!(read.index(&bytes, "cd", Path::new("n")).unwrap().is_none());
    }
}
