//! Options of the pre-flight check.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::mapping::ColumnMapping;

/// Rows per upload batch when the caller does not choose: small enough that one rejected
/// batch costs little, large enough that typical corrections files go in one request.
pub const DEFAULT_ROWS_PER_BATCH: usize = 25_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckOptions {
    /// Excel sheet to read; the first sheet when `None`. Ignored for CSV files.
    pub sheet: Option<String>,
    /// The sheet the user picked for a particular workbook; wins over `sheet` for that path.
    pub sheet_for: BTreeMap<PathBuf, String>,
    /// Row number (as Excel shows it) of the header row in every file; found by looking when `None`.
    pub header_row: Option<u64>,
    /// The header row the user picked for a particular file; wins over `header_row` for that path.
    pub header_row_for: BTreeMap<PathBuf, u64>,
    /// The user's column choices (by header text), applied to every file.
    pub mapping: ColumnMapping,
    /// Findings kept per kind of problem (code and column); the rest are counted in `more_count`.
    pub max_findings_per_kind: usize,
    /// Data rows shown in the report preview.
    pub preview_rows: usize,
}

impl Default for CheckOptions {
    fn default() -> Self {
        Self {
            sheet: None,
            sheet_for: BTreeMap::new(),
            header_row: None,
            header_row_for: BTreeMap::new(),
            mapping: ColumnMapping::default(),
            max_findings_per_kind: 1,
            preview_rows: 5,
        }
    }
}

impl CheckOptions {
    /// The sheet to read in the workbook at `path`: the one picked for it, else `sheet`, else (`None`) the first.
    pub fn sheet_of(&self, path: &Path) -> Option<&str> {
        self.sheet_for
            .get(path)
            .or(self.sheet.as_ref())
            .map(String::as_str)
    }

    /// The header row to read in the file at `path`; `None` to find it.
    pub fn header_row_of(&self, path: &Path) -> Option<u64> {
        self.header_row_for.get(path).copied().or(self.header_row)
    }
}
