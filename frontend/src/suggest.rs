//! "What to compute next" in the page: an uploaded pool becomes the body of the server's
//! `POST /api/v1/suggest`, and its ranking downloads as CSV.

use shared::api::SuggestResponse;
use shared::batch::csv_record;

use crate::batch::multipart_body;

/// The request body for a pool of files (`(name, bytes)`) and its content type: one CSV file is
/// sent as a `text/csv` table (so a table the server cannot read is refused with why), anything
/// else as the multipart files the batch endpoint reads.
pub fn pool_body(files: &[(String, Vec<u8>)]) -> (Vec<u8>, String) {
    match files {
        [(name, bytes)] if name.to_ascii_lowercase().ends_with(".csv") => (bytes.clone(), "text/csv".into()),
        _ => multipart_body(files),
    }
}

/// The ranking as CSV: rank, name, formula, the committee's disagreement, σ, the OOD score and
/// level, the predicted value and each member's value (columns named after the committee).
pub fn ranking_csv(answer: &SuggestResponse) -> String {
    let unit = &answer.unit;
    let mut header: Vec<String> = ["rank", "name", "formula"].map(String::from).to_vec();
    header.extend([
        format!("disagreement ({unit})"),
        format!("sigma ({unit})"),
        "ood_score".into(),
        "ood_level".into(),
        format!("{} ({unit})", answer.property),
    ]);
    header.extend(answer.committee.iter().map(|m| format!("{m} ({unit})")));
    let mut csv = csv_record(&header);
    for s in &answer.ranked {
        let mut cells = vec![s.rank.to_string(), s.name.clone(), s.formula.clone()];
        cells.extend([
            s.disagreement.to_string(),
            s.sigma.to_string(),
            s.ood_score.map(|x| x.to_string()).unwrap_or_default(),
            s.ood_level.as_str().to_string(),
            s.value.to_string(),
        ]);
        cells.extend(s.members.iter().map(f64::to_string));
        csv.push_str(&csv_record(&cells));
    }
    csv
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::api::OodLevel;

    #[test]
    fn one_csv_goes_as_a_table_and_others_as_multipart() {
        let csv = ("pool.CSV".to_string(), b"name,cif\n".to_vec());
        assert_eq!(pool_body(std::slice::from_ref(&csv)), (b"name,cif\n".to_vec(), "text/csv".to_string()));
        let (_, content_type) = pool_body(&[csv.clone(), ("a.cif".into(), vec![])]);
        assert!(content_type.starts_with("multipart/form-data; boundary="));
    }

    #[test]
    fn ranking_rows_follow_the_header() {
        let answer: SuggestResponse = serde_json::from_value(serde_json::json!({
            "model": {"id": "m", "version": "1", "trained": true, "weights_sha256": ""},
            "property": "band_gap", "unit": "eV", "committee": ["fused", "graph only"],
            "method": "", "ood_method": "", "pool": 1, "failed": [],
            "ranked": [{"rank": 1, "name": "a, b", "formula": "NaCl", "value": 1.5, "members": [1.5, 2.0],
                        "disagreement": 0.25, "sigma": 0.1, "ood_score": null, "ood_quantile": null,
                        "ood_level": "unknown"}],
        }))
        .unwrap();
        let csv = ranking_csv(&answer);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(
            lines[0],
            "rank,name,formula,disagreement (eV),sigma (eV),ood_score,ood_level,band_gap (eV),fused (eV),graph only (eV)"
        );
        assert_eq!(lines[1], format!("1,\"a, b\",NaCl,0.25,0.1,,{},1.5,1.5,2", OodLevel::Unknown.as_str()));
    }
}
