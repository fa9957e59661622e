//! Locating a line of the source text, for the parse-error note ("line 12: …") and for selecting
//! that line in the textarea.

/// The text of 1-based line `line` (without its line ending), if the text has that many lines.
pub fn line_text(text: &str, line: usize) -> Option<&str> {
    let line = text.lines().nth(line.checked_sub(1)?)?;
    Some(line.strip_suffix('\r').unwrap_or(line))
}

/// Start and end of 1-based line `line` in UTF-16 code units, the unit of
/// `HTMLTextAreaElement.setSelectionRange`. The end excludes the line ending.
pub fn line_range_utf16(text: &str, line: usize) -> Option<(u32, u32)> {
    let index = line.checked_sub(1)?;
    let mut start = 0usize;
    for (i, raw) in text.split('\n').enumerate() {
        let content = raw.strip_suffix('\r').unwrap_or(raw);
        let len = content.encode_utf16().count();
        if i == index {
            return Some((start as u32, (start + len) as u32));
        }
        start += raw.encode_utf16().count() + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_lines() {
        let text = "data_x\r\n_cell_length_a 4.0\n\nÅ 0 0 0";
        assert_eq!(line_text(text, 1), Some("data_x"));
        assert_eq!(line_text(text, 2), Some("_cell_length_a 4.0"));
        assert_eq!(line_text(text, 3), Some(""));
        assert_eq!(line_text(text, 5), None);
        assert_eq!(line_text(text, 0), None);
    }

    #[test]
    fn ranges_are_in_utf16_units() {
        let text = "Å𝔸\r\nab\n";
        assert_eq!(line_range_utf16(text, 1), Some((0, 3)));
        assert_eq!(line_range_utf16(text, 2), Some((5, 7)));
        assert_eq!(line_range_utf16(text, 3), Some((8, 8)));
        assert_eq!(line_range_utf16(text, 4), None);
    }
}
