//! Every problem names all its rows, and "Save the list" writes them all as CSV.
#![allow(clippy::unwrap_used)]

use std::fmt::Write as _;

use sov_preflight::{
    check_file, problem_rows_page, save_problem_rows, CheckOptions, ROW_LIST_LIMIT,
};

/// 40 buildings; rows 3, 5, 7, … (30 of them, some past row 40) have a year in the future or
/// a stray letter, as a long list typed by hand does.
fn thirty_problems(dir: &std::path::Path) -> (std::path::PathBuf, Vec<u64>) {
    let mut text = String::from("sheet_name,sheet_row_number,const__bldg_year_built\n");
    let mut bad_rows = Vec::new();
    for index in 0..60u64 {
        let row = index + 2;
        let year = if index % 2 == 1 {
            bad_rows.push(row);
            "3020"
        } else {
            "1969"
        };
        writeln!(text, "Sheet1,{},{year}", index + 2).unwrap();
    }
    let path = dir.join("thirty problems.csv");
    std::fs::write(&path, text).unwrap();
    (path, bad_rows)
}

#[test]
fn a_thirty_problem_file_lists_all_thirty_rows_once() {
    let dir = tempfile::tempdir().unwrap();
    let (path, bad_rows) = thirty_problems(dir.path());
    assert_eq!(bad_rows.len(), 30);
    let report = check_file(&path, &CheckOptions::default());
    assert_eq!(report.findings.len(), 1, "one kind of problem, one entry");
    let finding = &report.findings[0];
    assert_eq!(finding.code, "implausible_year");
    assert_eq!(finding.rows, bad_rows);
    assert_eq!(finding.row_count, 30);
    assert_eq!(finding.more_count, 29);
    assert!(
        !finding.message.contains("more"),
        "the count is said once, not in the message: {}",
        finding.message
    );
    assert_eq!(report.summary.warnings, 30);
}

#[test]
fn save_the_list_writes_every_row_as_csv() {
    let dir = tempfile::tempdir().unwrap();
    let (path, bad_rows) = thirty_problems(dir.path());
    let options = CheckOptions::default();
    let report = check_file(&path, &options);
    let out = dir.path().join("problem rows.csv");
    let written = save_problem_rows(&path, &options, &report.findings[0], &out).unwrap();
    assert_eq!(written, 30);
    let mut reader = csv::Reader::from_path(&out).unwrap();
    assert_eq!(
        reader.headers().unwrap(),
        vec!["Row", "Column", "Value", "Problem", "What to do"]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let numbers: Vec<u64> = rows.iter().map(|r| r[0].parse().unwrap()).collect();
    assert_eq!(numbers, bad_rows);
    assert_eq!(&rows[0][1], "const__bldg_year_built");
    assert_eq!(&rows[0][2], "3020");
    assert!(
        rows[0][3].starts_with("Row 3, column `const__bldg_year_built`: `3020` is in the future")
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".tmp"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "no temporary file left: {leftovers:?}"
    );
}

#[test]
fn a_huge_list_is_cut_in_the_report_but_saved_whole() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("item_key,const__num_stories\n");
    let rows = 3 * ROW_LIST_LIMIT as u64;
    for index in 0..rows {
        writeln!(text, "k{index},0").unwrap();
    }
    let path = dir.path().join("huge.csv");
    std::fs::write(&path, text).unwrap();
    let options = CheckOptions::default();
    let report = check_file(&path, &options);
    let finding = &report.findings[0];
    assert_eq!(finding.code, "implausible_stories");
    assert_eq!(finding.rows.len(), ROW_LIST_LIMIT, "memory stays bounded");
    assert_eq!(finding.row_count, rows);
    let out = dir.path().join("all.csv");
    assert_eq!(
        save_problem_rows(&path, &options, finding, &out).unwrap(),
        rows
    );
    let lines = std::fs::read_to_string(&out).unwrap().lines().count() as u64;
    assert_eq!(lines, rows + 1);
}

#[test]
fn a_list_that_cannot_be_written_is_an_error_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = thirty_problems(dir.path());
    let options = CheckOptions::default();
    let report = check_file(&path, &options);
    let out = dir.path().join("no such folder").join("rows.csv");
    let error = save_problem_rows(&path, &options, &report.findings[0], &out).unwrap_err();
    assert!(error.to_string().contains("rows.csv"), "{error}");
    assert!(!out.exists());
}

#[test]
fn the_row_list_pages_through_every_row_with_its_value_and_words() {
    let dir = tempfile::tempdir().unwrap();
    let (path, bad_rows) = thirty_problems(dir.path());
    let options = CheckOptions::default();
    let finding = check_file(&path, &options).findings.remove(0);
    let first = problem_rows_page(&path, &options, &finding, 0, 20);
    assert_eq!(first.total, 30);
    assert_eq!(first.rows.len(), 20);
    let second = problem_rows_page(&path, &options, &finding, 20, 20);
    assert_eq!(second.offset, 20);
    assert_eq!(second.rows.len(), 10, "the last page holds the rest");
    let listed: Vec<u64> = first
        .rows
        .iter()
        .chain(&second.rows)
        .map(|row| row.row.unwrap())
        .collect();
    assert_eq!(listed, bad_rows, "every row, in file order, once");
    let row = &second.rows[9];
    assert_eq!(row.column.as_deref(), Some("const__bldg_year_built"));
    assert_eq!(row.value.as_deref(), Some("3020"));
    assert!(row.problem.starts_with("Row 61, column"), "{}", row.problem);
    assert!(row.what_to_do.contains("year built"), "{}", row.what_to_do);
    assert!(problem_rows_page(&path, &options, &finding, 30, 20)
        .rows
        .is_empty());
}

#[test]
fn each_row_of_an_amount_list_says_its_own_number() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("amounts.csv");
    std::fs::write(
        &path,
        "item_key,limits__building_value\nk1,\"$1,200,000\"\nk2,$3.5M\n",
    )
    .unwrap();
    let options = CheckOptions::default();
    let report = check_file(&path, &options);
    let finding = report
        .findings
        .iter()
        .find(|finding| finding.code == "amount_with_symbols")
        .unwrap();
    let page = problem_rows_page(&path, &options, finding, 0, 100);
    assert_eq!(page.total, 2);
    assert!(
        page.rows[0].what_to_do.contains("1200000"),
        "{:?}",
        page.rows[0]
    );
    assert!(
        page.rows[1].what_to_do.contains("3500000"),
        "{:?}",
        page.rows[1]
    );
}
