//! Training-job fixtures shared by the in-process job tests and the process tests: a tiny
//! training config, a slice of mp2018 as an upload, and a job's multipart form.

use super::form::Part;

/// The smallest network, `epochs` epochs.
pub fn config(epochs: usize) -> String {
    format!(
        "id = \"tiny\"\n\
         [model]\nfusion = \"cross\"\nfused = 16\nheads = 2\n\
         graph = {{ hidden = 16, layers = 1 }}\n\
         text = {{ vocab_size = 0, hidden = 16, layers = 1, heads = 2, max_tokens = 32 }}\n\
         [train]\nepochs = {epochs}\nbatch_size = 16\npatience = 1000\nseed = 7\n"
    )
}

/// The MiniLM vocabulary the light text encoder is pruned from (required under CI).
pub fn vocab_installed() -> bool {
    let path = super::workspace().join(".matfuse/encoders/all-MiniLM-L6-v2/vocab.txt");
    if path.is_file() {
        return true;
    }
    let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    assert!(!ci, "CI=true but {} is missing: run scripts/fetch-encoder.sh", path.display());
    eprintln!("SKIPPED: {} missing (run scripts/fetch-encoder.sh)", path.display());
    false
}

/// The first `rows` rows of mp2018 as a CSV file (gzip-compressed when `gzip`); `None` (skip)
/// without the shared data or the vocabulary outside CI.
pub fn table(test: &str, rows: usize, gzip: bool) -> Option<Vec<u8>> {
    let data = matfuse_tests::data_dir(test)?;
    if !vocab_installed() {
        return None;
    }
    let (headers, records) = matfuse_tests::read_csv(&data.join("mp2018/mp2018.csv.gz"));
    let split = matfuse_tests::column(&headers, "split");
    let records = &records[..rows];
    assert!(records.iter().any(|r| &r[split] == "train") && records.iter().any(|r| &r[split] == "val"));
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(&headers).unwrap();
    for record in records {
        writer.write_record(record).unwrap();
    }
    let csv = writer.into_inner().unwrap();
    if !gzip {
        return Some(csv);
    }
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut encoder, &csv).unwrap();
    Some(encoder.finish().unwrap())
}

/// A job submission form: `config` and other plain fields; `data` as the file `table.csv`.
pub fn multipart(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let parts: Vec<Part> = parts
        .iter()
        .map(|&(name, content)| match name {
            "data" => Part { filename: Some("table.csv"), ..Part::field(name, content) },
            _ => Part::field(name, content),
        })
        .collect();
    super::form::body(&parts)
}
