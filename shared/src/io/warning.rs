//! What a reader accepted but a chemist should know: a defect it repaired (a tag given twice, a
//! quote never closed, two images of one atom a little apart) or an assumption it made (the
//! symmetry operations of a space-group symbol). [`ParseOptions::strict`](super::ParseOptions)
//! turns every repair back into the error it used to be.

use crate::error::{Error, Format, Result};
use serde::{Deserialize, Serialize};
use std::fmt;

/// One warning of a reader, for the CLI (standard error), the API (`warnings`) and the page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParseWarning {
    /// 1-based line of the pasted text the warning is about; `None` for the file as a whole.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// A sentence for a chemist: what was found and what the reader did about it.
    pub message: String,
}

impl fmt::Display for ParseWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// Collects the warnings of one parse; in strict mode a repair is refused instead.
#[derive(Debug)]
pub(crate) struct Warnings {
    format: Format,
    strict: bool,
    list: Vec<ParseWarning>,
}

impl Warnings {
    pub fn new(format: Format, strict: bool) -> Self {
        Warnings { format, strict, list: Vec::new() }
    }

    /// A defect the reader can repair at `line`: in strict mode the error `refusal`, else the
    /// warning `repaired` (which says what was done) and `Ok`.
    pub fn repair(&mut self, line: usize, refusal: impl Into<String>, repaired: impl FnOnce() -> String) -> Result<()> {
        if self.strict {
            return Err(Error::parse(self.format, line, refusal));
        }
        self.note(Some(line), repaired());
        Ok(())
    }

    /// An assumption the reader made, reported in every mode.
    pub fn note(&mut self, line: Option<usize>, message: impl Into<String>) {
        self.list.push(ParseWarning { line, message: message.into() });
    }

    pub fn is_strict(&self) -> bool {
        self.strict
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Adds the warnings of a trial parse that was kept.
    pub fn extend(&mut self, other: Warnings) {
        self.list.extend(other.list);
    }

    pub fn into_vec(self) -> Vec<ParseWarning> {
        self.list
    }
}
