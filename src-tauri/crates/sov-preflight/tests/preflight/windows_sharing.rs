//! A corrections file that is open in Excel on Windows. Excel keeps the file it has open locked against writing
//! but usually lets other programs read it: then the check reads it as usual. A program that shares nothing makes
//! every read fail with a sharing violation: then the user is told to close it, not to check permissions.
//! Windows only (run under wine in CI): Unix has no mandatory share modes.
#![cfg(windows)]
#![allow(clippy::unwrap_used)]

use std::fs::{File, OpenOptions};
use std::os::windows::fs::OpenOptionsExt;
use std::path::Path;

use sov_preflight::{check_file, CheckOptions, FileKind};

const FILE_SHARE_READ: u32 = 0x1;
const CSV: &str =
    "sheet_name,sheet_row_number,bldg_name\r\nSheet1,2,Main office\r\nSheet1,3,Warehouse\r\n";

/// Opens `path` for writing the way an editor does, sharing only what `share_mode` allows.
fn hold_open(path: &Path, share_mode: u32) -> File {
    OpenOptions::new()
        .read(true)
        .write(true)
        .share_mode(share_mode)
        .open(path)
        .unwrap()
}

#[test]
fn a_file_excel_has_open_but_shares_for_reading_is_checked_as_usual() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("corrections.csv");
    std::fs::write(&path, CSV).unwrap();
    let _excel = hold_open(&path, FILE_SHARE_READ);

    let report = check_file(&path, &CheckOptions::default());
    assert_eq!(report.kind, FileKind::Csv, "{:?}", report.findings);
    assert!(!report.blocking, "{:?}", report.findings);
    assert_eq!(report.summary.rows, 2);
    assert_eq!(
        report.preview.rows[1][2], "Warehouse",
        "CRLF line ends are not part of the value"
    );
}

#[test]
fn a_file_locked_by_another_program_says_close_it_in_excel() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("corrections.csv");
    std::fs::write(&path, CSV).unwrap();
    let excel = hold_open(&path, 0);

    let report = check_file(&path, &CheckOptions::default());
    assert_eq!(report.kind, FileKind::Unreadable);
    assert!(report.blocking);
    let finding = report.findings_with_code("file_in_use").next().unwrap();
    assert_eq!(
        finding.message,
        "`corrections.csv` is open in another program (such as Excel) that does not let others read it."
    );
    assert_eq!(finding.suggestion, "Close it in Excel, then try again.");

    // Once closed, the same file reads.
    drop(excel);
    let report = check_file(&path, &CheckOptions::default());
    assert!(!report.blocking, "{:?}", report.findings);
}
