//! A workbook with a sheet per location group: each sheet is checked on its own terms.
#![allow(clippy::unwrap_used)]

mod support;

use sov_preflight::{check_every_sheet, check_file, CheckOptions, ColumnStatus};
use support::{codes, write_xlsx};

#[test]
fn each_sheet_gets_its_own_header_row_and_mapping_and_shared_buildings_are_found() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("locations by group.xlsx");
    write_xlsx(
        &path,
        &[
            (
                "Group 1",
                &[
                    &["Florida locations", "", ""],
                    &["Sheet", "Row", "Year Built"],
                    &["Sheet1", "2", "1969"],
                    &["Sheet1", "3", "1988"],
                ],
            ),
            (
                "Group 2",
                &[
                    &["sheet_name", "sheet_row_number", "bldg_name"],
                    &["Sheet1", "4", "Annex"],
                    &["Sheet1", "3", "Warehouse 4"],
                ],
            ),
        ],
    );
    let reports = check_every_sheet(&path, &CheckOptions::default());
    assert_eq!(reports.len(), 2);
    assert_eq!(reports[0].sheet.as_deref(), Some("Group 1"));
    assert_eq!(reports[0].header_row, Some(2));
    assert!(reports[0]
        .columns
        .iter()
        .all(|column| column.status == ColumnStatus::Suggested));
    assert_eq!(reports[1].sheet.as_deref(), Some("Group 2"));
    assert_eq!(reports[1].header_row, Some(1));
    assert_eq!(codes(&reports[1]), ["duplicate_building_across_files"]);
    assert_eq!(
        reports[1].findings[0].message,
        "Row 3 updates the same building (sheet `Sheet1`, row 3) as a row of `locations by group.xlsx` sheet `Group 1`."
    );
}

#[test]
fn a_csv_file_is_one_report() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("one.csv");
    std::fs::write(&path, "item_key,city\nk1,Miami\n").unwrap();
    let reports = check_every_sheet(&path, &CheckOptions::default());
    assert_eq!(reports, [check_file(&path, &CheckOptions::default())]);
}
