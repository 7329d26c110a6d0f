#![allow(clippy::unwrap_used)]

use crate::common::{job, open, output, raw};
use sov_error::{AppError, Code};
use sov_history::{HistoryError, JobStatus, JobStep, Page, TransitionKind};

#[test]
fn a_new_job_comes_back_with_everything_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let (store, report) = open(dir.path());
    assert!(report.created);
    assert_eq!(report.user_message(), None);
    let new_job = job("j-1", &["corrections.xlsx", "more.csv"]);
    store.create_job(&new_job).unwrap();

    let detail = store.get_job("j-1").unwrap();
    assert_eq!(detail.sov_id, "s-demo-sample");
    assert_eq!(detail.update_id, None);
    assert_eq!(detail.environment_name, "demo");
    assert_eq!(detail.base_url, new_job.base_url);
    assert_eq!(detail.update_type.as_deref(), Some("API"));
    assert_eq!(detail.client_ref.as_deref(), Some("ref-7"));
    assert_eq!(
        detail.callback_url.as_deref(),
        Some("https://hooks.example.invalid/sov-done")
    );
    assert_eq!(
        detail.extra_data,
        serde_json::json!({"insured_name": "Acme Corp"})
    );
    assert_eq!(detail.output_formats, vec!["JSON", "AUDITOR"]);
    assert_eq!(detail.download_dir, new_job.download_dir);
    assert_eq!(detail.input_files, new_job.input_files);
    let sheets: Vec<_> = detail
        .input_files
        .iter()
        .map(|f| f.sheet.as_deref())
        .collect();
    assert_eq!(
        sheets,
        [Some("Corrections"), None],
        "the workbook's picked sheet is kept; the CSV has none"
    );
    assert_eq!(detail.status, JobStatus::Running);
    assert_eq!(detail.step, JobStep::Created);
    assert_eq!(detail.last_error, None);
    assert_eq!(detail.transitions.len(), 1);
    assert_eq!(detail.transitions[0].kind, TransitionKind::Created);
    assert!(detail.outputs.is_empty());
    assert!(detail.skipped.is_empty());
}

#[test]
fn transitions_move_status_and_step_and_keep_their_order() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = open(dir.path());
    store.create_job(&job("j-1", &["a.csv"])).unwrap();

    store
        .record_transition("j-1", TransitionKind::InitiateSent, "")
        .unwrap();
    assert_eq!(store.get_job("j-1").unwrap().step, JobStep::Initiating);
    store.set_update_id("j-1", "s-demo-sample-r001").unwrap();
    store
        .record_transition(
            "j-1",
            TransitionKind::UploadStarted { file_index: 0 },
            "a.csv",
        )
        .unwrap();
    store
        .record_transition(
            "j-1",
            TransitionKind::UploadAcknowledged { file_index: 0 },
            "",
        )
        .unwrap();
    store
        .record_transition("j-1", TransitionKind::StartSent, "")
        .unwrap();
    store
        .record_transition("j-1", TransitionKind::StartAcknowledged, "")
        .unwrap();
    store
        .record_transition(
            "j-1",
            TransitionKind::Processing,
            "30% Priming enrichment cache.",
        )
        .unwrap();

    let detail = store.get_job("j-1").unwrap();
    assert_eq!(detail.update_id.as_deref(), Some("s-demo-sample-r001"));
    assert_eq!(detail.status, JobStatus::Running);
    assert_eq!(detail.step, JobStep::Processing);
    let kinds: Vec<_> = detail.transitions.iter().map(|t| t.kind.clone()).collect();
    assert_eq!(
        kinds,
        vec![
            TransitionKind::Created,
            TransitionKind::InitiateSent,
            TransitionKind::InitiateAcknowledged {
                update_id: "s-demo-sample-r001".into()
            },
            TransitionKind::UploadStarted { file_index: 0 },
            TransitionKind::UploadAcknowledged { file_index: 0 },
            TransitionKind::StartSent,
            TransitionKind::StartAcknowledged,
            TransitionKind::Processing,
        ]
    );
    assert!(detail
        .transitions
        .windows(2)
        .all(|pair| pair[0].seq < pair[1].seq));
    assert!(detail
        .transitions
        .windows(2)
        .all(|pair| pair[0].at_ms <= pair[1].at_ms));
    assert_eq!(
        detail.transitions[7].detail,
        "30% Priming enrichment cache."
    );
}

#[test]
fn outputs_are_recorded_and_a_second_download_replaces_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = open(dir.path());
    store.create_job(&job("j-1", &["a.csv"])).unwrap();
    store.record_output("j-1", &output("Acme.json")).unwrap();
    let mut again = output("Acme.json");
    again.size = 999;
    store.record_output("j-1", &again).unwrap();
    store.record_output("j-1", &output("Acme.xlsx")).unwrap();
    store.mark_finished("j-1").unwrap();

    let detail = store.get_job("j-1").unwrap();
    assert_eq!(detail.outputs.len(), 2);
    let json = detail
        .outputs
        .iter()
        .find(|o| o.filename == "Acme.json")
        .unwrap();
    assert_eq!(json.size, 999);
    assert_eq!(json.local_path, again.local_path);
    assert_eq!(detail.status, JobStatus::Finished);
    assert_eq!(detail.step, JobStep::Done);
    let saved = detail
        .transitions
        .iter()
        .filter(|t| matches!(t.kind, TransitionKind::OutputSaved { .. }))
        .count();
    assert_eq!(saved, 3, "each save is in the job's log, even a repeat");
}

#[test]
fn a_failed_job_keeps_its_error_and_the_step_it_failed_in_and_a_retry_runs_again() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = open(dir.path());
    store.create_job(&job("j-1", &["a.csv"])).unwrap();
    store
        .record_transition("j-1", TransitionKind::UploadStarted { file_index: 0 }, "")
        .unwrap();
    let error = AppError {
        code: Code::NetworkUnreachable,
        message: "SOV Fixer could not be reached. Check your connection and retry.".into(),
        detail: "connection refused".into(),
    };
    store.mark_failed("j-1", &error).unwrap();

    let detail = store.get_job("j-1").unwrap();
    assert_eq!(detail.status, JobStatus::Failed);
    assert_eq!(detail.step, JobStep::Uploading);
    assert_eq!(detail.last_error.as_ref(), Some(&error));
    assert_eq!(detail.transitions.last().unwrap().detail, error.message);

    store
        .record_transition(
            "j-1",
            TransitionKind::UploadStarted { file_index: 0 },
            "retry",
        )
        .unwrap();
    assert_eq!(store.get_job("j-1").unwrap().status, JobStatus::Running);
}

#[test]
fn a_cancelled_job_is_no_longer_unfinished() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = open(dir.path());
    store.create_job(&job("j-1", &["a.csv"])).unwrap();
    store.create_job(&job("j-2", &["b.csv"])).unwrap();
    store
        .mark_cancelled("j-1", "Cancelled by the user")
        .unwrap();

    assert_eq!(store.get_job("j-1").unwrap().status, JobStatus::Cancelled);
    let unfinished = store.list_unfinished().unwrap();
    let ids: Vec<_> = unfinished.items.iter().map(|j| j.job_id.as_str()).collect();
    assert_eq!(ids, vec!["j-2"]);
}

#[test]
fn recent_jobs_are_listed_newest_first_in_pages_with_files_and_formats() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = open(dir.path());
    for number in 1..=5 {
        store
            .create_job(&job(&format!("j-{number}"), &["a.csv", "b.csv"]))
            .unwrap();
    }
    // Creation times can share a millisecond on a fast machine; spread them so "newest" is unambiguous.
    let conn = raw(dir.path());
    conn.execute(
        "UPDATE jobs SET created_at_ms = 1000 * CAST(substr(job_id, 3) AS INTEGER)",
        [],
    )
    .unwrap();

    let first = store.list_recent(Page::first(2)).unwrap();
    let ids: Vec<_> = first.items.iter().map(|j| j.job_id.clone()).collect();
    assert_eq!(ids, vec!["j-5", "j-4"]);
    assert_eq!(first.items[0].file_names, vec!["a.csv", "b.csv"]);
    assert_eq!(first.items[0].output_formats, vec!["JSON", "AUDITOR"]);
    assert_eq!(first.items[0].created_at_ms, 5000);

    let second = store.list_recent(Page::first(2).next()).unwrap();
    let ids: Vec<_> = second.items.iter().map(|j| j.job_id.clone()).collect();
    assert_eq!(ids, vec!["j-3", "j-2"]);
    let last = store.list_recent(Page::first(2).next().next()).unwrap();
    assert_eq!(last.items.len(), 1);
    assert!(store
        .list_recent(Page {
            offset: 10,
            limit: 2
        })
        .unwrap()
        .items
        .is_empty());
}

#[test]
fn deleting_old_jobs_removes_ended_ones_with_their_records_and_never_a_running_one() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = open(dir.path());
    for id in ["old-done", "old-failed", "old-running", "new-done"] {
        store.create_job(&job(id, &["a.csv"])).unwrap();
    }
    store.record_output("old-done", &output("x.json")).unwrap();
    store.mark_finished("old-done").unwrap();
    let error = AppError {
        code: Code::ServerError,
        message: "m".into(),
        detail: "d".into(),
    };
    store.mark_failed("old-failed", &error).unwrap();
    store.mark_finished("new-done").unwrap();
    let conn = raw(dir.path());
    conn.execute(
        "UPDATE jobs SET created_at_ms = 1000 WHERE job_id LIKE 'old-%'",
        [],
    )
    .unwrap();
    conn.execute(
        "UPDATE jobs SET created_at_ms = 9000 WHERE job_id = 'new-done'",
        [],
    )
    .unwrap();

    assert_eq!(store.delete_ended_before(5000).unwrap(), 2);

    let remaining: Vec<_> = store
        .list_recent(Page::first(10))
        .unwrap()
        .items
        .into_iter()
        .map(|j| j.job_id)
        .collect();
    assert_eq!(remaining, vec!["new-done", "old-running"]);
    let orphans: i64 = conn
        .query_row(
            "SELECT (SELECT COUNT(*) FROM transitions WHERE job_id LIKE 'old-d%' OR job_id = 'old-failed')
                  + (SELECT COUNT(*) FROM outputs WHERE job_id = 'old-done')
                  + (SELECT COUNT(*) FROM input_files WHERE job_id = 'old-done')",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(
        orphans, 0,
        "a deleted job leaves no files, transitions or outputs behind"
    );
}

#[test]
fn every_write_to_an_unknown_job_says_it_is_not_found_and_records_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = open(dir.path());
    let error = AppError {
        code: Code::Internal,
        message: "m".into(),
        detail: "d".into(),
    };
    let attempts = [
        store.set_update_id("ghost", "s-1-r001"),
        store.record_transition("ghost", TransitionKind::StartSent, ""),
        store.record_output("ghost", &output("x.json")),
        store.mark_finished("ghost"),
        store.mark_failed("ghost", &error),
        store.mark_cancelled("ghost", ""),
    ];
    for attempt in attempts {
        let err = attempt.unwrap_err();
        assert!(
            matches!(err, HistoryError::JobNotFound { ref job_id } if job_id == "ghost"),
            "{err:?}"
        );
        assert_eq!(err.code(), sov_error::Code::NotFound);
    }
    let err = store.get_job("ghost").unwrap_err();
    assert!(matches!(err, HistoryError::JobNotFound { .. }));
    assert!(err.to_string().contains("ghost"));
    let count: i64 = raw(dir.path())
        .query_row("SELECT COUNT(*) FROM transitions", [], |r| r.get(0))
        .unwrap();
    assert_eq!(count, 0);
}

#[test]
fn a_duplicate_job_id_is_refused_and_the_first_job_is_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = open(dir.path());
    store.create_job(&job("j-1", &["a.csv"])).unwrap();
    let mut other = job("j-1", &["b.csv", "c.csv"]);
    other.sov_id = "s-other".into();
    let err = store.create_job(&other).unwrap_err();
    assert!(matches!(err, HistoryError::DuplicateJob { .. }), "{err:?}");

    let detail = store.get_job("j-1").unwrap();
    assert_eq!(detail.sov_id, "s-demo-sample");
    assert_eq!(detail.input_files.len(), 1);
    assert_eq!(detail.transitions.len(), 1);
}

#[test]
fn transitions_cannot_be_rewritten() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = open(dir.path());
    store.create_job(&job("j-1", &["a.csv"])).unwrap();
    let changed = raw(dir.path()).execute("UPDATE transitions SET state = 'finished'", []);
    assert!(changed.is_err());
    assert_eq!(
        store.get_job("j-1").unwrap().transitions[0].kind,
        TransitionKind::Created
    );
}

#[test]
fn everything_survives_closing_and_reopening() {
    let dir = tempfile::tempdir().unwrap();
    {
        let (store, _) = open(dir.path());
        store.create_job(&job("j-1", &["a.csv"])).unwrap();
        store.set_update_id("j-1", "s-demo-sample-r001").unwrap();
        store.record_output("j-1", &output("Acme.json")).unwrap();
    }
    let (store, report) = open(dir.path());
    assert!(!report.created);
    assert_eq!(report.migrated_from, None);
    assert_eq!(report.recovered, None);
    let detail = store.get_job("j-1").unwrap();
    assert_eq!(detail.update_id.as_deref(), Some("s-demo-sample-r001"));
    assert_eq!(detail.outputs.len(), 1);
    let mode: String = raw(dir.path())
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn a_job_serialises_for_the_ui_with_snake_case_fields_and_named_states() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = open(dir.path());
    store.create_job(&job("j-1", &["a.csv"])).unwrap();
    store
        .record_transition(
            "j-1",
            TransitionKind::UploadStarted { file_index: 0 },
            "a.csv",
        )
        .unwrap();

    let value = serde_json::to_value(store.get_job("j-1").unwrap()).unwrap();

    assert_eq!(value["status"], "running");
    assert_eq!(value["step"], "uploading");
    assert_eq!(value["input_files"][0]["name"], "a.csv");
    assert_eq!(value["transitions"][0]["state"], "created");
    assert_eq!(value["transitions"][1]["state"], "upload_started");
    assert_eq!(value["transitions"][1]["file_index"], 0);
    assert_eq!(value["transitions"][1]["detail"], "a.csv");
}
