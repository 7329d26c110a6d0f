//! The recorder on hand-made snapshot sequences: what is written, in which order, and what is not.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;
use std::sync::Arc;

use sov_history::{HistoryStore, JobStatus, NewJob, TransitionKind};
use sov_jobs::JobRecorder;
use sov_update::engine::{DownloadProgress, ProcessingProgress, UploadProgress};
use sov_update::{ErrorKind, JobError, JobProgress, Phase, SavedOutput, Step, UpdateError};

fn store() -> (tempfile::TempDir, Arc<HistoryStore>) {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = HistoryStore::open(dir.path()).unwrap();
    store
        .create_job(&NewJob {
            job_id: "j-1".into(),
            sov_id: "s-1".into(),
            environment_name: "demo".into(),
            base_url: String::new(),
            update_type: None,
            client_ref: None,
            callback_url: None,
            extra_data: serde_json::json!({}),
            output_formats: vec![],
            download_dir: PathBuf::from("out"),
            column_mapping: Default::default(),
            input_files: vec![],
        })
        .unwrap();
    (dir, Arc::new(store))
}

fn snapshot(phase: Phase) -> JobProgress {
    JobProgress {
        phase,
        sov_id: Some("s-1".into()),
        update_id: None,
        elapsed_ms: 0,
        upload: None,
        processing: None,
        stalled: false,
        download: None,
        listed_outputs: None,
        outputs: vec![],
        rows_not_applied: None,
        error: None,
    }
}

fn uploading(index: usize, sent: u64) -> JobProgress {
    let mut p = snapshot(Phase::Uploading);
    p.update_id = Some("s-1-r001".into());
    p.upload = Some(UploadProgress {
        file_index: index,
        file_count: 2,
        file_name: format!("f{index}.csv"),
        file_bytes_sent: sent,
        file_bytes_total: 100,
        bytes_sent: sent,
        bytes_total: 200,
    });
    p
}

fn processing(status: &str, pct: f64, health: &str) -> JobProgress {
    let mut p = snapshot(Phase::Processing);
    p.processing = Some(ProcessingProgress {
        status: status.into(),
        pct_complete: Some(pct),
        health: Some(health.into()),
    });
    p
}

fn states(store: &HistoryStore) -> Vec<TransitionKind> {
    store
        .get_job("j-1")
        .unwrap()
        .transitions
        .into_iter()
        .map(|t| t.kind)
        .collect()
}

#[test]
fn uploads_are_acknowledged_only_when_the_engine_moved_past_them() {
    let (_dir, store) = store();
    let recorder = JobRecorder::new(Arc::clone(&store), "j-1");
    recorder.observe(&snapshot(Phase::Initiating));
    recorder.observe(&uploading(1, 0));
    for sent in [10, 50, 100, 100] {
        recorder.observe(&uploading(1, sent));
    }
    assert_eq!(
        states(&store).last(),
        Some(&TransitionKind::UploadStarted { file_index: 0 }),
        "all bytes sent is not an acknowledgement"
    );
    recorder.observe(&uploading(2, 0));
    // A late byte tick of the first file must not take the job back.
    recorder.observe(&uploading(1, 100));
    recorder.observe(&snapshot(Phase::Starting));
    let mut queued = snapshot(Phase::Queued);
    queued.update_id = Some("s-1-r001".into());
    recorder.observe(&queued);

    assert_eq!(
        states(&store),
        vec![
            TransitionKind::Created,
            TransitionKind::InitiateSent,
            TransitionKind::InitiateAcknowledged {
                update_id: "s-1-r001".into()
            },
            TransitionKind::UploadStarted { file_index: 0 },
            TransitionKind::UploadAcknowledged { file_index: 0 },
            TransitionKind::UploadStarted { file_index: 1 },
            TransitionKind::UploadAcknowledged { file_index: 1 },
            TransitionKind::StartSent,
            TransitionKind::StartAcknowledged,
        ]
    );
    assert!(recorder.warnings().is_empty());
}

#[test]
fn polls_are_recorded_only_when_the_status_text_changes() {
    let (_dir, store) = store();
    let recorder = JobRecorder::new(Arc::clone(&store), "j-1");
    recorder.observe(&processing("IN_PROGRESS", 10.0, "Geocoding"));
    recorder.observe(&processing("IN_PROGRESS", 10.0, "Geocoding"));
    recorder.observe(&processing("IN_PROGRESS", 20.0, "Geocoding"));
    recorder.observe(&processing("IN_PROGRESS", 30.0, "Enriching"));
    let details: Vec<String> = store
        .get_job("j-1")
        .unwrap()
        .transitions
        .into_iter()
        .filter(|t| t.kind == TransitionKind::Processing)
        .map(|t| t.detail)
        .collect();
    assert_eq!(
        details,
        vec!["IN_PROGRESS 10%: Geocoding", "IN_PROGRESS 30%: Enriching"]
    );
}

#[test]
fn outputs_are_recorded_under_the_server_name_with_their_local_file() {
    let (_dir, store) = store();
    let recorder = JobRecorder::new(Arc::clone(&store), "j-1");
    let mut p = snapshot(Phase::Downloading);
    p.download = Some(DownloadProgress {
        output_index: 1,
        output_count: 1,
        filename: "Acme/Corp.json".into(),
        bytes_received: 0,
        bytes_total: None,
    });
    recorder.observe(&p);
    p.outputs.push(SavedOutput {
        filename: "Acme_Corp.json".into(),
        description: Some("JSON".into()),
        path: PathBuf::from("out/Acme_Corp.json"),
        size: 12,
        sha256: "ab".repeat(32),
        url: "http://x/o".into(),
    });
    recorder.observe(&p);
    p.phase = Phase::Done;
    recorder.observe(&p);
    recorder.observe(&p);

    let detail = store.get_job("j-1").unwrap();
    assert_eq!(detail.status, JobStatus::Finished);
    assert_eq!(detail.outputs.len(), 1);
    assert_eq!(detail.outputs[0].filename, "Acme/Corp.json");
    assert_eq!(
        detail.outputs[0].local_path,
        PathBuf::from("out/Acme_Corp.json")
    );
    let finished = detail
        .transitions
        .iter()
        .filter(|t| t.kind == TransitionKind::Finished)
        .count();
    assert_eq!(finished, 1, "the end is recorded once");
}

fn listed(names: &[&str]) -> Option<Vec<String>> {
    Some(names.iter().map(|n| n.to_string()).collect())
}

#[test]
fn every_listed_output_is_planned_once_before_the_first_download() {
    let (_dir, store) = store();
    let recorder = JobRecorder::new(Arc::clone(&store), "j-1");
    let mut p = processing("COMPLETE", 100.0, "Done");
    recorder.observe(&p);
    p.listed_outputs = listed(&["a.json", "b.csv"]);
    recorder.observe(&p);
    p.phase = Phase::Downloading;
    p.download = Some(DownloadProgress {
        output_index: 1,
        output_count: 2,
        filename: "a.json".into(),
        bytes_received: 0,
        bytes_total: None,
    });
    recorder.observe(&p);
    recorder.observe(&p);

    let kinds = states(&store);
    assert_eq!(
        kinds[kinds.len() - 2..],
        [
            TransitionKind::DownloadsPlanned {
                filenames: vec!["a.json".into(), "b.csv".into()]
            },
            TransitionKind::DownloadStarted {
                filename: "a.json".into()
            },
        ]
    );
    let plans = kinds
        .iter()
        .filter(|k| matches!(k, TransitionKind::DownloadsPlanned { .. }))
        .count();
    assert_eq!(plans, 1);
}

#[test]
fn a_resumed_download_writes_no_second_plan_or_processing_line() {
    let (_dir, store) = store();
    let filenames = vec!["a.json".to_string(), "b.csv".to_string()];
    store
        .record_transition("j-1", TransitionKind::DownloadsPlanned { filenames }, "")
        .unwrap();
    let before = states(&store);
    let recorder = JobRecorder::resuming(Arc::clone(&store), &store.get_job("j-1").unwrap());
    let mut p = processing("COMPLETE", 100.0, "Done");
    recorder.observe(&p);
    p.listed_outputs = listed(&["a.json", "b.csv"]);
    recorder.observe(&p);
    assert_eq!(states(&store), before);
}

#[test]
fn a_failure_keeps_the_code_message_and_detail() {
    let (_dir, store) = store();
    let recorder = JobRecorder::new(Arc::clone(&store), "j-1");
    let mut p = snapshot(Phase::Failed);
    p.error = Some(JobError {
        step: Step::Upload,
        error: UpdateError::new(ErrorKind::NetworkUnreachable, "connection refused"),
        update_id: None,
    });
    recorder.observe(&p);
    let error = store.get_job("j-1").unwrap().last_error.unwrap();
    assert_eq!(error.code, sov_error::Code::NetworkUnreachable);
    assert!(error.message.contains("could not reach SOV Fixer"));
    assert_eq!(error.detail, "connection refused");
}

#[test]
fn a_write_that_fails_is_reported_not_fatal() {
    let (_dir, store) = store();
    let recorder = JobRecorder::new(Arc::clone(&store), "no-such-job");
    recorder.observe(&snapshot(Phase::Initiating));
    let warnings = recorder.warnings();
    assert_eq!(warnings.len(), 1);
    assert!(warnings[0].contains("no-such-job"), "{warnings:?}");
}
