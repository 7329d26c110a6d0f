//! One-click fixes write a new file next to the original and check it again.
#![allow(clippy::unwrap_used)]

mod support;

use sov_preflight::{apply_fixes, check_file, CheckOptions, PreflightError};
use support::{codes, corpus, write_file};

fn copy_to(dir: &std::path::Path, name: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::copy(corpus(name), &path).unwrap();
    path
}

#[test]
fn fixes_encoding_delimiter_and_misspelling_and_then_finds_the_duplicate() {
    let dir = tempfile::tempdir().unwrap();
    let original = copy_to(dir.path(), "combination.csv");
    let before = std::fs::read(&original).unwrap();
    let (fixed, report) = apply_fixes(&original, &CheckOptions::default()).unwrap();
    assert_eq!(fixed, dir.path().join("combination (fixed).csv"));
    assert_eq!(
        std::fs::read_to_string(&fixed).unwrap(),
        "sheet_name,sheet_row_number,bldg_name\nSheet1,2,Café\nSheet1,2,Café again\n"
    );
    assert_eq!(
        std::fs::read(&original).unwrap(),
        before,
        "the original must never change"
    );
    // With the columns fixed, the repeated building can now be seen (and is not auto-fixed).
    assert_eq!(codes(&report), ["duplicate_building"]);
    assert!(report.notices.is_empty());
    assert_eq!(report.file_name, "combination (fixed).csv");
}

#[test]
fn fixes_bom_case_and_trailing_columns() {
    let dir = tempfile::tempdir().unwrap();
    let original = copy_to(dir.path(), "combination_bom.csv");
    let (fixed, report) = apply_fixes(&original, &CheckOptions::default()).unwrap();
    assert_eq!(
        std::fs::read_to_string(&fixed).unwrap(),
        "sheet_name,sheet_row_number,const__bldg_year_built\nSheet1,2,nineteen\n"
    );
    // The bad year is the user's to correct: it stays as a warning.
    assert_eq!(codes(&report), ["invalid_value"]);
    assert!(report.fixes.is_empty());
}

#[test]
fn empty_rows_are_removed_and_utf16_becomes_utf8() {
    let dir = tempfile::tempdir().unwrap();
    let (fixed, report) = apply_fixes(
        &copy_to(dir.path(), "empty_rows.csv"),
        &CheckOptions::default(),
    )
    .unwrap();
    assert_eq!(
        std::fs::read_to_string(fixed).unwrap(),
        "sheet_name,sheet_row_number,bldg_name\nSheet1,2,Normal House\nSheet1,3,Other House\n"
    );
    assert!(report.findings.is_empty());

    let (fixed, report) = apply_fixes(
        &copy_to(dir.path(), "utf16_unicode_text.txt"),
        &CheckOptions::default(),
    )
    .unwrap();
    assert_eq!(fixed, dir.path().join("utf16_unicode_text (fixed).csv"));
    assert_eq!(
        std::fs::read_to_string(fixed).unwrap(),
        "sheet_name,sheet_row_number,bldg_name\nSheet1,2,Café Building\n"
    );
    assert!(report.findings.is_empty() && report.notices.is_empty());
}

#[test]
fn an_existing_fixed_copy_is_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let original = copy_to(dir.path(), "semicolon.csv");
    let taken = write_file(dir.path(), "semicolon (fixed).csv", b"keep me");
    let (fixed, _) = apply_fixes(&original, &CheckOptions::default()).unwrap();
    assert_eq!(fixed, dir.path().join("semicolon (fixed 2).csv"));
    assert_eq!(std::fs::read(taken).unwrap(), b"keep me");
    assert_eq!(
        std::fs::read_to_string(fixed).unwrap(),
        "sheet_name,sheet_row_number,bldg_name\nSheet1,2,Normal House\n"
    );
}

#[test]
fn a_clean_file_has_nothing_to_fix() {
    let dir = tempfile::tempdir().unwrap();
    let clean = copy_to(dir.path(), "cross_file_a.csv");
    let error = apply_fixes(&clean, &CheckOptions::default()).unwrap_err();
    assert!(matches!(error, PreflightError::NothingToFix { .. }));
    assert_eq!(
        error.to_string(),
        "There is nothing in `cross_file_a.csv` that can be fixed automatically. Correct the remaining problems in Excel and check the file again."
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no file is written"
    );
}

#[test]
fn a_file_that_is_not_a_table_cannot_be_fixed() {
    let error = apply_fixes(&corpus("scanned_sov.pdf"), &CheckOptions::default()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "`scanned_sov.pdf` is a PDF document, not a table of corrections. Pick the Excel workbook with your corrections, or save it from Excel as \"CSV UTF-8\" and pick that file."
    );
}

#[test]
fn many_rows_with_one_mistake_give_one_line_with_a_count() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("sheet_name,sheet_row_number,const__bldg_year_built\n");
    for row in 0..100_000 {
        text.push_str(&format!("Sheet1,{},unknown\n", row + 2));
    }
    let path = write_file(dir.path(), "big.csv", text.as_bytes());
    let report = check_file(&path, &CheckOptions::default());
    assert_eq!(report.findings.len(), 1);
    let finding = &report.findings[0];
    assert_eq!(finding.row, Some(2));
    assert_eq!(finding.more_count, 99_999);
    assert_eq!(
        finding.message,
        "Row 2, column `const__bldg_year_built`: `unknown` is not a year."
    );
    assert_eq!(finding.row_count, 100_000);
    assert_eq!(report.summary.warnings, 100_000);
    assert_eq!(report.summary.rows, 100_000);
}
