//! Helpers shared by the cross-crate tests: locating `../shared/data` and reading its tables.

use std::io::Read;
use std::path::{Path, PathBuf};

/// The team data directory (`$MATFUSE_DATASETS_DIR`, else `../shared/data` beside the checkout).
///
/// Under `CI=true` a missing directory fails the test; elsewhere the test is skipped with the
/// reason printed (a user's fresh clone has no `../shared`).
pub fn data_dir(test: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("MATFUSE_DATASETS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data"));
    if dir.is_dir() {
        return Some(dir);
    }
    let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    assert!(!ci, "{test}: CI=true but the data directory {} is missing", dir.display());
    eprintln!("SKIPPED {test}: data directory {} not found (set MATFUSE_DATASETS_DIR)", dir.display());
    None
}

/// A CSV table (gzip-compressed if the name ends in .gz) as header + string records.
pub fn read_csv(path: &Path) -> (Vec<String>, Vec<csv::StringRecord>) {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let reader: Box<dyn Read> = if path.extension().is_some_and(|e| e == "gz") {
        Box::new(flate2::read::MultiGzDecoder::new(std::io::BufReader::new(file)))
    } else {
        Box::new(std::io::BufReader::new(file))
    };
    let mut csv = csv::Reader::from_reader(reader);
    let headers = csv.headers().expect("header row").iter().map(str::to_string).collect();
    let records = csv.records().map(|r| r.expect("well-formed CSV row")).collect();
    (headers, records)
}

/// Column index by name.
pub fn column(headers: &[String], name: &str) -> usize {
    headers.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column `{name}`"))
}

/// Writes the first rows of each split of mp2018 (`caps`: train, val, test) to `dir/mp2018.csv`
/// and the rows of mp2022_ehull that label them to `dir/ehull.csv`, and returns both paths.
///
/// A training run capped at the same numbers reads exactly the rows it would read from the whole
/// tables (ehull rows of other materials come after every mp2018 row, so a cap never reaches
/// them), but featurises a few hundred structures instead of ~140,000.
pub fn first_rows_of_each_split(data: &Path, dir: &Path, caps: [usize; 3]) -> (PathBuf, PathBuf) {
    let (headers, rows) = read_csv(&data.join("mp2018/mp2018.csv.gz"));
    let (split, id) = (column(&headers, "split"), column(&headers, "material_id"));
    let mut kept = std::collections::HashSet::new();
    let mp2018 = dir.join("mp2018.csv");
    let mut out = csv::Writer::from_path(&mp2018).unwrap();
    out.write_record(&headers).unwrap();
    for (name, cap) in ["train", "val", "test"].into_iter().zip(caps) {
        for row in rows.iter().filter(|r| &r[split] == name).take(cap) {
            out.write_record(row).unwrap();
            kept.insert(row[id].to_string());
        }
    }
    out.flush().unwrap();
    let (headers, rows) = read_csv(&data.join("mp2022_ehull/mp2022_ehull.csv.gz"));
    let id = column(&headers, "material_id");
    let ehull = dir.join("ehull.csv");
    let mut out = csv::Writer::from_path(&ehull).unwrap();
    out.write_record(&headers).unwrap();
    for row in rows.iter().filter(|r| kept.contains(&r[id])) {
        out.write_record(row).unwrap();
    }
    out.flush().unwrap();
    (mp2018, ehull)
}
