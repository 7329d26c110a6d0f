//! A runner with the change check: a finished job's outcome and its history entry say what changed, checked
//! against the sandbox's new revision; a value SOV Fixer ignored is counted as not applied. A job resumed after a
//! restart, retried under its id or downloaded again ends the same way, downloading no revision twice.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::support::in_process::{finish, runner_for, setup, Setup};
use sov_history::{HistoryStore, Page};
use sovfixer_sandbox::{Endpoint, Fault};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_finished_job_carries_and_records_what_changed_with_the_report_beside_the_outputs() {
    let mut setup = setup(Duration::from_millis(300)).await;
    setup.runner = crate::support::in_process::runner_for(&setup.store)
        .with_change_check(setup.dir.path().join("cache"));
    let file = setup.file("rename.csv", 2);

    let job = setup
        .runner
        .start(&setup.connection, setup.spec(vec![file], &["JSON"]), None)
        .await
        .unwrap();
    let job_id = job.job_id.clone();
    let outcome = finish(job).await.unwrap();

    let changes = outcome
        .changes
        .clone()
        .expect("the outcome carries the counts");
    assert_eq!((changes.from_revision, changes.to_revision), (0, 1));
    assert_eq!((changes.confirmed, changes.not_applied), (1, 0));
    assert_eq!(changes.untouched_buildings, 1);
    let report = changes.report.clone().unwrap();
    assert_eq!(report.parent().unwrap(), setup.downloads());
    assert!(report.exists());
    assert!(
        report
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("Acme Corp change report "),
        "named after the insured the update named, as its outputs are: {report:?}"
    );

    let recorded = setup.job(&job_id).changes.expect("the history keeps them");
    assert_eq!(recorded.confirmed, 1);
    assert_eq!(recorded.report_path.as_ref(), Some(&report));
    assert_eq!(recorded.summary, changes.summary);
    // A months-old entry still says what it changed after its report was moved away.
    std::fs::remove_file(&report).unwrap();
    let reopened = Arc::new(
        HistoryStore::open(&setup.dir.path().join("history"))
            .unwrap()
            .0,
    );
    let recent = reopened.list_recent(Page::first(5)).unwrap().items;
    assert_eq!(recent[0].changes.as_ref().map(|c| c.confirmed), Some(1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_value_the_server_ignored_is_recorded_as_not_applied() {
    let mut setup = setup(Duration::from_millis(300)).await;
    setup.runner = crate::support::in_process::runner_for(&setup.store)
        .with_change_check(setup.dir.path().join("cache"));
    setup
        .sandbox
        .control()
        .set_ignored_attribute(Some("bldg_name".into()));
    let file = setup.file("rename.csv", 3);

    let job = setup
        .runner
        .start(&setup.connection, setup.spec(vec![file], &["CSV"]), None)
        .await
        .unwrap();
    let job_id = job.job_id.clone();
    let outcome = finish(job).await.unwrap();

    let changes = outcome.changes.unwrap();
    assert_eq!((changes.confirmed, changes.not_applied), (0, 1));
    assert!(
        changes.summary.contains("1 not applied"),
        "{}",
        changes.summary
    );
    assert_eq!(setup.job(&job_id).changes.unwrap().not_applied, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_change_check_a_job_saves_no_report() {
    let setup = setup(Duration::from_millis(300)).await;
    let file = setup.file("rename.csv", 2);
    let job = setup
        .runner
        .start(&setup.connection, setup.spec(vec![file], &["JSON"]), None)
        .await
        .unwrap();
    let job_id = job.job_id.clone();
    let outcome = finish(job).await.unwrap();
    assert_eq!(outcome.changes, None);
    assert_eq!(setup.job(&job_id).changes, None);
    assert_eq!(std::fs::read_dir(setup.downloads()).unwrap().count(), 1);
}

/// A runner with the change check, revisions cached in the test's folder.
fn checking(setup: &mut Setup) {
    setup.runner = runner_for(&setup.store).with_change_check(setup.dir.path().join("cache"));
}

fn reports_in(folder: &Path) -> Vec<String> {
    sov_test_support::list_dir(folder)
        .into_iter()
        .filter(|name| name.contains("change report"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_resumed_after_a_restart_ends_with_its_changes_reading_its_own_json_output() {
    let mut setup = setup(Duration::from_millis(300)).await;
    checking(&mut setup);
    let (job_id, _) = setup.interrupted_after_start_sent().await;

    let report = setup.resume().await;
    let running = report
        .jobs
        .into_iter()
        .next()
        .and_then(|job| job.running)
        .expect("the job goes on");
    let outcome = finish(running).await.unwrap();

    let changes = outcome.changes.expect("a resumed job is checked too");
    assert_eq!((changes.from_revision, changes.to_revision), (0, 1));
    assert_eq!((changes.confirmed, changes.not_applied), (1, 0));
    let report = changes.report.unwrap();
    assert_eq!(report.parent().unwrap(), setup.downloads());
    assert_eq!(
        setup.job(&job_id).changes.unwrap().report_path,
        Some(report)
    );
    let control = setup.sandbox.control();
    assert_eq!(
        control.count_requests(Endpoint::Download),
        2,
        "the JSON output, then revision 0 once: the new revision is read from the output"
    );
    assert_eq!(control.count_requests(Endpoint::GetOrCreateOutput), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_that_collects_a_failed_download_ends_with_the_changes() {
    let mut setup = setup(Duration::from_millis(300)).await;
    checking(&mut setup);
    let control = setup.sandbox.control();
    control.set_fault(
        Endpoint::Download,
        Fault {
            error_status: Some(500),
            error_count: 1_000,
            ..Fault::default()
        },
    );
    let file = setup.file("rename.csv", 2);
    let job = setup
        .runner
        .start(&setup.connection, setup.spec(vec![file], &["JSON"]), None)
        .await
        .unwrap();
    let job_id = job.job_id.clone();
    assert!(finish(job).await.is_err(), "the download failed");
    assert_eq!(setup.job(&job_id).changes, None);
    control.clear_faults();
    let failed_downloads = control.count_requests(Endpoint::Download);

    let retried = setup
        .runner
        .retry(&setup.connection, &job_id, None)
        .await
        .unwrap();
    assert!(retried.continued.is_some(), "went on under its own id");
    let outcome = finish(retried.running).await.unwrap();

    let changes = outcome.changes.expect("a retried job is checked too");
    assert_eq!((changes.confirmed, changes.not_applied), (1, 0));
    assert!(changes.report.unwrap().is_file());
    assert_eq!(setup.job(&job_id).changes.unwrap().confirmed, 1);
    assert_eq!(
        control.count_requests(Endpoint::Download),
        failed_downloads + 2,
        "the JSON output and revision 0, each once"
    );
    assert_eq!(
        setup.sandbox.control().jobs().len(),
        1,
        "nothing sent twice"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn download_again_ends_with_the_same_changes_and_keeps_or_remakes_the_one_report() {
    let mut setup = setup(Duration::from_millis(300)).await;
    checking(&mut setup);
    let file = setup.file("rename.csv", 2);
    let job = setup
        .runner
        .start(&setup.connection, setup.spec(vec![file], &["JSON"]), None)
        .await
        .unwrap();
    let job_id = job.job_id.clone();
    let first = finish(job).await.unwrap().changes.unwrap();
    let report = first.report.clone().unwrap();
    let control = setup.sandbox.control();
    let downloads = control.count_requests(Endpoint::Download);

    // The JSON output deleted: fetched again, the report still in place is kept, no revision downloaded.
    std::fs::remove_file(saved_output(&setup, &job_id)).unwrap();
    let again = setup
        .runner
        .redownload(&setup.connection, &job_id, None)
        .await
        .unwrap();
    let changes = finish(again).await.unwrap().changes.unwrap();
    assert_eq!(changes.summary, first.summary);
    assert_eq!(changes.not_applied_changes, first.not_applied_changes);
    assert_eq!(changes.report.as_ref(), Some(&report));
    assert_eq!(reports_in(&setup.downloads()).len(), 1);
    assert_eq!(control.count_requests(Endpoint::Download), downloads + 1);

    // The report moved away: made again beside the outputs, and recorded; still no revision downloaded.
    std::fs::remove_file(&report).unwrap();
    std::fs::remove_file(saved_output(&setup, &job_id)).unwrap();
    let again = setup
        .runner
        .redownload(&setup.connection, &job_id, None)
        .await
        .unwrap();
    let changes = finish(again).await.unwrap().changes.unwrap();
    assert_eq!(changes.summary, first.summary);
    let remade = changes.report.unwrap();
    assert!(remade.is_file());
    assert_eq!(reports_in(&setup.downloads()).len(), 1);
    assert_eq!(
        setup.job(&job_id).changes.unwrap().report_path,
        Some(remade)
    );
    assert_eq!(control.count_requests(Endpoint::Download), downloads + 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn download_again_after_the_corrections_file_changed_keeps_what_was_recorded() {
    let mut setup = setup(Duration::from_millis(300)).await;
    checking(&mut setup);
    let file = setup.file("rename.csv", 2);
    let job = setup
        .runner
        .start(
            &setup.connection,
            setup.spec(vec![file.clone()], &["JSON"]),
            None,
        )
        .await
        .unwrap();
    let job_id = job.job_id.clone();
    let first = finish(job).await.unwrap().changes.unwrap();
    // Edited since: its rows are no longer what was sent, so they are not read as the requests.
    std::fs::write(
        &file,
        "sheet_name,sheet_row_number,bldg_name\nSheet1,3,Other\n",
    )
    .unwrap();
    std::fs::remove_file(saved_output(&setup, &job_id)).unwrap();

    let again = setup
        .runner
        .redownload(&setup.connection, &job_id, None)
        .await
        .unwrap();
    let changes = finish(again).await.unwrap().changes.unwrap();
    assert_eq!(changes.summary, first.summary);
    assert_eq!((changes.confirmed, changes.not_applied), (1, 0));
    assert_eq!(changes.report, first.report);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn friendly_headers_are_checked_under_the_attribute_names_they_were_sent_as() {
    let mut setup = setup(Duration::from_millis(300)).await;
    checking(&mut setup);
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../samples/underwriter/friendly_headers.csv");
    let file = setup.dir.path().join("friendly_headers.csv");
    std::fs::copy(source, &file).unwrap();
    let mut spec = setup.spec(vec![file.clone()], &["JSON"]);
    let report = sov_preflight::check_file(&file, &sov_preflight::CheckOptions::default());
    spec.mapping = sov_preflight::ColumnMapping::accepting_suggestions(&report);
    spec.mapping.dont_send("Notes");
    spec.header_rows.insert(file, 3);

    let job = setup
        .runner
        .start(&setup.connection, spec, None)
        .await
        .unwrap();
    let changes = finish(job).await.unwrap().changes.unwrap();
    assert!(changes.confirmed > 0, "{changes:?}");
    assert_eq!(changes.not_applied, 0, "{:?}", changes.not_applied_changes);
}

/// The path of the job's one saved JSON output.
fn saved_output(setup: &Setup, job_id: &str) -> PathBuf {
    setup
        .job(job_id)
        .outputs
        .into_iter()
        .map(|output| output.local_path)
        .find(|path| path.is_file())
        .unwrap()
}
