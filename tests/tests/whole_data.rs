//! Every structure of the team data parses, featurises and matches the tables' own columns.
//! Run in release mode (`--profile ci` or `--release`): ~45k structures.

use matfuse_tests::{column, data_dir, read_csv};
use rayon::prelude::*;
use shared::Structure;
use shared::composition::reduced_formula;
use shared::describe::{DescribeOptions, describe};
use shared::graph::CrystalGraph;
use shared::symmetry::{DEFAULT_SYMPREC, analyze};

/// Parses, builds the graph and the description; returns the structure.
fn featurise(text: &str) -> Result<Structure, String> {
    let s = shared::io::parse(text).map_err(|e| e.to_string())?;
    let graph = CrystalGraph::from_structure(&s);
    if graph.num_edges() == 0 {
        return Err("graph has no edges".into());
    }
    let symmetry = analyze(&s, DEFAULT_SYMPREC).map_err(|e| e.to_string())?;
    let text = describe(&s, &symmetry, &DescribeOptions::default()).text;
    if text.is_empty() {
        return Err("empty description".into());
    }
    Ok(s)
}

fn rel_close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * b.abs().max(1e-12)
}

#[test]
fn mp2018_parses_featurises_and_matches_its_columns() {
    let Some(dir) = data_dir("mp2018") else { return };
    let (h, rows) = read_csv(&dir.join("mp2018/mp2018.csv.gz"));
    assert_eq!(rows.len(), 36_738);
    let (cif, id, nsites, volume, formula) = (
        column(&h, "cif"),
        column(&h, "material_id"),
        column(&h, "nsites"),
        column(&h, "volume"),
        column(&h, "reduced_formula"),
    );
    let problems: Vec<String> = rows
        .par_iter()
        .filter_map(|r| {
            let s = match featurise(&r[cif]) {
                Ok(s) => s,
                Err(e) => return Some(format!("{}: {e}", &r[id])),
            };
            let mut issues = Vec::new();
            if s.len().to_string() != r[nsites] {
                issues.push(format!("nsites {} vs {}", s.len(), &r[nsites]));
            }
            let v: f64 = r[volume].parse().unwrap();
            if !rel_close(s.lattice().volume(), v, 1e-4) {
                issues.push(format!("volume {} vs {v}", s.lattice().volume()));
            }
            if reduced_formula(&s) != r[formula] {
                issues.push(format!("formula {} vs {}", reduced_formula(&s), &r[formula]));
            }
            (!issues.is_empty()).then(|| format!("{}: {}", &r[id], issues.join("; ")))
        })
        .collect();
    assert!(problems.is_empty(), "{} of {} rows disagree:\n{}", problems.len(), rows.len(), problems.join("\n"));
}

#[test]
fn mp2022_density_and_space_groups_agree() {
    let Some(dir) = data_dir("mp2022_ehull") else { return };
    let (h, rows) = read_csv(&dir.join("mp2022_ehull/mp2022_ehull.csv.gz"));
    assert_eq!(rows.len(), 2_153);
    let (cif, id, density, sg) =
        (column(&h, "cif"), column(&h, "material_id"), column(&h, "density"), column(&h, "space_group_number"));
    let results: Vec<Result<(bool, Option<String>), String>> = rows
        .par_iter()
        .map(|r| {
            let s = featurise(&r[cif]).map_err(|e| format!("{}: {e}", &r[id]))?;
            let d: f64 = r[density].parse().unwrap();
            if !rel_close(s.density(), d, 1e-3) {
                return Err(format!("{}: density {:.4} vs {d}", &r[id], s.density()));
            }
            let ours = analyze(&s, DEFAULT_SYMPREC).map_err(|e| e.to_string())?.number;
            let theirs: u16 = r[sg].parse().unwrap();
            Ok((ours == theirs, (ours != theirs).then(|| format!("{}: ours {ours}, MP {theirs}", &r[id]))))
        })
        .collect();
    let errors: Vec<&String> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert!(
        errors.is_empty(),
        "{} rows failed:\n{}",
        errors.len(),
        errors.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n")
    );
    let agree = results.iter().filter(|r| matches!(r, Ok((true, _)))).count();
    let disagreements: Vec<&String> =
        results.iter().filter_map(|r| r.as_ref().ok().and_then(|x| x.1.as_ref())).collect();
    let share = agree as f64 / rows.len() as f64;
    eprintln!("space group agreement with mp2022_ehull: {agree}/{} = {:.2} %", rows.len(), 100.0 * share);
    for d in &disagreements {
        eprintln!("  disagreement {d}");
    }
    assert!(share >= 0.99, "space-group agreement {:.2} % < 99 %", 100.0 * share);
}

#[test]
fn perov5_text_examples_and_jarvis_parse_and_featurise() {
    let Some(dir) = data_dir("perov5/text_examples/jarvis") else { return };
    let mut failures = Vec::new();
    let mut count = 0;
    for (file, col) in [("perov5/perov5_val.csv", "cif"), ("text_examples/matmmfuse_300.csv", "cif")] {
        let (h, rows) = read_csv(&dir.join(file));
        let c = column(&h, col);
        count += rows.len();
        failures.extend(
            rows.par_iter()
                .enumerate()
                .filter_map(|(i, r)| featurise(&r[c]).err().map(|e| format!("{file} row {i}: {e}")))
                .collect::<Vec<_>>(),
        );
    }
    let mut poscars = Vec::new();
    let mut stack = vec![dir.join("jarvis_samples")];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.file_name().unwrap().to_string_lossy().starts_with("POSCAR") {
                poscars.push(p);
            }
        }
    }
    assert!(poscars.len() >= 100, "expected the JARVIS POSCAR samples, found {}", poscars.len());
    count += poscars.len();
    for p in &poscars {
        if let Err(e) = featurise(&std::fs::read_to_string(p).unwrap()) {
            failures.push(format!("{}: {e}", p.display()));
        }
    }
    eprintln!("featurised {count} structures from perov5, matmmfuse_300 and JARVIS");
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}
