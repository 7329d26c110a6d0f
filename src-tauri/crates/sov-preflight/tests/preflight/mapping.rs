//! Friendly headers get suggestions, block until decided, and the upload is built from the mapping.
#![allow(clippy::unwrap_used)]

use std::io::Read;
use std::path::PathBuf;

use crate::support::codes;
use sov_preflight::{
    check_and_plan_files, check_file, plan_upload, CheckOptions, ColumnMapping, ColumnStatus,
    FileReport,
};

fn sample(name: &str) -> PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../samples/underwriter")
        .join(name)
}

fn described(report: &FileReport) -> Vec<String> {
    report
        .columns
        .iter()
        .map(|column| column.describe())
        .collect()
}

fn sent(path: &std::path::Path, options: &CheckOptions) -> String {
    let plan = plan_upload(path, options, None).unwrap();
    let mut text = String::new();
    plan.open_part(0)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// The window's one click: accept every suggestion; and skip the column it cannot guess.
fn accepted(report: &FileReport) -> CheckOptions {
    let mut mapping = ColumnMapping::accepting_suggestions(report);
    mapping.dont_send("Notes");
    CheckOptions {
        mapping,
        ..CheckOptions::default()
    }
}

#[test]
fn friendly_headers_are_suggested_and_block_until_confirmed() {
    for name in [
        "friendly_headers.csv",
        "friendly_headers.xlsx",
        "friendly_headers.ods",
    ] {
        let report = check_file(&sample(name), &CheckOptions::default());
        assert_eq!(report.header_row, Some(3), "{name}");
        assert_eq!(
            described(&report),
            [
                "Sheet → Sheet name (sheet_name)",
                "Row → Sheet row number (sheet_row_number)",
                "Building Name → Building name (bldg_name)",
                "Year Built → Year built (const__bldg_year_built)",
                "TIV → Total insured value (limits__total_value)",
                "# Stories → Number of stories (const__num_stories)",
                "Notes → ? (choose an attribute, or don't send this column)",
            ],
            "{name}"
        );
        assert!(
            report.blocking,
            "{name}: unmapped columns are never sent silently"
        );
        let errors: Vec<&str> = report
            .findings
            .iter()
            .filter(|finding| finding.severity == sov_preflight::Severity::Error)
            .map(|finding| finding.code.as_str())
            .collect();
        assert_eq!(
            errors,
            [
                "column_not_mapped",
                "column_not_mapped",
                "column_not_mapped",
                "column_not_mapped",
                "column_not_mapped",
                "column_not_mapped",
                "unknown_column"
            ],
            "{name}: one problem per column, and no missing-identity problem on top"
        );
        let year = report
            .findings
            .iter()
            .find(|finding| finding.column.as_deref() == Some("Year Built"))
            .unwrap();
        assert_eq!(
            year.message,
            "`Year Built` is not an attribute name; it looks like Year built (const__bldg_year_built)."
        );
        assert_eq!(
            year.suggestion,
            "Confirm the column mapping: send `Year Built` as `const__bldg_year_built`, choose another attribute, or don't send this column."
        );
        assert!(
            report.fixes.iter().all(|fix| fix.id != "rename_column"),
            "the mapping, not a one-click rename, decides"
        );
        assert_eq!(
            report.problem_fixes().count(),
            0,
            "{name}: no \"Fix it\" where no fix removes a problem ({:?})",
            report.fixes
        );
        let plan = check_and_plan_files(&[sample(name)], &CheckOptions::default(), None);
        assert!(plan[0].report.blocking);
    }
}

#[test]
fn accepted_suggestions_send_attribute_names_and_leave_skipped_columns_out() {
    let path = sample("friendly_headers.csv");
    let options = accepted(&check_file(&path, &CheckOptions::default()));
    let report = check_file(&path, &options);
    // The typed "$1,200,000" (a number cell in the workbooks) is only a warning.
    assert_eq!(
        codes(&report),
        ["amount_with_symbols"],
        "{:#?}",
        report.findings
    );
    assert_eq!(report.findings[0].row, Some(4));
    assert!(!report.blocking);
    assert!(report
        .columns
        .iter()
        .all(|column| matches!(column.status, ColumnStatus::Mapped | ColumnStatus::DontSend)));
    assert_eq!(
        described(&report)[6],
        "Notes → not sent",
        "the skipped column is shown as such"
    );
    assert_eq!(
        sent(&path, &options),
        "sheet_name,sheet_row_number,bldg_name,const__bldg_year_built,limits__total_value,const__num_stories\n\
         Sheet1,2,Normal House,1969,\"$1,200,000\",2\n\
         Sheet1,3,Warehouse 4,1988,850000,1\n"
    );
    // Planned in the same read as the check, the bytes are the same.
    let checked = check_and_plan_files(std::slice::from_ref(&path), &options, None);
    let mut one_pass = String::new();
    checked[0]
        .plan
        .as_ref()
        .unwrap()
        .open_part(0)
        .unwrap()
        .read_to_string(&mut one_pass)
        .unwrap();
    assert_eq!(one_pass, sent(&path, &options));
}

#[test]
fn a_workbook_is_sent_under_attribute_names_too_in_every_part() {
    let path = sample("friendly_headers.xlsx");
    let options = accepted(&check_file(&path, &CheckOptions::default()));
    let plan = plan_upload(&path, &options, Some(1)).unwrap();
    assert_eq!(plan.parts().len(), 2);
    for index in 0..2 {
        let mut text = String::new();
        plan.open_part(index)
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        assert!(
            text.starts_with("sheet_name,sheet_row_number,bldg_name,const__bldg_year_built,limits__total_value,const__num_stories\n"),
            "{text}"
        );
        assert_eq!(text.lines().count(), 2, "{text}");
        assert!(
            !text.contains("call owner"),
            "the skipped column is not sent"
        );
        assert_eq!(text.len() as u64, plan.parts()[index].byte_len);
    }
}

#[test]
fn a_value_under_a_suggested_column_is_checked_with_the_suggested_type() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("years.csv");
    std::fs::write(&path, "Sheet,Row,Yr Blt\nSheet1,2,69ish\n").unwrap();
    let report = check_file(&path, &CheckOptions::default());
    assert!(
        codes(&report).contains(&"invalid_value"),
        "{:?}",
        codes(&report)
    );
}

#[test]
fn a_confirmed_mapping_is_applied_next_time_with_a_note_and_can_be_undone() {
    use sov_preflight::{check_files_remembering, MappingStore};
    let dir = tempfile::tempdir().unwrap();
    let store_path = dir.path().join("mappings.json");
    let path = sample("friendly_headers.csv");
    let first = check_file(&path, &CheckOptions::default());
    let mut store = MappingStore::open(&store_path).unwrap();
    store
        .remember(&first.preview.header, &accepted(&first).mapping)
        .unwrap();

    // Next time (a fresh store read from disk), the same headers in another file of the user's.
    let next = dir.path().join("next quarter.xlsx");
    std::fs::copy(sample("friendly_headers.xlsx"), &next).unwrap();
    let store = MappingStore::open(&store_path).unwrap();
    let reports = check_files_remembering(
        std::slice::from_ref(&next),
        &CheckOptions::default(),
        &store,
    );
    assert!(!reports[0].blocking, "{:#?}", reports[0].findings);
    assert!(reports[0].remembered_mapping);
    assert!(reports[0].notices.iter().any(|notice| notice.starts_with(
        "The column mapping you confirmed before for a file with these headers was used."
    )));

    // Undo: forgotten, the file asks again.
    let mut store = MappingStore::open(&store_path).unwrap();
    store.forget(&reports[0].preview.header).unwrap();
    let again = check_files_remembering(&[next], &CheckOptions::default(), &store);
    assert!(again[0].blocking);
    assert!(!again[0].remembered_mapping);
}

#[test]
fn choices_as_text_round_trip_and_a_header_for_a_label_is_refused_naming_the_column() {
    let mut mapping = ColumnMapping::default();
    mapping.send_as("Year Built", "const__bldg_year_built");
    mapping.dont_send("Notes");
    let text = mapping.to_text_choices();
    assert_eq!(
        text.get("Notes").map(String::as_str),
        Some(sov_preflight::DONT_SEND)
    );
    assert_eq!(ColumnMapping::from_text_choices(&text).unwrap(), mapping);

    let label_not_name = [("Year Built".to_owned(), "Year built".to_owned())]
        .into_iter()
        .collect();
    let error = ColumnMapping::from_text_choices(&label_not_name).unwrap_err();
    assert!(
        error.contains("Year Built") && error.contains("Year built"),
        "{error}"
    );
}
