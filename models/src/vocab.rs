//! WordPiece tokenisation with a BERT vocabulary (`vocab.txt`), full or pruned.
//!
//! The light (browser) encoder uses the MiniLM vocabulary pruned to the tokens the training
//! descriptions use: same normaliser, pre-tokeniser and WordPiece rules (the `tokenizers`
//! crate), a far smaller embedding table.

use crate::error::{Error, Result};
use std::collections::BTreeSet;
use tokenizers::models::wordpiece::WordPiece;
use tokenizers::normalizers::bert::BertNormalizer;
use tokenizers::pre_tokenizers::bert::BertPreTokenizer;
use tokenizers::{Model, Tokenizer};

/// Special tokens every pruned vocabulary keeps (BERT's ids 0, 100–103).
pub const SPECIAL_TOKENS: [&str; 5] = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];

/// A BERT `vocab.txt` and the tokenizer built on it.
#[derive(Clone)]
pub struct Vocabulary {
    tokens: Vec<String>,
    tokenizer: Tokenizer,
}

/// One token of an encoded text with its byte span in the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub id: u32,
    pub start: usize,
    pub end: usize,
}

impl std::fmt::Debug for Vocabulary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Vocabulary({} tokens)", self.tokens.len())
    }
}

impl Vocabulary {
    /// Parses `vocab.txt` (one token per line, id = line number).
    pub fn from_text(text: &str) -> Result<Vocabulary> {
        let tokens: Vec<String> = text.lines().map(str::to_owned).collect();
        Vocabulary::from_tokens(tokens)
    }

    pub fn from_tokens(tokens: Vec<String>) -> Result<Vocabulary> {
        if tokens.first().map(String::as_str) != Some("[PAD]") || !tokens.iter().any(|t| t == "[UNK]") {
            return Err(Error::Vocabulary("vocab.txt must start with [PAD] and contain [UNK]".into()));
        }
        let map: tokenizers::models::bpe::Vocab =
            tokens.iter().enumerate().map(|(i, t)| (t.clone(), i as u32)).collect();
        if map.len() != tokens.len() {
            return Err(Error::Vocabulary("vocab.txt lists a token twice".into()));
        }
        let wordpiece = WordPiece::builder()
            .vocab(map)
            .unk_token("[UNK]".into())
            .continuing_subword_prefix("##".into())
            .build()
            .map_err(|e| Error::Vocabulary(e.to_string()))?;
        let mut tokenizer = Tokenizer::new(wordpiece);
        tokenizer
            .with_normalizer(Some(BertNormalizer::new(true, true, None, true)))
            .map_err(|e| Error::Vocabulary(e.to_string()))?;
        tokenizer.with_pre_tokenizer(Some(BertPreTokenizer));
        Ok(Vocabulary { tokens, tokenizer })
    }

    /// The WordPiece tokenizer over this vocabulary.
    pub fn tokenizer(&self) -> &Tokenizer {
        &self.tokenizer
    }

    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    pub fn token(&self, id: u32) -> Option<&str> {
        self.tokens.get(id as usize).map(String::as_str)
    }

    /// The `vocab.txt` text.
    pub fn to_text(&self) -> String {
        let mut out = self.tokens.join("\n");
        out.push('\n');
        out
    }

    /// Tokens of `text` (no special tokens), at most `max_tokens`: the description's first
    /// sentences carry its most informative content (formula, structure type, space group).
    pub fn encode(&self, text: &str, max_tokens: usize) -> Result<Vec<Token>> {
        let encoding = self.tokenizer.encode(text, false).map_err(|e| Error::Vocabulary(e.to_string()))?;
        Ok(encoding
            .get_ids()
            .iter()
            .zip(encoding.get_offsets())
            .take(max_tokens)
            .map(|(&id, &(start, end))| Token { id, start, end })
            .collect())
    }

    pub fn encode_ids(&self, text: &str, max_tokens: usize) -> Result<Vec<u32>> {
        Ok(self.encode(text, max_tokens)?.into_iter().map(|t| t.id).collect())
    }

    /// The vocabulary restricted to the special tokens and every token that `texts` use
    /// (first `max_tokens` of each), in this vocabulary's order.
    pub fn prune<'a>(&self, texts: impl IntoIterator<Item = &'a str>, max_tokens: usize) -> Result<Vocabulary> {
        let mut used: BTreeSet<u32> =
            SPECIAL_TOKENS.iter().filter_map(|t| self.tokenizer.get_model().token_to_id(t)).collect();
        for text in texts {
            used.extend(self.encode_ids(text, max_tokens)?);
        }
        Vocabulary::from_tokens(used.into_iter().map(|id| self.tokens[id as usize].clone()).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> Vocabulary {
        let words = "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nna\n##cl\ncl\nis\nrock\nsalt\n-\n.\n2\n##8\n";
        Vocabulary::from_text(words).unwrap()
    }

    #[test]
    fn wordpiece_splits_lowercases_and_keeps_offsets() {
        let v = tiny();
        let tokens = v.encode("NaCl is Rock-salt. 28 Xe", 64).unwrap();
        let words: Vec<&str> = tokens.iter().map(|t| v.token(t.id).unwrap()).collect();
        assert_eq!(words, ["na", "##cl", "is", "rock", "-", "salt", ".", "2", "##8", "[UNK]"]);
        assert_eq!((tokens[0].start, tokens[1].end), (0, 4));
    }

    #[test]
    fn pruning_keeps_specials_and_used_tokens_in_order() {
        let v = tiny();
        let pruned = v.prune(["rock salt"], 64).unwrap();
        assert_eq!(pruned.to_text(), "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nrock\nsalt\n");
        assert_eq!(pruned.encode_ids("salt rock na", 8).unwrap(), [6, 5, 1]);
    }

    #[test]
    fn refuses_a_vocabulary_without_padding_first() {
        assert!(Vocabulary::from_text("[UNK]\n[PAD]\n").is_err());
    }
}
