//! Splitting the description into plain and highlighted pieces: the tokens the atoms attend to
//! most are marked, with their share of the attention.

use crate::model::WeightedSpan;

/// A piece of the description: `weight` is `Some` for a highlighted token.
#[derive(Clone, Debug, PartialEq)]
pub struct Piece {
    pub text: String,
    pub weight: Option<f64>,
}

/// `text` cut into pieces so that the `top` most-attended tokens (by weight; ties: earlier
/// first) are pieces of their own. Spans outside `text` or not on character boundaries are
/// ignored; joining the pieces gives `text` back.
pub fn highlighted(text: &str, tokens: &[WeightedSpan], top: usize) -> Vec<Piece> {
    let mut ranked: Vec<&WeightedSpan> =
        tokens.iter().filter(|t| t.start < t.end && text.get(t.start..t.end).is_some()).collect();
    ranked.sort_by(|a, b| b.weight.total_cmp(&a.weight).then(a.start.cmp(&b.start)));
    ranked.truncate(top);
    ranked.sort_by_key(|t| t.start);

    let mut pieces = Vec::new();
    let mut at = 0;
    for token in ranked {
        if token.start < at {
            continue; // overlapping spans: keep the first
        }
        if token.start > at {
            pieces.push(Piece { text: text[at..token.start].to_owned(), weight: None });
        }
        pieces.push(Piece { text: text[token.start..token.end].to_owned(), weight: Some(token.weight) });
        at = token.end;
    }
    if at < text.len() {
        pieces.push(Piece { text: text[at..].to_owned(), weight: None });
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(start: usize, end: usize, weight: f64) -> WeightedSpan {
        WeightedSpan { token: String::new(), start, end, weight }
    }

    #[test]
    fn marks_the_top_tokens_and_keeps_the_text() {
        let text = "NaCl is rock salt structured.";
        let tokens = [span(0, 2, 0.1), span(2, 4, 0.4), span(8, 12, 0.3), span(13, 17, 0.2), span(40, 45, 0.9)];
        let pieces = highlighted(text, &tokens, 2);
        let joined: String = pieces.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(joined, text);
        let marked: Vec<(&str, f64)> = pieces.iter().filter_map(|p| Some((p.text.as_str(), p.weight?))).collect();
        assert_eq!(marked, [("Cl", 0.4), ("rock", 0.3)]);
    }

    #[test]
    fn no_tokens_is_one_plain_piece() {
        assert_eq!(highlighted("abc", &[], 8), [Piece { text: "abc".into(), weight: None }]);
        assert!(highlighted("", &[], 8).is_empty());
    }
}
