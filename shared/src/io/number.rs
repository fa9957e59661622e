//! Strict number parsing shared by the parsers.
//!
//! `str::parse::<f64>` also accepts "inf", "NaN" and "infinity", which are never valid in a
//! structure file; these functions accept only plain decimal numbers.

/// Parses a decimal number such as `-1.5`, `.25`, `3.`, `1e-3` or `2.0E+01`. Returns `None` for
/// anything else, including values that overflow to infinity.
pub fn parse_f64(s: &str) -> Option<f64> {
    if !is_decimal(s.as_bytes()) {
        return None;
    }
    s.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// Parses a CIF number, which may carry a standard uncertainty in parentheses: `5.4307(2)`,
/// `-0.25(3)`, `1.2e-3(4)`. The uncertainty is dropped.
pub fn parse_cif_number(s: &str) -> Option<f64> {
    let value = match s.strip_suffix(')') {
        Some(head) => {
            let open = head.rfind('(')?;
            let su = &head[open + 1..];
            if su.is_empty() || !su.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            &head[..open]
        }
        None => s,
    };
    parse_f64(value)
}

/// Parses a non-negative integer (atom counts). `None` if it is not one or does not fit in u64.
pub fn parse_count(s: &str) -> Option<u64> {
    let digits = s.strip_prefix('+').unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// `[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?`
fn is_decimal(b: &[u8]) -> bool {
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    let int_digits = count_digits(&b[i..]);
    i += int_digits;
    let mut frac_digits = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        frac_digits = count_digits(&b[i..]);
        i += frac_digits;
    }
    if int_digits + frac_digits == 0 {
        return false;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let exp_digits = count_digits(&b[i..]);
        if exp_digits == 0 {
            return false;
        }
        i += exp_digits;
    }
    i == b.len()
}

fn count_digits(b: &[u8]) -> usize {
    b.iter().take_while(|c| c.is_ascii_digit()).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_plain_decimals_only() {
        for (s, x) in [("1", 1.0), ("-1.5", -1.5), ("+.25", 0.25), ("3.", 3.0), ("1e-3", 1e-3), ("2.0E+01", 20.0)] {
            assert_eq!(parse_f64(s), Some(x), "{s}");
        }
        for s in ["", "-", ".", "e5", "1e", "1e+", "inf", "NaN", "infinity", "1.2.3", "5.4x", "1e999", "0x10", " 1"] {
            assert_eq!(parse_f64(s), None, "{s}");
        }
    }

    #[test]
    fn cif_numbers_drop_the_uncertainty() {
        assert_eq!(parse_cif_number("5.4307(2)"), Some(5.4307));
        assert_eq!(parse_cif_number("-0.25(13)"), Some(-0.25));
        assert_eq!(parse_cif_number("1.2e-3(4)"), Some(1.2e-3));
        for s in ["5.43()", "5.43(a)", "5.43(2", "(2)", "5.43)"] {
            assert_eq!(parse_cif_number(s), None, "{s}");
        }
    }

    #[test]
    fn counts() {
        assert_eq!(parse_count("12"), Some(12));
        assert_eq!(parse_count("+3"), Some(3));
        assert_eq!(parse_count("-3"), None);
        assert_eq!(parse_count("1.0"), None);
        assert_eq!(parse_count("99999999999999999999999"), None);
    }
}
