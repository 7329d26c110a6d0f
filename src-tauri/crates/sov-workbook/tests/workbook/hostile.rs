//! Workbooks a user may hand us that are not what we wrote: formulas, dates, merged cells, a stray value in the
//! last row, a full sheet.
#![allow(clippy::unwrap_used)]

use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};
use sov_workbook::reader::read_corrections_bytes;
use sov_workbook::{Entry, Value};

fn header(sheet: &mut rust_xlsxwriter::Worksheet, headers: &[&str]) {
    for (column, text) in headers.iter().enumerate() {
        sheet.write_string(0, column as u16, *text).unwrap();
    }
}

#[test]
fn formulas_give_their_cached_values_and_dates_their_iso_text() {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    header(
        sheet,
        &[
            "sheet_name",
            "sheet_row_number",
            "Year built",
            "Building name",
        ],
    );
    sheet.write_string(1, 0, "Locations").unwrap();
    sheet
        .write_formula(1, 1, Formula::new("=1+1").set_result("2"))
        .unwrap();
    sheet
        .write_formula(1, 2, Formula::new("=1970+2").set_result("1972"))
        .unwrap();
    let date = ExcelDateTime::from_ymd(2024, 3, 1).unwrap();
    sheet
        .write_datetime_with_format(1, 3, &date, &Format::new().set_num_format("yyyy-mm-dd"))
        .unwrap();
    let file =
        read_corrections_bytes("formulas.xlsx", workbook.save_to_buffer().unwrap(), false).unwrap();
    let row = &file.rows[0];
    assert_eq!(row.key.sheet_row_number, Some(2));
    assert_eq!(
        file.value(row, "const__bldg_year_built")
            .and_then(Value::as_number),
        Some(1972.0)
    );
    assert_eq!(
        file.value(row, "bldg_name"),
        Some(&Value::Text("2024-03-01".into()))
    );
}

#[test]
fn merged_cells_count_once_and_error_cells_are_named_and_left_out() {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    header(
        sheet,
        &[
            "sheet_name",
            "sheet_row_number",
            "Roof covering",
            "Wall type",
        ],
    );
    sheet.write_string(1, 0, "Locations").unwrap();
    sheet.write_number(1, 1, 2).unwrap();
    sheet
        .merge_range(1, 2, 1, 3, "Metal", &Format::new())
        .unwrap();
    sheet.write_string(2, 0, "Locations").unwrap();
    sheet.write_number(2, 1, 3).unwrap();
    sheet
        .write_formula(2, 2, Formula::new("=1/0").set_result("#DIV/0!"))
        .unwrap();
    let file =
        read_corrections_bytes("merged.xlsx", workbook.save_to_buffer().unwrap(), false).unwrap();
    assert_eq!(
        file.value(&file.rows[0], "const__roof_covering"),
        Some(&Value::Text("Metal".into()))
    );
    assert_eq!(file.value(&file.rows[0], "const__wall_type"), None);
    let roof = file
        .attributes
        .iter()
        .position(|name| name == "const__roof_covering")
        .unwrap();
    assert_eq!(
        file.rows[1].values[roof],
        Entry::Unreadable,
        "an error cell is neither a value nor an emptied cell"
    );
    assert!(
        file.warnings
            .iter()
            .any(|warning| warning.starts_with("Cell C3 shows the error")),
        "{:?}",
        file.warnings
    );
}

#[test]
fn a_stray_mark_in_the_last_row_of_the_sheet_is_not_a_correction() {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    header(sheet, &["item_key", "Year built", "Notes"]);
    sheet.write_string(1, 0, "i-1!S!2").unwrap();
    sheet.write_number(1, 1, 1972).unwrap();
    sheet.write_string(1_048_575, 2, "x").unwrap();
    let file =
        read_corrections_bytes("stray.xlsx", workbook.save_to_buffer().unwrap(), false).unwrap();
    assert_eq!(file.rows.len(), 1);
}

#[test]
#[ignore = "a million rows take over a minute in a debug build: run by scripts/test (--include-ignored)"]
fn a_sheet_filled_to_its_last_row_is_read_to_the_end() {
    const LAST_ROW: u32 = 1_048_575;
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet_with_constant_memory().unwrap();
    header(sheet, &["item_key", "Year built"]);
    for row in 1..=LAST_ROW {
        sheet.write_string(row, 0, "i-1!S!2").unwrap();
        sheet
            .write_number(row, 1, f64::from(row % 300 + 1800))
            .unwrap();
    }
    let file =
        read_corrections_bytes("full.xlsx", workbook.save_to_buffer().unwrap(), false).unwrap();
    assert_eq!(file.rows.len(), LAST_ROW as usize);
    assert_eq!(file.rows.last().unwrap().file_row, 1_048_576);
}
