//! Lookups by `item_key` and by (`sheet_name`, `sheet_row_number`) over an SOV data file on disk.
//! Only the keys and each building's byte range are held in memory; a building is read from the
//! file when asked for, so memory grows with the number of buildings, not with their attributes.

use std::collections::HashMap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::Deserialize;

use crate::building::{row_number, text};
use crate::stream::{scan, SovHeader};
use crate::{Building, ReadError};

/// The identifying keys of a building; every other key is skipped unread.
#[derive(Deserialize)]
struct Keys {
    #[serde(default, deserialize_with = "text")]
    item_key: Option<String>,
    #[serde(default, deserialize_with = "text")]
    sheet_name: Option<String>,
    #[serde(default, deserialize_with = "row_number")]
    sheet_row_number: Option<u64>,
}

#[derive(Debug)]
pub struct BuildingIndex {
    path: PathBuf,
    file: Mutex<File>,
    header: SovHeader,
    /// Byte offset and length of each building, in file order.
    ranges: Vec<(u64, u32)>,
    by_item_key: HashMap<Box<str>, u32>,
    sheet_ids: HashMap<Box<str>, u32>,
    by_sheet_row: HashMap<(u32, u64), u32>,
    /// Buildings whose `item_key` (or sheet and row) an earlier building already had; the first wins.
    duplicates: u64,
}

impl BuildingIndex {
    /// Reads `path` once, keeping keys and byte ranges.
    pub fn open(path: &Path) -> Result<Self, ReadError> {
        let mut file = File::open(path)
            .map_err(|e| ReadError::new(format!("it could not be opened ({e})")).at(path))?;
        let mut ranges = Vec::new();
        let mut by_item_key = HashMap::new();
        let mut sheet_ids: HashMap<Box<str>, u32> = HashMap::new();
        let mut by_sheet_row = HashMap::new();
        let mut duplicates = 0;
        let header = scan(&mut file, |keys: Keys, range| {
            let ordinal = u32::try_from(ranges.len()).map_err(|_| {
                ReadError::new("it holds more buildings than SOV Updater can index")
            })?;
            let length = u32::try_from(range.end - range.start)
                .map_err(|_| ReadError::new("one of its buildings is larger than 4 GB"))?;
            ranges.push((range.start, length));
            let mut duplicate = false;
            if let Some(key) = keys.item_key {
                duplicate |= !insert_first(&mut by_item_key, key.into_boxed_str(), ordinal);
            }
            if let (Some(sheet), Some(row)) = (keys.sheet_name, keys.sheet_row_number) {
                let next_id = u32::try_from(sheet_ids.len()).unwrap_or(u32::MAX);
                let sheet_id = *sheet_ids.entry(sheet.into_boxed_str()).or_insert(next_id);
                duplicate |= !insert_first(&mut by_sheet_row, (sheet_id, row), ordinal);
            }
            duplicates += u64::from(duplicate);
            Ok(())
        })
        .map_err(|e| e.at(path))?;
        Ok(Self {
            path: path.to_path_buf(),
            file: Mutex::new(file),
            header,
            ranges,
            by_item_key,
            sheet_ids,
            by_sheet_row,
            duplicates,
        })
    }

    pub fn header(&self) -> &SovHeader {
        &self.header
    }

    pub fn len(&self) -> usize {
        self.ranges.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// Buildings that repeated an earlier building's key.
    pub fn duplicates(&self) -> u64 {
        self.duplicates
    }

    pub fn by_item_key(&self, item_key: &str) -> Result<Option<Building>, ReadError> {
        match self.by_item_key.get(item_key.trim()) {
            Some(&ordinal) => self.nth(ordinal as usize),
            None => Ok(None),
        }
    }

    pub fn by_sheet_row(&self, sheet_name: &str, row: u64) -> Result<Option<Building>, ReadError> {
        let Some(&sheet_id) = self.sheet_ids.get(sheet_name) else {
            return Ok(None);
        };
        match self.by_sheet_row.get(&(sheet_id, row)) {
            Some(&ordinal) => self.nth(ordinal as usize),
            None => Ok(None),
        }
    }

    /// The building at this position in the file (0-based).
    pub fn nth(&self, ordinal: usize) -> Result<Option<Building>, ReadError> {
        let Some(&(start, length)) = self.ranges.get(ordinal) else {
            return Ok(None);
        };
        let mut bytes = vec![0; length as usize];
        {
            let mut file = self.file.lock().map_err(|_| {
                ReadError::new("an earlier read of it failed midway").at(&self.path)
            })?;
            file.seek(SeekFrom::Start(start))
                .and_then(|_| file.read_exact(&mut bytes))
                .map_err(|e| {
                    ReadError::new(format!(
                        "it changed or became unreadable while in use ({e})"
                    ))
                    .at(&self.path)
                })?;
        }
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| ReadError::from_json(&e).at(&self.path))
    }
}

/// Keeps the first building with a key (the one an update addresses); false for a repeat.
fn insert_first<K: std::hash::Hash + Eq>(map: &mut HashMap<K, u32>, key: K, ordinal: u32) -> bool {
    match map.entry(key) {
        std::collections::hash_map::Entry::Occupied(_) => false,
        std::collections::hash_map::Entry::Vacant(slot) => {
            slot.insert(ordinal);
            true
        }
    }
}
