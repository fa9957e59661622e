//! The CIF 1.1 syntax: data blocks of tag–value pairs and loops, each value with its line.
//!
//! Grammar handled: `data_name` headers, `_tags` (case-insensitive; DDLm dots read as `_`),
//! `loop_`, bare / 'single' / "double" quoted values (a quote closes only before whitespace),
//! `;` text fields, `#` comments, `?` and `.` nulls. Save frames are skipped; `global_` and
//! `stop_` are refused.
//!
//! Defects other readers accept are repaired with a warning (refused in strict mode): a tag given
//! twice in a block keeps its first value, a quote left open at the end of a line closes there,
//! and text before the first `data_` line is skipped.

use super::warning::Warnings;
use crate::error::{Error, Format, Result};
use std::borrow::Cow;
use std::collections::HashMap;

/// A value with the line it starts on.
#[derive(Debug, Clone, PartialEq)]
pub struct Value<'a> {
    pub text: Cow<'a, str>,
    /// 1-based line (the opening line for a text field).
    pub line: usize,
    /// Quoted values and text fields are always strings: `'?'` is not "unknown".
    pub quoted: bool,
}

impl Value<'_> {
    /// `?` (unknown) or `.` (inapplicable), unquoted.
    pub fn is_null(&self) -> bool {
        !self.quoted && (self.text == "?" || self.text == ".")
    }
}

/// A `loop_`: `tags.len()` columns, values stored row after row.
#[derive(Debug)]
struct Loop<'a> {
    tags: Vec<String>,
    values: Vec<Value<'a>>,
}

/// One `data_` block.
#[derive(Debug)]
pub struct Block<'a> {
    pub name: &'a str,
    /// Line of the `data_` header.
    pub line: usize,
    pairs: Vec<(String, Value<'a>)>,
    loops: Vec<Loop<'a>>,
    /// Every tag of the block and its first line, to find duplicates.
    seen: HashMap<String, usize>,
}

/// All values of one tag: a loop column, or the single value of a tag–value pair.
#[derive(Debug)]
pub struct Column<'b, 'a> {
    pub values: Vec<&'b Value<'a>>,
    /// Which loop the column belongs to (`None` for a tag–value pair).
    pub loop_index: Option<usize>,
}

impl<'a> Block<'a> {
    /// The column of a (normalised) tag, wherever it is.
    pub fn column<'b>(&'b self, tag: &str) -> Option<Column<'b, 'a>> {
        if let Some((_, v)) = self.pairs.iter().find(|(t, _)| t == tag) {
            return Some(Column { values: vec![v], loop_index: None });
        }
        self.loops.iter().enumerate().find_map(|(index, l)| {
            let col = l.tags.iter().position(|t| t == tag)?;
            let values = l.values.iter().skip(col).step_by(l.tags.len()).collect();
            Some(Column { values, loop_index: Some(index) })
        })
    }

    /// The value of a tag that should have one value (a pair, or a loop with one row).
    pub fn value(&self, tag: &str) -> Option<&Value<'a>> {
        self.column(tag).and_then(|c| if c.values.len() == 1 { Some(c.values[0]) } else { None })
    }

    /// Whether the block has the (normalised) tag.
    pub fn has(&self, tag: &str) -> bool {
        self.seen.contains_key(tag)
    }

    /// Whether any tag of the block starts with this (normalised) prefix.
    pub fn has_prefix(&self, prefix: &str) -> bool {
        self.seen.keys().any(|t| t.starts_with(prefix))
    }

    fn new(name: &'a str, line: usize) -> Self {
        Block { name, line, pairs: Vec::new(), loops: Vec::new(), seen: HashMap::new() }
    }

    /// Records a tag; `false` when the block already has it (the first value is the one kept).
    fn declare(&mut self, tag: &str, line: usize, warnings: &mut Warnings) -> Result<bool> {
        let Some(&first) = self.seen.get(tag) else {
            self.seen.insert(tag.to_string(), line);
            return Ok(true);
        };
        let twice = format!("'{tag}' appears twice in data block '{}' (lines {first} and {line})", self.name);
        warnings.repair(line, twice.clone(), || format!("{twice}; the first value is used"))?;
        Ok(false)
    }
}

/// Lower case with DDLm's `.` read as `_`: `_Cell.Length_A` → `_cell_length_a`.
pub fn normalize_tag(tag: &str) -> String {
    tag.to_ascii_lowercase().replace('.', "_")
}

/// Parses a whole CIF file into its data blocks; repaired defects go to `warnings`.
pub fn parse<'a>(text: &'a str, warnings: &mut Warnings) -> Result<Vec<Block<'a>>> {
    let mut tokens = tokenize(text, warnings)?;
    skip_preamble(&mut tokens, warnings)?;
    let mut blocks: Vec<Block> = Vec::new();
    let mut it = tokens.into_iter().peekable();
    while let Some(Token { kind, line }) = it.next() {
        match kind {
            Kind::Data(name) => {
                if name.is_empty() {
                    return Err(err(line, "'data_' must be followed by a block name, like 'data_NaCl'"));
                }
                blocks.push(Block::new(name, line));
            }
            Kind::Tag(tag) => {
                let block = current_block(&mut blocks, line, tag)?;
                let Some(Token { kind: Kind::Value(mut value), .. }) = it.next_if(|t| matches!(t.kind, Kind::Value(_)))
                else {
                    return Err(err(line, format!("'{tag}' has no value")));
                };
                // An unquoted value with spaces ("_chemical_name_common Sodium chloride"): keep the
                // rest of the line as one value rather than failing on the second word.
                while let Some(Token { kind: Kind::Value(more), .. }) = it.next_if(
                    |t| matches!(&t.kind, Kind::Value(v) if !v.quoted && !value.quoted && v.line == value.line),
                ) {
                    value.text = Cow::Owned(format!("{} {}", value.text, more.text));
                }
                let tag = normalize_tag(tag);
                if block.declare(&tag, line, warnings)? {
                    block.pairs.push((tag, value));
                }
            }
            Kind::Loop => {
                let block = current_block(&mut blocks, line, "loop_")?;
                let mut tags = Vec::new();
                while let Some(Token { kind: Kind::Tag(tag), line: tag_line }) =
                    it.next_if(|t| matches!(t.kind, Kind::Tag(_)))
                {
                    let tag = normalize_tag(tag);
                    // A repeated column stays in the loop (its values fill the rows); lookups
                    // find the tag's first occurrence.
                    block.declare(&tag, tag_line, warnings)?;
                    tags.push(tag);
                }
                if tags.is_empty() {
                    return Err(err(
                        line,
                        "'loop_' must be followed by the names of its columns (tags starting with '_')",
                    ));
                }
                let mut values = Vec::new();
                while let Some(Token { kind: Kind::Value(v), .. }) = it.next_if(|t| matches!(t.kind, Kind::Value(_))) {
                    values.push(v);
                }
                check_whole_rows(line, &tags, &values)?;
                block.loops.push(Loop { tags, values });
            }
            Kind::Value(v) => return Err(err(v.line, unexpected_value(&v))),
            Kind::Save(name) => {
                if name.is_empty() {
                    return Err(err(line, "'save_' closes a save frame that was never opened"));
                }
                let closed = it.by_ref().any(|t| matches!(t.kind, Kind::Save("")));
                if !closed {
                    return Err(err(line, format!("save frame 'save_{name}' is never closed by 'save_'")));
                }
            }
            Kind::Global | Kind::Stop => {
                return Err(err(line, "'global_' and 'stop_' are not part of CIF 1.1 crystal files"));
            }
        }
    }
    if blocks.is_empty() {
        return Err(err(1, "no data block found; a CIF starts its data with a line like 'data_NaCl'"));
    }
    Ok(blocks)
}

/// Text before the first `data_` line (a title, a program's banner) is not CIF; other readers
/// ignore it. A file without any `data_` line keeps its error.
fn skip_preamble(tokens: &mut Vec<Token<'_>>, warnings: &mut Warnings) -> Result<()> {
    let Some(first_block) = tokens.iter().position(|t| matches!(t.kind, Kind::Data(_))) else {
        return Ok(());
    };
    if first_block == 0 {
        return Ok(());
    }
    let (first, last) = (tokens[0].line, tokens[first_block - 1].line);
    let refusal = match &tokens[0].kind {
        Kind::Value(v) => unexpected_value(v),
        Kind::Tag(what) => before_any_block(what),
        Kind::Loop => before_any_block("loop_"),
        Kind::Save(name) => before_any_block(&format!("save_{name}")),
        _ => "'global_' and 'stop_' are not part of CIF 1.1 crystal files".to_string(),
    };
    let lines = if first == last { format!("line {first}") } else { format!("lines {first}–{last}") };
    warnings.repair(first, refusal, || {
        format!("the text before the first 'data_' line ({lines}) is not CIF and was skipped")
    })?;
    tokens.drain(..first_block);
    Ok(())
}

fn unexpected_value(v: &Value) -> String {
    format!(
        "unexpected value '{}'; expected a tag (like '_cell_length_a'), 'loop_' or 'data_'. Values with spaces must be quoted",
        preview(&v.text)
    )
}

fn before_any_block(what: &str) -> String {
    format!("'{}' comes before any data block header (a line like 'data_NaCl')", preview(what))
}

fn current_block<'b, 'a>(blocks: &'b mut [Block<'a>], line: usize, what: &str) -> Result<&'b mut Block<'a>> {
    blocks.last_mut().ok_or_else(|| err(line, before_any_block(what)))
}

/// A loop's values must fill whole rows; point at the first line whose row looks short or long.
fn check_whole_rows(line: usize, tags: &[String], values: &[Value]) -> Result<()> {
    if values.len().is_multiple_of(tags.len()) {
        return Ok(());
    }
    let n = tags.len();
    let mut i = 0;
    while i < values.len() {
        let row_line = values[i].line;
        let on_line = values[i..].iter().take_while(|v| v.line == row_line).count();
        if !on_line.is_multiple_of(n) {
            return Err(err(
                row_line,
                format!(
                    "the loop starting at line {line} has {n} columns, but this line has {on_line} values; a value is missing, or one containing spaces is not quoted"
                ),
            ));
        }
        i += on_line;
    }
    Err(err(
        line,
        format!(
            "this loop has {n} columns but {} values, which do not fill whole rows; a value is missing, or one containing spaces is not quoted",
            values.len()
        ),
    ))
}

#[derive(Debug)]
enum Kind<'a> {
    Data(&'a str),
    Tag(&'a str),
    Loop,
    Save(&'a str),
    Global,
    Stop,
    Value(Value<'a>),
}

#[derive(Debug)]
struct Token<'a> {
    kind: Kind<'a>,
    line: usize,
}

/// Splits the text into tokens, line by line (each line is scanned once: no quadratic cases).
fn tokenize<'a>(text: &'a str, warnings: &mut Warnings) -> Result<Vec<Token<'a>>> {
    let mut tokens = Vec::new();
    let mut field: Option<(usize, String)> = None;
    for (index, line) in text.lines().enumerate() {
        let lineno = index + 1;
        if let Some((start, mut content)) = field.take() {
            match line.strip_prefix(';') {
                Some(rest) => {
                    let value = Value { text: Cow::Owned(content), line: start, quoted: true };
                    tokens.push(Token { kind: Kind::Value(value), line: start });
                    tokenize_line(rest, lineno, &mut tokens, warnings)?;
                }
                None => {
                    content.push('\n');
                    content.push_str(line);
                    field = Some((start, content));
                }
            }
        } else if let Some(rest) = line.strip_prefix(';') {
            field = Some((lineno, rest.to_string()));
        } else {
            tokenize_line(line, lineno, &mut tokens, warnings)?;
        }
    }
    if let Some((start, _)) = field {
        return Err(err(
            start,
            "the text field opened by ';' on this line is never closed by a line starting with ';'",
        ));
    }
    Ok(tokens)
}

fn tokenize_line<'a>(line: &'a str, lineno: usize, tokens: &mut Vec<Token<'a>>, warnings: &mut Warnings) -> Result<()> {
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if b[i] == b'#' {
            break;
        }
        if b[i] == b'\'' || b[i] == b'"' {
            let quote = b[i];
            let closing =
                (i + 1..b.len()).find(|&j| b[j] == quote && b.get(j + 1).is_none_or(|c| c.is_ascii_whitespace()));
            let (text, next) = match closing {
                Some(end) => (&line[i + 1..end], end + 1),
                None => {
                    let open = preview(&line[i..]);
                    warnings.repair(lineno, format!("the quoted value {open} is never closed"), || {
                        format!("the quoted value {open} is never closed; it was read to the end of the line")
                    })?;
                    (line[i + 1..].trim_end(), b.len())
                }
            };
            let value = Value { text: Cow::Borrowed(text), line: lineno, quoted: true };
            tokens.push(Token { kind: Kind::Value(value), line: lineno });
            i = next;
            continue;
        }
        let start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() {
            i += 1;
        }
        tokens.push(Token { kind: classify(&line[start..i], lineno), line: lineno });
    }
    Ok(())
}

fn classify(word: &str, line: usize) -> Kind<'_> {
    let prefixed = |p: &str| word.len() >= p.len() && word.as_bytes()[..p.len()].eq_ignore_ascii_case(p.as_bytes());
    if word.starts_with('_') {
        Kind::Tag(word)
    } else if prefixed("data_") {
        Kind::Data(&word[5..])
    } else if prefixed("save_") {
        Kind::Save(&word[5..])
    } else if word.eq_ignore_ascii_case("loop_") {
        Kind::Loop
    } else if word.eq_ignore_ascii_case("global_") {
        Kind::Global
    } else if word.eq_ignore_ascii_case("stop_") {
        Kind::Stop
    } else {
        Kind::Value(Value { text: Cow::Borrowed(word), line, quoted: false })
    }
}

fn err(line: usize, message: impl Into<String>) -> Error {
    Error::parse(Format::Cif, line, message)
}

/// The first 40 characters of a value, for messages.
pub fn preview(text: &str) -> String {
    let mut out: String = text.chars().take(40).collect();
    if out.len() < text.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::ParseWarning;

    fn strict(text: &str) -> Result<Vec<Block<'_>>> {
        parse(text, &mut Warnings::new(Format::Cif, true))
    }

    /// The blocks and warnings of a tolerant parse.
    fn tolerant(text: &str) -> (Vec<Block<'_>>, Vec<ParseWarning>) {
        let mut warnings = Warnings::new(Format::Cif, false);
        let blocks = parse(text, &mut warnings).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        (blocks, warnings.into_vec())
    }

    const TEXT: &str = "# comment\n\
        data_first\n\
        _cell_length_a 5.43(2) # trailing comment\n\
        _Cell.Length_B '5 43'\n\
        _title\n\
        ;multi\n\
        line\n\
        ;\n\
        _name Sodium chloride\n\
        loop_\n\
         _atom_site_label _atom_site_fract_x\n\
         Na1 0.0\n\
         'Cl 1' ?\n\
        data_second\n\
        _q \"it's\"\n";

    #[test]
    fn reads_pairs_loops_quotes_and_text_fields() {
        let (blocks, warnings) = tolerant(TEXT);
        assert!(warnings.is_empty());
        assert_eq!(blocks.iter().map(|b| b.name).collect::<Vec<_>>(), ["first", "second"]);
        let b = &blocks[0];
        assert_eq!(b.value("_cell_length_a").unwrap().text, "5.43(2)");
        assert_eq!(b.value("_cell_length_b").unwrap().text, "5 43");
        let title = b.value("_title").unwrap();
        assert_eq!((title.text.as_ref(), title.line), ("multi\nline", 6));
        assert_eq!(b.value("_name").unwrap().text, "Sodium chloride");
        let labels = b.column("_atom_site_label").unwrap();
        assert_eq!(labels.values.iter().map(|v| v.text.as_ref()).collect::<Vec<_>>(), ["Na1", "Cl 1"]);
        let x = b.column("_atom_site_fract_x").unwrap();
        assert!(x.values[1].is_null() && x.values[1].line == 13);
        assert_eq!(blocks[1].value("_q").unwrap().text, "it's");
    }

    #[test]
    fn errors_point_at_the_line() {
        let cases = [
            ("data_a\n_x 'open\n", 2, "never closed"),
            ("data_a\n_x\n", 2, "has no value"),
            ("_x 1\n", 1, "before any data block"),
            ("data_a\n_x 1\n_X 2\n", 3, "appears twice"),
            ("data_a\nloop_\n_a _b\n1 2\n3\n5 6\n", 5, "this line has 1 values"),
            ("data_a\nloop_\n_a _b _c\n1 2\n3 4\n", 4, "this line has 2 values"),
            ("data_a\n_x\n;text\n", 3, "never closed"),
            ("data_a\nloop_\n1 2\n", 2, "names of its columns"),
            ("data_\n", 1, "block name"),
            ("# nothing\n", 1, "no data block"),
        ];
        for (text, line, want) in cases {
            let e = strict(text).unwrap_err();
            assert_eq!(e.line(), Some(line), "{text:?}: {e}");
            assert!(e.to_string().contains(want), "{text:?}: {e}");
        }
    }

    #[test]
    fn skips_save_frames() {
        let blocks = strict("data_a\nsave_x\n_y 1\nsave_\n_z 2\n").unwrap();
        assert!(!blocks[0].has("_y") && blocks[0].has("_z"));
    }

    #[test]
    fn repairs_what_other_readers_accept_with_a_warning_naming_the_line() {
        let (blocks, warnings) = tolerant("data_a\n_x 1\n_X 2\nloop_\n_x\n3\n");
        assert_eq!(blocks[0].value("_x").unwrap().text, "1");
        assert_eq!(warnings.iter().map(|w| w.line).collect::<Vec<_>>(), [Some(3), Some(5)]);
        assert!(warnings[0].message.contains("appears twice") && warnings[0].message.contains("first value"));

        let (blocks, warnings) = tolerant("data_a\n_name 'P 21/c\n_y \"ok\"\n");
        assert_eq!(blocks[0].value("_name").unwrap().text, "P 21/c");
        assert_eq!(blocks[0].value("_y").unwrap().text, "ok");
        assert_eq!((warnings.len(), warnings[0].line), (1, Some(2)));
        assert!(warnings[0].message.contains("never closed"), "{}", warnings[0]);

        let (blocks, warnings) = tolerant("Made by a program\nversion 2\ndata_a\n_x 1\n");
        assert_eq!(blocks[0].value("_x").unwrap().text, "1");
        assert_eq!(warnings[0].line, Some(1));
        assert!(warnings[0].message.contains("lines 1–2"), "{}", warnings[0]);
        assert!(strict("Made by a program\ndata_a\n_x 1\n").is_err());
    }
}
