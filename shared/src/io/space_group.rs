//! Space-group symbols → symmetry operations, from `moyo`'s table of the 530 Hall settings of
//! the 230 space-group types (standard and alternative axes, cell choices, origin choices,
//! hexagonal and rhombohedral axes).
//!
//! A Hermann–Mauguin symbol is matched without spaces, underscores, parentheses or case
//! (`P 1 21/c 1`, `P2(1)/c`, `p21/c`), in its short or full form, with an optional setting after
//! `:` (`:1`, `:2`, `:H`, `:R`, `:b1`, `:-b1`, `:cab`) or ICSD's trailing ` H`, ` R`, ` S`
//! (origin choice 1) and ` Z` (origin choice 2). Short monoclinic symbols without a setting
//! (`P 21/n`, `C 2/c`) are read with unique axis b, as is usual. A symbol or number that leaves
//! the origin choice or the axes open gives every candidate ([`Candidates`]); the caller decides.

use super::symop::SymOp;
use moyo::data::{HallNumber, HallSymbol, HallSymbolEntry, hall_symbol_entry};
use std::collections::HashMap;
use std::sync::OnceLock;

/// Hall numbers of the table (1 to 530).
const HALL_NUMBERS: std::ops::RangeInclusive<HallNumber> = 1..=530;

/// Symbols from before the `e` glide was named (ITA 5th edition), still common in files.
const OLD_SYMBOLS: [(&str, &str); 5] = [
    ("A b m 2", "A e m 2"),
    ("A b a 2", "A e a 2"),
    ("C m c a", "C m c e"),
    ("C m m a", "C m m e"),
    ("C c c a", "C c c e"),
];

/// One tabulated setting of a space-group type.
#[derive(Debug, Clone)]
pub struct SpaceGroupSetting {
    entry: HallSymbolEntry,
}

/// The settings a symbol or number allows: one, or several that differ only by origin choice
/// (Fd-3m) or by hexagonal/rhombohedral axes (R-3m). The first is the conventional default
/// (origin choice 1, hexagonal axes: what pymatgen and spglib assume).
pub type Candidates = Vec<SpaceGroupSetting>;

impl SpaceGroupSetting {
    fn new(hall_number: HallNumber) -> Option<Self> {
        hall_symbol_entry(hall_number).map(|entry| SpaceGroupSetting { entry })
    }

    /// The International Tables number, 1 to 230.
    pub fn number(&self) -> i32 {
        self.entry.number
    }

    /// The Hall number, 1 to 530.
    pub fn hall_number(&self) -> HallNumber {
        self.entry.hall_number
    }

    /// Origin choice 1 or 2, where the group has two.
    pub fn origin_choice(&self) -> Option<u8> {
        match self.entry.setting.as_bytes().first() {
            Some(b'1') => Some(1),
            Some(b'2') => Some(2),
            _ => None,
        }
    }

    /// Rhombohedral axes (a = b = c, α = β = γ) rather than hexagonal ones.
    pub fn rhombohedral_axes(&self) -> bool {
        self.entry.setting == "R"
    }

    /// Hexagonal axes of a rhombohedral group.
    pub fn hexagonal_axes(&self) -> bool {
        self.entry.setting == "H"
    }

    /// The symbol for messages: the full symbol for monoclinic groups (it names the unique axis
    /// and cell choice, `P 1 1 2_1/a`), the short one otherwise, with its setting and Hall symbol:
    /// "F d -3 m (No. 227, origin choice 2; Hall symbol -F 4vw 2vw 3)".
    pub fn describe(&self) -> String {
        let e = &self.entry;
        let symbol = if (3..=15).contains(&e.number) { e.hm_full } else { e.hm_short };
        let setting = match e.setting {
            "" => String::new(),
            "H" => ", hexagonal axes".into(),
            "R" => ", rhombohedral axes".into(),
            s if self.origin_choice().is_some() && s.len() > 1 => {
                format!(", origin choice {}, axes {}", &s[..1], &s[1..])
            }
            s if self.origin_choice().is_some() => format!(", origin choice {s}"),
            s if (3..=15).contains(&e.number) => format!(", setting {s}"),
            s => format!(", axes {s}"),
        };
        format!("{symbol} (No. {}{setting}; Hall symbol {})", e.number, e.hall_symbol)
    }

    /// Every operation of the group in its conventional cell (centring translations included),
    /// translations in [0, 1).
    pub fn operations(&self) -> Vec<SymOp> {
        // Only tabulated Hall symbols reach moyo's parser, which panics on some malformed text.
        let Some(hall) = HallSymbol::new(self.entry.hall_symbol) else {
            return vec![SymOp::IDENTITY];
        };
        let mut shifts = vec![[0.0; 3]];
        shifts.extend(hall.centering_translations.iter().map(|t| [t[0], t[1], t[2]]));
        let mut ops = Vec::new();
        for shift in &shifts {
            for op in hall.traverse() {
                let rot = [0, 1, 2].map(|i| [0, 1, 2].map(|j| op.rotation[(i, j)]));
                let trans = [0, 1, 2].map(|i| (op.translation[i] + shift[i]).rem_euclid(1.0));
                ops.push(SymOp { rot, trans });
            }
        }
        ops
    }

    /// The other settings of the same type that differ only by origin choice or by axes
    /// (hexagonal ↔ rhombohedral).
    fn twins(&self) -> Candidates {
        let e = &self.entry;
        let twin_setting = match (e.setting, self.origin_choice()) {
            ("H", _) => "R".to_string(),
            ("R", _) => "H".to_string(),
            (s, Some(1)) => format!("2{}", &s[1..]),
            (s, Some(_)) => format!("1{}", &s[1..]),
            _ => return Vec::new(),
        };
        table().by_number[&e.number]
            .iter()
            .filter_map(|&h| SpaceGroupSetting::new(h))
            .filter(|s| s.entry.setting == twin_setting)
            .collect()
    }

    /// This setting and its twins, the conventional default first.
    fn with_twins(self) -> Candidates {
        let mut all = vec![self.clone()];
        all.extend(self.twins());
        all.sort_by_key(|s| (s.rhombohedral_axes(), s.origin_choice(), s.hall_number()));
        all
    }
}

/// Settings for a Hermann–Mauguin symbol; `None` when the symbol is unknown.
pub fn from_hermann_mauguin(symbol: &str) -> Option<Candidates> {
    let (base, suffix) = split_setting(symbol);
    let halls = hm_lookup(&base)?;
    let Some(suffix) = suffix else {
        return first(halls).map(SpaceGroupSetting::with_twins);
    };
    let matches_origin = |s: &str| matches!(suffix.as_str(), "1" | "2") && s.starts_with(suffix.as_str());
    let chosen = halls
        .iter()
        .filter_map(|&h| SpaceGroupSetting::new(h))
        .find(|s| s.entry.setting.eq_ignore_ascii_case(&suffix) || matches_origin(s.entry.setting))
        .or_else(|| {
            // A cell choice or axes suffix names a setting whose own symbol differs (`C 2/c:-b1`
            // is `A 1 2/a 1`): look among all settings of the type.
            let number = SpaceGroupSetting::new(*halls.first()?)?.number();
            table().by_number[&number]
                .iter()
                .filter_map(|&h| SpaceGroupSetting::new(h))
                .find(|s| s.entry.setting.eq_ignore_ascii_case(&suffix))
        })?;
    Some(vec![chosen])
}

/// The setting of a Hall symbol (`-P 2ybc`, `-R 3 2"`); `None` when it is not one of the 530.
pub fn from_hall(symbol: &str) -> Option<SpaceGroupSetting> {
    table().hall.get(&hall_key(symbol)).and_then(|&h| SpaceGroupSetting::new(h))
}

/// Settings for an International Tables number (the standard setting: unique axis b, cell
/// choice 1; both origin choices; both axes of rhombohedral groups); `None` outside 1–230.
pub fn from_number(number: i32) -> Option<Candidates> {
    first(table().by_number.get(&number)?).map(SpaceGroupSetting::with_twins)
}

fn first(halls: &[HallNumber]) -> Option<SpaceGroupSetting> {
    halls.first().and_then(|&h| SpaceGroupSetting::new(h))
}

/// The symbol and its setting suffix (lower case; `S`/`Z` read as origin choices 1/2).
fn split_setting(symbol: &str) -> (String, Option<String>) {
    let symbol = symbol.trim();
    if let Some((base, suffix)) = symbol.rsplit_once(':') {
        return (base.to_string(), Some(suffix.trim().to_ascii_lowercase()));
    }
    let mut words: Vec<&str> = symbol.split_whitespace().collect();
    let icsd = match words.last().copied() {
        Some("H") => Some("h"),
        Some("R") => Some("r"),
        Some("S") => Some("1"),
        Some("Z") => Some("2"),
        _ => None,
    };
    match icsd {
        Some(suffix) if words.len() > 1 && hm_lookup(symbol).is_none() => {
            words.pop();
            (words.join(" "), Some(suffix.to_string()))
        }
        _ => (symbol.to_string(), None),
    }
}

/// The Hall numbers of a symbol without its setting suffix; old cubic symbols without the bar
/// (`Fm3m`, `Ia3d`) are tried with it.
fn hm_lookup(symbol: &str) -> Option<&'static [HallNumber]> {
    let key = hm_key(symbol);
    let hm = &table().hm;
    if let Some(halls) = hm.get(&key) {
        return Some(halls);
    }
    let mut barred = String::with_capacity(key.len() + 2);
    let mut previous = ' ';
    for c in key.chars() {
        if c == '3' && previous.is_ascii_alphabetic() {
            barred.push('-');
        }
        barred.push(c);
        previous = c;
    }
    hm.get(&barred).map(Vec::as_slice)
}

fn hm_key(symbol: &str) -> String {
    symbol
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '_' | '(' | ')' | '\'' | '"'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Hall symbols compared without spaces or case, with CIF's `'` and `"` axes as moyo's `^`, `=`.
fn hall_key(symbol: &str) -> String {
    symbol
        .chars()
        .filter(|c| !c.is_whitespace() && *c != ',')
        .map(|c| match c {
            '\'' => '^',
            '"' => '=',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// The lookup tables, built once from moyo's 530 entries.
struct Table {
    /// Normalised H-M symbol → Hall numbers, best match first.
    hm: HashMap<String, Vec<HallNumber>>,
    hall: HashMap<String, HallNumber>,
    /// Space-group number → its Hall numbers in table order (the standard setting first).
    by_number: HashMap<i32, Vec<HallNumber>>,
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let entries: Vec<HallSymbolEntry> = HALL_NUMBERS.filter_map(hall_symbol_entry).collect();
        let mut by_number: HashMap<i32, Vec<HallNumber>> = HashMap::new();
        let mut hall = HashMap::new();
        for e in &entries {
            by_number.entry(e.number).or_default().push(e.hall_number);
            hall.entry(hall_key(e.hall_symbol)).or_insert(e.hall_number);
        }
        // Full symbols name one setting; monoclinic short forms made from them (`P 1 2_1/n 1` →
        // `P21/n`) come next; the type's short symbol (`C 2/c` for all 18 settings of No. 15)
        // last, and only for symbols not yet known.
        let sources: [fn(&HallSymbolEntry) -> Option<String>; 3] = [
            |e| Some(e.hm_full.to_string()),
            |e| (3..=15).contains(&e.number).then(|| e.hm_full.split_whitespace().filter(|w| *w != "1").collect()),
            |e| Some(e.hm_short.to_string()),
        ];
        let mut hm: HashMap<String, Vec<HallNumber>> = HashMap::new();
        for source in sources {
            let mut found: HashMap<String, Vec<HallNumber>> = HashMap::new();
            for e in &entries {
                if let Some(symbol) = source(e) {
                    found.entry(hm_key(&symbol)).or_default().push(e.hall_number);
                }
            }
            for (key, halls) in found {
                hm.entry(key).or_insert(halls);
            }
        }
        for (old, new) in OLD_SYMBOLS {
            if let Some(halls) = hm.get(&hm_key(new)).cloned() {
                hm.entry(hm_key(old)).or_insert(halls);
            }
        }
        Table { hm, hall, by_number }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hm(symbol: &str) -> Candidates {
        from_hermann_mauguin(symbol).unwrap_or_else(|| panic!("{symbol} unknown"))
    }

    fn halls(c: &Candidates) -> Vec<HallNumber> {
        c.iter().map(SpaceGroupSetting::hall_number).collect()
    }

    #[test]
    fn every_symbol_names_one_space_group_type() {
        for (key, halls) in &table().hm {
            let numbers: Vec<i32> = halls.iter().map(|&h| hall_symbol_entry(h).unwrap().number).collect();
            assert!(numbers.iter().all(|&n| n == numbers[0]), "{key}: {numbers:?}");
        }
        assert_eq!(table().by_number.len(), 230);
    }

    #[test]
    fn every_setting_has_a_closed_set_of_operations() {
        for h in HALL_NUMBERS {
            let s = SpaceGroupSetting::new(h).unwrap();
            let ops = s.operations();
            assert!(ops.len() <= super::super::symop::MAX_SYMOPS, "{h}");
            // The product of two operations is again one of them (modulo lattice translations).
            let same = |a: &SymOp, b: &SymOp| {
                let d = |i: usize| a.trans[i] - b.trans[i];
                a.rot == b.rot && (0..3).all(|i| (d(i) - d(i).round()).abs() < 1e-6)
            };
            let (a, b) = (&ops[ops.len() / 2], &ops[ops.len() - 1]);
            let rot = [0, 1, 2].map(|i| [0, 1, 2].map(|j| (0..3).map(|k| a.rot[i][k] * b.rot[k][j]).sum()));
            let trans = [0, 1, 2].map(|i| a.apply(b.trans)[i]);
            assert!(ops.iter().any(|o| same(o, &SymOp { rot, trans })), "hall {h}");
        }
    }

    #[test]
    fn spellings_of_one_symbol() {
        for symbol in ["P 1 21/c 1", "P21/c", "P2(1)/c", "p 21/c", "P 1 2_1/c 1"] {
            assert_eq!(halls(&hm(symbol)), [81], "{symbol}");
        }
        assert_eq!(halls(&hm("P 21/n")), [82]);
        assert_eq!(halls(&hm("P 1 1 21/a")), [84]);
        assert_eq!(halls(&hm("C 1 2/m 1")), [63]);
        assert_eq!(halls(&hm("C2/c:b1")), [90]);
        assert_eq!(halls(&hm("C 2/c:-b1")), [93]);
        assert_eq!(halls(&hm("C2:b1")), [9]);
        assert_eq!(halls(&hm("Pnma")), [292]);
        assert_eq!(halls(&hm("P n m a")), [292]);
        assert_eq!(halls(&hm("P b n m")), [294]);
        assert_eq!(halls(&hm("P 21/n 21/m 21/a")), [292]);
        assert_eq!(halls(&hm("Fm3m")), [523]);
        assert_eq!(halls(&hm("C m c a")), halls(&hm("C m c e")));
        assert_eq!(hm("P 63/m m c")[0].number(), 194);
    }

    #[test]
    fn origin_choices_and_rhombohedral_axes() {
        assert_eq!(halls(&hm("F d -3 m")), [525, 526]);
        assert_eq!(halls(&hm("F d -3 m:2")), [526]);
        assert_eq!(halls(&hm("Fd-3m:1")), [525]);
        assert_eq!(halls(&hm("F d -3 m Z")), [526]);
        assert_eq!(halls(&hm("I 41/a m d:2")), [427]);
        assert_eq!(halls(&hm("R -3 m")), [458, 459]);
        assert_eq!(halls(&hm("R -3 m:H")), [458]);
        assert_eq!(halls(&hm("R -3 m R")), [459]);
        assert_eq!(halls(&from_number(227).unwrap()), [525, 526]);
        assert_eq!(halls(&from_number(14).unwrap()), [81]);
        assert!(from_number(231).is_none() && from_number(0).is_none());
        assert!(from_hermann_mauguin("Q 9").is_none() && from_hermann_mauguin("").is_none());
    }

    #[test]
    fn hall_symbols() {
        assert_eq!(from_hall("-P 2ybc").unwrap().number(), 14);
        assert_eq!(from_hall("-F 4vw 2vw 3").unwrap().hall_number(), 526);
        assert_eq!(from_hall("-R 3 2\"").unwrap().hall_number(), 458);
        assert!(from_hall("-P 9").is_none() && from_hall("").is_none());
    }

    #[test]
    fn operation_counts() {
        let count = |s: &str| hm(s)[0].operations().len();
        assert_eq!((count("P -1"), count("F m -3 m"), count("R -3 m"), count("R -3 m:R")), (2, 192, 36, 12));
        assert_eq!(count("I 41/a m d"), 32);
        assert!(hm("F d -3 m:2")[0].describe().contains("origin choice 2"));
    }
}
