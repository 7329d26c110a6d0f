//! The window's mapping step without a window: a spreadsheet with a title row and friendly headers is checked,
//! its suggestions accepted, remembered for the next file with the same headers (and forgotten again), its
//! problem rows saved, and the job sent with the choices.
#![allow(clippy::unwrap_used)]

use super::support::{QuietHost, Recording};
use serde_json::json;
use sov_app::{AppState, FileChoices, MemoryStore, ProblemRows};
use sov_preflight::{ColumnStatus, FileReport};
use sov_update::engine::Phase;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub(crate) fn app(dir: &Path) -> Arc<AppState> {
    Arc::new(AppState::new(
        dir.join("config"),
        Box::new(MemoryStore::default()),
        None,
        Box::new(|_| None),
    ))
}

/// Title row, blank row, then `Sheet,Row,Building Name,Year Built,TIV,# Stories,Notes` on row 3.
pub(crate) fn friendly_file(dir: &Path) -> PathBuf {
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../samples/underwriter/friendly_headers.csv");
    let path = dir.join("Acme corrections.csv");
    std::fs::copy(source, &path).unwrap();
    path
}

/// What the window sends after "Accept the suggestions" and "Skip this column" for Notes.
pub(crate) fn accepted(report: &FileReport) -> BTreeMap<String, String> {
    report
        .columns
        .iter()
        .map(|column| {
            let attribute = match (column.status, &column.attribute) {
                (ColumnStatus::Suggested, Some(attribute)) => attribute.clone(),
                _ => "-".to_owned(),
            };
            (column.header.clone(), attribute)
        })
        .collect()
}

#[tokio::test]
async fn accepted_suggestions_unblock_the_file_and_a_remembered_mapping_applies_until_undone() {
    let dir = tempfile::tempdir().unwrap();
    let state = app(dir.path());
    let file = friendly_file(dir.path());
    let check = |choices: FileChoices| state.check_files_with_choices(vec![file.clone()], choices);

    let first = check(FileChoices::default()).await.unwrap().remove(0);
    assert!(first.blocking, "undecided columns block");
    assert_eq!(first.header_row, Some(3), "the title row is skipped");
    let mapping = accepted(&first);
    assert_eq!(mapping["Year Built"], "const__bldg_year_built");
    assert_eq!(mapping["Notes"], "-");

    let decided = FileChoices {
        mapping: mapping.clone(),
        ..FileChoices::default()
    };
    let mapped = check(decided).await.unwrap().remove(0);
    assert!(!mapped.blocking, "{:?}", mapped.findings);
    assert!(!mapped.remembered_mapping);

    state
        .remember_mapping(&first.preview.header, &mapping)
        .unwrap();
    let next_time = check(FileChoices::default()).await.unwrap().remove(0);
    assert!(!next_time.blocking, "{:?}", next_time.findings);
    assert!(next_time.remembered_mapping);
    assert!(next_time
        .notices
        .iter()
        .any(|notice| notice.contains("Undo it")));

    state.forget_mapping(&first.preview.header).unwrap();
    let undone = check(FileChoices::default()).await.unwrap().remove(0);
    assert!(
        undone.blocking,
        "after undo the columns are asked about again"
    );
    assert!(!undone.remembered_mapping);
}

#[tokio::test]
async fn another_header_row_is_read_and_a_choice_that_is_not_an_attribute_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let state = app(dir.path());
    let file = friendly_file(dir.path());
    let title_as_header = FileChoices {
        header_rows: [(file.clone(), 1)].into_iter().collect(),
        ..FileChoices::default()
    };
    let report = state
        .check_files_with_choices(vec![file.clone()], title_as_header)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(report.header_row, Some(1));
    assert!(!report.header_row_detected);

    let label_not_name = FileChoices {
        mapping: [("Year Built".to_owned(), "Year built".to_owned())]
            .into_iter()
            .collect(),
        ..FileChoices::default()
    };
    let error = state
        .check_files_with_choices(vec![file], label_not_name)
        .await
        .unwrap_err();
    assert_eq!(error.code, sov_app::Code::InvalidInput);
    assert!(error.message.contains("Year Built"), "{}", error.message);
}

#[tokio::test]
async fn save_the_list_writes_every_row_of_a_problem_and_says_when_the_problem_is_gone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("years.csv");
    let mut text = String::from("sheet_name,sheet_row_number,const__bldg_year_built\n");
    for row in 2..=31 {
        text.push_str(&format!("Sheet1,{row},3020\n"));
    }
    std::fs::write(&path, text).unwrap();
    let out = dir.path().join("years problems.csv");
    let problem = ProblemRows {
        path: path.clone(),
        code: "implausible_year".into(),
        column: Some("const__bldg_year_built".into()),
    };

    let written = sov_app::save_problem_rows(problem.clone(), FileChoices::default(), out.clone())
        .await
        .unwrap();
    assert_eq!(written, 30);
    let saved = std::fs::read_to_string(&out).unwrap();
    assert!(
        saved.starts_with("Row,Column,Value,Problem,What to do"),
        "{saved}"
    );
    assert_eq!(saved.lines().count(), 31);
    assert!(saved.contains("\n31,"), "the last row is listed: {saved}");

    std::fs::write(
        &path,
        "sheet_name,sheet_row_number,const__bldg_year_built\nSheet1,2,1969\n",
    )
    .unwrap();
    let elsewhere = dir.path().join("again.csv");
    let error = sov_app::save_problem_rows(problem, FileChoices::default(), elsewhere.clone())
        .await
        .unwrap_err();
    assert_eq!(error.code, sov_app::Code::InvalidInput);
    assert!(
        error.message.contains("no longer has this problem"),
        "{}",
        error.message
    );
    assert!(
        !elsewhere.exists(),
        "nothing is written for a problem that is gone"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_update_is_sent_with_the_choices_of_the_mapping_step() {
    let dir = tempfile::tempdir().unwrap();
    let state = app(dir.path());
    let demo = state.start_demo().await.unwrap();
    let file = friendly_file(dir.path());
    let report = state
        .check_files_with_choices(vec![file.clone()], FileChoices::default())
        .await
        .unwrap()
        .remove(0);
    let request = serde_json::from_value(json!({
        "sovId": demo.sov_id, "files": [file], "outputFormats": ["JSON"],
        "downloadDir": dir.path().join("out"),
        "headerRows": {file.display().to_string(): report.header_row},
        "mapping": accepted(&report),
    }))
    .unwrap();
    let progress = Recording::default();
    state
        .start_job(Arc::new(QuietHost), request, Box::new(progress.clone()))
        .await
        .unwrap();
    let end = progress.until_final().await;
    assert_eq!(end.phase, Phase::Done, "{end:?}");
    assert!(
        end.rows_not_applied.is_none(),
        "both rows found their building"
    );
    let output = std::fs::read_to_string(&end.outputs[0].path).unwrap();
    assert!(
        output.contains("Warehouse 4"),
        "the friendly columns arrived as attributes"
    );
}
