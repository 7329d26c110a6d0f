//! A runner with the change check: a finished job's outcome and its history entry say what changed, checked
//! against the sandbox's new revision; a value SOV Fixer ignored is counted as not applied.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Duration;

use crate::support::in_process::{finish, setup};
use sov_history::{HistoryStore, Page};

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
            .starts_with("Harbor Point Properties LLC change report "),
        "named after the SOV's insured: {report:?}"
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
