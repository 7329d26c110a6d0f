//! Resume decisions that need the server's word: start once, confirm a start, defer when the
//! server cannot be asked, leave another environment's jobs alone.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use crate::support::in_process::{client_for, finish, setup, WAIT};
use sov_history::{JobStatus, ResumePoint as Interrupted, TransitionKind};
use sov_jobs::{Connection, JobsError, ResumeAction, Target};
use sov_update::{Environment, StartRequest};
use sovfixer_sandbox::{Endpoint, Fault};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploaded_but_never_started_is_started_once_after_asking_the_server() {
    let setup = setup(Duration::from_millis(300)).await;
    let (job_id, update_id) = setup.interrupted_after_start_sent().await;
    let report = setup.resume().await;
    let resumed = report.jobs.into_iter().next().unwrap();
    assert_eq!(resumed.interrupted, Interrupted::StartOutcomeUnknown);
    assert_eq!(resumed.action, ResumeAction::Started);
    let again = setup.resume().await;
    assert!(
        again.jobs.is_empty(),
        "a job already running is not resumed twice"
    );
    finish(resumed.running.unwrap()).await.unwrap();

    let control = setup.sandbox.control();
    assert_eq!(control.count_requests(Endpoint::Start), 1);
    let server_job = control
        .jobs()
        .into_iter()
        .find(|j| j.id == update_id)
        .unwrap();
    assert_eq!(server_job.output_formats, vec!["JSON".to_owned()]);
    assert_eq!(server_job.extra_data["insured_name"], "Acme Corp");
    assert_eq!(setup.job(&job_id).status, JobStatus::Finished);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_start_that_went_through_is_confirmed_not_repeated() {
    let setup = setup(Duration::from_millis(300)).await;
    let (job_id, update_id) = setup.interrupted_after_start_sent().await;
    // The start reached the server; only its answer was lost. Wait until it has left PENDING.
    client_for(&setup.sandbox.api_url())
        .start(&update_id, &StartRequest::default())
        .await
        .unwrap();
    let control = setup.sandbox.control();
    let left_pending = async {
        while control
            .jobs()
            .iter()
            .any(|j| j.id == update_id && j.status == "PENDING")
        {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(WAIT, left_pending).await.unwrap();
    let report = setup.resume().await;
    let resumed = report.jobs.into_iter().next().unwrap();
    assert_eq!(resumed.action, ResumeAction::StartConfirmed);
    finish(resumed.running.unwrap()).await.unwrap();
    assert_eq!(setup.sandbox.control().count_requests(Endpoint::Start), 1);
    let detail = setup.job(&job_id);
    assert_eq!(detail.status, JobStatus::Finished);
    assert!(detail
        .transitions
        .iter()
        .any(|t| t.kind == TransitionKind::StartAcknowledged
            && t.detail.contains("started before the restart")));
}

/// PENDING also means "started, waiting in the queue" (the contract cannot tell the two apart), so
/// the start is sent once more; the server refuses it as not pending, which confirms the start,
/// and the update is not started a second time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_start_still_queued_on_the_server_is_not_started_twice() {
    let setup = setup(Duration::from_secs(5)).await;
    let (job_id, update_id) = setup.interrupted_after_start_sent().await;
    client_for(&setup.sandbox.api_url())
        .start(&update_id, &StartRequest::default())
        .await
        .unwrap();
    let report = setup.resume().await;
    let resumed = report.jobs.into_iter().next().unwrap();
    assert_eq!(resumed.action, ResumeAction::Started);
    finish(resumed.running.unwrap()).await.unwrap();
    let starts: Vec<u16> = setup
        .sandbox
        .control()
        .requests()
        .iter()
        .filter(|r| r.endpoint == Some(Endpoint::Start))
        .map(|r| r.status)
        .collect();
    assert_eq!(starts, vec![201, 409], "one accepted start, one refused");
    assert_eq!(setup.job(&job_id).status, JobStatus::Finished);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_server_defers_the_decision_to_the_next_start() {
    let setup = setup(Duration::from_millis(300)).await;
    let (job_id, _) = setup
        .interrupted_job(
            true,
            &[
                TransitionKind::UploadStarted { file_index: 0 },
                TransitionKind::UploadAcknowledged { file_index: 0 },
            ],
        )
        .await;
    setup.sandbox.control().set_fault(
        Endpoint::Status,
        Fault {
            error_status: Some(503),
            error_rate: 1.0,
            ..Fault::default()
        },
    );
    let report = setup.resume().await;
    let resumed = &report.jobs[0];
    assert_eq!(resumed.interrupted, Interrupted::ReadyToStart);
    assert!(
        matches!(&resumed.action, ResumeAction::Deferred { message } if message.contains("Try again"))
    );
    assert_eq!(
        setup.job(&job_id).status,
        JobStatus::Running,
        "left for next time"
    );
    assert_eq!(setup.sandbox.control().count_requests(Endpoint::Start), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_of_another_environment_is_left_alone() {
    let setup = setup(Duration::from_millis(300)).await;
    let (job_id, _) = setup
        .interrupted_job(true, &[TransitionKind::StartSent])
        .await;
    let url = "http://127.0.0.1:9/";
    let elsewhere = Connection::new(
        client_for(url),
        Target::Server(Environment::custom(url).unwrap()),
    );
    let report = setup
        .runner
        .resume_unfinished(&elsewhere, None)
        .await
        .unwrap();
    assert!(matches!(
        &report.jobs[0].action,
        ResumeAction::OtherEnvironment { base_url } if base_url.contains(&setup.sandbox.base_url())
    ));
    assert_eq!(setup.job(&job_id).status, JobStatus::Running);
    let error = setup
        .runner
        .redownload(&elsewhere, &job_id, None)
        .await
        .err()
        .unwrap();
    assert!(matches!(
        error,
        JobsError::NotFinished { .. } | JobsError::OtherEnvironment { .. }
    ));
}
