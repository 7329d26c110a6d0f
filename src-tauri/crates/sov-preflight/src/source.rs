//! Opens a corrections file of any accepted kind and yields its records one at a time, as
//! UTF-8 fields, whatever the original encoding, delimiter or format.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use calamine::{Data, Range, Reader as _};
use csv::ByteRecord;

use crate::decode::DecodingReader;
use crate::detect::{self, Sniffed, TextEncoding};
use crate::header_row::{self, HEADER_SEARCH_ROWS};
use crate::report::FileKind;
use crate::utf8_guard::Utf8Guard;

const DELIMITER_SAMPLE_BYTES: u64 = 64 * 1024;
const READ_BUFFER_BYTES: usize = 256 * 1024;

/// How the file's content is laid out, as far as turning it into UTF-8 comma CSV goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Layout {
    Text {
        encoding: TextEncoding,
        delimiter: u8,
    },
    Excel {
        sheet: String,
        /// Every sheet of the workbook, in order.
        sheets: Vec<String>,
    },
}

impl Layout {
    /// The file already is what the server wants: UTF-8 without BOM, comma-separated.
    pub(crate) fn is_plain_utf8_csv(&self) -> bool {
        matches!(
            self,
            Layout::Text {
                encoding: TextEncoding::Utf8,
                delimiter: b','
            }
        )
    }

    pub(crate) fn kind(&self) -> FileKind {
        match self {
            Layout::Text { .. } => FileKind::Csv,
            Layout::Excel { .. } => FileKind::Excel,
        }
    }

    pub(crate) fn notices(&self) -> Vec<String> {
        match self {
            Layout::Text {
                encoding,
                delimiter,
            } => encoding
                .notice()
                .into_iter()
                .chain(detect::delimiter_notice(*delimiter))
                .map(str::to_owned)
                .collect(),
            Layout::Excel { sheet, sheets } => {
                let mut notice = format!(
                    "This is an Excel workbook: rows are read from the sheet `{sheet}` and will be sent as CSV."
                );
                let sheet_count = sheets.len();
                if sheet_count > 1 {
                    notice.push_str(&format!(
                        " The workbook has {sheet_count} sheets; choose another sheet if your corrections are elsewhere."
                    ));
                }
                vec![notice]
            }
        }
    }
}

/// Why a file cannot be read as a table: the report's kind, a finding code and its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refusal {
    pub kind: FileKind,
    pub code: &'static str,
    pub message: String,
    pub suggestion: String,
}

enum Records {
    Csv(Box<csv::Reader<Box<dyn Read + Send>>>),
    Excel { range: Range<Data>, next_row: usize },
}

/// An opened file: its layout and a cursor over its records (header first).
pub(crate) struct Source {
    pub layout: Layout,
    /// Row number (as Excel shows it) of the first record, the header: rows above it (titles,
    /// notes, blank rows) are not records.
    pub first_row_number: u64,
    /// Rows above the header that were skipped.
    pub rows_above_header: u64,
    /// True when the header row was found by looking, not chosen by the user.
    pub header_detected: bool,
    /// Roughly how many records the file holds, to size the duplicate set once.
    pub estimated_records: u64,
    records: Records,
    /// Raised when a file read as UTF-8 turns out not to be; see [`open_with`].
    invalid_utf8: Arc<AtomicBool>,
}

impl Source {
    /// Where in the file the next record starts, when the file's bytes are read as they are
    /// (UTF-8), so a later reader can start there with [`resume_text_at`].
    pub(crate) fn file_position(&self) -> Option<u64> {
        match (&self.records, &self.layout) {
            (
                Records::Csv(reader),
                Layout::Text {
                    encoding: encoding @ (TextEncoding::Utf8 | TextEncoding::Utf8WithBom),
                    ..
                },
            ) => Some(reader.position().byte() + encoding.bom_len() as u64),
            _ => None,
        }
    }

    /// True once a record read so far contained bytes that are not UTF-8: the file must be
    /// read again with `open_with(.., legacy_text: true)`.
    pub(crate) fn saw_invalid_utf8(&self) -> bool {
        self.invalid_utf8.load(Ordering::Relaxed)
    }

    /// The next `count` records (fewer at the end of the file), read and gone from the cursor
    /// for CSV; a workbook's cursor is put back.
    fn sample(&mut self, count: usize) -> io::Result<Vec<ByteRecord>> {
        let start = match &self.records {
            Records::Excel { next_row, .. } => Some(*next_row),
            Records::Csv(_) => None,
        };
        let mut sample = Vec::with_capacity(count);
        let mut record = ByteRecord::new();
        while sample.len() < count && self.read_record(&mut record)? {
            sample.push(record.clone());
        }
        if let (Some(start), Records::Excel { next_row, .. }) = (start, &mut self.records) {
            *next_row = start;
        }
        Ok(sample)
    }

    /// Skips `count` records; false when the file ended first.
    fn skip(&mut self, count: u64) -> io::Result<bool> {
        let mut record = ByteRecord::new();
        for _ in 0..count {
            if !self.read_record(&mut record)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Reads the next record into `record`; false at the end of the file.
    pub(crate) fn read_record(&mut self, record: &mut ByteRecord) -> io::Result<bool> {
        match &mut self.records {
            Records::Csv(reader) => reader.read_byte_record(record).map_err(io::Error::other),
            Records::Excel { range, next_row } => {
                let (height, width) = range.get_size();
                if *next_row >= height {
                    return Ok(false);
                }
                record.clear();
                let mut text = String::new();
                for column in 0..width {
                    text.clear();
                    if let Some(cell) = range.get((*next_row, column)) {
                        write_cell(&mut text, cell);
                    }
                    record.push_field(text.as_bytes());
                }
                *next_row += 1;
                Ok(true)
            }
        }
    }
}

fn write_cell(text: &mut String, cell: &Data) {
    use std::fmt::Write as _;
    // Writing to a String cannot fail.
    let _ = match cell {
        Data::Empty => Ok(()),
        other => write!(text, "{other}"),
    };
}

/// Opens `path` for reading records, or says why it cannot be read as a table.
/// `legacy_text` reads a file that looked like UTF-8 as Windows-1252 instead, for when
/// [`Source::saw_invalid_utf8`] said it is not UTF-8 after all.
pub(crate) fn open_with(
    path: &Path,
    sheet: Option<&str>,
    header_row: Option<u64>,
    legacy_text: bool,
) -> Result<Source, Refusal> {
    let mut source = open_table(path, sheet, legacy_text)?;
    let file_name = display_name(path);
    let rows_above = match header_row {
        Some(row) => {
            let first = source.first_row_number;
            if row < first {
                return Err(header_row_refusal(&source, &file_name, row));
            }
            row - first
        }
        None => {
            let sample = source
                .sample(HEADER_SEARCH_ROWS)
                .map_err(|error| unreadable(&file_name, &error))?;
            source.header_detected = true;
            header_row::detect(&sample) as u64
        }
    };
    if header_row.is_none() && matches!(source.records, Records::Csv(_)) {
        // The sample consumed the reader's first records: start again from the top.
        let detected = source.header_detected;
        source = open_table(path, sheet, legacy_text)?;
        source.header_detected = detected;
    }
    if rows_above > 0 {
        let skipped = source
            .skip(rows_above)
            .map_err(|error| unreadable(&file_name, &error))?;
        if !skipped {
            let row = source.first_row_number + rows_above;
            return Err(header_row_refusal(&source, &file_name, row));
        }
        source.first_row_number += rows_above;
        source.rows_above_header = rows_above;
    }
    Ok(source)
}

fn header_row_refusal(source: &Source, file_name: &str, row: u64) -> Refusal {
    Refusal {
        kind: source.layout.kind(),
        code: "header_row_not_found",
        message: format!(
            "Row {row} of `{file_name}` cannot be the header row: the table starts at row {} and ends before row {row}.",
            source.first_row_number
        ),
        suggestion: "Choose the row that holds the column names.".into(),
    }
}

fn open_table(path: &Path, sheet: Option<&str>, legacy_text: bool) -> Result<Source, Refusal> {
    let file_name = display_name(path);
    let sniffed = detect::sniff(path).map_err(|error| unreadable(&file_name, &error))?;
    match sniffed {
        Sniffed::Empty => Err(Refusal {
            kind: FileKind::Csv,
            code: "empty_file",
            message: format!("`{file_name}` is empty."),
            suggestion: "Save your corrections again from Excel and pick the saved file.".into(),
        }),
        Sniffed::Refused(kind, what) => Err(refusal_for(kind, &file_name, what)),
        Sniffed::MaybeWorkbook { zip } => open_workbook(path, &file_name, sheet, zip),
        Sniffed::Text(mut encoding) => {
            if legacy_text && encoding == TextEncoding::Utf8 {
                encoding = TextEncoding::Windows1252;
            }
            open_text(path, encoding).map_err(|error| unreadable(&file_name, &error))
        }
    }
}

pub(crate) fn display_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

fn unreadable(file_name: &str, error: &io::Error) -> Refusal {
    if crate::file_in_use::is_file_in_use(error) {
        return Refusal {
            kind: FileKind::Unreadable,
            code: "file_in_use",
            message: format!(
                "`{file_name}` is open in another program (such as Excel) that does not let others read it."
            ),
            suggestion: "Close it in Excel, then try again.".into(),
        };
    }
    let reason = match error.kind() {
        io::ErrorKind::NotFound => {
            "it does not exist (it may have been moved or renamed)".to_owned()
        }
        io::ErrorKind::PermissionDenied => "you do not have permission to read it".to_owned(),
        _ => format!("reading it failed ({error})"),
    };
    Refusal {
        kind: FileKind::Unreadable,
        code: "file_unreadable",
        message: format!("`{file_name}` could not be read: {reason}."),
        suggestion: "Check the file is where you picked it and not open in another program, then pick it again.".into(),
    }
}

fn refusal_for(kind: FileKind, file_name: &str, what: &str) -> Refusal {
    let suggestion = match kind {
        FileKind::Zip => "Unzip it and pick the CSV or Excel file inside.",
        _ => "Pick the Excel workbook with your corrections, or save it from Excel as \"CSV UTF-8\" and pick that file.",
    };
    Refusal {
        kind,
        code: "unsupported_file_type",
        message: format!("`{file_name}` is {what}, not a table of corrections."),
        suggestion: suggestion.into(),
    }
}

fn open_text(path: &Path, encoding: TextEncoding) -> io::Result<Source> {
    let mut sample = Vec::new();
    let invalid_utf8 = Arc::new(AtomicBool::new(false));
    text_reader(path, encoding, Arc::new(AtomicBool::new(false)))?
        .take(DELIMITER_SAMPLE_BYTES)
        .read_to_end(&mut sample)?;
    let delimiter = detect::detect_delimiter(&sample);
    let estimated_records = estimate_records(path, &sample);
    let reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .buffer_capacity(READ_BUFFER_BYTES)
        .from_reader(text_reader(path, encoding, Arc::clone(&invalid_utf8))?);
    Ok(Source {
        layout: Layout::Text {
            encoding,
            delimiter,
        },
        first_row_number: 1,
        rows_above_header: 0,
        header_detected: false,
        estimated_records,
        records: Records::Csv(Box::new(reader)),
        invalid_utf8,
    })
}

/// A reader of the records of a UTF-8 text file from `offset`, a position returned by
/// [`Source::file_position`] for the same layout.
pub(crate) fn resume_text_at(path: &Path, layout: &Layout, offset: u64) -> io::Result<Source> {
    let Layout::Text {
        encoding: encoding @ (TextEncoding::Utf8 | TextEncoding::Utf8WithBom),
        delimiter,
    } = layout
    else {
        return Err(io::Error::other(
            "only UTF-8 text can be read from the middle",
        ));
    };
    let mut file = File::open(path)?;
    file.seek(SeekFrom::Start(offset))?;
    // The csv reader drops a UTF-8 BOM at the start of its input; mid-file those bytes are data
    // (a cell that starts with U+FEFF) and must stay, as they did when the part was planned. A
    // leading blank line (which the reader skips) keeps the part's first bytes off the start.
    let file = io::Cursor::new(b"\n".to_vec()).chain(file);
    let invalid_utf8 = Arc::new(AtomicBool::new(false));
    let reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(*delimiter)
        .buffer_capacity(READ_BUFFER_BYTES)
        .from_reader(
            Box::new(Utf8Guard::new(file, Arc::clone(&invalid_utf8))) as Box<dyn Read + Send>
        );
    Ok(Source {
        layout: Layout::Text {
            encoding: *encoding,
            delimiter: *delimiter,
        },
        first_row_number: 1,
        rows_above_header: 0,
        header_detected: false,
        estimated_records: 0,
        records: Records::Csv(Box::new(reader)),
        invalid_utf8,
    })
}

/// File size divided by the average line length of the sample, capped so a strange sample
/// cannot make us reserve much memory up front.
fn estimate_records(path: &Path, sample: &[u8]) -> u64 {
    const MOST: u64 = 2_000_000;
    let lines = sample.iter().filter(|byte| **byte == b'\n').count() as u64;
    let file_len = std::fs::metadata(path).map_or(0, |metadata| metadata.len());
    if lines == 0 || sample.is_empty() {
        return 0;
    }
    let bytes_per_line = (sample.len() as u64 / lines).max(1);
    (file_len / bytes_per_line).min(MOST)
}

/// The file's text as UTF-8 bytes, without a BOM. Plain UTF-8 is checked as it is read and
/// `invalid_utf8` raised if it is not.
fn text_reader(
    path: &Path,
    encoding: TextEncoding,
    invalid_utf8: Arc<AtomicBool>,
) -> io::Result<Box<dyn Read + Send>> {
    let mut file = File::open(path)?;
    file.seek(SeekFrom::Start(encoding.bom_len() as u64))?;
    let decoder = match encoding {
        TextEncoding::Utf8 => return Ok(Box::new(Utf8Guard::new(file, invalid_utf8))),
        TextEncoding::Utf8WithBom => return Ok(Box::new(file)),
        TextEncoding::Utf16Le { .. } => encoding_rs::UTF_16LE.new_decoder_without_bom_handling(),
        TextEncoding::Utf16Be { .. } => encoding_rs::UTF_16BE.new_decoder_without_bom_handling(),
        TextEncoding::Windows1252 => encoding_rs::WINDOWS_1252.new_decoder_without_bom_handling(),
    };
    Ok(Box::new(DecodingReader::new(file, decoder)))
}

/// The sheets of the workbook at `path`, in order; `None` for a file that is not a readable workbook
/// (a CSV file, say). A sheet listed may still fail to read.
pub(crate) fn sheet_names(path: &Path) -> Option<Vec<String>> {
    let Ok(Sniffed::MaybeWorkbook { .. }) = detect::sniff(path) else {
        return None;
    };
    let bytes = std::fs::read(path).ok()?;
    let workbook = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).ok()?;
    Some(workbook.sheet_names())
}

fn open_workbook(
    path: &Path,
    file_name: &str,
    sheet: Option<&str>,
    zip: bool,
) -> Result<Source, Refusal> {
    // Workbooks are read whole: calamine loads the sheet into memory anyway, and needs a
    // cloneable reader to try each Excel format.
    let bytes = std::fs::read(path).map_err(|error| unreadable(file_name, &error))?;
    let Ok(mut workbook) = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)) else {
        return Err(if zip {
            refusal_for(FileKind::Zip, file_name, "a zip archive")
        } else {
            refusal_for(
                FileKind::OfficeDocument,
                file_name,
                "an Office document that is not an Excel workbook (or a password-protected one)",
            )
        });
    };
    let sheet_names = workbook.sheet_names();
    let chosen = match sheet {
        Some(wanted) => sheet_names
            .iter()
            .find(|name| name.as_str() == wanted)
            .cloned(),
        None => sheet_names.first().cloned(),
    };
    let Some(chosen) = chosen else {
        let listed = sheet_names
            .iter()
            .map(|name| format!("`{name}`"))
            .collect::<Vec<_>>()
            .join(", ");
        return Err(Refusal {
            kind: FileKind::Excel,
            code: "sheet_not_found",
            message: match sheet {
                Some(wanted) => format!(
                    "`{file_name}` has no sheet named `{wanted}`. Its sheets are: {listed}."
                ),
                None => format!("`{file_name}` has no sheets."),
            },
            suggestion: "Choose one of the workbook's sheets.".into(),
        });
    };
    let range = workbook.worksheet_range(&chosen).map_err(|error| Refusal {
        kind: FileKind::Excel,
        code: "workbook_unreadable",
        message: format!("The sheet `{chosen}` of `{file_name}` could not be read ({error})."),
        suggestion: "Open the workbook in Excel, save it again (or save the sheet as \"CSV UTF-8\") and pick it again.".into(),
    })?;
    let first_row_number = range.start().map_or(1, |(row, _)| u64::from(row) + 1);
    Ok(Source {
        layout: Layout::Excel {
            sheet: chosen,
            sheets: sheet_names,
        },
        first_row_number,
        rows_above_header: 0,
        header_detected: false,
        estimated_records: range.height() as u64,
        records: Records::Excel { range, next_row: 0 },
        invalid_utf8: Arc::new(AtomicBool::new(false)),
    })
}
