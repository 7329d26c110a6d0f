//! A workbook with a sheet per location group: each sheet is checked on its own terms.
#![allow(clippy::unwrap_used)]

use crate::support::{codes, write_xlsx};
use sov_preflight::{
    check_and_plan_every_sheet, check_every_sheet, check_file, check_files_every_sheet,
    CheckOptions, ColumnStatus,
};

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

/// Two location groups, each with attribute headers; `Group 2` updates Sheet1 row 3.
fn two_groups(path: &std::path::Path) {
    write_xlsx(
        path,
        &[
            (
                "Group 1",
                &[
                    &["sheet_name", "sheet_row_number", "bldg_name"],
                    &["Sheet1", "2", "Normal House"],
                ],
            ),
            (
                "Group 2",
                &[
                    &["sheet_name", "sheet_row_number", "bldg_name"],
                    &["Sheet1", "3", "Warehouse 4"],
                ],
            ),
        ],
    );
}

#[test]
fn a_building_in_a_later_file_is_named_against_a_sheet_of_an_earlier_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let workbook = dir.path().join("groups.xlsx");
    two_groups(&workbook);
    let csv = dir.path().join("late.csv");
    std::fs::write(
        &csv,
        "sheet_name,sheet_row_number,bldg_name\nSheet1,3,Warehouse Four\n",
    )
    .unwrap();
    let reports = check_files_every_sheet(&[workbook, csv], &CheckOptions::default());
    let sheets: Vec<_> = reports.iter().map(|r| r.sheet.as_deref()).collect();
    assert_eq!(sheets, [Some("Group 1"), Some("Group 2"), None]);
    assert_eq!(codes(&reports[2]), ["duplicate_building_across_files"]);
    assert!(
        reports[2].findings[0]
            .message
            .contains("`groups.xlsx` sheet `Group 2`"),
        "{}",
        reports[2].findings[0].message
    );
}

#[test]
fn each_sheet_is_planned_as_an_upload_named_after_it() {
    let dir = tempfile::tempdir().unwrap();
    let workbook = dir.path().join("groups.xlsx");
    two_groups(&workbook);
    let csv = dir.path().join("more.csv");
    std::fs::write(
        &csv,
        "sheet_name,sheet_row_number,bldg_name\nSheet1,4,Annex\n",
    )
    .unwrap();
    let checked = check_and_plan_every_sheet(
        &[workbook.clone(), csv.clone()],
        &CheckOptions::default(),
        None,
    );
    let planned: Vec<(&std::path::Path, String)> = checked
        .iter()
        .map(|file| {
            let plan = file.plan.as_ref().unwrap();
            (file.path.as_path(), plan.parts()[0].file_name.clone())
        })
        .collect();
    assert_eq!(
        planned,
        [
            (workbook.as_path(), "groups - Group 1.csv".to_owned()),
            (workbook.as_path(), "groups - Group 2.csv".to_owned()),
            (csv.as_path(), "more.csv".to_owned()),
        ]
    );
    assert!(checked.iter().all(|file| !file.report.blocking));
}
