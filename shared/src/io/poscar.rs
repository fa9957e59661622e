//! VASP POSCAR / CONTCAR → [`Structure`].
//!
//! Layout: comment; scale (one number, negative = target volume in Å³, or three per-axis
//! factors); three lattice vectors (Å); species line (VASP 5; VASP 4 files without it take the
//! species from the comment line); atom counts; optional `Selective dynamics`; `Direct` or
//! `Cartesian` (first letter C/c/K/k); one position per atom. Flags (`T T F`), species names
//! after the coordinates and everything after the positions (velocities…) are ignored.

use super::number::{parse_count, parse_f64};
use super::{ParseOptions, build_listed, species};
use crate::element::Element;
use crate::error::{Error, Format, Result};
use crate::lattice::{Lattice, Vec3};
use crate::structure::{Site, Structure};

pub fn parse(text: &str, opts: &ParseOptions) -> Result<Structure> {
    let lines: Vec<&str> = text.lines().collect();
    let line = |i: usize| lines.get(i).copied();
    if lines.iter().all(|l| l.trim().is_empty()) {
        return Err(err(1, "the file is empty"));
    }
    let scale = read_scale(line(1))?;
    let mut rows = [[0.0; 3]; 3];
    for (k, row) in rows.iter_mut().enumerate() {
        *row = read_vector(line(2 + k), 3 + k)?;
    }
    let (elements, counts_index) = read_species(&lines)?;
    let counts = read_counts(line(counts_index), counts_index + 1, &elements, opts.max_atoms)?;
    let mut index = counts_index + 1;
    if line(index).is_some_and(|l| l.trim_start().starts_with(['s', 'S'])) {
        index += 1;
    }
    let cartesian = match line(index).map(str::trim_start) {
        None => return Err(err(index + 1, "the file ends before the coordinate line ('Direct' or 'Cartesian')")),
        Some("") => return Err(err(index + 1, "expected 'Direct' or 'Cartesian', found an empty line")),
        Some(l) => l.starts_with(['c', 'C', 'k', 'K']),
    };
    let lattice = scaled_lattice(rows, scale)?;
    let species: Vec<Element> = elements.iter().zip(&counts).flat_map(|(&e, &n)| std::iter::repeat_n(e, n)).collect();
    let first = index + 1;
    let mut sites = Vec::with_capacity(species.len());
    let mut site_lines = Vec::with_capacity(species.len());
    for (a, &element) in species.iter().enumerate() {
        let lineno = first + a + 1;
        let Some(text) = line(first + a).filter(|_| lines[first + a..].iter().any(|l| !l.trim().is_empty())) else {
            return Err(err(lineno, format!("the file ends after {a} of {} atom positions", species.len())));
        };
        let what = format!("the position of atom {} of {} ({element})", a + 1, species.len());
        let xyz = three_numbers(text, lineno, &what)?;
        let frac = if cartesian { lattice.to_fractional(scale.apply(xyz)) } else { xyz };
        sites.push(Site::new(element, frac));
        site_lines.push(lineno);
    }
    build_listed(Format::Poscar, lattice, sites, &site_lines, opts.max_atoms)
}

fn err(line: usize, message: impl Into<String>) -> Error {
    Error::parse(Format::Poscar, line, message)
}

/// The scale line: a universal factor, a target volume (negative, Å³) or three factors for the
/// x, y and z Cartesian components.
#[derive(Debug, Clone, Copy)]
enum Scale {
    Factor(f64),
    Volume(f64),
    PerAxis(Vec3),
}

impl Scale {
    /// Scales a Cartesian vector (for `Volume`, once the factor is known: see `scaled_lattice`).
    fn apply(self, v: Vec3) -> Vec3 {
        match self {
            Scale::Factor(s) => v.map(|x| x * s),
            Scale::PerAxis(s) => [v[0] * s[0], v[1] * s[1], v[2] * s[2]],
            Scale::Volume(_) => v,
        }
    }
}

fn read_scale(line: Option<&str>) -> Result<Scale> {
    let text = line.ok_or_else(|| err(2, "the file ends before the scale factor (line 2)"))?;
    let numbers: Vec<f64> = text.split_whitespace().take(3).map_while(parse_f64).collect();
    match numbers[..] {
        [s, x, y] => {
            let axes = [s, x, y];
            if axes.iter().any(|&v| v <= 0.0) {
                return Err(err(2, "three scale factors must all be positive"));
            }
            Ok(Scale::PerAxis(axes))
        }
        [s, ..] if s > 0.0 => Ok(Scale::Factor(s)),
        [s, ..] if s < 0.0 => Ok(Scale::Volume(-s)),
        [_, ..] => Err(err(2, "the scale factor is 0")),
        [] => Err(err(2, format!("expected the scale factor (a number such as 1.0), found '{}'", preview(text)))),
    }
}

/// Applies the scale to the lattice rows; a target volume fixes the factor from the raw cell.
fn scaled_lattice(rows: [Vec3; 3], scale: Scale) -> Result<Lattice> {
    let rows = match scale {
        Scale::Volume(volume) => {
            let raw = crate::lattice::det(&rows).abs();
            if raw.is_nan() || raw <= 0.0 {
                return Err(err(
                    3,
                    "the lattice vectors (lines 3–5) are coplanar, so the cell cannot be scaled to a volume",
                ));
            }
            let s = (volume / raw).cbrt();
            rows.map(|r| r.map(|x| x * s))
        }
        other => rows.map(|r| other.apply(r)),
    };
    super::checked_lattice(Lattice::new(rows))
        .map_err(|why| err(3, format!("the lattice vectors on lines 3–5 do not form a valid cell: {why}")))
}

fn read_vector(line: Option<&str>, lineno: usize) -> Result<Vec3> {
    let text = line.ok_or_else(|| err(lineno, "the file ends before the three lattice vectors (lines 3–5)"))?;
    three_numbers(text, lineno, "a lattice vector in Å")
}

/// The first three whitespace-separated numbers of a line.
fn three_numbers(text: &str, lineno: usize, what: &str) -> Result<Vec3> {
    let mut out = [0.0; 3];
    let mut tokens = text.split_whitespace();
    for (k, slot) in out.iter_mut().enumerate() {
        match tokens.next() {
            Some(t) => {
                *slot = parse_f64(t).ok_or_else(|| {
                    err(lineno, format!("expected three numbers for {what}, but '{}' is not a number", preview(t)))
                })?
            }
            None => return Err(err(lineno, format!("expected three numbers for {what}, found {k}"))),
        }
    }
    Ok(out)
}

/// The species and the index of the counts line. VASP 5 has a species line (line 6); VASP 4
/// goes straight to the counts and names the species, if anywhere, on the comment line.
fn read_species(lines: &[&str]) -> Result<(Vec<Element>, usize)> {
    let text = lines.get(5).ok_or_else(|| err(6, "the file ends before the species and atom counts (lines 6–7)"))?;
    let tokens = words(text);
    if tokens.first().and_then(|t| parse_count(t)).is_some() {
        let wanted = tokens.len();
        let from_comment: Option<Vec<Element>> =
            words(lines[0]).iter().take(wanted).map(|t| species::from_vasp_species(t)).collect();
        return match from_comment {
            Some(elements) if elements.len() == wanted => Ok((elements, 5)),
            _ => Err(err(
                6,
                format!(
                    "there is no line of element symbols above the atom counts (VASP 4 format) and the comment line does not name {wanted} element(s); add a line such as 'Sr Ti O' before the counts"
                ),
            )),
        };
    }
    if tokens.is_empty() {
        return Err(err(6, "expected the element symbols (e.g. 'Sr Ti O') or the atom counts, found an empty line"));
    }
    let elements = tokens
        .iter()
        .map(|t| {
            species::from_vasp_species(t).ok_or_else(|| {
                err(
                    6,
                    format!(
                        "'{}' is not an element symbol (expected a line of elements such as 'Sr Ti O')",
                        preview(t)
                    ),
                )
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok((elements, 6))
}

fn read_counts(line: Option<&str>, lineno: usize, elements: &[Element], max_atoms: usize) -> Result<Vec<usize>> {
    let names = elements.iter().map(|e| e.symbol()).collect::<Vec<_>>().join(" ");
    let text =
        line.ok_or_else(|| err(lineno, format!("the file ends before the atom counts for the species {names}")))?;
    let tokens = words(text);
    let mut counts = Vec::with_capacity(tokens.len().min(elements.len()));
    for t in &tokens {
        let n = parse_count(t).ok_or_else(|| {
            err(
                lineno,
                format!("expected whole numbers of atoms for the species {names}, but '{}' is not one", preview(t)),
            )
        })?;
        counts.push(usize::try_from(n).unwrap_or(usize::MAX));
    }
    if counts.len() != elements.len() {
        return Err(err(
            lineno,
            format!("expected {} atom counts for the species {names}, found {}", elements.len(), counts.len()),
        ));
    }
    let total = counts.iter().try_fold(0usize, |acc, &n| acc.checked_add(n));
    match total {
        Some(0) => Err(err(lineno, "the atom counts add up to no atoms")),
        Some(n) if n <= max_atoms => Ok(counts),
        _ => Err(err(
            lineno,
            format!(
                "the atom counts add up to {}, more than the limit of {max_atoms} atoms",
                total.map_or("too many".into(), |n| n.to_string())
            ),
        )),
    }
}

/// Tokens of a line up to a `!` or `#` comment.
fn words(text: &str) -> Vec<&str> {
    text.split_whitespace().take_while(|t| !t.starts_with(['!', '#'])).collect()
}

fn preview(text: &str) -> String {
    super::cif_syntax::preview(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRTIO3: &str = "SrTiO3 cubic\n1.0\n3.905 0 0\n0 3.905 0\n0 0 3.905\nSr Ti O\n1 1 3\nDirect\n\
        0 0 0\n0.5 0.5 0.5\n0.5 0.5 0\n0.5 0 0.5\n0 0.5 0.5\n";

    fn parse_default(text: &str) -> Result<Structure> {
        parse(text, &ParseOptions::default())
    }

    #[test]
    fn reads_vasp5() {
        let s = parse_default(SRTIO3).unwrap();
        assert_eq!(s.len(), 5);
        assert_eq!(s.sites()[4].element.symbol(), "O");
        assert!((s.lattice().volume() - 3.905f64.powi(3)).abs() < 1e-9);
    }

    #[test]
    fn reads_vasp4_with_species_in_the_comment() {
        let text = SRTIO3.replace("SrTiO3 cubic", "Sr Ti O").replace("Sr Ti O\n1 1 3", "1 1 3");
        let s = parse_default(&text).unwrap();
        assert_eq!(s.sites()[0].element.symbol(), "Sr");
        let text = SRTIO3.replace("Sr Ti O\n1 1 3", "1 1 3");
        assert!(parse_default(&text).unwrap_err().to_string().contains("VASP 4"));
    }

    #[test]
    fn negative_scale_is_a_volume_and_cartesian_is_scaled() {
        let text = "x\n-64\n1 0 0\n0 1 0\n0 0 1\nFe\n1\nSelective dynamics\nCartesian\n2 2 2 T T F\n";
        let s = parse_default(text).unwrap();
        assert!((s.lattice().volume() - 64.0).abs() < 1e-9);
        let text = "x\n2.0\n1 0 0\n0 1 0\n0 0 1\nFe\n1\nk\n0.5 0.5 0.5\n";
        let s = parse_default(text).unwrap();
        assert_eq!(s.sites()[0].frac, [0.5, 0.5, 0.5]);
    }

    #[test]
    fn errors_name_line_and_expectation() {
        let e = parse_default(&SRTIO3.replace("1 1 3", "1 1")).unwrap_err();
        assert_eq!(e.to_string(), "POSCAR, line 7: expected 3 atom counts for the species Sr Ti O, found 2");
        let truncated: String = SRTIO3.lines().take(11).map(|l| format!("{l}\n")).collect();
        let e = parse_default(&truncated).unwrap_err();
        assert_eq!(e.to_string(), "POSCAR, line 12: the file ends after 3 of 5 atom positions");
        let e = parse_default(&SRTIO3.replace("1 1 3", "1 1 3000000000000")).unwrap_err();
        assert!(e.to_string().contains("more than the limit"), "{e}");
    }
}
