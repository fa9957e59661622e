//! Crystallographic symmetry operations in the "x, y, z" notation of CIF files
//! (`-x+1/2, y, z+0.25`, `x-y, x, z+1/2`, `1/2+x, -y, 2z`...).

use crate::lattice::Vec3;

/// Most operations a space group can have (Fm-3m and the other F-centred cubic groups).
pub const MAX_SYMOPS: usize = 192;

/// Longest operation string accepted; real ones are under 40 characters.
const MAX_LEN: usize = 200;

/// A symmetry operation on fractional coordinates: `x' = rot · x + trans`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SymOp {
    pub rot: [[i32; 3]; 3],
    pub trans: Vec3,
}

impl SymOp {
    pub const IDENTITY: SymOp = SymOp { rot: [[1, 0, 0], [0, 1, 0], [0, 0, 1]], trans: [0.0; 3] };

    /// Parses an operation such as `-x+1/2, y, z+0.25`. The error is a sentence for a chemist
    /// (without the line number, which the caller adds).
    pub fn parse(text: &str) -> Result<SymOp, String> {
        if text.len() > MAX_LEN {
            return Err(format!("the symmetry operation '{}…' is too long", preview(text)));
        }
        let parts: Vec<&str> = text.split(',').collect();
        if parts.len() != 3 {
            return Err(format!(
                "the symmetry operation '{text}' has {} part(s); expected 3 separated by commas, like '-x+1/2, y, z'",
                parts.len()
            ));
        }
        let mut op = SymOp { rot: [[0; 3]; 3], trans: [0.0; 3] };
        for (row, part) in parts.iter().enumerate() {
            let (coeffs, shift) = parse_component(part).map_err(|what| {
                format!("the symmetry operation '{text}' is not valid: {what} (expected x, y, z, numbers, + and -)")
            })?;
            op.rot[row] = coeffs;
            op.trans[row] = shift;
        }
        let det = det_i(&op.rot);
        if det.abs() != 1 {
            return Err(format!(
                "'{text}' is not a valid symmetry operation: its matrix has determinant {det} (must be 1 or -1)"
            ));
        }
        Ok(op)
    }

    /// Applies the operation to fractional coordinates (no wrapping).
    pub fn apply(&self, f: Vec3) -> Vec3 {
        let r = &self.rot;
        [0, 1, 2].map(|i| r[i][0] as f64 * f[0] + r[i][1] as f64 * f[1] + r[i][2] as f64 * f[2] + self.trans[i])
    }
}

/// One component (`-x+y+1/2`) as integer coefficients of x, y, z and a constant shift.
fn parse_component(part: &str) -> Result<([i32; 3], f64), String> {
    let b = part.as_bytes();
    let mut coeffs = [0i32; 3];
    let mut shift = 0.0;
    let mut i = 0;
    let mut terms = 0;
    loop {
        while b.get(i).is_some_and(|c| c.is_ascii_whitespace()) {
            i += 1;
        }
        if i == b.len() {
            break;
        }
        let mut sign = 1.0;
        match b[i] {
            b'+' => i += 1,
            b'-' => {
                sign = -1.0;
                i += 1
            }
            _ if terms > 0 => return Err(format!("'{}' lacks a + or - between terms", part.trim())),
            _ => {}
        }
        while b.get(i).is_some_and(|c| c.is_ascii_whitespace()) {
            i += 1;
        }
        let (number, len) = leading_number(&b[i..]).map_err(|e| format!("{e} in '{}'", part.trim()))?;
        i += len;
        while b.get(i).is_some_and(|c| c.is_ascii_whitespace() || *c == b'*') {
            i += 1;
        }
        match b.get(i).map(u8::to_ascii_lowercase) {
            Some(v @ (b'x' | b'y' | b'z')) => {
                let coefficient = number.unwrap_or(1.0) * sign;
                if coefficient.fract() != 0.0 || coefficient.abs() > 10.0 {
                    return Err(format!("the coefficient {coefficient} of {} is not a small integer", v as char));
                }
                coeffs[(v - b'x') as usize] += coefficient as i32;
                i += 1;
            }
            _ => match number {
                Some(x) => shift += sign * x,
                None => {
                    let rest: String = part.get(i..).unwrap_or_default().chars().take(10).collect();
                    return Err(if rest.is_empty() {
                        format!("'{}' ends with a sign", part.trim())
                    } else {
                        format!("unexpected '{rest}'")
                    });
                }
            },
        }
        terms += 1;
    }
    if terms == 0 {
        return Err("one of the three parts is empty".into());
    }
    Ok((coeffs, shift))
}

/// A leading unsigned number (`3`, `0.25`, `1/2`, `.5`) and its length in bytes, if any.
fn leading_number(b: &[u8]) -> Result<(Option<f64>, usize), String> {
    let len = b.iter().take_while(|c| c.is_ascii_digit() || **c == b'.').count();
    if len == 0 {
        return Ok((None, 0));
    }
    let text = std::str::from_utf8(&b[..len]).unwrap_or_default();
    let numerator = super::number::parse_f64(text).ok_or_else(|| format!("'{text}' is not a number"))?;
    if b.get(len) != Some(&b'/') {
        return Ok((Some(numerator), len));
    }
    let dlen = b[len + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
    let dtext = std::str::from_utf8(&b[len + 1..len + 1 + dlen]).unwrap_or_default();
    match super::number::parse_f64(dtext) {
        Some(d) if d != 0.0 => Ok((Some(numerator / d), len + 1 + dlen)),
        _ => Err(format!("'{text}/{dtext}' is not a fraction")),
    }
}

fn det_i(m: &[[i32; 3]; 3]) -> i64 {
    let m = m.map(|r| r.map(i64::from));
    m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
        + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
}

fn preview(text: &str) -> String {
    text.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(s: &str) -> SymOp {
        SymOp::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn parses_common_notations() {
        assert_eq!(op("x, y, z"), SymOp::IDENTITY);
        assert_eq!(op("X,Y,Z"), SymOp::IDENTITY);
        let o = op("-x+1/2, y, z+0.25");
        assert_eq!(o.rot, [[-1, 0, 0], [0, 1, 0], [0, 0, 1]]);
        assert_eq!(o.trans, [0.5, 0.0, 0.25]);
        let o = op("x-y,x,z+1/2");
        assert_eq!(o.rot, [[1, -1, 0], [1, 0, 0], [0, 0, 1]]);
        assert_eq!(o.trans, [0.0, 0.0, 0.5]);
        let o = op("1/2+x, -y+3/4, -z - 1/4");
        assert_eq!(o.trans, [0.5, 0.75, -0.25]);
        assert_eq!(op("+x, +y, +z"), SymOp::IDENTITY);
        assert_eq!(op("-y+x, y, z").rot[0], [1, -1, 0]);
        assert_eq!(op("2*x-y, x, z").rot[0], [2, -1, 0]);
    }

    #[test]
    fn applies_rotation_and_translation() {
        let o = op("-y, x-y, z+1/2");
        let f = o.apply([0.1, 0.2, 0.3]);
        let want = [-0.2, -0.1, 0.8];
        for k in 0..3 {
            assert!((f[k] - want[k]).abs() < 1e-12);
        }
    }

    #[test]
    fn rejects_nonsense_with_a_reason() {
        for (s, want) in [
            ("x, y", "has 2 part(s)"),
            ("x, y, q", "unexpected 'q'"),
            ("x, x, z", "determinant 0"),
            ("x, y, z+1/0", "not a fraction"),
            ("x, y, z+", "ends with a sign"),
            ("x y, y, z", "lacks a + or -"),
            ("x, , z", "empty"),
            ("0.5x, y, z", "not a small integer"),
            ("x, y, 1..2+z", "not a number"),
        ] {
            let err = SymOp::parse(s).unwrap_err();
            assert!(err.contains(want), "{s}: {err}");
        }
        assert!(SymOp::parse(&"x+".repeat(200)).is_err());
    }
}
