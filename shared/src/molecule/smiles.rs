//! The SMILES reader: text to atoms and bonds exactly as written (OpenSMILES grammar), with the
//! position of every atom and bond. Chemistry (hydrogens, kekulisation) happens afterwards.

use super::SmilesErrorKind as Kind;
use super::{Atom, Bond, BondDirection, BondOrder, Chirality, DoubleBondStereo, Hybridisation, SmilesError};
use crate::Element;
use crate::element::SYMBOLS;

/// Atoms and bonds as written: bond orders are [`BondOrder::Aromatic`] where written `:` or
/// elided between two aromatic atoms, and every [`Atom::aromatic`] is as written.
pub(crate) struct Written {
    pub atoms: Vec<Atom>,
    pub bonds: Vec<Bond>,
}

/// A bond symbol and where it was written.
#[derive(Clone, Copy)]
struct BondSymbol {
    order: BondOrder,
    direction: BondDirection,
    position: usize,
}

struct OpenRing {
    atom: usize,
    bond: Option<BondSymbol>,
    position: usize,
}

struct Reader<'a> {
    text: &'a [u8],
    at: usize,
    written: Written,
    previous: Option<usize>,
    pending_bond: Option<BondSymbol>,
    /// Position of a `.` waiting for the atom that starts the next component.
    pending_dot: Option<usize>,
    /// Open branches: (atom the branch hangs from, position of `(`, atoms when opened).
    branches: Vec<(usize, usize, usize)>,
    rings: std::collections::BTreeMap<u32, OpenRing>,
    /// Ring-closure bonds with their ring numbers: they are numbered after all chain bonds, by
    /// ring number, from the closing atom to the opening one (as RDKit numbers them).
    ring_closures: Vec<(u32, Bond)>,
}

/// Reads `smiles`; surrounding whitespace is skipped, positions count from the start of `smiles`.
pub(crate) fn read(smiles: &str) -> Result<Written, SmilesError> {
    let text = smiles.as_bytes();
    let start = text.iter().position(|c| !c.is_ascii_whitespace()).unwrap_or(text.len());
    let end = text.iter().rposition(|c| !c.is_ascii_whitespace()).map_or(start, |i| i + 1);
    if start == end {
        return Err(SmilesError::new(0, Kind::Empty));
    }
    let mut reader = Reader {
        text: &text[..end],
        at: start,
        written: Written { atoms: Vec::new(), bonds: Vec::new() },
        previous: None,
        pending_bond: None,
        pending_dot: None,
        branches: Vec::new(),
        rings: Default::default(),
        ring_closures: Vec::new(),
    };
    reader.read_all()?;
    let mut written = reader.written;
    reader.ring_closures.sort_by_key(|&(number, _)| number);
    written.bonds.extend(reader.ring_closures.into_iter().map(|(_, bond)| bond));
    Ok(written)
}

fn error<T>(position: usize, kind: Kind) -> Result<T, SmilesError> {
    Err(SmilesError::new(position, kind))
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    fn read_all(&mut self) -> Result<(), SmilesError> {
        while let Some(c) = self.peek() {
            let position = self.at;
            match c {
                b'[' => self.read_bracket_atom()?,
                b'B' | b'C' | b'N' | b'O' | b'P' | b'S' | b'F' | b'I' | b'b' | b'c' | b'n' | b'o' | b'p' | b's' => {
                    self.read_organic_atom()?
                }
                b'*' => return error(position, Kind::UnsupportedAtom { symbol: "*".into() }),
                b'-' | b'=' | b'#' | b'$' | b':' | b'/' | b'\\' => self.read_bond()?,
                b'(' => {
                    let Some(atom) = self.previous else {
                        return error(position, Kind::NothingBefore { what: "branch `(`".into() });
                    };
                    if let Some(bond) = self.pending_bond {
                        return error(bond.position, Kind::DanglingBond);
                    }
                    self.branches.push((atom, position, self.written.atoms.len()));
                    self.at += 1;
                }
                b')' => {
                    if let Some(bond) = self.pending_bond {
                        return error(bond.position, Kind::DanglingBond);
                    }
                    let Some((atom, _, atoms_when_opened)) = self.branches.pop() else {
                        return error(position, Kind::UnopenedBranch);
                    };
                    if self.written.atoms.len() == atoms_when_opened {
                        return error(position - 1, Kind::EmptyBranch);
                    }
                    self.previous = Some(atom);
                    self.pending_dot = None;
                    self.at += 1;
                }
                b'0'..=b'9' | b'%' => self.read_ring_closure()?,
                b'.' => {
                    if let Some(bond) = self.pending_bond {
                        return error(bond.position, Kind::DanglingBond);
                    }
                    if self.previous.is_none() {
                        return error(position, Kind::NothingBefore { what: "`.`".into() });
                    }
                    self.previous = None;
                    self.pending_dot = Some(position);
                    self.at += 1;
                }
                c if c.is_ascii_whitespace() => return error(position, Kind::InnerWhitespace),
                _ => return error(position, unexpected(self.text, position)),
            }
        }
        self.finish()
    }

    fn finish(&mut self) -> Result<(), SmilesError> {
        if let Some(bond) = self.pending_bond {
            return error(bond.position, Kind::DanglingBond);
        }
        if let Some(dot) = self.pending_dot {
            return error(dot, Kind::DanglingDot);
        }
        if let Some(&(_, position, _)) = self.branches.first() {
            return error(position, Kind::UnclosedBranch);
        }
        if let Some((&number, ring)) = self.rings.iter().min_by_key(|(_, ring)| ring.position) {
            return error(ring.position, Kind::UnclosedRing { number });
        }
        Ok(())
    }

    fn read_bond(&mut self) -> Result<(), SmilesError> {
        let position = self.at;
        let c = self.text[position];
        if self.pending_bond.is_some() {
            return error(position, Kind::DoubleBondSymbol);
        }
        if self.previous.is_none() {
            return error(position, Kind::NothingBefore { what: format!("bond `{}`", c as char) });
        }
        let (order, direction) = match c {
            b'-' => (BondOrder::Single, BondDirection::None),
            b'=' => (BondOrder::Double, BondDirection::None),
            b'#' => (BondOrder::Triple, BondDirection::None),
            b':' => (BondOrder::Aromatic, BondDirection::None),
            b'/' => (BondOrder::Single, BondDirection::Up),
            b'\\' => (BondOrder::Single, BondDirection::Down),
            _ => return error(position, Kind::UnsupportedBond { symbol: c as char }),
        };
        self.pending_bond = Some(BondSymbol { order, direction, position });
        self.at += 1;
        Ok(())
    }

    fn read_organic_atom(&mut self) -> Result<(), SmilesError> {
        let position = self.at;
        let c = self.text[position];
        let two_letter = match (c, self.text.get(position + 1)) {
            (b'C', Some(b'l')) => Some("Cl"),
            (b'B', Some(b'r')) => Some("Br"),
            _ => None,
        };
        let symbol =
            two_letter.unwrap_or_else(|| SYMBOLS.iter().find(|s| s.as_bytes() == [c.to_ascii_uppercase()]).unwrap());
        self.at += symbol.len();
        let element = element_of(symbol).expect("organic subset symbols are elements");
        self.add_atom(new_atom(element, c.is_ascii_lowercase(), false, position))
    }

    fn read_bracket_atom(&mut self) -> Result<(), SmilesError> {
        let open = self.at;
        let Some(close) = self.text[open..].iter().position(|&c| c == b']').map(|i| open + i) else {
            return error(open, Kind::BadBracketAtom { reason: "`[` is never closed by `]`".into() });
        };
        let body = &self.text[open + 1..close];
        if let Some(i) = body.iter().position(|c| !c.is_ascii_graphic()) {
            return error(open + 1 + i, unexpected(self.text, open + 1 + i));
        }
        let atom = BracketReader { text: self.text, at: open + 1, end: close }.read()?;
        self.at = close + 1;
        self.add_atom(Atom { position: open, ..atom })
    }

    fn add_atom(&mut self, atom: Atom) -> Result<(), SmilesError> {
        let index = self.written.atoms.len();
        let position = atom.position;
        self.written.atoms.push(atom);
        if let Some(previous) = self.previous {
            let symbol = self.pending_bond.take();
            let bond = self.new_bond(previous, index, symbol, position)?;
            self.written.bonds.push(bond);
        } else if let Some(bond) = self.pending_bond {
            return error(bond.position, Kind::NothingBefore { what: "bond".into() });
        }
        self.previous = Some(index);
        self.pending_dot = None;
        Ok(())
    }

    /// The bond `a`–`b`; `elided_at` is the position used when no symbol was written.
    fn new_bond(&self, a: usize, b: usize, symbol: Option<BondSymbol>, elided_at: usize) -> Result<Bond, SmilesError> {
        let atoms = &self.written.atoms;
        let both_aromatic = atoms[a].aromatic && atoms[b].aromatic;
        let (order, direction, position) = match symbol {
            Some(s) => (s.order, s.direction, s.position),
            None if both_aromatic => (BondOrder::Aromatic, BondDirection::None, elided_at),
            None => (BondOrder::Single, BondDirection::None, elided_at),
        };
        if order == BondOrder::Aromatic && !both_aromatic {
            return error(position, Kind::AromaticBondOutsideAromatic);
        }
        Ok(Bond {
            atoms: [a, b],
            order,
            kekule_order: order,
            direction,
            stereo: DoubleBondStereo::None,
            in_ring: false,
            conjugated: false,
            position,
        })
    }

    fn read_ring_closure(&mut self) -> Result<(), SmilesError> {
        let position = self.at;
        let number = self.read_ring_number()?;
        let Some(atom) = self.previous else {
            return error(position, Kind::NothingBefore { what: format!("ring number {number}") });
        };
        let bond = self.pending_bond.take();
        let Some(open) = self.rings.remove(&number) else {
            self.rings.insert(number, OpenRing { atom, bond, position });
            return Ok(());
        };
        let symbol = match (open.bond, bond) {
            (Some(first), Some(second)) if (first.order, first.direction) != (second.order, second.direction) => {
                let same_order_opposite_marks = first.order == second.order;
                if !same_order_opposite_marks {
                    return error(position, Kind::RingBondConflict { number });
                }
                Some(first)
            }
            // The bond runs from the closing atom to the opening one: a mark written at the
            // opening digit reads the other way.
            (Some(first), _) => Some(BondSymbol { direction: reversed(first.direction), ..first }),
            (None, Some(second)) => Some(second),
            (None, None) => None,
        };
        if open.atom == atom {
            return error(position, Kind::BadRingClosure { number, reason: "bonds an atom to itself".into() });
        }
        let same_atoms = |b: &Bond| b.atoms == [open.atom, atom] || b.atoms == [atom, open.atom];
        let closures = self.ring_closures.iter().map(|(_, bond)| bond);
        if self.written.bonds.iter().chain(closures).any(same_atoms) {
            return error(position, Kind::BadRingClosure { number, reason: "repeats an existing bond".into() });
        }
        let bond = self.new_bond(atom, open.atom, symbol, position)?;
        self.ring_closures.push((number, bond));
        Ok(())
    }

    /// A ring number: one digit, `%nn` or `%(n…)`.
    fn read_ring_number(&mut self) -> Result<u32, SmilesError> {
        let position = self.at;
        if self.text[position] != b'%' {
            self.at += 1;
            return Ok(u32::from(self.text[position] - b'0'));
        }
        let digits = |from: usize, to: usize| self.text.get(from..to).filter(|d| d.iter().all(u8::is_ascii_digit));
        if self.text.get(position + 1) == Some(&b'(') {
            let close = self.text[position..].iter().position(|&c| c == b')').map(|i| position + i);
            let number = close.and_then(|close| digits(position + 2, close).filter(|d| (1..=5).contains(&d.len())));
            let (Some(close), Some(number)) = (close, number) else {
                return error(position, Kind::BadRingNumber);
            };
            self.at = close + 1;
            return Ok(number.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')));
        }
        let Some(number) = digits(position + 1, position + 3) else {
            return error(position, Kind::BadRingNumber);
        };
        self.at += 3;
        Ok(u32::from(number[0] - b'0') * 10 + u32::from(number[1] - b'0'))
    }
}

fn reversed(direction: BondDirection) -> BondDirection {
    match direction {
        BondDirection::Up => BondDirection::Down,
        BondDirection::Down => BondDirection::Up,
        BondDirection::None => BondDirection::None,
    }
}

/// The error for an unexpected byte: lowercase letters that could start an element symbol are
/// reported as unknown elements, everything else as an unexpected character.
fn unexpected(text: &[u8], position: usize) -> Kind {
    let c = text[position];
    if !c.is_ascii() {
        let character = std::str::from_utf8(&text[position..]).ok().and_then(|s| s.chars().next());
        return Kind::UnexpectedCharacter { character: character.unwrap_or(char::REPLACEMENT_CHARACTER) };
    }
    if c.is_ascii_alphabetic() {
        let mut symbol = (c as char).to_string();
        if let Some(&next) = text.get(position + 1).filter(|n| n.is_ascii_lowercase()) {
            symbol.push(next as char);
        }
        if element_of(&symbol).is_some() {
            return Kind::NeedsBrackets { symbol };
        }
        return Kind::UnknownElement { symbol };
    }
    Kind::UnexpectedCharacter { character: c as char }
}

fn element_of(symbol: &str) -> Option<Element> {
    SYMBOLS.iter().position(|s| *s == symbol).and_then(|i| Element::from_z(i as u8 + 1))
}

fn new_atom(element: Element, aromatic: bool, bracket: bool, position: usize) -> Atom {
    Atom {
        element,
        isotope: None,
        formal_charge: 0,
        hydrogens: 0,
        aromatic,
        bracket,
        chirality: Chirality::None,
        atom_class: None,
        hybridisation: Hybridisation::Other,
        smallest_ring: None,
        position,
    }
}

/// Reads `[isotope? symbol chirality? hcount? charge? class?]` between `at` and `end` (the `]`).
struct BracketReader<'a> {
    text: &'a [u8],
    at: usize,
    end: usize,
}

/// Symbols that may be written aromatic inside brackets.
const AROMATIC_BRACKET_SYMBOLS: [&str; 9] = ["b", "c", "n", "o", "p", "s", "se", "as", "te"];

impl BracketReader<'_> {
    fn peek(&self) -> Option<u8> {
        (self.at < self.end).then(|| self.text[self.at])
    }

    fn bad<T>(&self, reason: impl Into<String>) -> Result<T, SmilesError> {
        error(self.at.min(self.end), Kind::BadBracketAtom { reason: reason.into() })
    }

    /// Up to `max_digits` digits as a number, `None` if there are none.
    fn number(&mut self, max_digits: usize) -> Result<Option<u32>, SmilesError> {
        let start = self.at;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.at += 1;
        }
        if self.at - start > max_digits {
            self.at = start;
            return self.bad(format!("more than {max_digits} digits"));
        }
        Ok((self.at > start).then(|| self.text[start..self.at].iter().fold(0, |n, d| n * 10 + u32::from(d - b'0'))))
    }

    fn read(mut self) -> Result<Atom, SmilesError> {
        let isotope = self.number(3)?;
        let (element, aromatic) = self.symbol()?;
        let chirality = self.chirality()?;
        let hydrogens = if self.peek() == Some(b'H') {
            self.at += 1;
            self.number(1)?.unwrap_or(1)
        } else {
            0
        };
        if element.z() == 1 && hydrogens > 0 {
            return self.bad("a hydrogen atom cannot carry hydrogens");
        }
        let formal_charge = self.charge()?;
        let atom_class = if self.peek() == Some(b':') {
            self.at += 1;
            match self.number(9)? {
                Some(class) => Some(class),
                None => return self.bad("`:` must be followed by an atom class number"),
            }
        } else {
            None
        };
        if self.at < self.end {
            let c = self.text[self.at] as char;
            return self.bad(format!("unexpected `{c}` (expected isotope, symbol, @, H, charge, :class)"));
        }
        Ok(Atom {
            isotope: isotope.map(|i| i as u16),
            formal_charge,
            hydrogens: hydrogens as u8,
            chirality,
            atom_class,
            ..new_atom(element, aromatic, true, 0)
        })
    }

    fn symbol(&mut self) -> Result<(Element, bool), SmilesError> {
        let start = self.at;
        let Some(first) = self.peek().filter(|c| c.is_ascii_alphabetic() || *c == b'*') else {
            return self.bad("missing element symbol");
        };
        if first == b'*' {
            return error(start, Kind::UnsupportedAtom { symbol: "*".into() });
        }
        let second = self.text.get(start + 1).filter(|c| start + 1 < self.end && c.is_ascii_lowercase());
        if first.is_ascii_lowercase() {
            let two = second.map(|&s| [first, s]);
            let two =
                two.as_ref().map(|t| std::str::from_utf8(t).unwrap()).filter(|t| AROMATIC_BRACKET_SYMBOLS.contains(t));
            let symbol = two.unwrap_or(std::str::from_utf8(&self.text[start..start + 1]).unwrap());
            if !AROMATIC_BRACKET_SYMBOLS.contains(&symbol) {
                let symbol = symbol.to_string();
                return error(start, Kind::UnknownElement { symbol });
            }
            self.at += symbol.len();
            let capitalised = format!("{}{}", symbol[..1].to_ascii_uppercase(), &symbol[1..]);
            return Ok((element_of(&capitalised).expect("aromatic symbols are elements"), true));
        }
        let one = std::str::from_utf8(&self.text[start..start + 1]).unwrap();
        if let Some(&s) = second {
            let two = format!("{one}{}", s as char);
            if let Some(element) = element_of(&two) {
                self.at += 2;
                return Ok((element, false));
            }
        }
        if let Some(element) = element_of(one) {
            self.at += 1;
            return Ok((element, false));
        }
        let symbol = second.map_or(one.to_string(), |&s| format!("{one}{}", s as char));
        if SUPERHEAVY.contains(&symbol.as_str()) {
            return error(start, Kind::UnsupportedAtom { symbol });
        }
        error(start, Kind::UnknownElement { symbol })
    }

    fn chirality(&mut self) -> Result<Chirality, SmilesError> {
        if self.peek() != Some(b'@') {
            return Ok(Chirality::None);
        }
        self.at += 1;
        if self.peek() == Some(b'@') {
            self.at += 1;
            return Ok(Chirality::Clockwise);
        }
        let class = [self.peek(), self.text.get(self.at + 1).copied().filter(|_| self.at + 1 < self.end)];
        let (class, max) = match class {
            [Some(b'T'), Some(b'H')] => (*b"TH", 2),
            [Some(b'A'), Some(b'L')] => (*b"AL", 2),
            [Some(b'S'), Some(b'P')] => (*b"SP", 3),
            [Some(b'T'), Some(b'B')] => (*b"TB", 20),
            [Some(b'O'), Some(b'H')] => (*b"OH", 30),
            _ => return Ok(Chirality::Anticlockwise),
        };
        self.at += 2;
        let number = match self.number(2)? {
            Some(n) if (1..=max).contains(&n) => n as u8,
            _ => {
                return self
                    .bad(format!("chirality @{} needs a number 1..={max}", std::str::from_utf8(&class).unwrap()));
            }
        };
        Ok(match (&class, number) {
            (b"TH", 1) => Chirality::Anticlockwise,
            (b"TH", 2) => Chirality::Clockwise,
            _ => Chirality::Other { class, number },
        })
    }

    fn charge(&mut self) -> Result<i8, SmilesError> {
        let sign: i32 = match self.peek() {
            Some(b'+') => 1,
            Some(b'-') => -1,
            _ => return Ok(0),
        };
        let (sign_char, start) = (self.text[self.at], self.at);
        self.at += 1;
        let magnitude = match self.number(2)? {
            Some(n) => n as i32,
            None => {
                let mut n = 1;
                while self.peek() == Some(sign_char) {
                    self.at += 1;
                    n += 1;
                }
                n
            }
        };
        if magnitude > 15 {
            return error(start, Kind::BadBracketAtom { reason: "charge beyond ±15".into() });
        }
        Ok((sign * magnitude) as i8)
    }
}

/// Elements beyond Lr (Z > 103), valid SMILES but outside [`Element`].
const SUPERHEAVY: [&str; 15] =
    ["Rf", "Db", "Sg", "Bh", "Hs", "Mt", "Ds", "Rg", "Cn", "Nh", "Fl", "Mc", "Lv", "Ts", "Og"];

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(smiles: &str) -> (usize, Kind) {
        let e = read(smiles).err().expect("an error");
        (e.position, e.kind)
    }

    #[test]
    fn reads_atoms_bonds_branches_and_rings() {
        let w = read("CC(=O)Oc1ccccc1C(=O)O").unwrap();
        assert_eq!(w.atoms.len(), 13);
        assert_eq!(w.bonds.len(), 13);
        assert_eq!(w.bonds[1].order, BondOrder::Double);
        assert_eq!(w.bonds.iter().filter(|b| b.order == BondOrder::Aromatic).count(), 6);
        assert_eq!(w.bonds[12].atoms, [9, 4], "ring closures come after the chain bonds");
        assert_eq!(w.atoms[4].position, 7);
    }

    #[test]
    fn reads_bracket_atoms() {
        let w = read("[13CH3:7][C@@H]([NH3+])C([O-])=O.[Na+]").unwrap();
        let a = &w.atoms[0];
        assert_eq!((a.isotope, a.hydrogens, a.atom_class, a.element.symbol()), (Some(13), 3, Some(7), "C"));
        assert_eq!(w.atoms[1].chirality, Chirality::Clockwise);
        assert_eq!((w.atoms[2].formal_charge, w.atoms[2].hydrogens), (1, 3));
        assert_eq!(w.atoms[4].formal_charge, -1);
        assert_eq!(w.atoms.len(), 7);
        assert_eq!(w.bonds.len(), 5);
        assert_eq!(read("[Fe++]").unwrap().atoms[0].formal_charge, 2);
        assert_eq!(read("[Fe-3]").unwrap().atoms[0].formal_charge, -3);
        assert!(read("[se]1cccc1").unwrap().atoms[0].aromatic);
        assert_eq!(read("[Sc]").unwrap().atoms[0].element.symbol(), "Sc");
        assert_eq!(
            read("F[Co@OH15](Cl)(C)(N)(O)Br").unwrap().atoms[1].chirality,
            Chirality::Other { class: *b"OH", number: 15 }
        );
    }

    #[test]
    fn ring_numbers_of_all_forms_close() {
        for (smiles, bonds) in
            [("C1CC1", 3), ("C%10CC%10", 3), ("C%(123)CC%(123)", 3), ("C1CC1C1CC1", 7), ("C=1CCC=1", 4)]
        {
            let w = read(smiles).unwrap_or_else(|e| panic!("{smiles}: {e}"));
            assert_eq!(w.bonds.len(), bonds, "{smiles}");
        }
        assert_eq!(read("C=1CCC1").unwrap().bonds[3].order, BondOrder::Double);
        assert_eq!(read("C1CC1").unwrap().bonds[2].atoms, [2, 0]);
        let closures: Vec<[usize; 2]> = read("C2CC1CC12").unwrap().bonds[4..].iter().map(|b| b.atoms).collect();
        assert_eq!(closures, [[4, 2], [4, 0]], "by ring number, as RDKit");
    }

    #[test]
    fn errors_point_at_the_character() {
        assert_eq!(kind("C1CC"), (1, Kind::UnclosedRing { number: 1 }));
        assert_eq!(kind("CC(C"), (2, Kind::UnclosedBranch));
        assert_eq!(kind("CC)C"), (2, Kind::UnopenedBranch));
        assert_eq!(kind("C()C"), (1, Kind::EmptyBranch));
        assert_eq!(kind("C[Xx]"), (2, Kind::UnknownElement { symbol: "Xx".into() }));
        assert_eq!(kind("CXC"), (1, Kind::UnknownElement { symbol: "X".into() }));
        assert_eq!(kind("CZnC"), (1, Kind::NeedsBrackets { symbol: "Zn".into() }));
        assert!(matches!(kind("C[C"), (1, Kind::BadBracketAtom { .. })));
        assert!(matches!(kind("[C+16]"), (2, Kind::BadBracketAtom { .. })));
        assert!(matches!(kind("[CH3x]"), (4, Kind::BadBracketAtom { .. })));
        assert_eq!(kind("[f]"), (1, Kind::UnknownElement { symbol: "f".into() }));
        assert_eq!(kind("CC="), (2, Kind::DanglingBond));
        assert_eq!(kind("=C"), (0, Kind::NothingBefore { what: "bond `=`".into() }));
        assert_eq!(kind("C==C"), (2, Kind::DoubleBondSymbol));
        assert_eq!(kind("C=1CCCC#1"), (8, Kind::RingBondConflict { number: 1 }));
        assert!(matches!(kind("C11"), (2, Kind::BadRingClosure { .. })));
        assert!(matches!(kind("C12CC12"), (6, Kind::BadRingClosure { .. })));
        assert_eq!(kind("C$C"), (1, Kind::UnsupportedBond { symbol: '$' }));
        assert_eq!(kind("C:C"), (1, Kind::AromaticBondOutsideAromatic));
        assert_eq!(kind("*C"), (0, Kind::UnsupportedAtom { symbol: "*".into() }));
        assert_eq!(kind("C C"), (1, Kind::InnerWhitespace));
        assert_eq!(kind("  "), (0, Kind::Empty));
        assert_eq!(kind("C."), (1, Kind::DanglingDot));
        assert_eq!(kind(".C"), (0, Kind::NothingBefore { what: "`.`".into() }));
        assert_eq!(kind("Cé"), (1, Kind::UnexpectedCharacter { character: 'é' }));
        assert_eq!(kind("C%1"), (1, Kind::BadRingNumber));
    }

    #[test]
    fn surrounding_whitespace_is_ignored_and_positions_kept() {
        assert_eq!(read("  CCO \n").unwrap().atoms[0].position, 2);
        assert_eq!(kind(" C1CC "), (2, Kind::UnclosedRing { number: 1 }));
    }

    #[test]
    fn direction_marks_are_kept() {
        let w = read("F/C=C\\F").unwrap();
        assert_eq!(w.bonds[0].direction, BondDirection::Up);
        assert_eq!(w.bonds[2].direction, BondDirection::Down);
    }
}
