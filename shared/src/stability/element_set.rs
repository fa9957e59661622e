//! Sets of elements as bit masks: the key of a chemical system.

use crate::element::Element;

/// A set of elements (bit Z − 1 of a 128-bit mask; Z ≤ 103), e.g. the chemical system Li–O.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ElementSet(u128);

impl ElementSet {
    pub fn of(elements: impl IntoIterator<Item = Element>) -> ElementSet {
        ElementSet(elements.into_iter().fold(0, |mask, e| mask | bit(e)))
    }

    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn contains(self, element: Element) -> bool {
        self.0 & bit(element) != 0
    }

    pub fn is_subset_of(self, other: ElementSet) -> bool {
        self.0 & !other.0 == 0
    }

    /// The elements by increasing atomic number.
    pub fn elements(self) -> impl Iterator<Item = Element> {
        (1..=Element::COUNT as u8).filter_map(Element::from_z).filter(move |&e| self.contains(e))
    }

    /// Every non-empty subset (2^len − 1 of them), the set itself first.
    pub fn subsets(self) -> impl Iterator<Item = ElementSet> {
        let mask = self.0;
        let mut next = (mask != 0).then_some(mask);
        std::iter::from_fn(move || {
            let current = next?;
            let smaller = (current - 1) & mask;
            next = (smaller != 0).then_some(smaller);
            Some(ElementSet(current))
        })
    }
}

fn bit(element: Element) -> u128 {
    1u128 << (element.z() - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(symbols: &[&str]) -> ElementSet {
        ElementSet::of(symbols.iter().map(|s| Element::from_symbol(s).unwrap()))
    }

    #[test]
    fn subsets_cover_every_chemical_subsystem_once() {
        let sr_ti_o = set(&["Sr", "Ti", "O"]);
        let mut subsets: Vec<ElementSet> = sr_ti_o.subsets().collect();
        assert_eq!(subsets.len(), 7);
        subsets.sort();
        subsets.dedup();
        assert_eq!(subsets.len(), 7);
        assert!(subsets.iter().all(|s| s.is_subset_of(sr_ti_o) && !s.is_empty()));
        assert!(subsets.contains(&set(&["Sr", "O"])));
        assert_eq!(ElementSet::default().subsets().count(), 0);
    }

    #[test]
    fn holds_the_heaviest_elements() {
        let lr_h = set(&["Lr", "H"]);
        assert_eq!(lr_h.len(), 2);
        assert_eq!(lr_h.elements().map(Element::symbol).collect::<Vec<_>>(), ["H", "Lr"]);
        assert!(set(&["Lr"]).is_subset_of(lr_h) && !set(&["He"]).is_subset_of(lr_h));
    }
}
