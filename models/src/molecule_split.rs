//! Train/validation/test splits of a molecule data set (8:1:1 by default), the two MoleculeNet
//! protocols: random (a seeded shuffle, the seed recorded by the caller) and Bemis–Murcko
//! scaffold (chemprop's `scaffold_split`, unbalanced: whole scaffold sets, largest first, go to
//! train, then validation, then test).

use crate::rng::SplitMix64;
use std::collections::HashMap;

/// Indices of each part of a split.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Split {
    pub train: Vec<usize>,
    pub val: Vec<usize>,
    pub test: Vec<usize>,
}

/// Sizes of the train and validation parts of `n` items for `fractions` (train, validation);
/// the test part is the rest.
fn sizes(n: usize, fractions: (f64, f64)) -> (usize, usize) {
    let train = (fractions.0 * n as f64) as usize;
    let val = ((fractions.1 * n as f64) as usize).min(n - train);
    (train, val)
}

/// `n` items shuffled with `seed`, then cut train | validation | test.
pub fn random_split(n: usize, fractions: (f64, f64), seed: u64) -> Split {
    let mut order: Vec<usize> = (0..n).collect();
    SplitMix64::new(seed).shuffle(&mut order);
    let (train, val) = sizes(n, fractions);
    Split {
        train: order[..train].to_vec(),
        val: order[train..train + val].to_vec(),
        test: order[train + val..].to_vec(),
    }
}

/// Items grouped by scaffold key (`keys[i]`, e.g. [`shared::molecule::scaffold::scaffold_key`]);
/// the sets, largest first (ties in order of first appearance), fill train while they fit,
/// then validation, then test. Deterministic: no seed.
pub fn scaffold_split(keys: &[String], fractions: (f64, f64)) -> Split {
    let mut position: HashMap<&str, usize> = HashMap::new();
    let mut sets: Vec<Vec<usize>> = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        let set = *position.entry(key.as_str()).or_insert_with(|| {
            sets.push(Vec::new());
            sets.len() - 1
        });
        sets[set].push(i);
    }
    sets.sort_by_key(|set| std::cmp::Reverse(set.len()));
    let (train_size, val_size) = sizes(keys.len(), fractions);
    let mut split = Split::default();
    for set in sets {
        if split.train.len() + set.len() <= train_size {
            split.train.extend(set);
        } else if split.val.len() + set.len() <= val_size {
            split.val.extend(set);
        } else {
            split.test.extend(set);
        }
    }
    split
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_split_cuts_eight_one_one_and_follows_its_seed() {
        let split = random_split(100, (0.8, 0.1), 3);
        assert_eq!((split.train.len(), split.val.len(), split.test.len()), (80, 10, 10));
        let mut all: Vec<usize> = [split.train.clone(), split.val.clone(), split.test.clone()].concat();
        all.sort_unstable();
        assert_eq!(all, (0..100).collect::<Vec<_>>());
        assert_eq!(random_split(100, (0.8, 0.1), 3), split);
        assert_ne!(random_split(100, (0.8, 0.1), 4), split);
    }

    #[test]
    fn scaffold_split_keeps_sets_whole_and_puts_the_largest_in_train() {
        // 10 items: scaffold a ×5, b ×3, c ×1, d ×1 → train holds 8: a and b; c → val; d → test
        let keys: Vec<String> =
            ["a", "b", "a", "c", "a", "b", "d", "a", "b", "a"].iter().map(|s| s.to_string()).collect();
        let split = scaffold_split(&keys, (0.8, 0.1));
        assert_eq!(split.train, vec![0, 2, 4, 7, 9, 1, 5, 8]);
        assert_eq!((split.val, split.test), (vec![3], vec![6]));
        // b is too large for train's last place and for validation, so it goes to test; c still
        // fits train after it
        let keys: Vec<String> =
            ["a", "a", "a", "a", "a", "a", "a", "b", "b", "c"].iter().map(|s| s.to_string()).collect();
        let split = scaffold_split(&keys, (0.8, 0.1));
        assert_eq!((split.train.len(), split.val, split.test), (8, vec![], vec![7, 8]));
    }
}
