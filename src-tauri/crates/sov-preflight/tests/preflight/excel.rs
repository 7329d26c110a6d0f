//! Excel workbooks: the chosen sheet is read and converted, a missing sheet is explained.
#![allow(clippy::unwrap_used)]

use std::io::Read;

use crate::support::{assert_finding, corpus, only, write_xlsx};
use sov_preflight::{
    apply_fixes, check_and_plan_files, check_file, plan_upload, CheckOptions, FileKind, Severity,
};

fn workbook(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("corrections.xlsx");
    write_xlsx(
        &path,
        &[
            (
                "Corrections",
                &[
                    &[
                        "sheet_name",
                        "sheet_row_number",
                        "bldg_name",
                        "const__bldg_year_built",
                    ],
                    &["Sheet1", "2", "Normal, House", "1969"],
                ],
            ),
            ("Notes", &[&["bldg_name"], &["just notes"]]),
        ],
    );
    path
}

#[test]
fn first_sheet_is_read_by_default_and_numbers_stay_whole() {
    let dir = tempfile::tempdir().unwrap();
    let report = check_file(&workbook(dir.path()), &CheckOptions::default());
    assert_eq!(report.kind, FileKind::Excel);
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
    assert_eq!(
        report.preview.rows,
        [["Sheet1", "2", "Normal, House", "1969"]]
    );
    assert_eq!(
        report.notices,
        ["This is an Excel workbook: rows are read from the sheet `Corrections` and will be sent as CSV. The workbook has 2 sheets; choose another sheet if your corrections are elsewhere."]
    );
    assert_eq!(report.fixes[0].id, "convert_excel");
    assert_eq!(report.sheet.as_deref(), Some("Corrections"));
    assert_eq!(
        report.sheets,
        ["Corrections", "Notes"],
        "offered to pick from"
    );
}

#[test]
fn a_named_sheet_is_read_and_a_missing_one_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    let path = workbook(dir.path());
    let notes = CheckOptions {
        sheet: Some("Notes".into()),
        ..CheckOptions::default()
    };
    let report = check_file(&path, &notes);
    assert_eq!(report.sheet.as_deref(), Some("Notes"));
    assert_eq!(report.preview.header, ["bldg_name"]);
    only(&report, "missing_identity_columns");

    let missing = CheckOptions {
        sheet: Some("Sheet9".into()),
        ..CheckOptions::default()
    };
    let report = check_file(&path, &missing);
    assert_finding(
        only(&report, "sheet_not_found"),
        Severity::Error,
        "corrections.xlsx",
        None,
        None,
        None,
        "`corrections.xlsx` has no sheet named `Sheet9`. Its sheets are: `Corrections`, `Notes`.",
        "Choose one of the workbook's sheets.",
    );
}

#[test]
fn excel_is_converted_to_csv_by_the_fix_and_by_the_upload_plan() {
    let dir = tempfile::tempdir().unwrap();
    let path = workbook(dir.path());
    let expected = "sheet_name,sheet_row_number,bldg_name,const__bldg_year_built\nSheet1,2,\"Normal, House\",1969\n";

    let (fixed, report) = apply_fixes(&path, &CheckOptions::default()).unwrap();
    assert_eq!(fixed, dir.path().join("corrections (fixed).csv"));
    assert_eq!(std::fs::read_to_string(&fixed).unwrap(), expected);
    assert_eq!(report.kind, FileKind::Csv);
    assert!(report.findings.is_empty() && report.fixes.is_empty());

    let plan = plan_upload(&path, &CheckOptions::default(), None).unwrap();
    assert_eq!(plan.parts().len(), 1);
    assert_eq!(plan.parts()[0].file_name, "corrections.csv");
    let mut sent = String::new();
    plan.open_part(0)
        .unwrap()
        .read_to_string(&mut sent)
        .unwrap();
    assert_eq!(sent, expected);
    assert_eq!(plan.parts()[0].byte_len, expected.len() as u64);
}

#[test]
fn a_zip_named_like_a_workbook_is_refused_as_a_zip() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fake.xlsx");
    std::fs::copy(crate::support::corpus("corrections.zip"), &path).unwrap();
    let report = check_file(&path, &CheckOptions::default());
    assert_eq!(report.kind, FileKind::Zip);
    only(&report, "unsupported_file_type");
}

/// What the default check of the `workbook` above reads: its first sheet, numbers kept whole.
fn assert_reads_the_corrections_sheet(path: &std::path::Path) {
    let report = check_file(path, &CheckOptions::default());
    assert_eq!(report.kind, FileKind::Excel, "{path:?}");
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
    assert_eq!(
        report.preview.header,
        [
            "sheet_name",
            "sheet_row_number",
            "bldg_name",
            "const__bldg_year_built"
        ]
    );
    assert_eq!(
        report.preview.rows,
        [["Sheet1", "2", "Normal, House", "1969"]]
    );
    assert!(
        report.notices[0].contains("`Corrections`"),
        "{:?}",
        report.notices
    );
}

#[test]
fn a_legacy_xls_workbook_is_read_like_an_xlsx_one() {
    // Written by the `xlwt` Python package (BIFF8, Excel 97-2003), numbers stored as floats.
    assert_reads_the_corrections_sheet(&corpus("legacy_workbook.xls"));
}

#[test]
fn a_macro_enabled_xlsm_workbook_is_read_like_an_xlsx_one() {
    let dir = tempfile::tempdir().unwrap();
    let xlsx = workbook(dir.path());
    let xlsm = dir.path().join("corrections.xlsm");
    std::fs::rename(&xlsx, &xlsm).unwrap();
    assert_reads_the_corrections_sheet(&xlsm);
}

#[test]
fn a_sheet_picked_for_one_workbook_is_checked_and_sent_while_the_others_keep_their_first_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let first = workbook(dir.path());
    // The same building, but on the second sheet of another workbook (the first one holds notes).
    let second = dir.path().join("annex.xlsx");
    write_xlsx(
        &second,
        &[
            ("Notes", &[&["bldg_name"], &["just notes"]]),
            (
                "Corrections",
                &[
                    &["sheet_name", "sheet_row_number", "bldg_name"],
                    &["Sheet1", "2", "Annex"],
                ],
            ),
        ],
    );
    let mut options = CheckOptions::default();
    options
        .sheet_for
        .insert(second.clone(), "Corrections".to_owned());

    let checked = check_and_plan_files(&[first.clone(), second.clone()], &options, None);
    assert_eq!(checked[0].report.sheet.as_deref(), Some("Corrections"));
    assert_eq!(checked[1].report.sheet.as_deref(), Some("Corrections"));
    assert_eq!(checked[1].report.sheets, ["Notes", "Corrections"]);
    // Read from the picked sheet, the second workbook targets the first one's building: caught across files.
    only(&checked[1].report, "duplicate_building_across_files");

    let plan = plan_upload(&second, &options, None).unwrap();
    let mut sent = String::new();
    plan.open_part(0)
        .unwrap()
        .read_to_string(&mut sent)
        .unwrap();
    assert!(sent.contains("Sheet1,2,Annex"), "{sent}");
    assert!(!sent.contains("just notes"), "{sent}");
}
