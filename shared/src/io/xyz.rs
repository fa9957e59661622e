//! Extended XYZ → [`Structure`] (first frame only).
//!
//! Line 1: the number of atoms. Line 2: `key=value` pairs (values may be "double" or 'single'
//! quoted) including `Lattice="ax ay az bx by bz cx cy cz"` (Å, required: we need a periodic
//! cell) and `Properties=species:S:1:pos:R:3:…` (default `species:S:1:pos:R:3`), which says in
//! which columns the species and the Cartesian positions (Å) are. Then one line per atom.

use super::number::{parse_count, parse_f64};
use super::{ParseOptions, build_listed};
use crate::element::Element;
use crate::error::{Error, Format, Result};
use crate::lattice::Lattice;
use crate::structure::{Site, Structure};

/// Most property columns accepted in `Properties=` (real files have a handful).
const MAX_COLUMNS: u64 = 1000;

pub fn parse(text: &str, opts: &ParseOptions) -> Result<Structure> {
    let mut lines = text.lines();
    let first = lines.next().unwrap_or_default();
    let count = read_count(first, opts.max_atoms)?;
    let header = lines.next().ok_or_else(|| err(2, "the file ends before the comment line with Lattice=\"…\""))?;
    let pairs = key_values(header)?;
    let get = |key: &str| pairs.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v.as_str());
    let lattice = read_lattice(get("Lattice"))?;
    let columns = Columns::from_properties(get("Properties").unwrap_or("species:S:1:pos:R:3"))?;
    let mut sites = Vec::with_capacity(count);
    let mut site_lines = Vec::with_capacity(count);
    for a in 0..count {
        let lineno = a + 3;
        let Some(line) = lines.next() else {
            return Err(err(lineno, format!("the file ends after {a} of {count} atoms")));
        };
        let tokens: Vec<&str> = line.split_whitespace().take(columns.needed).collect();
        if tokens.len() < columns.needed {
            return Err(err(
                lineno,
                format!(
                    "expected at least {} columns for atom {} of {count} (species and x y z as Properties says), found {}",
                    columns.needed,
                    a + 1,
                    tokens.len()
                ),
            ));
        }
        let element = read_element(tokens[columns.species], lineno)?;
        let mut cart = [0.0; 3];
        for (k, x) in cart.iter_mut().enumerate() {
            let t = tokens[columns.pos + k];
            *x = parse_f64(t).ok_or_else(|| {
                err(
                    lineno,
                    format!("the position of atom {} has '{}', not a number", a + 1, super::cif_syntax::preview(t)),
                )
            })?;
        }
        sites.push(Site::new(element, lattice.to_fractional(cart)));
        site_lines.push(lineno);
    }
    build_listed(Format::Xyz, lattice, sites, &site_lines, opts.max_atoms)
}

fn err(line: usize, message: impl Into<String>) -> Error {
    Error::parse(Format::Xyz, line, message)
}

fn read_count(line: &str, max_atoms: usize) -> Result<usize> {
    let text = line.trim();
    let n = parse_count(text).ok_or_else(|| {
        err(1, format!("expected the number of atoms on line 1, found '{}'", super::cif_syntax::preview(text)))
    })?;
    match usize::try_from(n) {
        Ok(0) => Err(err(1, "the number of atoms is 0")),
        Ok(n) if n <= max_atoms => Ok(n),
        _ => Err(err(1, format!("the file declares {n} atoms, more than the limit of {max_atoms}"))),
    }
}

fn read_lattice(value: Option<&str>) -> Result<Lattice> {
    let value = value.ok_or_else(|| {
        err(2, "the comment line has no Lattice=\"ax ay az bx by bz cx cy cz\"; a periodic cell is needed (plain XYZ files describe molecules)")
    })?;
    let tokens: Vec<&str> = value.split_whitespace().take(10).collect();
    let numbers: Vec<f64> = tokens.iter().map_while(|t| parse_f64(t)).collect();
    if numbers.len() != 9 || tokens.len() != 9 {
        let what = match tokens.get(numbers.len()) {
            Some(t) if parse_f64(t).is_none() => format!("'{}' is not a number", super::cif_syntax::preview(t)),
            Some(_) => "found more than 9".to_string(),
            None => format!("found {}", numbers.len()),
        };
        return Err(err(
            2,
            format!(
                "Lattice=\"{}\" should hold 9 numbers (the three lattice vectors, Å); {what}",
                super::cif_syntax::preview(value)
            ),
        ));
    }
    let rows = [0, 1, 2].map(|r| [numbers[3 * r], numbers[3 * r + 1], numbers[3 * r + 2]]);
    super::checked_lattice(Lattice::new(rows))
        .map_err(|why| err(2, format!("the Lattice vectors do not form a valid cell: {why}")))
}

/// Where the species and positions are among the columns of an atom line.
#[derive(Debug, PartialEq)]
struct Columns {
    species: usize,
    /// First of the three position columns.
    pos: usize,
    /// Columns needed to read both.
    needed: usize,
}

impl Columns {
    /// Reads `name:type:count` triples, e.g. `species:S:1:pos:R:3:forces:R:3`.
    fn from_properties(spec: &str) -> Result<Columns> {
        let bad = |why: &str| err(2, format!("Properties=\"{}\" {why}", super::cif_syntax::preview(spec)));
        let fields: Vec<&str> = spec.split(':').collect();
        if !fields.len().is_multiple_of(3) {
            return Err(bad("should be name:type:count triples, like species:S:1:pos:R:3"));
        }
        let (mut offset, mut species, mut pos) = (0u64, None, None);
        for triple in fields.chunks(3) {
            let (name, kind) = (triple[0], triple[1]);
            let count = parse_count(triple[2])
                .filter(|n| (1..=MAX_COLUMNS).contains(n))
                .ok_or_else(|| bad("has a column count that is not a small whole number"))?;
            if name.eq_ignore_ascii_case("species") && kind.eq_ignore_ascii_case("S") && count == 1 {
                species = Some(offset as usize);
            } else if name.eq_ignore_ascii_case("pos") && kind.eq_ignore_ascii_case("R") && count == 3 {
                pos = Some(offset as usize);
            }
            offset += count;
            if offset > MAX_COLUMNS {
                return Err(bad("has too many columns"));
            }
        }
        match (species, pos) {
            (Some(species), Some(pos)) => Ok(Columns { species, pos, needed: (species + 1).max(pos + 3) }),
            (None, _) => Err(bad("has no species:S:1 column")),
            (_, None) => Err(bad("has no pos:R:3 column")),
        }
    }
}

/// An element symbol, or an atomic number.
fn read_element(token: &str, lineno: usize) -> Result<Element> {
    let element = match parse_count(token) {
        Some(z) => u8::try_from(z).ok().and_then(Element::from_z),
        None => Element::from_symbol(token),
    };
    element.ok_or_else(|| err(lineno, format!("'{}' is not an element symbol", super::cif_syntax::preview(token))))
}

/// The `key=value` pairs of the comment line; a key without `=` is a flag (value "T").
fn key_values(line: &str) -> Result<Vec<(String, String)>> {
    let b = line.as_bytes();
    let mut pairs = Vec::new();
    let mut i = 0;
    let skip_space = |i: &mut usize| {
        while *i < b.len() && b[*i].is_ascii_whitespace() {
            *i += 1;
        }
    };
    loop {
        skip_space(&mut i);
        if i >= b.len() {
            return Ok(pairs);
        }
        let start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'=' {
            i += 1;
        }
        let key = line[start..i].to_string();
        skip_space(&mut i);
        if b.get(i) != Some(&b'=') {
            pairs.push((key, "T".to_string()));
            continue;
        }
        i += 1;
        skip_space(&mut i);
        let value = match b.get(i) {
            Some(&q @ (b'"' | b'\'')) => {
                let end = b[i + 1..]
                    .iter()
                    .position(|&c| c == q)
                    .ok_or_else(|| err(2, format!("the quoted value of '{key}' is never closed")))?;
                let v = &line[i + 1..i + 1 + end];
                i += end + 2;
                v
            }
            _ => {
                let s = i;
                while i < b.len() && !b[i].is_ascii_whitespace() {
                    i += 1;
                }
                &line[s..i]
            }
        };
        pairs.push((key, value.to_string()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NACL: &str = "2\nLattice=\"0 2.82 2.82 2.82 0 2.82 2.82 2.82 0\" Properties=species:S:1:pos:R:3:forces:R:3 energy=-3.5 pbc=\"T T T\"\n\
        Na 0 0 0 0.1 0.2 0.3\nCl 2.82 2.82 2.82 0 0 0\n";

    #[test]
    fn reads_extended_xyz() {
        let s = parse(NACL, &ParseOptions::default()).unwrap();
        assert_eq!(s.len(), 2);
        let f = s.sites()[1].frac;
        assert!(f.iter().all(|x| (x - 0.5).abs() < 1e-12), "{f:?}");
    }

    #[test]
    fn finds_columns_from_properties() {
        let c = Columns::from_properties("id:I:1:pos:R:3:species:S:1").unwrap();
        assert_eq!(c, Columns { species: 4, pos: 1, needed: 5 });
        assert!(Columns::from_properties("species:S:1").is_err());
        assert!(Columns::from_properties("species:S").is_err());
        assert!(Columns::from_properties("species:S:1:pos:R:99999999999").is_err());
    }

    #[test]
    fn key_values_with_quotes_and_flags() {
        let kv = key_values("a=1 b = \"x y\" c='z' flag").unwrap();
        let want = [("a", "1"), ("b", "x y"), ("c", "z"), ("flag", "T")];
        assert_eq!(kv, want.map(|(k, v)| (k.to_string(), v.to_string())));
        assert!(key_values("a=\"open").is_err());
    }

    #[test]
    fn errors() {
        let e = parse("2\nProperties=species:S:1:pos:R:3\nNa 0 0 0\n", &ParseOptions::default()).unwrap_err();
        assert!(e.to_string().contains("no Lattice="), "{e}");
        let e = parse(&NACL.replace("Cl 2.82", "Xx 2.82"), &ParseOptions::default()).unwrap_err();
        assert_eq!(e.to_string(), "extended XYZ, line 4: 'Xx' is not an element symbol");
        let e = parse("99999999999999\n", &ParseOptions::default()).unwrap_err();
        assert!(e.to_string().contains("more than the limit"), "{e}");
    }
}
