//! `matfuse phases`: the reference phase table for energy above hull (`shared::stability`), built
//! from Materials Project formation energies, kept to the phases on the hull, and written as
//! `phases.bin.gz` + `phases.json` (`models::phases`).
//!
//! The shipped table is a reference database that answers users, so it holds every split's
//! known phases (rock salt is on the hull even though NaCl is a test formula). Evaluation never
//! reads it: `matfuse hull-eval` builds its own table of the train split alone ([`train_table`]),
//! since a val or test material's polymorphs in the table would flatter the hull estimate.
//! Rebuilding keeps the estimator choices and correction check already recorded in
//! `phases.json`, which come from that train-only evaluation.

use crate::error::{Error, Result};
use models::bundle::sha256_hex;
use models::phases::{PHASES_FILE, PHASES_INFO_FILE, PhasesInfo};
use shared::stability::{ON_HULL_TOLERANCE, Phase, PhaseTable, phases_on_hull};
use std::io::Read;
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct PhasesArgs {
    /// mp2018-layout table (CSV or CSV.gz with `material_id`, `reduced_formula`,
    /// `formation_energy_per_atom`, `split`).
    #[arg(long, default_value = "../shared/data/mp2018/mp2018.csv.gz")]
    pub data: PathBuf,
    /// Rows of these splits (comma-separated) go into the table.
    #[arg(long, default_value = "train,val,test", value_delimiter = ',')]
    pub split: Vec<String>,
    /// Directory to write `phases.bin.gz` and `phases.json` into.
    #[arg(long, default_value = "models/weights")]
    pub out: PathBuf,
}

/// One row's formation energy.
pub(super) struct FormationRow {
    pub id: String,
    pub formula: String,
    /// eV/atom.
    pub energy: f64,
    pub split: String,
}

pub fn run(args: &PhasesArgs) -> Result<()> {
    let rows = formation_rows(&args.data)?;
    let splits: Vec<&str> = args.split.iter().map(String::as_str).collect();
    let (table, count) = hull_table(&rows, &splits)?;
    let compressed = table.to_gzip();
    std::fs::create_dir_all(&args.out).map_err(|source| Error::Write { path: args.out.clone(), source })?;
    let path = args.out.join(PHASES_FILE);
    std::fs::write(&path, &compressed).map_err(|source| Error::Write { path: path.clone(), source })?;
    let recorded = match std::fs::read(args.out.join(PHASES_INFO_FILE)) {
        Ok(bytes) => Some(PhasesInfo::from_json(&bytes, &args.out.join(PHASES_INFO_FILE))?),
        Err(_) => None,
    };
    let info = PhasesInfo {
        file: PHASES_FILE.into(),
        sha256: sha256_hex(&compressed),
        phases: table.len(),
        rows: count,
        source: format!(
            "Materials Project 2018 formation energies, the {} split{} of {}",
            splits.join(" + "),
            if splits.len() > 1 { "s" } else { "" },
            args.data.file_name().map_or_else(|| args.data.display().to_string(), |n| n.to_string_lossy().into())
        ),
        command: command_line(),
        estimator: recorded.as_ref().map(|r| r.estimator.clone()).unwrap_or_default(),
        correction_check: recorded.and_then(|r| r.correction_check),
    };
    info.write(&args.out)?;
    eprintln!(
        "wrote {} ({} of {count} rows on the hull, {} bytes gzip, sha256 {})",
        path.display(),
        table.len(),
        compressed.len(),
        info.sha256
    );
    Ok(())
}

/// The phases of the rows of `splits` that can lie on a hull, and how many rows went in.
pub(super) fn hull_table(rows: &[FormationRow], splits: &[&str]) -> Result<(PhaseTable, usize)> {
    let phases = rows
        .iter()
        .filter(|r| splits.contains(&r.split.as_str()))
        .map(|r| Phase::from_formula(&r.id, &r.formula, r.energy))
        .collect::<shared::Result<Vec<_>>>()?;
    let count = phases.len();
    Ok((phases_on_hull(&PhaseTable::new(phases), ON_HULL_TOLERANCE)?, count))
}

/// The table evaluation judges against: the train split's phases alone.
pub(super) fn train_table(rows: &[FormationRow]) -> Result<PhaseTable> {
    Ok(hull_table(rows, &["train"])?.0)
}

/// This run's command line, as `matfuse …` wherever the binary lives.
pub(super) fn command_line() -> String {
    std::iter::once("matfuse".to_string()).chain(std::env::args().skip(1)).collect::<Vec<_>>().join(" ")
}

/// Every row's id, reduced formula, formation energy and split (the structures are not read).
pub(super) fn formation_rows(path: &Path) -> Result<Vec<FormationRow>> {
    let table_err = |message: String| Error::Table { path: path.into(), message };
    let file = std::fs::File::open(path).map_err(|source| Error::Read { path: path.into(), source })?;
    let reader: Box<dyn Read> = if path.extension().is_some_and(|e| e == "gz") {
        Box::new(flate2::read::MultiGzDecoder::new(file))
    } else {
        Box::new(file)
    };
    let mut csv = csv::Reader::from_reader(reader);
    let headers = csv.headers().map_err(|e| table_err(e.to_string()))?.clone();
    let column =
        |name: &str| headers.iter().position(|h| h == name).ok_or_else(|| table_err(format!("no `{name}` column")));
    let [id, formula, energy, split] =
        [column("material_id")?, column("reduced_formula")?, column("formation_energy_per_atom")?, column("split")?];
    let mut rows = Vec::new();
    for (line, record) in csv.records().enumerate() {
        let record = record.map_err(|e| table_err(e.to_string()))?;
        let energy: f64 = record[energy]
            .parse()
            .map_err(|_| table_err(format!("row {}: `{}` is not a formation energy", line + 1, &record[energy])))?;
        rows.push(FormationRow {
            id: record[id].to_string(),
            formula: record[formula].to_string(),
            energy,
            split: record[split].to_string(),
        });
    }
    Ok(rows)
}
