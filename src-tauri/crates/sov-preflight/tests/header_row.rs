//! The header row is found below titles, notes and blank rows, reported, and can be chosen.
#![allow(clippy::unwrap_used)]

mod support;

use std::io::Read;
use std::path::PathBuf;

use sov_preflight::{check_file, plan_upload, CheckOptions};
use support::{codes, only};

fn sample(name: &str) -> PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../samples/underwriter")
        .join(name)
}

fn sent(path: &std::path::Path, options: &CheckOptions) -> String {
    let plan = plan_upload(path, options, None).unwrap();
    let mut bytes = String::new();
    plan.open_part(0)
        .unwrap()
        .read_to_string(&mut bytes)
        .unwrap();
    bytes
}

#[test]
fn title_and_note_rows_above_the_table_are_skipped_in_csv_xlsx_and_ods() {
    for name in ["title_row.csv", "title_row.xlsx", "title_row.ods"] {
        let path = sample(name);
        let report = check_file(&path, &CheckOptions::default());
        assert!(report.findings.is_empty(), "{name}: {:#?}", report.findings);
        assert_eq!(report.header_row, Some(4), "{name}");
        assert!(report.header_row_detected);
        assert_eq!(
            report.preview.header,
            [
                "sheet_name",
                "sheet_row_number",
                "bldg_name",
                "const__bldg_year_built"
            ],
            "{name}"
        );
        assert_eq!(report.summary.rows, 2, "{name}");
        assert!(
            report.notices.iter().any(|notice| notice
                == "The column names were found in row 4; rows 1–3 above it were skipped (a title or notes) and will not be sent. Choose another header row if this is wrong."),
            "{name}: {:?}",
            report.notices
        );
        assert_eq!(
            sent(&path, &CheckOptions::default()),
            "sheet_name,sheet_row_number,bldg_name,const__bldg_year_built\nSheet1,2,Normal House,1969\nSheet1,3,Warehouse 4,1988\n",
            "{name}: the title rows are not sent"
        );
    }
}

#[test]
fn a_chosen_header_row_is_read_instead() {
    let path = sample("title_row.xlsx");
    let options = CheckOptions {
        header_row_for: [(path.clone(), 1)].into(),
        ..CheckOptions::default()
    };
    let report = check_file(&path, &options);
    assert_eq!(report.header_row, Some(1));
    assert!(!report.header_row_detected);
    assert_eq!(report.preview.header[0], "Acme Property corrections 2026");
    assert!(report.blocking, "the title is not a column name");
    assert!(codes(&report).contains(&"missing_identity_columns"));
}

#[test]
fn a_header_row_past_the_end_is_explained() {
    let path = sample("title_row.csv");
    let options = CheckOptions {
        header_row: Some(40),
        ..CheckOptions::default()
    };
    let report = check_file(&path, &options);
    let finding = only(&report, "header_row_not_found");
    assert_eq!(
        finding.message,
        "Row 40 of `title_row.csv` cannot be the header row: the table starts at row 1 and ends before row 40."
    );
    assert_eq!(
        finding.suggestion,
        "Choose the row that holds the column names."
    );
    assert!(plan_upload(&path, &options, None).is_err());
}

#[test]
fn a_file_whose_first_row_is_the_header_is_still_sent_unchanged() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../samples/corrections.csv");
    let report = check_file(&path, &CheckOptions::default());
    assert_eq!(report.header_row, Some(1));
    assert!(report.notices.is_empty(), "{:?}", report.notices);
    assert_eq!(
        sent(&path, &CheckOptions::default()),
        std::fs::read_to_string(&path).unwrap()
    );
}
