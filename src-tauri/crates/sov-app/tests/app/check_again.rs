//! A file edited outside the app after it was checked (in Excel, say) is noticed at Start and checked
//! again: a file that now has a blocking problem is refused before anything is made or sent, one that
//! is still fine is sent as it is now.
#![allow(clippy::unwrap_used)]

use super::mapping_step::{accepted, app, friendly_file};
use super::support::{QuietHost, Recording};
use serde_json::json;
use sov_app::{AppState, Code, FileChoices, JobRequest};
use sov_preflight::FileReport;
use sov_update::engine::Phase;
use std::path::Path;
use std::sync::Arc;

/// The request the window sends at Start, with the stamp of the check the user saw.
fn request(sov_id: &str, file: &Path, report: &FileReport, out: &Path) -> JobRequest {
    serde_json::from_value(json!({
        "sovId": sov_id, "files": [file], "outputFormats": ["JSON"], "downloadDir": out,
        "headerRows": {file.display().to_string(): report.header_row},
        "mapping": accepted(report),
        "checked": {file.display().to_string(): report.stamp},
    }))
    .unwrap()
}

async fn checked(state: &AppState, file: &Path) -> FileReport {
    state
        .check_files_with_choices(vec![file.to_path_buf()], FileChoices::default())
        .await
        .unwrap()
        .remove(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_edited_into_a_blocking_one_after_the_check_is_refused_at_start() {
    // The user deletes the Row column in Excel and saves: no row says which building it updates.
    let error = start_after(|file| {
        std::fs::write(
            file,
            "Acme Property corrections 2026,,,,,\n,,,,,\nSheet,Building Name,Year Built,TIV,# Stories,Notes\nSheet1,Normal House,1969,1200000,2,call owner\n",
        )
        .unwrap();
    })
    .await;
    assert_eq!(error.code, Code::PreflightBlocked);
    assert!(
        error
            .message
            .starts_with("Acme corrections.csv was changed after it was checked"),
        "{}",
        error.message
    );
    assert!(error.message.contains("Check again"), "{}", error.message);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_edited_after_the_check_but_still_fine_is_sent_as_it_is_now() {
    let dir = tempfile::tempdir().unwrap();
    let state = app(dir.path());
    let demo = state.start_demo().await.unwrap();
    let file = friendly_file(dir.path());
    let report = checked(&state, &file).await;

    // The user renames a building in Excel and saves.
    let edited = std::fs::read_to_string(&file)
        .unwrap()
        .replace("Warehouse 4", "Warehouse Forty-Two");
    std::fs::write(&file, edited).unwrap();
    let progress = Recording::default();
    state
        .start_job(
            Arc::new(QuietHost),
            request(&demo.sov_id, &file, &report, &dir.path().join("out")),
            Box::new(progress.clone()),
        )
        .await
        .unwrap();
    let end = progress.until_final().await;
    assert_eq!(end.phase, Phase::Done, "{end:?}");
    let output = std::fs::read_to_string(&end.outputs[0].path).unwrap();
    assert!(
        output.contains("Warehouse Forty-Two"),
        "the edited file, as it is now, was sent"
    );
}

/// Start with the file edited as `edit` does after its check: the error, and that nothing was made.
async fn start_after(edit: impl FnOnce(&Path)) -> sov_app::AppError {
    let dir = tempfile::tempdir().unwrap();
    let state = app(dir.path());
    let demo = state.start_demo().await.unwrap();
    let file = friendly_file(dir.path());
    let report = checked(&state, &file).await;
    assert!(report.stamp.is_some(), "the check records what it read");
    edit(&file);
    let out = dir.path().join("out");
    let error = state
        .start_job(
            Arc::new(QuietHost),
            request(&demo.sov_id, &file, &report, &out),
            Box::new(Recording::default()),
        )
        .await
        .unwrap_err();
    assert!(!out.exists(), "nothing was made, so nothing was sent");
    error
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_deleted_after_the_check_is_named_at_start_with_what_to_do() {
    let error = start_after(|file| std::fs::remove_file(file).unwrap()).await;
    assert_eq!(error.code, Code::PreflightBlocked);
    assert!(
        error.message.starts_with(
            "Acme corrections.csv is no longer where it was when it was checked: `Acme corrections.csv` could not be read: it does not exist"
        ),
        "{}",
        error.message
    );
    assert!(
        error
            .message
            .ends_with("Nothing was sent. Put it back, or remove it in step 3 and add it again."),
        "{}",
        error.message
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_that_cannot_be_read_any_more_is_refused_at_start() {
    // Replaced by a folder of the same name (as a sync tool may leave it): there, but not readable.
    let error = start_after(|file| {
        std::fs::remove_file(file).unwrap();
        std::fs::create_dir(file).unwrap();
    })
    .await;
    assert_eq!(error.code, Code::PreflightBlocked);
    assert!(
        error.message.starts_with(
            "Acme corrections.csv was changed after it was checked, and now it has a problem: `Acme corrections.csv` could not be read"
        ),
        "{}",
        error.message
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unchanged_file_is_not_checked_again_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let state = app(dir.path());
    let demo = state.start_demo().await.unwrap();
    let file = friendly_file(dir.path());
    let report = checked(&state, &file).await;
    // The stamp the window holds says the file is as checked; a stale one from another check would
    // make Start read it again, which is harmless but slow for a big file.
    assert_eq!(report.stamp, sov_preflight::FileStamp::of(&file));
    let started = state
        .start_job(
            Arc::new(QuietHost),
            request(&demo.sov_id, &file, &report, &dir.path().join("out")),
            Box::new(Recording::default()),
        )
        .await;
    assert!(started.is_ok(), "{:?}", started.err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_window_learns_which_files_changed_or_went_away_since_their_check() {
    let dir = tempfile::tempdir().unwrap();
    let file = friendly_file(dir.path());
    let other = dir.path().join("other.csv");
    std::fs::write(&other, "sheet_name,sheet_row_number\nSheet1,2\n").unwrap();
    let checked: std::collections::BTreeMap<_, _> = [file.clone(), other.clone()]
        .into_iter()
        .map(|path| (path.clone(), sov_preflight::FileStamp::of(&path).unwrap()))
        .collect();
    assert!(sov_app::changed_since_checked(&checked).is_empty());

    std::fs::write(&file, "sheet_name,sheet_row_number\nSheet1,2\nSheet1,3\n").unwrap();
    assert_eq!(
        sov_app::changed_since_checked(&checked),
        std::slice::from_ref(&file)
    );
    std::fs::remove_file(&other).unwrap();
    assert_eq!(sov_app::changed_since_checked(&checked), [file, other]);
}
