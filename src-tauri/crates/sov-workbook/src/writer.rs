//! Writes the corrections workbook: one row per building, identifying columns first and set apart, plain
//! headers with a note naming the attribute, frozen header, filters, widths, number formats, and the hidden
//! sheet of `snapshot`.

use std::path::{Path, PathBuf};

use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, Format, FormatAlign, FormatBorder, Formula,
    Note, Workbook, Worksheet, XlsxError,
};
use sov_error::AppError;

use crate::attributes::{kind_of, label_of, AttributeChoice, AttributeKind};
use crate::building::Building;
use crate::file_name::{plain_file_name, write_new_file};
use crate::snapshot::{head_rows, Checksum, DATA_SHEET, IDENTITY_COLUMNS};
use crate::value::Value;

pub const CORRECTIONS_SHEET: &str = "Corrections";

/// What a workbook is made from.
pub struct WorkbookSource<'a> {
    pub sov_id: &'a str,
    pub revision: &'a str,
    /// When the data was read, as the history records times (RFC 3339).
    pub made_at: &'a str,
    pub buildings: &'a [Building],
}

/// How many rows decide a column's width: enough to be representative, few enough to stay fast.
const WIDTH_SAMPLE_ROWS: usize = 500;

/// The workbook as bytes.
pub fn corrections_workbook_bytes(
    source: &WorkbookSource<'_>,
    choice: &AttributeChoice,
) -> Result<Vec<u8>, AppError> {
    let attributes = choice.resolve(source.buildings);
    build(source, &attributes).map_err(|error| {
        AppError::internal(format!("writing the corrections workbook failed: {error}"))
    })
}

/// Saves the workbook into `folder` as "<insured> corrections <date>.xlsx" (never overwriting) and returns its path.
pub fn save_corrections_workbook(
    folder: &Path,
    insured: &str,
    date: &str,
    source: &WorkbookSource<'_>,
    choice: &AttributeChoice,
) -> Result<PathBuf, AppError> {
    let bytes = corrections_workbook_bytes(source, choice)?;
    write_new_file(
        folder,
        &plain_file_name(insured, "corrections", date, "xlsx"),
        &bytes,
    )
}

struct Formats {
    header: Format,
    identity_header: Format,
    identity: Format,
    by_kind: Vec<(AttributeKind, Format)>,
    text: Format,
}

impl Formats {
    fn new() -> Self {
        let header = Format::new()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Top)
            .set_background_color(Color::RGB(0xDDEBF7))
            .set_border_bottom(FormatBorder::Thin);
        let kinds = [
            AttributeKind::Money,
            AttributeKind::Year,
            AttributeKind::Count,
            AttributeKind::Decimal,
            AttributeKind::Latitude,
            AttributeKind::Longitude,
        ];
        Formats {
            identity_header: header.clone().set_background_color(Color::RGB(0xBFBFBF)),
            header,
            identity: Format::new()
                .set_background_color(Color::RGB(0xEDEDED))
                .set_font_color(Color::RGB(0x595959)),
            by_kind: kinds
                .iter()
                .filter_map(|kind| {
                    Some((*kind, Format::new().set_num_format(kind.number_format()?)))
                })
                .collect(),
            text: Format::new(),
        }
    }

    fn for_kind(&self, kind: AttributeKind) -> &Format {
        self.by_kind
            .iter()
            .find(|(candidate, _)| *candidate == kind)
            .map_or(&self.text, |(_, format)| format)
    }
}

fn build(source: &WorkbookSource<'_>, attributes: &[String]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    // Level 3 of 9: deflate at the default level took most of the time for a 50,000-building SOV, for a file
    // a few per cent smaller (docs/BENCHMARKS.md).
    workbook.set_zip_compression_level(3);
    let formats = Formats::new();
    let columns: Vec<(String, String)> = IDENTITY_COLUMNS
        .iter()
        .map(|(name, label)| ((*label).to_owned(), (*name).to_owned()))
        .chain(attributes.iter().map(|name| (label_of(name), name.clone())))
        .collect();
    let sheet = workbook.add_worksheet_with_low_memory()?;
    write_corrections_sheet(sheet, source, &columns, &formats)?;
    let data = workbook.add_worksheet_with_low_memory()?;
    write_data_sheet(data, source, &columns)?;
    workbook.save_to_buffer()
}

fn identity_cells(building: &Building) -> [Value; 3] {
    [
        Value::Text(building.item_key.clone()),
        Value::Text(building.sheet_name.clone()),
        Value::Number(f64::from(building.sheet_row_number)),
    ]
}

fn write_corrections_sheet(
    sheet: &mut Worksheet,
    source: &WorkbookSource<'_>,
    columns: &[(String, String)],
    formats: &Formats,
) -> Result<(), XlsxError> {
    sheet.set_name(CORRECTIONS_SHEET)?;
    let identity_count = IDENTITY_COLUMNS.len();
    for (index, (label, attribute)) in columns.iter().enumerate() {
        let column = column_number(index);
        let (format, note) = if index < identity_count {
            (
                &formats.identity_header,
                format!(
                    "Identifies the building on SOV Fixer ({attribute}). Do not change it: your corrections would go to another building, or to none."
                ),
            )
        } else {
            (&formats.header, format!("SOV Fixer attribute: {attribute}"))
        };
        sheet.write_string_with_format(0, column, label, format)?;
        sheet.insert_note(
            0,
            column,
            &Note::new(note)
                .set_author("SOV Updater")
                .add_author_prefix(false),
        )?;
        sheet.set_column_width(
            column,
            column_width(label, attribute, index, source.buildings),
        )?;
    }
    sheet.set_row_height(0, 30)?;
    let kinds: Vec<AttributeKind> = columns
        .iter()
        .map(|(_, attribute)| kind_of(attribute))
        .collect();
    for (row_index, building) in source.buildings.iter().enumerate() {
        let row = row_number(row_index + 1);
        for (index, value) in identity_cells(building).iter().enumerate() {
            write_value(sheet, row, column_number(index), value, &formats.identity)?;
        }
        for (index, (_, attribute)) in columns.iter().enumerate().skip(identity_count) {
            if let Some(value) = building.value(attribute) {
                write_value(
                    sheet,
                    row,
                    column_number(index),
                    value,
                    formats.for_kind(kinds[index]),
                )?;
            }
        }
    }
    let last_row = row_number(source.buildings.len().max(1));
    let last_column = column_number(columns.len() - 1);
    sheet.set_freeze_panes(1, column_number(identity_count))?;
    sheet.autofilter(0, 0, last_row, last_column)?;
    // Sheet protection would also stop sorting and filtering (Excel refuses to sort locked cells), so the
    // identifying cells refuse typed edits through validation instead, which sorting does not trigger.
    let keep_identity = DataValidation::new()
        .allow_custom(Formula::new("=FALSE()"))
        .set_error_style(DataValidationErrorStyle::Stop)
        .set_error_title("This identifies the building")?
        .set_error_message(
            "Item key, Sheet and Row tell SOV Fixer which building a row is. Change the other columns; leave these as they are.",
        )?;
    if !source.buildings.is_empty() {
        sheet.add_data_validation(
            1,
            0,
            last_row,
            column_number(identity_count - 1),
            &keep_identity,
        )?;
    }
    Ok(())
}

fn write_data_sheet(
    sheet: &mut Worksheet,
    source: &WorkbookSource<'_>,
    columns: &[(String, String)],
) -> Result<(), XlsxError> {
    sheet.set_name(DATA_SHEET)?;
    sheet.set_hidden(true);
    let plain = Format::new();
    let mut checksum = Checksum::default();
    let mut row: u32 = 0;
    let mut write_row =
        |sheet: &mut Worksheet, cells: &[Option<&Value>]| -> Result<(), XlsxError> {
            for (index, cell) in cells.iter().enumerate() {
                if let Some(value) = cell {
                    write_value(sheet, row, column_number(index), value, &plain)?;
                }
            }
            checksum.add_row(crate::snapshot::trim_trailing_empty(cells));
            row += 1;
            Ok(())
        };
    for head in head_rows(source.sov_id, source.revision, source.made_at, columns) {
        let cells: Vec<Option<&Value>> = head.iter().map(Some).collect();
        write_row(sheet, &cells)?;
    }
    let base = Value::Text("base".into());
    for building in source.buildings {
        let values: Vec<Option<&Value>> = columns
            .iter()
            .skip(IDENTITY_COLUMNS.len())
            .map(|(_, attribute)| building.value(attribute))
            .collect();
        let item_key = Value::Text(building.item_key.clone());
        let chunks: Vec<Value> = base_row_chunks(&values)
            .into_iter()
            .map(Value::Text)
            .collect();
        let mut cells: Vec<Option<&Value>> = vec![Some(&base), Some(&item_key)];
        cells.extend(chunks.iter().map(Some));
        write_row(sheet, &cells)?;
    }
    sheet.write_string(row, 0, "checksum")?;
    sheet.write_string(row, 1, checksum.hex())?;
    Ok(())
}

/// A building's values as one JSON array (exact, and one cell instead of one per attribute: half the cells to
/// write and read), cut into pieces that fit a cell (Excel holds at most 32,767 characters in one).
fn base_row_chunks(values: &[Option<&Value>]) -> Vec<String> {
    const CELL_CHARACTERS: usize = 32_000;
    let json = serde_json::to_string(values).unwrap_or_else(|_| "[]".to_owned());
    let mut chunks = Vec::new();
    let mut rest = json.as_str();
    while !rest.is_empty() {
        let mut end = rest.len().min(CELL_CHARACTERS);
        while !rest.is_char_boundary(end) {
            end -= 1;
        }
        let (chunk, remainder) = rest.split_at(end);
        chunks.push(chunk.to_owned());
        rest = remainder;
    }
    chunks
}

fn write_value(
    sheet: &mut Worksheet,
    row: u32,
    column: u16,
    value: &Value,
    format: &Format,
) -> Result<(), XlsxError> {
    match value {
        Value::Number(number) => sheet.write_number_with_format(row, column, *number, format)?,
        Value::Bool(flag) => sheet.write_boolean_with_format(row, column, *flag, format)?,
        Value::Text(text) => sheet.write_string_with_format(row, column, text, format)?,
    };
    Ok(())
}

fn column_width(label: &str, attribute: &str, index: usize, buildings: &[Building]) -> f64 {
    let widest_value = buildings
        .iter()
        .take(WIDTH_SAMPLE_ROWS)
        .map(|building| match index {
            0 => building.item_key.chars().count(),
            1 => building.sheet_name.chars().count(),
            2 => 6,
            _ => building
                .value(attribute)
                .map_or(0, |value| value.to_field().chars().count() + 2),
        })
        .max()
        .unwrap_or(0);
    // The header wraps onto two lines, so half its length is enough; the filter button needs about 3.
    let header = label.chars().count().div_ceil(2) + 3;
    widest_value.max(header).clamp(8, 45) as f64
}

fn row_number(index: usize) -> u32 {
    u32::try_from(index).unwrap_or(u32::MAX)
}

fn column_number(index: usize) -> u16 {
    u16::try_from(index).unwrap_or(u16::MAX)
}
