//! One bad file per problem (and a few combinations), each with the exact finding expected.
#![allow(clippy::unwrap_used)]

mod support;

use sov_preflight::{check_file, check_files, CheckOptions, FileKind, Severity};
use support::{assert_finding, check, codes, corpus, only};

#[test]
fn near_miss_column_is_an_error_with_a_suggestion() {
    let report = check("near_miss_column.csv");
    assert_finding(
        only(&report, "unknown_column_near_miss"),
        Severity::Error,
        "near_miss_column.csv",
        None,
        Some("sheet_row_numbah"),
        None,
        "`sheet_row_numbah` is not a known column. Did you mean `sheet_row_number`?",
        "Rename the column to `sheet_row_number`.",
    );
    // The misspelled identity column is one problem, not also "no identity column".
    assert_eq!(codes(&report), ["unknown_column_near_miss"]);
    assert_eq!(report.summary.errors, 1);
    assert!(report.blocking);
    assert_eq!(report.fixes[0].id, "rename_column");
    assert_eq!(
        report.fixes[0].label,
        "Rename `sheet_row_numbah` to `sheet_row_number`"
    );
    assert!(report.fixes[0].fixes_a_problem);
    assert_eq!(report.problem_fixes().count(), 1);
}

#[test]
fn unknown_far_column_blocks_until_the_user_says_what_it_holds() {
    let report = check("unknown_column.csv");
    assert_finding(
        only(&report, "unknown_column"),
        Severity::Error,
        "unknown_column.csv",
        None,
        Some("roof_age_years"),
        None,
        "`roof_age_years` is not in this app's list of building attributes, so it is not sent until you say what it holds.",
        "Choose the attribute this column holds, or don't send this column.",
    );
    assert_eq!(codes(&report), ["unknown_column"]);
    assert!(report.blocking, "never sent silently");
    assert_eq!(report.summary.recognized_columns, 2);
}

#[test]
fn case_only_difference_is_a_warning_with_a_rename_fix() {
    let report = check("case_only_column.csv");
    assert_finding(
        only(&report, "column_case_mismatch"),
        Severity::Warning,
        "case_only_column.csv",
        None,
        Some("City"),
        None,
        "`City` differs from the known column `city` only in capital letters; the server may not accept it.",
        "Rename the column to `city`.",
    );
    assert!(!report.blocking);
    assert_eq!(report.fixes[0].label, "Rename `City` to `city`");
}

#[test]
fn spaces_around_a_column_name_are_an_error() {
    let report = check("spaces_in_column_name.csv");
    assert_finding(
        only(&report, "column_name_spaces"),
        Severity::Error,
        "spaces_in_column_name.csv",
        None,
        Some(" city"),
        None,
        "The column name ` city` has spaces before or after it, so the server would not recognize `city`.",
        "Rename the column to `city`.",
    );
}

#[test]
fn duplicate_column_names_are_an_error() {
    let report = check("duplicate_column.csv");
    assert_finding(
        only(&report, "duplicate_column"),
        Severity::Error,
        "duplicate_column.csv",
        None,
        Some("City"),
        None,
        "The column `City` appears twice (columns C and E).",
        "Keep one of the two columns: merge their values into one and delete the other.",
    );
}

#[test]
fn blank_column_name_in_the_middle_is_an_error() {
    let report = check("blank_column_name.csv");
    assert_finding(
        only(&report, "blank_column_name"),
        Severity::Error,
        "blank_column_name.csv",
        None,
        Some("B"),
        None,
        "Column B has no name in the header row.",
        "Type the attribute name in cell B1, or delete the column if it is not needed.",
    );
}

#[test]
fn empty_trailing_columns_are_a_warning_with_a_fix() {
    let report = check("empty_trailing_columns.csv");
    assert_finding(
        only(&report, "empty_trailing_columns"),
        Severity::Warning,
        "empty_trailing_columns.csv",
        None,
        Some("D"),
        None,
        "2 empty column(s) without a name from column D on will be left out.",
        "Nothing to do, or remove them with the one-click fix.",
    );
    assert!(!report.blocking);
    assert_eq!(report.fixes[0].id, "drop_empty_columns");
    assert_eq!(report.fixes[0].label, "Remove the empty column(s) D–E");
}

#[test]
fn trailing_nameless_column_with_a_value_is_an_error() {
    let report = check("trailing_column_with_value.csv");
    assert_finding(
        only(&report, "blank_column_name"),
        Severity::Error,
        "trailing_column_with_value.csv",
        None,
        Some("D"),
        None,
        "Column D has no name in the header row, but row 3 has a value in it.",
        "Type the attribute name in cell D1, or delete the column if it is not needed.",
    );
    assert!(report.fixes.is_empty());
}

#[test]
fn missing_identity_columns_are_an_error() {
    let report = check("missing_identity_columns.csv");
    assert_finding(
        only(&report, "missing_identity_columns"),
        Severity::Error,
        "missing_identity_columns.csv",
        None,
        None,
        None,
        "The file has no column that says which building each row updates.",
        "Add an `item_key` column, or both a `sheet_name` and a `sheet_row_number` column.",
    );
    let half = check("only_sheet_name.csv");
    assert_eq!(
        only(&half, "missing_identity_columns").message,
        "The file has a `sheet_name` column but no `sheet_row_number` column, so its rows cannot be matched to buildings."
    );
}

#[test]
fn a_row_without_its_identity_is_an_error() {
    let report = check("missing_identity_in_row.csv");
    assert_finding(
        only(&report, "missing_identity"),
        Severity::Error,
        "missing_identity_in_row.csv",
        Some(3),
        Some("sheet_name"),
        None,
        "Row 3 does not say which building it updates: `sheet_name` is empty.",
        "Fill in `sheet_name` and `sheet_row_number` (the building's sheet and row in the original SOV), or delete the row.",
    );
    let item_key = check("missing_item_key_in_row.csv");
    assert_finding(
        only(&item_key, "missing_identity"),
        Severity::Error,
        "missing_item_key_in_row.csv",
        Some(3),
        Some("item_key"),
        None,
        "Row 3 does not say which building it updates: `item_key` is empty.",
        "Fill in the building's `item_key`, or delete the row.",
    );
}

#[test]
fn sheet_row_number_must_be_a_positive_whole_number() {
    let report = check("invalid_sheet_row_number.csv");
    assert_finding(
        only(&report, "invalid_sheet_row_number"),
        Severity::Error,
        "invalid_sheet_row_number.csv",
        Some(3),
        Some("sheet_row_number"),
        Some("two"),
        "Row 3: `sheet_row_number` is `two`, which is not a row number (a whole number from 1 up).",
        "Enter the building's row number in the original SOV sheet, such as 12.",
    );
}

#[test]
fn rows_with_a_different_number_of_cells_are_an_error() {
    let report = check("field_count_mismatch.csv");
    assert_finding(
        only(&report, "field_count_mismatch"),
        Severity::Error,
        "field_count_mismatch.csv",
        Some(3),
        None,
        Some("4"),
        "Row 3 has 4 cells but the header has 3 columns.",
        "Check row 3 for a stray comma or a missing cell: every row needs one cell per column.",
    );
}

#[test]
fn the_same_building_twice_in_a_file_is_an_error() {
    let report = check("duplicate_building.csv");
    assert_finding(
        only(&report, "duplicate_building"),
        Severity::Error,
        "duplicate_building.csv",
        Some(4),
        Some("sheet_row_number"),
        None,
        "Row 4 updates the same building as row 2 of this file.",
        "Keep one row per building: merge the corrections into one row and delete the other.",
    );
}

#[test]
fn the_same_building_in_two_files_of_a_job_is_an_error_in_the_later_file() {
    let reports = check_files(
        &[corpus("cross_file_a.csv"), corpus("cross_file_b.csv")],
        &CheckOptions::default(),
    );
    assert!(reports[0].findings.is_empty(), "{:#?}", reports[0].findings);
    assert_finding(
        only(&reports[1], "duplicate_building_across_files"),
        Severity::Error,
        "cross_file_b.csv",
        Some(3),
        Some("sheet_row_number"),
        Some("sheet `Sheet1`, row 3"),
        "Row 3 updates the same building (sheet `Sheet1`, row 3) as a row of `cross_file_a.csv`.",
        "Keep the correction for this building in one file only.",
    );
    // Each file on its own is fine.
    assert!(check("cross_file_b.csv").findings.is_empty());
}

#[test]
fn typed_values_that_do_not_parse_are_warnings() {
    let report = check("invalid_values.csv");
    let year = report
        .findings_with_code("invalid_value")
        .find(|f| f.column.as_deref() == Some("const__bldg_year_built"))
        .unwrap();
    assert_finding(
        year,
        Severity::Warning,
        "invalid_values.csv",
        Some(2),
        Some("const__bldg_year_built"),
        Some("69ish"),
        "Row 2, column `const__bldg_year_built`: `69ish` is not a year.",
        "Enter a four-digit year such as 1969, or leave the cell empty.",
    );
    let flagged: Vec<(Option<u64>, Option<&str>, Option<&str>)> = report
        .findings
        .iter()
        .map(|f| (f.row, f.column.as_deref(), f.value.as_deref()))
        .collect();
    assert_eq!(
        flagged,
        [
            (Some(2), Some("const__bldg_year_built"), Some("69ish")),
            // Read as an amount, but written with symbols: the plain number is suggested.
            (Some(2), Some("limits__building_value"), Some("$1,200,000")),
            (Some(3), Some("latitude"), Some("91")),
            (Some(3), Some("limits__building_value"), Some("12O,000")),
            (Some(3), Some("const__num_stories"), Some("2.5")),
        ]
    );
    assert_eq!(
        report
            .findings_with_code("amount_with_symbols")
            .next()
            .unwrap()
            .suggestion,
        "Enter it as 1200000, a plain number, so it cannot be read differently."
    );
    assert!(!report.blocking);
    assert_eq!(report.summary.warnings, 5);
}

#[test]
fn a_header_only_file_has_no_rows_to_update() {
    let report = check("header_only.csv");
    assert_finding(
        only(&report, "no_rows"),
        Severity::Error,
        "header_only.csv",
        None,
        None,
        None,
        "`header_only.csv` has column names but no rows to update.",
        "Add at least one row with a correction below the header row.",
    );
}

#[test]
fn an_empty_file_is_an_error() {
    let report = check("empty.csv");
    assert_finding(
        only(&report, "empty_file"),
        Severity::Error,
        "empty.csv",
        None,
        None,
        None,
        "`empty.csv` is empty.",
        "Save your corrections again from Excel and pick the saved file.",
    );
    assert!(report.blocking);
}

#[test]
fn empty_rows_are_a_warning_and_not_counted() {
    let report = check("empty_rows.csv");
    assert_finding(
        only(&report, "empty_row"),
        Severity::Warning,
        "empty_rows.csv",
        Some(3),
        None,
        None,
        "Row 3 is empty; it will be left out.",
        "Nothing to do, or remove the empty rows with the one-click fix.",
    );
    assert_eq!(report.summary.rows, 2);
}

#[test]
fn semicolons_tabs_and_encodings_are_handled_and_the_user_is_told() {
    let cases = [
        ("semicolon.csv", "Columns in this file are separated by semicolons; it will be sent with commas.", "convert_delimiter"),
        ("tab_separated.txt", "Columns in this file are separated by tabs; it will be sent with commas.", "convert_delimiter"),
        ("windows_1252.csv", "This file was saved as Windows-1252 text; it will be sent as UTF-8.", "convert_encoding"),
        ("utf16_unicode_text.txt", "This file was saved as Unicode Text (UTF-16); it will be sent as UTF-8.", "convert_encoding"),
        (
            "utf8_bom.csv",
            "This file starts with an invisible byte-order mark (Excel adds one to \"CSV UTF-8\" files); it will be left out when sending.",
            "strip_bom",
        ),
    ];
    for (name, notice, fix) in cases {
        let report = check(name);
        assert!(report.findings.is_empty(), "{name}: {:#?}", report.findings);
        assert!(
            report.notices.iter().any(|n| n == notice),
            "{name}: {:?}",
            report.notices
        );
        assert!(
            report.fixes.iter().any(|f| f.id == fix),
            "{name}: {:?}",
            report.fixes
        );
        assert_eq!(report.summary.rows, 1, "{name}");
        assert_eq!(
            report.preview.header,
            ["sheet_name", "sheet_row_number", "bldg_name"],
            "{name}"
        );
    }
    assert_eq!(
        check("windows_1252.csv").preview.rows[0][2],
        "Café Building"
    );
    assert_eq!(
        check("utf16_unicode_text.txt").preview.rows[0][2],
        "Café Building"
    );
}

#[test]
fn files_that_are_not_tables_are_refused_with_what_they_are() {
    let picked = "Pick the Excel workbook with your corrections, or save it from Excel as \"CSV UTF-8\" and pick that file.";
    let cases = [
        (
            "scanned_sov.pdf",
            FileKind::Pdf,
            "`scanned_sov.pdf` is a PDF document, not a table of corrections.",
            picked,
        ),
        (
            "screenshot.png",
            FileKind::Image,
            "`screenshot.png` is a picture (PNG image), not a table of corrections.",
            picked,
        ),
        (
            "photo.csv",
            FileKind::Image,
            "`photo.csv` is a picture (JPEG image), not a table of corrections.",
            picked,
        ),
        (
            "random_binary.csv",
            FileKind::Binary,
            "`random_binary.csv` is a binary file, not a table of corrections.",
            picked,
        ),
        (
            "corrections.zip",
            FileKind::Zip,
            "`corrections.zip` is a zip archive, not a table of corrections.",
            "Unzip it and pick the CSV or Excel file inside.",
        ),
    ];
    for (name, kind, message, suggestion) in cases {
        let report = check(name);
        assert_eq!(report.kind, kind, "{name}");
        assert_finding(
            only(&report, "unsupported_file_type"),
            Severity::Error,
            name,
            None,
            None,
            None,
            message,
            suggestion,
        );
        assert!(report.blocking);
    }
}

#[test]
fn a_missing_file_is_reported_not_panicked_on() {
    let report = check_file(&corpus("no_such_file.csv"), &CheckOptions::default());
    assert_eq!(report.kind, FileKind::Unreadable);
    assert_finding(
        only(&report, "file_unreadable"),
        Severity::Error,
        "no_such_file.csv",
        None,
        None,
        None,
        "`no_such_file.csv` could not be read: it does not exist (it may have been moved or renamed).",
        "Check the file is where you picked it and not open in another program, then pick it again.",
    );
}

#[test]
fn combination_of_encoding_delimiter_misspelling_and_duplicate() {
    let report = check("combination.csv");
    assert_eq!(
        codes(&report),
        ["unknown_column_near_miss", "duplicate_building"]
    );
    assert_eq!(
        only(&report, "unknown_column_near_miss").message,
        "`sheet_row_numbr` is not a known column. Did you mean `sheet_row_number`?"
    );
    assert_eq!(report.notices.len(), 2);
    let fix_ids: Vec<&str> = report.fixes.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(
        fix_ids,
        ["rename_column", "convert_encoding", "convert_delimiter"]
    );
}

#[test]
fn combination_of_bom_case_bad_year_and_trailing_column() {
    let report = check("combination_bom.csv");
    assert_eq!(
        codes(&report),
        [
            "column_case_mismatch",
            "empty_trailing_columns",
            "invalid_value"
        ]
    );
    // The typed check applies to the column it will become after the rename.
    assert_eq!(
        only(&report, "invalid_value").message,
        "Row 2, column `Const__Bldg_Year_Built`: `nineteen` is not a year."
    );
    let fix_ids: Vec<&str> = report.fixes.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(
        fix_ids,
        ["rename_column", "drop_empty_columns", "strip_bom"]
    );
}

#[test]
fn the_samples_pass_clean() {
    let samples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../samples");
    for name in ["corrections.csv", "test_reoutput_locations.csv"] {
        let report = check_file(&samples.join(name), &CheckOptions::default());
        assert!(report.findings.is_empty(), "{name}: {:#?}", report.findings);
        assert!(
            report.notices.is_empty() && report.fixes.is_empty(),
            "{name}"
        );
        assert!(!report.blocking);
        assert_eq!(report.kind, FileKind::Csv);
    }
    let big = check_file(
        &samples.join("test_reoutput_locations.csv"),
        &CheckOptions::default(),
    );
    assert_eq!(
        (
            big.summary.rows,
            big.summary.columns,
            big.summary.recognized_columns
        ),
        (2, 37, 37)
    );
}

#[test]
fn report_serializes_in_the_documented_shape() {
    let report = check("near_miss_column.csv");
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["kind"], "csv");
    assert_eq!(json["findings"][0]["severity"], "error");
    assert_eq!(json["findings"][0]["code"], "unknown_column_near_miss");
    assert_eq!(json["findings"][0]["row"], serde_json::Value::Null);
    assert_eq!(json["summary"]["rows"], 1);
    assert_eq!(json["blocking"], true);
    assert_eq!(json["preview"]["rows"][0][2], "Normal House");
}

#[test]
fn a_file_of_blank_lines_has_no_header() {
    let report = check("blank_lines_only.csv");
    assert_finding(
        only(&report, "empty_file"),
        Severity::Error,
        "blank_lines_only.csv",
        None,
        None,
        None,
        "`blank_lines_only.csv` has no header row and no rows.",
        "Save your corrections again from Excel and pick the saved file.",
    );
    let error = sov_preflight::plan_upload(
        &corpus("blank_lines_only.csv"),
        &CheckOptions::default(),
        None,
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "`blank_lines_only.csv` has no rows to update. Add at least one row with a correction below the header row."
    );
}

#[test]
fn a_windows_1252_byte_after_a_long_utf8_start_switches_the_encoding() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = b"sheet_name,sheet_row_number,bldg_name\n".to_vec();
    for row in 2..2000 {
        bytes.extend_from_slice(format!("Sheet1,{row},Plain House\n").as_bytes());
    }
    bytes.extend_from_slice(b"Sheet1,2000,Caf\xE9\n");
    let path = support::write_file(dir.path(), "late.csv", &bytes);
    let report = check_file(&path, &CheckOptions::default());
    assert_eq!(
        report.notices,
        ["This file was saved as Windows-1252 text; it will be sent as UTF-8."]
    );
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
    assert_eq!(report.summary.rows, 1999);

    let plan = sov_preflight::plan_upload(&path, &CheckOptions::default(), None).unwrap();
    let mut sent = String::new();
    std::io::Read::read_to_string(&mut plan.open_part(0).unwrap(), &mut sent).unwrap();
    assert!(sent.ends_with("Sheet1,2000,Café\n"));
    assert_eq!(sent.len() as u64, plan.parts()[0].byte_len);
}
