//! Rows of cells out of a CSV file or any workbook calamine reads, one row at a time (xlsx is streamed, so a
//! sheet of a million rows is never held whole).

use std::io::Cursor;
use std::sync::Arc;

use calamine::{Data, DataRef, Reader as _, Xlsx};

use crate::value::Value;

/// One cell as read: formulas give their cached value, dates their ISO text.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Value(Value),
    /// A spreadsheet error such as `#REF!`.
    Error(String),
}

impl Cell {
    pub fn value(&self) -> Option<&Value> {
        match self {
            Cell::Value(value) => Some(value),
            _ => None,
        }
    }

    /// The value, leaving the cell empty.
    pub fn take_value(&mut self) -> Option<Value> {
        match std::mem::replace(self, Cell::Empty) {
            Cell::Value(value) => Some(value),
            other => {
                *self = other;
                None
            }
        }
    }
}

/// Why a source could not be read.
#[derive(Debug)]
pub struct Unreadable(pub String);

/// A workbook's bytes, shared so that trying to open it as xlsx first (and as any other format after) needs no
/// second copy of a large file.
type Bytes = Cursor<Arc<[u8]>>;

/// A workbook open for reading, or a CSV file's bytes.
pub enum Source {
    Csv(Vec<u8>),
    Xlsx(Box<Xlsx<Bytes>>),
    Other(Box<calamine::Sheets<Bytes>>),
}

impl Source {
    /// `is_csv` by the file's extension; anything else must be a workbook.
    pub fn open(bytes: Vec<u8>, is_csv: bool) -> Result<Source, Unreadable> {
        if is_csv {
            return Ok(Source::Csv(bytes));
        }
        let bytes: Arc<[u8]> = Arc::from(bytes);
        if bytes.starts_with(b"PK") {
            if let Ok(xlsx) =
                calamine::open_workbook_from_rs::<Xlsx<_>, _>(Cursor::new(Arc::clone(&bytes)))
            {
                return Ok(Source::Xlsx(Box::new(xlsx)));
            }
        }
        calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
            .map(|sheets| Source::Other(Box::new(sheets)))
            .map_err(|error| Unreadable(error.to_string()))
    }

    /// Sheet names in workbook order; a CSV file has one unnamed sheet.
    pub fn sheet_names(&self) -> Vec<String> {
        match self {
            Source::Csv(_) => vec![String::new()],
            Source::Xlsx(xlsx) => xlsx.sheet_names(),
            Source::Other(sheets) => sheets.sheet_names(),
        }
    }

    /// Calls `each_row(row_number, cells)` for every row with at least one cell, in order; `row_number` is
    /// the 1-based row a spreadsheet program shows. `each_row` may take the cells' values (the row is not used
    /// again), so a value is never copied. Stops at the first error `each_row` returns.
    pub fn for_each_row<E>(
        &mut self,
        sheet: &str,
        mut each_row: impl FnMut(u32, &mut [Cell]) -> Result<(), E>,
    ) -> Result<Result<(), E>, Unreadable> {
        match self {
            Source::Csv(bytes) => {
                let text = csv_text(bytes);
                let mut reader = csv::ReaderBuilder::new()
                    .has_headers(false)
                    .flexible(true)
                    .from_reader(text.as_ref());
                let mut record = csv::ByteRecord::new();
                let mut row_number = 0u32;
                loop {
                    match reader.read_byte_record(&mut record) {
                        Ok(false) => return Ok(Ok(())),
                        Ok(true) => {}
                        Err(error) => return Err(Unreadable(error.to_string())),
                    }
                    row_number += 1;
                    let mut cells: Vec<Cell> = record
                        .iter()
                        .map(
                            |field| match Value::from_text(&String::from_utf8_lossy(field)) {
                                Some(value) => Cell::Value(value),
                                None => Cell::Empty,
                            },
                        )
                        .collect();
                    if let Err(error) = each_row(row_number, &mut cells) {
                        return Ok(Err(error));
                    }
                }
            }
            Source::Xlsx(xlsx) => {
                let mut reader = xlsx
                    .worksheet_cells_reader(sheet)
                    .map_err(|error| Unreadable(error.to_string()))?;
                let mut current_row: Option<u32> = None;
                let mut cells: Vec<Cell> = Vec::new();
                loop {
                    let next = reader
                        .next_cell()
                        .map_err(|error| Unreadable(error.to_string()))?;
                    let position = next.as_ref().map(|cell| cell.get_position());
                    if let Some(row) = current_row {
                        if position.map(|(next_row, _)| next_row) != Some(row) {
                            if cells.iter().any(|cell| *cell != Cell::Empty) {
                                if let Err(error) = each_row(row + 1, &mut cells) {
                                    return Ok(Err(error));
                                }
                            }
                            cells.clear();
                        }
                    }
                    let Some(cell) = next else {
                        return Ok(Ok(()));
                    };
                    let (row, column) = cell.get_position();
                    current_row = Some(row);
                    let column = column as usize;
                    if cells.len() <= column {
                        cells.resize(column + 1, Cell::Empty);
                    }
                    cells[column] = from_data_ref(cell.get_value());
                }
            }
            Source::Other(sheets) => {
                let range = sheets
                    .worksheet_range(sheet)
                    .map_err(|error| Unreadable(error.to_string()))?;
                let (first_row, first_column) = range.start().unwrap_or((0, 0));
                for (offset, row) in range.rows().enumerate() {
                    let mut cells = vec![Cell::Empty; first_column as usize];
                    cells.extend(row.iter().map(from_data));
                    if cells.iter().all(|cell| *cell == Cell::Empty) {
                        continue;
                    }
                    let row_number = first_row + u32::try_from(offset).unwrap_or(u32::MAX) + 1;
                    if let Err(error) = each_row(row_number, &mut cells) {
                        return Ok(Err(error));
                    }
                }
                Ok(Ok(()))
            }
        }
    }
}

/// A CSV file's text as UTF-8: without its byte-order mark, and decoded from Windows-1252 when it is not UTF-8
/// (what Excel's "CSV (Comma delimited)" writes on Windows), so "Café" is not read as a change.
fn csv_text(bytes: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    let without_bom = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if std::str::from_utf8(without_bom).is_ok() {
        return std::borrow::Cow::Borrowed(without_bom);
    }
    let (text, _, _) = encoding_rs::WINDOWS_1252.decode(without_bom);
    std::borrow::Cow::Owned(text.into_owned().into_bytes())
}

fn from_data_ref(data: &DataRef<'_>) -> Cell {
    match data {
        DataRef::Int(number) => Cell::Value(Value::Number(*number as f64)),
        DataRef::Float(number) => Cell::Value(Value::Number(*number)),
        DataRef::String(text) => text_cell(text),
        DataRef::SharedString(text) => text_cell(text),
        DataRef::Bool(flag) => Cell::Value(Value::Bool(*flag)),
        DataRef::DateTime(date) => Cell::Value(Value::Text(date_text(date))),
        DataRef::DateTimeIso(text) | DataRef::DurationIso(text) => text_cell(text),
        DataRef::Error(error) => Cell::Error(error.to_string()),
        DataRef::Empty => Cell::Empty,
    }
}

fn from_data(data: &Data) -> Cell {
    match data {
        Data::Int(number) => Cell::Value(Value::Number(*number as f64)),
        Data::Float(number) => Cell::Value(Value::Number(*number)),
        Data::String(text) => text_cell(text),
        Data::Bool(flag) => Cell::Value(Value::Bool(*flag)),
        Data::DateTime(date) => Cell::Value(Value::Text(date_text(date))),
        Data::DateTimeIso(text) | Data::DurationIso(text) => text_cell(text),
        Data::Error(error) => Cell::Error(error.to_string()),
        Data::Empty => Cell::Empty,
    }
}

fn text_cell(text: &str) -> Cell {
    Value::from_text(text).map_or(Cell::Empty, Cell::Value)
}

/// A date cell as the text a person reads ("2024-03-01", with the time when it has one).
fn date_text(date: &calamine::ExcelDateTime) -> String {
    let (year, month, day, hour, minute, second, _) = date.to_ymd_hms_milli();
    if (hour, minute, second) == (0, 0, 0) {
        format!("{year:04}-{month:02}-{day:02}")
    } else {
        format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02}:{second:02}")
    }
}

/// "A", "B", … "Z", "AA": the column letters a spreadsheet program shows.
pub fn column_letter(index: usize) -> String {
    let mut letters = Vec::new();
    let mut remaining = index + 1;
    while remaining > 0 {
        let digit = (remaining - 1) % 26;
        letters.push(char::from(b'A' + digit as u8));
        remaining = (remaining - 1) / 26;
    }
    letters.iter().rev().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_match_spreadsheet_programs() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }
}
