//! The runner in-process against the sandbox: what a run records, cancel, failure, Retry and
//! "download again".
#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::support::in_process::{finish, kinds, runner_for, setup, WAIT};
use sov_history::{HistoryStore, JobStatus, ResumePoint as Interrupted, TransitionKind};
use sov_jobs::{JobEvents, JobsError, ResumeAction};
use sov_update::JobProgress;
use sovfixer_sandbox::{Endpoint, Fault, ForcedFailure};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_records_every_step_in_order_and_forwards_progress() {
    let setup = setup(Duration::from_millis(600)).await;
    let first = setup.file("first.csv", 2);
    let second = setup.file("second.csv", 3);
    let phases: Arc<Mutex<Vec<String>>> = Arc::default();
    let seen = Arc::clone(&phases);
    let events: JobEvents = Arc::new(move |job_id: &str, progress: &JobProgress| {
        assert!(job_id.starts_with("j-"));
        seen.lock().unwrap().push(format!("{:?}", progress.phase));
    });
    let job = setup
        .runner
        .start(
            &setup.connection,
            setup.spec(vec![first.clone(), second], &["JSON", "CSV"]),
            Some(events),
        )
        .await
        .unwrap();
    let job_id = job.job_id.clone();
    let outcome = finish(job).await.unwrap();

    let detail = setup.job(&job_id);
    assert_eq!(detail.status, JobStatus::Finished);
    assert_eq!(
        detail.update_id.as_deref(),
        Some(outcome.update_id.as_str())
    );
    let story = kinds(&detail);
    let expected_start = [
        "created",
        "validating",
        "initiate_sent",
        "initiate_acknowledged",
        "upload_started",
        "upload_acknowledged",
        "upload_started",
        "upload_acknowledged",
        "start_sent",
        "start_acknowledged",
    ];
    assert_eq!(&story[..expected_start.len()], &expected_start, "{story:?}");
    assert!(story.contains(&"processing".to_owned()), "{story:?}");
    assert_eq!(
        story.iter().filter(|s| *s == "output_saved").count(),
        2,
        "{story:?}"
    );
    assert_eq!(story.last().map(String::as_str), Some("finished"));
    let (size, sha256) = sov_jobs::hash_file(&first).unwrap();
    assert_eq!(
        (
            detail.input_files[0].size,
            detail.input_files[0].sha256.as_str()
        ),
        (size, sha256.as_str())
    );
    assert_eq!(detail.outputs.len(), 2);
    for output in &detail.outputs {
        assert!(output.local_path.starts_with(setup.downloads()));
        assert_eq!(
            sov_jobs::hash_file(&output.local_path).unwrap().1,
            output.sha256
        );
    }
    assert_eq!(
        phases.lock().unwrap().last().map(String::as_str),
        Some("Done")
    );
    assert!(!setup.runner.is_running(&job_id));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_update_is_recorded_with_a_plain_message() {
    let setup = setup(Duration::from_millis(300)).await;
    setup.sandbox.control().set_fault(
        Endpoint::Start,
        Fault {
            force_failed: Some(ForcedFailure {
                status: "FAILED_TO_PROCESS".into(),
                message: "Geocoding failed.".into(),
            }),
            ..Fault::default()
        },
    );
    let file = setup.file("corrections.csv", 2);
    let job = setup
        .runner
        .start(&setup.connection, setup.spec(vec![file], &["JSON"]), None)
        .await
        .unwrap();
    let job_id = job.job_id.clone();
    assert!(finish(job).await.is_err());

    let detail = setup.job(&job_id);
    assert_eq!(detail.status, JobStatus::Failed);
    let error = detail.last_error.unwrap();
    assert_eq!(error.code, sov_error::Code::JobFailed);
    assert!(
        error.message.contains("Geocoding failed."),
        "{}",
        error.message
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_stops_the_job_and_records_it() {
    let setup = setup(Duration::from_secs(30)).await;
    let file = setup.file("corrections.csv", 2);
    let (sender, mut processing) = tokio::sync::mpsc::unbounded_channel();
    let events: JobEvents = Arc::new(move |_: &str, progress: &JobProgress| {
        if progress.processing.is_some() {
            let _ = sender.send(());
        }
    });
    let job = setup
        .runner
        .start(
            &setup.connection,
            setup.spec(vec![file], &["JSON"]),
            Some(events),
        )
        .await
        .unwrap();
    let job_id = job.job_id.clone();
    tokio::time::timeout(WAIT, processing.recv()).await.unwrap();
    assert!(setup.runner.cancel(&job_id));
    let failure = finish(job).await.unwrap_err();
    assert_eq!(failure.error.code(), sov_error::Code::Cancelled);
    assert_eq!(setup.job(&job_id).status, JobStatus::Cancelled);
    assert!(!setup.runner.cancel(&job_id), "nothing left to cancel");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redownload_fetches_only_the_missing_output_from_the_server() {
    let setup = setup(Duration::from_millis(300)).await;
    let file = setup.file("corrections.csv", 2);
    let job = setup
        .runner
        .start(
            &setup.connection,
            setup.spec(vec![file], &["JSON", "CSV"]),
            None,
        )
        .await
        .unwrap();
    let job_id = job.job_id.clone();
    finish(job).await.unwrap();
    let before = setup.job(&job_id);
    let gone = &before.outputs[0];
    let kept = &before.outputs[1];
    std::fs::remove_file(&gone.local_path).unwrap();
    setup.sandbox.control().clear_requests();

    finish(
        setup
            .runner
            .redownload(&setup.connection, &job_id, None)
            .await
            .unwrap(),
    )
    .await
    .unwrap();

    assert_eq!(
        sov_jobs::hash_file(&gone.local_path).unwrap().1,
        gone.sha256
    );
    assert!(kept.local_path.exists());
    assert_eq!(
        setup.sandbox.control().count_requests(Endpoint::Download),
        1
    );
    let files = std::fs::read_dir(setup.downloads()).unwrap().count();
    assert_eq!(files, 2, "no extra copies");
    assert_eq!(setup.job(&job_id).status, JobStatus::Finished);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redownload_refuses_jobs_without_outputs_on_the_server() {
    let setup = setup(Duration::from_millis(300)).await;
    let (running_id, _) = setup.interrupted_job(true, &[]).await;
    let error = setup
        .runner
        .redownload(&setup.connection, &running_id, None)
        .await
        .err()
        .unwrap();
    assert!(matches!(error, JobsError::NotFinished { .. }), "{error:?}");
    assert!(error.to_string().contains("Wait until it finishes"));

    let file = setup.file("bad.csv", 2);
    std::fs::write(&file, "").unwrap();
    let job = setup
        .runner
        .start(&setup.connection, setup.spec(vec![file], &["JSON"]), None)
        .await
        .unwrap();
    let failed_id = job.job_id.clone();
    assert!(finish(job).await.is_err(), "an empty file cannot be sent");
    let error = setup
        .runner
        .redownload(&setup.connection, &failed_id, None)
        .await
        .err()
        .unwrap();
    assert!(matches!(error, JobsError::NoUpdateId { .. }), "{error:?}");
    assert_eq!(error.code(), sov_error::Code::InvalidInput);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_job_is_retried_as_a_new_job() {
    let setup = setup(Duration::from_millis(300)).await;
    let (old_id, _) = setup
        .interrupted_job(false, &[TransitionKind::UploadStarted { file_index: 0 }])
        .await;
    let report = setup.resume().await;
    assert!(matches!(
        report.jobs[0].action,
        ResumeAction::MarkedInterrupted { .. }
    ));
    assert_eq!(
        report.jobs[0].interrupted,
        Interrupted::UploadInterrupted {
            file_index: 0,
            may_have_reached_server: true
        }
    );

    let retry = setup
        .runner
        .retry(&setup.connection, &old_id, None)
        .await
        .unwrap()
        .running;
    assert_ne!(retry.job_id, old_id);
    let new_id = retry.job_id.clone();
    finish(retry).await.unwrap();
    assert_eq!(setup.job(&new_id).status, JobStatus::Finished);
    assert_eq!(
        setup.job(&old_id).status,
        JobStatus::Failed,
        "the old job keeps its story"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_sends_the_picked_sheet_and_the_callback_url_again() {
    let setup = setup(Duration::from_millis(300)).await;
    // Two sheets: `Corrections` (first) and `Notes`.
    let workbook = setup.dir.path().join("corrections.xls");
    std::fs::copy(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../sov-preflight/tests/corpus/legacy_workbook.xls"),
        &workbook,
    )
    .unwrap();
    let callback = "http://127.0.0.1:9/sov-done";
    let mut spec = setup.spec(vec![workbook.clone()], &["JSON"]);
    spec.callback_url = Some(callback.to_owned());
    spec.sheets
        .insert(workbook.clone(), "Corrections".to_owned());
    setup.sandbox.control().set_fault(
        Endpoint::Start,
        Fault {
            force_failed: Some(ForcedFailure {
                status: "FAILED_TO_PROCESS".into(),
                message: "Geocoding failed.".into(),
            }),
            ..Fault::default()
        },
    );
    let job = setup
        .runner
        .start(&setup.connection, spec, None)
        .await
        .unwrap();
    let old_id = job.job_id.clone();
    assert!(finish(job).await.is_err());
    let old = setup.job(&old_id);
    assert_eq!(old.callback_url.as_deref(), Some(callback));
    assert_eq!(old.input_files[0].sheet.as_deref(), Some("Corrections"));

    setup.sandbox.control().clear_faults();
    let retry = setup
        .runner
        .retry(&setup.connection, &old_id, None)
        .await
        .unwrap()
        .running;
    let new_id = retry.job_id.clone();
    finish(retry).await.unwrap();

    let new = setup.job(&new_id);
    assert_eq!(new.status, JobStatus::Finished);
    assert_eq!(
        new.input_files[0].sheet.as_deref(),
        Some("Corrections"),
        "the retry ran with the recorded sheet"
    );
    let sent: Vec<_> = setup
        .sandbox
        .control()
        .jobs()
        .into_iter()
        .map(|job| job.callback_url)
        .collect();
    assert_eq!(
        sent,
        vec![Some(callback.to_owned()); 2],
        "both updates asked for the callback"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_history_still_runs_the_update_and_says_it_was_not_recorded() {
    let setup = setup(Duration::from_millis(300)).await;
    let folder = setup.dir.path().join("newer");
    {
        let (store, _) = HistoryStore::open(&folder).unwrap();
        drop(store);
        let conn = rusqlite::Connection::open(folder.join(sov_history::DB_FILE_NAME)).unwrap();
        conn.execute_batch("PRAGMA user_version = 99").unwrap();
    }
    let (store, report) = HistoryStore::open(&folder).unwrap();
    assert_eq!(report.newer_version, Some(99));
    let runner = runner_for(&Arc::new(store));
    let file = setup.file("corrections.csv", 2);
    let job = runner
        .start(&setup.connection, setup.spec(vec![file], &["JSON"]), None)
        .await
        .unwrap();
    let recorder = Arc::clone(&job.recorder);
    finish(job).await.unwrap();
    let warnings = recorder.warnings();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("newer version"), "{warnings:?}");
}
