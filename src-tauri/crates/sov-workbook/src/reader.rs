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
    /// Every attribute column's cell in this row (`None`: empty). Cells holding a spreadsheet error are left
    /// out (and warned about).
    pub cells: Vec<(String, Option<Value>)>,
}

/// What a corrections file holds.
#[derive(Debug, Clone, PartialEq)]
pub struct CorrectionsFile {
    pub file_name: String,
    /// The sheet read ("" for CSV).
    pub sheet: String,
    pub rows: Vec<CorrectionRow>,
    /// What the workbook was made from, when it is ours and its hidden sheet is intact.
    pub snapshot: Option<Snapshot>,
    /// Things the user should know that do not stop the preview (columns not sent, unreadable cells, a
    /// hidden sheet that was edited).
    pub warnings: Vec<String>,
}

/// How each column of the main sheet is used.
#[derive(Debug, Clone, PartialEq)]
enum ColumnUse {
    Identity(usize),
    Attribute(String),
    Ignored,
}

/// Reads `path` (CSV by its extension, otherwise any workbook).
pub fn read_corrections(path: &Path) -> Result<CorrectionsFile, AppError> {
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
    read_corrections_bytes(&file_name, bytes, is_csv)
}

pub fn read_corrections_bytes(
    file_name: &str,
    bytes: Vec<u8>,
    is_csv: bool,
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
    let mut rows = Vec::new();
    let outcome = source
        .for_each_row(&main_sheet, |row_number, cells| -> Result<(), AppError> {
            match &layout {
                None => {
                    layout = Some(read_header(
                        file_name,
                        cells,
                        snapshot.as_ref(),
                        &mut warnings,
                    )?);
                }
                Some(columns) => {
                    if let Some(row) = read_row(row_number, cells, columns, &mut warnings) {
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
    Ok(CorrectionsFile {
        file_name: file_name.to_owned(),
        sheet: main_sheet,
        rows,
        snapshot,
        warnings,
    })
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
    let mut rows: Vec<Vec<Option<Value>>> = Vec::new();
    source
        .for_each_row(DATA_SHEET, |_, cells| -> Result<(), ()> {
            rows.push(cells.iter().map(|cell| cell.value().cloned()).collect());
            Ok(())
        })?
        .ok();
    Ok(match snapshot::parse(&rows) {
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
) -> Result<Vec<ColumnUse>, AppError> {
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
            (None, Some(attribute)) => ColumnUse::Attribute(attribute),
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
            ColumnUse::Attribute(attribute) => attribute.clone(),
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
    Ok(columns)
}

fn read_row(
    row_number: u32,
    cells: &[Cell],
    columns: &[ColumnUse],
    warnings: &mut Vec<String>,
) -> Option<CorrectionRow> {
    if cells.iter().all(|cell| *cell == Cell::Empty) {
        return None;
    }
    let mut key = RowKey::default();
    let mut values = Vec::new();
    for (index, column_use) in columns.iter().enumerate() {
        let cell = cells.get(index).unwrap_or(&Cell::Empty);
        if let Cell::Error(error) = cell {
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
            ColumnUse::Attribute(attribute) => values.push((attribute.clone(), value.cloned())),
            ColumnUse::Ignored => {}
        }
    }
    let nothing_to_read =
        key == RowKey::default() && values.iter().all(|(_, value)| value.is_none());
    if nothing_to_read {
        // Only ignored columns hold something (notes, a stray mark far below the data).
        return None;
    }
    Some(CorrectionRow {
        file_row: row_number,
        key,
        cells: values,
    })
}
