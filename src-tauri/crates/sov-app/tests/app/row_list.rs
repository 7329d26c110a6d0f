//! The window's row list of one kind of problem ("Show all N rows"), a page at a time, and what it
//! says when the file was changed or removed since it was checked.
#![allow(clippy::unwrap_used)]

use sov_app::{Code, FileChoices, ProblemRows};
use std::path::{Path, PathBuf};

/// 30 rows whose year built is in the future (rows 2 to 31).
fn years(dir: &Path) -> (PathBuf, ProblemRows) {
    let path = dir.join("years.csv");
    let mut text = String::from("sheet_name,sheet_row_number,const__bldg_year_built\n");
    for row in 2..=31 {
        text.push_str(&format!("Sheet1,{row},3020\n"));
    }
    std::fs::write(&path, text).unwrap();
    let problem = ProblemRows {
        path: path.clone(),
        code: "implausible_year".into(),
        column: Some("const__bldg_year_built".into()),
    };
    (path, problem)
}

#[tokio::test]
async fn the_row_list_pages_through_every_row_of_a_problem() {
    let dir = tempfile::tempdir().unwrap();
    let (_, problem) = years(dir.path());
    let first = sov_app::list_problem_rows(problem.clone(), FileChoices::default(), 0, 20)
        .await
        .unwrap();
    assert_eq!((first.offset, first.total, first.rows.len()), (0, 30, 20));
    assert_eq!(first.rows[0].row, Some(2));
    assert_eq!(first.rows[0].value.as_deref(), Some("3020"));
    let rest = sov_app::list_problem_rows(problem.clone(), FileChoices::default(), 20, 20)
        .await
        .unwrap();
    assert_eq!(rest.rows.len(), 10);
    assert_eq!(rest.rows[9].row, Some(31), "the last row is listed");

    // A window asking for more than a page at once gets a page.
    let big = sov_app::list_problem_rows(problem, FileChoices::default(), 0, u64::MAX)
        .await
        .unwrap();
    assert_eq!(big.rows.len(), 30);
}

#[tokio::test]
async fn a_file_edited_so_the_problem_is_gone_says_check_again() {
    let dir = tempfile::tempdir().unwrap();
    let (path, problem) = years(dir.path());
    std::fs::write(
        &path,
        "sheet_name,sheet_row_number,const__bldg_year_built\nSheet1,2,1969\n",
    )
    .unwrap();
    let error = sov_app::list_problem_rows(problem, FileChoices::default(), 0, 100)
        .await
        .unwrap_err();
    assert_eq!(error.code, Code::InvalidInput);
    assert_eq!(
        error.message,
        "years.csv no longer has this problem: it was changed since it was checked. Click “Check again” on its card to see its problems now."
    );
}

#[tokio::test]
async fn a_file_deleted_since_the_check_says_it_cannot_be_read() {
    let dir = tempfile::tempdir().unwrap();
    let (path, problem) = years(dir.path());
    std::fs::remove_file(&path).unwrap();
    let error = sov_app::list_problem_rows(problem, FileChoices::default(), 0, 100)
        .await
        .unwrap_err();
    assert_eq!(error.code, Code::InvalidInput);
    assert!(
        error.message.starts_with(
            "The rows cannot be listed: `years.csv` could not be read: it does not exist"
        ),
        "{}",
        error.message
    );
}
