//! Which rows each shard screens. Rows are grouped into blocks of `batch` consecutive rows (in
//! the inputs' order; one block is one model batch, so a row's prediction does not depend on
//! the shard count), and blocks are dealt to shards by greedy balancing of their atoms: the
//! largest block first (earlier block on ties), each to the shard with the fewest atoms so far
//! (lowest index on ties). Every shard computes the same assignment from the inputs alone.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// The atoms of each block of `batch` consecutive rows, from each row's atom count.
pub fn block_atoms(row_atoms: impl IntoIterator<Item = u32>, batch: usize) -> Vec<u64> {
    let batch = batch.max(1);
    let mut blocks = Vec::new();
    for (row, atoms) in row_atoms.into_iter().enumerate() {
        if row % batch == 0 {
            blocks.push(0);
        }
        if let Some(last) = blocks.last_mut() {
            // A row costs at least as much as one atom (an unreadable row still takes a parse).
            *last += u64::from(atoms.max(1));
        }
    }
    blocks
}

/// The shard (0..`shards`) of each block, balancing the blocks' atoms `block_atoms`.
pub fn assign_blocks(block_atoms: &[u64], shards: usize) -> Vec<u32> {
    let shards = shards.max(1);
    let mut order: Vec<usize> = (0..block_atoms.len()).collect();
    order.sort_by_key(|&b| (Reverse(block_atoms[b]), b));
    let mut load: BinaryHeap<Reverse<(u64, usize)>> = (0..shards).map(|s| Reverse((0, s))).collect();
    let mut shard_of = vec![0u32; block_atoms.len()];
    for block in order {
        if let Some(Reverse((atoms, shard))) = load.pop() {
            shard_of[block] = shard as u32;
            load.push(Reverse((atoms + block_atoms[block], shard)));
        }
    }
    shard_of
}

/// The atoms each shard receives under `shard_of` (for reports and tests).
pub fn shard_loads(block_atoms: &[u64], shard_of: &[u32], shards: usize) -> Vec<u64> {
    let mut loads = vec![0; shards];
    for (&atoms, &shard) in block_atoms.iter().zip(shard_of) {
        loads[shard as usize] += atoms;
    }
    loads
}
