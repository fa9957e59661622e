use shared::describe::{DescribeOptions, Description, describe};
use shared::symmetry::{DEFAULT_SYMPREC, analyze};
use std::path::{Path, PathBuf};
fn data_dir(test: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("MATFUSE_DATA_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data"));
    if dir.is_dir() {
        return Some(dir);
    }
    let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    assert!(!ci, "{test}: CI=true but the data directory {} is missing", dir.display());
    eprintln!("SKIPPED {test}: data directory {} not found (set MATFUSE_DATA_DIR)", dir.display());
    None
}

/// Crystal system and space-group symbol from "… crystallizes in the cubic Fm-3m space group".
fn space_group(text: &str) -> Option<(&str, &str)> {
    let rest = &text[text.find("crystallizes in the ")? + "crystallizes in the ".len()..];
    let mut words = rest.split_whitespace();
    let (system, symbol) = (words.next()?, words.next()?);
    (words.next()? == "space").then_some((system, symbol))
}

struct Row {
    id: String,
    text: String,
    cif: String,
}

fn rows(test: &str) -> Option<Vec<Row>> {
    let path = data_dir(test)?.join("text_examples/matmmfuse_300.csv");
    let mut reader = csv::Reader::from_path(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let headers = reader.headers().expect("header row").clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"));
    let (id, text, cif) = (column("id"), column("text"), column("cif"));
    let rows: Vec<Row> = reader
        .records()
        .map(|r| {
            let r = r.expect("well-formed CSV row");
            Row { id: r[id].to_string(), text: r[text].to_string(), cif: r[cif].to_string() }
        })
        .collect();
    assert!(rows.len() >= 250, "only {} rows in {}", rows.len(), path.display());
    Some(rows)
}

fn describe_row(row: &Row, symprec: f64) -> Description {
    let structure = shared::io::parse(&row.cif).unwrap_or_else(|e| panic!("{}: {e}", row.id));
    let symmetry = analyze(&structure, symprec).unwrap_or_else(|e| panic!("{}: {e}", row.id));
    describe(&structure, &symmetry, &DescribeOptions::default())
}

/// Share of rows whose space group (system and symbol) matches, with the disagreements.
fn space_group_agreement(rows: &[Row], symprec: f64) -> (f64, Vec<String>) {
    let mut disagreements = Vec::new();
    for row in rows {
        let expected = space_group(&row.text).unwrap_or_else(|| panic!("{}: no space group in the text", row.id));
        let description = describe_row(row, symprec);
        let ours = space_group(&description.text).expect("our text names the space group");
        if ours != expected {
            disagreements.push(format!("{}: {expected:?} vs ours {ours:?}", row.id));
        }
    }
    (1.0 - disagreements.len() as f64 / rows.len() as f64, disagreements)
}

/// A number written in words, up to ninety-nine ("six", "twenty-four").
fn number_word(word: &str) -> Option<usize> {
    const ONES: [&str; 20] = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
        "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
    ];
    const TENS: [&str; 8] = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];
    let ones = |w: &str| ONES.iter().position(|x| *x == w);
    let tens = |w: &str| TENS.iter().position(|x| *x == w).map(|k| 20 + 10 * k);
    match word.split_once('-') {
        Some((t, o)) => Some(tens(t)? + ones(o)?),
        None => ones(word).or_else(|| tens(word)),
    }
}

/// (element, coordination number) of each site sentence of a Robocrystallographer text:
/// "Ti(1) is bonded in a 6-coordinate geometry to one O(2), … and two equivalent O(4) atoms".
fn robocrys_coordination(text: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for sentence in text.split(". ") {
        let Some(at) = sentence.find(" is bonded") else { continue };
        let label = sentence[..at].rsplit([' ', ',']).next().unwrap_or("");
        let element: String = label.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
        let rest = &sentence[at..];
        let Some(start) = rest.find(" to ") else { continue };
        let list = &rest[start + 4..];
        let list = &list[..list.find(" atom").unwrap_or(list.len())];
        let cn = list
            .replace(", and ", ", ")
            .replace(" and ", ", ")
            .split(", ")
            .filter_map(|piece| number_word(piece.split_whitespace().next()?))
            .sum();
        out.push((element, cn));
    }
    out.sort();
    out
}


#[test]
fn grid() {
    let rows = rows("grid").unwrap();
    let parsed: Vec<_> = rows.iter().map(|r| { let s = shared::io::parse(&r.cif).unwrap(); let y = analyze(&s, 0.01).unwrap(); (s, y, robocrys_coordination(&r.text)) }).collect();
    for (it, mt) in [(0.25,0.1)] {
        let opts = DescribeOptions { ionic_tolerance: it, metallic_tolerance: mt, ..Default::default() };
        let (mut n, mut ok) = (0, 0);
        let mut miss: std::collections::BTreeMap<String, usize> = Default::default();
        for (s, y, expected) in &parsed {
            let d = describe(s, y, &opts);
            let mut un: Vec<(String, usize)> = d.sites.iter().map(|s| (s.element.symbol().to_string(), s.coordination)).collect();
            for site in expected { if let Some(k) = un.iter().position(|x| x == site) { un.swap_remove(k); ok += 1; } else { *miss.entry(format!("{}{}", site.0, site.1)).or_default() += 1; } }
            n += expected.len();
        }
        let words = ["-coordinate geometry", "octahedra", "tetrahedra", "distorted", "is bonded", "trigonal planar", "bent", "linear", "body-centered", "cuboctahedra", "pyramid", "see-saw", "square co-planar", "T-shaped", "non-coplanar"];
        let count = |t: &str, w: &str| t.matches(w).count();
        let theirs: String = rows.iter().map(|r| r.text.clone()).collect::<Vec<_>>().join(" ");
        let ours: String = parsed.iter().map(|(s, y, _)| describe(s, y, &opts).text).collect::<Vec<_>>().join(" ");
        for w in words { println!("{w:>22}: robocrys {:5} ours {:5}", count(&theirs, w), count(&ours, w)); }
        let mut m: Vec<_> = miss.into_iter().collect(); m.sort_by_key(|x| std::cmp::Reverse(x.1));
        println!("ionic {it} metallic {mt}: {:.1} %  top missed {:?}", 100.0 * ok as f64 / n as f64, &m[..8.min(m.len())]);
    }
}
