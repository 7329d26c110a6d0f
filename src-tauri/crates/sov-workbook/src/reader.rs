//! Reads a corrections file back: our workbook (through its hidden sheet, whatever the user did to rows and
//! columns), or any CSV/Excel file whose headers are attribute names or plain labels.

use std::collections::HashMap;
use std::path::Path;

use sov_error::AppError;

use crate::attributes::{attribute_for_header, normalise_header};
use crate::building::RowKey;
use crate::cells::{column_letter, Cell, Source};
use crate::snapshot::{self, Snapshot, SnapshotProblem, DATA_SHEET, IDENTITY_COLUMNS};
use crate::value::Value;
use crate::writer::CORRECTIONS_SHEET;

/// One data row of the file.
#[derive(Debug, Clone, PartialEq)]
pub struct CorrectionRow {
    /// The row number a spreadsheet program shows (1 is the header row in our workbook).
    pub file_row: u32,
    pub key: RowKey,
    /// This row's cell of each attribute column, in the order of [`CorrectionsFile::attributes`].
    pub values: Vec<Entry>,
}

/// One attribute cell of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    Empty,
    Value(Value),
    /// A spreadsheet error such as `#REF!`: neither a value nor an emptied cell (and warned about).
    Unreadable,
    /// As the workbook was made (equal to the hidden sheet's value): the user did not touch it. Only
    /// [`read_edits`] gives it; a row whose cells are all untouched has no `values` at all.
    Unchanged,
}

/// What a corrections file holds.
#[derive(Debug, Clone, PartialEq)]
pub struct CorrectionsFile {
    pub file_name: String,
    /// The sheet read ("" for CSV).
    pub sheet: String,
    /// The attribute columns read, in file order (one attribute per column, identity columns apart).
    pub attributes: Vec<String>,
    pub rows: Vec<CorrectionRow>,
    /// What the workbook was made from, when it is ours and its hidden sheet is intact.
    pub snapshot: Option<Snapshot>,
    /// Things the user should know that do not stop the preview (columns not sent, unreadable cells, a
    /// hidden sheet that was edited).
    pub warnings: Vec<String>,
}

impl CorrectionsFile {
    /// The value of `attribute` in `row` (`None` when empty, unreadable, or not a column of the file).
    pub fn value<'a>(&self, row: &'a CorrectionRow, attribute: &str) -> Option<&'a Value> {
        let index = self.attributes.iter().position(|name| name == attribute)?;
        match row.values.get(index)? {
            Entry::Value(value) => Some(value),
            _ => None,
        }
    }
}

/// How each column of the main sheet is used.
#[derive(Debug, Clone, PartialEq)]
enum ColumnUse {
    Identity(usize),
    /// The position in `CorrectionsFile::attributes`.
    Attribute(usize),
    Ignored,
}

/// Reads `path` (CSV by its extension, otherwise any workbook).
pub fn read_corrections(path: &Path) -> Result<CorrectionsFile, AppError> {
    read_file(path, Keep::Everything)
}

/// Reads `path` for the preview: as [`read_corrections`], but in our workbook (hidden sheet intact) a cell equal
/// to what the workbook was made with is [`Entry::Unchanged`], holding no value, a row of such cells keeps
/// none, and the snapshot keeps the base values of the edited rows only. A 50,000-row workbook with a few edits
/// then holds only those edits.
pub fn read_edits(path: &Path) -> Result<CorrectionsFile, AppError> {
    read_file(path, Keep::Edits)
}

/// What of the rows' cells is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    Everything,
    Edits,
}

fn read_file(path: &Path, keep: Keep) -> Result<CorrectionsFile, AppError> {
    let file_name = path.file_name().map_or_else(
        || path.display().to_string(),
        |name| name.to_string_lossy().into_owned(),
    );
    let bytes = std::fs::read(path).map_err(|error| {
        AppError::file(
            format!("SOV Updater could not open “{file_name}”. Check that it still exists and is not open in another program that locks it, then add it again."),
            error,
        )
    })?;
    let is_csv = path.extension().is_some_and(|extension| {
        ["csv", "txt"].contains(&extension.to_string_lossy().to_lowercase().as_str())
    });
    read_bytes(&file_name, bytes, is_csv, keep)
}

/// [`read_corrections`] of a file's bytes.
pub fn read_corrections_bytes(
    file_name: &str,
    bytes: Vec<u8>,
    is_csv: bool,
) -> Result<CorrectionsFile, AppError> {
    read_bytes(file_name, bytes, is_csv, Keep::Everything)
}

/// A file's bytes, keeping everything or only the edits (see [`read_edits`]).
pub fn read_bytes(
    file_name: &str,
    bytes: Vec<u8>,
    is_csv: bool,
    keep: Keep,
) -> Result<CorrectionsFile, AppError> {
    let not_a_workbook = |detail: String| {
        AppError::invalid_input(format!(
            "“{file_name}” is not a spreadsheet SOV Updater can read. Save it from Excel as .xlsx or as CSV and add it again."
        ))
        .with_detail(detail)
    };
    let mut source = Source::open(bytes, is_csv).map_err(|error| not_a_workbook(error.0))?;
    let sheet_names = source.sheet_names();
    let mut warnings = Vec::new();
    let snapshot = if sheet_names.iter().any(|name| name == DATA_SHEET) {
        read_snapshot(&mut source, file_name, &mut warnings)
            .map_err(|error| not_a_workbook(error.0))?
    } else {
        None
    };
    let main_sheet = sheet_names
        .iter()
        .find(|name| name.as_str() == CORRECTIONS_SHEET)
        .or_else(|| sheet_names.iter().find(|name| name.as_str() != DATA_SHEET))
        .cloned()
        .ok_or_else(|| empty_file(file_name))?;
    let mut layout: Option<Vec<ColumnUse>> = None;
    let mut attributes: Option<Vec<String>> = None;
    // Each attribute column's place in the hidden sheet's base rows, when only edits are kept.
    let mut base_positions: Vec<Option<usize>> = Vec::new();
    let mut rows = Vec::new();
    let mut pruning = Pruning::default();
    let mut snapshot = snapshot;
    let outcome = source
        .for_each_row(&main_sheet, |row_number, cells| -> Result<(), AppError> {
            match &layout {
                None => {
                    let (columns, names) =
                        read_header(file_name, cells, snapshot.as_ref(), &mut warnings)?;
                    if let (Keep::Edits, Some(snapshot)) = (keep, &snapshot) {
                        base_positions = names
                            .iter()
                            .map(|name| snapshot.attributes().position(|base| base == name))
                            .collect();
                    }
                    layout = Some(columns);
                    attributes = Some(names);
                }
                Some(columns) => {
                    if let Some(mut row) = read_row(row_number, cells, columns, &mut warnings) {
                        if let Some(snapshot) = snapshot.as_mut().filter(|_| keep == Keep::Edits) {
                            keep_only_edits(&mut row, snapshot, &base_positions);
                            pruning.after(&row, snapshot);
                        }
                        rows.push(row);
                    }
                }
            }
            Ok(())
        })
        .map_err(|error| not_a_workbook(error.0))?;
    outcome?;
    if layout.is_none() {
        return Err(empty_file(file_name));
    }
    let attributes = attributes.unwrap_or_default();
    if let (Keep::Edits, Some(snapshot)) = (keep, snapshot.as_mut()) {
        forget_untouched_base_rows(snapshot, &rows);
    }
    Ok(CorrectionsFile {
        file_name: file_name.to_owned(),
        sheet: main_sheet,
        attributes,
        rows,
        snapshot,
        warnings,
    })
}

/// Marks the cells equal to the building's value when the workbook was made as `Unchanged` (an empty cell where
/// there was no value too); a row with nothing else keeps no cells.
fn keep_only_edits(row: &mut CorrectionRow, snapshot: &Snapshot, base_positions: &[Option<usize>]) {
    let Some(base) = row
        .key
        .item_key
        .as_deref()
        .and_then(|item_key| snapshot.base_values(item_key))
    else {
        return;
    };
    for (entry, position) in row.values.iter_mut().zip(base_positions) {
        let Some(position) = position else {
            continue;
        };
        let made_with = base.get(*position).and_then(Option::as_ref);
        let untouched = match (&*entry, made_with) {
            (Entry::Value(value), Some(made_with)) => {
                value.borrowed().same_as(made_with.borrowed())
            }
            (Entry::Empty, None) => true,
            _ => false,
        };
        if untouched {
            *entry = Entry::Unchanged;
        }
    }
    if row.values.iter().all(|entry| *entry == Entry::Unchanged) {
        row.values = Vec::new();
    }
}

/// Lets the base values of untouched rows go while the rows are read, so a large workbook's hidden sheet is not
/// held whole beside the rows (peak memory of a 50,000-row preview, docs/BENCHMARKS.md). A base
/// row is kept while an edited row with its item key was seen, and nothing more is let go once an edited row
/// without an item key is seen (it is matched by sheet and row, to a building whose key is not known yet). A
/// later edited row whose base was let go repeats an untouched row's item key: the preview refuses it as a
/// duplicate row, without needing its base.
#[derive(Default)]
struct Pruning {
    edited: std::collections::HashSet<String>,
    stopped: bool,
}

impl Pruning {
    fn after(&mut self, row: &CorrectionRow, snapshot: &mut Snapshot) {
        if self.stopped {
            return;
        }
        match (&row.key.item_key, row.values.is_empty()) {
            (Some(item_key), true) => {
                if !self.edited.contains(item_key) {
                    snapshot.base.remove(item_key.as_str());
                }
            }
            (Some(item_key), false) => {
                self.edited.insert(item_key.clone());
            }
            (None, _) => self.stopped = true,
        }
    }
}

/// With only edits kept, the preview needs the base values of the edited rows only: the others are let go (at
/// SOV scale they are most of the hidden sheet). Kept whole when an edited row has no item key, since its
/// building is then found by sheet and row.
fn forget_untouched_base_rows(snapshot: &mut Snapshot, rows: &[CorrectionRow]) {
    let mut edited = std::collections::HashSet::new();
    for row in rows.iter().filter(|row| !row.values.is_empty()) {
        match &row.key.item_key {
            Some(item_key) => edited.insert(item_key.as_str()),
            None => return,
        };
    }
    snapshot
        .base
        .retain(|item_key, _| edited.contains(item_key.as_str()));
    snapshot.base.shrink_to_fit();
}

fn empty_file(file_name: &str) -> AppError {
    AppError::invalid_input(format!(
        "“{file_name}” is empty: it has no header row and no corrections. Add your corrections (or get a corrections workbook for the SOV) and add the file again."
    ))
}

trait WithDetail {
    fn with_detail(self, detail: String) -> Self;
}

impl WithDetail for AppError {
    fn with_detail(mut self, detail: String) -> Self {
        self.detail = detail;
        self
    }
}

fn read_snapshot(
    source: &mut Source,
    file_name: &str,
    warnings: &mut Vec<String>,
) -> Result<Option<Snapshot>, crate::cells::Unreadable> {
    let mut reader = snapshot::SnapshotReader::default();
    source
        .for_each_row(DATA_SHEET, |_, cells| -> Result<(), ()> {
            reader.add_row(cells.iter_mut().map(Cell::take_value).collect());
            Ok(())
        })?
        .ok();
    Ok(match reader.finish() {
        Ok(snapshot) => Some(snapshot),
        Err(SnapshotProblem::NotOurs) => None,
        Err(SnapshotProblem::EditedByHand(why)) => {
            warnings.push(format!(
                "The hidden sheet “{DATA_SHEET}” of “{file_name}” was changed after SOV Updater made it ({why}), so it is not used: your rows are compared with the SOV's current data, by their headers."
            ));
            None
        }
    })
}

fn identity_index(header: &str) -> Option<usize> {
    let wanted = normalise_header(header);
    IDENTITY_COLUMNS.iter().position(|(name, label)| {
        wanted == *name || wanted == normalise_header(label) || wanted == name.replace('_', " ")
    })
}

fn read_header(
    file_name: &str,
    cells: &[Cell],
    snapshot: Option<&Snapshot>,
    warnings: &mut Vec<String>,
) -> Result<(Vec<ColumnUse>, Vec<String>), AppError> {
    let from_snapshot: HashMap<String, &str> = snapshot
        .map(|snapshot| {
            snapshot
                .columns
                .iter()
                .map(|(label, attribute)| (normalise_header(label), attribute.as_str()))
                .collect()
        })
        .unwrap_or_default();
    let mut columns = Vec::with_capacity(cells.len());
    let mut attribute_names: Vec<String> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (index, cell) in cells.iter().enumerate() {
        let header = cell.value().map(Value::to_field).unwrap_or_default();
        let attribute = from_snapshot
            .get(&normalise_header(&header))
            .map(|attribute| (*attribute).to_owned())
            .or_else(|| attribute_for_header(&header));
        let identity = attribute
            .as_deref()
            .and_then(identity_index)
            .or_else(|| identity_index(&header));
        let column_use = match (identity, attribute) {
            (Some(position), _) => ColumnUse::Identity(position),
            (None, Some(attribute)) => {
                attribute_names.push(attribute);
                ColumnUse::Attribute(attribute_names.len() - 1)
            }
            (None, None) => {
                if !header.trim().is_empty() {
                    warnings.push(format!(
                        "Column {} (“{}”) of “{file_name}” is not a building attribute SOV Updater knows, so its values are not sent.",
                        column_letter(index),
                        header.trim()
                    ));
                }
                ColumnUse::Ignored
            }
        };
        let key = match &column_use {
            ColumnUse::Identity(position) => IDENTITY_COLUMNS[*position].0.to_owned(),
            ColumnUse::Attribute(position) => attribute_names[*position].clone(),
            ColumnUse::Ignored => String::new(),
        };
        if !key.is_empty() {
            if let Some(first) = seen.insert(key.clone(), index) {
                return Err(AppError::invalid_input(format!(
                    "Columns {} and {} of “{file_name}” both hold “{key}”, so SOV Updater cannot tell which to use. Delete or rename one of them and add the file again.",
                    column_letter(first),
                    column_letter(index)
                )));
            }
        }
        columns.push(column_use);
    }
    let has = |position: usize| columns.contains(&ColumnUse::Identity(position));
    let rows_can_be_matched = has(0) || (has(1) && has(2));
    if !rows_can_be_matched {
        return Err(AppError::invalid_input(format!(
            "“{file_name}” has no “Item key” column, nor “Sheet” and “Row” columns, in its first row, so its rows cannot be matched to buildings. Add them (or start from a corrections workbook made by SOV Updater) and add the file again."
        )));
    }
    Ok((columns, attribute_names))
}

fn read_row(
    row_number: u32,
    cells: &mut [Cell],
    columns: &[ColumnUse],
    warnings: &mut Vec<String>,
) -> Option<CorrectionRow> {
    if cells.iter().all(|cell| *cell == Cell::Empty) {
        return None;
    }
    let mut key = RowKey::default();
    let attribute_count = columns
        .iter()
        .filter(|column| matches!(column, ColumnUse::Attribute(_)))
        .count();
    let mut values = vec![Entry::Empty; attribute_count];
    let mut no_cell = Cell::Empty;
    for (index, column_use) in columns.iter().enumerate() {
        let cell = match cells.get_mut(index) {
            Some(cell) => cell,
            None => &mut no_cell,
        };
        if let Cell::Error(error) = cell {
            if let ColumnUse::Attribute(position) = column_use {
                values[*position] = Entry::Unreadable;
            }
            if *column_use != ColumnUse::Ignored {
                warnings.push(format!(
                    "Cell {}{row_number} shows the error {error}; it is left out. Fix the formula or type the value, then add the file again.",
                    column_letter(index)
                ));
            }
            continue;
        }
        let value = cell.value();
        match column_use {
            ColumnUse::Identity(0) => key.item_key = value.map(Value::to_field),
            ColumnUse::Identity(1) => key.sheet_name = value.map(Value::to_field),
            ColumnUse::Identity(_) => {
                key.sheet_row_number = value
                    .and_then(Value::as_number)
                    .filter(|number| {
                        number.fract() == 0.0 && *number >= 1.0 && *number <= f64::from(u32::MAX)
                    })
                    .map(|number| number as u32);
            }
            ColumnUse::Attribute(position) => {
                if let Some(value) = cell.take_value() {
                    values[*position] = Entry::Value(value);
                }
            }
            ColumnUse::Ignored => {}
        }
    }
    let nothing_to_read =
        key == RowKey::default() && !values.iter().any(|entry| matches!(entry, Entry::Value(_)));
    if nothing_to_read {
        // Only ignored columns hold something (notes, a stray mark far below the data).
        return None;
    }
    Some(CorrectionRow {
        file_row: row_number,
        key,
        values,
    })
}
