//! Replays the fuzz corpora (`fuzz/corpus/<target>/*`) through the parsers, as the fuzz targets
//! do: no input may panic, and what parses must survive its writer. Seeds named like a structure
//! file (`.cif`, `.vasp`, `.xyz`, `.json`) and not starting with `bad_` must parse.

use shared::Format;
use shared::io::{ParseOptions, detect_format, parse_with, write};
use std::path::Path;

/// The same check as `fuzz/src/lib.rs`.
fn check(text: &str, format: Format) -> Result<(), String> {
    let _ = detect_format(text);
    let opts = ParseOptions { format: Some(format), ..ParseOptions::default() };
    let structure = parse_with(text, &opts).map_err(|e| e.to_string())?;
    let written = write(&structure, format);
    if let Ok(again) = parse_with(&written, &opts) {
        assert_eq!(again.len(), structure.len(), "atom count changed through the writer:\n{written}");
    }
    Ok(())
}

#[test]
fn fuzz_corpora_do_not_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus");
    let mut replayed = 0;
    let targets = [
        ("parse_cif", Format::Cif),
        ("parse_poscar", Format::Poscar),
        ("parse_xyz", Format::Xyz),
        ("parse_pymatgen_json", Format::PymatgenJson),
        ("parse_optimade_json", Format::OptimadeJson),
    ];
    for (target, format) in targets {
        let dir = root.join(target);
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for entry in entries {
            let path = entry.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            let Ok(text) = std::str::from_utf8(&bytes) else { continue };
            let result = std::panic::catch_unwind(|| check(text, format));
            let result = result.unwrap_or_else(|_| panic!("{} panicked", path.display()));
            let name = path.file_name().unwrap().to_string_lossy();
            let seed =
                [".cif", ".vasp", ".xyz", ".json"].iter().any(|ext| name.ends_with(ext)) && !name.starts_with("bad_");
            if let (true, Err(e)) = (seed, result) {
                panic!("{}: valid seed failed to parse: {e}", path.display());
            }
            replayed += 1;
        }
    }
    assert!(replayed >= 15, "only {replayed} corpus files found");
}
