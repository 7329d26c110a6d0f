//! add_locations payloads: streamed to disk, then checked row by row without loading the file.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use crate::catalog::is_known_attribute;

/// Why an uploaded locations file was refused; the text becomes `{"file": "<text>"}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRejection(pub String);

/// What a valid locations file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckedFile {
    pub rows: u64,
}

/// Checks the header against the attribute catalog and that every row names its building.
/// Reads the file as a stream, so a file of any size is checked in constant memory.
pub fn check_locations_file(path: &Path) -> Result<CheckedFile, FileRejection> {
    let file = File::open(path).map_err(|e| FileRejection(format!("could not be read: {e}")))?;
    let mut reader = csv::ReaderBuilder::new().from_reader(BufReader::new(file));
    let header = reader
        .byte_headers()
        .map_err(|e| FileRejection(format!("row 1: {}", csv_error_text(&e))))?
        .clone();
    let names = header_names(&header)?;
    for name in &names {
        if !is_known_attribute(name) {
            return Err(FileRejection(format!("{name}: unknown attribute")));
        }
    }
    let position = |wanted: &str| names.iter().position(|n| n == wanted);
    let item_key = position("item_key");
    let sheet_name = position("sheet_name");
    let sheet_row = position("sheet_row_number");
    if item_key.is_none() && (sheet_name.is_none() || sheet_row.is_none()) {
        return Err(FileRejection(
            "each row must identify its building: add an item_key column, or both sheet_name and sheet_row_number columns"
                .to_string(),
        ));
    }
    let mut rows = 0u64;
    let mut record = csv::ByteRecord::new();
    loop {
        // The reader's position is where the next record starts.
        let line = reader.position().line();
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(line, |p| p.line());
                return Err(FileRejection(format!("row {line}: {}", csv_error_text(&e))));
            }
        }
        let line = record.position().map_or(line, |p| p.line());
        if std::str::from_utf8(record.as_slice()).is_err() {
            return Err(FileRejection(format!(
                "row {line}: not UTF-8 text; save the file as CSV UTF-8"
            )));
        }
        let cell = |index: Option<usize>| {
            index
                .and_then(|i| record.get(i))
                .map(|v| String::from_utf8_lossy(v).trim().to_string())
                .unwrap_or_default()
        };
        let has_item_key = !cell(item_key).is_empty();
        let sheet = cell(sheet_name);
        let row_text = cell(sheet_row);
        if !has_item_key {
            if sheet.is_empty() || row_text.is_empty() {
                return Err(FileRejection(format!(
                    "row {line}: no item_key and no sheet_name/sheet_row_number to find the building"
                )));
            }
            match row_text.parse::<u64>() {
                Ok(n) if n >= 1 => {}
                _ => {
                    return Err(FileRejection(format!(
                        "row {line}: sheet_row_number \"{row_text}\" is not a whole number of 1 or more"
                    )))
                }
            }
        }
        rows += 1;
    }
    Ok(CheckedFile { rows })
}

fn header_names(header: &csv::ByteRecord) -> Result<Vec<String>, FileRejection> {
    if header.is_empty() || header.iter().all(|h| h.is_empty()) {
        return Err(FileRejection("The submitted file is empty.".to_string()));
    }
    header
        .iter()
        .enumerate()
        .map(|(index, raw)| {
            let raw = if index == 0 {
                raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw)
            } else {
                raw
            };
            std::str::from_utf8(raw)
                .map(|s| s.trim().to_string())
                .map_err(|_| {
                    FileRejection("row 1: not UTF-8 text; save the file as CSV UTF-8".to_string())
                })
        })
        .collect()
}

fn csv_error_text(error: &csv::Error) -> String {
    match error.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("has {len} cells but the header has {expected_len}"),
        _ => error.to_string(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::io::Write;

    fn check(text: &str) -> Result<CheckedFile, FileRejection> {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(text.as_bytes()).unwrap();
        check_locations_file(file.path())
    }

    #[test]
    fn accepts_sheet_keys_and_item_keys() {
        assert_eq!(
            check("sheet_name,sheet_row_number,bldg_name\nSheet1,2,Normal House\n"),
            Ok(CheckedFile { rows: 1 })
        );
        assert_eq!(
            check("\u{feff}item_key,city\ni-s!Sheet1!2,Miami\ni-s!Sheet1!3,Tampa\n"),
            Ok(CheckedFile { rows: 2 })
        );
    }

    #[test]
    fn names_the_unknown_column() {
        assert_eq!(
            check("sheet_name,sheet_row_numbah\nSheet1,2\n"),
            Err(FileRejection("sheet_row_numbah: unknown attribute".into()))
        );
    }

    #[test]
    fn names_the_bad_row() {
        let err = check("sheet_name,sheet_row_number\nSheet1,2\nSheet1,two\n").unwrap_err();
        assert!(
            err.0.starts_with("row 3: sheet_row_number \"two\""),
            "{}",
            err.0
        );
        let err = check("sheet_name,sheet_row_number\nSheet1,2,extra\n").unwrap_err();
        assert!(err.0.starts_with("row 2: has 3 cells"), "{}", err.0);
        let err = check("bldg_name\nX\n").unwrap_err();
        assert!(err.0.contains("item_key"), "{}", err.0);
        assert_eq!(
            check("").unwrap_err(),
            FileRejection("The submitted file is empty.".into())
        );
    }
}
