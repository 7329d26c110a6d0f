//! Which building of the SOV a corrections row names, or why none.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use sov_workbook::building::parse_item_key;
use sov_workbook::{Building, RowKey};

/// Why a row matches no building: each is blocking, since sending it would fail or change the wrong building.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UnmatchedReason {
    NoSuchSheet,
    NoSuchRow,
    ItemKeyFromAnotherSov,
    NoIdentity,
    /// Its item key and its sheet and row name two different buildings.
    KeysDisagree,
    /// A second row for a building an earlier row already corrects.
    DuplicateRow,
}

/// The buildings of one revision, indexed the two ways a row can name them.
pub struct BuildingIndex<'a> {
    pub sov_id: &'a str,
    buildings: &'a [Building],
    by_item_key: HashMap<&'a str, usize>,
    by_sheet_row: HashMap<(&'a str, u32), usize>,
    sheets: HashSet<&'a str>,
}

impl<'a> BuildingIndex<'a> {
    pub fn new(sov_id: &'a str, buildings: &'a [Building]) -> Self {
        let mut by_item_key = HashMap::with_capacity(buildings.len());
        let mut by_sheet_row = HashMap::with_capacity(buildings.len());
        let mut sheets = HashSet::new();
        for (index, building) in buildings.iter().enumerate() {
            by_item_key.insert(building.item_key.as_str(), index);
            by_sheet_row.insert(
                (building.sheet_name.as_str(), building.sheet_row_number),
                index,
            );
            sheets.insert(building.sheet_name.as_str());
        }
        BuildingIndex {
            sov_id,
            buildings,
            by_item_key,
            by_sheet_row,
            sheets,
        }
    }

    pub fn building(&self, index: usize) -> &'a Building {
        &self.buildings[index]
    }

    pub fn by_item_key(&self, item_key: &str) -> Option<usize> {
        self.by_item_key.get(item_key).copied()
    }

    /// The building's position in the revision, or why there is none.
    pub fn find(&self, key: &RowKey) -> Result<usize, UnmatchedReason> {
        let by_sheet_row = match (&key.sheet_name, key.sheet_row_number) {
            (Some(sheet), Some(row)) => {
                Some(self.by_sheet_row.get(&(sheet.trim(), row)).copied().ok_or(
                    if self.sheets.contains(sheet.trim()) {
                        UnmatchedReason::NoSuchRow
                    } else {
                        UnmatchedReason::NoSuchSheet
                    },
                ))
            }
            _ => None,
        };
        let Some(item_key) = key.item_key.as_deref().map(str::trim) else {
            return by_sheet_row.unwrap_or(Err(UnmatchedReason::NoIdentity));
        };
        let Some(found) = self.by_item_key(item_key) else {
            return Err(match parse_item_key(item_key) {
                Some(parts) if parts.sov_id != self.sov_id => {
                    UnmatchedReason::ItemKeyFromAnotherSov
                }
                Some(parts) if !self.sheets.contains(parts.sheet_name.as_str()) => {
                    UnmatchedReason::NoSuchSheet
                }
                _ => UnmatchedReason::NoSuchRow,
            });
        };
        match by_sheet_row {
            Some(Ok(other)) if other != found => Err(UnmatchedReason::KeysDisagree),
            Some(Err(_)) => Err(UnmatchedReason::KeysDisagree),
            _ => Ok(found),
        }
    }

    /// The sheet names of the SOV, for a message that lists them.
    pub fn sheet_names(&self) -> Vec<&'a str> {
        let mut names: Vec<&str> = self.sheets.iter().copied().collect();
        names.sort_unstable();
        names
    }
}
