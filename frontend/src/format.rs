//! Number formatting for the results tables.

/// `x` with `decimals` digits after the point; never prints `-0.000`.
pub fn fixed(x: f64, decimals: usize) -> String {
    let s = format!("{x:.decimals$}");
    match s.strip_prefix('-') {
        Some(rest) if rest.bytes().all(|b| b == b'0' || b == b'.') => rest.to_owned(),
        _ => s,
    }
}

/// A duration in milliseconds, with the precision a reader cares about.
pub fn millis(ms: f64) -> String {
    if ms < 10.0 { format!("{} ms", fixed(ms, 1)) } else { format!("{} ms", fixed(ms, 0)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_negative_zero() {
        assert_eq!(fixed(-0.00001, 4), "0.0000");
        assert_eq!(fixed(-0.25, 2), "-0.25");
        assert_eq!(fixed(5.6402, 3), "5.640");
    }

    #[test]
    fn durations() {
        assert_eq!(millis(0.42), "0.4 ms");
        assert_eq!(millis(123.4), "123 ms");
    }
}
