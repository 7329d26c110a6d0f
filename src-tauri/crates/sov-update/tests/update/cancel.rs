//! Cancelling at every step ends the job promptly as Cancelled and leaves no partial file.
#![allow(clippy::unwrap_used)]

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::support::scripted_output;
use crate::support::{
    client_for, fast_poll, list_dir, start_sandbox, write_file, Events, CORRECTIONS,
};
use sov_update::{Job, JobError, JobProgress, JobSpec, Phase, Step};
use sovfixer_sandbox::{Endpoint, Fault, RunningSandbox, ScriptedStatus, SAMPLE_SOV_ID};
use tokio_util::sync::CancellationToken;

/// Far longer than any test may take: a job that waits this out was not cancelled.
const SERVER_DELAY: Duration = Duration::from_secs(20);
const PROMPT: Duration = Duration::from_secs(8);

/// Holds every request to `endpoint` for `SERVER_DELAY`.
fn hang(sandbox: &RunningSandbox, endpoint: Endpoint) {
    sandbox.control().set_fault(
        endpoint,
        Fault {
            latency_ms: SERVER_DELAY.as_millis() as u64,
            ..Fault::default()
        },
    );
}

struct Cancelled {
    error: JobError,
    dest: tempfile::TempDir,
    last: JobProgress,
}

/// Runs a job and cancels it `after` the first snapshot matching `when` (mid-request when the
/// server is slow at that point).
async fn cancel_during(
    sandbox: &RunningSandbox,
    when: impl Fn(&JobProgress) -> bool + Send + Sync + 'static,
    after: Duration,
) -> Cancelled {
    let input = tempfile::tempdir().unwrap();
    let dest = tempfile::tempdir().unwrap();
    let file = write_file(input.path(), "corrections.csv", CORRECTIONS);
    let cancel = CancellationToken::new();
    let reached = Arc::new(AtomicBool::new(false));
    let events = Events::default();
    let record = events.callback();
    let flag = reached.clone();
    let callback: sov_update::ProgressCallback = Arc::new(move |p: &JobProgress| {
        if when(p) {
            flag.store(true, Ordering::SeqCst);
        }
        record(p);
    });
    let trigger = cancel.clone();
    tokio::spawn(async move {
        while !reached.load(Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        tokio::time::sleep(after).await;
        trigger.cancel();
    });
    let spec = JobSpec {
        sov_id: SAMPLE_SOV_ID.into(),
        files: vec![file],
        download_dir: dest.path().to_owned(),
        ..JobSpec::default()
    };
    let began = Instant::now();
    let error = Job::new(
        client_for(&sandbox.api_url()),
        fast_poll(),
        callback,
        cancel,
    )
    .run(spec)
    .await
    .unwrap_err();
    let took = began.elapsed();
    let last = events.last();
    assert_eq!(error.error.code(), sov_error::Code::Cancelled);
    assert_eq!(last.phase, Phase::Cancelled);
    assert!(took < PROMPT, "cancel took {took:?}");
    Cancelled { error, dest, last }
}

fn phase_is(phase: Phase) -> impl Fn(&JobProgress) -> bool + Send + Sync + 'static {
    move |p| p.phase == phase
}

#[tokio::test]
async fn cancelled_before_it_starts() {
    let sandbox = start_sandbox().await;
    let cancel = CancellationToken::new();
    cancel.cancel();
    let events = Events::default();
    let spec = JobSpec {
        sov_id: SAMPLE_SOV_ID.into(),
        ..JobSpec::default()
    };
    let error = Job::new(
        client_for(&sandbox.api_url()),
        fast_poll(),
        events.callback(),
        cancel,
    )
    .run(spec)
    .await
    .unwrap_err();
    assert_eq!(
        (error.step, error.error.code()),
        (Step::Validate, sov_error::Code::Cancelled)
    );
    assert_eq!(events.last().phase, Phase::Cancelled);
    let control = sandbox.control();
    assert_eq!(
        Endpoint::ALL
            .map(|e| control.count_seen(e))
            .iter()
            .sum::<usize>(),
        0,
        "nothing was sent"
    );
}

#[tokio::test]
async fn cancelled_while_initiating() {
    let sandbox = start_sandbox().await;
    hang(&sandbox, Endpoint::InitiateUpdate);
    let run = cancel_during(
        &sandbox,
        phase_is(Phase::Initiating),
        Duration::from_millis(200),
    )
    .await;
    assert_eq!(run.error.step, Step::Initiate);
    assert_eq!(run.error.update_id, None);
}

#[tokio::test]
async fn cancelled_while_uploading() {
    let sandbox = start_sandbox().await;
    hang(&sandbox, Endpoint::AddLocations);
    let run = cancel_during(
        &sandbox,
        phase_is(Phase::Uploading),
        Duration::from_millis(200),
    )
    .await;
    assert_eq!(run.error.step, Step::Upload);
    assert!(
        run.error.update_id.is_some(),
        "the update id is kept for the record"
    );
    assert_eq!(sandbox.control().count_seen(Endpoint::Start), 0);
}

#[tokio::test]
async fn cancelled_while_starting() {
    let sandbox = start_sandbox().await;
    hang(&sandbox, Endpoint::Start);
    let run = cancel_during(
        &sandbox,
        phase_is(Phase::Starting),
        Duration::from_millis(200),
    )
    .await;
    assert_eq!(run.error.step, Step::Start);
    assert_eq!(
        sandbox.control().count_seen(Endpoint::Start),
        1,
        "cancel must not trigger a second start"
    );
}

#[tokio::test]
async fn cancelled_while_queued_or_processing() {
    let sandbox = start_sandbox().await;
    sandbox.control().set_status_script(Some(vec![
        ScriptedStatus {
            status: "IN_PROGRESS".into(),
            pct_complete: Some(50),
            health: "Working.".into(),
        };
        10_000
    ]));
    let run = cancel_during(
        &sandbox,
        phase_is(Phase::Processing),
        Duration::from_millis(150),
    )
    .await;
    assert_eq!(run.error.step, Step::Process);
    assert_eq!(
        run.last.processing.as_ref().unwrap().pct_complete,
        Some(50.0)
    );
    // A request already on the wire at cancel time may still be logged by the server; after
    // that settles, no new poll may arrive.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let polls_at_cancel = sandbox.control().count_seen(Endpoint::Status);
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(
        sandbox.control().count_seen(Endpoint::Status),
        polls_at_cancel,
        "polling stops after cancel"
    );
}

#[tokio::test]
async fn cancelled_while_a_status_request_hangs() {
    let sandbox = start_sandbox().await;
    hang(&sandbox, Endpoint::Status);
    let run = cancel_during(
        &sandbox,
        phase_is(Phase::Queued),
        Duration::from_millis(200),
    )
    .await;
    assert_eq!(run.error.step, Step::Process);
}

#[tokio::test]
async fn cancelled_mid_download_leaves_no_partial_file() {
    let sandbox = start_sandbox().await;
    sandbox
        .control()
        .set_scripted_outputs(Some(vec![scripted_output(
            "big.json",
            &"y".repeat(200_000),
        )]));
    sandbox.control().set_fault(
        Endpoint::Download,
        Fault {
            slow_chunk_bytes: Some(2_000),
            slow_pause_ms: 100,
            ..Fault::default()
        },
    );
    let run = cancel_during(
        &sandbox,
        |p| p.download.as_ref().is_some_and(|d| d.bytes_received > 0),
        Duration::from_millis(100),
    )
    .await;
    assert_eq!(run.error.step, Step::Download);
    assert!(
        list_dir(run.dest.path()).is_empty(),
        "no partial or temp file may remain"
    );
}
