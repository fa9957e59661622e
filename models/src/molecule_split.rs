//! Train/validation/test splits of a molecule data set (8:1:1 by default), the two MoleculeNet
//! protocols: random (a seeded shuffle, the seed recorded by the caller) and Bemis–Murcko
//! scaffold (chemprop's `scaffold_split`, unbalanced: whole scaffold sets, largest first, go to
//! train, then validation, then test; or balanced and seeded, as chemprop's default).

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

/// Item indices grouped by key, the groups in order of first appearance.
fn scaffold_sets(keys: &[String]) -> Vec<Vec<usize>> {
    let mut position: HashMap<&str, usize> = HashMap::new();
    let mut sets: Vec<Vec<usize>> = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        let set = *position.entry(key.as_str()).or_insert_with(|| {
            sets.push(Vec::new());
            sets.len() - 1
        });
        sets[set].push(i);
    }
    sets
}

/// Items grouped by scaffold key (`keys[i]`, e.g. [`shared::molecule::scaffold::scaffold_key`]);
/// the sets, largest first (ties in order of first appearance), fill train while they fit,
/// then validation, then test. Deterministic: no seed. The test part is the smallest sets,
/// which in a table sorted by label can hold a single class (BACE's holds no inhibitor).
pub fn scaffold_split(keys: &[String], fractions: (f64, f64)) -> Split {
    let mut sets = scaffold_sets(keys);
    sets.sort_by_key(|set| std::cmp::Reverse(set.len()));
    fill_in_order(sets, sizes(keys.len(), fractions))
}

/// chemprop's default scaffold split (`scaffold_split(balanced=True)`): the scaffold sets larger
/// than half the validation or test size come first, the others after them, each group in an
/// order shuffled with `seed`; the sets then fill train while they fit, then validation, then
/// test. Large scaffolds stay in train, and the small ones spread over all three parts.
pub fn balanced_scaffold_split(keys: &[String], fractions: (f64, f64), seed: u64) -> Split {
    let (train_size, val_size) = sizes(keys.len(), fractions);
    let test_size = keys.len() - train_size - val_size;
    let (mut big, mut small): (Vec<_>, Vec<_>) =
        scaffold_sets(keys).into_iter().partition(|set| 2 * set.len() > val_size || 2 * set.len() > test_size);
    let mut rng = SplitMix64::new(seed);
    rng.shuffle(&mut big);
    rng.shuffle(&mut small);
    fill_in_order(big.into_iter().chain(small).collect(), (train_size, val_size))
}

/// Whole `sets`, in order, into train while it has room for them, then validation, then test
/// (`sizes`: the train and validation parts' sizes).
fn fill_in_order(sets: Vec<Vec<usize>>, (train_size, val_size): (usize, usize)) -> Split {
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
    fn balanced_scaffold_split_keeps_sets_whole_and_follows_its_seed() {
        // One scaffold of 30, then 70 singletons: the large set goes to train; the singletons
        // spread over all three parts in a seeded order.
        let keys: Vec<String> = (0..100).map(|i| if i < 30 { "ring".to_string() } else { format!("s{i}") }).collect();
        let split = balanced_scaffold_split(&keys, (0.8, 0.1), 7);
        assert_eq!((split.train.len(), split.val.len(), split.test.len()), (80, 10, 10));
        assert!((0..30).all(|i| split.train.contains(&i)), "the large set stays whole in train");
        assert_eq!(split, balanced_scaffold_split(&keys, (0.8, 0.1), 7));
        let other = balanced_scaffold_split(&keys, (0.8, 0.1), 8);
        assert_ne!(split.test, other.test, "another seed, another test part");
        // The unbalanced split puts the last singletons in test, in table order.
        assert_eq!(scaffold_split(&keys, (0.8, 0.1)).test, (90..100).collect::<Vec<_>>());
        let mut all: Vec<usize> = [split.train, split.val, split.test].concat();
        all.sort_unstable();
        assert_eq!(all, (0..100).collect::<Vec<_>>());
    }

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
