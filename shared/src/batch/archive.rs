//! Zip archives of structure files (and structure tables) in a batch, read with limits so a
//! small upload cannot unpack into gigabytes (a "zip bomb"), and with every unreadable member
//! reported by name instead of failing the whole archive.

use std::io::{Cursor, Read};

/// What an archive may unpack into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnpackLimits {
    /// Members (files) read from one archive.
    pub max_members: usize,
    /// Bytes unpacked from one archive, all members together.
    pub max_unpacked_bytes: u64,
}

impl Default for UnpackLimits {
    fn default() -> Self {
        UnpackLimits { max_members: 10_000, max_unpacked_bytes: 128 << 20 }
    }
}

/// One member of an archive: its path inside the archive and its bytes, or why it was not read.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub path: String,
    pub bytes: Result<Vec<u8>, String>,
}

/// Whether `bytes` start like a zip archive (local file header or an empty archive's end record).
pub fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

/// The files of the zip archive `bytes` (named `source` in messages), in archive order.
/// Directories and operating-system clutter (`__MACOSX/`, dot files) are left out. Fails as a
/// whole only when the archive cannot be opened or breaks `limits`.
pub fn read_zip(bytes: &[u8], source: &str, limits: UnpackLimits) -> Result<Vec<Member>, String> {
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| format!("{source}: not a readable zip archive: {e}"))?;
    let mut members = Vec::new();
    let mut unpacked = 0u64;
    for index in 0..archive.len() {
        let mut file = match archive.by_index(index) {
            Ok(file) => file,
            Err(e) => {
                members.push(Member {
                    path: format!("{source}: member {}", index + 1),
                    bytes: Err(format!("{source}: member {}: {e}", index + 1)),
                });
                continue;
            }
        };
        let name = file.name().map(|n| n.into_owned()).unwrap_or_else(|_| format!("member-{}", index + 1));
        if file.is_dir() || is_clutter(&name) {
            continue;
        }
        if members.len() == limits.max_members {
            return Err(format!("{source}: more than {} files in the archive", limits.max_members));
        }
        let path = format!("{source}/{name}");
        if file.encrypted() {
            members.push(Member { bytes: Err(format!("{path}: encrypted members are not read")), path });
            continue;
        }
        // The declared size may lie; read at most what the limit still allows, plus one byte to notice.
        let allowance = limits.max_unpacked_bytes - unpacked;
        let mut content = Vec::with_capacity(file.size().min(allowance) as usize);
        let read = (&mut file).take(allowance + 1).read_to_end(&mut content);
        unpacked += content.len() as u64;
        if unpacked > limits.max_unpacked_bytes {
            return Err(format!(
                "{source}: unpacks to more than {} MiB, the limit for one archive",
                limits.max_unpacked_bytes >> 20
            ));
        }
        let bytes = match read {
            Ok(_) if is_zip(&content) => Err(format!("{path}: archives inside archives are not read")),
            Ok(_) => Ok(content),
            Err(e) => Err(format!("{path}: could not be unpacked: {e}")),
        };
        members.push(Member { path, bytes });
    }
    Ok(members)
}

fn is_clutter(name: &str) -> bool {
    name.starts_with("__MACOSX/") || name.rsplit('/').next().is_some_and(|base| base.starts_with('.'))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::Write;

    /// A zip archive of `files` (deflated), as a user's archiver writes one.
    pub(crate) fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, content) in files {
            if name.ends_with('/') {
                writer.add_directory(*name, options).unwrap();
            } else {
                writer.start_file(*name, options).unwrap();
                writer.write_all(content).unwrap();
            }
        }
        writer.finish().unwrap().into_inner()
    }

    #[test]
    fn members_come_in_archive_order_without_clutter() {
        let bytes = zip_of(&[
            ("set/", b""),
            ("set/NaCl.cif", b"data_NaCl"),
            ("__MACOSX/set/._NaCl.cif", b"junk"),
            ("set/.DS_Store", b"junk"),
            ("POSCAR", b"Si"),
        ]);
        assert!(is_zip(&bytes));
        let members = read_zip(&bytes, "set.zip", UnpackLimits::default()).unwrap();
        let paths: Vec<&str> = members.iter().map(|m| m.path.as_str()).collect();
        assert_eq!(paths, ["set.zip/set/NaCl.cif", "set.zip/POSCAR"]);
        assert_eq!(members[0].bytes.as_deref().unwrap(), b"data_NaCl");
    }

    #[test]
    fn limits_stop_bombs_and_long_archives() {
        let zeros = vec![0u8; 4 << 20];
        let bomb = zip_of(&[("a.cif", &zeros), ("b.cif", &zeros)]);
        assert!(bomb.len() < 64 << 10, "the test archive should compress well");
        let limits = UnpackLimits { max_members: 10, max_unpacked_bytes: 6 << 20 };
        let err = read_zip(&bomb, "bomb.zip", limits).unwrap_err();
        assert!(err.contains("bomb.zip: unpacks to more than 6 MiB"), "{err}");
        let many = zip_of(&[("a.cif", b"1"), ("b.cif", b"2"), ("c.cif", b"3")]);
        let err = read_zip(&many, "many.zip", UnpackLimits { max_members: 2, ..limits }).unwrap_err();
        assert_eq!(err, "many.zip: more than 2 files in the archive");
    }

    #[test]
    fn broken_and_nested_archives_are_named() {
        let err = read_zip(b"PK\x03\x04 truncated", "cut.zip", UnpackLimits::default()).unwrap_err();
        assert!(err.starts_with("cut.zip: not a readable zip archive"), "{err}");
        let inner = zip_of(&[("x.cif", b"data_x")]);
        let outer = zip_of(&[("inner.zip", &inner), ("y.cif", b"data_y")]);
        let members = read_zip(&outer, "outer.zip", UnpackLimits::default()).unwrap();
        assert_eq!(members[0].bytes, Err("outer.zip/inner.zip: archives inside archives are not read".into()));
        assert!(members[1].bytes.is_ok());
    }
}
