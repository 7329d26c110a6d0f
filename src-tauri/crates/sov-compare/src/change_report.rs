//! The change report workbook: a summary sheet, the requested changes with their outcome, the derived
//! changes; filterable, named plainly, never overwriting.

use std::path::{Path, PathBuf};

use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
use sov_error::AppError;
use sov_workbook::file_name::{plain_file_name, write_new_file};
use sov_workbook::Value;

use crate::revision_diff::{Outcome, Place, RevisionDiff};

/// What the summary sheet says about the update.
#[derive(Debug, Clone, Default)]
pub struct ReportInfo {
    pub sov_id: String,
    pub insured: String,
    pub from_revision: String,
    pub to_revision: String,
    pub update_id: String,
    /// When the update finished, as a person reads it.
    pub when: String,
    pub files_sent: Vec<String>,
    pub output_formats: Vec<String>,
}

pub const SUMMARY_SHEET: &str = "Summary";
pub const REQUESTED_SHEET: &str = "Requested changes";
pub const DERIVED_SHEET: &str = "Changed by SOV Fixer";

pub fn change_report_bytes(info: &ReportInfo, diff: &RevisionDiff) -> Result<Vec<u8>, AppError> {
    build(info, diff)
        .map_err(|error| AppError::internal(format!("writing the change report failed: {error}")))
}

/// Saves "<insured> change report <date>.xlsx" into `folder` (never overwriting) and returns its path.
pub fn save_change_report(
    folder: &Path,
    date: &str,
    info: &ReportInfo,
    diff: &RevisionDiff,
) -> Result<PathBuf, AppError> {
    let bytes = change_report_bytes(info, diff)?;
    write_new_file(
        folder,
        &plain_file_name(&info.insured, "change report", date, "xlsx"),
        &bytes,
    )
}

fn build(info: &ReportInfo, diff: &RevisionDiff) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let summary = workbook.add_worksheet();
    summary.set_name(SUMMARY_SHEET)?;
    summary.set_column_width(0, 24)?;
    summary.set_column_width(1, 70)?;
    let lines: [(&str, String); 13] = [
        ("SOV", info.sov_id.clone()),
        ("Insured", info.insured.clone()),
        (
            "Revisions",
            format!("{} → {}", info.from_revision, info.to_revision),
        ),
        ("Update id", info.update_id.clone()),
        ("When", info.when.clone()),
        ("Files sent", info.files_sent.join(", ")),
        ("Output formats", info.output_formats.join(", ")),
        ("In short", diff.summary.clone()),
        ("Requested changes", diff.requested.len().to_string()),
        ("Not applied", diff.not_applied().to_string()),
        ("Changed by SOV Fixer", diff.derived.len().to_string()),
        ("Buildings changed", diff.changed_buildings.to_string()),
        ("Buildings untouched", diff.untouched_buildings.to_string()),
    ];
    for (row, (name, value)) in lines.iter().enumerate() {
        summary.write_string_with_format(row as u32, 0, *name, &bold)?;
        summary.write_string(row as u32, 1, value)?;
    }

    let requested = workbook.add_worksheet();
    requested.set_name(REQUESTED_SHEET)?;
    let headers = [
        "Building",
        "Item key",
        "Sheet",
        "Row",
        "Attribute",
        "Attribute name",
        "Before",
        "Asked",
        "Now",
        "Outcome",
        "What to do",
    ];
    write_header(requested, &headers, &bold)?;
    for (index, change) in diff.requested.iter().enumerate() {
        let row = index as u32 + 1;
        write_place(requested, row, &change.place)?;
        write_cell(requested, row, 6, change.before.as_ref())?;
        write_cell(requested, row, 7, Some(&change.asked))?;
        write_cell(requested, row, 8, change.now.as_ref())?;
        requested.write_string(
            row,
            9,
            match change.outcome {
                Outcome::Confirmed => "Confirmed",
                Outcome::NotApplied => "Not applied",
            },
        )?;
        requested.write_string(row, 10, change.note.as_deref().unwrap_or_default())?;
    }
    finish(requested, diff.requested.len(), headers.len())?;

    let derived = workbook.add_worksheet();
    derived.set_name(DERIVED_SHEET)?;
    let headers = [
        "Building",
        "Item key",
        "Sheet",
        "Row",
        "Attribute",
        "Attribute name",
        "Before",
        "After",
    ];
    write_header(derived, &headers, &bold)?;
    for (index, change) in diff.derived.iter().enumerate() {
        let row = index as u32 + 1;
        write_place(derived, row, &change.place)?;
        write_cell(derived, row, 6, change.before.as_ref())?;
        write_cell(derived, row, 7, change.after.as_ref())?;
    }
    finish(derived, diff.derived.len(), headers.len())?;
    workbook.save_to_buffer()
}

fn write_header(sheet: &mut Worksheet, headers: &[&str], bold: &Format) -> Result<(), XlsxError> {
    for (column, header) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, column as u16, *header, bold)?;
        sheet.set_column_width(column as u16, if column == 0 { 32 } else { 16 })?;
    }
    Ok(())
}

fn finish(sheet: &mut Worksheet, rows: usize, columns: usize) -> Result<(), XlsxError> {
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, rows.max(1) as u32, columns as u16 - 1)?;
    Ok(())
}

fn write_place(sheet: &mut Worksheet, row: u32, place: &Place) -> Result<(), XlsxError> {
    sheet.write_string(row, 0, &place.building)?;
    sheet.write_string(row, 1, &place.item_key)?;
    sheet.write_string(row, 2, &place.sheet_name)?;
    sheet.write_number(row, 3, f64::from(place.sheet_row_number))?;
    sheet.write_string(row, 4, &place.label)?;
    sheet.write_string(row, 5, &place.attribute)?;
    Ok(())
}

fn write_cell(
    sheet: &mut Worksheet,
    row: u32,
    column: u16,
    value: Option<&Value>,
) -> Result<(), XlsxError> {
    match value {
        Some(Value::Number(number)) => {
            sheet.write_number(row, column, *number)?;
        }
        Some(Value::Bool(flag)) => {
            sheet.write_boolean(row, column, *flag)?;
        }
        Some(Value::Text(text)) => {
            sheet.write_string(row, column, text)?;
        }
        None => {}
    }
    Ok(())
}
