//! Finding rows that target the same building, within a file and across a job's files.
//!
//! Only a 64-bit hash of each row's target is kept, never the text: 8 bytes per row in row
//! order, sorted at the end. A hash set would need about as much memory but touches a random
//! cache line per row, which made it the slowest part of the whole check. Two different targets
//! share a hash with a probability near 1 in 10^7 for a million rows.
//!
//! Memory does not grow with the file: past `CHUNK_ROWS` rows, each full chunk is sorted and
//! written to an anonymous temporary file (`runs`), and the runs are merged at the end.

mod runs;

use std::collections::{HashMap, HashSet};
use std::io;

use runs::{DiskTargets, Run, TargetMerge};

/// Rows kept in memory before a chunk goes to disk: 8 MB of hashes (16 MB more while sorting).
/// A million-row file stays in memory, which is faster; longer files cost no more memory.
const CHUNK_ROWS: usize = 1 << 20;

/// The target hash of every record after the header, in file order (0 = no target).
#[derive(Debug)]
pub(crate) struct RowTargets {
    /// Hashes of the rows from `chunk_start` on.
    chunk: Vec<u64>,
    chunk_start: usize,
    chunk_rows: usize,
    /// Earlier chunks, sorted, on disk.
    runs: Vec<Run>,
}

impl Default for RowTargets {
    fn default() -> Self {
        Self::with_capacity(0)
    }
}

impl RowTargets {
    pub(crate) fn with_capacity(records: usize) -> Self {
        Self::with_chunk_rows(records, CHUNK_ROWS)
    }

    fn with_chunk_rows(records: usize, chunk_rows: usize) -> Self {
        Self {
            chunk: Vec::with_capacity(records.min(chunk_rows)),
            chunk_start: 0,
            chunk_rows,
            runs: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, hash: Option<u64>) {
        self.chunk.push(hash.unwrap_or(0));
        if self.chunk.len() >= self.chunk_rows {
            self.spill();
        }
    }

    /// Moves the chunk to disk. If the temporary file cannot be written, the chunk stays in
    /// memory and keeps growing: a complete check matters more than its memory.
    fn spill(&mut self) {
        match Run::write(&self.chunk, self.chunk_start) {
            Ok(run) => {
                self.runs.push(run);
                self.chunk_start += self.chunk.len();
                self.chunk.clear();
            }
            Err(_) => self.chunk_rows = usize::MAX,
        }
    }

    /// Calls `repeat(index, first_index)` for every record whose target an earlier record
    /// already had, in file order; indexes count records after the header.
    pub(crate) fn for_each_repeat(&self, mut repeat: impl FnMut(usize, usize)) -> io::Result<()> {
        if self.runs.is_empty() {
            repeats_in_memory(&self.chunk, &mut repeat);
            return Ok(());
        }
        // Sorted by (hash, index), the first row of each group of equal hashes is its earliest.
        let mut repeats = Vec::new();
        let mut group: Option<(u64, usize)> = None;
        for entry in TargetMerge::new(&self.runs, &self.chunk, self.chunk_start)? {
            let (hash, index) = entry?;
            match group {
                Some((group_hash, first)) if group_hash == hash => repeats.push((index, first)),
                _ => group = Some((hash, index)),
            }
        }
        repeats.sort_unstable();
        for (index, first) in repeats {
            repeat(index, first);
        }
        Ok(())
    }

    /// The distinct targets, for checking the job's later files against this one.
    pub(crate) fn into_target_set(self) -> TargetSet {
        if self.runs.is_empty() {
            let mut hashes = self.chunk;
            hashes.retain(|hash| *hash != 0);
            hashes.sort_unstable();
            hashes.dedup();
            hashes.shrink_to_fit();
            return TargetSet::InMemory(hashes);
        }
        match DiskTargets::merge(&self.runs, &self.chunk, self.chunk_start) {
            Ok(on_disk) => TargetSet::OnDisk(on_disk),
            // Without the set, later files are still checked on their own; only the cross-file
            // part is lost, and that is said in the report.
            Err(_) => TargetSet::Unavailable,
        }
    }
}

/// The in-memory path: sort a copy, then walk the rows once more for the repeated hashes.
fn repeats_in_memory(hashes: &[u64], repeat: &mut impl FnMut(usize, usize)) {
    let mut sorted = hashes.to_vec();
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
    for (index, hash) in hashes.iter().enumerate() {
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

/// The distinct target hashes of a checked file.
#[derive(Debug)]
pub(crate) enum TargetSet {
    InMemory(Vec<u64>),
    OnDisk(DiskTargets),
    /// A large file's targets could not be written to a temporary file.
    Unavailable,
}

impl Default for TargetSet {
    fn default() -> Self {
        Self::InMemory(Vec::new())
    }
}

impl TargetSet {
    pub(crate) fn contains(&self, hash: u64) -> bool {
        match self {
            Self::InMemory(sorted) => sorted.binary_search(&hash).is_ok(),
            Self::OnDisk(on_disk) => on_disk.contains(hash),
            Self::Unavailable => false,
        }
    }

    /// False when later files could not be compared with this one.
    pub(crate) fn is_available(&self) -> bool {
        !matches!(self, Self::Unavailable)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    fn filled(hashes: &[Option<u64>], chunk_rows: usize) -> RowTargets {
        let mut targets = RowTargets::with_chunk_rows(hashes.len(), chunk_rows);
        for hash in hashes {
            targets.push(*hash);
        }
        targets
    }

    fn repeats(targets: &RowTargets) -> Vec<(usize, usize)> {
        let mut found = Vec::new();
        targets
            .for_each_repeat(|index, first| found.push((index, first)))
            .unwrap();
        found
    }

    #[test]
    fn repeats_point_at_the_first_row_with_the_same_target() {
        let hashes = [Some(7), None, Some(9), Some(7), None, Some(7)];
        for chunk_rows in [CHUNK_ROWS, 2] {
            let targets = filled(&hashes, chunk_rows);
            assert_eq!(
                repeats(&targets),
                [(3, 0), (5, 0)],
                "chunks of {chunk_rows}"
            );
            let set = targets.into_target_set();
            assert!(set.contains(7) && set.contains(9));
            assert!(!set.contains(0) && !set.contains(8));
        }
    }

    #[test]
    fn a_long_file_goes_to_disk_in_chunks_and_keeps_only_one_chunk_in_memory() {
        let hashes: Vec<Option<u64>> = (0..1000u64).map(|i| Some(i % 300 + 1)).collect();
        let targets = filled(&hashes, 64);
        assert_eq!(targets.runs.len(), 1000 / 64);
        assert!(targets.chunk.len() < 64);
        assert_eq!(repeats(&targets).len(), 700);
        assert!(matches!(targets.into_target_set(), TargetSet::OnDisk(_)));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Spilled or not, the same repeats in the same order, and the same set of targets.
        #[test]
        fn chunked_and_in_memory_agree(
            hashes in proptest::collection::vec(proptest::option::weighted(0.9, 1u64..40), 0..400),
            chunk_rows in 3usize..50,
            probes in proptest::collection::vec(0u64..45, 0..60),
        ) {
            let whole = filled(&hashes, usize::MAX);
            let chunked = filled(&hashes, chunk_rows);
            prop_assert_eq!(repeats(&whole), repeats(&chunked));
            let whole = whole.into_target_set();
            let chunked = chunked.into_target_set();
            for probe in probes {
                prop_assert_eq!(whole.contains(probe), chunked.contains(probe), "probe {}", probe);
            }
        }
    }
}
