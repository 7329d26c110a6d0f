//! Sorted runs of `(hash, row index)` on disk, their merge, and a file's distinct targets on disk.
//! The files are anonymous temporary files: the system removes them when they are closed, even
//! after a crash.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Seek, SeekFrom, Write};

/// One `(hash, index)` entry: two little-endian u64.
const ENTRY_BYTES: usize = 16;

/// Distinct hashes per block of the on-disk target set; one block is read per lookup.
const BLOCK_HASHES: usize = 512;

/// A chunk's rows with a target, sorted by hash and then row index.
#[derive(Debug)]
pub(super) struct Run {
    file: File,
}

impl Run {
    /// Sorts `chunk` (whose first row has index `start`) and writes it out.
    pub(super) fn write(chunk: &[u64], start: usize) -> io::Result<Self> {
        let sorted = sorted_entries(chunk, start);
        let mut writer = BufWriter::new(tempfile::tempfile()?);
        for (hash, index) in sorted {
            writer.write_all(&hash.to_le_bytes())?;
            writer.write_all(&(index as u64).to_le_bytes())?;
        }
        let file = writer
            .into_inner()
            .map_err(io::IntoInnerError::into_error)?;
        Ok(Self { file })
    }

    fn reader(&self) -> io::Result<BufReader<&File>> {
        let mut file = &self.file;
        file.seek(SeekFrom::Start(0))?;
        Ok(BufReader::with_capacity(64 * 1024, file))
    }
}

/// The rows of `chunk` that have a target, as `(hash, index)` sorted.
fn sorted_entries(chunk: &[u64], start: usize) -> Vec<(u64, usize)> {
    let mut entries: Vec<(u64, usize)> = chunk
        .iter()
        .enumerate()
        .filter(|(_, hash)| **hash != 0)
        .map(|(offset, hash)| (*hash, start + offset))
        .collect();
    entries.sort_unstable();
    entries
}

/// One source of the merge: a run on disk, or the chunk still in memory.
enum Source<'a> {
    Disk(BufReader<&'a File>),
    Memory(std::vec::IntoIter<(u64, usize)>),
}

impl Source<'_> {
    fn next_entry(&mut self) -> io::Result<Option<(u64, usize)>> {
        match self {
            Self::Memory(entries) => Ok(entries.next()),
            Self::Disk(reader) => {
                let mut bytes = [0u8; ENTRY_BYTES];
                match reader.read_exact(&mut bytes) {
                    Ok(()) => {
                        let (hash, index) = bytes.split_at(8);
                        let hash = u64::from_le_bytes(hash.try_into().map_err(io::Error::other)?);
                        let index = u64::from_le_bytes(index.try_into().map_err(io::Error::other)?);
                        let index = usize::try_from(index).map_err(io::Error::other)?;
                        Ok(Some((hash, index)))
                    }
                    Err(error) if error.kind() == io::ErrorKind::UnexpectedEof => Ok(None),
                    Err(error) => Err(error),
                }
            }
        }
    }
}

/// Every row with a target, in `(hash, index)` order, from the runs and the chunk in memory.
pub(super) struct TargetMerge<'a> {
    sources: Vec<Source<'a>>,
    heads: BinaryHeap<Reverse<(u64, usize, usize)>>,
}

impl<'a> TargetMerge<'a> {
    pub(super) fn new(runs: &'a [Run], chunk: &[u64], chunk_start: usize) -> io::Result<Self> {
        let mut sources = runs
            .iter()
            .map(|run| run.reader().map(Source::Disk))
            .collect::<io::Result<Vec<_>>>()?;
        sources.push(Source::Memory(
            sorted_entries(chunk, chunk_start).into_iter(),
        ));
        let mut heads = BinaryHeap::with_capacity(sources.len());
        for (source_index, source) in sources.iter_mut().enumerate() {
            if let Some((hash, index)) = source.next_entry()? {
                heads.push(Reverse((hash, index, source_index)));
            }
        }
        Ok(Self { sources, heads })
    }
}

impl Iterator for TargetMerge<'_> {
    type Item = io::Result<(u64, usize)>;

    fn next(&mut self) -> Option<Self::Item> {
        let Reverse((hash, index, source_index)) = self.heads.pop()?;
        match self.sources[source_index].next_entry() {
            Ok(Some((next_hash, next_index))) => {
                self.heads
                    .push(Reverse((next_hash, next_index, source_index)));
            }
            Ok(None) => {}
            Err(error) => return Some(Err(error)),
        }
        Some(Ok((hash, index)))
    }
}

/// A file's distinct target hashes, sorted on disk, with the first hash of each block in memory.
#[derive(Debug)]
pub(crate) struct DiskTargets {
    file: File,
    count: usize,
    block_firsts: Vec<u64>,
}

impl DiskTargets {
    pub(super) fn merge(runs: &[Run], chunk: &[u64], chunk_start: usize) -> io::Result<Self> {
        let mut writer = BufWriter::new(tempfile::tempfile()?);
        let mut count = 0usize;
        let mut block_firsts = Vec::new();
        let mut last = None;
        for entry in TargetMerge::new(runs, chunk, chunk_start)? {
            let (hash, _) = entry?;
            if last == Some(hash) {
                continue;
            }
            if count.is_multiple_of(BLOCK_HASHES) {
                block_firsts.push(hash);
            }
            writer.write_all(&hash.to_le_bytes())?;
            last = Some(hash);
            count += 1;
        }
        let file = writer
            .into_inner()
            .map_err(io::IntoInnerError::into_error)?;
        Ok(Self {
            file,
            count,
            block_firsts,
        })
    }

    /// One block read from disk per lookup; a read error counts as "not found".
    pub(super) fn contains(&self, hash: u64) -> bool {
        let block = self.block_firsts.partition_point(|first| *first <= hash);
        if block == 0 {
            return false;
        }
        self.read_block(block - 1)
            .is_ok_and(|hashes| hashes.binary_search(&hash).is_ok())
    }

    fn read_block(&self, block: usize) -> io::Result<Vec<u64>> {
        let first = block * BLOCK_HASHES;
        let len = BLOCK_HASHES.min(self.count - first);
        let mut bytes = vec![0u8; len * 8];
        let mut file = &self.file;
        file.seek(SeekFrom::Start((first * 8) as u64))?;
        file.read_exact(&mut bytes)?;
        bytes
            .chunks_exact(8)
            .map(|raw| {
                raw.try_into()
                    .map(u64::from_le_bytes)
                    .map_err(io::Error::other)
            })
            .collect()
    }
}
