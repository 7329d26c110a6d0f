//! A file longer than the rows kept in memory for the duplicate check (its targets go to temporary
//! files): repeats and cross-file duplicates are still found, with the right rows.
#![allow(clippy::unwrap_used)]

use std::fmt::Write as _;

use crate::support::assert_finding;
use sov_preflight::{check_files, CheckOptions, Severity};

/// More than one in-memory chunk of the duplicate check (2^20 rows).
const ROWS: u64 = 1_100_000;

#[test]
fn duplicates_in_a_file_longer_than_memory_holds_are_found_within_and_across_files() {
    let dir = tempfile::tempdir().unwrap();
    let mut long = String::from("sheet_name,sheet_row_number,bldg_name\n");
    for row in 2..ROWS + 2 {
        writeln!(long, "Sheet1,{row},b{row}").unwrap();
    }
    // The last row repeats the first, in another chunk.
    long.push_str("Sheet1,2,again\n");
    let long_path = dir.path().join("long.csv");
    std::fs::write(&long_path, long).unwrap();
    let later_path = dir.path().join("later.csv");
    std::fs::write(
        &later_path,
        "sheet_name,sheet_row_number,bldg_name\nSheet1,300000,x\nSheet1,999999999,y\n",
    )
    .unwrap();

    let reports = check_files(&[long_path, later_path], &CheckOptions::default());
    let repeat: Vec<_> = reports[0]
        .findings_with_code("duplicate_building")
        .collect();
    assert_eq!(repeat.len(), 1, "{:#?}", reports[0].findings);
    let last_row = ROWS + 2;
    assert_finding(
        repeat[0],
        Severity::Error,
        "long.csv",
        Some(last_row),
        Some("sheet_row_number"),
        None,
        &format!("Row {last_row} updates the same building as row 2 of this file."),
        "Keep one row per building: merge the corrections into one row and delete the other.",
    );

    let across: Vec<_> = reports[1]
        .findings_with_code("duplicate_building_across_files")
        .collect();
    assert_eq!(across.len(), 1, "{:#?}", reports[1].findings);
    assert_eq!(across[0].row, Some(2));
    assert!(
        across[0].message.contains("`long.csv`"),
        "{}",
        across[0].message
    );
}
