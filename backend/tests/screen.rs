//! `matfuse screen` and `matfuse screen merge`: shard selection, the balanced partition, and the
//! binary end to end on a small table of gallery structures (the `browser` bundle): sharded and
//! merged equals one process row for row, a broken row is recorded, a finished shard is skipped,
//! a missing one refuses the merge.

use backend::screen::partition::{assign_blocks, block_atoms, shard_loads};
use backend::screen::shard::Shard;
use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const MATFUSE: &str = env!("CARGO_BIN_EXE_matfuse");

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn scratch(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("matfuse-screen-{tag}-{}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn every_block_goes_to_one_shard_and_shards_balance() {
    // Row sizes of 1..=200 atoms from a fixed linear congruential sequence.
    let mut state = 12345u64;
    let atoms: Vec<u32> = (0..1000)
        .map(|_| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            1 + (state >> 33) as u32 % 200
        })
        .collect();
    let blocks = block_atoms(atoms.iter().copied(), 8);
    assert_eq!(blocks.len(), 125);
    assert_eq!(blocks.iter().sum::<u64>(), atoms.iter().map(|&a| u64::from(a)).sum::<u64>());
    for shards in [1, 2, 7, 16] {
        let shard_of = assign_blocks(&blocks, shards);
        assert_eq!(shard_of, assign_blocks(&blocks, shards), "the assignment is deterministic");
        assert!(shard_of.iter().all(|&s| (s as usize) < shards));
        let loads = shard_loads(&blocks, &shard_of, shards);
        assert_eq!(loads.iter().sum::<u64>(), blocks.iter().sum::<u64>());
        let (least, most) = (*loads.iter().min().unwrap(), *loads.iter().max().unwrap());
        assert!(most - least <= *blocks.iter().max().unwrap(), "{shards} shards: {loads:?}");
    }
    // More shards than blocks: the extra shards get nothing, none gets a block twice.
    let few = assign_blocks(&[5, 9, 1], 5);
    assert_eq!(few, [1, 0, 2]);
}

#[test]
fn shards_come_from_the_flag_slurm_or_kubernetes() {
    assert_eq!(Shard::parse("3/16").unwrap(), Shard { index: 3, count: 16 });
    for bad in ["16/16", "3", "a/2", "1/0"] {
        assert!(Shard::parse(bad).is_err(), "{bad}");
    }
    let env = |pairs: &'static [(&'static str, &'static str)]| {
        move |name: &str| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
    };
    let slurm = env(&[("SLURM_ARRAY_TASK_ID", "5"), ("SLURM_ARRAY_TASK_MIN", "1"), ("SLURM_ARRAY_TASK_COUNT", "8")]);
    assert_eq!(Shard::from_scheduler(slurm, None).unwrap(), Some(Shard { index: 4, count: 8 }));
    let stepped = env(&[("SLURM_ARRAY_TASK_ID", "14"), ("SLURM_ARRAY_TASK_COUNT", "8")]);
    assert!(Shard::from_scheduler(stepped, None).unwrap_err().to_string().contains("contiguous"));
    let k8s = env(&[("JOB_COMPLETION_INDEX", "2")]);
    assert_eq!(Shard::from_scheduler(k8s, Some(4)).unwrap(), Some(Shard { index: 2, count: 4 }));
    assert!(Shard::from_scheduler(k8s, None).unwrap_err().to_string().contains("MATFUSE_SHARDS"));
    assert_eq!(Shard::from_scheduler(env(&[]), Some(4)).unwrap(), None);
    assert_eq!(Shard::from_file_stem("shard-0003-of-0016"), Some(Shard { index: 3, count: 16 }));
    assert_eq!(Shard::from_file_stem("shard-0016-of-0016"), None);
}

/// The input rows: every gallery structure twice (ids `g00`…), a `note` column to carry
/// through, and (row 9) a row whose CIF cannot be read.
fn input_rows() -> (Vec<String>, Vec<Vec<String>>) {
    let mut rows = Vec::new();
    for copy in 0..2 {
        for (i, example) in shared::gallery::examples().iter().enumerate() {
            rows.push(vec![format!("g{copy}{i:02}"), format!("{} copy {copy}", example.name), example.cif.to_string()]);
        }
    }
    rows.insert(9, vec!["broken".into(), "not a crystal".into(), "data_broken\n_cell_length_a 1\n".into()]);
    (vec!["material_id".into(), "note".into(), "cif".into()], rows)
}

/// The input rows as two gzip-compressed CSV tables; returns the row count.
fn write_inputs(dir: &Path) -> usize {
    let (header, rows) = input_rows();
    let half = rows.len() / 2;
    for (file, part) in [("part-a.csv.gz", &rows[..half]), ("part-b.csv.gz", &rows[half..])] {
        let mut csv = csv::Writer::from_writer(Vec::new());
        csv.write_record(&header).unwrap();
        for row in part {
            csv.write_record(row).unwrap();
        }
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&csv.into_inner().unwrap()).unwrap();
        std::fs::write(dir.join(file), gz.finish().unwrap()).unwrap();
    }
    rows.len()
}

fn screen(inputs: &Path, out: &Path, shard: Option<&str>, env: &[(&str, &str)]) -> Output {
    screen_files(&format!("{}/*.csv.gz", inputs.display()), out, shard, env, &[])
}

/// `matfuse screen` over the tables `pattern` matches, with the `browser` bundle, 4 rows a batch.
fn screen_files(pattern: &str, out: &Path, shard: Option<&str>, env: &[(&str, &str)], extra: &[&str]) -> Output {
    let mut command = Command::new(MATFUSE);
    command.current_dir(workspace()).env_remove("SLURM_ARRAY_TASK_ID").env_remove("JOB_COMPLETION_INDEX");
    command.args(["screen", "--model", "models/weights/browser", "--batch", "4", "--input", pattern]);
    command.arg("--out").arg(out).args(extra);
    if let Some(shard) = shard {
        command.args(["--shard", shard]);
    }
    let out = command.envs(env.iter().copied()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    out
}

fn merge(out: &Path, extra: &[&str]) -> Output {
    Command::new(MATFUSE).args(["screen", "merge", "--out"]).arg(out).args(extra).output().unwrap()
}

/// The rows of a (gzip-compressed) CSV file, header first.
fn table(path: &Path) -> Vec<Vec<String>> {
    let mut text = Vec::new();
    flate2::read::MultiGzDecoder::new(std::fs::File::open(path).unwrap()).read_to_end(&mut text).unwrap();
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(text.as_slice());
    reader.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect()
}

#[test]
fn sharded_screens_merge_to_the_one_process_table() {
    let dir = scratch("e2e");
    let inputs = dir.join("inputs");
    std::fs::create_dir_all(&inputs).unwrap();
    let rows = write_inputs(&inputs);

    let whole = dir.join("whole");
    screen(&inputs, &whole, None, &[]);
    let single = table(&whole.join("shard-0000-of-0001.csv.gz"));
    assert_eq!(single.len(), rows + 1);
    let header = &single[0];
    let column = |name: &str| header.iter().position(|h| h == name).unwrap_or_else(|| panic!("{name} in {header:?}"));
    assert_eq!(header[..4], ["input_row", "material_id", "note", "cif"]);
    assert_eq!(header[4], "name");
    // Every input cell is carried through; the broken row is recorded with its error.
    let broken = single.iter().find(|r| r[column("material_id")] == "broken").unwrap();
    assert_eq!((broken[0].as_str(), broken[column("note")].as_str()), ("9", "not a crystal"));
    assert!(!broken[column("error")].is_empty(), "{broken:?}");
    assert!(broken[column("band_gap")].is_empty());
    let salt = single.iter().find(|r| r[column("material_id")] == "g000").unwrap();
    assert_eq!((salt[column("formula")].as_str(), salt[column("error")].as_str()), ("NaCl", ""));
    assert!(salt[column("band_gap")].parse::<f64>().is_ok(), "{salt:?}");

    // Three shards: one by flag, one as a Slurm array task (ids 1..3), one as a Kubernetes index.
    let sharded = dir.join("sharded");
    screen(&inputs, &sharded, Some("0/3"), &[]);
    let slurm = [("SLURM_ARRAY_TASK_ID", "2"), ("SLURM_ARRAY_TASK_MIN", "1"), ("SLURM_ARRAY_TASK_COUNT", "3")];
    screen(&inputs, &sharded, None, &slurm);
    let refused = merge(&sharded, &[]);
    assert!(!refused.status.success());
    let message = String::from_utf8_lossy(&refused.stderr);
    assert!(message.contains("lacks the results of shards 2 of 0..3"), "{message}");
    // A killed run leaves only its partial file, which the merge ignores and the rerun replaces.
    std::fs::write(sharded.join("shard-0002-of-0003.csv.gz.partial"), b"cut").unwrap();
    assert!(!merge(&sharded, &[]).status.success());
    screen(&inputs, &sharded, None, &[("JOB_COMPLETION_INDEX", "2"), ("MATFUSE_SHARDS", "3")]);
    let parts: Vec<usize> =
        (0..3).map(|i| table(&sharded.join(format!("shard-{i:04}-of-0003.csv.gz"))).len() - 1).collect();
    assert_eq!(parts.iter().sum::<usize>(), rows, "{parts:?}");
    assert!(parts.iter().all(|&n| n > 0), "{parts:?}");

    // A finished shard is not redone.
    let first = sharded.join("shard-0000-of-0003.csv.gz");
    let before = std::fs::read(&first).unwrap();
    let rerun = screen(&inputs, &sharded, Some("0/3"), &[]);
    assert!(String::from_utf8_lossy(&rerun.stderr).contains("already there"));
    assert_eq!(std::fs::read(&first).unwrap(), before);

    // Merged in input order, the shards are the one process's table row for row.
    assert!(merge(&sharded, &[]).status.success());
    assert_eq!(table(&sharded.join("merged.csv.gz")), single);
    // Sorted by a column, both agree too: largest band gap first, the broken row last.
    let sorted = |out: &Path| {
        let path = out.join("by-gap.csv.gz");
        let done = merge(out, &["--sort-by", "band_gap", "--descending", "--merged", path.to_str().unwrap()]);
        assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
        table(&path)
    };
    let by_gap = sorted(&sharded);
    assert_eq!(by_gap, sorted(&whole));
    let gaps: Vec<f64> = by_gap[1..rows].iter().map(|r| r[column("band_gap")].parse().unwrap()).collect();
    assert!(gaps.windows(2).all(|w| w[0] >= w[1]), "{gaps:?}");
    assert_eq!(by_gap[rows][column("material_id")], "broken");
    let counts = by_gap[1..].iter().fold(HashMap::new(), |mut m, r| {
        *m.entry(r[0].clone()).or_insert(0) += 1;
        m
    });
    assert!(counts.len() == rows && counts.values().all(|&n| n == 1));
    std::fs::remove_dir_all(&dir).ok();
}

#[cfg(feature = "parquet")]
#[test]
fn parquet_inputs_and_results_give_the_csv_table() {
    use backend::screen::parquet::ParquetTable;
    let dir = scratch("parquet");
    let (header, rows) = input_rows();
    let mut input = ParquetTable::create(&dir.join("inputs.parquet"), &header).unwrap();
    for row in &rows {
        input.write_row(row).unwrap();
    }
    input.finish().unwrap();
    let csv_dir = dir.join("csv");
    std::fs::create_dir_all(&csv_dir).unwrap();
    write_inputs(&csv_dir);
    screen(&csv_dir, &dir.join("from-csv"), None, &[]);
    let from_parquet = dir.join("from-parquet");
    let pattern = dir.join("*.parquet").display().to_string();
    for shard in ["0/2", "1/2"] {
        screen_files(&pattern, &from_parquet, Some(shard), &[], &["--format", "parquet"]);
    }
    assert!(from_parquet.join("shard-0001-of-0002.parquet").is_file());
    assert!(merge(&from_parquet, &[]).status.success());
    assert_eq!(table(&from_parquet.join("merged.csv.gz")), table(&dir.join("from-csv/shard-0000-of-0001.csv.gz")));
    std::fs::remove_dir_all(&dir).ok();
}

#[cfg(not(feature = "parquet"))]
#[test]
fn parquet_needs_the_feature() {
    let dir = scratch("no-parquet");
    std::fs::write(dir.join("in.parquet"), b"PAR1").unwrap();
    let out = Command::new(MATFUSE)
        .current_dir(workspace())
        .args(["screen", "--model", "models/weights/browser", "--shard", "0/1", "--input"])
        .arg(dir.join("in.parquet"))
        .arg("--out")
        .arg(dir.join("out"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("built without Parquet support"));
    std::fs::remove_dir_all(&dir).ok();
}
