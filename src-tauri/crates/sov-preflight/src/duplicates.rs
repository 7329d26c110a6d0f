//! Finding rows that target the same building, within a file and across a job's files.
//!
//! Only a 64-bit hash of each row's target is kept, never the text: 8 bytes per row in row
//! order, sorted once at the end. A hash set would need about as much memory but touches a
//! random cache line per row, which made it the slowest part of the whole check. Two
//! different targets share a hash with a probability near 1 in 10^7 for a million rows.

use std::collections::{HashMap, HashSet};

/// The target hash of every record after the header, in file order (0 = no target).
#[derive(Debug, Default)]
pub(crate) struct RowTargets {
    hashes: Vec<u64>,
}

impl RowTargets {
    pub(crate) fn with_capacity(records: usize) -> Self {
        Self {
            hashes: Vec::with_capacity(records),
        }
    }

    pub(crate) fn push(&mut self, hash: Option<u64>) {
        self.hashes.push(hash.unwrap_or(0));
    }

    /// Calls `repeat(index, first_index)` for every record whose target an earlier record
    /// already had, in file order; indexes count records after the header.
    pub(crate) fn for_each_repeat(&self, mut repeat: impl FnMut(usize, usize)) {
        let mut sorted = self.hashes.clone();
        sorted.sort_unstable();
        let repeated: HashSet<u64> = sorted
            .windows(2)
            .filter(|pair| pair[0] == pair[1] && pair[0] != 0)
            .map(|pair| pair[0])
            .collect();
        drop(sorted);
        if repeated.is_empty() {
            return;
        }
        let mut first_seen: HashMap<u64, usize> = HashMap::with_capacity(repeated.len());
        for (index, hash) in self.hashes.iter().enumerate() {
            if !repeated.contains(hash) {
                continue;
            }
            match first_seen.get(hash) {
                Some(&first) => repeat(index, first),
                None => {
                    first_seen.insert(*hash, index);
                }
            }
        }
    }

    /// The distinct targets, for checking the job's later files against this one.
    pub(crate) fn into_target_set(self) -> TargetSet {
        let mut hashes = self.hashes;
        hashes.retain(|hash| *hash != 0);
        hashes.sort_unstable();
        hashes.dedup();
        hashes.shrink_to_fit();
        TargetSet { sorted: hashes }
    }
}

/// The distinct target hashes of a checked file.
#[derive(Debug, Default)]
pub(crate) struct TargetSet {
    sorted: Vec<u64>,
}

impl TargetSet {
    pub(crate) fn contains(&self, hash: u64) -> bool {
        self.sorted.binary_search(&hash).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_point_at_the_first_row_with_the_same_target() {
        let mut targets = RowTargets::with_capacity(6);
        for hash in [Some(7), None, Some(9), Some(7), None, Some(7)] {
            targets.push(hash);
        }
        let mut repeats = Vec::new();
        targets.for_each_repeat(|index, first| repeats.push((index, first)));
        assert_eq!(repeats, [(3, 0), (5, 0)]);
        let set = targets.into_target_set();
        assert!(set.contains(7) && set.contains(9));
        assert!(!set.contains(0) && !set.contains(8));
    }
}
