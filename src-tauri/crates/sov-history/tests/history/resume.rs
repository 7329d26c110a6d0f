#![allow(clippy::unwrap_used)]

use crate::common::{job, open, output};
use sov_error::{AppError, Code};
use sov_history::{classify_resume, ResumePoint, Transition, TransitionKind};

fn log(kinds: Vec<TransitionKind>) -> Vec<Transition> {
    kinds
        .into_iter()
        .enumerate()
        .map(|(seq, kind)| Transition {
            seq: seq as i64,
            kind,
            detail: String::new(),
            at_ms: 1000 + seq as i64,
        })
        .collect()
}

fn acked() -> TransitionKind {
    TransitionKind::InitiateAcknowledged {
        update_id: "s-demo-sample-r001".into(),
    }
}

fn planned(names: &[&str]) -> TransitionKind {
    TransitionKind::DownloadsPlanned {
        filenames: names.iter().map(|n| (*n).to_owned()).collect(),
    }
}

use TransitionKind::*;

#[test]
fn nothing_sent_is_not_started() {
    assert_eq!(classify_resume(&log(vec![]), 2), ResumePoint::NotStarted);
    assert_eq!(
        classify_resume(&log(vec![Created, Validating]), 2),
        ResumePoint::NotStarted
    );
    assert!(!ResumePoint::NotStarted.outcome_unknown());
    assert!(ResumePoint::NotStarted
        .user_message()
        .contains("before the server received it"));
}

#[test]
fn initiate_sent_without_an_id_is_an_unknown_outcome_that_must_not_be_resent() {
    let point = classify_resume(&log(vec![Created, InitiateSent]), 2);
    assert_eq!(point, ResumePoint::InitiateOutcomeUnknown);
    assert!(point.outcome_unknown());
    assert!(
        point.user_message().contains("not known"),
        "{}",
        point.user_message()
    );
}

#[test]
fn an_upload_never_sent_is_safe_to_send() {
    let point = classify_resume(&log(vec![Created, InitiateSent, acked()]), 2);
    assert_eq!(
        point,
        ResumePoint::UploadInterrupted {
            file_index: 0,
            may_have_reached_server: false
        }
    );
    assert!(!point.outcome_unknown());

    let after_first = log(vec![
        Created,
        InitiateSent,
        acked(),
        UploadStarted { file_index: 0 },
        UploadAcknowledged { file_index: 0 },
    ]);
    let point = classify_resume(&after_first, 2);
    assert_eq!(
        point,
        ResumePoint::UploadInterrupted {
            file_index: 1,
            may_have_reached_server: false
        }
    );
    assert!(
        point
            .user_message()
            .contains("before the server received file 2"),
        "{}",
        point.user_message()
    );
}

#[test]
fn an_upload_cut_off_mid_way_may_have_reached_the_server() {
    let transitions = log(vec![
        Created,
        InitiateSent,
        acked(),
        UploadStarted { file_index: 0 },
        UploadAcknowledged { file_index: 0 },
        UploadStarted { file_index: 1 },
    ]);
    let point = classify_resume(&transitions, 3);
    assert_eq!(
        point,
        ResumePoint::UploadInterrupted {
            file_index: 1,
            may_have_reached_server: true
        }
    );
    assert!(point.outcome_unknown());
}

#[test]
fn a_re_sent_upload_that_was_acknowledged_counts_as_done() {
    let transitions = log(vec![
        Created,
        InitiateSent,
        acked(),
        UploadStarted { file_index: 0 },
        UploadStarted { file_index: 0 },
        UploadAcknowledged { file_index: 0 },
    ]);
    assert_eq!(classify_resume(&transitions, 1), ResumePoint::ReadyToStart);
}

#[test]
fn all_files_uploaded_and_start_never_sent_is_ready_to_start() {
    let transitions = log(vec![
        Created,
        InitiateSent,
        acked(),
        UploadStarted { file_index: 0 },
        UploadAcknowledged { file_index: 0 },
    ]);
    let point = classify_resume(&transitions, 1);
    assert_eq!(point, ResumePoint::ReadyToStart);
    assert!(!point.outcome_unknown());
}

#[test]
fn start_sent_without_an_ack_is_an_unknown_outcome_to_ask_the_server_about() {
    let transitions = log(vec![
        Created,
        InitiateSent,
        acked(),
        UploadStarted { file_index: 0 },
        UploadAcknowledged { file_index: 0 },
        StartSent,
    ]);
    let point = classify_resume(&transitions, 1);
    assert_eq!(point, ResumePoint::StartOutcomeUnknown);
    assert!(point.outcome_unknown());
}

#[test]
fn an_acknowledged_start_or_a_poll_means_keep_polling() {
    let base = vec![
        Created,
        InitiateSent,
        acked(),
        UploadStarted { file_index: 0 },
        UploadAcknowledged { file_index: 0 },
        StartSent,
    ];
    let mut acked_start = base.clone();
    acked_start.push(StartAcknowledged);
    assert_eq!(
        classify_resume(&log(acked_start), 1),
        ResumePoint::Processing
    );
    // A poll that answered proves the server has the job even if the ack was not written before the crash.
    let mut polled = base;
    polled.push(Processing);
    assert_eq!(classify_resume(&log(polled), 1), ResumePoint::Processing);
}

#[test]
fn downloading_lists_the_outputs_not_yet_saved() {
    let transitions = log(vec![
        StartAcknowledged,
        Processing,
        planned(&["a.json", "b.xlsx", "c.csv"]),
        DownloadStarted {
            filename: "a.json".into(),
        },
        OutputSaved {
            filename: "a.json".into(),
        },
        DownloadStarted {
            filename: "b.xlsx".into(),
        },
    ]);
    assert_eq!(
        classify_resume(&transitions, 1),
        ResumePoint::Downloading {
            remaining: vec!["b.xlsx".into(), "c.csv".into()]
        }
    );
    let done = log(vec![
        planned(&["a.json"]),
        OutputSaved {
            filename: "a.json".into(),
        },
    ]);
    assert_eq!(
        classify_resume(&done, 1),
        ResumePoint::Downloading { remaining: vec![] }
    );
}

#[test]
fn finished_is_finished() {
    let transitions = log(vec![
        planned(&["a.json"]),
        OutputSaved {
            filename: "a.json".into(),
        },
        Finished,
    ]);
    assert_eq!(classify_resume(&transitions, 1), ResumePoint::Finished);
}

#[test]
fn a_failed_job_classifies_by_the_progress_it_made_so_retry_picks_up_there() {
    let transitions = log(vec![
        Created,
        InitiateSent,
        acked(),
        UploadStarted { file_index: 0 },
        Failed,
    ]);
    assert_eq!(
        classify_resume(&transitions, 2),
        ResumePoint::UploadInterrupted {
            file_index: 0,
            may_have_reached_server: true
        }
    );
    let cancelled_before_start = log(vec![Created, Validating, Cancelled]);
    assert_eq!(
        classify_resume(&cancelled_before_start, 2),
        ResumePoint::NotStarted
    );
}

#[test]
fn a_stored_job_reports_where_it_was_interrupted() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = open(dir.path());
    store.create_job(&job("j-1", &["a.csv", "b.csv"])).unwrap();
    store.record_transition("j-1", InitiateSent, "").unwrap();
    store.set_update_id("j-1", "s-demo-sample-r001").unwrap();
    store
        .record_transition("j-1", UploadStarted { file_index: 0 }, "")
        .unwrap();
    store
        .record_transition("j-1", UploadAcknowledged { file_index: 0 }, "")
        .unwrap();
    drop(store);

    // As after a restart: reopen and ask what to do with the unfinished job.
    let (store, _) = open(dir.path());
    let unfinished = store.list_unfinished().unwrap();
    assert_eq!(unfinished.items.len(), 1);
    assert_eq!(
        unfinished.items[0].resume_point(),
        ResumePoint::UploadInterrupted {
            file_index: 1,
            may_have_reached_server: false
        }
    );

    store
        .record_transition("j-1", UploadStarted { file_index: 1 }, "")
        .unwrap();
    store
        .record_transition("j-1", UploadAcknowledged { file_index: 1 }, "")
        .unwrap();
    store.record_transition("j-1", StartSent, "").unwrap();
    store
        .record_transition("j-1", StartAcknowledged, "")
        .unwrap();
    store
        .record_transition("j-1", planned(&["a.json", "b.json"]), "")
        .unwrap();
    store.record_output("j-1", &output("a.json")).unwrap();
    assert_eq!(
        store.get_job("j-1").unwrap().resume_point(),
        ResumePoint::Downloading {
            remaining: vec!["b.json".into()]
        }
    );
    let error = AppError {
        code: Code::TimedOut,
        message: "m".into(),
        detail: "d".into(),
    };
    store.mark_failed("j-1", &error).unwrap();
    assert!(store.list_unfinished().unwrap().items.is_empty());
    assert_eq!(
        store.get_job("j-1").unwrap().resume_point(),
        ResumePoint::Downloading {
            remaining: vec!["b.json".into()]
        }
    );
}
